"""The operators' review of draft tickets: the inbox of drafts (oldest first), the review page
(audio, transcript with low-confidence words marked, fields prefilled with suggestions and their
reasons), and the recording behind it.

Server-rendered; every form carries the CSRF token; the audio route checks the login and
serves byte ranges (the browser's player seeks with them).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from hotline.core.auth import roles_required
from hotline.core.db import db
from hotline.core.models import Role
from tickets import lifecycle, words
from tickets.lifecycle import TicketError
from tickets.models import DiscardReason, Ticket, TicketState, TicketType
from tickets.privacy import mask_number
from tickets.suggest import current_suggester
from voicemail.models import Voicemail

bp = Blueprint("review", __name__, template_folder="templates")
bp.context_processor(words.for_templates)

LOW_CONFIDENCE = 0.6
WORKERS = (Role.operator, Role.admin)


def _ticket(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    return ticket


def marked_transcript(words: list[dict[str, Any]] | None, fallback: str) -> Markup:
    """The transcript with words below LOW_CONFIDENCE in <mark class="low">."""
    if not words:
        return escape(fallback)
    parts = []
    for word in words:
        text = escape(word.get("word", ""))
        conf = word.get("conf", 1.0)
        if conf < LOW_CONFIDENCE:
            parts.append(Markup('<mark class="low" title="{:.2f}">{}</mark>').format(conf, text))
        else:
            parts.append(text)
    return Markup(" ").join(parts)


@bp.get("/inbox")
@roles_required(*WORKERS)
def inbox() -> str:
    drafts = db.session.scalars(
        select(Ticket)
        .where(Ticket.state == TicketState.draft.value)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(200)
    ).all()
    return render_template("voicemail/inbox.html", drafts=drafts, mask_number=mask_number)


def _next_draft(after: Ticket) -> str:
    following = db.session.scalar(
        select(Ticket.id)
        .where(Ticket.state == TicketState.draft.value, Ticket.id != after.id)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(1)
    )
    if following is None:
        return url_for("review.inbox")
    return url_for("review.review", ticket_id=following)


@bp.get("/review/<int:ticket_id>")
@roles_required(*WORKERS)
def review(ticket_id: int) -> str:
    ticket = _ticket(ticket_id)
    if ticket.state != TicketState.draft.value:
        return redirect(url_for("tickets_web.detail", ticket_id=ticket.id))
    voicemail = db.session.get(Voicemail, ticket.voicemail_id) if ticket.voicemail_id else None
    transcript = voicemail.transcript if voicemail else None
    text = (transcript.corrected_text or transcript.text) if transcript else ticket.description
    rules = current_suggester().rules
    return render_template(
        "voicemail/review.html",
        ticket=ticket,
        voicemail=voicemail,
        transcript=transcript,
        text=text,
        marked=marked_transcript(transcript.words if transcript else None, text),
        categories=rules.categories,
        districts=list(rules.districts),
        types=[x.value for x in TicketType],
        reasons=[x.value for x in DiscardReason],
        suggestions=ticket.suggestions or {},
    )


@bp.post("/review/<int:ticket_id>")
@roles_required(*WORKERS)
def review_action(ticket_id: int) -> Response:
    ticket = _ticket(ticket_id)
    action = request.form.get("action", "")
    actor = current_user.username
    try:
        if action == "confirm":
            text = request.form.get("transcript", "").strip()
            voicemail = (
                db.session.get(Voicemail, ticket.voicemail_id) if ticket.voicemail_id else None
            )
            transcript = voicemail.transcript if voicemail else None
            if transcript is not None and text and text != transcript.text:
                transcript.corrected_text = text
            changes = {
                name: request.form.get(name, "").strip()
                for name in ("type", "category", "district", "merchant", "amount", "caller_number")
            }
            changes["priority"] = request.form.get("priority", "0")
            if text:
                changes["description"] = text
            opened = lifecycle.confirm(ticket, actor, changes)
            db.session.commit()
            from tickets.transfers import after_move

            after_move(ticket, "confirm", opened.pin)
            flash(
                _(
                    "Registered as %(number)s; status PIN %(pin)s.",
                    number=ticket.number,
                    pin=opened.pin,
                )
            )
        elif action == "discard":
            lifecycle.discard(ticket, actor, request.form.get("reason", ""))
            db.session.commit()
            flash(_("Discarded."))
        elif action == "retry" and ticket.voicemail_id:
            from voicemail.reconcile import reprocess

            reprocess(ticket.voicemail_id)
            flash(_("Queued for processing again."))
            return redirect(url_for("review.inbox"))
        else:
            abort(400)
    except (TicketError, ValueError, LookupError) as exc:
        db.session.rollback()
        flash(f"{getattr(exc, 'field', None) or ''} {exc}".strip())
        return redirect(url_for("review.review", ticket_id=ticket.id))
    return redirect(_next_draft(ticket))


@bp.get("/voicemails/<int:voicemail_id>/audio")
@roles_required(*WORKERS)
def audio(voicemail_id: int) -> Response:
    """The stored recording, for logged-in staff; byte ranges for seeking."""
    voicemail = db.session.get(Voicemail, voicemail_id)
    if voicemail is None or not voicemail.audio_path or voicemail.audio_deleted_at:
        abort(404)
    root = current_app.config["HOTLINE_SETTINGS"].storage_root.resolve()
    path = (root / voicemail.audio_path).resolve()
    if root not in path.parents or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response

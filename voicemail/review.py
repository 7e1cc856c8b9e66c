"""The operators' review of draft tickets: the inbox of drafts (oldest first), the review page
(audio, transcript with low-confidence words marked, fields prefilled with suggestions and their
reasons), and the recording behind it. Confirming and discarding are
`voicemail.review_service`'s; what it refuses is said beside the field, the input kept.

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
from pydantic import ValidationError
from sqlalchemy import select

from hotline.core.auth import roles_required
from hotline.core.db import db
from hotline.core.models import Role
from hotline.core.service import ServiceError, field_errors
from tickets import words
from tickets.models import DiscardReason, Ticket, TicketState, TicketType
from tickets.privacy import mask_number
from tickets.rules import current_rules
from voicemail.media import stored_file
from voicemail.models import Voicemail
from voicemail.review_service import DraftMove, move_draft

bp = Blueprint("review", __name__, template_folder="templates")
bp.context_processor(words.for_templates)

LOW_CONFIDENCE = 0.6
WORKERS = (Role.operator, Role.admin)
#: The fields of the review form, as the ticket names them.
FIELDS = ("type", "category", "district", "merchant", "amount", "caller_number", "priority")


class _Submitted:
    """The draft as the operator left the form, to show it again beside what was refused."""

    def __init__(self, ticket: Ticket, form: Any) -> None:
        self._ticket, self._form = ticket, form

    def __getattr__(self, name: str) -> Any:
        if name in FIELDS and name in self._form:
            return self._form[name]
        return getattr(self._ticket, name)


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


def _review_page(ticket: Ticket, errors: dict[str, str] | None = None, form: Any = None) -> str:
    voicemail = db.session.get(Voicemail, ticket.voicemail_id) if ticket.voicemail_id else None
    transcript = voicemail.transcript if voicemail else None
    text = (transcript.corrected_text or transcript.text) if transcript else ticket.description
    if form is not None:
        text = form.get("transcript", text)
    rules = current_rules()
    return render_template(
        "voicemail/review.html",
        ticket=ticket if form is None else _Submitted(ticket, form),
        voicemail=voicemail,
        transcript=transcript,
        text=text,
        marked=marked_transcript(transcript.words if transcript else None, text),
        categories=rules.categories,
        districts=list(rules.districts),
        types=[x.value for x in TicketType],
        reasons=[x.value for x in DiscardReason],
        suggestions=ticket.suggestions or {},
        errors=errors or {},
    )


@bp.get("/review/<int:ticket_id>")
@roles_required(*WORKERS)
def review(ticket_id: int) -> str | Response:
    ticket = db.get_or_404(Ticket, ticket_id)
    if ticket.state != TicketState.draft.value:
        return redirect(url_for("tickets_web.detail", ticket_id=ticket.id))
    return _review_page(ticket)


def _move(form: Any) -> DraftMove:
    """The form as the service's move (the API's body)."""
    if form.get("action") == "confirm":
        fields = {name: form.get(name, "").strip() for name in FIELDS}
        return DraftMove.model_validate(
            {"action": "confirm", "transcript": form.get("transcript", ""), "fields": fields}
        )
    return DraftMove.model_validate({"action": "discard", "reason": form.get("reason") or None})


@bp.post("/review/<int:ticket_id>")
@roles_required(*WORKERS)
def review_action(ticket_id: int) -> Response | tuple[str, int]:
    """Confirm (with the corrected transcript), discard with a reason, or process again."""
    ticket = db.get_or_404(Ticket, ticket_id)
    action = request.form.get("action", "")
    if action == "retry" and ticket.voicemail_id:
        from voicemail.retry_service import reprocess

        try:
            reprocess(current_user, ticket.voicemail_id)
        except ServiceError as exc:
            flash(str(exc))
            return redirect(url_for("review.review", ticket_id=ticket.id))
        flash(_("Queued for processing again."))
        return redirect(url_for("review.inbox"))
    if action not in ("confirm", "discard"):
        abort(400)
    try:
        moved = move_draft(current_user, ticket.id, _move(request.form))
    except (ValidationError, ServiceError) as exc:
        errors = {k.removeprefix("fields."): v for k, v in field_errors(exc).items()}
        return _review_page(ticket, errors, request.form), 400
    if action == "confirm":
        flash(
            _(
                "Registered as %(number)s; status PIN %(pin)s.",
                number=moved.ticket.number,
                pin=moved.pin,
            )
        )
    else:
        flash(_("Discarded."))
    return redirect(_next_draft(ticket))


@bp.get("/voicemails/<int:voicemail_id>/audio")
@roles_required(*WORKERS)
def audio(voicemail_id: int) -> Response:
    """The stored recording, for logged-in staff; byte ranges for seeking."""
    voicemail = db.session.get(Voicemail, voicemail_id)
    if voicemail is None or voicemail.audio_deleted_at:
        abort(404)
    return audio_response(voicemail.audio_path)


def audio_response(relative: str | None) -> Response:
    """A stored recording with byte ranges, never cached (404 when it is gone)."""
    path = stored_file(current_app.config["HOTLINE_SETTINGS"].storage_root, relative)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""The operators' pages: the inbox of drafts to review (oldest first), the review page (audio,
transcript with low-confidence words marked, fields prefilled with suggestions and their
reasons), the ticket list with filters and search, and a ticket with its history.

Server-rendered; every form carries the CSRF token; the audio route checks the login and
serves byte ranges (the browser's player seeks with them).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
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
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from hotline.auth import roles_required
from hotline.db import db
from hotline.i18n import t
from hotline.models import Role
from tickets import lifecycle
from tickets.lifecycle import TicketError
from tickets.models import DiscardReason, Ticket, TicketState, TicketType
from tickets.privacy import log_unmask, mask_number, mask_text, may_unmask
from tickets.suggest import current_suggester
from voicemail.models import Voicemail

bp = Blueprint("tickets_web", __name__, template_folder="templates")

LOW_CONFIDENCE = 0.6
PAGE = 50
STAFF = (Role.operator, Role.admin, Role.manager)
WORKERS = (Role.operator, Role.admin)


COUNTED = "counted"  # every state but discarded: what the reports count


def _created_between(first: str, last: str) -> list:
    """Tickets created on the local days `first`..`last` (either may be empty); a date that
    cannot be read is a 400 naming it."""
    zone = current_app.config["HOTLINE_SETTINGS"].zone
    conditions = []
    for name, raw, day_after in (("from", first, 0), ("to", last, 1)):
        if not raw:
            continue
        try:
            day = date.fromisoformat(raw) + timedelta(days=day_after)
        except ValueError:
            abort(400, description=f"`{name}` must be a date like 2026-11-23")
        moment = datetime.combine(day, time.min, tzinfo=zone)
        conditions.append(
            Ticket.created_at >= moment if name == "from" else Ticket.created_at < moment
        )
    return conditions


def _rules():  # noqa: ANN202
    return current_suggester().rules


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


@bp.get("/")
@login_required
def home() -> Response:
    """Where each role starts: managers on the reports, everyone else in the inbox."""
    if current_user.role == Role.manager.value:
        return redirect(url_for("reports_web.dashboard"))
    return redirect(url_for("tickets_web.inbox"))


@bp.get("/inbox")
@roles_required(*WORKERS)
def inbox() -> str:
    drafts = db.session.scalars(
        select(Ticket)
        .where(Ticket.state == TicketState.draft.value)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(200)
    ).all()
    return render_template("tickets/inbox.html", drafts=drafts, mask_number=mask_number)


def _next_draft(after: Ticket) -> str:
    following = db.session.scalar(
        select(Ticket.id)
        .where(Ticket.state == TicketState.draft.value, Ticket.id != after.id)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(1)
    )
    if following is None:
        return url_for("tickets_web.inbox")
    return url_for("tickets_web.review", ticket_id=following)


@bp.get("/review/<int:ticket_id>")
@roles_required(*WORKERS)
def review(ticket_id: int) -> str:
    ticket = _ticket(ticket_id)
    if ticket.state != TicketState.draft.value:
        return redirect(url_for("tickets_web.detail", ticket_id=ticket.id))
    voicemail = db.session.get(Voicemail, ticket.voicemail_id) if ticket.voicemail_id else None
    transcript = voicemail.transcript if voicemail else None
    text = (transcript.corrected_text or transcript.text) if transcript else ticket.description
    rules = _rules()
    return render_template(
        "tickets/review.html",
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
            flash(t("confirmed", number=ticket.number, pin=opened.pin))
        elif action == "discard":
            lifecycle.discard(ticket, actor, request.form.get("reason", ""))
            db.session.commit()
            flash(t("discarded"))
        elif action == "retry" and ticket.voicemail_id:
            from voicemail.reconcile import reprocess

            reprocess(ticket.voicemail_id)
            flash(t("retried"))
            return redirect(url_for("tickets_web.inbox"))
        else:
            abort(400)
    except (TicketError, ValueError, LookupError) as exc:
        db.session.rollback()
        flash(f"{getattr(exc, 'field', None) or ''} {exc}".strip())
        return redirect(url_for("tickets_web.review", ticket_id=ticket.id))
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


@bp.get("/tickets")
@roles_required(*STAFF)
def ticket_list() -> str:
    args = request.args
    query = select(Ticket)
    names = ("state", "category", "district", "merchant", "q", "from", "to")
    filters = {name: args.get(name, "").strip() for name in names}
    if filters["state"] in {s.value for s in TicketState}:
        query = query.where(Ticket.state == filters["state"])
    elif filters["state"] == COUNTED:
        query = query.where(Ticket.state != TicketState.discarded.value)
    if filters["merchant"]:
        query = query.where(Ticket.merchant == filters["merchant"][:200])
    query = query.where(*_created_between(filters["from"], filters["to"]))
    if filters["category"]:
        query = query.where(Ticket.category == filters["category"])
    if filters["district"]:
        query = query.where(Ticket.district == filters["district"])
    if filters["q"]:
        like = f"%{filters['q'][:100]}%"
        query = query.where(
            or_(Ticket.number.like(like), Ticket.description.like(like), Ticket.merchant.like(like))
        )
    page = max(1, min(int(args.get("page", "1")) if args.get("page", "1").isdigit() else 1, 10_000))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    tickets = db.session.scalars(
        query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(PAGE)
        .offset((page - 1) * PAGE)
    ).all()
    rules = _rules()
    return render_template(
        "tickets/list.html",
        tickets=tickets,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        filters=filters,
        states=[s.value for s in TicketState],
        counted=COUNTED,
        categories=rules.categories,
        districts=list(rules.districts),
        flags=lifecycle.flags,
        mask_number=mask_number,
    )


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*STAFF)
def detail(ticket_id: int) -> str:
    ticket = _ticket(ticket_id)
    unmask = request.args.get("unmask") == "1"
    if unmask and not may_unmask(current_user.row):
        abort(403)
    if unmask:
        log_unmask(current_user.row, f"ticket:{ticket.id}", request.remote_addr)
        db.session.commit()
    category_names = {c.key: c for c in _rules().categories}
    return render_template(
        "tickets/detail.html",
        ticket=ticket,
        unmask=unmask,
        caller=ticket.caller_number if unmask else mask_number(ticket.caller_number),
        description=ticket.description if unmask else mask_text(ticket.description),
        flags=lifecycle.flags(ticket),
        category=category_names.get(ticket.category or ""),
        can_unmask=may_unmask(current_user.row),
    )


@bp.route("/admin/rules", methods=["GET", "POST"])
@roles_required(Role.admin)
def rules() -> str | Response:
    """Categories, districts (with old names and the gazetteer) and the type/priority words."""
    from hotline.admin_web import audit
    from tickets.suggest import FILES, RulesError, read_rule_file, write_rule_file

    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            write_rule_file(name, request.form.get("yaml", ""))
        except RulesError as exc:
            flash(str(exc))
        else:
            audit("rules.saved", f"rules:{name}")
            flash(t("saved"))
        return redirect(url_for("tickets_web.rules"))
    return render_template(
        "tickets/rules.html", files={name: read_rule_file(name) for name in FILES}
    )

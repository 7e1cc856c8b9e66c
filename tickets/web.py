"""The operators' ticket pages: the ticket list with filters and search, and a ticket with its
history (the inbox and the review of drafts are voicemail's, `voicemail/review.py`).

Server-rendered; every form carries the CSRF token.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from hotline.core.auth import roles_required
from hotline.core.db import db
from hotline.core.models import Role
from tickets import lifecycle, words
from tickets.models import Ticket, TicketState
from tickets.privacy import log_unmask, mask_number, mask_text, may_unmask
from tickets.suggest import current_suggester

bp = Blueprint("tickets_web", __name__, template_folder="templates")
bp.context_processor(words.for_templates)

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


@bp.get("/")
@login_required
def home() -> Response:
    """Where each role starts: managers on the reports, everyone else in the inbox."""
    if current_user.role == Role.manager.value:
        return redirect(url_for("reports_web.dashboard"))
    return redirect(url_for("review.inbox"))


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
    from hotline.accounts.web import audit
    from tickets.suggest import FILES, RulesError, read_rule_file, write_rule_file

    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            write_rule_file(name, request.form.get("yaml", ""))
        except RulesError as exc:
            flash(str(exc))
        else:
            audit("rules.saved", f"rules:{name}")
            flash(_("Saved."))
        return redirect(url_for("tickets_web.rules"))
    return render_template(
        "tickets/rules.html", files={name: read_rule_file(name) for name in FILES}
    )

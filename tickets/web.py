"""The operators' ticket pages: the ticket list with filters and search, and a ticket with its
history (the inbox and the review of drafts are voicemail's, `voicemail/review.py`).

Server-rendered; every form carries the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field, ValidationError

from hotline.core.auth import roles_required
from hotline.core.db import db
from hotline.core.models import Role
from hotline.core.service import field_errors, filled_in
from tickets import lifecycle, service, words
from tickets.models import COUNTED, TicketState
from tickets.privacy import mask_number, mask_text, may_unmask
from tickets.rules import current_rules
from tickets.service import TicketFilters

bp = Blueprint("tickets_web", __name__, template_folder="templates")
bp.context_processor(words.for_templates)

PAGE = 50
STAFF = (Role.operator, Role.admin, Role.manager)
WORKERS = (Role.operator, Role.admin)
FILTERS = ("state", "category", "district", "merchant", "caller", "q", "overdue", "from", "to")


class ListQuery(TicketFilters):
    page: int = Field(1, ge=1, le=10_000)


def _rules():
    return current_rules()


@bp.get("/")
@login_required
def home() -> Response:
    """Where each role starts: managers on the reports, everyone else in the inbox."""
    if current_user.role == Role.manager.value:
        return redirect(url_for("reports_web.dashboard"))
    return redirect(url_for("review.inbox"))


@bp.get("/tickets")
@roles_required(*STAFF)
def ticket_list() -> tuple[str, int]:
    """The tickets the filters pick (the API's and the CLI's filters); a filter that cannot be
    read is said beside it (400)."""
    filters = filled_in(request.args, *FILTERS, "page")
    errors: dict[str, str] = {}
    try:
        query = ListQuery.model_validate(filters)
    except ValidationError as exc:
        errors, found = field_errors(exc), None
    else:
        found = db.paginate(
            service.ticket_query(query), page=query.page, per_page=PAGE, error_out=False
        )
    rules = _rules()
    page = render_template(
        "tickets/list.html",
        tickets=found.items if found else [],
        total=found.total if found else 0,
        page=found.page if found else 1,
        pages=max(1, found.pages) if found else 1,
        filters={name: filters.get(name, "") for name in FILTERS},
        link_args={name: value for name, value in filters.items() if name != "page"},
        errors=errors,
        states=[s.value for s in TicketState],
        counted=COUNTED,
        categories=rules.categories,
        districts=list(rules.districts),
        flags=lifecycle.flags,
        mask_number=mask_number,
    )
    return page, 400 if errors else 200


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*STAFF)
def detail(ticket_id: int) -> str:
    unmask = request.args.get("unmask") == "1"
    try:
        ticket = service.read_ticket(current_user.row, ticket_id, unmask)
    except service.NoSuchTicket:
        abort(404)
    except service.MayNotUnmask:
        abort(403)
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
    from tickets.rules import FILES, RulesError, read_rule_file

    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            service.save_rule_file(current_user, name, request.form.get("yaml", ""))
        except RulesError as exc:
            flash(str(exc))
        else:
            flash(_("Saved."))
        return redirect(url_for("tickets_web.rules"))
    return render_template(
        "tickets/rules.html", files={name: read_rule_file(name) for name in FILES}
    )

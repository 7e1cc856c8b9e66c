"""`/api/v1/tickets`, `/api/v1/suggest`, `/api/v1/transfers` and the exports.

Operators list, read and edit tickets (their moves, a draft's confirmation among them, are
`voicemail.api`'s: confirming corrects a voicemail's transcript); managers read them (numbers
masked); partner hotlines create transfers and read their outcome, and only their own. Every
change goes through `tickets.service` and becomes an event.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from werkzeug.exceptions import NotFound

from hotline.core import clock
from hotline.core.api import ErrorBody, FieldError, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role, User
from tickets import exports, lifecycle, service, transfers
from tickets.models import Ticket, TicketState
from tickets.privacy import mask_number, mask_text
from tickets.service import TicketEdit, TicketFilters
from tickets.suggest import current_suggester

bp = Blueprint("tickets_api", __name__, url_prefix="/api/v1")
json_errors(bp)

ERRORS = error_responses(400, 401, 403)
WORKERS = (Role.operator,)
READERS = (Role.operator, Role.manager)


# -- models ------------------------------------------------------------------------------------


class TicketQuery(TicketFilters):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


class EventOut(BaseModel):
    at: str
    actor: str
    kind: str
    data: dict[str, Any]


class TicketOut(BaseModel):
    id: int
    number: str | None
    state: TicketState
    source: str
    type: str | None
    category: str | None
    district: str | None
    merchant: str | None
    amount: str | None
    priority: int
    caller_number: str
    language: str | None
    description: str
    repeat_caller: bool
    overdue: bool
    due_soon: bool
    due_at: str | None
    assigned_district: str | None
    resolution: str | None
    discard_reason: str | None
    voicemail_id: int | None
    partner: str | None
    partner_ref: str | None
    created_at: str
    updated_at: str
    suggestions: dict[str, Any] | None = None
    events: list[EventOut] | None = None
    masked: bool


class TicketPage(BaseModel):
    items: list[TicketOut]
    page: int
    per_page: int
    total: int


class Confirmed(BaseModel):
    ticket: TicketOut
    pin: str | None = Field(None, description="status-lookup PIN, shown only on confirmation")


class SuggestIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)
    lang: Literal["zh", "en"] = "zh"


class SuggestOut(BaseModel):
    type: dict[str, Any]
    category: dict[str, Any] | None
    district: dict[str, Any] | None
    amount: dict[str, Any] | None
    callback_number: dict[str, Any] | None
    merchant: dict[str, Any] | None
    priority: dict[str, Any]


class DetailQuery(BaseModel):
    unmask: bool = False


class ExportQuery(BaseModel):
    start: date
    end: date


class Open311Query(BaseModel):
    start_date: date
    end_date: date


# -- helpers -----------------------------------------------------------------------------------


def ticket_json(ticket: Ticket, masked: bool, detail: bool = False) -> dict[str, Any]:
    flags = lifecycle.flags(ticket)
    body: dict[str, Any] = {
        "id": ticket.id,
        "number": ticket.number,
        "state": ticket.state,
        "source": ticket.source,
        "type": ticket.type,
        "category": ticket.category,
        "district": ticket.district,
        "merchant": ticket.merchant,
        "amount": str(ticket.amount) if ticket.amount is not None else None,
        "priority": ticket.priority,
        "caller_number": mask_number(ticket.caller_number) if masked else ticket.caller_number,
        "language": ticket.language,
        "description": mask_text(ticket.description) if masked else ticket.description,
        "repeat_caller": ticket.repeat_caller,
        **flags,
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        "assigned_district": ticket.assigned_district,
        "resolution": ticket.resolution,
        "discard_reason": ticket.discard_reason,
        "voicemail_id": ticket.voicemail_id,
        "partner": ticket.partner,
        "partner_ref": ticket.partner_ref,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "masked": masked,
    }
    if detail:
        suggestions = dict(ticket.suggestions or {})
        if masked and suggestions.get("callback_number"):
            suggestions["callback_number"] = {"value": "****", "why": ["****"]}
        body["suggestions"] = suggestions
        body["events"] = [
            {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "data": e.data}
            for e in ticket.events
        ]
    return body


def _actor() -> User:
    return g.api_user


# -- tickets -----------------------------------------------------------------------------------


@bp.get("/tickets")
@require_role(*READERS)
@spec.validate(query=TicketQuery, resp=Responses(HTTP_200=TicketPage, **ERRORS), tags=["tickets"])
def list_tickets() -> Response:
    """Tickets, newest first; filtered as the ticket list page and `hotline tickets list` are:
    state (or `counted`), category, district, merchant, caller, words, overdue, local days."""
    args: TicketQuery = request.context.query  # type: ignore[attr-defined]
    found = db.paginate(
        service.ticket_query(args), page=args.page, per_page=args.per_page, error_out=False
    )
    return jsonify(
        {
            "items": [ticket_json(t, masked=True) for t in found.items],
            "page": args.page,
            "per_page": args.per_page,
            "total": found.total,
        }
    )


@bp.get("/tickets/<int:ticket_id>")
@require_role(*READERS)
@spec.validate(
    query=DetailQuery,
    resp=Responses(HTTP_200=TicketOut, HTTP_404=ErrorBody, **ERRORS),
    tags=["tickets"],
)
def get_ticket(ticket_id: int) -> Response:
    """One ticket with its suggestions and history; `unmask=true` (operators, logged) shows
    the caller's number and the numbers in the text."""
    args: DetailQuery = request.context.query  # type: ignore[attr-defined]
    ticket = service.read_ticket(_actor(), ticket_id, args.unmask)
    return jsonify(ticket_json(ticket, masked=not args.unmask, detail=True))


@bp.patch("/tickets/<int:ticket_id>")
@require_role(*WORKERS)
@spec.validate(
    json=TicketEdit,
    resp=Responses(HTTP_200=TicketOut, HTTP_404=ErrorBody, **ERRORS),
    tags=["tickets"],
)
def edit_ticket(ticket_id: int) -> Response:
    """Change fields of a draft, open or dispatched ticket; the change is an event."""
    body: TicketEdit = request.context.json  # type: ignore[attr-defined]
    ticket = service.edit_ticket(_actor(), ticket_id, body)
    return jsonify(ticket_json(ticket, masked=False, detail=True))


@bp.post("/suggest")
@require_role(*WORKERS)
@spec.validate(json=SuggestIn, resp=Responses(HTTP_200=SuggestOut, **ERRORS), tags=["tickets"])
def suggest_fields() -> Response:
    """The suggested fields for any text, each with the words that led to it."""
    body: SuggestIn = request.context.json  # type: ignore[attr-defined]
    return jsonify(current_suggester().suggest(body.text, body.lang))


# -- exports -----------------------------------------------------------------------------------


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    try:
        return clock.local_days(start, end, current_app.config["HOTLINE_SETTINGS"].zone)
    except ValueError as exc:
        raise FieldError(str(exc), "end") from None


@bp.get("/tickets/export.csv")
@require_role(*READERS)
@spec.validate(query=ExportQuery, resp=Responses(HTTP_200=None, **ERRORS), tags=["exports"])
def export_csv() -> Response:
    """Tickets created on the local days start..end as CSV (numbers masked)."""
    args: ExportQuery = request.context.query  # type: ignore[attr-defined]
    body = exports.tickets_csv(*_period(args.start, args.end))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=tickets-{args.start}-{args.end}.csv"
        },
    )


@bp.get("/open311/requests.json")
@require_role(*READERS)
@spec.validate(query=Open311Query, resp=Responses(HTTP_200=None, **ERRORS), tags=["exports"])
def open311_requests() -> Response:
    """The same tickets as Open311 GeoReport v2 service requests."""
    args: Open311Query = request.context.query  # type: ignore[attr-defined]
    return jsonify(exports.open311_requests(*_period(args.start_date, args.end_date)))


# -- partner transfers -------------------------------------------------------------------------


@bp.post("/transfers")
@require_role(Role.partner)
@spec.validate(
    json=transfers.TransferIn,
    resp=Responses(HTTP_201=transfers.TransferOut, HTTP_200=transfers.TransferOut, **ERRORS),
    tags=["transfers"],
)
def create_transfer() -> tuple[Response, int]:
    """A partner hotline's work order: an open ticket; posting the same partner_ref again
    returns the same ticket (200) instead of a new one (201)."""
    body: transfers.TransferIn = request.context.json  # type: ignore[attr-defined]
    ticket, created = transfers.create(_actor(), body)  # a refusal: 400 naming the field
    return jsonify(transfers.outcome(ticket)), 201 if created else 200


@bp.get("/transfers/<partner_ref>")
@require_role(Role.partner)
@spec.validate(
    resp=Responses(HTTP_200=transfers.TransferOut, HTTP_404=ErrorBody, **ERRORS),
    tags=["transfers"],
)
def get_transfer(partner_ref: str) -> Response:
    """The outcome of one of this partner's transfers (another partner's is not found)."""
    ticket = transfers.find(_actor(), partner_ref[:64])
    if ticket is None:
        raise NotFound(f"no transfer {partner_ref[:64]!r} from {_actor().username}")
    return jsonify(transfers.outcome(ticket))


# -- the suggester's rule files (admins) -------------------------------------------------------


class RuleFile(BaseModel):
    name: Literal["categories.yaml", "districts.yaml", "rules.yaml"]
    yaml: str = Field(max_length=500_000)


class RuleText(BaseModel):
    yaml: str = Field(min_length=1, max_length=500_000)


@bp.get("/rules/<name>")
@require_role()
@spec.validate(resp=Responses(HTTP_200=RuleFile, HTTP_404=ErrorBody, **ERRORS), tags=["rules"])
def get_rules(name: str) -> Response:
    """A rule file of the suggester: the admin's copy, or the shipped one."""
    from tickets.rules import FILES, read_rule_file

    if name not in FILES:
        raise NotFound(f"no rule file {name[:40]!r}; one of {', '.join(FILES)}")
    return jsonify({"name": name, "yaml": read_rule_file(name)})


@bp.put("/rules/<name>")
@require_role()
@spec.validate(
    json=RuleText, resp=Responses(HTTP_200=RuleFile, HTTP_404=ErrorBody, **ERRORS), tags=["rules"]
)
def put_rules(name: str) -> Response:
    """Replace a rule file; refused (400) when the set would no longer load."""
    from tickets.rules import FILES, RulesError

    if name not in FILES:
        raise NotFound(f"no rule file {name[:40]!r}; one of {', '.join(FILES)}")
    body: RuleText = request.context.json  # type: ignore[attr-defined]
    try:
        service.save_rule_file(_actor(), name, body.yaml)
    except RulesError as exc:
        raise FieldError(str(exc), "yaml") from None
    return jsonify({"name": name, "yaml": body.yaml})

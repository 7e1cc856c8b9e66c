"""Tickets' use cases for the pages, the API and the CLI: the search (one set of filters, one
query), edits and moves (discard, dispatch, resolve, close, reopen, confirm — a voicemail's
draft is confirmed through `voicemail.review_service`, which corrects its transcript first),
reading a ticket (unmasked only for the roles that may, and logged), and the suggester's rule
files. Each change takes the actor, writes one audit entry (`ticket.<action>`, `ticket.edit`,
`ticket.unmasked`, `rules.saved`) and owns its transaction; the caller is told (SMS) and a
partner notified after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, or_, select

from hotline.core import clock
from hotline.core.audit import Actor, actor_name, record
from hotline.core.db import db
from hotline.core.models import User
from hotline.core.service import ForbiddenError, NotFoundError, transaction
from tickets import lifecycle, transfers
from tickets.lifecycle import TicketError
from tickets.models import COUNTED, DiscardReason, Ticket, TicketState, TicketType
from tickets.privacy import log_unmask, may_unmask

ACTIVE = (TicketState.open.value, TicketState.dispatched.value)


class NoSuchTicket(TicketError, NotFoundError):
    """There is no ticket with that id."""


class MayNotUnmask(TicketError, ForbiddenError):
    """The actor's role may not see a ticket's personal data."""


# -- search ------------------------------------------------------------------------------------


class TicketFilters(BaseModel):
    """The ticket list's filters, the same for the page, the API and `hotline tickets list`."""

    model_config = ConfigDict(populate_by_name=True)

    state: TicketState | Literal["counted"] | None = Field(
        None, description="a state, or `counted`: every state but discarded"
    )
    category: str | None = Field(None, max_length=64)
    district: str | None = Field(None, max_length=32)
    merchant: str | None = Field(None, max_length=200, description="merchant, exact")
    caller: str | None = Field(None, max_length=32, description="caller number, exact")
    q: str | None = Field(
        None, max_length=200, description="words in the number, description or merchant"
    )
    overdue: bool | None = Field(None, description="open or dispatched past their due time")
    from_: date | None = Field(None, alias="from", description="created on this local day or later")
    to: date | None = Field(None, description="created on this local day or earlier")

    @field_validator("to")
    @classmethod
    def _after_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        first = info.data.get("from_")
        if value is not None and first is not None and value < first:
            raise PydanticCustomError("date_order", "the end date is before the start date")
        return value


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.zone())


def ticket_query(filters: TicketFilters) -> Select[tuple[Ticket]]:
    """The tickets that match, newest first."""
    query = select(Ticket)
    if filters.state == COUNTED:
        query = query.where(Ticket.state != TicketState.discarded.value)
    elif filters.state is not None:
        query = query.where(Ticket.state == filters.state)
    for column, value in (
        (Ticket.category, filters.category),
        (Ticket.district, filters.district),
        (Ticket.merchant, filters.merchant),
        (Ticket.caller_number, filters.caller),
    ):
        if value:
            query = query.where(column == value)
    if filters.q:
        query = query.where(
            or_(
                *(
                    column.contains(filters.q, autoescape=True)
                    for column in (Ticket.number, Ticket.description, Ticket.merchant)
                )
            )
        )
    if filters.overdue:
        query = query.where(Ticket.state.in_(ACTIVE), Ticket.due_at < clock.now())
    if filters.from_:
        query = query.where(Ticket.created_at >= _local_midnight(filters.from_))
    if filters.to:
        query = query.where(Ticket.created_at < _local_midnight(filters.to + timedelta(days=1)))
    return query.order_by(Ticket.created_at.desc(), Ticket.id.desc())


# -- edits and moves ---------------------------------------------------------------------------


class TicketEdit(BaseModel):
    type: TicketType | None = None
    category: str | None = Field(None, max_length=64)
    district: str | None = Field(None, max_length=32)
    merchant: str | None = Field(None, max_length=200)
    amount: str | None = Field(None, max_length=20)
    priority: int | None = Field(None, ge=0, le=4)
    caller_number: str | None = Field(None, max_length=32)
    description: str | None = Field(None, max_length=20_000)


Action = Literal["confirm", "discard", "dispatch", "resolve", "close", "reopen"]


class Move(BaseModel):
    action: Action
    reason: DiscardReason | None = Field(None, description="discard: why")
    district: str | None = Field(None, max_length=32, description="dispatch: where to")
    resolution: str | None = Field(None, max_length=5000, description="resolve: how")
    note: str = Field("", max_length=500)
    fields: TicketEdit | None = Field(None, description="confirm: the reviewed fields")


@dataclass(frozen=True)
class Moved:
    ticket: Ticket
    pin: str | None = None  # the status-lookup PIN, made (and shown) only on confirmation


def find_ticket(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise NoSuchTicket(f"no ticket {ticket_id}", "ticket")
    return ticket


def read_ticket(actor: User, ticket_id: int, unmask: bool = False) -> Ticket:
    """A ticket to show; unmasked (its caller's number, the numbers in its text) only for the
    roles that may, and then with one audit entry `ticket.unmasked`."""
    ticket = find_ticket(ticket_id)
    if not unmask:
        return ticket
    if not may_unmask(actor):
        raise MayNotUnmask(f"role {actor.role!r} may not see personal data")
    with transaction():
        log_unmask(actor, f"ticket:{ticket.id}")
    return ticket


def _changes(edit: TicketEdit | None) -> dict[str, Any]:
    return edit.model_dump(exclude_unset=True, mode="json") if edit else {}


def _apply(ticket: Ticket, actor: str, move: Move) -> str | None:
    """The move on the ticket (in the session); the PIN when it was confirmed."""
    if move.action == "confirm":
        return lifecycle.confirm(ticket, actor, _changes(move.fields) or None).pin
    if move.action == "discard":
        if move.reason is None:
            raise TicketError("say why it is discarded", "reason")
        lifecycle.discard(ticket, actor, move.reason.value, move.note)
    elif move.action == "dispatch":
        lifecycle.dispatch(ticket, actor, move.district or ticket.district or "")
    elif move.action == "resolve":
        lifecycle.resolve(ticket, actor, move.resolution or "")
    elif move.action == "close":
        lifecycle.close(ticket, actor)
    else:
        lifecycle.reopen(ticket, actor, move.note)
    return None


def move_ticket(actor: Actor | None, ticket_id: int, move: Move) -> Moved:
    """Confirm, discard (with a reason), dispatch (to a district), resolve, close or reopen
    (a discarded ticket goes back to draft): one event, one audit entry `ticket.<action>`."""
    with transaction():
        ticket = find_ticket(ticket_id)
        pin = _apply(ticket, actor_name(actor), move)
        details = {
            "reason": move.reason.value if move.reason else None,
            "district": ticket.assigned_district if move.action == "dispatch" else None,
            "note": move.note or None,
        }
        record(
            actor,
            f"ticket.{move.action}",
            f"ticket:{ticket.id}",
            state=ticket.state,
            number=ticket.number,
            **{key: value for key, value in details.items() if value is not None},
        )
    transfers.after_move(ticket, move.action, pin)
    return Moved(ticket, pin)


def edit_ticket(actor: Actor | None, ticket_id: int, edit: TicketEdit) -> Ticket:
    """Change fields of a draft, open or dispatched ticket: one `edited` event listing each
    field's old and new value, one audit entry `ticket.edit`."""
    with transaction():
        ticket = find_ticket(ticket_id)
        diff = lifecycle.edit(ticket, actor_name(actor), _changes(edit))
        record(actor, "ticket.edit", f"ticket:{ticket.id}", fields=sorted(diff))
    return ticket


# -- the suggester's rule files ----------------------------------------------------------------


def save_rule_file(actor: Actor | None, name: str, text: str) -> None:
    """Replace a rule file of the suggester, only when the whole set still loads (RulesError
    says why not); one audit entry `rules.saved`."""
    from tickets.rules import write_rule_file

    with transaction():
        write_rule_file(name, text)
        record(actor, "rules.saved", f"rules:{name}")

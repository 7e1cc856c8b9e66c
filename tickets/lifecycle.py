"""A ticket's life: draft → open (numbered) → dispatched → resolved → closed, or discarded.

Every change is a TicketEvent saying who, when and what changed (old and new values); a
closed ticket may be reopened and keeps its history. Numbers are `12315-YYYYMMDD-NNNN` on the
hotline's local day, from a per-day sequence row incremented in the database, so concurrent
confirmations never share a number. The steps here add to the session; the use cases around
them (`tickets.service`, partner transfers) commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from hotline.core.clock import now
from hotline.core.db import db, insert_ignoring_conflict
from hotline.core.phones import filed_number, is_real_caller
from hotline.core.service import ServiceError
from tickets.models import (
    DiscardReason,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketState,
    TicketType,
)
from tickets.rules import current_rules

NUMBER_PREFIX = "12315"

#: state → the states it may move to.
MOVES: dict[str, tuple[str, ...]] = {
    TicketState.draft: (TicketState.open, TicketState.discarded),
    TicketState.open: (TicketState.dispatched, TicketState.resolved, TicketState.discarded),
    TicketState.dispatched: (TicketState.resolved, TicketState.open),
    TicketState.resolved: (TicketState.closed, TicketState.open),
    TicketState.closed: (TicketState.open,),
    TicketState.discarded: (TicketState.draft,),
}
#: Fields an operator may edit, with how each value is checked.
EDITABLE = (
    "type",
    "category",
    "district",
    "merchant",
    "amount",
    "priority",
    "caller_number",
    "description",
)


class TicketError(ServiceError):
    """A change that cannot be made; `field` names the field at fault, when there is one."""


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    pin: str  # the status-lookup PIN, shown once to the operator (and texted when enabled)


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


def _event(ticket: Ticket, actor: str, kind: str, **data: Any) -> None:
    db.session.add(TicketEvent(ticket_id=ticket.id, actor=actor, kind=kind, at=now(), data=data))


def _move(ticket: Ticket, target: str) -> str:
    if target not in MOVES.get(ticket.state, ()):
        raise TicketError(f"a {ticket.state} ticket cannot become {target}", "state")
    old, ticket.state = ticket.state, target
    ticket.updated_at = now()
    return old


# -- numbers and dates -------------------------------------------------------------------------


def next_number(at: datetime) -> str:
    """The next number of the local day of `at`, from the day's sequence row (safe under
    concurrency: the increment is one UPDATE, which PostgreSQL serialises on the row)."""
    day = at.astimezone(_settings().zone).strftime("%Y%m%d")
    insert_ignoring_conflict(TicketSequence, {"day": day, "last": 0}, unique="day")
    last = db.session.execute(
        update(TicketSequence)
        .where(TicketSequence.day == day)
        .values(last=TicketSequence.last + 1)
        .returning(TicketSequence.last)
    ).scalar_one()
    return f"{NUMBER_PREFIX}-{day}-{last:04d}"


def due_at(ticket_type: str | None, opened: datetime) -> datetime:
    days = _settings().ticket_due_days.get(ticket_type or "", 7)
    return opened + timedelta(days=days)


def flags(ticket: Ticket, at: datetime | None = None) -> dict[str, bool]:
    """`overdue` and `due_soon` for tickets still being handled."""
    at = at or now()
    active = ticket.state in (TicketState.open, TicketState.dispatched) and ticket.due_at
    overdue = bool(active and ticket.due_at < at)
    soon = bool(
        active and not overdue and ticket.due_at < at + timedelta(hours=_settings().due_soon_hours)
    )
    return {"overdue": overdue, "due_soon": soon}


# -- edits ------------------------------------------------------------------------------------


def _clean(field: str, value: Any) -> Any:
    if value in ("", None):
        if field in ("type", "caller_number", "description"):
            raise TicketError(f"{field} may not be empty", field)
        return None
    if field == "type" and value not in TicketType.__members__:
        raise TicketError(f"type is one of {', '.join(TicketType.__members__)}", field)
    if field == "category":
        keys = {c.key for c in current_rules().categories}
        if value not in keys:
            raise TicketError(f"unknown category {value!r}", field)
    if field == "district":
        names = current_rules().districts
        if value not in names:
            raise TicketError(f"unknown district {value!r}; one of {', '.join(names)}", field)
    if field == "amount":
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise TicketError("amount must be a number of yuan", field) from None
        if amount < 0 or amount >= Decimal("1e12"):
            raise TicketError("amount is out of range", field)
        return amount
    if field == "priority":
        if not isinstance(value, int) and not str(value).isdigit():
            raise TicketError("priority is a whole number from 0 to 4", field)
        value = int(value)
        if not 0 <= value <= 4:
            raise TicketError("priority is a whole number from 0 to 4", field)
        return value
    if field == "caller_number":
        return _caller_number(str(value), field)
    if field in ("merchant",) and len(str(value)) > 200:
        raise TicketError("merchant is at most 200 characters", field)
    if field == "description" and len(str(value)) > 20_000:
        raise TicketError("description is at most 20,000 characters", field)
    return value


def _caller_number(value: str, field: str) -> str:
    """What `hotline.core.phones.filed_number` accepts (a withheld caller's draft keeps its
    marker until someone knows the number)."""
    number = filed_number(value)
    if number is None:
        raise TicketError("caller_number is a phone number like +8613800138000", field)
    return number


def edit(ticket: Ticket, actor: str, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply field changes; one `edited` event lists each field's old and new value."""
    if ticket.state in (TicketState.closed, TicketState.discarded):
        raise TicketError(f"a {ticket.state} ticket cannot be edited; reopen it first", "state")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TicketError(f"{sorted(unknown)[0]} cannot be edited", sorted(unknown)[0])
    diff: dict[str, list[Any]] = {}
    for field, value in changes.items():
        value = _clean(field, value)
        old = getattr(ticket, field)
        if old != value:
            setattr(ticket, field, value)
            diff[field] = [_plain(old), _plain(value)]
    if diff:
        ticket.updated_at = now()
        _event(ticket, actor, "edited", changes=diff)
    return diff


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | datetime) else value


# -- moves -------------------------------------------------------------------------------------


def confirm(ticket: Ticket, actor: str, changes: dict[str, Any] | None = None) -> Opened:
    """A reviewed draft becomes an open ticket: numbered, due, with a status-lookup PIN."""
    if ticket.state != TicketState.draft:
        raise TicketError(f"only a draft can be confirmed (this one is {ticket.state})", "state")
    if changes:
        edit(ticket, actor, changes)
    if not ticket.type:
        raise TicketError("choose a type before confirming", "type")
    _move(ticket, TicketState.open)
    opened = now()
    ticket.number = next_number(opened)
    ticket.opened_at = opened
    ticket.due_at = ticket.due_at or due_at(ticket.type, opened)
    pin = f"{secrets.randbelow(10**6):06d}"
    ticket.lookup_pin_hash = generate_password_hash(pin)
    _event(ticket, actor, "opened", number=ticket.number, due_at=ticket.due_at.isoformat())
    return Opened(ticket, pin)


def discard(ticket: Ticket, actor: str, reason: str, note: str = "") -> None:
    if reason not in DiscardReason.__members__:
        raise TicketError(f"reason is one of {', '.join(DiscardReason.__members__)}", "reason")
    old = _move(ticket, TicketState.discarded)
    ticket.discard_reason = reason
    _event(ticket, actor, "discarded", reason=reason, note=note[:500], previous=old)


def dispatch(ticket: Ticket, actor: str, district: str) -> None:
    district = _clean("district", district)
    _move(ticket, TicketState.dispatched)
    ticket.assigned_district = district
    _event(ticket, actor, "dispatched", district=district)


def resolve(ticket: Ticket, actor: str, resolution: str) -> None:
    if not resolution.strip():
        raise TicketError("say how it was resolved", "resolution")
    _move(ticket, TicketState.resolved)
    ticket.resolution = resolution.strip()[:5000]
    ticket.resolved_at = now()
    _event(ticket, actor, "resolved", resolution=ticket.resolution)


def close(ticket: Ticket, actor: str) -> None:
    _move(ticket, TicketState.closed)
    ticket.closed_at = now()
    _event(ticket, actor, "closed")


def reopen(ticket: Ticket, actor: str, note: str = "") -> None:
    """Back to open (or a discarded one back to draft); the history stays."""
    target = TicketState.draft if ticket.state == TicketState.discarded else TicketState.open
    old = _move(ticket, target)
    if target == TicketState.open:
        ticket.closed_at = None
        ticket.resolved_at = None
    else:
        ticket.discard_reason = None
    _event(ticket, actor, "reopened", previous=old, note=note[:500])


# -- repeat callers and duplicates -------------------------------------------------------------


def repeat_caller(number: str, at: datetime, exclude_id: int | None = None) -> bool:
    """The number filed REPEAT_CALLER_COUNT tickets within REPEAT_CALLER_DAYS (with this one).

    A withheld or invalid number is never a repeat caller: it stands for many people."""
    if not is_real_caller(number):
        return False
    settings = _settings()
    since = at - timedelta(days=settings.repeat_caller_days)
    count = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.caller_number == number,
            Ticket.created_at >= since,
            Ticket.id != (exclude_id or 0),
        )
    )
    return count + 1 >= settings.repeat_caller_count


def duplicate_hints(ticket: Ticket) -> list[dict[str, Any]]:
    """Earlier tickets of the same caller and category within REPEAT_CALLER_DAYS."""
    if not is_real_caller(ticket.caller_number) or not ticket.category:
        return []
    since = ticket.created_at - timedelta(days=_settings().repeat_caller_days)
    rows = db.session.scalars(
        select(Ticket)
        .where(
            Ticket.caller_number == ticket.caller_number,
            Ticket.category == ticket.category,
            Ticket.created_at >= since,
            Ticket.id != ticket.id,
            Ticket.state != TicketState.discarded,
        )
        .order_by(Ticket.created_at.desc())
        .limit(5)
    )
    return [{"id": t.id, "number": t.number, "state": t.state} for t in rows]

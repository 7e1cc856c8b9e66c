"""The desk's use cases, for the page, the API and the CLI alike: what an operator's desk shows
now (state, the caller they took — the screen pop — and the after-call work), changing their
state, registering a ticket during the call or from a letter or visit, and ending the wrap-up.

Everything is read from the rows the queues write (`ivr.presence` is the one rule for the
state), so any web process answers the same. An operator sees, registers on and wraps up only
their own calls; a call that has ended and whose wrap-up is over is "stale" and says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from hotline.core import clock
from hotline.core.audit import record
from hotline.core.db import db
from hotline.core.i18n import N_
from hotline.core.models import User
from hotline.core.phones import is_real_caller, is_withheld
from hotline.core.service import ConflictError, ForbiddenError, NotFoundError, transaction
from ivr import queueing
from ivr.models import Call, Callback, QueueVisit
from ivr.operators import caller_path, redirect_line, ticket_type_of_path
from ivr.presence import OperatorState, Presence, presence
from tickets import lifecycle, transfers
from tickets.drafts import suggested_fields
from tickets.lifecycle import TicketError
from tickets.models import INTAKE_CHANNELS, Ticket, TicketSource, TicketState, TicketType
from voicemail.models import Voicemail

#: How many of the caller's earlier tickets and voicemails the pop lists.
HISTORY_ROWS = 10


class Disposition(StrEnum):
    """How a conversation ended, chosen in the wrap-up."""

    ticket_registered = "ticket_registered"
    consultation_answered = "consultation_answered"
    transferred_12345 = "transferred_12345"
    transferred_12331 = "transferred_12331"
    not_in_scope = "not_in_scope"
    abusive = "abusive"
    silent_line = "silent_line"


class DeskError(TicketError):
    """A desk action that cannot be done; the message says why, `field` where."""


class NotYourCall(DeskError, ForbiddenError):
    """The visit is another operator's call."""


class NoSuchCall(DeskError, NotFoundError):
    """There is no such queue visit."""


class StaleCall(DeskError, ConflictError):
    """The call has ended and its wrap-up is over: nothing more can be done on it here."""


# -- what the desk shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pop:
    """The caller an operator took, as the screen pop shows them."""

    visit_id: int
    call_sid: str
    caller: str
    withheld: bool
    language: str | None
    queue: str
    path: list[str]
    ticket_type: str | None
    waited_seconds: int | None
    bridged_at: datetime | None
    ended_at: datetime | None
    repeat_caller: bool
    earlier_tickets: list[dict[str, Any]]
    voicemails: list[dict[str, Any]]
    callback: dict[str, Any] | None
    registered: list[dict[str, Any]]


@dataclass(frozen=True)
class WrapUp:
    visit_id: int
    started_at: datetime
    due_at: datetime | None
    seconds_left: int
    disposition: str | None
    note: str


@dataclass(frozen=True)
class Desk:
    state: OperatorState
    logged_in: bool
    call: Pop | None
    wrap_up: WrapUp | None
    #: queues the operator answers, with callers waiting (for the header of the desk)
    queues: list[dict[str, Any]] = field(default_factory=list)


def _visit_tickets(visit_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Ticket).where(Ticket.queue_visit_id == visit_id).order_by(Ticket.id)
    )
    return [{"id": t.id, "number": t.number, "type": t.type, "state": t.state} for t in rows]


def caller_history(number: str, now: datetime) -> tuple[list[dict], list[dict], bool]:
    """(earlier tickets, voicemails, repeat caller) of a real caller number; nothing for a
    withheld or invalid one (it stands for many people)."""
    if not is_real_caller(number):
        return [], [], False
    tickets = db.session.scalars(
        select(Ticket)
        .where(Ticket.caller_number == number, Ticket.state != TicketState.discarded.value)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(HISTORY_ROWS)
    ).all()
    earlier = [
        {
            "id": t.id,
            "number": t.number,
            "state": t.state,
            "type": t.type,
            "category": t.category,
            "created_at": t.created_at,
            "due_at": t.due_at,
            **lifecycle.flags(t, now),
        }
        for t in tickets
    ]
    voicemails = db.session.scalars(
        select(Voicemail)
        .where(Voicemail.from_number == number)
        .order_by(Voicemail.created_at.desc(), Voicemail.id.desc())
        .limit(HISTORY_ROWS)
    ).all()
    drafts = dict(
        db.session.execute(
            select(Ticket.voicemail_id, Ticket.id).where(
                Ticket.voicemail_id.in_([v.id for v in voicemails])
            )
        ).all()
    )
    heard = [
        {
            "id": v.id,
            "state": v.state,
            "created_at": v.created_at,
            "seconds": v.recording_seconds,
            "text": (v.transcript.text[:140] if v.transcript else ""),
            "ticket_id": drafts.get(v.id),
        }
        for v in voicemails
    ]
    return earlier, heard, lifecycle.repeat_caller(number, now)


def _callback(visit: QueueVisit) -> dict[str, Any] | None:
    if visit.callback_id is None:
        return None
    callback = db.session.get(Callback, visit.callback_id)
    if callback is None:
        return None
    return {
        "id": callback.id,
        "number": callback.number,
        "requested_at": callback.requested_at,
        "joined_at": callback.joined_at,
        "attempts": callback.attempts,
    }


def caller_of(visit: QueueVisit, call: Call | None, callback: dict[str, Any] | None) -> str:
    """The caller's number: a called-back caller's call was placed by the hotline (Twilio's
    From is the hotline's own number), so theirs is the callback's."""
    return callback["number"] if callback else (call.from_number if call else "")


def pop_of(visit: QueueVisit, language: str, now: datetime) -> Pop:
    """The screen pop of a visit: the caller's number, path, wait, history and callback."""
    call = db.session.get(Call, visit.call_id)
    callback = _callback(visit)
    number = caller_of(visit, call, callback)
    path_call = visit.call_id
    if callback:
        first = db.session.get(Callback, visit.callback_id)
        path_call = first.call_id if first else visit.call_id
    earlier, voicemails, repeat = caller_history(number, now)
    return Pop(
        visit_id=visit.id,
        call_sid=call.call_sid if call else "",
        caller=number,
        withheld=is_withheld(number) or not is_real_caller(number),
        language=call.language if call else None,
        queue=visit.queue_name,
        path=[
            name
            for _node, name in caller_path(
                path_call, visit.menu_version, language, choices_only=True
            )
        ],
        ticket_type=ticket_type_of_path(path_call, visit.menu_version),
        waited_seconds=visit.wait_seconds,
        bridged_at=visit.bridged_at,
        ended_at=visit.left_at,
        repeat_caller=repeat,
        earlier_tickets=earlier,
        voicemails=voicemails,
        callback=callback,
        registered=_visit_tickets(visit.id),
    )


def _wrap_up(visit: QueueVisit, now: datetime) -> WrapUp | None:
    if visit.wrapup_started_at is None or visit.wrapup_ended_at is not None:
        return None
    left = int((visit.wrapup_due_at - now).total_seconds()) if visit.wrapup_due_at else 0
    return WrapUp(
        visit_id=visit.id,
        started_at=visit.wrapup_started_at,
        due_at=visit.wrapup_due_at,
        seconds_left=max(0, left),
        disposition=visit.disposition,
        note=visit.wrapup_note or "",
    )


def version(found: Presence, language: str) -> str:
    """A tag that changes whenever what the desk shows changes (state, call, its end, the
    wrap-up, tickets registered in it): the page's poll is answered "not modified" when its
    tag still holds, without reading the caller's history again."""
    visit, session = found.visit, found.session
    parts: list[object] = [language, found.state.value]
    if session is not None:
        parts += [session.id, session.available]
    if visit is not None:
        registered = db.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.queue_visit_id == visit.id)
        )
        parts += [
            visit.id,
            visit.left_at,
            visit.wrapup_started_at,
            visit.wrapup_due_at,
            visit.wrapup_ended_at,
            visit.disposition,
            registered,
        ]
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:20]


def desk(user: User, language: str, found: Presence | None = None) -> Desk:
    """What the operator's desk shows now (`found`: their presence, when just read)."""
    now = clock.now()
    found = found or presence(user.id, now)
    call = pop_of(found.visit, language, now) if found.visit is not None else None
    wrap_up = _wrap_up(found.visit, now) if found.visit is not None else None
    return Desk(
        state=found.state,
        logged_in=found.session is not None,
        call=call,
        wrap_up=wrap_up if found.state == OperatorState.wrap_up else None,
    )


# -- state -------------------------------------------------------------------------------------

#: The states an operator may choose on the desk (the others follow from the calls).
CHOOSABLE = (OperatorState.available, OperatorState.on_break, OperatorState.offline)


def set_state(actor: User, state: str, base_url: str) -> OperatorState:
    """Available, break or offline (logs out of the operator line). The state is the one the
    queues and the callback dispatcher use; an idle phone waiting in its queue is moved out of
    it at once (twilio REST) when the operator leaves for a break or logs out."""
    try:
        wanted = OperatorState(state)
    except ValueError:
        raise DeskError(N_("choose available, break or offline"), "state") from None
    if wanted not in CHOOSABLE:
        raise DeskError(N_("choose available, break or offline"), "state")
    now = clock.now()
    with transaction():
        found = presence(actor.id, now)
        session = found.session
        if session is None:
            if wanted == OperatorState.offline:
                return OperatorState.offline
            raise DeskError(
                N_("call the operator line and enter your PIN to log in first"), "state"
            )
        was_idle = found.state == OperatorState.available
        if wanted == OperatorState.offline:
            session.ended_at = now
        else:
            session.available = wanted == OperatorState.available
        record(actor, "desk.state", f"user:{actor.id}", state=wanted.value, was=found.state.value)
    if was_idle and wanted != OperatorState.available:
        redirect_line(session, base_url)
    if wanted == OperatorState.available:
        from ivr.callbacks import request_dispatch
        from ivr.operator_service import queues_of

        request_dispatch(queues_of(actor.id))
    return presence(actor.id, clock.now()).state


# -- the operator's own call -------------------------------------------------------------------


def own_visit(actor: User, visit_id: int, now: datetime) -> QueueVisit:
    """The actor's visit, still live or in wrap-up; refuses another's and a stale one."""
    visit = db.session.get(QueueVisit, visit_id)
    if visit is None:
        raise NoSuchCall(N_("there is no such call"), "visit_id")
    if visit.operator_id != actor.id:
        raise NotYourCall(N_("this call was taken by another operator"), "visit_id")
    if visit.left_at is not None and (
        visit.wrapup_ended_at is not None
        or (visit.wrapup_due_at is not None and visit.wrapup_due_at <= now)
        or visit.wrapup_started_at is None
    ):
        raise StaleCall(N_("this call has ended and its wrap-up is over"), "visit_id")
    return visit


# -- registering a ticket ----------------------------------------------------------------------


class Registration(BaseModel):
    """The desk's ticket form: from a live call (`visit_id`) or from another channel."""

    visit_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="the live call it is registered in"
    )
    channel: TicketSource | None = Field(
        None, description="letter, visit, web, email or partner (no call); `phone` with a call"
    )
    type: TicketType | None = None
    caller_number: str | None = Field(None, max_length=32)
    language: str | None = Field(None, pattern=r"^(zh-CN|en-US)$")
    description: str = Field("", max_length=20_000)
    category: str | None = Field(None, max_length=64)
    district: str | None = Field(None, max_length=32)
    merchant: str | None = Field(None, max_length=200)
    amount: str | None = Field(None, max_length=20)
    priority: int | None = Field(None, ge=0, le=4)


@dataclass(frozen=True)
class Registered:
    ticket: Ticket
    pin: str


def _intake_errors(form: Registration) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.type is None:
        errors["type"] = N_("choose a type")
    if not form.description.strip():
        errors["description"] = N_("say what the caller reports")
    if form.visit_id is None and form.channel not in INTAKE_CHANNELS:
        errors["channel"] = N_("choose the channel: letter, visit, web, e-mail or partner")
    if not (form.caller_number or "").strip() and form.visit_id is None:
        errors["caller_number"] = N_("give the contact's phone number")
    return errors


def register(actor: User, form: Registration) -> Registered:
    """Open a ticket from the desk's form: numbered, due, with a PIN (and the SMS when
    enabled), linked to the call and its queue visit; a call may have several, or none."""
    errors = _intake_errors(form)
    if errors:
        field_name, message = next(iter(errors.items()))
        raise DeskError(message, field_name, errors=errors)
    now = clock.now()
    with transaction():
        visit = own_visit(actor, form.visit_id, now) if form.visit_id is not None else None
        call = db.session.get(Call, visit.call_id) if visit else None
        on_line = caller_of(visit, call, _callback(visit)) if visit else ""
        number = (form.caller_number or "").strip() or on_line
        source = TicketSource.phone if visit else form.channel
        fields = suggested_fields(form.description, form.language, number)
        ticket = Ticket(
            state=TicketState.draft.value,
            source=source.value,
            type=form.type.value,
            caller_number=number,
            language=form.language or (call.language if call else None) or "zh-CN",
            description=form.description.strip(),
            suggestions=fields["suggestions"],
            repeat_caller=fields["repeat_caller"],
            call_id=call.id if call else None,
            queue_visit_id=visit.id if visit else None,
            created_at=now,
            updated_at=now,
        )
        db.session.add(ticket)
        db.session.flush()
        lifecycle._event(
            ticket,
            actor.username,
            "registered",
            source=source.value,
            visit_id=ticket.queue_visit_id,
        )
        changes = {
            name: value
            for name, value in (
                ("category", form.category),
                ("district", form.district),
                ("merchant", form.merchant),
                ("amount", form.amount),
                ("priority", form.priority if form.priority is not None else fields["priority"]),
                ("caller_number", number),
            )
            if value not in (None, "")
        }
        opened = lifecycle.confirm(ticket, actor.username, changes)
        record(
            actor,
            "desk.registered",
            f"ticket:{ticket.id}",
            number=ticket.number,
            source=source.value,
            visit=ticket.queue_visit_id,
        )
    transfers.after_move(ticket, "confirm", opened.pin)
    return Registered(ticket, opened.pin)


def suggestions(text: str, language: str | None, caller: str) -> dict[str, Any]:
    """The suggester on what the operator typed so far (the same one drafts use)."""
    fields = suggested_fields(text[:20_000], language, caller)
    return {
        "suggestions": fields["suggestions"],
        "fields": {
            name: (str(value) if isinstance(value, Decimal) else value)
            for name, value in fields.items()
            if name in ("type", "category", "district", "merchant", "amount", "priority")
        },
        "repeat_caller": fields["repeat_caller"],
    }


# -- after-call work ---------------------------------------------------------------------------


class WrapUpForm(BaseModel):
    visit_id: int = Field(ge=1, le=2**31 - 1)
    disposition: Disposition
    note: str = Field("", max_length=2000)


def end_wrap_up(actor: User, form: WrapUpForm) -> QueueVisit:
    """The operator's disposition and note for the call; ends the wrap-up (the operator line
    then offers the next caller). Also accepted for a wrap-up whose time just ran out."""
    now = clock.now()
    with transaction():
        visit = db.session.get(QueueVisit, form.visit_id)
        if visit is None:
            raise NoSuchCall(N_("there is no such call"), "visit_id")
        if visit.operator_id != actor.id:
            raise NotYourCall(N_("this call was taken by another operator"), "visit_id")
        if visit.left_at is None:
            raise DeskError(N_("the caller is still on the line"), "visit_id")
        if visit.wrapup_ended_at is not None and visit.disposition:
            raise StaleCall(N_("this call's wrap-up is already done"), "visit_id")
        if visit.wrapup_started_at is None:
            visit.wrapup_started_at = visit.left_at
        ended = queueing.end_wrap_up(visit, now)
        if visit.wrapup_ended_at is not None and visit.wrapup_ended_at < now - timedelta(days=1):
            raise StaleCall(N_("this call's wrap-up is over"), "visit_id")
        visit.disposition = form.disposition.value
        visit.wrapup_note = form.note.strip() or None
        record(
            actor,
            "desk.wrapped_up",
            f"visit:{visit.id}",
            disposition=visit.disposition,
            seconds=visit.wrapup_seconds,
            ended_now=ended,
        )
    return visit

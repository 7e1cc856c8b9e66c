"""Draft tickets from voicemails and unreached callbacks: the one place drafts are made.

The features below which drafts come (voicemail, the IVR's callbacks) hand over plain values,
so tickets knows neither their tables nor their states.

A voicemail's draft is prefilled with the suggester's fields (type, category, district, amount,
merchant, priority, a callback number said in the message when caller ID is withheld); the
suggestions and their reasons are kept beside them for the operator who reviews it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_datetime
from sqlalchemy import select

from hotline.core.clock import zone
from hotline.core.db import db, insert_ignoring_conflict, utcnow
from hotline.core.i18n import locale_of, translations
from hotline.core.phones import is_real_caller
from tickets.lifecycle import duplicate_hints, repeat_caller
from tickets.models import Ticket, TicketEvent, TicketState
from tickets.suggest import current_suggester


@dataclass(frozen=True)
class VoicemailMessage:
    """What a draft needs of a transcribed voicemail."""

    voicemail_id: int
    recording_sid: str
    call_id: int | None
    caller: str
    language: str | None
    text: str


@dataclass(frozen=True)
class UnreachedCallback:
    """What a draft needs of a callback that never reached the caller."""

    callback_id: int
    call_id: int | None
    number: str
    language: str
    queue_name: str
    requested_at: datetime
    attempts: int
    last_status: str | None


def suggested_fields(text: str, language: str | None, caller: str) -> dict[str, Any]:
    """The suggester's output plus the draft's prefilled column values."""
    repeat = repeat_caller(caller, utcnow())
    lang = "en" if (language or "").startswith("en") else "zh"
    found = current_suggester().suggest(text, lang, repeat_caller=repeat)
    spoken = (found.get("callback_number") or {}).get("value")
    return {
        "suggestions": found,
        "repeat_caller": repeat,
        "type": found["type"]["value"],
        "category": (found.get("category") or {}).get("value"),
        "district": (found.get("district") or {}).get("value"),
        "merchant": (found.get("merchant") or {}).get("value"),
        "amount": Decimal(found["amount"]["value"]) if found.get("amount") else None,
        "priority": found["priority"]["value"],
        "caller_number": caller if is_real_caller(caller) else (spoken or caller),
    }


def create_draft(voicemail: VoicemailMessage) -> Ticket:
    """The voicemail's draft ticket, created once (the voicemail id is unique on tickets)."""
    text, language = voicemail.text, voicemail.language
    fields = suggested_fields(text, language, voicemail.caller)
    created_id = insert_ignoring_conflict(
        Ticket,
        {
            **fields,
            "state": TicketState.draft.value,
            "source": "voicemail",
            "language": language,
            "description": text,
            "voicemail_id": voicemail.voicemail_id,
            "call_id": voicemail.call_id,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        },
        unique="voicemail_id",
    )
    ticket = db.session.scalars(
        select(Ticket).where(Ticket.voicemail_id == voicemail.voicemail_id)
    ).one()
    if created_id is None and ticket.state == TicketState.draft.value:
        # processed again (an operator's retry): the draft takes the new text and suggestions
        for name, value in fields.items():
            setattr(ticket, name, value)
        ticket.description = text
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor="system",
                kind="reprocessed",
                data={"voicemail_id": voicemail.voicemail_id},
            )
        )
    if created_id is not None:
        hints = duplicate_hints(ticket)
        if hints:
            ticket.suggestions = {**ticket.suggestions, "duplicates": hints}
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor="system",
                kind="drafted",
                data={
                    "voicemail_id": voicemail.voicemail_id,
                    "recording_sid": voicemail.recording_sid,
                },
            )
        )
    db.session.commit()
    return ticket


def callback_description(callback: UnreachedCallback) -> str:
    """The draft's text, in the caller's language, with the local time of the request."""
    locale = locale_of(callback.language)
    said = translations(callback.language).ngettext(
        "The caller asked to be called back from the %(queue)s queue (%(requested)s) and was "
        "not reached in %(num)d try (last: %(status)s).",
        "The caller asked to be called back from the %(queue)s queue (%(requested)s) and was "
        "not reached in %(num)d tries (last: %(status)s).",
        callback.attempts,
    )
    return said % {
        "queue": callback.queue_name,
        "requested": format_datetime(callback.requested_at, "short", tzinfo=zone(), locale=locale),
        "num": callback.attempts,
        "status": callback.last_status or "?",
    }


def create_callback_draft(callback: UnreachedCallback) -> Ticket:
    """A draft for a callback that never reached the caller: the request is not lost.

    Called once per callback, inside the transaction that moves it to `unreached`."""
    text = callback_description(callback)
    ticket = Ticket(
        state=TicketState.draft.value,
        source="callback",
        caller_number=callback.number,
        language=callback.language,
        description=text,
        call_id=callback.call_id,
        suggestions={"why": "callback requested, not reached"},
    )
    db.session.add(ticket)
    db.session.flush()
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor="system",
            kind="drafted",
            data={"callback_id": callback.callback_id, "attempts": callback.attempts},
        )
    )
    return ticket

"""Draft tickets from voicemails: the one place drafts are made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from hotline.db import db, insert_ignoring_conflict, utcnow
from tickets.models import Ticket, TicketEvent, TicketState
from tickets.suggest import suggest_type
from voicemail.models import Transcript, Voicemail

if TYPE_CHECKING:
    from ivr.models import Callback

CALLBACK_TEXT = {
    "zh-CN": "来电者在{queue}队列中申请回电（{requested}），"
    "{attempts}次回拨未接通（最后一次：{status}）。",
    "en-US": "The caller asked to be called back from the {queue} queue ({requested}) and was "
    "not reached in {attempts} tries (last: {status}).",
}


def create_draft(voicemail: Voicemail, transcript: Transcript) -> Ticket:
    """The voicemail's draft ticket, created once (the voicemail id is unique on tickets)."""
    text = transcript.corrected_text or transcript.text
    ticket_type, why = suggest_type(text)
    created_id = insert_ignoring_conflict(
        Ticket,
        {
            "state": TicketState.draft.value,
            "source": "voicemail",
            "type": ticket_type,
            "caller_number": voicemail.from_number,
            "language": voicemail.language or transcript.language,
            "description": text,
            "voicemail_id": voicemail.id,
            "call_id": voicemail.call_id,
            "suggestions": {"type": {"value": ticket_type, "why": why}},
            "created_at": utcnow(),
            "updated_at": utcnow(),
        },
        unique="voicemail_id",
    )
    ticket = db.session.scalars(select(Ticket).where(Ticket.voicemail_id == voicemail.id)).one()
    if created_id is not None:
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor="system",
                kind="drafted",
                data={"voicemail_id": voicemail.id, "recording_sid": voicemail.recording_sid},
            )
        )
    db.session.commit()
    return ticket


def create_callback_draft(callback: Callback) -> Ticket:
    """A draft for a callback that never reached the caller: the request is not lost.

    Called once per callback, inside the transaction that moves it to `unreached`."""
    text = (CALLBACK_TEXT.get(callback.language) or CALLBACK_TEXT["en-US"]).format(
        queue=callback.queue_name,
        requested=callback.requested_at.isoformat(timespec="minutes"),
        attempts=callback.attempts,
        status=callback.last_status or "?",
    )
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
            data={"callback_id": callback.id, "attempts": callback.attempts},
        )
    )
    return ticket

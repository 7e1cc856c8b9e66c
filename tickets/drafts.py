"""Draft tickets from voicemails: the one place drafts are made."""

from __future__ import annotations

from sqlalchemy import select

from hotline.db import db, insert_ignoring_conflict, utcnow
from tickets.models import Ticket, TicketEvent, TicketState
from tickets.suggest import suggest_type
from voicemail.models import Transcript, Voicemail


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

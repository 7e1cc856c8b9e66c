"""The review of a voicemail's draft as one use case for the review page, the API and the CLI:
confirming saves the operator's corrected transcript beside what was recognised and makes it
the ticket's description, in the same transaction as the move itself (`tickets.service`); the
other moves go straight to the ticket's."""

from __future__ import annotations

from pydantic import Field

from hotline.core.audit import Actor
from hotline.core.db import db
from tickets import service as tickets
from tickets.lifecycle import TicketError
from tickets.service import Move, Moved, TicketEdit
from voicemail.models import Voicemail


class DraftMove(Move):
    transcript: str | None = Field(
        None,
        max_length=20_000,
        description="confirm: the corrected transcript of a voicemail's draft; kept beside the "
        "recognised text and made the description",
    )


def _correct_transcript(ticket_id: int, text: str) -> None:
    """Keep the correction beside the recognised text (in the session: the move commits it,
    or rolls it back with itself)."""
    ticket = tickets.find_ticket(ticket_id)
    voicemail = db.session.get(Voicemail, ticket.voicemail_id) if ticket.voicemail_id else None
    transcript = voicemail.transcript if voicemail else None
    if transcript is not None:
        transcript.corrected_text = text if text != transcript.text else None


def move_draft(actor: Actor | None, ticket_id: int, move: DraftMove) -> Moved:
    """A move of any ticket; confirming a voicemail's draft with its transcript corrected."""
    text = (move.transcript or "").strip()
    if move.transcript is not None and move.action != "confirm":
        raise TicketError("a transcript is corrected only when confirming", "transcript")
    if text:
        _correct_transcript(ticket_id, text)
        fields = (move.fields or TicketEdit()).model_copy(update={"description": text})
        move = move.model_copy(update={"fields": fields})
    return tickets.move_ticket(actor, ticket_id, move)

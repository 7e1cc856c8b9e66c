"""`/api/v1/voicemails`: voicemails with their state, attempts, failure, transcript and draft;
and `/api/v1/tickets/<id>/moves`, the moves of tickets, here because confirming a voicemail's
draft corrects its transcript (`voicemail.review_service`, as the review page does)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import select

from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role
from tickets.api import Confirmed, ticket_json
from tickets.models import Ticket
from voicemail.models import Voicemail, VoicemailState
from voicemail.review_service import DraftMove, move_draft

bp = Blueprint("voicemail_api", __name__, url_prefix="/api/v1/voicemails")
json_errors(bp)
moves_bp = Blueprint("ticket_moves_api", __name__, url_prefix="/api/v1/tickets")
json_errors(moves_bp)

READERS = (Role.operator, Role.manager)


class VoicemailQuery(BaseModel):
    state: VoicemailState | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


class TranscriptOut(BaseModel):
    text: str
    raw_text: str
    language: str | None
    model: str | None
    mean_confidence: float | None
    words: list[dict[str, Any]] | None
    audio_seconds: float | None


class VoicemailOut(BaseModel):
    id: int
    recording_sid: str
    call_sid: str | None
    from_: str | None = Field(None, alias="from")
    language: str | None
    state: VoicemailState
    attempts: int
    failure_reason: str | None
    error_code: str | None
    recording_seconds: int | None
    created_at: str
    updated_at: str
    ticket_id: int | None
    audio_stored: bool
    transcript: TranscriptOut | None = None


class VoicemailPage(BaseModel):
    items: list[VoicemailOut]
    page: int
    per_page: int
    total: int


ERRORS = error_responses(400, 401, 403)


def voicemail_json(vm: Voicemail, ticket_id: int | None, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": vm.id,
        "recording_sid": vm.recording_sid,
        "call_sid": vm.call_sid,
        "from": vm.from_number,
        "language": vm.language,
        "state": vm.state,
        "attempts": vm.attempts,
        "failure_reason": vm.failure_reason,
        "error_code": vm.error_code,
        "recording_seconds": vm.recording_seconds,
        "created_at": vm.created_at.isoformat(),
        "updated_at": vm.updated_at.isoformat(),
        "ticket_id": ticket_id,
        "audio_stored": vm.audio_path is not None,
    }
    if detail:
        transcript = vm.transcript
        body["transcript"] = (
            None
            if transcript is None
            else {
                "text": transcript.corrected_text or transcript.text,
                "raw_text": transcript.text,
                "language": transcript.language,
                "model": transcript.model_name,
                "mean_confidence": transcript.mean_confidence,
                "words": transcript.words,
                "audio_seconds": transcript.audio_seconds,
            }
        )
    return body


@bp.get("")
@require_role(*READERS)
@spec.validate(
    query=VoicemailQuery, resp=Responses(HTTP_200=VoicemailPage, **ERRORS), tags=["voicemails"]
)
def list_voicemails() -> Response:
    """Voicemails, newest first, optionally filtered by state; paginated."""
    args: VoicemailQuery = request.context.query  # type: ignore[attr-defined]
    query = select(Voicemail)
    if args.state:
        query = query.where(Voicemail.state == args.state.value)
    found = db.paginate(
        query.order_by(Voicemail.created_at.desc(), Voicemail.id.desc()),
        page=args.page,
        per_page=args.per_page,
        error_out=False,
    )
    drafts = dict(
        db.session.execute(
            select(Ticket.voicemail_id, Ticket.id).where(
                Ticket.voicemail_id.in_([vm.id for vm in found.items])
            )
        ).all()
    )
    return jsonify(
        {
            "items": [voicemail_json(vm, drafts.get(vm.id)) for vm in found.items],
            "page": args.page,
            "per_page": args.per_page,
            "total": found.total,
        }
    )


@bp.get("/<int:voicemail_id>")
@require_role(*READERS)
@spec.validate(
    resp=Responses(HTTP_200=VoicemailOut, HTTP_404=ErrorBody, **ERRORS), tags=["voicemails"]
)
def get_voicemail(voicemail_id: int) -> Response:
    """One voicemail with its transcript and draft ticket id."""
    voicemail = db.get_or_404(Voicemail, voicemail_id, description=f"no voicemail {voicemail_id}")
    ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.voicemail_id == voicemail_id))
    return jsonify(voicemail_json(voicemail, ticket_id, detail=True))


@moves_bp.post("/<int:ticket_id>/moves")
@require_role(Role.operator)
@spec.validate(
    json=DraftMove,
    resp=Responses(HTTP_200=Confirmed, HTTP_404=ErrorBody, **ERRORS),
    tags=["tickets"],
)
def move_ticket(ticket_id: int) -> Response:
    """Confirm (a voicemail's draft with its corrected `transcript`), discard (with a reason),
    dispatch (to a district), resolve, close or reopen."""
    body: DraftMove = request.context.json  # type: ignore[attr-defined]
    moved = move_draft(g.api_user, ticket_id, body)
    ticket = ticket_json(moved.ticket, masked=False, detail=True)
    return jsonify({"ticket": ticket, "pin": moved.pin})

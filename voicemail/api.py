"""`/api/v1/voicemails`: voicemails with their state, attempts, failure, transcript and draft."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role
from tickets.models import Ticket
from voicemail.models import Voicemail, VoicemailState

bp = Blueprint("voicemail_api", __name__, url_prefix="/api/v1/voicemails")
json_errors(bp)

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
    page, per_page = args.page, args.per_page
    query = select(Voicemail, Ticket.id).outerjoin(Ticket, Ticket.voicemail_id == Voicemail.id)
    if args.state:
        query = query.where(Voicemail.state == args.state.value)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(Voicemail.created_at.desc(), Voicemail.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return jsonify(
        {
            "items": [voicemail_json(vm, ticket_id) for vm, ticket_id in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


@bp.get("/<int:voicemail_id>")
@require_role(*READERS)
@spec.validate(
    resp=Responses(HTTP_200=VoicemailOut, HTTP_404=ErrorBody, **ERRORS), tags=["voicemails"]
)
def get_voicemail(voicemail_id: int) -> Response:
    """One voicemail with its transcript and draft ticket id."""
    voicemail = db.session.get(Voicemail, voicemail_id)
    if voicemail is None:
        raise NotFound(f"no voicemail {voicemail_id}")
    ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.voicemail_id == voicemail_id))
    return jsonify(voicemail_json(voicemail, ticket_id, detail=True))

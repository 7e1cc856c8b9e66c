"""`/api/v1/voicemails`: voicemails with their state, attempts, failure, transcript and draft."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, NotFound

from hotline.api import OPENAPI_PATHS, json_errors, page_args, require_role
from hotline.db import db
from hotline.models import Role
from tickets.models import Ticket
from voicemail.models import Voicemail, VoicemailState

bp = Blueprint("voicemail_api", __name__, url_prefix="/api/v1/voicemails")
json_errors(bp)

READERS = (Role.operator, Role.manager)


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
def list_voicemails() -> Response:
    """Voicemails, newest first, optionally filtered by state; paginated."""
    page, per_page = page_args()
    query = select(Voicemail, Ticket.id).outerjoin(Ticket, Ticket.voicemail_id == Voicemail.id)
    state = request.args.get("state")
    if state:
        if state not in {s.value for s in VoicemailState}:
            raise BadRequest(
                f"unknown state {state!r}; one of {', '.join(s.value for s in VoicemailState)}"
            )
        query = query.where(Voicemail.state == state)
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
def get_voicemail(voicemail_id: int) -> Response:
    """One voicemail with its transcript and draft ticket id."""
    voicemail = db.session.get(Voicemail, voicemail_id)
    if voicemail is None:
        raise NotFound(f"no voicemail {voicemail_id}")
    ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.voicemail_id == voicemail_id))
    return jsonify(voicemail_json(voicemail, ticket_id, detail=True))


_VOICEMAIL_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "recording_sid": {"type": "string"},
        "state": {"type": "string", "enum": [s.value for s in VoicemailState]},
        "attempts": {"type": "integer"},
        "failure_reason": {"type": ["string", "null"]},
        "ticket_id": {"type": ["integer", "null"]},
        "transcript": {"type": ["object", "null"]},
    },
}
OPENAPI_PATHS["/voicemails"] = {
    "get": {
        "summary": "List voicemails, newest first",
        "parameters": [
            {"name": "state", "in": "query", "schema": {"type": "string"}},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100},
            },
        ],
        "responses": {
            "200": {
                "description": "A page of voicemails",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": _VOICEMAIL_SCHEMA},
                                "total": {"type": "integer"},
                            },
                        }
                    }
                },
            },
            "401": {"description": "No valid bearer token"},
        },
    }
}
OPENAPI_PATHS["/voicemails/{id}"] = {
    "get": {
        "summary": "One voicemail with its transcript and draft ticket id",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {
            "200": {
                "description": "The voicemail",
                "content": {"application/json": {"schema": _VOICEMAIL_SCHEMA}},
            },
            "404": {"description": "No such voicemail"},
        },
    }
}

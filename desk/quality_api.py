"""`/api/v1/quality`: recorded calls for quality review (质检), filtered by operator, period and
whether they are reviewed, and a supervisor's score of one (`desk.quality`'s, as on the page)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field
from spectree import Response as Responses
from sqlalchemy import func, select

from desk.quality import (
    CHECKLIST,
    NOTE_MAX,
    Listed,
    get_listed,
    listed,
    local_days,
    recordings_query,
    review_recording,
)
from hotline.core.api import ErrorBody, FieldError, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role, User
from tickets.privacy import mask_number

bp = Blueprint("quality_api", __name__, url_prefix="/api/v1/quality")
json_errors(bp)

ERRORS = error_responses(400, 401, 403)


class RecordingQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    operator: str | None = Field(None, max_length=120, description="the operator's user name")
    from_: date | None = Field(None, alias="from", description="first local day")
    to: date | None = Field(None, description="last local day")
    reviewed: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


class ReviewOut(BaseModel):
    score: int
    checklist: dict[str, bool]
    note: str
    reviewer: str
    reviewed_at: str


class RecordingOut(BaseModel):
    id: int
    recording_sid: str
    state: str
    operator: str
    operator_id: int | None
    queue: str | None
    started_at: str
    duration_seconds: int | None
    caller: str | None = Field(None, description="masked")
    audio_stored: bool
    review: ReviewOut | None


class RecordingPage(BaseModel):
    items: list[RecordingOut]
    page: int
    per_page: int
    total: int


class ReviewBody(BaseModel):
    score: int = Field(ge=1, le=5)
    checklist: dict[str, bool] = Field(description=f"each of {', '.join(CHECKLIST)}: yes/no")
    note: str = Field("", max_length=NOTE_MAX)


def recording_json(item: Listed) -> dict[str, Any]:
    recording, review = item.recording, item.review
    return {
        "id": recording.id,
        "recording_sid": recording.recording_sid,
        "state": recording.state,
        "operator": item.operator,
        "operator_id": recording.operator_id,
        "queue": recording.queue_name,
        "started_at": item.started_at.isoformat(),
        "duration_seconds": recording.duration_seconds,
        "caller": mask_number(item.caller),
        "audio_stored": recording.audio_path is not None,
        "review": None
        if review is None
        else {
            "score": review.score,
            "checklist": review.checklist,
            "note": review.note,
            "reviewer": review.reviewer,
            "reviewed_at": review.reviewed_at.isoformat(),
        },
    }


def _operator_id(username: str | None) -> int | None:
    if username is None:
        return None
    found = db.session.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise FieldError(f"no user {username!r}", "operator")
    return found


@bp.get("/recordings")
@require_role(Role.manager)
@spec.validate(
    query=RecordingQuery, resp=Responses(HTTP_200=RecordingPage, **ERRORS), tags=["quality"]
)
def list_recordings() -> Response:
    """Recorded calls, oldest first, filtered by operator, local days and reviewed; paginated."""
    args: RecordingQuery = request.context.query  # type: ignore[attr-defined]
    if args.from_ and args.to and args.from_ > args.to:
        raise FieldError("to comes before from", "to")
    start = local_days(args.from_, args.from_)[0] if args.from_ else None
    end = local_days(args.to, args.to)[1] if args.to else None
    query = recordings_query(_operator_id(args.operator), start, end, args.reviewed)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.limit(args.per_page).offset((args.page - 1) * args.per_page)
    ).all()
    return jsonify(
        {
            "items": [recording_json(listed(row)) for row in rows],
            "page": args.page,
            "per_page": args.per_page,
            "total": total,
        }
    )


@bp.post("/recordings/<int:recording_id>/review")
@require_role(Role.manager)
@spec.validate(
    json=ReviewBody,
    resp=Responses(HTTP_200=RecordingOut, HTTP_404=ErrorBody, **ERRORS),
    tags=["quality"],
)
def review(recording_id: int) -> Response:
    """Score a recorded call 1–5 with the checklist and a note (again: replaces the score)."""
    body: ReviewBody = request.context.json  # type: ignore[attr-defined]
    review_recording(g.api_user, recording_id, body.model_dump())
    return jsonify(recording_json(get_listed(recording_id)))

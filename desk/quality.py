"""Quality review (质检) of recorded calls: the sample a supervisor listens to, and their score
(1–5 and a checklist), one review per recording, audited. Used by the page, the API and the
stars (`reports.stars` reads the scores)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from desk.models import CallRecording, QualityReview
from desk.recordings import RecordingState
from hotline.core import clock
from hotline.core.audit import record
from hotline.core.db import db
from hotline.core.models import Role, User
from hotline.core.service import ForbiddenError, NotFoundError, ServiceError, transaction
from ivr.models import Call, QueueVisit

#: What the reviewer checks in each conversation (yes/no each), in the form's order.
CHECKLIST = ("greeting", "need", "information", "courtesy", "registered", "closing")
REVIEWERS = (Role.manager.value, Role.admin.value)
NOTE_MAX = 2000
DEFAULT_DAYS = 7
DEFAULT_PER_OPERATOR = 5


class QualityError(ServiceError):
    """A refused score; `errors` has a message for each field at fault."""

    def __init__(self, errors: dict[str, str]) -> None:
        field_name, message = next(iter(errors.items()))
        super().__init__(message, field_name)
        self.errors = errors


@dataclass(frozen=True)
class Listed:
    """A recorded call as the supervisor sees it."""

    recording: CallRecording
    operator: str
    started_at: datetime
    caller: str | None
    review: QualityReview | None


@dataclass
class OperatorSample:
    operator_id: int | None
    operator: str
    to_review: list[Listed] = field(default_factory=list)
    reviewed: list[Listed] = field(default_factory=list)


# -- which recordings --------------------------------------------------------------------------


def local_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days `first` to `last` (the hotline's TIMEZONE)."""
    zone = clock.zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def recent_days(days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` local days, today included."""
    today = clock.now().astimezone(clock.zone()).date()
    return today - timedelta(days=days - 1), today


def recordings_query(
    operator_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    reviewed: bool | None = None,
) -> Select:
    """(recording, review or None, operator name, visit's bridge time, caller) rows, oldest
    first, filtered as asked."""
    query = (
        select(
            CallRecording,
            QualityReview,
            User.display_name,
            User.username,
            QueueVisit.bridged_at,
            Call.from_number,
        )
        .outerjoin(QualityReview, QualityReview.recording_id == CallRecording.id)
        .outerjoin(User, User.id == CallRecording.operator_id)
        .outerjoin(QueueVisit, QueueVisit.id == CallRecording.visit_id)
        .outerjoin(Call, Call.id == QueueVisit.call_id)
        .order_by(CallRecording.received_at, CallRecording.id)
    )
    if operator_id is not None:
        query = query.where(CallRecording.operator_id == operator_id)
    if start is not None:
        query = query.where(CallRecording.received_at >= start)
    if end is not None:
        query = query.where(CallRecording.received_at < end)
    if reviewed is not None:
        query = query.where(
            QualityReview.id.is_not(None) if reviewed else QualityReview.id.is_(None)
        )
    return query


def listed(row: Any) -> Listed:
    recording, review, display_name, username, bridged_at, caller = row
    return Listed(
        recording=recording,
        operator=display_name or username or _("unknown operator"),
        started_at=bridged_at or recording.received_at,
        caller=caller,
        review=review,
    )


def sample(start: datetime, end: datetime, per_operator: int) -> list[OperatorSample]:
    """Per operator, the oldest `per_operator` stored recordings of the period nobody has
    reviewed yet (the same sample for every supervisor until they are scored), and the ones
    already reviewed."""
    rows = db.session.execute(
        recordings_query(start=start, end=end).where(
            CallRecording.state == RecordingState.stored.value,
            CallRecording.audio_path.is_not(None),
        )
    ).all()
    samples: dict[int | None, OperatorSample] = {}
    for row in rows:
        item = listed(row)
        found = samples.setdefault(
            item.recording.operator_id, OperatorSample(item.recording.operator_id, item.operator)
        )
        if item.review is not None:
            found.reviewed.append(item)
        elif len(found.to_review) < per_operator:
            found.to_review.append(item)
    return sorted(samples.values(), key=lambda s: s.operator)


def get_listed(recording_id: int) -> Listed:
    row = db.session.execute(
        recordings_query().where(CallRecording.id == recording_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(_("No such recording."), "recording")
    return listed(row)


# -- the score ---------------------------------------------------------------------------------


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(str(value or "").strip().lower())


def _parsed(data: Mapping[str, Any]) -> tuple[int, dict[str, bool], str]:
    errors: dict[str, str] = {}
    raw_score = data.get("score")
    score = raw_score if isinstance(raw_score, int) else None
    if isinstance(raw_score, str) and raw_score.strip().isdigit():
        score = int(raw_score.strip())
    if isinstance(raw_score, bool) or score is None or not 1 <= score <= 5:
        errors["score"] = _("Choose a score from 1 to 5.")
    given = data.get("checklist") or {}
    checklist: dict[str, bool] = {}
    for item in CHECKLIST:
        answer = _yes_no(given.get(item) if isinstance(given, Mapping) else None)
        if answer is None:
            errors[f"checklist.{item}"] = _("Answer yes or no.")
        else:
            checklist[item] = answer
    note = str(data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("The note is at most %(count)d characters.", count=NOTE_MAX)
    if errors:
        raise QualityError(errors)
    return score or 0, checklist, note


def review_recording(actor: User, recording_id: int, data: Mapping[str, Any]) -> QualityReview:
    """Score a recorded call: {"score": 1–5, "checklist": {item: yes/no}, "note": text}.
    A second score of the same recording replaces the first; each is audited."""
    if actor.role not in REVIEWERS:
        raise ForbiddenError(_("Only managers and admins review calls."))
    recording = db.session.get(CallRecording, recording_id)
    if recording is None:
        raise NotFoundError(_("No such recording."), "recording")
    if recording.state != RecordingState.stored.value:
        raise ServiceError(_("This recording has not been stored; it cannot be reviewed."))
    score, checklist, note = _parsed(data)
    with transaction():
        review = db.session.scalar(
            select(QualityReview).where(QualityReview.recording_id == recording_id)
        )
        rescored = review is not None
        if review is None:
            review = QualityReview(recording_id=recording_id)
            db.session.add(review)
        review.operator_id = recording.operator_id
        review.reviewer = actor.username
        review.score, review.checklist, review.note = score, checklist, note
        review.reviewed_at = clock.now()
        record(
            actor,
            "quality.reviewed",
            f"call_recording:{recording_id}",
            score=score,
            checklist=checklist,
            operator_id=recording.operator_id,
            rescored=rescored,
        )
    return review

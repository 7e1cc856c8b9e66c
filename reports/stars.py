"""Operator star ratings (星级话务员): 1–5 stars per operator per month.

Four parts, each scored from 0 to 1:
- volume: callers answered ÷ the most any operator answered that month;
- speed: the mean of the share of their answered callers who waited at most SPEED_SECONDS
  (20 s) and, where they did after-call work, the share of their wrap-ups that ended within
  WRAP_UP_SECONDS (60 s) (`queue_visits.wrapup_seconds`, the desk's wrap-up);
- satisfaction: (mean survey rating − 1) ÷ 4, over the callers who rated them;
- quality: the mean of the quality parts that have data: the share of the drafts they
  confirmed (voicemails and callbacks they reviewed) that nobody had to edit after
  confirmation, and the supervisors' quality review (质检) of their recorded calls of the
  month, (mean score − 1) ÷ 4 (`desk.quality`).
score = the weighted mean of the parts that have data (weights 0.2, 0.3, 0.3, 0.2; a part
without data, e.g. no ratings, drops out and the others are re-weighted);
stars = 1 + 4 × score rounded half up (so 0 → 1 star, 1 → 5 stars). An operator with
fewer than MIN_WORK answered calls plus confirmed drafts in the month gets no stars ("too
little work to rate").
Only operators and admins are rated (a partner's transferred orders are opened under the
partner's name). Everything is counted by the database, grouped by operator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from desk.models import CallRecording, QualityReview
from hotline.core.db import db
from hotline.core.models import Role, User
from ivr.models import QueueResult, QueueVisit
from reports.periods import Period
from tickets.models import TicketEvent

WEIGHTS = {"volume": 0.2, "speed": 0.3, "satisfaction": 0.3, "quality": 0.2}
SPEED_SECONDS = 20
WRAP_UP_SECONDS = 60
MIN_WORK = 10


@dataclass(frozen=True)
class Stars:
    username: str
    display_name: str
    answered: int
    answered_fast: int
    wrap_ups: int
    wrap_ups_fast: int
    mean_rating: float | None
    ratings: int
    confirmed: int
    confirmed_clean: int
    reviews: int
    mean_review: float | None
    parts: dict[str, float | None]
    score: float | None
    stars: int | None


def _score(parts: dict[str, float | None]) -> float | None:
    present = {name: value for name, value in parts.items() if value is not None}
    if not present:
        return None
    weight = sum(WEIGHTS[name] for name in present)
    return sum(WEIGHTS[name] * value for name, value in present.items()) / weight


def _mean(*values: float | None) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def operator_stars(period: Period, zone: ZoneInfo) -> list[Stars]:
    """Every operator who answered a caller or confirmed a draft in the period, best first."""
    start, end = period.bounds(zone)
    calls = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                QueueVisit.operator_id,
                func.count(),
                func.coalesce(
                    func.sum(case((QueueVisit.wait_seconds <= SPEED_SECONDS, 1), else_=0)), 0
                ),
                func.avg(QueueVisit.rating),
                func.count(QueueVisit.rating),
                func.count(QueueVisit.wrapup_seconds),
                func.coalesce(
                    func.sum(case((QueueVisit.wrapup_seconds <= WRAP_UP_SECONDS, 1), else_=0)), 0
                ),
            )
            .where(
                QueueVisit.result == QueueResult.BRIDGED,
                QueueVisit.operator_id.is_not(None),
                QueueVisit.bridged_at >= start,
                QueueVisit.bridged_at < end,
            )
            .group_by(QueueVisit.operator_id)
        ).all()
    }
    later = aliased(TicketEvent)
    corrected = exists().where(
        later.ticket_id == TicketEvent.ticket_id,
        later.kind == "edited",
        later.id > TicketEvent.id,
    )
    reviews = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                TicketEvent.actor,
                func.count(),
                func.coalesce(func.sum(case((corrected, 0), else_=1)), 0),
            )
            .where(
                TicketEvent.kind == "opened",
                and_(TicketEvent.at >= start, TicketEvent.at < end),
            )
            .group_by(TicketEvent.actor)
        ).all()
    }
    scored = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(QualityReview.operator_id, func.count(), func.avg(QualityReview.score))
            .join(CallRecording, CallRecording.id == QualityReview.recording_id)
            .where(
                QualityReview.operator_id.is_not(None),
                CallRecording.received_at >= start,
                CallRecording.received_at < end,
            )
            .group_by(QualityReview.operator_id)
        ).all()
    }
    users = db.session.execute(
        select(User.id, User.username, User.display_name).where(
            User.role.in_((Role.operator.value, Role.admin.value)),
            User.id.in_(list(calls) + list(scored)) | User.username.in_(list(reviews)),
        )
    ).all()
    most = max((row[0] for row in calls.values()), default=0)
    rated = []
    for user_id, username, display_name in users:
        answered, fast, mean_rating, ratings, wraps, wraps_fast = calls.get(
            user_id, (0, 0, None, 0, 0, 0)
        )
        confirmed, clean = reviews.get(username, (0, 0))
        reviewed, mean_review = scored.get(user_id, (0, None))
        parts = {
            "volume": answered / most if most else None,
            "speed": _mean(
                fast / answered if answered else None, wraps_fast / wraps if wraps else None
            ),
            "satisfaction": (float(mean_rating) - 1) / 4 if mean_rating is not None else None,
            "quality": _mean(
                clean / confirmed if confirmed else None,
                (float(mean_review) - 1) / 4 if mean_review is not None else None,
            ),
        }
        enough = answered + confirmed >= MIN_WORK
        score = _score(parts) if enough else None
        rated.append(
            Stars(
                username=username,
                display_name=display_name or username,
                answered=answered,
                answered_fast=fast,
                wrap_ups=wraps,
                wrap_ups_fast=wraps_fast,
                mean_rating=float(mean_rating) if mean_rating is not None else None,
                ratings=ratings,
                confirmed=confirmed,
                confirmed_clean=clean,
                reviews=reviewed,
                mean_review=float(mean_review) if mean_review is not None else None,
                parts=parts,
                score=score,
                stars=1 + math.floor(4 * score + 0.5) if score is not None else None,
            )
        )
    rated.sort(key=lambda s: (-(s.score if s.score is not None else -1), s.username))
    return rated

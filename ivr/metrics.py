"""Queue metrics for a period, computed in the database with SQL aggregation.

Definitions (the README repeats them):
- offered: queue visits that began in the period and have ended, not counting called-back
  callers re-joining (their first visit already counts); refused callers (queue full, no
  operator) count as offered and not answered.
- answered: visits an operator took (`bridged`); abandoned: the caller hung up while waiting.
- answer rate = answered / offered; abandonment rate = abandoned / offered.
- average and p90 wait: over answered visits, the seconds from joining to the operator
  (Twilio's QueueTime); p90 is the nearest-rank 90th percentile.
- service level = visits answered within T seconds / offered (T per queue, 20 s by default).
- callbacks: requested in the period; reached (the caller answered our call) or unreached.
- satisfaction: mean survey rating (1–5) of the answered visits, and how many rated.
Every ratio is None for an empty period, never a division by zero.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from hotline.core.db import db
from hotline.core.models import User
from ivr.models import Callback, QueueResult, QueueVisit

REFUSED = (QueueResult.QUEUE_FULL, QueueResult.NO_OPERATORS)


@dataclass(frozen=True)
class QueueMetrics:
    queue: str | None
    start: datetime
    end: datetime
    offered: int
    #: distinct calls among the offered visits (a caller redirected and back counts once)
    callers: int
    answered: int
    abandoned: int
    left: int
    refused: int
    answer_rate: float | None
    abandonment_rate: float | None
    average_wait: float | None
    p90_wait: int | None
    service_level: float | None
    service_level_seconds: int
    average_talk: float | None
    callbacks_requested: int
    callbacks_reached: int
    callbacks_unreached: int
    satisfaction: float | None
    ratings: int

    def as_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["start"], body["end"] = self.start.isoformat(), self.end.isoformat()
        return body


@dataclass(frozen=True)
class OperatorStats:
    user_id: int
    username: str
    answered: int
    average_wait: float | None
    average_talk: float | None
    satisfaction: float | None
    ratings: int


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _visits(start: datetime, end: datetime, queue: str | None) -> list:
    conditions = [
        QueueVisit.entered_at >= start,
        QueueVisit.entered_at < end,
        QueueVisit.callback_id.is_(None),
        QueueVisit.result.is_not(None),
    ]
    if queue:
        conditions.append(QueueVisit.queue_name == queue)
    return conditions


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def queue_metrics(
    start: datetime, end: datetime, queue: str | None = None, service_level_seconds: int = 20
) -> QueueMetrics:
    """The metrics of one queue (or all) for visits that began in [start, end)."""
    answered = QueueVisit.result == QueueResult.BRIDGED
    row = db.session.execute(
        select(
            func.count(),
            func.count(func.distinct(QueueVisit.call_id)),
            _count(answered),
            _count(QueueVisit.result == QueueResult.HANGUP),
            _count(QueueVisit.result == QueueResult.LEAVE),
            _count(QueueVisit.result.in_(REFUSED)),
            func.avg(case((answered, QueueVisit.wait_seconds))),
            _count(and_(answered, QueueVisit.wait_seconds <= service_level_seconds)),
            func.avg(case((answered, QueueVisit.talk_seconds))),
            func.avg(QueueVisit.rating),
            func.count(QueueVisit.rating),
        ).where(*_visits(start, end, queue))
    ).one()
    (
        offered,
        callers,
        n_answered,
        abandoned,
        left,
        refused,
        avg_wait,
        within,
        avg_talk,
        rating,
        ratings,
    ) = row
    callbacks = dict(
        db.session.execute(
            select(Callback.state, func.count())
            .where(
                Callback.requested_at >= start,
                Callback.requested_at < end,
                *([Callback.queue_name == queue] if queue else []),
            )
            .group_by(Callback.state)
        ).all()
    )
    return QueueMetrics(
        queue=queue,
        start=start,
        end=end,
        offered=offered,
        callers=callers,
        answered=n_answered,
        abandoned=abandoned,
        left=left,
        refused=refused,
        answer_rate=_ratio(n_answered, offered),
        abandonment_rate=_ratio(abandoned, offered),
        average_wait=float(avg_wait) if avg_wait is not None else None,
        p90_wait=_percentile_wait(start, end, queue, n_answered, 0.9),
        service_level=_ratio(within, offered),
        service_level_seconds=service_level_seconds,
        average_talk=float(avg_talk) if avg_talk is not None else None,
        callbacks_requested=sum(callbacks.values()),
        callbacks_reached=callbacks.get("reached", 0),
        callbacks_unreached=callbacks.get("unreached", 0),
        satisfaction=float(rating) if rating is not None else None,
        ratings=ratings,
    )


def _percentile_wait(
    start: datetime, end: datetime, queue: str | None, answered: int, fraction: float
) -> int | None:
    """Nearest-rank percentile of the answered waits, read by the database (one row)."""
    if not answered:
        return None
    rank = max(1, math.ceil(fraction * answered))
    return db.session.scalar(
        select(QueueVisit.wait_seconds)
        .where(*_visits(start, end, queue), QueueVisit.result == QueueResult.BRIDGED)
        .order_by(QueueVisit.wait_seconds)
        .offset(rank - 1)
        .limit(1)
    )


def operator_stats(start: datetime, end: datetime) -> list[OperatorStats]:
    """Per operator: callers answered, their mean wait and talk time, survey ratings."""
    rows = db.session.execute(
        select(
            User.id,
            User.username,
            func.count(),
            func.avg(QueueVisit.wait_seconds),
            func.avg(QueueVisit.talk_seconds),
            func.avg(QueueVisit.rating),
            func.count(QueueVisit.rating),
        )
        .join(User, User.id == QueueVisit.operator_id)
        .where(
            QueueVisit.result == QueueResult.BRIDGED,
            QueueVisit.bridged_at >= start,
            QueueVisit.bridged_at < end,
        )
        .group_by(User.id, User.username)
        .order_by(User.username)
    ).all()
    return [
        OperatorStats(
            user_id=r[0],
            username=r[1],
            answered=r[2],
            average_wait=float(r[3]) if r[3] is not None else None,
            average_talk=float(r[4]) if r[4] is not None else None,
            satisfaction=float(r[5]) if r[5] is not None else None,
            ratings=r[6],
        )
        for r in rows
    ]

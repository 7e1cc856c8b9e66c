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
- average after-call work (wrap-up): over the answered visits whose wrap-up has ended, its
  `wrapup_seconds`; one whose time ran out and that nobody closed yet counts as
  `wrapup_due_at − wrapup_started_at` (what `queueing.expire_wrap_ups` will store).
Every ratio is None for an empty period, never a division by zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from hotline.core import clock
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
    average_wrap_up: float | None
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


def _mean(total: int, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True)
class Totals:
    """What a period's visits of a queue add up to; the ratios and averages follow from these
    sums, so the totals of several queues add up to the totals of all of them."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    #: answered within the service-level seconds of the visit's queue
    within_level: int = 0
    wait_total: int = 0
    waits: int = 0
    talk_total: int = 0
    talks: int = 0
    wrap_up_total: int = 0
    wrap_ups: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))

    @property
    def service_level(self) -> float | None:
        return _ratio(self.within_level, self.offered)

    @property
    def average_wait(self) -> float | None:
        return _mean(self.wait_total, self.waits)

    @property
    def average_talk(self) -> float | None:
        return _mean(self.talk_total, self.talks)

    @property
    def average_wrap_up(self) -> float | None:
        return _mean(self.wrap_up_total, self.wrap_ups)


def _values(totals: Totals) -> tuple[int, ...]:
    return tuple(getattr(totals, name) for name in Totals.__dataclass_fields__)


class seconds_between(FunctionElement):
    """Whole seconds from `earlier` to `later`, computed by the database."""

    type = Integer()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS INTEGER)"


def wrap_up_seconds(now: datetime) -> Any:
    """A visit's after-call work in seconds once it is over (ended, or its time ran out)."""
    return case(
        (QueueVisit.wrapup_seconds.is_not(None), QueueVisit.wrapup_seconds),
        (
            and_(
                QueueVisit.wrapup_started_at.is_not(None),
                QueueVisit.wrapup_ended_at.is_(None),
                QueueVisit.wrapup_due_at <= now,
            ),
            seconds_between(QueueVisit.wrapup_due_at, QueueVisit.wrapup_started_at),
        ),
    )


def _totals_columns(level: Any, now: datetime) -> list[Any]:
    """The SQL sums behind `Totals`, in its field order; `level`: the service-level seconds
    (a number, or an expression naming each queue's own)."""
    answered = QueueVisit.result == QueueResult.BRIDGED
    wait = case((answered, QueueVisit.wait_seconds))
    talk = case((answered, QueueVisit.talk_seconds))
    wrap_up = case((answered, wrap_up_seconds(now)))
    return [
        func.count(),
        _count(answered),
        _count(QueueVisit.result == QueueResult.HANGUP),
        _count(and_(answered, QueueVisit.wait_seconds <= level)),
        func.coalesce(func.sum(wait), 0),
        func.count(wait),
        func.coalesce(func.sum(talk), 0),
        func.count(talk),
        func.coalesce(func.sum(wrap_up), 0),
        func.count(wrap_up),
    ]


def totals_by_queue(
    start: datetime, end: datetime, levels: Mapping[str, int], now: datetime | None = None
) -> dict[str, Totals]:
    """The totals of each queue in `levels` (name → its service-level seconds) for visits that
    began in [start, end): one grouped query."""
    if not levels:
        return {}
    level = case(dict(levels), value=QueueVisit.queue_name, else_=20)
    rows = db.session.execute(
        select(QueueVisit.queue_name, *_totals_columns(level, now or clock.now()))
        .where(*_visits(start, end, None), QueueVisit.queue_name.in_(list(levels)))
        .group_by(QueueVisit.queue_name)
    ).all()
    found = {row[0]: Totals(*(int(value) for value in row[1:])) for row in rows}
    return {name: found.get(name, Totals()) for name in levels}


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
    start: datetime,
    end: datetime,
    queue: str | None = None,
    service_level_seconds: int = 20,
    now: datetime | None = None,
) -> QueueMetrics:
    """The metrics of one queue (or all) for visits that began in [start, end)."""
    row = db.session.execute(
        select(
            *_totals_columns(service_level_seconds, now or clock.now()),
            func.count(func.distinct(QueueVisit.call_id)),
            _count(QueueVisit.result == QueueResult.LEAVE),
            _count(QueueVisit.result.in_(REFUSED)),
            func.avg(QueueVisit.rating),
            func.count(QueueVisit.rating),
        ).where(*_visits(start, end, queue))
    ).one()
    totals = Totals(*(int(value) for value in row[:10]))
    callers, left, refused, rating, ratings = row[10:]
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
        offered=totals.offered,
        callers=callers,
        answered=totals.answered,
        abandoned=totals.abandoned,
        left=left,
        refused=refused,
        answer_rate=_ratio(totals.answered, totals.offered),
        abandonment_rate=_ratio(totals.abandoned, totals.offered),
        average_wait=totals.average_wait,
        p90_wait=_percentile_wait(start, end, queue, totals.answered, 0.9),
        service_level=totals.service_level,
        service_level_seconds=service_level_seconds,
        average_talk=totals.average_talk,
        average_wrap_up=totals.average_wrap_up,
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

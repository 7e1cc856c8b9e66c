"""The figures of a period, computed in the database with SQL aggregation (a handful of
aggregate queries per period; never a row per call or ticket loaded into Python).

Definitions (the README repeats them):
- calls: calls to the public line that began in the period (local days, TIMEZONE).
- reached a queue: calls with a (finished) queue visit that began in the period; offered, answered,
  abandoned, answer rate, average and p90 wait, service level and callbacks are the queue
  metrics of `ivr.metrics` (all queues).
- voicemails: recordings received in the period, by their processing state.
- tickets: work orders created in the period (when the citizen called, left the voicemail or
  the partner transferred it), discarded ones not counted; drafts awaiting review counted, and
  also shown on their own. By type, category, district and source (phone, voicemail,
  transfer, callback).
- overdue: tickets of the period that missed their due date: resolved after it, or still
  unresolved past it now.
- satisfaction: the mean of the 1–5 survey ratings of the period's calls, how many rated, and
  the share of ratings that were 4 or 5.
- repeat callers: numbers (not withheld) that called the public line at least twice.
Growth (`reports.growth`) compares with the period before and the same period a year earlier:
relative change for counts and times, the difference in points for rates. No figure divides
by zero: a rate or a growth over nothing is None (shown as "–"). The ticket queries are in
`reports.ticket_figures`, the daily series in `reports.series`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.phones import real_caller_sql
from ivr.metrics import QueueMetrics, queue_metrics
from ivr.models import Call
from reports.periods import Period
from reports.sql import count_if, ratio, within
from reports.ticket_figures import ticket_figures
from voicemail.models import Voicemail


@dataclass(frozen=True)
class Figures:
    period: Period
    calls: int
    reached_queue: int
    queue: QueueMetrics
    voicemails: dict[str, int]
    tickets: int
    drafts: int
    overdue: int
    repeat_caller_tickets: int
    by_type: dict[str, int]
    by_category: dict[str, int]
    by_district: dict[str, int]
    by_source: dict[str, int]
    satisfaction: float | None
    ratings: int
    satisfied_share: float | None
    repeat_callers: int

    @property
    def voicemails_total(self) -> int:
        return sum(self.voicemails.values())


#: `run(function, *args)` → a future: how the parts of the figures are computed, one after
#: another here (`inline`) or side by side in threads (`reports.service.parallel`).
Runner = Callable[..., "Future[Any]"]


def inline(function: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(function(*args))
    return done


def _call_figures(start: datetime, end: datetime) -> tuple[int, int, Any, int]:
    """Calls, how many rated, the mean rating and how many rated 4 or 5."""
    return tuple(
        db.session.execute(
            select(
                func.count(),
                func.count(Call.satisfaction),
                func.avg(Call.satisfaction),
                count_if(Call.satisfaction >= 4),
            ).where(Call.line == "public", within(Call.started_at, start, end))
        ).one()
    )


def _repeat_callers(start: datetime, end: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(
                select(Call.from_number)
                .where(
                    Call.line == "public",
                    within(Call.started_at, start, end),
                    real_caller_sql(Call.from_number),
                )
                .group_by(Call.from_number)
                .having(func.count() >= 2)
                .subquery()
            )
        )
        or 0
    )


def _voicemail_states(start: datetime, end: datetime) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Voicemail.state, func.count())
            .where(within(Voicemail.created_at, start, end))
            .group_by(Voicemail.state)
        ).all()
    )


def start_figures(period: Period, zone: ZoneInfo, at: datetime, run: Runner) -> dict[str, Any]:
    """The independent parts of a period's figures, handed to `run`."""
    start, end = period.bounds(zone)
    return {
        "calls": run(_call_figures, start, end),
        "repeat": run(_repeat_callers, start, end),
        "voicemails": run(_voicemail_states, start, end),
        "tickets": run(ticket_figures, start, end, at),
        "queue": run(queue_metrics, start, end),
    }


def finish_figures(period: Period, parts: dict[str, Any]) -> Figures:
    calls, rated, rating_mean, satisfied = parts["calls"].result()
    queue = parts["queue"].result()
    return Figures(
        period=period,
        calls=calls,
        reached_queue=queue.callers,
        queue=queue,
        voicemails=parts["voicemails"].result(),
        satisfaction=float(rating_mean) if rating_mean is not None else None,
        ratings=rated,
        satisfied_share=ratio(satisfied, rated),
        repeat_callers=parts["repeat"].result(),
        **parts["tickets"].result(),
    )


def figures(
    period: Period, zone: ZoneInfo, at: datetime | None = None, run: Runner = inline
) -> Figures:
    """Every figure of `period`; `at` is "now" for the overdue count (default: the clock)."""
    return finish_figures(period, start_figures(period, zone, at or now(), run))

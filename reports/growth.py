"""Figures beside the period before and the same period a year earlier: growth, the
headline comparison of the dashboard, documents and API, and the rankings with growth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hotline.core.clock import now
from reports.figures import Figures, Runner, finish_figures, inline, start_figures
from reports.periods import Period
from reports.ticket_figures import TICKET_DIMENSIONS, ticket_counts

#: The dashboard's headline figures: (key, how it compares). `count` and `seconds` compare by
#: relative change, `rate` by the difference in points, `mean` (a 1–5 rating) by difference.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("calls", "count"),
    ("reached_queue", "count"),
    ("answered", "count"),
    ("abandoned", "count"),
    ("answer_rate", "rate"),
    ("average_wait", "seconds"),
    ("p90_wait", "seconds"),
    ("service_level", "rate"),
    ("callbacks_requested", "count"),
    ("callbacks_reached", "count"),
    ("voicemails", "count"),
    ("tickets", "count"),
    ("drafts", "count"),
    ("overdue", "count"),
    ("satisfaction", "mean"),
    ("satisfied_share", "rate"),
    ("repeat_callers", "count"),
)


def headline_values(fig: Figures) -> dict[str, float | int | None]:
    queue = fig.queue
    return {
        "calls": fig.calls,
        "reached_queue": fig.reached_queue,
        "answered": queue.answered,
        "abandoned": queue.abandoned,
        "answer_rate": queue.answer_rate,
        "average_wait": queue.average_wait,
        "p90_wait": queue.p90_wait,
        "service_level": queue.service_level,
        "callbacks_requested": queue.callbacks_requested,
        "callbacks_reached": queue.callbacks_reached,
        "voicemails": fig.voicemails_total,
        "tickets": fig.tickets,
        "drafts": fig.drafts,
        "overdue": fig.overdue,
        "satisfaction": fig.satisfaction,
        "satisfied_share": fig.satisfied_share,
        "repeat_callers": fig.repeat_callers,
    }


def growth(current: float | None, before: float | None, how: str = "count") -> float | None:
    """Relative change (0.25 = +25 %) for counts and times; the difference for rates and
    means; None when either side is missing or the base is zero."""
    if current is None or before is None:
        return None
    if how in ("rate", "mean"):
        return current - before
    return (current - before) / before if before else None


@dataclass(frozen=True)
class HeadlineRow:
    key: str
    how: str
    value: float | int | None
    previous: float | int | None
    growth: float | None
    year_ago: float | int | None
    growth_year: float | None


@dataclass(frozen=True)
class Comparison:
    current: Figures
    previous: Figures
    year_ago: Figures
    rows: list[HeadlineRow] = field(default_factory=list)


def compare(
    period: Period, zone: ZoneInfo, at: datetime | None = None, run: Runner = inline
) -> Comparison:
    """The period's figures beside the period before and the same period a year earlier."""
    return start_compare(period, zone, at, run)()


def start_compare(
    period: Period, zone: ZoneInfo, at: datetime | None = None, run: Runner = inline
) -> Callable[[], Comparison]:
    """Hand every part of the three periods' figures to `run` now; the function returned
    waits for them and makes the comparison."""
    at = at or now()
    periods = (period, period.previous(), period.year_before())
    started = [start_figures(p, zone, at, run) for p in periods]
    return lambda: _comparison(
        *(finish_figures(p, parts) for p, parts in zip(periods, started, strict=True))
    )


def _comparison(current: Figures, previous: Figures, year_ago: Figures) -> Comparison:
    now_, before, last_year = (headline_values(f) for f in (current, previous, year_ago))
    rows = [
        HeadlineRow(
            key=key,
            how=how,
            value=now_[key],
            previous=before[key],
            growth=growth(now_[key], before[key], how),
            year_ago=last_year[key],
            growth_year=growth(now_[key], last_year[key], how),
        )
        for key, how in HEADLINE
    ]
    return Comparison(current, previous, year_ago, rows)


@dataclass(frozen=True)
class Ranked:
    value: str
    count: int
    previous: int
    growth: float | None
    year_ago: int
    growth_year: float | None


def ranked(dimension: str, period: Period, zone: ZoneInfo, limit: int | None = 10) -> list[Ranked]:
    """Tickets per category (district, merchant…) in the period, most first, each with its
    growth against the period before and the same period a year earlier."""
    counts = ticket_counts(
        TICKET_DIMENSIONS[dimension],
        {
            "now": period.bounds(zone),
            "before": period.previous().bounds(zone),
            "year": period.year_before().bounds(zone),
        },
    )
    rows = [
        Ranked(
            value=value,
            count=c["now"],
            previous=c["before"],
            growth=growth(c["now"], c["before"]),
            year_ago=c["year"],
            growth_year=growth(c["now"], c["year"]),
        )
        for value, c in counts.items()
        if c["now"]
    ]
    rows.sort(key=lambda r: (-r.count, r.value))
    return rows[:limit] if limit else rows

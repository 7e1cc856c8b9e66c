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
Growth compares with the period before and the same period a year earlier: relative change
for counts and times, the difference in points for rates. No figure divides by zero: a rate
or a growth over nothing is None (shown as "–").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    DateTime,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
)

from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.phones import WITHHELD
from ivr.metrics import QueueMetrics, queue_metrics
from ivr.models import Call, QueueResult, QueueVisit
from reports.periods import Period
from tickets.models import Ticket, TicketState
from voicemail.models import Voicemail

UNRESOLVED = (TicketState.open.value, TicketState.dispatched.value)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


# -- local days in SQL -------------------------------------------------------------------------


def _fixed_offset(period: Period, zone: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset if it is the same at every local midnight of the period (no
    daylight-saving change inside it), else None."""
    offsets = {
        zone.utcoffset(datetime(d.year, d.month, d.day))
        for d in period.each_day() + [period.last + timedelta(days=1)]
    }
    return offsets.pop() if len(offsets) == 1 else None


def local_day(column: Any, period: Period, zone: ZoneInfo) -> ColumnElement[Any]:
    """The local date of a UTC timestamp column, computed by the database: a date on
    PostgreSQL, `YYYY-MM-DD` text on SQLite (`_by_day` reads both).

    PostgreSQL converts with its own time-zone database; SQLite (which stores naive UTC)
    adds the zone's offset, or, when the offset changes inside the period, calls the
    `hotline_local_day` function `hotline.core.db` registers on every SQLite connection.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return cast(func.timezone(zone.key, column), Date)
    offset = _fixed_offset(period, zone)
    if offset is None:
        return func.hotline_local_day(column, zone.key)
    return func.strftime("%Y-%m-%d", column, f"{int(offset.total_seconds()):+d} seconds")


# -- the figures -------------------------------------------------------------------------------


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
                _count(Call.satisfaction >= 4),
            ).where(Call.line == "public", _within(Call.started_at, start, end))
        ).one()
    )


def _repeat_callers(start: datetime, end: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(
                select(Call.from_number)
                .where(
                    Call.line == "public",
                    _within(Call.started_at, start, end),
                    func.lower(Call.from_number).not_in(WITHHELD),
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
            .where(_within(Voicemail.created_at, start, end))
            .group_by(Voicemail.state)
        ).all()
    )


def _start_figures(period: Period, zone: ZoneInfo, at: datetime, run: Runner) -> dict[str, Any]:
    """The independent parts of a period's figures, handed to `run`."""
    start, end = period.bounds(zone)
    return {
        "calls": run(_call_figures, start, end),
        "repeat": run(_repeat_callers, start, end),
        "voicemails": run(_voicemail_states, start, end),
        "tickets": run(_ticket_figures, start, end, at),
        "queue": run(queue_metrics, start, end),
    }


def _finish_figures(period: Period, parts: dict[str, Any]) -> Figures:
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
        satisfied_share=_ratio(satisfied, rated),
        repeat_callers=parts["repeat"].result(),
        **parts["tickets"].result(),
    )


def figures(
    period: Period, zone: ZoneInfo, at: datetime | None = None, run: Runner = inline
) -> Figures:
    """Every figure of `period`; `at` is "now" for the overdue count (default: the clock)."""
    return _finish_figures(period, _start_figures(period, zone, at or now(), run))


def overdue_condition(at: datetime) -> ColumnElement[bool]:
    """A ticket that missed its due date: resolved after it, or unresolved past it at `at`."""
    return and_(
        Ticket.due_at.is_not(None),
        or_(
            Ticket.resolved_at > Ticket.due_at,
            and_(Ticket.resolved_at.is_(None), Ticket.state.in_(UNRESOLVED), Ticket.due_at < at),
        ),
    )


@dataclass(frozen=True)
class OverdueTicket:
    id: int
    number: str | None
    category: str | None
    district: str | None
    caller_number: str
    due_at: datetime


def overdue_tickets(at: datetime, limit: int = 50) -> list[OverdueTicket]:
    """Open and dispatched tickets past their due date at `at`, the longest overdue first."""
    rows = db.session.execute(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.category,
            Ticket.district,
            Ticket.caller_number,
            Ticket.due_at,
        )
        .where(Ticket.state.in_(UNRESOLVED), Ticket.due_at < at)
        .order_by(Ticket.due_at, Ticket.id)
        .limit(limit)
    ).all()
    return [OverdueTicket(*row) for row in rows]


def _ticket_figures(start: datetime, end: datetime, at: datetime) -> dict[str, Any]:
    """One grouped query: the groups (state × source × type × category × district) are
    counted by the database and only the group totals are folded here."""
    rows = db.session.execute(
        select(
            Ticket.state,
            Ticket.source,
            Ticket.type,
            Ticket.category,
            Ticket.district,
            func.count(),
            _count(overdue_condition(at)),
            _count(Ticket.repeat_caller.is_(True)),
        )
        .where(_within(Ticket.created_at, start, end), Ticket.state != TicketState.discarded.value)
        .group_by(Ticket.state, Ticket.source, Ticket.type, Ticket.category, Ticket.district)
    ).all()
    folded: dict[str, Any] = {
        "tickets": 0,
        "drafts": 0,
        "overdue": 0,
        "repeat_caller_tickets": 0,
        "by_type": defaultdict(int),
        "by_category": defaultdict(int),
        "by_district": defaultdict(int),
        "by_source": defaultdict(int),
    }
    for state, source, kind, category, district, count, overdue, repeat in rows:
        folded["tickets"] += count
        folded["drafts"] += count if state == TicketState.draft.value else 0
        folded["overdue"] += overdue
        folded["repeat_caller_tickets"] += repeat
        folded["by_type"][kind or ""] += count
        folded["by_category"][category or ""] += count
        folded["by_district"][district or ""] += count
        folded["by_source"][source] += count
    for name in ("by_type", "by_category", "by_district", "by_source"):
        folded[name] = dict(sorted(folded[name].items(), key=lambda item: (-item[1], item[0])))
    return folded


# -- comparisons -------------------------------------------------------------------------------

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
    started = [_start_figures(p, zone, at, run) for p in periods]
    return lambda: _comparison(
        *(_finish_figures(p, parts) for p, parts in zip(periods, started, strict=True))
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


# -- rankings and series -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    value: str
    count: int
    previous: int
    growth: float | None
    year_ago: int
    growth_year: float | None


TICKET_DIMENSIONS = {
    "category": Ticket.category,
    "district": Ticket.district,
    "merchant": Ticket.merchant,
    "type": Ticket.type,
    "source": Ticket.source,
}


def ticket_counts(
    column: Any,
    ranges: dict[str, tuple[datetime, datetime]],
    *where: ColumnElement[bool],
    at_least: tuple[str, int] | None = None,
) -> dict[str, dict[str, int]]:
    """Tickets (not discarded, meeting `where`) per value of `column` in each named range, in
    one query: the ranges are counted side by side with conditional sums over their union.
    `at_least=(range, n)` keeps only the values with n or more tickets in that range."""
    sums = {name: _count(_within(Ticket.created_at, *span)) for name, span in ranges.items()}
    having = [sums[at_least[0]] >= at_least[1]] if at_least else []
    rows = db.session.execute(
        select(column, *(total.label(name) for name, total in sums.items()))
        .where(
            column.is_not(None),
            column != "",
            Ticket.state != TicketState.discarded.value,
            *where,
            or_(*(_within(Ticket.created_at, *span) for span in _spans(ranges.values()))),
        )
        .group_by(column)
        .having(*having)
    ).all()
    return {row[0]: dict(zip(ranges, row[1:], strict=True)) for row in rows}


def _spans(bounds: Any) -> list[tuple[datetime, datetime]]:
    """Ranges merged where they touch or overlap: nine consecutive weeks are one index range
    scan for the database, not an OR of nine."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(bounds):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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


@dataclass(frozen=True)
class DayRow:
    day: date
    calls: int
    answered: int
    abandoned: int
    voicemails: int
    tickets: int


def by_week(rows: list[DayRow]) -> list[DayRow]:
    """The daily rows summed per ISO week (each row dated by its first day in the list): a
    year's chart with 53 points instead of 365."""
    weeks: dict[tuple[int, int], DayRow] = {}
    for row in rows:
        key = row.day.isocalendar()[:2]
        seen = weeks.get(key)
        weeks[key] = (
            row
            if seen is None
            else DayRow(
                seen.day,
                seen.calls + row.calls,
                seen.answered + row.answered,
                seen.abandoned + row.abandoned,
                seen.voicemails + row.voicemails,
                seen.tickets + row.tickets,
            )
        )
    return list(weeks.values())


def _by_day(
    column: Any, period: Period, zone: ZoneInfo, *where: ColumnElement[bool], counts: tuple = ()
) -> dict[str, tuple[int, ...]]:
    """{'YYYY-MM-DD': (count, *conditional counts)} of the rows whose `column` falls on each
    local day of the period, counted by the database.

    PostgreSQL counts each day as its own index range (a correlated subquery per day over
    `unnest` of the exact local-midnight bounds): no time-zone arithmetic per row, which made
    a year's series 3× slower. SQLite groups on the local date of each row.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return _by_day_ranges(column, period, zone, *where, counts=counts)
    start, end = period.bounds(zone)
    day = local_day(column, period, zone)
    rows = db.session.execute(
        select(day, func.count(), *(_count(c) for c in counts))
        .where(_within(column, start, end), *where)
        .group_by(day)
    ).all()
    return {str(row[0]): tuple(row[1:]) for row in rows}


def _by_day_ranges(
    column: Any, period: Period, zone: ZoneInfo, *where: ColumnElement[bool], counts: tuple = ()
) -> dict[str, tuple[int, ...]]:
    bounds = [Period(day, day).bounds(zone) for day in period.each_day()]
    moments = ARRAY(DateTime(timezone=True))
    days_ = (
        func.unnest(
            bindparam("day_starts", [lo for lo, _ in bounds], type_=moments),
            bindparam("day_ends", [hi for _, hi in bounds], type_=moments),
        )
        .table_valued("lo", "hi", with_ordinality="n")
        .render_derived()
    )
    measures = [
        select(func.count())
        .where(column >= days_.c.lo, column < days_.c.hi, *where, *extra)
        .scalar_subquery()
        for extra in ([], *([c] for c in counts))
    ]
    rows = db.session.execute(select(days_.c.n, *measures).order_by(days_.c.n)).all()
    return {
        day.isoformat(): tuple(row[1:]) for day, row in zip(period.each_day(), rows, strict=True)
    }


def daily(period: Period, zone: ZoneInfo) -> list[DayRow]:
    """Calls, answered, abandoned, voicemails and tickets per local day (days with nothing
    included, as zeros), each counted by the database grouped on the local date."""
    calls = _by_day(Call.started_at, period, zone, Call.line == "public")
    visits = _by_day(
        QueueVisit.entered_at,
        period,
        zone,
        QueueVisit.callback_id.is_(None),
        counts=(QueueVisit.result == QueueResult.BRIDGED, QueueVisit.result == QueueResult.HANGUP),
    )
    voicemails = _by_day(Voicemail.created_at, period, zone)
    tickets = _by_day(Ticket.created_at, period, zone, Ticket.state != TicketState.discarded.value)
    rows = []
    for day in period.each_day():
        key = day.isoformat()
        _, answered, abandoned = visits.get(key, (0, 0, 0))
        rows.append(
            DayRow(
                day,
                calls.get(key, (0,))[0],
                answered,
                abandoned,
                voicemails.get(key, (0,))[0],
                tickets.get(key, (0,))[0],
            )
        )
    return rows

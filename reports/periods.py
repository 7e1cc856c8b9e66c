"""Report periods: a range of local days (a day, an ISO week, a calendar month or any range),
the period before it and the same period a year earlier, and their bounds in the hotline's
time zone (a day runs from local midnight to local midnight, whatever the server's zone)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


FIRST_YEAR, LAST_YEAR = 1971, 9998  # room for "a year earlier" and "the week before"


class PeriodError(ValueError):
    """A period that cannot be read; the message says the expected form."""


def _check_year(year: int, key: object) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"reports cover the years {FIRST_YEAR} to {LAST_YEAR} (got {key!r})")


@dataclass(frozen=True)
class Period:
    """The local days `first`..`last` (both included). `kind` is day, week, month,
    month-to-date (the 1st to a day of the same month) or range."""

    first: date
    last: date
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the end date {self.last} is before the start date {self.first}")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def key(self) -> str:
        """`2026-W47`, `2026-11`, `2026-11-23` or `2026-11-01..2026-11-15`."""
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "day":
            return self.first.isoformat()
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[first 00:00, the day after last 00:00) in `zone`, time-zone aware."""
        start = datetime.combine(self.first, time.min, tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def previous(self) -> Period:
        """The period just before: the week before, the month before, the same days of the
        month before, or as many days."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return Period(last.replace(day=1), last, "month")
        if self.kind == "month-to-date":  # 1–23 November → 1–23 October (or to its end)
            before = month_of(self.first - timedelta(days=1))
            last = before.first + timedelta(days=min(self.days, before.days) - 1)
            return Period(before.first, last, "month" if last == before.last else self.kind)
        return Period(
            self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.kind
        )

    def year_before(self) -> Period:
        """The same period a year earlier: the same ISO week number, the same month, or the
        same dates (29 February becomes the 28th)."""
        if self.kind == "week":
            year, number, _ = self.first.isocalendar()
            return week(f"{year - 1}-W{min(number, _weeks_in(year - 1)):02d}")
        if self.kind == "month":
            return month(f"{self.first.year - 1}-{self.first.month:02d}")
        return Period(_year_earlier(self.first), _year_earlier(self.last), self.kind)

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def week(key: str) -> Period:
    """`2026-W47` → Monday 16 to Sunday 22 November 2026."""
    match = WEEK.match(key.strip())
    if not match:
        raise PeriodError(f"a week is written like 2026-W47 (got {key!r})")
    year, number = int(match[1]), int(match[2])
    _check_year(year, key)
    if not 1 <= number <= _weeks_in(year):
        raise PeriodError(f"{year} has weeks 1 to {_weeks_in(year)} (got {key!r})")
    first = date.fromisocalendar(year, number, 1)
    return Period(first, first + timedelta(days=6), "week")


def month(key: str) -> Period:
    """`2026-11` → 1 to 30 November 2026."""
    match = MONTH.match(key.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError(f"a month is written like 2026-11 (got {key!r})")
    _check_year(int(match[1]), key)
    first = date(int(match[1]), int(match[2]), 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1), "month")


def days(first: str, last: str) -> Period:
    """Two ISO dates, as the date picker sends them."""
    start, end = parse_day(first), parse_day(last)
    if (end - start).days > 400:
        raise PeriodError("a report covers at most 400 days")
    if start == end:
        return Period(start, end, "day")
    # a whole ISO week or calendar month is compared like one: with the week or month before
    if start.isoweekday() == 1 and (end - start).days == 6:
        return Period(start, end, "week")
    if start.day == 1 and end == month_of(start).last:
        return Period(start, end, "month")
    if start.day == 1 and (end.year, end.month) == (start.year, start.month):
        return Period(start, end, "month-to-date")
    return Period(start, end)


def parse_day(raw: str) -> date:
    """An ISO date within the years reports cover."""
    try:
        found = date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise PeriodError(f"dates are written like 2026-11-23 (got {raw!r})") from None
    _check_year(found.year, raw)
    return found


def week_of(value: date) -> Period:
    year, number, _ = value.isocalendar()
    return week(f"{year}-W{number:02d}")


def month_of(value: date) -> Period:
    return month(f"{value:%Y-%m}")

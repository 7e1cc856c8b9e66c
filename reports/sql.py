"""SQL pieces the report figures share: conditional counts, time ranges, and the local day
of a timestamp computed by the database (PostgreSQL's zones, or an offset on SQLite)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, and_, case, cast, func

from hotline.core.db import db
from reports.periods import Period


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet `condition` (0 over no rows), as an aggregate."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None over nothing."""
    return part / whole if whole else None


def within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    """start <= column < end."""
    return and_(column >= start, column < end)


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
    PostgreSQL, `YYYY-MM-DD` text on SQLite (`reports.series` reads both).

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

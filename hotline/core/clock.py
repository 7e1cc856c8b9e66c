"""The one clock: what time it is, today's date and a day's bounds in the hotline's zone.

Stored times are UTC. Tests (and the benchmarks) set `app.extensions["hotline.clock"]` to a
function returning an aware datetime, and every feature reads the time through here, so a
scripted day is the same day for the IVR, the tickets, the drafts and the reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now() -> datetime:
    """The app's time, aware and in UTC (the test clock where one is set)."""
    clock = current_app.extensions.get("hotline.clock") if has_app_context() else None
    return clock().astimezone(UTC) if clock else datetime.now(UTC)


def zone() -> ZoneInfo:
    """The hotline's time zone (`TIMEZONE`)."""
    return current_app.config["HOTLINE_SETTINGS"].zone


def today(tz: ZoneInfo | None = None) -> date:
    """Today's date in the hotline's time zone (or `tz`), by the app's clock."""
    return now().astimezone(tz or zone()).date()


def local_days(first: date, last: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in the hotline's time zone (or `tz`)."""
    if last < first:
        raise ValueError("the end date is before the start date")
    tz = tz or zone()
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def local(moment: datetime | None, tz: ZoneInfo | None = None) -> datetime | None:
    """A stored moment in the hotline's time zone (naive values are read as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz or zone())

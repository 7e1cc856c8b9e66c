"""Business hours: weekly ranges, China's public holidays and swapped working days (调休) from
`chinesecalendar`, and admin overrides for single dates and part-days."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import chinese_calendar

from ivr.menu import WEEKDAYS, Hours, parse_range

log = logging.getLogger(__name__)


def _within(ranges: list[str], local: datetime) -> bool:
    moment = local.time()
    for item in ranges:
        start, end = parse_range(item)
        if start <= moment < end or (end.hour == 23 and end.minute == 59 and moment >= start):
            return True
    return False


def is_open(hours: Hours, at: datetime) -> bool:
    """Whether the hotline is open at the instant `at` (time-zone aware)."""
    local = at.astimezone(ZoneInfo(hours.timezone))
    day = local.date()
    for override in hours.overrides:
        if override.date == day:
            return not override.closed and _within(override.hours, local)
    if hours.china_calendar:
        try:
            on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            log.warning("chinesecalendar does not know %s; using the weekly hours only", day.year)
        else:
            if on_holiday and holiday_name:
                return False  # a public holiday
            if not on_holiday and day.weekday() >= 5:
                # A swapped working day (调休): a weekend day worked in exchange for a holiday.
                return _within(hours.workday_hours or hours.weekly.get("mon", []), local)
    return _within(hours.weekly.get(WEEKDAYS[day.weekday()], []), local)

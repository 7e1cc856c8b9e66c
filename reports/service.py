"""Assembling a report: the figures of a period beside the period before and a year earlier,
the daily series, rankings, warnings, stars and index, as tables and charts. The dashboard,
its CSV downloads and the weekly/monthly documents all call `assemble` (the API and the CLI
read the same comparison from `reports.growth` directly)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.i18n import locale_of
from hotline.core.settings import Settings
from reports import charts, environment, figures, growth, series, stars, tables, warning, words
from reports.periods import Period, month_of
from reports.tables import Table
from reports.ticket_figures import overdue_tickets
from tickets import words as ticket_words
from tickets.rules import current_rules

TOP = 10
WEEKLY_CHART_AFTER = 92  # days: a longer range is charted per week (the table stays daily)
#: Threads that read the figures side by side (each with its own database session): the
#: parts of a dashboard are independent queries, and the database runs them on several cores.
READERS = 4


@contextmanager
def parallel() -> Iterator[figures.Runner]:
    """`run(function, *args)` → a future; the function runs in its own app context (so its
    own database session), in a small thread pool that is shut down (joined) on exit."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def in_app(function: Callable[..., Any], *args: Any) -> Any:
        with app.app_context():
            try:
                return function(*args)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="report") as pool:
        yield lambda function, *args: pool.submit(in_app, function, *args)


@dataclass
class Assembled:
    period: Period
    comparison: growth.Comparison
    warnings: list[warning.EarlyWarning]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Markup] = field(default_factory=dict)
    index_month: str | None = None

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]


def namer(language: str) -> tuple:
    """(category key → its name in `language`, (dimension, value) → a name)."""
    names = {
        c.key: (c.zh if language.startswith("zh") else c.en) for c in current_rules().categories
    }

    def category(key: str) -> str:
        return names.get(key, key)

    def value(dimension: str, raw: str) -> str:
        return category(raw) if dimension == "category" else raw

    return category, value


def assemble(
    period: Period,
    settings: Settings,
    language: str,
    *,
    with_stars: bool = False,
    at: datetime | None = None,
) -> Assembled:
    """Every figure, table and chart of the period, worded in `language`. The queries run side
    by side in a few threads, the longest first (the figures of the three periods); the charts
    of the series and rankings are drawn while the figures are still being counted."""
    with force_locale(locale_of(language)):
        return _assemble(period, settings, language, with_stars, at or now())


def _assemble(
    period: Period, settings: Settings, language: str, with_stars: bool, at: datetime
) -> Assembled:
    zone = settings.zone
    category_name, value_name = namer(language)
    month = month_of(period.last)  # stars are monthly: the month of the range's last day
    index_month = environment.month_for(period, environment.months_with_data())
    with parallel() as run:
        comparing = growth.start_compare(period, zone, at, run)
        warned = run(
            warning.warnings, period.last, zone, settings.warning_min_count, settings.warning_z
        )
        daily = run(series.daily, period, zone)
        ranked_categories = run(growth.ranked, "category", period, zone, TOP)
        ranked_districts = run(growth.ranked, "district", period, zone, None)
        overdue = run(overdue_tickets, at)
        rated = run(stars.operator_stars, month, zone) if with_stars else None
        indexed = run(environment.environment_index, index_month, zone) if index_month else None
        days, top = daily.result(), ranked_categories.result()
        districts = ranked_districts.result()
        drawn = _series_charts(days, top, districts, category_name)
        comparison = comparing()
    report = Assembled(period, comparison, warned.result(), index_month=index_month)
    for table in (
        tables.headline(comparison),
        tables.ranking(
            "categories",
            _("Top 10 categories"),
            "category",
            top,
            period.first,
            period.last,
            category_name,
        ),
        tables.ranking(
            "districts",
            _("Tickets by district"),
            "district",
            districts,
            period.first,
            period.last,
            str,
        ),
        tables.breakdown(
            "types", _("Tickets by type"), _("Type"), comparison.current.by_type, type_name
        ),
        tables.breakdown(
            "sources",
            _("Tickets by source"),
            _("Source"),
            comparison.current.by_source,
            source_name,
        ),
        tables.breakdown(
            "voicemails",
            _("Voicemails by state"),
            _("State"),
            comparison.current.voicemails,
            voicemail_state_name,
        ),
        tables.warnings(report.warnings, value_name),
        tables.daily(days),
        tables.overdue(overdue.result(), at, category_name),
    ):
        report.tables[table.id] = table
    if rated is not None:
        report.tables["stars"] = tables.stars(rated.result(), month.key)
    if indexed is not None:
        report.tables["index"] = tables.environment(indexed.result(), category_name)
    sources = [(source_name(k), v) for k, v in comparison.current.by_source.items()]
    report.charts = {**drawn, "sources": charts.pie(_("Tickets by source"), sources)}
    return report


def source_name(key: str) -> str:
    return words.name(words.SOURCES, key)


def voicemail_state_name(key: str) -> str:
    return words.name(words.VOICEMAIL_STATES, key)


def type_name(key: str) -> str:
    return str(ticket_words.TYPES[key]) if key in ticket_words.TYPES else (key or tables.NOTHING)


def _series_charts(
    days: list[series.DayRow],
    top: list[growth.Ranked],
    districts: list[growth.Ranked],
    category_name: Callable[[str], str],
) -> dict[str, Markup]:
    weekly = len(days) > WEEKLY_CHART_AFTER
    tickets = words.name(words.METRICS, "tickets")
    return {
        "daily": charts.daily(
            series.by_week(days) if weekly else days,
            _("Calls and tickets per week") if weekly else _("Calls and tickets per day"),
            {
                key: words.name(words.METRICS, key)
                for key in ("calls", "answered", "abandoned", "tickets")
            },
        ),
        "categories": charts.bars(
            _("Top 10 categories"),
            [(category_name(r.value), r.count) for r in top],
            tickets,
        ),
        "districts": charts.bars(
            _("Tickets by district"), [(r.value, r.count) for r in districts], tickets
        ),
    }

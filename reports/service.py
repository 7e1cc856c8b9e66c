"""Assembling a report: the figures of a period beside the period before and a year earlier,
the daily series, rankings, warnings, stars and index, as tables and charts. The dashboard,
its CSV downloads and the weekly/monthly documents all call `assemble` (the API and the CLI
read the same figures from `reports.figures` directly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from hotline.settings import Settings
from reports import charts, environment, figures, stars, tables, warning
from reports.periods import Period, month_of
from reports.tables import Table, Translate
from tickets.lifecycle import now
from tickets.suggest import current_suggester

TOP = 10


@dataclass
class Assembled:
    period: Period
    comparison: figures.Comparison
    warnings: list[warning.EarlyWarning]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Markup] = field(default_factory=dict)
    index_month: str | None = None

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]


def namer(language: str) -> tuple:
    """(category key → its name in `language`, (dimension, value) → a name)."""
    names = {
        c.key: (c.zh if language.startswith("zh") else c.en)
        for c in current_suggester().rules.categories
    }

    def category(key: str) -> str:
        return names.get(key, key)

    def value(dimension: str, raw: str) -> str:
        return category(raw) if dimension == "category" else raw

    return category, value


def assemble(
    period: Period,
    settings: Settings,
    t: Translate,
    language: str,
    *,
    with_stars: bool = False,
    at: datetime | None = None,
) -> Assembled:
    zone = settings.zone
    at = at or now()
    category_name, value_name = namer(language)
    comparison = figures.compare(period, zone, at)
    current = comparison.current
    found = warning.warnings(period.last, zone, settings.warning_min_count, settings.warning_z)
    days = figures.daily(period, zone)
    top = figures.ranked("category", period, zone, TOP)
    districts = figures.ranked("district", period, zone, None)
    report = Assembled(period, comparison, found)

    def source_name(key: str) -> str:
        return t(f"src_{key}")

    def state_name(key: str) -> str:
        return t(f"vm_{key}")

    def type_name(key: str) -> str:
        return t(key) if key else tables.NOTHING

    for table in (
        tables.headline(comparison, t),
        tables.ranking(
            "categories",
            t("r_top_categories"),
            "category",
            top,
            period.first,
            period.last,
            category_name,
            t,
        ),
        tables.ranking(
            "districts",
            t("r_districts"),
            "district",
            districts,
            period.first,
            period.last,
            lambda v: v,
            t,
        ),
        tables.breakdown("types", t("r_types"), t("type"), current.by_type, t, type_name),
        tables.breakdown(
            "sources", t("r_sources"), t("r_source"), current.by_source, t, source_name
        ),
        tables.breakdown(
            "voicemails", t("r_voicemails"), t("r_state"), current.voicemails, t, state_name
        ),
        tables.warnings(found, value_name, t),
        tables.daily(days, t),
        tables.overdue(at, zone, t),
    ):
        report.tables[table.id] = table
    if with_stars:  # stars are monthly: the calendar month of the range's last day
        month = month_of(period.last)
        report.tables["stars"] = tables.stars(stars.operator_stars(month, zone), month.key, t)
    months = environment.months_with_data()
    in_period = [
        m for m in months if period.first.strftime("%Y-%m") <= m <= period.last.strftime("%Y-%m")
    ]
    report.index_month = (in_period or months or [None])[0]
    if report.index_month:
        report.tables["index"] = tables.environment(
            environment.environment_index(report.index_month, zone), category_name, t
        )
    report.charts = {
        "daily": charts.daily(
            days,
            t("r_daily"),
            {k: t(f"m_{k}") for k in ("calls", "answered", "abandoned", "tickets")},
        ),
        "categories": charts.bars(
            t("r_top_categories"),
            [(category_name(r.value), r.count) for r in top],
            t("m_tickets"),
        ),
        "districts": charts.bars(
            t("r_districts"), [(r.value, r.count) for r in districts], t("m_tickets")
        ),
        "sources": charts.pie(
            t("r_sources"), [(source_name(k), v) for k, v in current.by_source.items()]
        ),
    }
    return report

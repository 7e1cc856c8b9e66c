"""The weekly flash report and monthly analysis (周有快报、月有分析): self-contained printable
HTML (inline SVG charts, print styles; the browser's "Save as PDF" makes the PDF), stored in
the database so every web process can list and serve them.

Generated on schedule by the `scheduler` process (`generate_due`: last week's report and last
month's analysis, once the local time is past GENERATE_AFTER on the day after the period, so
late voicemails are in) and on demand (`hotline report weekly --week 2026-W47`, the web page,
the API). Generating a period again replaces its document and counts a revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.i18n import locale_of
from reports import periods, words
from reports.models import Report
from reports.service import assemble
from reports.tables import as_dicts

KINDS = ("weekly", "monthly")
GENERATE_AFTER = time(6, 0)


@dataclass(frozen=True)
class Generated:
    report: Report
    created: bool


def period_of(kind: str, key: str) -> periods.Period:
    if kind == "weekly":
        return periods.week(key)
    if kind == "monthly":
        return periods.month(key)
    raise periods.PeriodError(f"a report is weekly or monthly (got {kind!r})")


def generate(kind: str, key: str, actor: str, at: datetime | None = None) -> Generated:
    """Build and store the document of one period (replacing an earlier one)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    period = period_of(kind, key)
    language = settings.report_language
    at = at or now()
    assembled = assemble(period, settings, language, at=at)
    with force_locale(locale_of(language)):  # REPORT_LANGUAGE, whoever asked for it
        html = render_template(
            "reports/document.html",
            title=words.name(words.TITLES, kind) % {"period": period.key},
            kind=kind,
            report=assembled,
            language=language,
            zone=settings.timezone,
            generated_at=at,
            generated_by=actor,
        )
    start, end = period.bounds(settings.zone)
    figures = {
        "headline": {
            row.key: {"value": row.value, "growth": row.growth, "growth_year": row.growth_year}
            for row in assembled.comparison.rows
        },
        "top_categories": as_dicts(assembled.table("categories")),
        "warnings": [
            {
                "dimension": w.dimension,
                "value": w.value,
                "count": w.count,
                "baseline_mean": w.baseline_mean,
                "z": w.z,
            }
            for w in assembled.warnings
        ],
        "overdue": len(assembled.table("overdue").rows),
    }
    found = db.session.scalar(
        select(Report).where(Report.kind == kind, Report.period == period.key)
    )
    created = found is None
    if found is None:
        found = Report(kind=kind, period=period.key, revision=0)
        db.session.add(found)
    found.start, found.end = start, end
    found.html, found.figures = html, figures
    found.generated_at, found.generated_by = at, actor
    found.revision = (found.revision or 0) + 1
    db.session.commit()
    return Generated(found, created)


def last_complete(at: datetime, zone) -> tuple[periods.Period, periods.Period]:
    """The last whole ISO week and calendar month before local `at`."""
    today = at.astimezone(zone).date()
    week = periods.week_of(today - timedelta(days=today.isoweekday()))
    month = periods.month_of(today.replace(day=1) - timedelta(days=1))
    return week, month


def generate_due(at: datetime | None = None) -> list[Report]:
    """Last week's flash report and last month's analysis, if not generated yet."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    at = at or now()
    if at.astimezone(settings.zone).time() < GENERATE_AFTER:
        return []
    made = []
    for kind, period in zip(KINDS, last_complete(at, settings.zone), strict=True):
        exists = db.session.scalar(
            select(Report.id).where(Report.kind == kind, Report.period == period.key)
        )
        if exists is None:
            made.append(generate(kind, period.key, "scheduler", at).report)
    return made


def listed(limit: int = 200) -> list[Report]:
    return list(
        db.session.scalars(select(Report).order_by(Report.start.desc(), Report.kind).limit(limit))
    )

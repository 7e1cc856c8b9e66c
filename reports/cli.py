"""`hotline report weekly|monthly|list|summary|warnings|stars|index`: the reports from the
command line; documents are stored exactly as the scheduler stores them.

The report modules are imported inside the commands, so `hotline report --help` stays quick."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from hotline.core import clock

#: `--out FILE` of the document commands: also write the document's HTML there.
OUT_OPTION = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="also write the HTML here"
)


@click.group(cls=AppGroup)
def report() -> None:
    """Reports: the weekly flash report, the monthly analysis, figures, warnings, stars."""


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


def _generate(kind: str, key: str, out: Path | None) -> None:
    from reports import documents

    try:
        made = documents.generate(kind, key, None)
    except documents.ReportError as exc:
        raise click.BadParameter(str(exc)) from None
    verb = "generated" if made.created else f"regenerated (revision {made.report.revision})"
    click.echo(
        f"{kind} report {made.report.period} {verb}: id {made.report.id}, "
        f"/reports/documents/{made.report.id}"
    )
    if out:
        out.write_text(made.report.html, encoding="utf-8")
        click.echo(f"written to {out}")


@report.command("weekly")
@click.option("--week", help="ISO week like 2026-W47 (default: last week)")
@OUT_OPTION
def weekly(week: str | None, out: Path | None) -> None:
    """Generate and store the weekly flash report (周快报)."""
    from reports import documents

    key = week or documents.last_complete(clock.now(), _settings().zone)[0].key
    _generate("weekly", key, out)


@report.command("monthly")
@click.option("--month", "month_key", help="month like 2026-10 (default: last month)")
@OUT_OPTION
def monthly(month_key: str | None, out: Path | None) -> None:
    """Generate and store the monthly analysis (月分析)."""
    from reports import documents

    key = month_key or documents.last_complete(clock.now(), _settings().zone)[1].key
    _generate("monthly", key, out)


@report.command("list")
def list_documents() -> None:
    """The stored documents, newest first (generated at, in the hotline's time zone)."""
    from reports import documents

    for r in documents.listed():
        click.echo(
            f"{r.id:>5}  {r.kind:<8} {r.period:<9} rev {r.revision}  "
            f"{clock.local(r.generated_at):%Y-%m-%d %H:%M}  by {r.generated_by}"
        )


@report.command("summary")
@click.option("--from", "first", help="first local day (default: the 1st of this month)")
@click.option("--to", "last", help="last local day (default: today)")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def summary(first: str | None, last: str | None, as_json: bool) -> None:
    """The headline figures of a date range with growth (previous period, a year earlier)."""
    from reports import growth
    from reports.periods import PeriodError, days

    today = clock.today(_settings().zone)
    try:
        period = days(first or today.replace(day=1).isoformat(), last or today.isoformat())
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from None
    comparison = growth.compare(period, _settings().zone)
    if as_json:
        click.echo(json.dumps([asdict(row) for row in comparison.rows], indent=2))
        return
    click.echo(
        f"{period.first} .. {period.last}  (previous {comparison.previous.period.key}, "
        f"a year earlier {comparison.year_ago.period.key})"
    )
    for row in comparison.rows:
        click.echo(
            f"  {row.key:<20} {_plain(row.value):>10}  prev {_plain(row.previous):>10}  "
            f"year {_plain(row.year_ago):>10}"
        )


def _plain(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@report.command("warnings")
@click.option("--week", help="ISO week like 2026-W47 (default: the 7 days ending today)")
def warnings_command(week: str | None) -> None:
    """Categories, districts and merchants far above their 8-week baseline."""
    from reports import warning
    from reports.periods import PeriodError
    from reports.periods import week as parse_week

    settings = _settings()
    try:
        last = parse_week(week).last if week else clock.today(_settings().zone)
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from None
    found = warning.warnings(last, settings.zone, settings.warning_min_count, settings.warning_z)
    if not found:
        click.echo("no warnings")
    for w in found:
        click.echo(
            f"{w.dimension:<9} {w.value:<20} {w.count:>5} this week, baseline "
            f"{w.baseline_mean:.1f}/week (z {w.z:.1f}, p {w.p_value:.1e})"
        )


@report.command("stars")
@click.option("--month", "month_key", help="month like 2026-10 (default: this month)")
def stars_command(month_key: str | None) -> None:
    """Operator star ratings (星级话务员) for a month."""
    from reports import stars
    from reports.periods import PeriodError, month, month_of

    try:
        period = month(month_key) if month_key else month_of(clock.today(_settings().zone))
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from None
    for s in stars.operator_stars(period, _settings().zone):
        shown = "*" * s.stars if s.stars else "too little work to rate"
        click.echo(
            f"{s.username:<16} {shown:<6} score {_plain(s.score)}  answered {s.answered}, "
            f"within 20 s {s.answered_fast}, rating {_plain(s.mean_rating)} "
            f"({s.ratings}), confirmed {s.confirmed} ({s.confirmed_clean} unedited), "
            f"reviewed calls {s.reviews} (mean {_plain(s.mean_review)})"
        )


@report.command("index")
@click.option(
    "--upload",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a CSV of sector spending growth to store first",
)
@click.option("--month", "month_key", help="month like 2026-10 (default: the latest uploaded)")
def index_command(upload: Path | None, month_key: str | None) -> None:
    """The consumer environment index (增速差): complaint growth − spending growth."""
    from reports import environment

    if upload:
        try:
            stored = environment.upload(None, upload.read_bytes())
        except environment.IndexCsvError as exc:
            raise click.ClickException("\n".join(exc.problems)) from None
        click.echo(f"stored {stored} rows")
    months = environment.months_with_data()
    key = month_key or (months[0] if months else None)
    if key is None:
        click.echo("no sector spending growth uploaded yet")
        return
    for row in environment.environment_index(key, _settings().zone):
        index = "-" if row.index is None else f"{row.index:+.1f} pt"
        click.echo(
            f"{row.month} {row.sector}: complaints {row.complaints} "
            f"(a year earlier {row.complaints_year_ago}), spending "
            f"{row.spending_growth:+.1f}% → index {index} ({row.reading})"
        )

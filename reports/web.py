"""The managers' pages: the dashboard for a date range (charts, tables, CSV of every table),
the weekly and monthly documents (list, view, generate), and the admins' upload of sector
spending growth for the consumer environment index."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from hotline.core import clock
from hotline.core.auth import admin_required, roles_required
from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.i18n import current_language
from hotline.core.models import Role
from reports import documents, environment, tables, words
from reports.models import Report
from reports.periods import Period, PeriodError, days, month_of, week_of
from reports.service import assemble, namer

bp = Blueprint("reports_web", __name__, template_folder="templates")
bp.context_processor(lambda: {"KIND_WORDS": words.KINDS})

READERS = (Role.manager, Role.admin)


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


def presets(today: date) -> list[tuple[str, str, Period]]:
    """The date picker's shortcuts: (id, label, period)."""
    last_week = week_of(today - timedelta(days=7))
    last_month = month_of(today.replace(day=1) - timedelta(days=1))
    return [
        ("r_today", _("Today"), Period(today, today, "day")),
        ("r_last_7", _("Last 7 days"), Period(today - timedelta(days=6), today)),
        ("r_last_week", _("Last week"), last_week),
        ("r_this_month", _("This month"), Period(today.replace(day=1), today)),
        ("r_last_month", _("Last month"), last_month),
    ]


def _period() -> Period:
    """The range in the query (`from`, `to`), else this month so far (PeriodError when the
    range cannot be read)."""
    today = clock.today(_settings().zone)
    first, last = request.args.get("from", ""), request.args.get("to", "")
    if not first and not last:
        return Period(today.replace(day=1), today)
    return days(first or last, last or first)


def _assembled(period: Period):
    return assemble(
        period,
        _settings(),
        current_language(),
        with_stars=current_user.role == Role.admin.value,
    )


@bp.get("/reports")
@roles_required(*READERS)
def dashboard() -> tuple[str, int]:
    """Figures, charts and tables for a date range."""
    status = 200
    try:
        period = _period()
    except PeriodError as exc:  # say what is wrong beside the picker, show this month
        flash(str(exc))
        status = 400
        today = clock.today(_settings().zone)
        period = Period(today.replace(day=1), today)
    report = _assembled(period)
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    page = render_template(
        "reports/dashboard.html",
        report=report,
        period=period,
        query=query,
        presets=presets(clock.today(_settings().zone)),
        zone=_settings().timezone,
        is_admin=current_user.role == Role.admin.value,
    )
    return page, status


@bp.get("/reports/csv/<table_id>")
@roles_required(*READERS)
def table_csv(table_id: str) -> Response:
    """One dashboard table as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
    try:
        period = _period()
    except PeriodError as exc:
        abort(400, description=str(exc))
    report = _assembled(period)
    if table_id not in report.tables:
        abort(404)
    name = f"hotline-{table_id}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(
        "\ufeff" + report.table(table_id).csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/documents")
@roles_required(*READERS)
def document_list() -> str:
    """The stored weekly flash reports and monthly analyses, newest first."""
    today = clock.today(_settings().zone)
    week, month = documents.last_complete(now(), _settings().zone)
    return render_template(
        "reports/documents.html",
        reports=documents.listed(),
        default_week=week.key,
        default_month=month.key,
        this_week=week_of(today).key,
    )


@bp.post("/reports/documents")
@roles_required(*READERS)
def generate_document() -> Response:
    """Generate (or regenerate) the weekly or monthly document of a period now."""
    kind = request.form.get("kind", "")
    key = request.form.get("period", "").strip()
    try:
        made = documents.generate(kind, key, current_user)
    except documents.ReportError as exc:
        flash(str(exc))
        return redirect(url_for("reports_web.document_list"))
    flash(
        _(
            "Generated %(kind)s %(period)s.",
            kind=words.name(words.KINDS, kind),
            period=made.report.period,
        )
    )
    return redirect(url_for("reports_web.document", report_id=made.report.id))


@bp.get("/reports/documents/<int:report_id>")
@roles_required(*READERS)
def document(report_id: int) -> Response:
    """The stored document, as generated (self-contained, printable)."""
    found = db.get_or_404(Report, report_id)
    return Response(found.html, mimetype="text/html")


@bp.route("/admin/sector-growth", methods=["GET", "POST"])
@admin_required
def sector_growth() -> str | Response:
    """Upload a CSV of sector spending growth; every bad line is named, nothing half-saved."""
    if request.method == "POST":
        upload = request.files.get("file")
        raw = upload.read(environment.MAX_BYTES + 1) if upload else b""
        try:
            stored = environment.upload(current_user, raw)
        except environment.IndexCsvError as exc:
            for problem in exc.problems[:20]:
                flash(problem)
            return redirect(url_for("reports_web.sector_growth"))
        flash(ngettext("Saved %(num)d row.", "Saved %(num)d rows.", stored))
        return redirect(url_for("reports_web.sector_growth"))
    zone = _settings().zone
    category_name, _ = namer(current_language())
    return render_template(
        "reports/sector_growth.html",
        tables=[
            tables.environment(environment.environment_index(m, zone), category_name)
            for m in environment.months_with_data()[:12]
        ],
    )

"""`/api/v1/reports`: report summaries for a date range, early warnings, and the weekly and
monthly documents (list, generate). Managers and admins. The rows of the summary and the
warnings are the domain's own dataclasses (`reports.growth`, `reports.warning`): pydantic
describes and serialises them, so the API lists exactly their fields."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from werkzeug.exceptions import BadRequest

from hotline.core import clock
from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role
from reports import documents, growth, warning
from reports.growth import HeadlineRow, Ranked
from reports.models import Report
from reports.periods import PeriodError, days, parse_day
from reports.warning import EarlyWarning

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")
json_errors(bp)

ERRORS = error_responses(401, 403)
DAY = r"^\d{4}-\d{2}-\d{2}$"


class RangeQuery(BaseModel):
    from_: str | None = Field(None, alias="from", pattern=DAY, description="first local day")
    to: str | None = Field(None, pattern=DAY, description="last local day (included)")


class SummaryOut(BaseModel):
    first: str
    last: str
    time_zone: str
    previous: str
    year_ago: str
    headline: list[HeadlineRow] = Field(
        description="per figure; `how` (count, seconds, rate or mean) says how growth is computed"
    )
    by_type: dict[str, int]
    by_category: dict[str, int]
    by_district: dict[str, int]
    by_source: dict[str, int]
    voicemails: dict[str, int]
    top_categories: list[Ranked]


class WarningsQuery(BaseModel):
    to: str | None = Field(None, pattern=DAY, description="the week's last day (default today)")


class WarningsOut(BaseModel):
    items: list[EarlyWarning]


class DocumentOut(BaseModel):
    id: int
    kind: str
    period: str
    generated_at: str
    generated_by: str
    revision: int
    url: str


class DocumentList(BaseModel):
    items: list[DocumentOut]


class DocumentRequest(BaseModel):
    kind: str = Field(pattern=r"^(weekly|monthly)$")
    period: str = Field(max_length=16, description="2026-W47 (weekly) or 2026-11 (monthly)")


def _zone():
    return current_app.config["HOTLINE_SETTINGS"].zone


@bp.get("/summary")
@require_role(Role.manager)
@spec.validate(
    query=RangeQuery,
    resp=Responses(HTTP_200=SummaryOut, HTTP_400=ErrorBody, **ERRORS),
    tags=["reports"],
)
def summary() -> Response:
    """Every figure of the local days `from`..`to` (default: this month so far), with growth
    against the period before and the same period a year earlier."""
    today = clock.today(_zone())
    first = request.args.get("from") or today.replace(day=1).isoformat()
    try:
        period = days(first, request.args.get("to") or max(first, today.isoformat()))
    except PeriodError as exc:
        raise BadRequest(str(exc)) from None
    comparison = growth.compare(period, _zone())
    current = comparison.current
    body = SummaryOut(
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        time_zone=_zone().key,
        previous=comparison.previous.period.key,
        year_ago=comparison.year_ago.period.key,
        headline=comparison.rows,
        by_type=current.by_type,
        by_category=current.by_category,
        by_district=current.by_district,
        by_source=current.by_source,
        voicemails=current.voicemails,
        top_categories=growth.ranked("category", period, _zone()),
    )
    return jsonify(body.model_dump(mode="json"))


@bp.get("/warnings")
@require_role(Role.manager)
@spec.validate(
    query=WarningsQuery,
    resp=Responses(HTTP_200=WarningsOut, HTTP_400=ErrorBody, **ERRORS),
    tags=["reports"],
)
def warnings() -> Response:
    """Categories, districts and merchants far above their 8-week baseline in the 7 days
    ending on `to`."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    raw = request.args.get("to")
    try:
        last = parse_day(raw) if raw else clock.today(_zone())
    except PeriodError as exc:
        raise BadRequest(str(exc)) from None
    found = warning.warnings(last, settings.zone, settings.warning_min_count, settings.warning_z)
    return jsonify(WarningsOut(items=found).model_dump(mode="json"))


def _document(report: Report) -> dict:
    return {
        "id": report.id,
        "kind": report.kind,
        "period": report.period,
        "generated_at": report.generated_at.isoformat(),
        "generated_by": report.generated_by,
        "revision": report.revision,
        "url": f"/reports/documents/{report.id}",
    }


@bp.get("/documents")
@require_role(Role.manager)
@spec.validate(resp=Responses(HTTP_200=DocumentList, **ERRORS), tags=["reports"])
def document_list() -> Response:
    """The stored weekly flash reports and monthly analyses, newest first."""
    return jsonify({"items": [_document(r) for r in documents.listed()]})


@bp.post("/documents")
@require_role(Role.manager)
@spec.validate(
    json=DocumentRequest,
    resp=Responses(HTTP_200=DocumentOut, HTTP_201=DocumentOut, HTTP_400=ErrorBody, **ERRORS),
    tags=["reports"],
)
def generate() -> tuple[Response, int]:
    """Generate the document of a week or month now (201), or regenerate it (200)."""
    body: DocumentRequest = request.context.json  # type: ignore[attr-defined]
    made = documents.generate(body.kind, body.period, g.api_user)
    return jsonify(_document(made.report)), 201 if made.created else 200


@bp.get("/documents/<int:report_id>")
@require_role(Role.manager)
@spec.validate(resp=Responses(HTTP_200=DocumentOut, HTTP_404=ErrorBody, **ERRORS), tags=["reports"])
def document(report_id: int) -> Response:
    """One stored document's details (its HTML is at `url`, for a logged-in browser)."""
    return jsonify(
        _document(db.get_or_404(Report, report_id, description=f"no report {report_id}"))
    )

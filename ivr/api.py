"""`/api/v1/queues`: the live state of the queues and their metrics for a date range.

Operators see only the queues they answer; managers and admins see every queue.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from werkzeug.exceptions import BadRequest

from hotline.core import clock
from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.models import Role
from ivr import metrics, queueing
from ivr.operator_service import OperatorChange, queues_of, update_operator
from ivr.versions import published_document

bp = Blueprint("queues_api", __name__, url_prefix="/api/v1/queues")
json_errors(bp)
operators_bp = Blueprint("operators_api", __name__, url_prefix="/api/v1/operators")
json_errors(operators_bp)

ERRORS = error_responses(401, 403)


class QueueStatus(BaseModel):
    queue: str
    waiting: int
    called_back_waiting: int
    callbacks_holding_place: int
    operators_available: int
    longest_wait_seconds: int


class QueueStatusList(BaseModel):
    items: list[QueueStatus]


class MetricsQuery(BaseModel):
    from_: str | None = Field(None, alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
    to: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    queue: str | None = Field(None, max_length=64)


class MetricsOut(BaseModel):
    """The domain's own rows (`ivr.metrics`): the API describes exactly their fields."""

    metrics: metrics.QueueMetrics
    operators: list[metrics.OperatorStats]


@bp.get("")
@require_role(Role.operator, Role.manager)
@spec.validate(resp=Responses(HTTP_200=QueueStatusList, **ERRORS), tags=["queues"])
def live_queues() -> Response:
    """Callers waiting, callbacks holding a place and operators available, per queue."""
    user = g.api_user
    found = published_document()
    names = sorted(found[1].queues) if found else []
    if user.role == Role.operator.value:
        mine = queues_of(user.id)
        names = [name for name in mine if name in names] or mine
    return jsonify({"items": queueing.live_status(names, clock.now())})


def _day(name: str, default: date) -> date:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"`{name}` must be a date like 2026-11-23") from None


@bp.get("/metrics")
@require_role(Role.manager)
@spec.validate(
    query=MetricsQuery,
    resp=Responses(HTTP_200=MetricsOut, HTTP_400=ErrorBody, **ERRORS),
    tags=["queues"],
)
def queue_metrics() -> Response:
    """Metrics of one queue (or all) for the local days `from`..`to`, and per operator."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    today = clock.now().astimezone(settings.zone).date()
    first = _day("from", today)
    last = _day("to", first)
    try:
        start, end = clock.local_days(first, last, settings.zone)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    queue = request.args.get("queue") or None
    found = published_document()
    level = found[1].queue(queue).service_level_seconds if found and queue else 20
    result = metrics.queue_metrics(start, end, queue, service_level_seconds=level)
    return jsonify(
        {
            "metrics": result.as_dict(),
            "operators": [asdict(row) for row in metrics.operator_stats(start, end)],
        }
    )


class OperatorOut(BaseModel):
    username: str
    queues: list[str]
    pin_set: bool


@operators_bp.put("/<username>")
@require_role()
@spec.validate(
    json=OperatorChange,
    resp=Responses(HTTP_200=OperatorOut, HTTP_400=ErrorBody, HTTP_404=ErrorBody, **ERRORS),
    tags=["users"],
)
def operator_settings(username: str) -> Response:
    """Reset an operator's PIN (the lock after wrong PINs is lifted), set their queues, caller
    ID or language."""
    body: OperatorChange = request.context.json  # type: ignore[attr-defined]
    user = update_operator(g.api_user, username, body)
    return jsonify(
        {
            "username": user.username,
            "queues": queues_of(user.id),
            "pin_set": user.pin_hash is not None,
        }
    )

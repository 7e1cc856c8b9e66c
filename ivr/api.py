"""`/api/v1/queues`: the live state of the queues and their metrics for a date range.

Operators see only the queues they answer; managers and admins see every queue.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest

from hotline.api import OPENAPI_PATHS, json_errors, require_role
from hotline.models import Role
from ivr import metrics, queueing
from ivr.operators import queues_of
from ivr.versions import published_document

bp = Blueprint("queues_api", __name__, url_prefix="/api/v1/queues")
json_errors(bp)


@bp.get("")
@require_role(Role.operator, Role.manager)
def live_queues() -> Response:
    """Callers waiting, callbacks holding a place and operators available, per queue."""
    user = g.api_user
    found = published_document()
    names = sorted(found[1].queues) if found else []
    if user.role == Role.operator.value:
        mine = queues_of(user.id)
        names = [name for name in mine if name in names] or mine
    return jsonify({"items": queueing.live_status(names, queueing.now())})


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
def queue_metrics() -> Response:
    """Metrics of one queue (or all) for the local days `from`..`to`, and per operator."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    today = queueing.now().astimezone(settings.zone).date()
    first = _day("from", today)
    last = _day("to", first)
    try:
        start, end = metrics.local_days(first, last, settings.zone)
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


_STATUS = {
    "type": "object",
    "properties": {
        "queue": {"type": "string"},
        "waiting": {"type": "integer"},
        "called_back_waiting": {"type": "integer"},
        "callbacks_holding_place": {"type": "integer"},
        "operators_available": {"type": "integer"},
        "longest_wait_seconds": {"type": "integer"},
    },
}
OPENAPI_PATHS["/queues"] = {
    "get": {
        "summary": "Live queues (operators: only their own)",
        "responses": {
            "200": {
                "description": "One item per queue",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"items": {"type": "array", "items": _STATUS}},
                        }
                    }
                },
            },
            "401": {"description": "No valid bearer token"},
        },
    }
}
OPENAPI_PATHS["/queues/metrics"] = {
    "get": {
        "summary": "Queue metrics for local days from..to, and per operator",
        "parameters": [
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "queue", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {
                "description": "Answer rate, abandonment, waits, service level, callbacks, ratings",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "400": {"description": "A date is not valid"},
            "401": {"description": "No valid bearer token"},
            "403": {"description": "Managers and admins only"},
        },
    }
}

"""`GET /api/v1/queues/live`: the wall board's figures per queue and for all queues.

Managers and admins see every published queue; an operator sees only the queues they answer
(as `GET /api/v1/queues`), with a summary over those.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, g, jsonify
from pydantic import BaseModel
from spectree import Response as Responses

from desk.board import QueueFigures, board
from hotline.core.api import error_responses, json_errors, require_role, spec
from hotline.core.models import Role
from ivr.operator_service import queues_of

bp = Blueprint("board_api", __name__, url_prefix="/api/v1/queues")
json_errors(bp)


class LiveOut(BaseModel):
    """The domain's own rows (`desk.board`): the API describes exactly their fields."""

    at: datetime
    day: date
    summary: QueueFigures
    queues: list[QueueFigures]


@bp.get("/live")
@require_role(Role.operator, Role.manager)
@spec.validate(resp=Responses(HTTP_200=LiveOut, **error_responses(401, 403)), tags=["queues"])
def live() -> Response:
    """Agents by state, callers waiting, oldest wait, callbacks and today's figures."""
    user = g.api_user
    only = queues_of(user.id) if user.role == Role.operator.value else None
    return jsonify(board(only=only).as_dict())

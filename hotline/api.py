"""The JSON API's shared parts: bearer-token auth with roles, JSON errors, the OpenAPI document.

Features add their own `/api/v1/...` blueprints and describe their paths in `OPENAPI_PATHS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, Unauthorized

from hotline.accounts import user_for_token
from hotline.models import Role

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: OpenAPI path items, filled by the features' API modules when they are imported.
OPENAPI_PATHS: dict[str, Any] = {}


def require_role(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Bearer token required; the user must have one of `roles` (admins may do everything)."""
    allowed = {role.value for role in roles} | {Role.admin.value}

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise Unauthorized("a valid bearer token is required (hotline tokens create NAME)")
            if user.role not in allowed:
                raise Forbidden(f"role {user.role!r} may not do this")
            g.api_user = user
            return view(*args, **kwargs)

        return checked

    return decorate


def json_errors(blueprint: Blueprint) -> None:
    """Errors of `blueprint` as `{"error": ..., "status": ...}` instead of HTML pages."""

    @blueprint.errorhandler(HTTPException)
    def _error(error: HTTPException) -> tuple[Response, int]:
        response = jsonify({"error": error.description, "status": error.code})
        if error.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="hotline"'
        return response, error.code or 500


json_errors(bp)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(
        {
            "openapi": "3.1.0",
            "info": {"title": "Hotline API", "version": "1"},
            "servers": [{"url": "/api/v1"}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "paths": OPENAPI_PATHS,
        }
    )


def page_args(max_per_page: int = 100) -> tuple[int, int]:
    """`page` (from 1) and `per_page` from the query string, validated."""
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", "20"))
    except ValueError:
        raise BadRequest("page and per_page must be integers") from None
    if page < 1 or not 1 <= per_page <= max_per_page:
        raise BadRequest(f"page ≥ 1 and 1 ≤ per_page ≤ {max_per_page}")
    return page, per_page

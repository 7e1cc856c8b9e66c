"""The JSON API's shared parts: bearer-token auth with roles, JSON errors, the OpenAPI document.

Features add their own `/api/v1/...` blueprints; each view declares its query, body and
responses with pydantic models through `spec.validate`, which checks requests and from which
spectree generates `/api/v1/openapi.json` (nothing in it is written by hand). Every error is
`{"error": message, "field": name or null, "status": code}`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from spectree import SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, Unauthorized

from hotline.core.db import db
from hotline.core.models import AuditLog, Role
from hotline.core.nul import MESSAGE as NUL_MESSAGE
from hotline.core.nul import field_with_nul
from hotline.core.service import ServiceError, status_of
from hotline.core.tokens import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ErrorBody(BaseModel):
    error: str
    field: str | None = None
    status: int


def error_responses(*codes: int) -> dict[str, type[ErrorBody]]:
    """`HTTP_<code>=ErrorBody` for spectree's Response(...), for each code a route may answer."""
    return {f"HTTP_{code}": ErrorBody for code in codes}


def _validation_error_body(
    req: Any, resp: Any, error: Exception | None, instance: Any, adapter: Any = None
) -> None:
    """spectree's `before` hook: a request that fails validation gets our error shape."""
    if error is None or resp is None:
        return
    problems = json.loads(resp.get_data())
    first = problems[0] if problems else {}
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__") or None
    message = first.get("msg", "invalid request")
    resp.set_data(
        json.dumps(
            {
                "error": f"{field}: {message}" if field else message,
                "field": field,
                "status": 400,
                "problems": problems,
            }
        )
    )


spec = SpecTree(
    "flask",
    mode="strict",
    title="Hotline API",
    version="1",
    path="api/v1/docs",
    validation_error_status=400,
    before=_validation_error_body,
    security_schemes=[
        SecurityScheme(
            name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")
        )
    ],
    security={"bearer": []},
)


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

        checked.hotline_roles = allowed  # type: ignore[attr-defined] (read by the route audit test)
        return checked

    return decorate


class FieldError(BadRequest):
    """A request the service refused, naming the field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def json_errors(blueprint: Blueprint) -> None:
    """Errors of `blueprint` as `{"error": ..., "field": ..., "status": ...}`, never HTML; a
    change a service refused is answered 400 (403 when the role may not, 404 when it is not
    there, 409 on a conflict);
    text PostgreSQL cannot store (a NUL character) is refused before the view, naming the field."""

    @blueprint.before_request
    def _refuse_nul() -> None:
        field = field_with_nul()
        if field is not None:
            raise FieldError(f"`{field}` {NUL_MESSAGE}", field)

    @blueprint.errorhandler(ServiceError)
    def _refused(error: ServiceError) -> tuple[Response, int]:
        db.session.rollback()  # nothing of a refused change stays in the session
        status = status_of(error)
        return jsonify({"error": str(error), "field": error.field, "status": status}), status

    @blueprint.errorhandler(HTTPException)
    def _error(error: HTTPException) -> tuple[Response, int]:
        if error.response is not None and error.response.mimetype == "application/json":
            return error.response, error.code or 400  # spectree's (reshaped) validation error
        response = jsonify(
            {
                "error": error.description,
                "field": getattr(error, "field", None),
                "status": error.code,
            }
        )
        if error.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="hotline"'
        return response, error.code or 500


json_errors(bp)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of this API, generated by spectree from the views' models."""
    return jsonify(spec.spec)


class AuditQuery(BaseModel):
    action: str | None = Field(None, max_length=80, description="e.g. ticket.unmasked")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class AuditEntry(BaseModel):
    at: str
    actor: str
    action: str
    target: str
    data: dict[str, Any]
    ip: str | None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    total: int


@bp.get("/audit")
@require_role()
@spec.validate(
    query=AuditQuery,
    resp=Responses(HTTP_200=AuditPage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["admin"],
)
def audit_log() -> Response:
    """The audit log, newest first (admins only): logins, unmaskings, operator-line PINs …"""
    args: AuditQuery = request.context.query  # type: ignore[attr-defined]
    query = select(AuditLog)
    if args.action:
        query = query.where(AuditLog.action == args.action)
    found = db.paginate(
        query.order_by(AuditLog.id.desc()),
        page=args.page,
        per_page=args.per_page,
        error_out=False,
    )
    return jsonify(
        {
            "items": [
                {
                    "at": row.at.isoformat(),
                    "actor": row.actor,
                    "action": row.action,
                    "target": row.target,
                    "data": row.data or {},
                    "ip": row.ip,
                }
                for row in found.items
            ],
            "total": found.total,
        }
    )

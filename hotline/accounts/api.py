"""`/api/v1/users`: accounts for admins — list, create, change role / active / phone /
language / password, issue API tokens (partners' and operators'). Every change is audit-logged."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import select

from hotline.accounts import service
from hotline.accounts.service import NewToken, NewUser, UserChange
from hotline.core.api import error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import User

bp = Blueprint("users_api", __name__, url_prefix="/api/v1/users")
json_errors(bp)

ERRORS = error_responses(400, 401, 403, 404)


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    phone: str | None
    language: str
    pin_set: bool


class UserList(BaseModel):
    items: list[UserOut]


class Created(BaseModel):
    user: UserOut
    password: str | None = Field(None, description="the generated password, shown once")


class Changed(UserOut):
    password: str | None = Field(None, description="with reset_password: the new one, shown once")


class TokenOut(BaseModel):
    token: str
    name: str


def user_json(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "phone": user.phone,
        "language": user.language,
        "pin_set": user.pin_hash is not None,
    }


@bp.get("")
@require_role()
@spec.validate(resp=Responses(HTTP_200=UserList, **ERRORS), tags=["users"])
def list_users() -> Response:
    """Every account, by user name."""
    users = db.session.scalars(select(User).order_by(User.username))
    return jsonify({"items": [user_json(u) for u in users]})


@bp.post("")
@require_role()
@spec.validate(json=NewUser, resp=Responses(HTTP_201=Created, **ERRORS), tags=["users"])
def new_user() -> tuple[Response, int]:
    """Create an account; without a password one is generated and returned once."""
    body: NewUser = request.context.json  # type: ignore[attr-defined]
    account = service.create_user(g.api_user, body)
    return jsonify({"user": user_json(account.user), "password": account.password}), 201


@bp.patch("/<username>")
@require_role()
@spec.validate(json=UserChange, resp=Responses(HTTP_200=Changed, **ERRORS), tags=["users"])
def change_user(username: str) -> Response:
    """Change role, disable or enable, phone, language, display name or password."""
    body: UserChange = request.context.json  # type: ignore[attr-defined]
    account = service.change_user(g.api_user, username, body)
    return jsonify({**user_json(account.user), "password": account.password})


@bp.post("/<username>/tokens")
@require_role()
@spec.validate(json=NewToken, resp=Responses(HTTP_201=TokenOut, **ERRORS), tags=["users"])
def new_token(username: str) -> tuple[Response, int]:
    """A bearer token for the user (e.g. a partner hotline), shown once."""
    body: NewToken = request.context.json  # type: ignore[attr-defined]
    issued = service.issue_token(g.api_user, username, body)
    return jsonify({"token": issued.token, "name": body.name}), 201

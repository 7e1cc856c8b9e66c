"""`/api/v1/users`: accounts for admins — list, create, change role / active / phone /
language / password, issue API tokens (partners' and operators'). Every change is audit-logged."""

from __future__ import annotations

import secrets
from typing import Literal

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.security import generate_password_hash

from hotline.accounts.service import AccountError, create_user, issue_token
from hotline.core.api import FieldError, error_responses, json_errors, require_role, spec
from hotline.core.audit import record
from hotline.core.db import db
from hotline.core.models import User

bp = Blueprint("users_api", __name__, url_prefix="/api/v1/users")
json_errors(bp)

ERRORS = error_responses(400, 401, 403, 404)
RoleName = Literal["operator", "admin", "manager", "partner"]


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


class NewUser(BaseModel):
    username: str = Field(pattern=r"^[\w.@-]{1,80}$")
    role: RoleName
    password: str | None = Field(None, min_length=8, max_length=200)
    display_name: str = Field("", max_length=120)
    phone: str | None = Field(None, pattern=r"^\+\d{6,20}$")
    language: Literal["zh-CN", "en-US"] = "zh-CN"


class Created(BaseModel):
    user: UserOut
    password: str | None = Field(None, description="the generated password, shown once")


class UserChange(BaseModel):
    role: RoleName | None = None
    active: bool | None = None
    phone: str | None = Field(None, pattern=r"^\+\d{6,20}$")
    language: Literal["zh-CN", "en-US"] | None = None
    password: str | None = Field(None, min_length=8, max_length=200)
    display_name: str | None = Field(None, max_length=120)


class TokenOut(BaseModel):
    token: str
    name: str


class TokenIn(BaseModel):
    name: str = Field("api", pattern=r"^[\w.-]{1,80}$")


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


def audit(action: str, target: User, **data: object) -> None:
    record(g.api_user, action, f"user:{target.username}", **data)


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username[:80]))
    if user is None:
        raise NotFound(f"no user {username[:80]!r}")
    return user


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
    password = body.password or secrets.token_urlsafe(12)
    try:
        user = create_user(body.username, body.role, password, body.display_name, body.phone)
    except AccountError as exc:
        raise FieldError(str(exc), "username") from None
    user.language = body.language
    audit("user.created", user, role=body.role)
    db.session.commit()
    return jsonify({"user": user_json(user), "password": None if body.password else password}), 201


@bp.patch("/<username>")
@require_role()
@spec.validate(json=UserChange, resp=Responses(HTTP_200=UserOut, **ERRORS), tags=["users"])
def change_user(username: str) -> Response:
    """Change role, disable or enable, phone, language, display name or password."""
    body: UserChange = request.context.json  # type: ignore[attr-defined]
    user = _user(username)
    changes = body.model_dump(exclude_unset=True)
    if user.id == g.api_user.id and (
        changes.get("active") is False or changes.get("role", "admin") != "admin"
    ):
        raise FieldError("you cannot disable yourself or take away your own admin role", "role")
    for name, value in changes.items():
        if name == "password":
            user.password_hash = generate_password_hash(value)
        else:
            setattr(user, name, value)
    audit(
        "user.changed", user, **{k: (v if k != "password" else "***") for k, v in changes.items()}
    )
    db.session.commit()
    return jsonify(user_json(user))


@bp.post("/<username>/tokens")
@require_role()
@spec.validate(json=TokenIn, resp=Responses(HTTP_201=TokenOut, **ERRORS), tags=["users"])
def new_token(username: str) -> tuple[Response, int]:
    """A bearer token for the user (e.g. a partner hotline), shown once."""
    body: TokenIn = request.context.json  # type: ignore[attr-defined]
    user = _user(username)
    try:
        issued = issue_token(user.username, body.name)
    except AccountError as exc:
        raise FieldError(str(exc), "username") from None
    audit("user.token", user, name=body.name, prefix=issued.record.prefix)
    db.session.commit()
    return jsonify({"token": issued.token, "name": body.name}), 201

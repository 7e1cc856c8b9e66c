"""Users, roles and API tokens: creating them (checking a bearer token is the core's)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.core.db import db
from hotline.core.models import ApiToken, Role, User
from hotline.core.tokens import TOKEN_PREFIX, token_hash


class AccountError(ValueError):
    """A user or token request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def create_user(
    username: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    phone: str | None = None,
) -> User:
    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("a user name is 1 to 80 characters")
    if role not in Role.__members__:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(Role.__members__)}")
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name or username,
        phone=phone,
        password_hash=generate_password_hash(password) if password else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def issue_token(username: str, name: str = "api") -> IssuedToken:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AccountError(f"no active user {username!r}; create it with `hotline users create`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, name=name, token_hash=token_hash(token), prefix=token[:10])
    db.session.add(record)
    db.session.commit()
    return IssuedToken(token=token, record=record)

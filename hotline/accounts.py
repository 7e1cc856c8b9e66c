"""Users, roles and API tokens: creating them and checking a bearer token."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.db import db, utcnow
from hotline.models import ApiToken, Role, User

TOKEN_PREFIX = "hl_"  # noqa: S105 (a visible prefix that marks our tokens, not a secret)


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


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(username: str, name: str = "api") -> IssuedToken:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AccountError(f"no active user {username!r}; create it with `hotline users create`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, name=name, token_hash=_hash(token), prefix=token[:10])
    db.session.add(record)
    db.session.commit()
    return IssuedToken(token=token, record=record)


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None; notes when the token was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked_at.is_(None))
    )
    if record is None or not record.user.active:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user

"""Accounts as a test's starting point, made directly as rows: only the change a test makes
through a page, the API or the CLI is in the audit log (the use cases themselves are
`hotline.accounts.service`'s, and are tested through those)."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from hotline.core.db import db
from hotline.core.models import User
from hotline.core.tokens import new_token


def create_user(
    username: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    phone: str | None = None,
    language: str = "zh-CN",
) -> User:
    """A committed user (inside the test's app context)."""
    user = User(
        username=username,
        role=role,
        display_name=display_name or username,
        phone=phone,
        language=language,
        password_hash=generate_password_hash(password) if password else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def issue_token(username: str, name: str = "api") -> str:
    """A committed bearer token for the user; the plain token."""
    user = db.session.query(User).filter_by(username=username).one()
    token, _ = new_token(user, name)
    db.session.commit()
    return token

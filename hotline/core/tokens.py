"""Bearer tokens: how a token is recognised and which user it belongs to (stored hashed)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from hotline.core.db import db, utcnow
from hotline.core.models import ApiToken, User

TOKEN_PREFIX = "hl_"  # noqa: S105 (a visible prefix that marks our tokens, not a secret)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user: User, name: str) -> tuple[str, ApiToken]:
    """(the plain token, its row) for `user`, added to the session; only the hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=token_hash(token), prefix=token[:10])
    db.session.add(row)
    return token, row


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None; notes when the token was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if record is None or not record.user.active:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user

"""Bearer tokens: how a token is recognised and which user it belongs to (stored hashed)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from hotline.core.db import db, utcnow
from hotline.core.models import ApiToken, User

TOKEN_PREFIX = "hl_"  # noqa: S105 (a visible prefix that marks our tokens, not a secret)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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

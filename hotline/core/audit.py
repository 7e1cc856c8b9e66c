"""The audit log: who changed what, from where. One helper for the web pages, the API and the
CLI (where there is no request, the address is empty)."""

from __future__ import annotations

from typing import Any, Protocol

from flask import has_request_context, request

from hotline.core.db import db
from hotline.core.models import AuditLog


class Actor(Protocol):
    id: int
    username: str


def record(actor: Actor | None, action: str, target: str = "", /, **data: Any) -> None:
    """Add an entry to the session; the caller commits it with its own change."""
    db.session.add(
        AuditLog(
            actor_id=actor.id if actor else None,
            actor=actor.username if actor else "cli",
            action=action,
            target=target,
            data=data,
            ip=request.remote_addr if has_request_context() else None,
        )
    )

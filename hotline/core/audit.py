"""The audit log: who changed what, from where. The one helper every service, page and webhook
writes it with (where there is no request, the address is empty)."""

from __future__ import annotations

from typing import Any, Protocol

from flask import has_request_context, request

from hotline.core.db import db
from hotline.core.models import AuditLog

#: Who the command line acts as.
CLI_ACTOR = "cli"


class Actor(Protocol):
    id: int
    username: str


def actor_name(actor: Actor | str | None) -> str:
    """The name an actor is logged (and a ticket's events are signed) with."""
    if actor is None:
        return CLI_ACTOR
    return actor if isinstance(actor, str) else actor.username


def record(actor: Actor | str | None, action: str, target: str = "", /, **data: Any) -> None:
    """Add an entry to the session; the caller commits it with its own change.

    `actor` is a user, None for the command line ("cli"), or a bare name for someone who is
    not a user (a failed login's user name, an unknown caller)."""
    db.session.add(
        AuditLog(
            actor_id=None if actor is None or isinstance(actor, str) else actor.id,
            actor=actor_name(actor),
            action=action,
            target=target,
            data=data,
            ip=request.remote_addr if has_request_context() else None,
        )
    )

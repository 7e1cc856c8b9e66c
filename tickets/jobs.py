"""Tickets' RQ jobs: thin, they take ids, push the app context and call one service.

Exceptions propagate on purpose, so that RQ's `Retry` and its failed-job registry see them.
"""

from __future__ import annotations

from hotline.core.jobs import app_context


def overdue_digest() -> str:
    """Periodic (daily): write the overdue digest; returns its path."""
    from tickets.digest import overdue_digest as write

    with app_context():
        return str(write()[0])


def notify_partner(ticket_id: int) -> bool:
    """Post a resolved transfer's outcome to the partner hotline (retried by RQ on failure)."""
    from tickets.transfers import notify_partner as notify

    with app_context():
        return notify(ticket_id)


def send_ticket_sms(ticket_id: int, kind: str, pin: str | None) -> str | None:
    """Text the caller that their ticket was opened or resolved."""
    from tickets.transfers import send_sms

    with app_context():
        return send_sms(ticket_id, kind, pin)


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC = [(overdue_digest, 86400)]

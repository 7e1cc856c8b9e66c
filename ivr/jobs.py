"""The IVR's RQ jobs: thin, they push the app context and call one service."""

from __future__ import annotations

from hotline.core.jobs import app_context


def dispatch_callbacks(queue: str | None = None) -> int:
    """Place the queued callbacks whose turn has come (one queue, or all); returns how many."""
    from ivr.callbacks import dispatch

    with app_context():
        return len(dispatch([queue] if queue else None))


def close_expired_wrap_ups() -> int:
    """Close the operators' wrap-ups whose time ran out (at their due time); how many."""
    from hotline.core import clock
    from hotline.core.db import db
    from ivr.queueing import expire_wrap_ups

    with app_context():
        closed = expire_wrap_ups(clock.now())
        db.session.commit()
        return closed


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC = [(dispatch_callbacks, 30), (close_expired_wrap_ups, 60)]

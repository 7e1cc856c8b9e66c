"""Thin RQ jobs: each takes ids, runs inside the process's app context and calls one service.

Exceptions propagate on purpose, so that RQ's `Retry` and its failed-job registry see them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from hotline.db import db
from workers.context import job_app

_pid_of_engine: int | None = None


@contextmanager
def app_context() -> Iterator[None]:
    """Push the process's app context; after a fork, drop the parent's pooled connections."""
    global _pid_of_engine
    app = job_app()
    with app.app_context():
        if _pid_of_engine != os.getpid():
            db.engine.dispose(close=False)
            _pid_of_engine = os.getpid()
        try:
            yield
        finally:
            db.session.remove()


def echo(value: str) -> str:
    """Return the argument: proves a queue and a worker are wired together (health, tests)."""
    return value


#: Periodic jobs for the scheduler: (function, interval in seconds). Features append theirs.
PERIODIC_JOBS: list[tuple[object, int]] = []

"""The app a job runs in, and the context a thin job pushes around its service call.

The composition root hands the app over (`use_app`): the worker entry point builds it before
the first job, the web app hands itself over in embedded mode, tests hand over theirs. A job
module (`<feature>/jobs.py`) then needs nothing above the core.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from hotline.core.db import db

_app: Flask | None = None


def use_app(app: Flask) -> None:
    """Jobs in this process run inside `app` (the worker entry point or the embedded worker)."""
    global _app
    _app = app


def job_app() -> Flask:
    """The app handed over by the process's entry point."""
    if _app is None:
        raise RuntimeError(
            "no app for jobs in this process: jobs run in `hotline worker` (or the embedded "
            "worker), which hands its app over with use_app()"
        )
    return _app


@contextmanager
def app_context() -> Iterator[None]:
    """Push the process's app context; the job's session is closed when it ends."""
    with job_app().app_context():
        try:
            yield
        finally:
            db.session.remove()

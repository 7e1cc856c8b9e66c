"""The app a job runs in: built once per worker process, or the web app in embedded mode."""

from __future__ import annotations

import threading

from flask import Flask

_lock = threading.Lock()
_app: Flask | None = None


def use_app(app: Flask) -> None:
    """Jobs in this process run inside `app` (the worker entry point or the embedded worker)."""
    global _app
    _app = app


def job_app() -> Flask:
    """The process's app, created on first use when nothing set it."""
    global _app
    with _lock:
        if _app is None:
            from hotline.app import create_app

            _app = create_app(test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
        return _app

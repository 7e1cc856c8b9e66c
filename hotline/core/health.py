"""`/healthz`: whether the database and the job queue answer, as JSON for load balancers."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hotline.core.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Report database and queue reachability; 503 when either is down."""
    database = _check_database()
    job_queues = current_app.extensions["hotline.queues"]
    queue = {"ok": job_queues.ping(), "backend": "embedded" if job_queues.embedded else "redis"}
    ok = database["ok"] and queue["ok"]
    body = {"status": "ok" if ok else "degraded", "database": database, "queue": queue}
    return jsonify(body), 200 if ok else 503


def _check_database() -> dict[str, object]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__, "dialect": db.engine.dialect.name}
    return {"ok": True, "dialect": db.engine.dialect.name}

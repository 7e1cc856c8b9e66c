"""Twilio's recording status callback: a thin handler over `voicemail.callbacks`."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from hotline.core.db import db
from hotline.core.queues import REDIS_ERRORS
from hotline.core.twilio_signature import twilio_signed
from ivr.calls import BadParameters
from voicemail.callbacks import receive_recording
from voicemail.reconcile import stash_callback

log = logging.getLogger(__name__)

bp = Blueprint("voicemail", __name__, url_prefix="/twilio")


@bp.errorhandler(Exception)
def _plain_error(error: Exception) -> Response:
    """An unexpected failure answers a short text 500 (Twilio logs it), never an HTML page."""
    if isinstance(error, HTTPException):
        return error  # type: ignore[return-value]
    db.session.rollback()
    log.exception("recording callback failed", exc_info=error)
    return Response("internal error", status=500, mimetype="text/plain")


@bp.post("/recording")
@twilio_signed
def recording_status() -> Response:
    """Create the voicemail once and enqueue it; answer 204 at once."""
    language = request.args.get("lang")
    try:
        receive_recording(request.form, language)
    except BadParameters as exc:
        log.warning("recording callback refused: %s", exc)
        return Response(str(exc), status=400, mimetype="text/plain")
    except SQLAlchemyError as exc:
        # The database is down: keep the callback in Redis; the reconciler replays it.
        db.session.rollback()
        try:
            stash_callback(
                current_app.extensions["hotline.queues"], request.form.to_dict(), language
            )
        except REDIS_ERRORS:
            log.critical(
                "recording %s: database and Redis both down; Twilio must retry",
                request.form.get("RecordingSid", "?")[:40],
            )
            return Response("temporarily unavailable", status=503, mimetype="text/plain")
        log.error(
            "recording %s stashed in Redis while the database is down: %s",
            request.form.get("RecordingSid", "?")[:40],
            type(exc).__name__,
        )
    return Response(status=204)

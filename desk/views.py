"""Twilio's recording status callback for the operators' recorded Dials: a thin handler over
`desk.recordings`, signature-checked like every Twilio route."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from desk.recordings import receive
from hotline.core.db import db
from hotline.core.twilio_signature import twilio_signed
from ivr.calls import BadParameters

log = logging.getLogger(__name__)

bp = Blueprint("desk_twilio", __name__, url_prefix="/twilio/desk")


@bp.errorhandler(Exception)
def _plain_error(error: Exception) -> Response:
    """An unexpected failure answers a short text 500 (Twilio logs it), never an HTML page."""
    if isinstance(error, HTTPException):
        return error  # type: ignore[return-value]
    db.session.rollback()
    log.exception("call recording callback failed", exc_info=error)
    return Response("internal error", status=500, mimetype="text/plain")


@bp.post("/recording")
@twilio_signed
def recording_status() -> Response:
    """Store the recorded conversation once and enqueue its fetch; empty TwiML at once."""
    try:
        receive(request.form)
    except BadParameters as exc:
        log.warning("call recording callback refused: %s", exc)
        return Response(str(exc), status=400, mimetype="text/plain")
    return Response(str(VoiceResponse()), mimetype="text/xml")

"""Twilio's voice webhooks: thin handlers that check the signature, call a service, return TwiML."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from hotline.db import db
from hotline.twilio_signature import twilio_signed
from ivr import calls
from ivr.twiml import apology_and_hangup, twiml_response

log = logging.getLogger(__name__)

bp = Blueprint("twilio", __name__, url_prefix="/twilio")


@bp.errorhandler(Exception)
def _safe_twiml(error: Exception) -> Response | HTTPException:
    """Any failure inside a voice webhook still answers valid TwiML, never a 500 page."""
    if isinstance(error, HTTPException) and error.code in (403, 405):
        return error
    db.session.rollback()
    log.exception("webhook %s failed; answered with the apology", request.path, exc_info=error)
    return twiml_response(apology_and_hangup())


@bp.post("/voice")
@twilio_signed
def voice() -> Response:
    """First webhook of an inbound call: record the call and greet the caller."""
    calls.find_or_create_call(request.form)
    response = VoiceResponse()
    response.say("您好，这里是12315消费者投诉举报热线。", language="zh-CN")
    response.say("Welcome to the consumer complaint hotline.", language="en-US")
    return twiml_response(response)


@bp.post("/status")
@twilio_signed
def status() -> Response:
    """Twilio's call status callback: store the call's status."""
    try:
        calls.record_status(request.form)
    except calls.BadParameters as exc:
        log.warning("status callback refused: %s", exc)
        return Response(str(exc), status=400, mimetype="text/plain")
    return Response(status=204)


@bp.post("/fallback")
@twilio_signed
def fallback() -> Response:
    """Twilio's fallback URL: log the error Twilio saw and apologise; never fails."""
    log.error(
        "Twilio fallback for call %s: ErrorCode=%s ErrorUrl=%s",
        request.form.get("CallSid", "?")[:64],
        request.form.get("ErrorCode", "?")[:16],
        request.form.get("ErrorUrl", "?")[:300],
    )
    return twiml_response(apology_and_hangup())

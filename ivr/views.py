"""Twilio's voice webhooks: thin handlers that check the signature, call a service, return TwiML."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from hotline.db import db
from hotline.twilio_signature import twilio_signed
from ivr import calls, service
from ivr.twiml import apology_with_voicemail, thanks_and_hangup, twiml_response

log = logging.getLogger(__name__)

bp = Blueprint("twilio", __name__, url_prefix="/twilio")


@bp.errorhandler(Exception)
def _safe_twiml(error: Exception) -> Response | HTTPException:
    """Any failure inside a voice webhook still answers valid TwiML, never a 500 page."""
    if isinstance(error, HTTPException) and error.code in (403, 404, 405):
        return error
    db.session.rollback()
    log.exception("webhook %s failed; answered with the apology", request.path, exc_info=error)
    return twiml_response(apology_with_voicemail())


@bp.post("/voice")
@twilio_signed
def voice() -> Response:
    """First webhook of an inbound call: pin the published menu and render its start node."""
    return twiml_response(service.start_call(request.form))


@bp.post("/ivr/<int:version>/<node_id>")
@bp.post("/ivr/<int:version>/<node_id>/<any(input, 'dial-done', 'queue-done', recorded):action>")
@twilio_signed
def step(version: int, node_id: str, action: str = "enter") -> Response:
    """A later step of a call on the menu version it started on."""
    return twiml_response(
        service.continue_call(version, node_id[:64], action, request.form, request.args)
    )


@bp.post("/recorded")
@twilio_signed
def recorded() -> Response:
    """After a message left through the apology's voicemail offer: thank and hang up."""
    return twiml_response(thanks_and_hangup())


@bp.post("/queue/wait")
@twilio_signed
def queue_wait() -> Response:
    """Enqueue's wait URL: what a caller hears while waiting for an operator."""
    return twiml_response(service.hold_music(request.args))


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
    return twiml_response(apology_with_voicemail())

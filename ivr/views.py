"""Twilio's voice webhooks: thin handlers that check the signature, call a service, return TwiML."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from hotline.core.db import db
from hotline.core.twilio_signature import twilio_signed
from ivr import callbacks, calls, operators, service
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
    """A plain hold message (the wait URL of calls enqueued before queue announcements)."""
    return twiml_response(service.hold_music(request.args))


@bp.post("/queue/<int:version>/<node_id>/<any(wait, choice):action>")
@twilio_signed
def on_hold(version: int, node_id: str, action: str) -> Response:
    """Enqueue's wait URL and the key pressed on hold: position, estimate, voicemail, callback."""
    return twiml_response(
        service.on_hold(version, node_id[:64], action, request.form, request.args)
    )


# -- callbacks ---------------------------------------------------------------------------------


@bp.post("/callbacks/<int:callback_id>/answer")
@twilio_signed
def callback_answer(callback_id: int) -> Response:
    """The caller we called back answered: announce the hotline, enqueue them first."""
    return twiml_response(service.callback_answered(callback_id, request.form))


@bp.post("/callbacks/<int:callback_id>/status")
@twilio_signed
def callback_status(callback_id: int) -> Response:
    """Final status of a placed callback: retry, or after the last try a draft ticket."""
    queue = callbacks.status(callback_id, request.form)
    if queue:
        callbacks.request_dispatch([queue])
    return Response(status=204)


# -- the operator line -------------------------------------------------------------------------


@bp.post("/operator")
@twilio_signed
def operator_line() -> Response:
    """Voice URL of the operator line: identify the operator by caller ID, ask for the PIN."""
    return twiml_response(operators.greet(request.form))


@bp.post("/operator/pin")
@twilio_signed
def operator_pin() -> Response:
    attempt = request.args.get("attempt", "1")
    return twiml_response(
        operators.check_pin(request.form, int(attempt) if attempt in ("1", "2", "3") else 3)
    )


@bp.post("/operator/next")
@twilio_signed
def operator_next() -> Response:
    return twiml_response(operators.next_caller(request.form))


@bp.post("/operator/after")
@twilio_signed
def operator_after() -> Response:
    """The operator's Dial action: the call with a caller ended, or nobody came."""
    return twiml_response(operators.after_dial(request.form))


@bp.post("/operator/menu")
@twilio_signed
def operator_menu() -> Response:
    return twiml_response(operators.menu_choice(request.form))


@bp.post("/operator/connected")
@twilio_signed
def operator_connected() -> Response:
    """The Queue `url`: played to the caller as an operator takes them (Say/Play/Pause only)."""
    try:
        return twiml_response(operators.connected(request.form))
    except Exception:
        db.session.rollback()
        log.exception("recording the bridge of %s failed", request.form.get("CallSid", "?")[:64])
        return twiml_response(service.connecting_message())


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

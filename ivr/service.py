"""The IVR's service functions: start a call on the published menu, continue it on its own.

Web handlers call these and nothing else. Every failure inside becomes safe TwiML here or in
the blueprint's error handler; a caller never hears silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline.core import clock
from hotline.core.db import db
from ivr import callbacks, calls, engine, hold
from ivr.calls import CallRef
from ivr.menu import MenuDocument
from ivr.models import Callback, MenuVersion
from ivr.phrases import phrase, status_word
from ivr.twiml import apology_with_voicemail
from ivr.versions import pinned_document
from tickets.lookup import status_for_caller

log = logging.getLogger(__name__)


def _lookup_text(language: str) -> Callable[[str, str, str | None], str | None]:
    def lookup(digits: str, caller: str, pin: str | None) -> str | None:
        found = status_for_caller(digits, caller, pin)
        if found is None:
            return None
        number, state = found
        return phrase("lookup_status", language, number=number, status=status_word(state, language))

    return lookup


def _step(
    number: int, doc: MenuDocument, call: CallRef, language: str | None, params: Mapping[str, str]
) -> engine.Step:
    if language not in doc.languages:
        language = call.language if call.language in doc.languages else doc.default_language
    return engine.Step(
        doc=doc,
        version=number,
        call=call,
        language=language,
        params=params,
        now=clock.now,
        lookup=_lookup_text(language),
    )


def start_call(params: Mapping[str, str]) -> VoiceResponse:
    """First webhook of a call: pin it to the published menu and render the start node."""
    call = calls.find_or_create_call(params)
    if call.menu_version_id is not None:  # Twilio retried the first webhook: keep its version
        number = db.session.scalar(
            select(MenuVersion.number).where(MenuVersion.id == call.menu_version_id)
        )
    else:
        number = db.session.scalar(
            select(MenuVersion.number).where(MenuVersion.status == "published")
        )
    pinned = pinned_document(number) if number is not None else None
    if pinned is None:
        log.error("call %s: no published menu; answered with the apology", call.call_sid)
        db.session.commit()
        return apology_with_voicemail()
    version_id, doc = pinned
    if call.menu_version_id != version_id:
        call.update(menu_version_id=version_id)
    step = _step(number, doc, call, call.language, params)
    response = step.enter(doc.start)
    db.session.commit()
    return response


def continue_call(
    number: int, node_id: str, action: str, params: Mapping[str, str], query: Mapping[str, str]
) -> VoiceResponse:
    """Any later webhook of a call, on the version in its URL (the one it started on)."""
    call = calls.find_or_create_call(params)
    pinned = pinned_document(number)
    stale = pinned is None
    if stale:
        current = db.session.scalar(
            select(MenuVersion.number).where(MenuVersion.status == "published")
        )
        pinned = pinned_document(current) if current is not None else None
        if pinned is None:
            db.session.commit()
            return apology_with_voicemail()
        log.warning(
            "call %s asked for menu version %s; back to the start of version %s",
            call.call_sid,
            number,
            current,
        )
        number = current
    _, doc = pinned
    step = _step(number, doc, call, query.get("lang"), params)
    step.query = query
    try:
        if stale:
            raise engine.UnknownNode(node_id)
        response = _act(step, node_id, action, _attempt(query.get("attempt")))
    except engine.UnknownNode:
        log.warning("call %s: unknown node %r on version %s", call.call_sid, node_id[:64], number)
        step.response = VoiceResponse()
        step.say_phrase("back_to_menu")
        response = step.enter(doc.start)
    db.session.commit()
    if step.queues_changed:
        callbacks.request_dispatch(step.queues_changed)
    return response


def on_hold(
    number: int, node_id: str, action: str, params: Mapping[str, str], query: Mapping[str, str]
) -> VoiceResponse:
    """Enqueue's wait URL (`wait`) and the key pressed on hold (`choice`).

    Whatever goes wrong, the answer is wait-URL TwiML (the hold message), never a menu: Twilio
    refuses other verbs while the caller is in a queue.
    """
    try:
        call = calls.find_or_create_call(params)
        pinned = pinned_document(number)
        if pinned is None:
            raise engine.UnknownNode(f"version {number}")
        step = _step(number, pinned[1], call, query.get("lang"), params)
        response = hold.choice(step, node_id) if action == "choice" else hold.wait(step, node_id)
        db.session.commit()
        return response
    except Exception:
        db.session.rollback()
        log.exception("wait URL of %s/%s failed; answered with the hold message", number, node_id)
        return hold_music(query)


def callback_answered(callback_id: int, params: Mapping[str, str]) -> VoiceResponse:
    """The caller we called back picked up: announce the hotline, put them first in line."""
    callback = db.session.get(Callback, callback_id)
    if callback is None or callback.last_call_sid != params.get("CallSid"):
        log.warning("answer webhook for unknown callback %s (or an earlier try)", callback_id)
        response = VoiceResponse()
        response.hangup()
        return response
    call = calls.find_or_create_call(params, line="callback")
    if call.language != callback.language:
        call.update(language=callback.language)
    pinned = pinned_document(callback.menu_version)
    if pinned is None:
        raise engine.UnknownNode(f"version {callback.menu_version}")
    step = _step(callback.menu_version, pinned[1], call, callback.language, params)
    response = callbacks.answered(step, callback)
    db.session.commit()
    return response


def _act(step: engine.Step, node_id: str, action: str, attempt: int) -> VoiceResponse:
    if action == "input":
        return step.handle_input(node_id, attempt)
    if action == "dial-done":
        return engine.dial_done(step, node_id)
    if action == "queue-done":
        return engine.queue_done(step, node_id)
    if action == "recorded":
        return engine.recorded(step, node_id)
    return step.enter(node_id, attempt=attempt)


def _attempt(raw: str | None) -> int:
    return min(int(raw), 9) if raw and raw.isdigit() and len(raw) <= 2 and int(raw) >= 1 else 1


def hold_music(query: Mapping[str, str]) -> VoiceResponse:
    """A plain hold message: the wait URL's answer when nothing better can be said."""
    language = query.get("lang") or "zh-CN"
    response = VoiceResponse()
    response.say(phrase("hold", language), language=language)
    response.pause(length=20)
    return response


def connecting_message() -> VoiceResponse:
    """What a caller hears as an operator takes them, when nothing about the call is known."""
    response = VoiceResponse()
    response.say(phrase("operator_connecting", "zh-CN"), language="zh-CN")
    return response

"""The operator line: operators call in, identify by caller ID and PIN, and take queued callers.

`POST /twilio/operator` (the operator number's Voice URL) → PIN (`/pin`, three tries; each
wrong PIN is audit-logged, `PIN_LOCK` wrong ones in a row lock the PIN until an admin resets
it) → `connect`: `<Dial><Queue url>` on the operator's queue with a caller waiting the longest
(called-back callers first), after a briefing on that caller's language and path through the
menu; a queue with `record_calls` has the Dial record the conversation. The Queue `url` runs
on the caller's side before the bridge (Twilio's rule): it tells the caller they are being
connected and records the bridge (operator, wait). After each call the
operator may press 1 for the next caller, 2 to become unavailable, 9 to log out; an
unavailable operator is never connected and does not count as logged in for the queues.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import requests
from flask import current_app
from sqlalchemy import select, update
from twilio.base.exceptions import TwilioException
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.security import check_password_hash

from hotline.core import clock
from hotline.core.audit import record
from hotline.core.db import db
from hotline.core.models import Role, User
from hotline.core.twilio_rest import rest_client
from ivr import calls, queueing
from ivr.menu import MenuDocument
from ivr.models import Call, CallStep, OperatorSession, QueueVisit
from ivr.operator_service import PIN_FORMAT, queues_of
from ivr.phrases import briefing, language_name, phrase
from ivr.presence import current_visit
from ivr.versions import pinned_document, published_document

log = logging.getLogger(__name__)

PIN_ATTEMPTS = 3  # wrong PINs in one call before the call ends
PIN_LOCK = 10  # wrong PINs in a row (over any calls) that lock the PIN until it is reset
DIAL_TIMEOUT = 600  # Twilio's longest Dial: an idle operator hears the menu this often
#: While after-call work runs, the line asks again this often whether it has ended (on the
#: desk, or by its time running out), so the next caller follows within these seconds.
WRAP_UP_POLL = 5
ANSWERING_ROLES = (Role.operator.value, Role.admin.value)
#: Where Twilio reports a recorded conversation (the desk's route; ivr does not import desk).
RECORDING_CALLBACK = "/twilio/desk/recording"


# -- accounts ----------------------------------------------------------------------------------


def operator_for(number: str) -> User | None:
    """The active operator whose registered phone is this caller ID."""
    if not number:
        return None
    return db.session.scalar(
        select(User).where(
            User.phone == number, User.active.is_(True), User.role.in_(ANSWERING_ROLES)
        )
    )


def line_ended(call_sid: str, now: datetime) -> None:
    """The operator's call ended: they are logged out."""
    db.session.execute(
        update(OperatorSession)
        .where(OperatorSession.call_sid == call_sid, OperatorSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def _audit(user: User | None, action: str, params: Mapping[str, str], **data: object) -> None:
    record(
        user or "unknown caller",
        action,
        f"user:{user.id}" if user else params.get("From", "")[:32],
        call_sid=params.get("CallSid", "")[:64],
        **{"from": params.get("From", "")[:32]},
        **data,
    )


# -- the line ----------------------------------------------------------------------------------


def _say(response: VoiceResponse, language: str, key: str, **values: str) -> None:
    response.say(phrase(key, language, **values), language=language)


def greet(params: Mapping[str, str]) -> VoiceResponse:
    """First webhook of the operator line: a known caller ID is asked for the PIN."""
    response = VoiceResponse()
    calls.find_or_create_call(params, line="operator")
    user = operator_for(params.get("From", ""))
    if user is None or user.pin_hash is None:
        log.warning("operator line: caller %s is not a registered operator", params.get("From"))
        _audit(None, "operator_line.unknown_caller", params)
        db.session.commit()
        _say(response, "zh-CN", "operator_unknown")
        _say(response, "en-US", "operator_unknown")
        response.hangup()
        return response
    db.session.commit()
    return _ask_pin(response, user.language, attempt=1)


def _ask_pin(response: VoiceResponse, language: str, attempt: int) -> VoiceResponse:
    gather = response.gather(
        action=f"/twilio/operator/pin?attempt={attempt}",
        method="POST",
        finish_on_key="#",
        timeout=10,
        action_on_empty_result=True,
    )
    gather.say(phrase("operator_pin", language), language=language)
    return response


def check_pin(params: Mapping[str, str], attempt: int) -> VoiceResponse:
    """The PIN keyed in: the right one logs the operator in and connects them."""
    response = VoiceResponse()
    user = operator_for(params.get("From", ""))
    if user is None or user.pin_hash is None:
        _say(response, "zh-CN", "operator_unknown")
        response.hangup()
        return response
    language = user.language
    pin = params.get("Digits", "")
    locked = user.pin_failures >= PIN_LOCK
    if not locked and PIN_FORMAT.match(pin) and check_password_hash(user.pin_hash, pin):
        user.pin_failures = 0
        session = OperatorSession(
            user_id=user.id,
            call_sid=params["CallSid"],
            started_at=clock.now(),
            last_seen_at=clock.now(),
        )
        db.session.add(session)
        _audit(user, "operator_line.login", params)
        db.session.commit()
        log.info("operator %s logged in on the operator line", user.username)
        _request_dispatch(user)
        _say(response, language, "operator_welcome", name=user.display_name or user.username)
        return _connect(response, user, session)
    user.pin_failures += 1
    _audit(user, "operator_line.pin_failed", params, attempt=attempt, locked=locked)
    db.session.commit()
    log.warning("operator line: wrong PIN %s/%s for %s", attempt, PIN_ATTEMPTS, user.username)
    if attempt >= PIN_ATTEMPTS or locked:
        _audit(user, "operator_line.refused", params, attempts=attempt, locked=locked)
        db.session.commit()
        _say(response, language, "operator_pin_refused")
        response.hangup()
        return response
    _say(response, language, "operator_pin_wrong")
    return _ask_pin(response, language, attempt + 1)


def _session(params: Mapping[str, str]) -> tuple[OperatorSession, User] | None:
    session = db.session.scalar(
        select(OperatorSession).where(
            OperatorSession.call_sid == params.get("CallSid", ""),
            OperatorSession.ended_at.is_(None),
        )
    )
    if session is None:
        return None
    user = db.session.get(User, session.user_id)
    if user is None or not user.active:
        return None
    session.last_seen_at = clock.now()
    return session, user


def _logged_out() -> VoiceResponse:
    response = VoiceResponse()
    _say(response, "zh-CN", "operator_logged_out")
    _say(response, "en-US", "operator_logged_out")
    response.hangup()
    return response


def next_caller(params: Mapping[str, str]) -> VoiceResponse:
    """Connect a logged-in operator to their queues again (after the menu timed out)."""
    found = _session(params)
    if found is None:
        return _logged_out()
    response = _connect(VoiceResponse(), found[1], found[0])
    db.session.commit()
    return response


def after_dial(params: Mapping[str, str]) -> VoiceResponse:
    """The operator's Dial ended (the caller hung up, or nobody came): the operator's menu."""
    found = _session(params)
    if found is None:
        return _logged_out()
    session, user = found
    db.session.commit()
    return _menu(VoiceResponse(), user, session)


def menu_choice(params: Mapping[str, str]) -> VoiceResponse:
    """A key in the operator menu: 1 next caller (and available), 2 unavailable, 9 log out."""
    found = _session(params)
    if found is None:
        return _logged_out()
    session, user = found
    key = params.get("Digits", "")
    response = VoiceResponse()
    if key == "9":
        session.ended_at = clock.now()
        _audit(user, "operator_line.logout", params)
        db.session.commit()
        _say(response, user.language, "operator_goodbye")
        response.hangup()
        return response
    if key == "1":
        wrap_up = _running_wrap_up(user)
        if wrap_up is not None and queueing.end_wrap_up(wrap_up, clock.now()):
            _audit(user, "operator_line.wrap_up_ended", params, visit=wrap_up.id)
            db.session.commit()
    if key == "1" and not session.available:
        session.available = True
        _audit(user, "operator_line.available", params)
        db.session.commit()
        _request_dispatch(user)
    elif key == "2" and session.available:
        session.available = False
        _audit(user, "operator_line.unavailable", params)
        db.session.commit()
        return _menu(response, user, session)
    response = _connect(response, user, session)
    db.session.commit()
    return response


def _menu(response: VoiceResponse, user: User, session: OperatorSession) -> VoiceResponse:
    gather = response.gather(
        num_digits=1,
        action="/twilio/operator/menu",
        method="POST",
        timeout=8,
        action_on_empty_result=True,
    )
    if session.available and _running_wrap_up(user) is not None:
        key = "operator_wrap_up"
    else:
        key = "operator_menu" if session.available else "operator_unavailable"
    gather.say(phrase(key, user.language), language=user.language)
    return response


def _running_wrap_up(user: User) -> QueueVisit | None:
    visit = current_visit(user.id, clock.now())
    return visit if visit is not None and visit.left_at is not None else None


def _wrap_up_wait(response: VoiceResponse, visit: QueueVisit) -> VoiceResponse:
    """Silence while the after-call work runs; a key (1 next caller, 2 break, 9 log out) ends
    it, and the line looks again after WRAP_UP_POLL seconds (or when its time is up)."""
    left = int((visit.wrapup_due_at - clock.now()).total_seconds()) if visit.wrapup_due_at else 0
    gather = response.gather(
        num_digits=1,
        action="/twilio/operator/menu",
        method="POST",
        timeout=max(1, min(WRAP_UP_POLL, left)),
        action_on_empty_result=True,
    )
    gather.pause(length=1)
    return response


def _connect(response: VoiceResponse, user: User, session: OperatorSession) -> VoiceResponse:
    """Dial the operator's queue with the longest-waiting caller, after a briefing on them;
    not before their after-call work has ended."""
    if not session.available:
        return _menu(response, user, session)
    queueing.expire_wrap_ups(clock.now(), operator_id=user.id)
    wrap_up = _running_wrap_up(user)
    if wrap_up is not None:
        return _wrap_up_wait(response, wrap_up)
    names = queues_of(user.id)
    if not names:
        _say(response, user.language, "operator_no_queues")
        response.hangup()
        return response
    queue, callback = _pick_queue(names)
    briefing = _briefing(queue, callback, user.language)
    if briefing:
        response.say(briefing, language=user.language)
    dial = response.dial(
        action="/twilio/operator/after",
        method="POST",
        timeout=DIAL_TIMEOUT,
        **_recording(queue, callback),
    )
    dial.queue(
        queueing.twilio_queue_name(queue, callback), url="/twilio/operator/connected", method="POST"
    )
    return response


def _recording(queue: str, callback: bool) -> dict[str, str]:
    """Dial's recording attributes when the queue records its conversations (`record_calls`):
    both parties, from the answer, on two channels; Twilio reports the finished recording to
    the desk's callback (`desk.views`), which keeps it for quality review."""
    visit = _oldest_waiting([queue], callback)
    pinned = pinned_document(visit.menu_version) if visit and visit.menu_version else None
    document = pinned[1] if pinned else _published()
    if document is None or not document.queue(queue).record_calls:
        return {}
    return {
        "record": "record-from-answer-dual",
        "recording_status_callback": RECORDING_CALLBACK,
        "recording_status_callback_method": "POST",
        "recording_status_callback_event": "completed",
    }


def _published() -> MenuDocument | None:
    found = published_document()
    return found[1] if found else None


def _oldest_waiting(names: list[str], callback: bool) -> QueueVisit | None:
    conditions = [
        QueueVisit.queue_name.in_(names),
        QueueVisit.left_at.is_(None),
        QueueVisit.bridged_at.is_(None),
        QueueVisit.callback_id.is_not(None) if callback else QueueVisit.callback_id.is_(None),
    ]
    return db.session.scalar(
        select(QueueVisit)
        .where(*conditions)
        .order_by(QueueVisit.entered_at, QueueVisit.id)
        .limit(1)
    )


def _pick_queue(names: list[str]) -> tuple[str, bool]:
    """(queue, is the callback queue): called-back callers first, then the longest wait."""
    for callback in (True, False):
        visit = _oldest_waiting(names, callback)
        if visit is not None:
            return visit.queue_name, callback
    return names[0], False


def _briefing(queue: str, callback: bool, language: str) -> str | None:
    """What the operator hears about the caller at the front: language, menu path, wait."""
    visit = _oldest_waiting([queue], callback)
    if visit is None:
        return None
    call = db.session.get(Call, visit.call_id)
    path = [name for _node, name in caller_path(visit.call_id, visit.menu_version, language)]
    waited = queueing.minutes(int((clock.now() - visit.entered_at).total_seconds()))
    separator = "、" if language.startswith("zh") else ", "
    return briefing(
        language,
        speaks=language_name(call.language if call else None, language),
        path=separator.join(path) or "-",
        minutes=None if callback else waited,
    )


#: Node kinds that are no choice of the caller's (left out of the desk's path).
NOT_CHOICES = frozenset({"language", "message", "hours"})


def caller_path(
    call_id: int, version: int | None, language: str, choices_only: bool = False
) -> list[tuple[str, str]]:
    """The menu nodes the call went through, in order, each once: (node id, its label in
    `language`, or its id when it has none); `choices_only` leaves out the nodes that are
    no choice (greeting, language, business hours)."""
    nodes = db.session.scalars(
        select(CallStep.node_id).where(CallStep.call_id == call_id).order_by(CallStep.id)
    ).all()
    pinned = pinned_document(version) if version else None
    path: list[tuple[str, str]] = []
    seen: set[str] = set()
    for step in nodes:
        node_id = step.split("#")[0]
        node = pinned[1].node(node_id) if pinned else None
        if choices_only and node is not None and node.kind in NOT_CHOICES:
            continue
        name = (node.label.get(language) or node.id) if node else node_id
        if name not in seen:
            seen.add(name)
            path.append((node_id, name))
    return path


def ticket_type_of_path(call_id: int, version: int | None) -> str | None:
    """The `ticket_type` of the last node on the call's path that says one."""
    pinned = pinned_document(version) if version else None
    if pinned is None:
        return None
    found = None
    for node_id, _name in caller_path(call_id, version, "zh-CN"):
        node = pinned[1].node(node_id)
        if node is not None and node.ticket_type:
            found = node.ticket_type
    return found


def connected(params: Mapping[str, str]) -> VoiceResponse:
    """The Queue `url`: runs on the caller's side as an operator takes them; records the bridge."""
    response = VoiceResponse()
    call = calls.find_or_create_call(params)
    session = db.session.scalar(
        select(OperatorSession).where(OperatorSession.call_sid == params.get("DequeingCallSid", ""))
    )
    visit = queueing.open_visit(call.id)
    if visit is not None:
        queue_time = queueing.seconds(params.get("QueueTime"))
        queueing.bridged(visit, session.user_id if session else None, queue_time, clock.now())
    language = call.language or "zh-CN"
    db.session.commit()
    if visit is not None:
        from ivr.callbacks import request_dispatch

        request_dispatch([visit.queue_name])
    _say(response, language, "operator_connecting")
    return response


def redirect_line(session: OperatorSession, base_url: str) -> bool:
    """Move the operator's phone out of the `<Dial><Queue>` it waits in (twilio REST: the
    live call's URL becomes `/twilio/operator/next`), so that a break or a log-out chosen on
    the desk holds at once rather than after the next caller. False when Twilio refused."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    try:
        rest_client(settings).calls(session.call_sid).update(
            url=f"{base_url.rstrip('/')}/twilio/operator/next", method="POST"
        )
    except (TwilioException, requests.RequestException) as exc:
        log.warning("operator call %s not redirected: %s", session.call_sid, exc)
        return False
    return True


def _request_dispatch(user: User) -> None:
    from ivr.callbacks import request_dispatch

    request_dispatch(queues_of(user.id))

"""Queued callbacks that keep the caller's place in line.

A caller on hold presses 2: they leave Twilio's queue, but a Callback row keeps the moment they
joined (`joined_at`). The dispatcher places the callback (twilio REST `calls.create`) once
nobody who joined before them is still waiting, in join order, and no faster than the logged-in
operators can take them. When the caller answers, they hear who is calling and join a queue of
their own that operators take first. No answer or busy: tried again after
`callback_retry_minutes`, at most `callback_attempts` times; after the last try the request
becomes a draft ticket ("callback requested, not reached"), so nothing is lost.

States: pending → dialing → reached, or dialing → retry → dialing … → unreached.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from twilio.base.exceptions import TwilioException
from twilio.twiml.voice_response import VoiceResponse

from hotline.core import clock
from hotline.core.db import db
from hotline.core.queues import QueueUnavailable
from hotline.core.twilio_rest import rest_client
from ivr import queueing
from ivr.engine import Step, UnknownNode, enqueue
from ivr.menu import QueueConfig, QueueNode
from ivr.models import Callback, QueueVisit
from ivr.versions import pinned_document

log = logging.getLogger(__name__)

#: Twilio's final statuses of a placed call that mean the caller was not reached.
NOT_REACHED = frozenset({"busy", "no-answer", "failed", "canceled"})
#: A placed callback with neither an answer nor a final status after this long (its status
#: callback was lost) counts as not reached, so that it cannot hold up the line for ever.
LOST_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Placed:
    callback_id: int
    number: str
    call_sid: str | None
    error: str | None = None


def request(visit: QueueVisit, number: str, hotline_number: str, language: str) -> Callback:
    """Register a callback for the caller of `visit`, holding the place they joined at."""
    callback = Callback(
        call_id=visit.call_id,
        visit_id=visit.id,
        queue_name=visit.queue_name,
        menu_version=visit.menu_version or 0,
        node_id=visit.node_id or "",
        number=number,
        hotline_number=hotline_number,
        language=language,
        joined_at=visit.entered_at,
        requested_at=clock.now(),
    )
    db.session.add(callback)
    db.session.flush()
    log.info("callback %s requested from %s in queue %s", callback.id, number, visit.queue_name)
    return callback


def _config(callback: Callback) -> QueueConfig:
    pinned = pinned_document(callback.menu_version)
    return pinned[1].queue(callback.queue_name) if pinned else QueueConfig()


# -- placing callbacks -------------------------------------------------------------------------


def due(queue: str, now: datetime) -> list[Callback]:
    """The callbacks of `queue` to place now, in join order.

    A first try is due when nobody who joined earlier is still waiting in the queue and no
    earlier callback is still waiting for its first try. A retry is due when its pause is over.
    No more are placed than the available operators can take, counting callbacks already
    ringing and called-back callers already waiting for an operator.
    """
    candidates = db.session.scalars(
        select(Callback)
        .where(Callback.queue_name == queue, Callback.state.in_(("pending", "retry")))
        .order_by(Callback.joined_at, Callback.id)
    ).all()
    if not candidates:
        return []
    config = _config(candidates[0])
    operators = queueing.available_operators(queue, now)
    if operators == 0 and config.require_operators:
        return []
    busy = db.session.scalar(
        select(func.count())
        .select_from(Callback)
        .where(Callback.queue_name == queue, Callback.state == "dialing")
    ) + queueing.waiting_count(queue, callback=True)
    capacity = max(operators, 1) - busy
    chosen: list[Callback] = []
    for callback in candidates:
        if len(chosen) >= capacity:
            break
        if callback.state == "retry":
            if callback.next_attempt_at is None or callback.next_attempt_at <= now:
                chosen.append(callback)
            continue
        if queueing.waiting_before(queue, callback.joined_at, callback.visit_id):
            break  # this caller's turn has not come; nor has anyone's who joined later
        chosen.append(callback)
    return chosen


def dispatch(queues: Iterable[str] | None = None, now: datetime | None = None) -> list[Placed]:
    """Place every callback that is due, in join order; returns what was placed."""
    now = now or clock.now()
    if queues is None:
        queues = db.session.scalars(
            select(Callback.queue_name).where(Callback.state.in_(queueing.HOLDING_PLACE)).distinct()
        ).all()
    placed: list[Placed] = []
    for queue in sorted(set(queues)):
        _sweep_lost(queue, now)
        for callback in due(queue, now):
            outcome = _place(callback, now)
            if outcome is not None:
                placed.append(outcome)
    return placed


def _sweep_lost(queue: str, now: datetime) -> None:
    lost = db.session.scalars(
        select(Callback).where(
            Callback.queue_name == queue,
            Callback.state == "dialing",
            Callback.dialed_at < now - LOST_AFTER,
        )
    ).all()
    for callback in lost:
        log.warning("callback %s: no status from Twilio since %s", callback.id, callback.dialed_at)
        _not_reached(callback, "no-status", _config(callback), now)
    if lost:
        db.session.commit()


def _place(callback: Callback, now: datetime) -> Placed | None:
    """Claim the callback (so no other dispatcher places it too), commit, then call."""
    claimed = db.session.execute(
        update(Callback)
        .where(
            Callback.id == callback.id,
            Callback.state == callback.state,
            Callback.attempts == callback.attempts,
        )
        .values(state="dialing", attempts=Callback.attempts + 1, last_status=None, dialed_at=now)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    db.session.refresh(callback)
    config = _config(callback)
    settings = current_app.config["HOTLINE_SETTINGS"]
    base = settings.public_url
    try:
        call = rest_client(settings).calls.create(
            to=callback.number,
            from_=callback.hotline_number,
            url=f"{base}/twilio/callbacks/{callback.id}/answer",
            method="POST",
            status_callback=f"{base}/twilio/callbacks/{callback.id}/status",
            status_callback_method="POST",
            status_callback_event=["completed"],
            timeout=config.callback_ring_seconds,
        )
    except (TwilioException, OSError) as exc:
        log.error("callback %s to %s could not be placed: %s", callback.id, callback.number, exc)
        _not_reached(callback, "failed", config, now)
        db.session.commit()
        return Placed(callback.id, callback.number, None, error=str(exc))
    callback.last_call_sid = call.sid
    db.session.commit()
    log.info("callback %s placed to %s (try %s)", callback.id, callback.number, callback.attempts)
    return Placed(callback.id, callback.number, call.sid)


def _not_reached(callback: Callback, status: str, config: QueueConfig, now: datetime) -> None:
    callback.last_status = status
    if callback.attempts < config.callback_attempts:
        callback.state = "retry"
        callback.next_attempt_at = now + timedelta(minutes=config.callback_retry_minutes)
        return
    from tickets.drafts import UnreachedCallback, create_callback_draft

    callback.state = "unreached"
    callback.ticket_id = create_callback_draft(
        UnreachedCallback(
            callback_id=callback.id,
            call_id=callback.call_id,
            number=callback.number,
            language=callback.language,
            queue_name=callback.queue_name,
            requested_at=callback.requested_at,
            attempts=callback.attempts,
            last_status=callback.last_status,
        )
    ).id
    log.warning(
        "callback %s to %s not reached after %s tries: draft ticket %s",
        callback.id,
        callback.number,
        callback.attempts,
        callback.ticket_id,
    )


# -- the callback's own webhooks ---------------------------------------------------------------


def answered(step: Step, callback: Callback) -> VoiceResponse:
    """The caller picked up: tell them who is calling and put them first in line."""
    node = step.doc.node(callback.node_id)
    if not isinstance(node, QueueNode):
        raise UnknownNode(callback.node_id)
    if callback.state == "dialing":
        callback.state = "reached"
        callback.reached_at = step.now()
    step.say_phrase("callback_intro")
    if queueing.open_visit(step.call.id) is None:
        queueing.join(step.call.id, node.queue, step.version, node.id, step.now(), callback.id)
    enqueue(step, node, callback=True)
    return step.response


def status(callback_id: int, params: Mapping[str, str]) -> str | None:
    """The placed call's final status; returns the queue to look at again, if any."""
    callback = db.session.get(Callback, callback_id)
    call_sid = params.get("CallSid", "")
    state = (params.get("CallStatus") or "").strip().lower()
    if callback is None or callback.last_call_sid != call_sid:
        log.info("status for unknown or earlier try of callback %s ignored", callback_id)
        return None
    if callback.state != "dialing":  # reached, or a duplicate of a callback already handled
        return callback.queue_name
    now = clock.now()
    if state in NOT_REACHED:
        _not_reached(callback, state, _config(callback), now)
    elif state == "completed":  # answered, though the answer webhook never reached us
        callback.state = "reached"
        callback.reached_at = now
        callback.last_status = state
    db.session.commit()
    return callback.queue_name


def request_dispatch(queues: Iterable[str]) -> None:
    """Ask a worker to look at these queues' callbacks (after the caller's line changed)."""
    from ivr.jobs import dispatch_callbacks

    job_queues = current_app.extensions["hotline.queues"]
    for queue in set(queues):
        try:
            job_queues.enqueue(
                "default", dispatch_callbacks, queue, job_id=f"callbacks-{queue}", result_ttl=0
            )
        except QueueUnavailable as exc:
            log.warning(
                "callback dispatch for %s not enqueued (%s); the scheduler will", queue, exc
            )

"""What a caller hears while waiting in a queue (Enqueue's wait URL) and the keys they may press.

Only the verbs Twilio allows in wait-URL TwiML are used (Play, Say, Pause, Hangup, Redirect,
Leave, Gather with Say/Play/Pause inside). Each request announces the caller's place in line and
an estimated wait, then plays the hold audio inside a one-key Gather: 1 leaves for the voicemail
box, 2 asks for a callback that keeps the caller's place. When the document ends, Twilio requests
the wait URL again: the next announcement.
"""

from __future__ import annotations

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from hotline.core.phones import is_real_caller
from ivr import callbacks, queueing
from ivr.engine import Step, _node_of_kind
from ivr.menu import QueueConfig, QueueNode
from ivr.phrases import phrase, wait_estimate


def wait(step: Step, node_id: str) -> VoiceResponse:
    node = _node_of_kind(step, node_id, QueueNode)
    config = step.doc.queue(node.queue)
    response = step.response
    visit = queueing.waiting_visit(step.call.id)
    if visit is not None and visit.leave_reason:  # already chose to leave: see it through
        response.leave()
        return response
    queue_time = queueing.seconds(step.params.get("QueueTime")) or 0
    if queue_time >= config.max_wait:
        if visit is not None:
            queueing.set_leave_reason(visit.id, "max-wait")
        response.leave()
        return response

    called_back = visit is not None and visit.callback_id is not None
    position = max(1, queueing.seconds(step.params.get("QueuePosition")) or 1)
    if visit is not None and not called_back:
        position += queueing.holding_places_before(node.queue, visit.entered_at, visit.id)
    estimate = queueing.estimated_wait(
        node.queue, position, queueing.seconds(step.params.get("AvgQueueTime")), step.now()
    )
    if called_back:  # they were called back: no options, they are next in line
        target = response
    else:
        target = response.gather(
            num_digits=1, action=step.hold_url(node.id, "choice"), method="POST", timeout=3
        )
    if position == 1:
        step.say_text(target, step_phrase(step, "queue_next"))
    else:
        step.say_text(target, step_phrase(step, "queue_position", position=str(position)))
    if estimate is not None and position > 1:
        step.say_text(target, wait_estimate(queueing.minutes(estimate), step.language))
    if not called_back:
        offer = (
            "queue_options" if offers_callback(step, config, visit) else "queue_option_voicemail"
        )
        step.say_text(target, step_phrase(step, offer))
    if config.hold_audio:
        target.play(config.hold_audio)
    else:
        target.pause(length=config.announce_every)
    return response


def choice(step: Step, node_id: str) -> VoiceResponse:
    """A key pressed on hold: 1 voicemail, 2 callback; anything else repeats the announcement."""
    node = _node_of_kind(step, node_id, QueueNode)
    config = step.doc.queue(node.queue)
    response = step.response
    visit = queueing.open_visit(step.call.id)
    key = step.params.get("Digits", "")
    if visit is not None and visit.callback_id is None:
        if key == "1":
            visit.leave_reason = "voicemail"
            response.leave()
            return response
        if key == "2" and offers_callback(step, config, visit):
            callbacks.request(
                visit, step.call.from_number, step.params.get("To", ""), step.language
            )
            visit.leave_reason = "callback"
            response.leave()
            return response
        if key == "2":
            step.say_text(response, step_phrase(step, "callback_unavailable"))
    response.redirect(step.hold_url(node.id, "wait"), method="POST")
    return response


def offers_callback(step: Step, config: QueueConfig, visit: object | None) -> bool:
    """Callback is offered where the queue allows it, the caller's number can be called, and
    the hotline has a public URL for Twilio to fetch the callback's TwiML from."""
    return bool(
        config.callback
        and getattr(visit, "callback_id", None) is None
        and is_real_caller(step.call.from_number)
        and current_app.config["HOTLINE_SETTINGS"].public_url
    )


def step_phrase(step: Step, key: str, **values: str) -> str:
    return phrase(key, step.language, **values)

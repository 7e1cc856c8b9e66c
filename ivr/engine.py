"""The IVR engine: a menu node (+ the caller's input) → TwiML, built with twilio's VoiceResponse.

Stateless between requests: everything a step needs is in its URL (menu version, node,
attempt, language) and Twilio's parameters, plus the call row. Nodes that need no input
(`message`, `hours`) are followed inside the same reply, so the caller hears no gap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.core.db import db, utcnow
from ivr import queueing
from ivr.calls import CallRef
from ivr.hours import is_open
from ivr.menu import (
    DIGITS,
    HangupNode,
    HoursNode,
    KnowledgeNode,
    LanguageNode,
    LookupNode,
    MenuDocument,
    MenuNode,
    MessageNode,
    Node,
    Prompt,
    QueueNode,
    SurveyNode,
    TransferNode,
    VoicemailNode,
)
from ivr.models import CallStep, QueueResult
from ivr.phrases import phrase
from ivr.twiml import RECORDING_CALLBACK

log = logging.getLogger(__name__)

#: Nodes followed inside one reply before the engine gives up (validation forbids loops anyway).
MAX_INLINE_STEPS = 20

#: Built once: constructing the statement costs more than running it, on every webhook.
_STEP_INSERT = CallStep.__table__.insert()

NodeT = TypeVar("NodeT")


class UnknownNode(LookupError):
    pass


@dataclass
class Step:
    """One webhook's view of the call: the pinned menu, the language, the call row, the clock."""

    doc: MenuDocument
    version: int
    call: CallRef
    language: str
    params: Mapping[str, str]
    now: Callable[[], datetime]
    #: (ticket digits, caller number, PIN or None) → the status sentence, or None.
    lookup: Callable[[str, str, str | None], str | None] = field(
        default=lambda digits, caller, pin: None
    )
    #: The webhook URL's query (the pending ticket number of a status lookup, ...).
    query: Mapping[str, str] = field(default_factory=dict)
    #: An admin's preview or walk-through: render, but record nothing about a call.
    dry_run: bool = False
    path: list[str] = field(default_factory=list)
    response: VoiceResponse = field(default_factory=VoiceResponse)
    inline_steps: int = 0
    #: Queues whose line changed in this step (someone left or was answered): the service
    #: asks the callback dispatcher to look at them once the step is committed.
    queues_changed: set[str] = field(default_factory=set)

    # -- URLs ----------------------------------------------------------------------------------

    def url(self, node_id: str, action: str = "", **query: object) -> str:
        """Path of a webhook for `node_id` on this call's pinned version (Twilio resolves it)."""
        suffix = f"/{action}" if action else ""
        values = {"lang": self.language, **{k: v for k, v in query.items() if v is not None}}
        return f"/twilio/ivr/{self.version}/{node_id}{suffix}?{urlencode(values)}"

    def hold_url(self, node_id: str, action: str) -> str:
        """Path of a queue node's wait-URL webhooks (`wait`, `choice`): wait-TwiML only."""
        return (
            f"/twilio/queue/{self.version}/{node_id}/{action}?{urlencode({'lang': self.language})}"
        )

    # -- speaking ------------------------------------------------------------------------------

    def say(self, target: VoiceResponse | Gather, prompts: Mapping[str, Prompt]) -> None:
        prompt = prompts.get(self.language) or prompts.get(self.doc.default_language)
        if prompt is None:
            return
        if prompt.play:
            target.play(prompt.play)
        else:
            self.say_text(target, prompt.say or "")

    def say_text(self, target: VoiceResponse | Gather, text: str) -> None:
        voice = self.doc.voices.get(self.language)
        target.say(
            text,
            voice=voice.voice if voice else None,
            language=voice.language if voice else self.language,
        )

    def say_phrase(self, key: str, **values: str) -> None:
        self.say_text(self.response, phrase(key, self.language, **values))

    # -- entering nodes ------------------------------------------------------------------------

    def enter(self, node_id: str, attempt: int = 1, digits: str | None = None) -> VoiceResponse:
        node = self.doc.node(node_id)
        if node is None:
            raise UnknownNode(node_id)
        self.inline_steps += 1
        if self.inline_steps > MAX_INLINE_STEPS:
            raise RuntimeError(f"more than {MAX_INLINE_STEPS} nodes without caller input")
        self.record(node.id, digits)
        RENDERERS[node.kind](self, node, attempt)
        return self.response

    def record(self, node_id: str, digits: str | None = None) -> None:
        """Add a step to the call's path (a prebuilt INSERT: this runs on every webhook)."""
        if self.dry_run:
            self.path.append(node_id)
            return
        db.session.execute(
            _STEP_INSERT,
            {"call_id": self.call.id, "node_id": node_id, "digits": digits, "at": utcnow()},
        )

    def finish(self, next_id: str | None) -> None:
        """Go on to `next_id`, or say goodbye and hang up when there is none."""
        if next_id:
            self.enter(next_id)
        else:
            self.say_phrase("goodbye")
            self.response.hangup()

    def retry_or_fallback(
        self, node: Node, attempt: int, reason: str, fallback: str | None
    ) -> VoiceResponse:
        """No input or a wrong key: replay the node, or after its last attempt take the fallback."""
        limit = getattr(node, "attempts", 2)
        if attempt >= limit:
            if fallback:
                return self.enter(fallback)
            self.say_phrase("goodbye")
            self.response.hangup()
            return self.response
        self.say_phrase(reason)
        return self.enter(node.id, attempt=attempt + 1)

    # -- caller input --------------------------------------------------------------------------

    def handle_input(self, node_id: str, attempt: int) -> VoiceResponse:
        node = self.doc.node(node_id)
        if node is None:
            raise UnknownNode(node_id)
        raw = self.params.get("Digits", "")
        handler = INPUT_HANDLERS.get(node.kind)
        if handler is None:  # input posted to a node that never asked for it
            return self.enter(node.id)
        return handler(self, node, attempt, raw)


# -- rendering, one function per kind ----------------------------------------------------------


def _gather(step: Step, node: Node, attempt: int, **options: object) -> Gather:
    return step.response.gather(
        action=step.url(node.id, "input", attempt=attempt),
        method="POST",
        action_on_empty_result=True,
        **options,
    )


def render_menu(step: Step, node: MenuNode | LanguageNode | KnowledgeNode, attempt: int) -> None:
    gather = _gather(step, node, attempt, num_digits=1, timeout=node.timeout)
    step.say(gather, node.prompt)


def render_message(step: Step, node: MessageNode, attempt: int) -> None:
    step.say(step.response, node.prompt)
    step.finish(node.next)


def render_hours(step: Step, node: HoursNode, attempt: int) -> None:
    step.say(step.response, node.prompt)
    branch = node.open if is_open(step.doc.hours, step.now()) else node.closed
    step.finish(branch)


def render_queue(step: Step, node: QueueNode, attempt: int) -> None:
    """Enqueue the caller, or send them on to the overflow when the queue cannot take them."""
    config = step.doc.queue(node.queue)
    if step.dry_run:  # a preview: what a caller hears when the queue takes them
        step.say(step.response, node.prompt)
        enqueue(step, node, callback=False)
        return
    now = step.now()
    languages = step.doc.queue_languages(node.queue)
    refusal = queueing.refusal(config, node.queue, step.language, languages, now)
    if refusal is not None:
        queueing.refused(step.call.id, node.queue, step.version, node.id, now, refusal)
        log.info("call %s not queued in %s: %s", step.call.call_sid, node.queue, refusal)
        step.say_phrase("queue_full" if refusal == QueueResult.QUEUE_FULL else "queue_unavailable")
        step.finish(node.overflow or config.overflow)
        return
    queueing.join(step.call.id, node.queue, step.version, node.id, now)
    step.say(step.response, node.prompt)
    enqueue(step, node, callback=False)


def enqueue(step: Step, node: QueueNode, callback: bool) -> None:
    step.response.enqueue(
        queueing.twilio_queue_name(node.queue, callback),
        wait_url=step.hold_url(node.id, "wait"),
        wait_url_method="POST",
        action=step.url(node.id, "queue-done"),
        method="POST",
    )


def render_voicemail(step: Step, node: VoicemailNode, attempt: int) -> None:
    step.say(step.response, node.prompt)
    step.response.record(
        action=step.url(node.id, "recorded"),
        method="POST",
        max_length=node.max_length,
        finish_on_key=node.finish_on_key,
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=f"{RECORDING_CALLBACK}?{urlencode({'lang': step.language})}",
        recording_status_callback_method="POST",
        recording_status_callback_event="completed absent",
    )
    # Reached only if Record ends without posting to its action (no audio at all).
    step.finish(node.next)


def render_transfer(step: Step, node: TransferNode, attempt: int) -> None:
    step.say(step.response, node.prompt)
    caller_id = {"caller": step.params.get("From"), "hotline": step.params.get("To")}.get(
        node.caller_id, node.caller_id
    )
    dial = step.response.dial(
        action=step.url(node.id, "dial-done"),
        method="POST",
        timeout=node.timeout,
        caller_id=caller_id or None,
    )
    dial.number(node.number)


def render_lookup(step: Step, node: LookupNode, attempt: int) -> None:
    gather = _gather(step, node, attempt, finish_on_key="#", timeout=node.timeout)
    step.say(gather, node.prompt)


def render_survey(step: Step, node: SurveyNode, attempt: int) -> None:
    gather = _gather(step, node, attempt, num_digits=1, timeout=node.timeout)
    step.say(gather, node.prompt)


def render_hangup(step: Step, node: HangupNode, attempt: int) -> None:
    step.say(step.response, node.prompt)
    step.response.hangup()


RENDERERS: dict[str, Callable[..., None]] = {
    "menu": render_menu,
    "language": render_menu,
    "knowledge": render_menu,
    "message": render_message,
    "hours": render_hours,
    "queue": render_queue,
    "voicemail": render_voicemail,
    "transfer": render_transfer,
    "lookup": render_lookup,
    "survey": render_survey,
    "hangup": render_hangup,
}


# -- caller input, one function per kind that gathers ------------------------------------------


def _single_key(raw: str) -> str | None:
    return raw if len(raw) == 1 and raw in DIGITS else None


def input_menu(step: Step, node: MenuNode, attempt: int, raw: str) -> VoiceResponse:
    key = _single_key(raw)
    if key == "*":
        return step.enter(node.id, attempt=attempt, digits=key)
    option = next((o for o in node.options if o.digit == key), None)
    if option is not None:
        return step.enter(option.target, digits=key)
    if key == "0" and step.doc.operator_queue:
        return step.enter(step.doc.operator_queue, digits=key)
    return step.retry_or_fallback(node, attempt, "invalid" if raw else "no_input", node.fallback)


def input_language(step: Step, node: LanguageNode, attempt: int, raw: str) -> VoiceResponse:
    key = _single_key(raw)
    option = next((o for o in node.options if o.digit == key), None)
    if option is None:
        return step.retry_or_fallback(
            node, attempt, "invalid" if raw else "no_input", node.fallback
        )
    step.language = option.language or step.language
    step.call.update(language=step.language)
    return step.enter(option.target, digits=key)


def input_knowledge(step: Step, node: KnowledgeNode, attempt: int, raw: str) -> VoiceResponse:
    key = _single_key(raw)
    if key == "*":
        return step.enter(node.id, attempt=attempt, digits=key)
    option = next((o for o in node.options if o.digit == key), None)
    if option is None:
        return step.retry_or_fallback(
            node, attempt, "invalid" if raw else "no_input", node.fallback
        )
    step.record(f"{node.id}#{key}", key)
    step.say(step.response, option.prompt)
    return step.enter(option.target)


def input_lookup(step: Step, node: LookupNode, attempt: int, raw: str) -> VoiceResponse:
    """A ticket number keyed in; from another phone than the one that filed it, then a PIN.

    Whether or not the ticket exists, a well-formed number from another phone is asked for the
    PIN, and a failure always hears the same sentence: nothing tells a stranger it exists."""
    pending = step.query.get("ticket", "")
    if pending:  # `raw` is the PIN for the ticket keyed before
        status = step.lookup(pending, "", raw) if pending.isdigit() else None
        if status:
            step.say_text(step.response, status)
        else:
            step.say_phrase("lookup_none")
        step.finish(node.next)
        return step.response
    digits = raw if raw.isdigit() and 8 <= len(raw) <= 16 else ""
    status = step.lookup(digits, step.call.from_number, None) if digits else None
    if status is None and len(digits) == 12:
        gather = step.response.gather(
            action=step.url(node.id, "input", attempt=attempt, ticket=digits),
            method="POST",
            finish_on_key="#",
            timeout=node.timeout,
            action_on_empty_result=True,
        )
        step.say_text(gather, phrase("lookup_pin", step.language))
        return step.response
    if status is None:
        if attempt < 2:
            step.say_phrase("lookup_none")
            return step.enter(node.id, attempt=attempt + 1)
        step.say_phrase("lookup_none")
    else:
        step.say_text(step.response, status)
    step.finish(node.next)
    return step.response


def input_survey(step: Step, node: SurveyNode, attempt: int, raw: str) -> VoiceResponse:
    key = _single_key(raw)
    if key is None or key not in "12345":
        if attempt < 2:
            step.say_phrase("invalid" if raw else "no_input")
            return step.enter(node.id, attempt=attempt + 1)
        step.say_phrase("goodbye")
        step.response.hangup()
        return step.response
    step.call.update(satisfaction=int(key))
    queueing.rate(step.call.id, int(key))
    step.record(f"{node.id}#rating", key)
    step.say_phrase("survey_thanks")
    step.response.hangup()
    return step.response


INPUT_HANDLERS: dict[str, Callable[..., VoiceResponse]] = {
    "menu": input_menu,
    "language": input_language,
    "knowledge": input_knowledge,
    "lookup": input_lookup,
    "survey": input_survey,
}


# -- results of Dial, Enqueue and Record -------------------------------------------------------


def _node_of_kind(step: Step, node_id: str, kind: type[NodeT]) -> NodeT:
    """The node a Dial/Enqueue/Record action URL names; UnknownNode if it is not of that kind."""
    node = step.doc.node(node_id)
    if not isinstance(node, kind):
        raise UnknownNode(node_id)
    return node


def dial_done(step: Step, node_id: str) -> VoiceResponse:
    node = _node_of_kind(step, node_id, TransferNode)
    status = step.params.get("DialCallStatus", "")
    if status == "completed":
        step.response.hangup()
        return step.response
    log.info("transfer from %s to %s ended %r", step.call.call_sid, node.number, status)
    step.say_phrase("transfer_failed")
    step.finish(node.fallback)
    return step.response


def queue_done(step: Step, node_id: str) -> VoiceResponse:
    """Enqueue's action: the caller left the queue; record how, and go on accordingly."""
    node = _node_of_kind(step, node_id, QueueNode)
    overflow = node.overflow or step.doc.queue(node.queue).overflow
    result = step.params.get("QueueResult", "")
    visit = queueing.open_visit(step.call.id) or queueing.latest_visit(step.call.id)
    if visit is not None:
        queue_time = queueing.seconds(step.params.get("QueueTime"))
        queueing.finish(visit, result, queue_time, step.now())
        step.queues_changed.add(visit.queue_name)
    if (visit is not None and visit.result == QueueResult.BRIDGED) or result in (
        "bridged",
        "bridging-in-process",
    ):
        if node.survey:  # the operator hung up; the caller is still on the line
            return step.enter(node.survey)
        step.response.hangup()
        return step.response
    if result == QueueResult.HANGUP:
        step.response.hangup()
        return step.response
    reason = visit.leave_reason if visit is not None and result == QueueResult.LEAVE else None
    if reason == "voicemail":
        step.finish(node.voicemail or overflow)
    elif reason == "callback":
        step.say_phrase("callback_registered")
        step.response.hangup()
    else:  # max wait, queue full at Twilio, an error: the overflow, never silence
        step.say_phrase("queue_full" if result == QueueResult.QUEUE_FULL else "queue_unavailable")
        step.finish(overflow)
    return step.response


def recorded(step: Step, node_id: str) -> VoiceResponse:
    node = _node_of_kind(step, node_id, VoicemailNode)
    if node.next:
        step.enter(node.next)
    else:
        step.say_phrase("recorded")
        step.response.hangup()
    return step.response

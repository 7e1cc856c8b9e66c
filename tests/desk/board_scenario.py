"""A scripted morning on the queues for the wall board's tests, played through the signed
Twilio webhooks and the operator line: by 10:00:00 three callers wait (the oldest 95 s), two
operators are available, one is on a call, one in after-call work, one on a break, one logged
out, and one caller holds a callback; `move()` then bridges the oldest caller and ends the
wrap-up."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from hotline.core.db import db
from ivr.menu import load_document_text
from ivr.operator_service import set_queues
from ivr.versions import create_version, default_menu_text, publish
from tests.accounts import create_user
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import CallDriver

#: Operators and the queues they answer; dave answers both, gina only the experts.
OPERATORS = {
    "alice": ("+8613900000001", ("operators",)),
    "bob": ("+8613900000002", ("operators",)),
    "carol": ("+8613900000003", ("operators",)),
    "dave": ("+8613900000004", ("operators", "experts")),
    "erin": ("+8613900000005", ("operators",)),
    "frank": ("+8613900000006", ("operators",)),
    "gina": ("+8613900000007", ("experts",)),
}


def publish_two_queues(app) -> None:
    """The default menu with a second queue, `experts` (answered within 30 s)."""
    doc = load_document_text(default_menu_text())
    doc["queues"]["experts"] = {"service_level_seconds": 30, "languages": ["zh-CN"]}
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()


@dataclass
class Scenario:
    set_clock: object
    new_call: object
    operator_login: object
    lines: dict[str, CallDriver] = field(default_factory=dict)
    callers: dict[str, QueuedCall] = field(default_factory=dict)
    numbers: iter = field(default_factory=lambda: iter(range(100)))

    def at(self, hour: int, minute: int, second: int = 0) -> None:
        self.set_clock(2026, 11, 23, hour, minute, second)

    def caller(self, name: str) -> QueuedCall:
        queued = QueuedCall(self.new_call(caller=f"+86138001384{next(self.numbers):02d}"))
        queued.join()
        assert queued.driver.twiml.find("Enqueue") is not None, name
        self.callers[name] = queued
        return queued

    def morning(self) -> None:
        self.at(9, 50)
        for name, (phone, queues) in OPERATORS.items():
            if name != "gina":  # gina never logs in
                self.lines[name] = self.operator_login(name, phone, queues=queues)
        self.lines["frank"].follow("Dial", DialCallStatus="no-answer")
        self.lines["frank"].press("9")  # logged out
        self.lines["carol"].follow("Dial", DialCallStatus="no-answer")
        self.lines["carol"].press("2")  # a break
        self.at(9, 51)
        self.caller("abandoned")
        self.at(9, 51, 30)
        self.callers["abandoned"].leave("hangup", queue_time=30)
        self.at(9, 55)
        self.caller("bob's")
        self.at(9, 55, 10)
        self.callers["bob's"].bridge(self.lines["bob"], queue_time=10)
        self.at(9, 56)
        self.caller("alice's")
        self.at(9, 56, 5)
        self.callers["alice's"].bridge(self.lines["alice"], queue_time=5)
        self.at(9, 57)
        wants_callback = self.caller("callback")
        wants_callback.hold(position=1)
        wants_callback.key("2")
        self.at(9, 57, 12)
        wants_callback.leave("leave", queue_time=12)
        self.at(9, 58, 25)
        self.caller("first waiting")
        self.at(9, 59)
        self.caller("second waiting")
        self.at(9, 59, 30)  # bob's caller hangs up after 260 s: bob's after-call work begins
        self.callers["bob's"].leave("bridged", queue_time=10)
        self.lines["bob"].post("/twilio/operator/after", DialCallStatus="completed")
        self.at(9, 59, 40)
        self.caller("third waiting")
        self.at(10, 0)

    def move(self) -> None:
        """10:00:30: dave takes the oldest caller (after 125 s); bob ends his wrap-up (key 1)."""
        self.at(10, 0, 30)
        self.callers["first waiting"].bridge(self.lines["dave"], queue_time=125)
        self.lines["bob"].press("1")


@pytest.fixture(name="scenario")
def played_scenario(app, set_clock, new_call, operator_login) -> Scenario:
    """The morning played up to 10:00:00 on the test's app (with a public URL: callbacks)."""
    publish_two_queues(app)
    played = Scenario(set_clock, new_call, operator_login)
    played.morning()
    with app.app_context():
        gina = create_user("gina", "operator", phone=OPERATORS["gina"][0])
        set_queues(gina, ["experts"])
        db.session.commit()
    return played

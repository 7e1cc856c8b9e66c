"""IVR fixtures: a call driver, an injectable clock, menu versions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.twilio_fake import CallDriver

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def set_clock(app):
    """Set the app's clock to a local Shanghai time: set_clock(2026, 10, 1, 10, 0)."""

    def set_to(*parts: int) -> datetime:
        moment = datetime(*parts, tzinfo=SHANGHAI)
        app.extensions["hotline.clock"] = lambda: moment
        return moment

    set_to(2026, 11, 23, 10, 0)  # a Monday morning: open
    return set_to


@pytest.fixture
def new_call(client, set_clock):
    counter = iter(range(10_000))

    def make(caller: str = "+8613800138000") -> CallDriver:
        return CallDriver(client, call_sid=f"CA{next(counter):032d}", caller=caller)

    return make


OPERATOR_PIN = "2468"


@pytest.fixture
def make_operator(app):
    """An operator account with a phone, a PIN and queues (as `hotline operators` sets them)."""
    from hotline.core.db import db
    from ivr.operator_service import set_pin, set_queues
    from tests.accounts import create_user

    def make(
        username: str = "alice",
        phone: str = "+8613900000001",
        queues: tuple[str, ...] = ("operators",),
        language: str = "zh-CN",
        pin: str = OPERATOR_PIN,
    ) -> int:
        with app.app_context():
            user = create_user(username, "operator", password="a-password", phone=phone)
            user.language = language
            set_pin(user, pin)
            set_queues(user, list(queues))
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def operator_login(client, make_operator):
    """Log an operator in by calling the operator line (signed webhooks, PIN keyed in)."""
    counter = iter(range(1000))

    def login(username: str = "alice", phone: str = "+8613900000001", **options: object):
        make_operator(username, phone, **options)
        driver = CallDriver(client, call_sid=f"CA{'f' * 29}{next(counter):03d}", caller=phone)
        driver.post("/twilio/operator")
        driver.press(OPERATOR_PIN)
        return driver

    return login


@pytest.fixture
def on_duty(operator_login):
    """One operator logged in and available for the default `operators` queue."""
    return operator_login()

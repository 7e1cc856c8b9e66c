"""IVR fixtures: a call driver, an injectable clock, menu versions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.twilio_fake import CallDriver

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def set_clock(app):  # noqa: ANN001, ANN201
    """Set the app's clock to a local Shanghai time: set_clock(2026, 10, 1, 10, 0)."""

    def set_to(*parts: int) -> datetime:
        moment = datetime(*parts, tzinfo=SHANGHAI)
        app.extensions["hotline.clock"] = lambda: moment
        return moment

    set_to(2026, 11, 23, 10, 0)  # a Monday morning: open
    return set_to


@pytest.fixture
def new_call(client, set_clock):  # noqa: ANN001, ANN201
    counter = iter(range(10_000))

    def make(caller: str = "+8613800138000") -> CallDriver:
        return CallDriver(client, call_sid=f"CA{next(counter):032d}", caller=caller)

    return make

"""Knowledge-base fixtures: accounts, the seeded articles, a clock, a call taken by an operator."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.core.db import db
from hotline.core.models import User
from tests.accounts import create_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def set_clock(app):
    """Set the app's clock to a local Shanghai time: set_clock(2026, 11, 23, 10, 0)."""

    def set_to(*parts: int) -> datetime:
        moment = datetime(*parts, tzinfo=SHANGHAI)
        app.extensions["hotline.clock"] = lambda: moment
        return moment

    set_to(2026, 11, 23, 10, 0)
    return set_to


@pytest.fixture
def people(app) -> dict[str, int]:
    """An admin, two operators and a manager (ids)."""
    return make_people(app)


def make_people(app) -> dict[str, int]:
    """root (admin), wang and li (operators), maria (manager); passwords `<name>-password`."""
    with app.app_context():
        return {
            name: create_user(name, role, password=f"{name}-password").id
            for name, role in (
                ("root", "admin"),
                ("wang", "operator"),
                ("li", "operator"),
                ("maria", "manager"),
            )
        }


def user(name: str) -> User:
    return db.session.query(User).filter_by(username=name).one()


@pytest.fixture
def seeded(app) -> None:
    seed(app)


def seed(app) -> None:
    """The seed articles and the menu's answers, as `hotline seed` adds them."""
    from knowledge.seed import seed_articles

    with app.app_context():
        seed_articles()


@pytest.fixture
def taken_call(app, set_clock):
    """make(operator) → the id of a queue visit that `operator` took, from +8613800138000
    speaking English."""
    from ivr.models import Call, QueueVisit

    counter = iter(range(1000))

    def make(operator: str = "wang", caller: str = "+8613800138000") -> int:
        with app.app_context():
            call = Call(call_sid=f"CA{next(counter):032d}", from_number=caller, language="en-US")
            db.session.add(call)
            db.session.flush()
            visit = QueueVisit(
                call_id=call.id,
                queue_name="operators",
                operator_id=user(operator).id,
                bridged_at=set_clock(2026, 11, 23, 10, 0),
            )
            db.session.add(visit)
            db.session.commit()
            return visit.id

    return make

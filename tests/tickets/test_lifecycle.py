"""The ticket life cycle: numbering (also under concurrency), due dates and flags, edits and
moves recorded as events, repeat callers and duplicate hints."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core.db import db
from tickets import lifecycle
from tickets.lifecycle import TicketError
from tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at(app):
    """Set the app's clock: at(2026, 11, 23, 10, 0) in Shanghai time."""

    def set_to(*parts: int) -> datetime:
        moment = datetime(*parts, tzinfo=SHANGHAI)
        app.extensions["hotline.clock"] = lambda: moment
        return moment

    set_to(2026, 11, 23, 10, 0)
    return set_to


def draft(app, **values) -> int:
    with app.app_context():
        ticket = Ticket(
            state="draft",
            type=values.pop("type", "complaint"),
            caller_number=values.pop("caller_number", "+8613800138000"),
            description=values.pop("description", "商家不退款"),
            **values,
        )
        db.session.add(ticket)
        db.session.commit()
        return ticket.id


def confirm(app, ticket_id: int, **changes) -> str:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        opened = lifecycle.confirm(ticket, "wang", changes or None)
        db.session.commit()
        return opened.ticket.number


def test_numbers_follow_the_local_day(app, at) -> None:
    assert confirm(app, draft(app)) == "12315-20261123-0001"
    assert confirm(app, draft(app)) == "12315-20261123-0002"
    at(2026, 11, 23, 23, 59)
    assert confirm(app, draft(app)) == "12315-20261123-0003"
    at(2026, 11, 24, 0, 1)  # 16:01 UTC on the 23rd: already the 24th in Shanghai
    assert confirm(app, draft(app)) == "12315-20261124-0001"


def test_concurrent_confirmations_get_unique_sequential_numbers(app, at) -> None:
    ids = [draft(app) for _ in range(20)]
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def confirm_one(ticket_id: int) -> None:
        try:
            with app.app_context():
                start.wait()
                ticket = db.session.get(Ticket, ticket_id)
                lifecycle.confirm(ticket, "wang")
                db.session.commit()
                numbers.append(ticket.number)
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=confirm_one, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"12315-20261123-{n:04d}" for n in range(1, 21)]


def test_confirming_sets_the_due_date_by_type_and_records_the_event(app, at) -> None:
    ticket_id = draft(app, type="consultation")
    confirm(app, ticket_id, category="prepaid", district="静安")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.state == "open"
        assert ticket.due_at == at(2026, 11, 23, 10, 0) + timedelta(days=3)
        assert ticket.lookup_pin_hash
        kinds = [(e.kind, e.actor) for e in ticket.events]
        assert kinds == [("edited", "wang"), ("opened", "wang")]
        assert ticket.events[0].data["changes"] == {
            "category": [None, "prepaid"],
            "district": [None, "静安"],
        }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "rant"}, "type"),
        ({"category": "nonsense"}, "category"),
        ({"district": "闸北"}, "district"),  # an old name is not a district to file under
        ({"amount": "lots"}, "amount"),
        ({"priority": 9}, "priority"),
        ({"caller_number": "call me"}, "caller_number"),
        ({"number": "12315-1"}, "number"),
    ],
)
def test_invalid_edits_name_the_field(app, at, changes: dict, field: str) -> None:
    ticket_id = draft(app)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        with pytest.raises(TicketError) as caught:
            lifecycle.edit(ticket, "wang", changes)
        assert caught.value.field == field


def test_the_whole_life_with_a_reopening_keeps_history(app, at) -> None:
    ticket_id = draft(app)
    confirm(app, ticket_id)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        lifecycle.dispatch(ticket, "wang", "黄浦")
        lifecycle.resolve(ticket, "li", "商家已退款")
        lifecycle.close(ticket, "li")
        with pytest.raises(TicketError):
            lifecycle.edit(ticket, "li", {"merchant": "x"})
        lifecycle.reopen(ticket, "zhao", "caller says the refund never came")
        db.session.commit()
        kinds = [e.kind for e in ticket.events]
        assert kinds == ["opened", "dispatched", "resolved", "closed", "reopened"]
        assert ticket.state == "open"
        assert ticket.assigned_district == "黄浦"
        assert ticket.resolution == "商家已退款"


def test_moves_that_skip_a_step_are_refused(app, at) -> None:
    ticket_id = draft(app)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        for move in (
            lambda: lifecycle.resolve(ticket, "wang", "done"),
            lambda: lifecycle.close(ticket, "wang"),
            lambda: lifecycle.dispatch(ticket, "wang", "黄浦"),
        ):
            with pytest.raises(TicketError):
                move()
        with pytest.raises(TicketError) as caught:
            lifecycle.discard(ticket, "wang", "boring")
        assert caught.value.field == "reason"
        lifecycle.discard(ticket, "wang", "spam")
        lifecycle.reopen(ticket, "wang")
        assert ticket.state == "draft"


def test_overdue_and_due_soon(app, at) -> None:
    ticket_id = draft(app, type="consultation")
    confirm(app, ticket_id)  # due in 3 days
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        opened = ticket.opened_at
        assert lifecycle.flags(ticket, opened) == {"overdue": False, "due_soon": False}
        soon = opened + timedelta(days=2, hours=1)
        assert lifecycle.flags(ticket, soon) == {"overdue": False, "due_soon": True}
        late = opened + timedelta(days=3, minutes=1)
        assert lifecycle.flags(ticket, late) == {"overdue": True, "due_soon": False}
        lifecycle.resolve(ticket, "wang", "answered")
        assert lifecycle.flags(ticket, late) == {"overdue": False, "due_soon": False}


def test_repeat_callers_and_duplicate_hints(app, at) -> None:
    from hotline.core.db import utcnow

    first = draft(app, category="prepaid")
    draft(app, category="food")
    with app.app_context():
        assert lifecycle.repeat_caller("+8613800138000", utcnow()) is True  # 2 + this one = 3
        assert lifecycle.repeat_caller("+8613900000000", utcnow()) is False
        third = db.session.get(Ticket, draft(app, category="prepaid"))
        hints = lifecycle.duplicate_hints(third)
        assert [h["id"] for h in hints] == [first]
        old = db.session.scalars(select(Ticket).where(Ticket.id == first)).one()
        old.created_at = utcnow() - timedelta(days=31)  # outside the 30-day window
        db.session.commit()
        assert lifecycle.duplicate_hints(third) == []

"""One rule of what a real caller number is, and the places that ask it: withheld callers are
never repeat callers (tickets, drafts, reports) and are never called back."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core import clock
from hotline.core.db import db
from hotline.core.phones import is_real_caller, is_withheld
from reports import figures
from reports.periods import days
from tests.reports import data
from tests.reports.data import local
from tickets import lifecycle
from tickets.drafts import VoicemailMessage, create_draft
from tickets.models import Ticket
from tickets.privacy import mask_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
WITHHELD = ["", "anonymous", "Anonymous", "ANONYMOUS", " restricted ", "Unavailable", "unknown"]
WITHHELD += ["private", "+266696687", "+7378742833"]


@pytest.mark.parametrize("number", [*WITHHELD, None])
def test_withheld_markers_are_withheld_whatever_their_case(number: str | None) -> None:
    assert is_withheld(number)
    assert not is_real_caller(number)


@pytest.mark.parametrize(
    ("number", "real"),
    [
        ("+8613800138000", True),  # a Chinese mobile
        ("+862164888888", True),  # a Shanghai landline
        ("+14158675309", True),
        ("13800138000", False),  # not E.164
        ("+8613800", False),  # too short to be a number
        ("+86abc", False),
        ("client:operator", False),  # a Twilio Client identity, not a phone
    ],
)
def test_real_caller_numbers_are_valid_e164(number: str, real: bool) -> None:
    assert is_real_caller(number) is real
    assert not is_withheld(number)


def _message(n: int, caller: str) -> VoicemailMessage:
    return VoicemailMessage(
        voicemail_id=n,
        recording_sid=f"RE{n:032d}",
        call_id=None,
        caller=caller,
        language="zh-CN",
        text="我在淘宝买的手机是坏的，商家不给退款",
    )


def _voicemail_ids(app, count: int) -> list[int]:
    """Voicemail rows for the drafts' foreign key."""
    with app.app_context():
        ids = [data.voicemail(local(2026, 11, 23, 9), "transcribed").id for _ in range(count)]
        db.session.commit()
    return ids


@pytest.mark.parametrize("caller", ["anonymous", "Restricted", "+266696687"])
def test_a_withheld_caller_is_never_a_repeat_caller(app, caller: str) -> None:
    app.extensions["hotline.clock"] = lambda: datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    ids = _voicemail_ids(app, 4)
    with app.app_context():
        drafts = [create_draft(_message(n, caller)) for n in ids]
        assert [d.repeat_caller for d in drafts] == [False] * 4
        assert [d.priority for d in drafts] == [drafts[0].priority] * 4  # nothing raised it
        assert all("duplicates" not in d.suggestions for d in drafts)
        assert lifecycle.repeat_caller(caller, clock.now()) is False


def test_a_real_caller_becomes_a_repeat_caller_and_drafts_follow_the_clock(app) -> None:
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    app.extensions["hotline.clock"] = lambda: moment
    ids = _voicemail_ids(app, 3)
    with app.app_context():
        drafts = [create_draft(_message(n, "+8613800138000")) for n in ids]
        assert [d.repeat_caller for d in drafts] == [False, False, True]  # 3 in 30 days
        stored = db.session.scalars(select(Ticket.created_at)).all()
        assert set(stored) == {moment}  # the test clock, not the machine's


def test_reports_count_no_withheld_caller_as_a_repeat_caller(app) -> None:
    with app.app_context():
        for number in ("Anonymous", "RESTRICTED", "unavailable", "+7378742833", "client:alice"):
            data.call(local(2026, 11, 18, 10), number)
            data.call(local(2026, 11, 19, 10), number)
        data.call(local(2026, 11, 18, 11), "+8613800000001")
        data.call(local(2026, 11, 19, 11), "+8613800000001")
        db.session.commit()
        found = figures.figures(days("2026-11-16", "2026-11-22"), SHANGHAI)
    assert found.repeat_callers == 1


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("anonymous", "anonymous"),  # a withheld caller's draft is confirmed as it came
        ("+86 138-0013-8000", "+8613800138000"),  # said or typed with spaces: stored E.164
        ("+8613800138000", "+8613800138000"),
        ("138 0013 8000", "13800138000"),  # a number said in the message, as the suggester reads it
        ("021-64888888", "02164888888"),
    ],
)
def test_a_ticket_takes_the_caller_rule(app, given: str, stored: str) -> None:
    app.extensions["hotline.clock"] = lambda: datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    with app.app_context():
        ticket = Ticket(state="draft", type="complaint", caller_number="anonymous", description="x")
        db.session.add(ticket)
        db.session.commit()
        lifecycle.confirm(ticket, "wang", {"caller_number": given})
        db.session.commit()
        assert db.session.get(Ticket, ticket.id).caller_number == stored


@pytest.mark.parametrize("given", ["12", "+8613800", "call me", "+86abc", "1" * 16])
def test_a_ticket_refuses_what_is_no_caller_number(app, given: str) -> None:
    with app.app_context():
        ticket = Ticket(state="draft", type="complaint", caller_number="anonymous", description="x")
        db.session.add(ticket)
        db.session.commit()
        with pytest.raises(lifecycle.TicketError, match="caller_number is a phone number"):
            lifecycle.confirm(ticket, "wang", {"caller_number": given})


@pytest.mark.parametrize("number", ["anonymous", "Restricted", "+266696687"])
def test_a_withheld_marker_is_shown_unmasked(number: str) -> None:
    """No personal data in it: `*******us` told the operator nothing."""
    assert mask_number(number) == number
    assert mask_number("+8613800138000") == "+86138****8000"

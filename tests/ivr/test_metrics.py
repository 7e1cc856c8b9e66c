"""Queue metrics over a scripted day of calls, played through the signed webhooks, checked
against values computed by hand; the day boundary is Shanghai's midnight."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.core.db import db
from ivr.menu import WEEKDAYS, load_document_text
from ivr.models import QueueVisit
from ivr.versions import create_version, default_menu_text, publish
from tests.accounts import create_user, issue_token
from tests.ivr.queue_calls import QueuedCall


@pytest.fixture
def app(make_app):
    return make_app(public_url="http://localhost")  # callbacks are offered


@pytest.fixture
def day(app, client, new_call, set_clock, operator_login):
    """A day of calls on 2026-11-23 (Asia/Shanghai), plus one at 23:59 the day before.

    Hours are 24/7 in this menu, so that calls around midnight reach the queue.
    """
    doc = load_document_text(default_menu_text())
    doc["hours"] = {"china_calendar": False, "weekly": {d: ["00:00-24:00"] for d in WEEKDAYS}}
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()

    set_clock(2026, 11, 22, 23, 50)
    operator = operator_login()
    calls = iter(range(100))

    def at(hour: int, minute: int, date: int = 23) -> None:
        """Move the clock; the operator's line is heard from (as their Dial times out)."""
        moment = datetime(2026, 11, date, hour) + timedelta(minutes=minute)
        set_clock(*moment.timetuple()[:5])
        operator.post("/twilio/operator/next")

    def join(hour: int, minute: int, date: int = 23) -> QueuedCall:
        at(hour, minute, date)
        queued = QueuedCall(new_call(caller=f"+86138001383{next(calls):02d}"))
        queued.join()
        return queued

    def answered(
        hour: int,
        minute: int,
        wait: int,
        rating: str | None,
        date: int = 23,
        wrap_up: int | None = 0,
    ) -> None:
        queued = join(hour, minute, date)
        queued.hold(position=1, queue_time=min(wait, 5))
        queued.bridge(operator, queue_time=wait)
        at(hour, minute + 2, date)  # two minutes of talk
        queued.leave("bridged", queue_time=wait)
        if rating is not None:
            queued.driver.press(rating)
        # the operator's Dial ends with the call; they end the after-call work with key 1
        # `wrap_up` seconds later (None: they let its 120 s run out)
        operator.post("/twilio/operator/after", DialCallStatus="completed")
        if wrap_up is not None:
            moment = datetime(2026, 11, date, hour) + timedelta(minutes=minute + 2, seconds=wrap_up)
            set_clock(*moment.timetuple()[:6])
            operator.press("1")

    answered(23, 59, wait=100, rating="3", date=22)  # the day before: not counted
    answered(0, 1, wait=8, rating=None, wrap_up=30)
    answered(9, 0, wait=10, rating="5", wrap_up=45)
    answered(9, 10, wait=25, rating="4", wrap_up=None)  # closed at 120 s by the next login
    answered(9, 20, wait=40, rating=None, wrap_up=15)
    answered(9, 30, wait=15, rating="2", wrap_up=60)
    join(10, 0).leave("hangup", queue_time=30)
    join(10, 5).leave("hangup", queue_time=5)
    voicemail = join(10, 10)
    voicemail.hold(position=1)
    voicemail.key("1")
    voicemail.leave("leave", queue_time=20)
    callback = join(10, 15)
    callback.hold(position=1)
    callback.key("2")
    callback.leave("leave", queue_time=12)
    waited_out = join(10, 20)
    waited_out.hold(position=1, queue_time=600)
    waited_out.leave("leave", queue_time=600)
    join(10, 40).leave("queue-full")
    at(11, 0)
    operator.post("/twilio/operator/after", DialCallStatus="no-answer")
    operator.press("2")  # unavailable: the next caller finds nobody
    assert join(11, 5).driver.twiml.find("Enqueue") is None
    return operator


def metrics_for(runner, first: str, last: str | None = None) -> dict:
    args = ["queues", "metrics", "--from", first, "--json"]
    if last:
        args += ["--to", last]
    result = runner.invoke(args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_scripted_day_matches_hand_computed_metrics(runner, day) -> None:
    m = metrics_for(runner, "2026-11-23")
    # 12 callers offered: 5 answered (waits 8, 10, 25, 40, 15), 2 hung up, 3 left (voicemail,
    # callback, max wait), 2 refused (queue full at Twilio, no operator available).
    assert (m["offered"], m["answered"], m["abandoned"], m["left"], m["refused"]) == (
        12,
        5,
        2,
        3,
        2,
    )
    assert m["answer_rate"] == pytest.approx(5 / 12)
    assert m["abandonment_rate"] == pytest.approx(2 / 12)
    assert m["average_wait"] == pytest.approx(98 / 5)
    assert m["p90_wait"] == 40  # nearest rank: ceil(0.9 × 5) = 5th of 8, 10, 15, 25, 40
    assert m["service_level"] == pytest.approx(3 / 12)  # 8, 10, 15 within 20 s
    assert m["service_level_seconds"] == 20
    assert m["average_talk"] == pytest.approx(120)
    assert m["average_wrap_up"] == pytest.approx((30 + 45 + 120 + 15 + 60) / 5)
    assert (m["callbacks_requested"], m["callbacks_reached"], m["callbacks_unreached"]) == (1, 0, 0)
    assert m["satisfaction"] == pytest.approx(11 / 3)  # ratings 5, 4, 2
    assert m["ratings"] == 3


def test_the_day_before_ends_at_shanghai_midnight(runner, day) -> None:
    m = metrics_for(runner, "2026-11-22")
    assert (m["offered"], m["answered"], m["average_wait"], m["p90_wait"]) == (1, 1, 100.0, 100)
    both = metrics_for(runner, "2026-11-22", "2026-11-23")
    assert both["offered"] == 13


def test_an_empty_period_has_no_ratios(runner, day) -> None:
    m = metrics_for(runner, "2026-11-24")
    assert m["offered"] == 0
    for key in ("answer_rate", "abandonment_rate", "average_wait", "p90_wait", "service_level"):
        assert m[key] is None, key
    assert m["satisfaction"] is None


def test_metrics_and_operator_ratings_through_the_api(app, client, day) -> None:
    with app.app_context():
        create_user("maria", "manager", password="a-password")
        manager = issue_token("maria")
        operator = issue_token("alice")
    response = client.get(
        "/api/v1/queues/metrics?from=2026-11-23",
        headers={"Authorization": f"Bearer {manager}"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["metrics"]["answered"] == 5
    [alice] = body["operators"]
    assert (alice["username"], alice["answered"], alice["ratings"]) == ("alice", 5, 3)
    assert alice["satisfaction"] == pytest.approx(11 / 3)
    forbidden = client.get(
        "/api/v1/queues/metrics", headers={"Authorization": f"Bearer {operator}"}
    )
    assert forbidden.status_code == 403
    bad = client.get(
        "/api/v1/queues/metrics?from=23/11/2026", headers={"Authorization": f"Bearer {manager}"}
    )
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "from"


def test_live_queues_show_operators_only_their_own(app, client, operator_login) -> None:
    operator_login("bob", "+8613900000002", queues=("experts",))
    with app.app_context():
        bob = issue_token("bob")
        create_user("maria", "manager", password="a-password")
        manager = issue_token("maria")
    mine = client.get("/api/v1/queues", headers={"Authorization": f"Bearer {bob}"}).get_json()
    assert [q["queue"] for q in mine["items"]] == ["experts"]
    assert mine["items"][0]["operators_available"] == 1
    every = client.get("/api/v1/queues", headers={"Authorization": f"Bearer {manager}"})
    assert [q["queue"] for q in every.get_json()["items"]] == ["operators"]


def test_a_wrap_up_that_ran_out_counts_its_full_time_before_anyone_closes_it(
    app, client, new_call, set_clock, operator_login
) -> None:
    """The operator logs out during the after-call work: nothing closes it, and yet the
    average counts its 120 s (wrap_up_max) once they have passed, not before."""
    operator = operator_login()
    queued = QueuedCall(new_call())
    queued.join()
    queued.bridge(operator, queue_time=12)
    set_clock(2026, 11, 23, 10, 3)
    queued.leave("bridged", queue_time=12)
    operator.post("/twilio/operator/after", DialCallStatus="completed")
    operator.press("9")  # log out, the wrap-up still running
    with app.app_context():
        create_user("maria", "manager", password="a-password")
        manager = issue_token("maria")

    def average_wrap_up() -> float | None:
        response = client.get(
            "/api/v1/queues/metrics", headers={"Authorization": f"Bearer {manager}"}
        )
        assert response.status_code == 200
        return response.get_json()["metrics"]["average_wrap_up"]

    set_clock(2026, 11, 23, 10, 4)
    assert average_wrap_up() is None  # still running: not over, not averaged
    set_clock(2026, 11, 23, 10, 30)
    assert average_wrap_up() == pytest.approx(120)
    with app.app_context():
        visit = db.session.scalar(select(QueueVisit))
        assert (visit.wrapup_ended_at, visit.wrapup_seconds) == (None, None)

"""Queued callbacks that keep the caller's place: ordering, the call back, bounded retries and
the draft ticket at the end. Twilio's REST API is the local fake, which records every
`calls.create`; the dispatcher runs as the real RQ job on a real worker (burst)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.core.db import db
from ivr.models import Callback, QueueVisit
from tests.conftest import job_runner
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import CallDriver, call_params, parse_twiml, post_signed
from tickets.models import Ticket

HOTLINE = "+862112315"
B_NUMBER = "+8613800138222"


@pytest.fixture
def app(make_app, fake_twilio):
    return make_app(public_url="http://localhost", twilio_api_base_url=fake_twilio.base_url)


@pytest.fixture
def run_jobs(app):
    """Run the queued jobs (the callback dispatcher) with a real RQ worker, burst mode."""
    return job_runner(app)


@pytest.fixture
def caller(new_call):
    counter = iter(range(100))

    def make(number: str | None = None) -> QueuedCall:
        return QueuedCall(new_call(caller=number or f"+86138001382{next(counter):02d}"))

    return make


def the_callback(app) -> Callback:
    with app.app_context():
        return db.session.scalars(select(Callback)).one()


def ask_for_callback(caller, number: str = B_NUMBER) -> QueuedCall:
    queued = caller(number)
    queued.join()
    queued.hold(position=1)
    queued.key("2")
    queued.leave("leave", queue_time=20)
    return queued


def answer_callback(client, created: dict[str, str]) -> QueuedCall:
    """The called-back caller picks up: Twilio requests the callback's Url."""
    driver = CallDriver(client, call_sid=created["Sid"], caller=created["To"])
    driver.params.update(
        From=created["From"], Caller=created["From"], To=created["To"], Called=created["To"]
    )
    driver.params["Direction"] = "outbound-api"
    queued = QueuedCall(driver)
    root = driver.post(created["Url"])
    queued.enqueued(root)
    return queued


def post_status(client, created: dict[str, str], status: str):
    params = call_params(
        created["Sid"], From=created["From"], To=created["To"], CallStatus=status, CallDuration="0"
    )
    params["Direction"] = "outbound-api"
    return post_signed(client, created["StatusCallback"].removeprefix("http://localhost"), params)


def test_callback_is_placed_after_earlier_callers_are_served_and_before_later_ones(
    app, client, caller, on_duty, fake_twilio, run_jobs, set_clock
) -> None:
    a = caller()
    a.join()
    set_clock(2026, 11, 23, 10, 1)
    b = ask_for_callback(caller)
    set_clock(2026, 11, 23, 10, 2)
    c = caller()
    c.join()
    c.hold(position=2)
    assert c.says_on_hold()[0] == "您目前排在第3位。"  # A in the queue, B holding a place
    run_jobs()
    assert fake_twilio.calls_created == []  # A joined before B and is still waiting

    set_clock(2026, 11, 23, 10, 3)
    a.bridge(on_duty, queue_time=90)  # the operator takes A: B's turn has come
    run_jobs()
    assert [made["To"] for made in fake_twilio.calls_created] == [B_NUMBER]
    created = fake_twilio.calls_created[0]
    callback = the_callback(app)
    assert created["From"] == HOTLINE
    assert created["Url"] == f"http://localhost/twilio/callbacks/{callback.id}/answer"
    assert created["StatusCallback"] == f"http://localhost/twilio/callbacks/{callback.id}/status"
    assert created["StatusCallbackEvent"] == "completed"
    assert created["Timeout"] == "30"
    assert (callback.state, callback.attempts, callback.last_call_sid) == (
        "dialing",
        1,
        created["Sid"],
    )

    b_again = answer_callback(client, created)
    assert b_again.driver.twiml.find("Enqueue").text == "operators-callbacks"
    assert "您之前申请了回电" in b_again.driver.spoken()
    assert the_callback(app).state == "reached"
    b_again.hold(position=1)
    assert b_again.hold_twiml.find("Gather") is None  # no options: they are next

    a.leave("bridged", queue_time=90)  # A's talk with the operator ends
    on_duty.follow("Dial", DialCallStatus="completed", DialCallDuration="200")
    root = on_duty.press("1")  # next caller: the called-back B comes before C
    assert root.find("Dial/Queue").text == "operators-callbacks"
    set_clock(2026, 11, 23, 10, 6)
    b_again.bridge(on_duty, queue_time=8)
    b_again.leave("bridged", queue_time=8)
    on_duty.follow("Dial", DialCallStatus="completed", DialCallDuration="60")
    root = on_duty.press("1")
    assert root.find("Dial/Queue").text == "operators"  # then C
    set_clock(2026, 11, 23, 10, 9)
    c.bridge(on_duty, queue_time=400)
    with app.app_context():
        answered = db.session.scalars(
            select(QueueVisit)
            .where(QueueVisit.bridged_at.is_not(None))
            .order_by(QueueVisit.bridged_at)
        ).all()
        order = [(v.call.call_sid, v.callback_id) for v in answered]
    assert order == [(a.sid, None), (b_again.sid, callback.id), (c.sid, None)]
    assert b.sid != b_again.sid
    assert len(fake_twilio.calls_created) == 1


def test_unanswered_callbacks_are_retried_a_bounded_number_of_times_then_drafted(
    app, client, caller, on_duty, fake_twilio, run_jobs, set_clock, runner
) -> None:
    ask_for_callback(caller)
    run_jobs()
    assert len(fake_twilio.calls_created) == 1
    assert post_status(client, fake_twilio.calls_created[0], "no-answer").status_code == 204
    callback = the_callback(app)
    assert (callback.state, callback.last_status) == ("retry", "no-answer")
    run_jobs()
    assert len(fake_twilio.calls_created) == 1  # not before callback_retry_minutes (5)

    set_clock(2026, 11, 23, 10, 5)
    result = runner.invoke(["callbacks", "dispatch"])
    assert result.exit_code == 0, result.output
    assert f"placed callback {callback.id} to {B_NUMBER}" in result.output
    assert len(fake_twilio.calls_created) == 2
    post_status(client, fake_twilio.calls_created[1], "busy")
    assert the_callback(app).state == "retry"

    set_clock(2026, 11, 23, 10, 10)
    runner.invoke(["callbacks", "dispatch"])
    assert len(fake_twilio.calls_created) == 3
    last = fake_twilio.calls_created[2]
    post_status(client, last, "no-answer")
    post_status(client, last, "no-answer")  # Twilio retried the status callback
    callback = the_callback(app)
    assert (callback.state, callback.attempts) == ("unreached", 3)
    with app.app_context():
        tickets = db.session.scalars(select(Ticket)).all()
        assert len(tickets) == 1
        ticket = tickets[0]
        assert (ticket.state, ticket.source, ticket.caller_number) == (
            "draft",
            "callback",
            B_NUMBER,
        )
        assert "3次回拨未接通" in ticket.description
        assert ticket.id == callback.ticket_id
        assert [e.kind for e in ticket.events] == ["drafted"]

    set_clock(2026, 11, 23, 10, 30)
    runner.invoke(["callbacks", "dispatch"])
    assert len(fake_twilio.calls_created) == 3  # bounded: no fourth try


def test_a_failed_rest_call_counts_as_a_try(app, caller, on_duty, fake_twilio, run_jobs) -> None:
    fake_twilio.call_faults.append(500)
    ask_for_callback(caller)
    run_jobs()
    callback = the_callback(app)
    assert (callback.state, callback.attempts, callback.last_status) == ("retry", 1, "failed")
    assert fake_twilio.calls_created == []


def test_no_callback_is_placed_while_no_operator_is_available(
    app, caller, on_duty, fake_twilio, run_jobs
) -> None:
    ask_for_callback(caller)
    # the operator's Dial had been waiting; they log out before the dispatcher runs
    on_duty.follow("Dial", DialCallStatus="no-answer")
    on_duty.press("9")
    run_jobs()
    assert fake_twilio.calls_created == []
    assert the_callback(app).state == "pending"


def test_answer_webhook_for_an_unknown_try_hangs_up(app, client, caller, on_duty) -> None:
    ask_for_callback(caller)
    callback = the_callback(app)
    response = post_signed(
        client, f"/twilio/callbacks/{callback.id}/answer", call_params("CA" + "9" * 32)
    )
    root = parse_twiml(response.data)
    assert [el.tag for el in root] == ["Hangup"]
    assert the_callback(app).state == "pending"


def test_a_callback_whose_status_never_comes_does_not_hold_up_the_line(
    app, caller, on_duty, fake_twilio, run_jobs, set_clock, runner
) -> None:
    ask_for_callback(caller)
    run_jobs()
    assert len(fake_twilio.calls_created) == 1
    set_clock(2026, 11, 23, 10, 16)  # no answer webhook, no status callback for 16 minutes
    assert runner.invoke(["callbacks", "dispatch"]).exit_code == 0
    callback = the_callback(app)
    assert (callback.state, callback.last_status, callback.attempts) == ("retry", "no-status", 1)

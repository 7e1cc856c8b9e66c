"""The desk over HTTP: an operator logged in on the web and on the operator line takes a queued
caller (signed webhooks); the desk's JSON pops the caller with path, wait and history; a ticket
is registered during the call; the wrap-up holds the next caller back until it ends; another
operator's call, a stale call and bad forms are refused; a letter counts under its channel."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog
from ivr.models import QueueVisit
from reports.figures import figures
from reports.periods import days
from tests.ivr.queue_calls import QueuedCall
from tickets.models import Ticket, TicketEvent
from voicemail.models import Voicemail

CALLER = "+8613800138000"


@pytest.fixture
def app(make_app, fake_twilio):
    """Twilio's REST API (a live call's redirect, SMS) is the fake one on 127.0.0.1."""
    return make_app(public_url="http://localhost", twilio_api_base_url=fake_twilio.base_url)


def earlier_history(app) -> None:
    """The caller filed a ticket last week and left a voicemail."""
    with app.app_context():
        ticket = Ticket(
            number="12315-20261116-0007",
            state="dispatched",
            source="voicemail",
            type="complaint",
            category="food",
            caller_number=CALLER,
            description="过期牛奶",
        )
        ticket.due_at = ticket.created_at = ticket.updated_at = None
        db.session.add(ticket)
        db.session.add(
            Voicemail(recording_sid="RE" + "7" * 32, call_sid="CA" + "7" * 32, from_number=CALLER)
        )
        db.session.commit()


def complaint_caller(new_call, caller: str = CALLER) -> QueuedCall:
    """A caller who chose Mandarin, complaint, then the operator: in the queue."""
    queued = QueuedCall(new_call(caller=caller))
    queued.driver.start()
    queued.driver.press("1")  # 普通话
    queued.driver.press("1")  # 投诉
    queued.enqueued(queued.driver.press("1"))  # 转接话务员
    return queued


@pytest.fixture
def alice(app, operator_login, web_login):
    line = operator_login("alice")
    return line, web_login("alice")


def test_the_desk_pops_the_caller_the_operator_takes(app, alice, new_call) -> None:
    line, web = alice
    earlier_history(app)
    assert web.live()["state"] == "available"
    assert web.live()["call"] is None

    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=42)

    live = web.live()
    assert live["state"] == "on_call"
    call = live["call"]
    assert call["caller"] == CALLER  # unmasked for the operator
    assert call["language"] == "zh-CN"
    assert call["path"] == ["主菜单", "投诉", "人工服务"]
    assert call["ticket_type"] == "complaint"
    assert call["waited_seconds"] == 42
    assert [t["number"] for t in call["earlier_tickets"]] == ["12315-20261116-0007"]
    assert call["earlier_tickets"][0]["state"] == "dispatched"
    assert len(call["voicemails"]) == 1
    assert call["ended"] is False


def test_a_ticket_registered_during_the_call_then_wrap_up_then_the_next_caller(
    app, alice, new_call
) -> None:
    line, web = alice
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    visit_id = web.live()["call"]["visit_id"]

    text = "我在淘宝买的手机是假货，商家不给退款，金额三千元"
    suggested = web.post("/desk/suggest", {"text": text, "language": "zh-CN", "caller": CALLER})
    assert suggested.status_code == 200
    category = suggested.get_json()["fields"]["category"]
    assert category  # the suggester names one; the operator accepts it

    response = web.post(
        "/desk/tickets",
        {"visit_id": visit_id, "type": "complaint", "description": text, "category": category},
    )
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["ticket"]["number"]
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.state == "open"
        assert ticket.source == "phone"
        assert ticket.queue_visit_id == visit_id
        assert ticket.call_id is not None
        assert ticket.caller_number == CALLER
        assert ticket.category == category
        assert ticket.due_at is not None
        assert ticket.lookup_pin_hash
        kinds = db.session.scalars(
            select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
        ).all()
        assert kinds[0] == "registered"
        assert "opened" in kinds
    assert [t["number"] for t in web.live()["call"]["registered"]] == [number]

    # the caller hangs up: the wrap-up starts, and the line offers no caller meanwhile
    queued.leave("bridged", queue_time=5)
    live = web.live()
    assert live["state"] == "wrap_up"
    assert live["wrap_up"]["visit_id"] == visit_id
    assert live["wrap_up"]["seconds_left"] == 120
    line.follow("Dial", DialCallStatus="completed")
    assert line.twiml.find("Dial") is None
    line.press("")  # the menu timed out: still wrapping up, no Dial
    assert line.twiml.find("Dial") is None
    assert line.twiml.find("Gather") is not None

    ended = web.post("/desk/wrap-up", {"visit_id": visit_id, "disposition": "ticket_registered"})
    assert ended.status_code == 200, ended.get_json()
    assert web.live()["state"] == "available"
    line.press("")
    assert line.twiml.find("Dial") is not None  # offered the next caller
    with app.app_context():
        visit = db.session.get(QueueVisit, visit_id)
        assert visit.disposition == "ticket_registered"
        assert visit.wrapup_seconds == 0  # the clock stood still in this test
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "desk.wrapped_up"))


def test_the_wrap_up_ends_on_its_own_when_its_time_is_up(app, alice, new_call, set_clock) -> None:
    line, web = alice
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    queued.leave("bridged", queue_time=5)
    assert web.live()["state"] == "wrap_up"
    set_clock(2026, 11, 23, 10, 2, 1)  # 121 s later
    assert web.live()["state"] == "available"
    line.follow("Dial", DialCallStatus="completed")
    line.press("")
    assert line.twiml.find("Dial") is not None
    with app.app_context():
        visit = db.session.scalars(select(QueueVisit)).one()
        assert visit.wrapup_seconds == 120  # what the wrap-up lasted: its maximum


def test_the_scheduler_closes_wrap_ups_whose_time_ran_out(app, alice, new_call, set_clock) -> None:
    from hotline.core.jobs import use_app
    from ivr.jobs import close_expired_wrap_ups

    line, web = alice
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    queued.leave("bridged", queue_time=5)
    use_app(app)
    assert close_expired_wrap_ups() == 0  # still running
    set_clock(2026, 11, 23, 10, 5)
    assert close_expired_wrap_ups() == 1
    with app.app_context():
        visit = db.session.scalars(select(QueueVisit)).one()
        assert visit.wrapup_seconds == 120
        assert visit.wrapup_ended_at == visit.wrapup_due_at


def test_the_operator_ends_the_wrap_up_with_key_1(app, alice, new_call) -> None:
    line, web = alice
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    queued.leave("bridged", queue_time=5)
    line.follow("Dial", DialCallStatus="completed")
    assert "话后整理" in line.spoken()
    line.press("1")
    assert line.twiml.find("Dial") is not None
    assert web.live()["state"] == "available"


def test_another_operator_cannot_see_or_register_on_the_call(
    app, alice, new_call, operator_login, web_login
) -> None:
    line, web = alice
    operator_login("bob", phone="+8613900000002")
    bob = web_login("bob")
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    visit_id = web.live()["call"]["visit_id"]

    assert bob.live()["call"] is None
    refused = bob.post(
        "/desk/tickets", {"visit_id": visit_id, "type": "complaint", "description": "x"}
    )
    assert refused.status_code == 403
    assert "visit_id" in refused.get_json()["errors"]
    queued.leave("bridged", queue_time=5)
    wrap = bob.post("/desk/wrap-up", {"visit_id": visit_id, "disposition": "abusive"})
    assert wrap.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Ticket.id)) is None
        assert db.session.get(QueueVisit, visit_id).disposition is None


def test_a_stale_call_says_so(app, alice, new_call) -> None:
    line, web = alice
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=5)
    visit_id = web.live()["call"]["visit_id"]
    queued.leave("bridged", queue_time=5)
    web.post("/desk/wrap-up", {"visit_id": visit_id, "disposition": "silent_line"})
    assert web.live()["call"] is None

    late = web.post(
        "/desk/tickets", {"visit_id": visit_id, "type": "complaint", "description": "晚了"}
    )
    assert late.status_code == 409
    assert (
        "ended" in late.get_json()["errors"]["visit_id"]
        or "结束" in (late.get_json()["errors"]["visit_id"])
    )
    again = web.post("/desk/wrap-up", {"visit_id": visit_id, "disposition": "abusive"})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Ticket.id)) is None


def test_a_form_with_missing_fields_names_each_and_saves_nothing(app, alice) -> None:
    _line, web = alice
    response = web.post("/desk/tickets", {"caller_number": "12"})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {"type", "description", "channel"} <= set(errors)
    bad_number = web.post(
        "/desk/tickets",
        {"channel": "letter", "type": "complaint", "description": "来信", "caller_number": "12"},
    )
    assert bad_number.status_code == 400
    assert "caller_number" in bad_number.get_json()["errors"]
    bad_amount = web.post(
        "/desk/tickets",
        {
            "channel": "visit",
            "type": "complaint",
            "description": "来访",
            "caller_number": CALLER,
            "amount": "three",
        },
    )
    assert bad_amount.status_code == 400
    assert "amount" in bad_amount.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(Ticket.id)) is None  # nothing half-saved


def test_a_letter_is_registered_without_a_call_and_counted_under_its_channel(
    app, alice, set_clock
) -> None:
    _line, web = alice
    response = web.post(
        "/desk/tickets",
        {
            "channel": "letter",
            "type": "complaint",
            "caller_number": "+8613700137000",
            "description": "来信反映：某健身房关门跑路，预付卡余额五千元无法退还。",
        },
    )
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.source, ticket.state, ticket.queue_visit_id) == ("letter", "open", None)
        counted = figures(days("2026-11-23", "2026-11-23"), ZoneInfo("Asia/Shanghai"))
        assert counted.by_source == {"letter": 1}


def test_break_and_log_out_from_the_desk(app, alice, fake_twilio) -> None:
    line, web = alice
    assert line.twiml.find("Dial") is not None  # idle, waiting in the queue
    assert web.post("/desk/state", {"state": "break"}).get_json()["state"] == "break"
    # the phone waiting in its queue is moved out of it at once (twilio REST)
    assert [c["Url"] for c in fake_twilio.calls_updated] == [
        "http://localhost/twilio/operator/next"
    ]
    assert fake_twilio.calls_updated[0]["Sid"] == line.params["CallSid"]
    line.post("/twilio/operator/next")
    assert line.twiml.find("Dial") is None
    assert web.post("/desk/state", {"state": "available"}).get_json()["state"] == "available"
    line.post("/twilio/operator/next")
    assert line.twiml.find("Dial") is not None
    assert web.post("/desk/state", {"state": "offline"}).get_json()["state"] == "offline"
    line.post("/twilio/operator/next")
    assert line.twiml.find("Hangup") is not None
    refused = web.post("/desk/state", {"state": "available"})
    assert refused.status_code == 400  # log in on the line first
    assert web.post("/desk/state", {"state": "dancing"}).status_code == 400


def test_the_desk_api_with_a_bearer_token(app, alice, new_call, client) -> None:
    from tests.accounts import issue_token

    line, _web = alice
    with app.app_context():
        token = issue_token("alice")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/desk", headers=auth).get_json()["state"] == "available"
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=7)
    desk = client.get("/api/v1/desk", headers=auth).get_json()
    assert desk["state"] == "on_call"
    assert desk["call"]["caller"] == CALLER
    visit_id = desk["call"]["visit_id"]
    made = client.post(
        "/api/v1/desk/tickets",
        json={"visit_id": visit_id, "type": "report", "description": "无照经营的地下窝点"},
        headers=auth,
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["number"].startswith("12315-")
    missing = client.post("/api/v1/desk/tickets", json={"visit_id": visit_id}, headers=auth)
    assert missing.status_code == 400
    queued.leave("bridged", queue_time=7)
    done = client.post(
        "/api/v1/desk/wrap-up",
        json={"visit_id": visit_id, "disposition": "ticket_registered", "note": "ok"},
        headers=auth,
    )
    assert done.status_code == 200, done.get_json()
    assert client.get("/api/v1/desk", headers=auth).get_json()["state"] == "available"
    assert (
        client.put("/api/v1/desk/state", json={"state": "break"}, headers=auth).status_code == 200
    )
    assert client.get("/api/v1/desk", headers={"Authorization": "Bearer nope"}).status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/desk", "/api/v1/desk/tickets", "/api/v1/desk/wrap-up"} <= set(paths)


def test_a_called_back_caller_pops_with_their_number_and_the_callback_they_asked_for(
    app, alice, new_call, client, fake_twilio
) -> None:
    from tests.conftest import job_runner
    from tests.ivr.test_callbacks import answer_callback

    line, web = alice
    earlier_history(app)
    asked = complaint_caller(new_call)
    asked.hold(position=1)
    asked.key("2")  # call me back, keeping my place
    asked.leave("leave", queue_time=20)
    job_runner(app)()  # the dispatcher places the callback (twilio REST: the fake)
    created = fake_twilio.calls_created[0]
    assert created["To"] == CALLER
    again = answer_callback(client, created)  # the caller picks up and re-joins the line
    again.bridge(line, queue_time=3)

    call = web.live()["call"]
    assert call["caller"] == CALLER  # not the hotline's own number (Twilio's From)
    assert call["callback"]["attempts"] == 1
    assert call["callback"]["number"] == CALLER
    assert call["path"] == ["主菜单", "投诉", "人工服务"]  # the path of the call they made
    assert call["ticket_type"] == "complaint"
    assert [t["number"] for t in call["earlier_tickets"]] == ["12315-20261116-0007"]


def test_the_cli_registers_a_visit_and_shows_the_states(app, alice, runner) -> None:
    result = runner.invoke(
        [
            "desk",
            "register",
            "--as",
            "alice",
            "--channel",
            "visit",
            "--type",
            "consultation",
            "--caller",
            "+8613700137000",
            "--text",
            "来访咨询：网购商品七天无理由退货的规定",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("12315-")
    refused = runner.invoke(
        [
            "desk",
            "register",
            "--as",
            "alice",
            "--channel",
            "letter",
            "--type",
            "complaint",
            "--caller",
            "12",
            "--text",
            "x",
        ]
    )
    assert refused.exit_code == 1
    assert "caller_number" in refused.output
    status = runner.invoke(["desk", "status"])
    assert "alice" in status.output
    assert "available" in status.output
    with app.app_context():
        assert db.session.scalars(select(Ticket.source)).all() == ["visit"]


def test_an_id_beyond_the_database_integer_is_refused_clearly(app, alice) -> None:
    """Found by schemathesis: a visit id past 2³¹ − 1 gave a 500 (integer out of range)."""
    _line, web = alice
    huge = {"visit_id": 2**63, "disposition": "abusive"}
    assert web.post("/desk/wrap-up", huge).status_code == 400
    registration = {"visit_id": 2**31, "type": "complaint", "description": "x"}
    assert web.post("/desk/tickets", registration).status_code == 400

"""Callers in a queue: announcements on hold, keys on hold, overflow, results and the survey,
played through the signed webhooks with the parameters Twilio sends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.core.db import db
from ivr.menu import load_document_text
from ivr.models import Call, Callback, QueueVisit
from ivr.versions import create_version, default_menu_text, publish
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import WAIT_URL_VERBS, call_params, parse_twiml, post_signed


@pytest.fixture
def app(make_app):
    """A public URL is set: Twilio can fetch a callback's TwiML, so callbacks are offered."""
    return make_app(public_url="http://localhost")


@pytest.fixture
def caller(new_call):
    counter = iter(range(100))

    def make(number: str | None = None) -> QueuedCall:
        generated = f"+86138001381{next(counter):02d}"
        return QueuedCall(new_call(caller=generated if number is None else number))

    return make


def visit_of(app, queued: QueuedCall) -> QueueVisit:
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.call_sid == queued.sid))
        return db.session.scalars(
            select(QueueVisit).where(QueueVisit.call_id == call.id).order_by(QueueVisit.id)
        ).all()[-1]


def publish_with(app, change) -> None:
    doc = load_document_text(default_menu_text())
    change(doc)
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()


# -- announcements -----------------------------------------------------------------------------


def test_position_and_estimate_from_twilio_average_in_mandarin(app, caller, on_duty) -> None:
    queued = caller()
    root = queued.join()
    assert root.find("Enqueue").text == "operators"
    assert "正在为您转接话务员" in queued.driver.spoken()
    hold = queued.hold(position=3, queue_time=10, avg=130)  # no history yet: AvgQueueTime
    gather = hold.find("Gather")
    assert gather.get("numDigits") == "1"
    assert queued.says_on_hold()[:2] == ["您目前排在第3位。", "预计等待约3分钟。"]
    assert "如需回电，请按2" in queued.says_on_hold()[2]
    assert gather.find("Pause").get("length") == "45"  # announce_every; then Twilio asks again
    assert visit_of(app, queued).position_on_join == 1


def test_position_and_estimate_in_english(caller, on_duty) -> None:
    queued = caller()
    queued.join(language_key="2")
    queued.hold(position=4, queue_time=5, avg=50)
    assert queued.says_on_hold()[:2] == [
        "You are number 4 in the queue.",
        "The estimated wait is about 1 minute.",
    ]
    assert "press 2" in queued.says_on_hold()[2]
    assert queued.hold_twiml.find("Gather/Say").get("language") == "en-US"
    queued.hold(position=1, queue_time=30, avg=50)
    assert queued.says_on_hold()[0] == "You are next in line. Please hold."
    assert not any("estimated" in s for s in queued.says_on_hold())


def test_estimate_comes_from_recent_answered_callers(app, caller, on_duty) -> None:
    for wait in (30, 40, 50):  # three callers, each first in line, answered after these waits
        served = caller()
        served.join()
        served.bridge(on_duty, queue_time=wait)
        served.leave("bridged", queue_time=wait)
    queued = caller()
    queued.join()
    # 40 s per place in line → 3rd place: 120 s; Twilio's average (600 s) is not used.
    queued.hold(position=3, queue_time=0, avg=600)
    assert queued.says_on_hold()[:2] == ["您目前排在第3位。", "预计等待约2分钟。"]


def test_callers_holding_a_callback_place_count_in_the_position(app, caller, on_duty) -> None:
    first = caller()
    first.join()
    first.hold(position=1)
    first.key("2")  # asks for a callback: leaves Twilio's queue, keeps the place
    first.leave("leave", queue_time=20)
    second = caller()
    second.join()
    assert visit_of(app, second).position_on_join == 2
    second.hold(position=1)  # first in Twilio's queue, but the callback is ahead
    assert queued_says(second)[0] == "您目前排在第2位。"


def queued_says(queued: QueuedCall) -> list[str]:
    return queued.says_on_hold()


# -- keys on hold ------------------------------------------------------------------------------


def test_pressing_1_leaves_for_the_voicemail_box(app, caller, on_duty) -> None:
    queued = caller()
    queued.join()
    queued.hold(position=2)
    assert queued.key("1").find("Leave") is not None
    root = queued.leave("leave", queue_time=35)
    assert root.find("Record") is not None  # the voicemail node
    visit = visit_of(app, queued)
    assert (visit.result, visit.leave_reason, visit.wait_seconds) == ("leave", "voicemail", 35)


def test_pressing_2_registers_a_callback_that_keeps_the_place(app, caller, on_duty) -> None:
    queued = caller("+8613800138123")
    queued.join()
    queued.hold(position=2)
    assert queued.key("2").find("Leave") is not None
    root = queued.leave("leave", queue_time=12)
    assert "已为您登记回电" in queued.driver.spoken()
    assert root.find("Hangup") is not None
    visit = visit_of(app, queued)
    assert (visit.result, visit.leave_reason) == ("leave", "callback")
    with app.app_context():
        callback = db.session.scalars(select(Callback)).one()
        assert callback.number == "+8613800138123"
        assert callback.state == "pending"
        assert callback.joined_at == visit.entered_at
        assert callback.hotline_number == "+862112315"
        assert callback.language == "zh-CN"


@pytest.mark.parametrize("number", ["anonymous", "+266696687", "", "12345", "+8600"])
def test_withheld_or_invalid_numbers_cannot_choose_callback(app, caller, on_duty, number) -> None:
    queued = caller(number)
    queued.join()
    queued.hold(position=2)
    assert queued.says_on_hold()[-1] == "如需留言，请按1。"
    root = queued.key("2")
    assert "无法回拨" in queued.says_on_hold()[0]
    assert root.find("Redirect").text == queued.wait_url  # back to waiting, still in line
    assert root.find("Leave") is None
    with app.app_context():
        assert db.session.scalars(select(Callback)).all() == []


def test_another_key_repeats_the_announcement(caller, on_duty) -> None:
    queued = caller()
    queued.join()
    queued.hold(position=2)
    root = queued.key("7")
    assert root.find("Redirect").text == queued.wait_url
    assert root.find("Leave") is None


# -- overflow and results ----------------------------------------------------------------------


def test_max_wait_leads_to_leave_then_the_overflow(app, caller, on_duty) -> None:
    queued = caller()
    queued.join()
    root = queued.hold(position=2, queue_time=600)  # the default menu's max_wait
    assert [el.tag for el in root] == ["Leave"]
    root = queued.leave("leave", queue_time=600)
    assert "所有话务员都在忙" in queued.driver.spoken()
    assert root.find("Record") is not None
    visit = visit_of(app, queued)
    assert (visit.result, visit.leave_reason, visit.wait_seconds) == ("leave", "max-wait", 600)


def test_queue_full_at_twilio_goes_to_overflow(app, caller, on_duty) -> None:
    queued = caller()
    queued.join()
    root = queued.leave("queue-full")
    assert "排队人数已满" in queued.driver.spoken()
    assert root.find("Record") is not None
    assert visit_of(app, queued).result == "queue-full"


def test_max_size_overflows_without_enqueueing(app, caller, on_duty) -> None:
    publish_with(app, lambda doc: doc["queues"]["operators"].update(max_size=1))
    caller().join()
    second = caller()
    root = second.join()
    assert root.find("Enqueue") is None
    assert root.find("Record") is not None
    assert "排队人数已满" in second.driver.spoken()
    assert visit_of(app, second).result == "queue-full"


def test_no_operator_logged_in_goes_to_overflow(app, caller) -> None:
    queued = caller()
    root = queued.join()
    assert root.find("Enqueue") is None
    assert root.find("Record") is not None
    assert "所有话务员都在忙" in queued.driver.spoken()
    assert visit_of(app, queued).result == "no-operators"


def test_language_no_operator_speaks_goes_to_overflow(app, caller, on_duty) -> None:
    publish_with(app, lambda doc: doc["queues"]["operators"].update(languages=["zh-CN"]))
    queued = caller()
    root = queued.join(language_key="2")
    assert root.find("Enqueue") is None
    assert "all our operators are busy" in queued.driver.spoken()


def test_hangup_while_waiting_counts_as_abandoned(app, caller, on_duty) -> None:
    queued = caller()
    queued.join()
    root = queued.leave("hangup", queue_time=48)
    assert [el.tag for el in root] == ["Hangup"]
    visit = visit_of(app, queued)
    assert (visit.result, visit.wait_seconds) == ("hangup", 48)


def test_a_hangup_twilio_never_reports_is_closed_by_the_status_callback(
    app, caller, on_duty
) -> None:
    queued = caller()
    queued.join()
    params = {**queued.driver.params, "CallStatus": "completed", "CallDuration": "75"}
    assert post_signed(queued.client, "/twilio/status", params).status_code == 204
    visit = visit_of(app, queued)
    assert visit.result == "hangup"
    assert visit.left_at is not None


def test_bridged_caller_hears_the_survey_and_the_rating_is_stored(app, caller, on_duty) -> None:
    queued = caller()
    queued.join()
    queued.hold(position=1, queue_time=5)
    connecting = queued.bridge(on_duty, queue_time=25)
    assert connecting.find("Say").text == "正在为您接通话务员。"
    visit = visit_of(app, queued)
    assert (visit.result, visit.wait_seconds) == ("bridged", 25)
    assert visit.operator_id is not None
    assert visit.left_at is None
    root = queued.leave("bridged", queue_time=25)  # the operator hung up
    assert "请对本次服务进行评价" in queued.driver.spoken()
    assert root.find("Gather").get("numDigits") == "1"
    queued.driver.press("5")
    assert "感谢您的评价" in queued.driver.spoken()
    visit = visit_of(app, queued)
    assert visit.rating == 5
    assert visit.talk_seconds is not None
    assert visit.left_at is not None
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.call_sid == queued.sid))
        assert call.satisfaction == 5


# -- the wait URL never leaves wait-TwiML --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/queue/1/no-such-node/wait?lang=zh-CN",
        "/twilio/queue/1/main/wait?lang=zh-CN",  # not a queue node
        "/twilio/queue/999/operator/wait?lang=en-US",
        "/twilio/queue/1/operator/choice?lang=zh-CN",  # a key from a call never enqueued
    ],
)
def test_bad_wait_urls_still_answer_wait_twiml(client, path: str) -> None:
    params = {**call_params(Digits="2"), "QueuePosition": "x", "QueueTime": "-1"}
    response = post_signed(client, path, params)
    assert response.status_code == 200
    root = parse_twiml(response.data, allowed_top=WAIT_URL_VERBS)
    assert {el.tag for el in root} & {"Say", "Gather", "Redirect"}, response.data


def test_talk_time_comes_from_the_status_callback_when_the_caller_hangs_up_first(
    app, caller, on_duty, set_clock
) -> None:
    queued = caller()
    queued.join()
    queued.bridge(on_duty, queue_time=30)
    set_clock(2026, 11, 23, 10, 4)  # four minutes of talk, then the caller hangs up
    params = {**queued.driver.params, "CallStatus": "completed", "CallDuration": "290"}
    assert post_signed(queued.client, "/twilio/status", params).status_code == 204
    visit = visit_of(app, queued)
    assert (visit.result, visit.wait_seconds, visit.talk_seconds) == ("bridged", 30, 240)

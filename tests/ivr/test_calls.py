"""Whole calls through the signed webhooks, following the URLs the TwiML returns."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.core.db import db
from ivr.menu import load_document_text
from ivr.models import Call, CallStep
from ivr.versions import create_version, default_menu_text, publish
from tests.twilio_fake import WAIT_URL_VERBS, call_params, parse_twiml, post_signed
from tickets.models import Ticket


def steps(app, driver) -> list[str]:
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.call_sid == driver.params["CallSid"]))
        return [
            s.node_id
            for s in db.session.scalars(
                select(CallStep).where(CallStep.call_id == call.id).order_by(CallStep.id)
            )
        ]


def the_call(app, driver) -> Call:
    with app.app_context():
        return db.session.scalar(select(Call).where(Call.call_sid == driver.params["CallSid"]))


def test_english_submenu_invalid_choice_two_timeouts_then_fallback(app, new_call) -> None:
    call = new_call()
    root = call.start()
    gather = call.gather()
    assert gather.get("numDigits") == "1"
    assert gather.get("action").startswith("/twilio/ivr/1/welcome/input?")
    assert "普通话请按1" in call.spoken()

    call.press("2")  # English
    say = call.gather().find("Say")
    assert say.get("language") == "en-US"
    assert say.get("voice") == "Polly.Joanna"
    assert "For a complaint, press 1" in say.text
    assert the_call(app, call).language == "en-US"

    call.press("1")  # complaint submenu
    assert "Complaints." in call.spoken()

    call.press("7")  # not an option
    assert call.says()[0] == "Sorry, that is not a valid choice."
    assert "attempt=2" in call.gather().get("action")
    assert "Complaints." in call.spoken()

    call.press("")  # timeout
    assert call.says()[0] == "Sorry, we did not receive your choice."
    assert "attempt=3" in call.gather().get("action")

    root = call.press("")  # last attempt: the node's fallback, the voicemail box
    record = root.find("Record")
    assert record is not None
    assert "After the tone" in call.spoken()
    assert record.get("recordingStatusCallback").startswith("/twilio/recording?lang=en-US")
    assert record.get("maxLength") == "180"
    assert record.get("finishOnKey") == "#"
    assert steps(app, call) == [
        "welcome",
        "main",
        "complaint",
        "complaint",
        "complaint",
        "voicemail",
    ]

    root = call.follow("Record", RecordingSid="RE" + "1" * 32, RecordingDuration="12")
    assert "Your message has been recorded" in call.spoken()
    assert root.find("Hangup") is not None


def test_star_repeats_and_zero_reaches_the_operator(app, new_call, on_duty) -> None:
    call = new_call()
    call.start()
    call.press("1")
    call.press("*")
    assert "attempt=1" in call.gather().get("action")
    assert call.says()[0].startswith("投诉请按1")
    root = call.press("0")  # office_hours (open on a Monday morning) → the operator queue
    enqueue = root.find("Enqueue")
    assert enqueue.text == "operators"
    assert enqueue.get("waitUrl").startswith("/twilio/queue/1/operator/wait?")
    assert steps(app, call)[-3:] == ["main", "office_hours", "operator"]


def test_no_language_choice_continues_in_mandarin(new_call) -> None:
    call = new_call()
    call.start()
    call.press("")
    call.press("")  # welcome allows 2 attempts, then main_zh → main
    assert "将为您使用普通话服务" in call.spoken()
    assert call.gather().find("Say").get("language") == "cmn-CN"


def test_publishing_mid_call_keeps_the_call_on_its_version(app, new_call) -> None:
    old = new_call()
    old.start()
    old.press("1")  # Mandarin, main menu of version 1

    changed = load_document_text(default_menu_text())
    main = next(n for n in changed["nodes"] if n["id"] == "main")
    main["prompt"]["zh-CN"] = "新版菜单：投诉请按1。"
    with app.app_context():
        version = create_version(changed, author="test")
        publish(version.number)
        db.session.commit()
        assert version.number == 2

    old.press("9")  # invalid on v1's main → replayed from version 1
    assert "/twilio/ivr/1/main/input" in old.gather().get("action")
    assert "新版菜单" not in old.spoken()

    fresh = new_call()
    fresh.start()
    fresh.press("1")
    assert "新版菜单" in fresh.spoken()
    assert "/twilio/ivr/2/" in fresh.gather().get("action")


@pytest.mark.parametrize(
    ("when", "expect"),
    [
        ((2026, 10, 1, 10, 0), "closed"),  # National Day, a Thursday
        ((2026, 2, 17, 10, 0), "closed"),  # Spring Festival, a Tuesday
        ((2026, 10, 10, 14, 0), "open"),  # a swapped working Saturday (调休), afternoon
        ((2026, 11, 21, 14, 0), "closed"),  # an ordinary Saturday afternoon
        ((2026, 11, 21, 10, 0), "open"),  # an ordinary Saturday morning (09:00-12:00)
        ((2026, 11, 23, 20, 0), "closed"),  # Monday evening
        ((2026, 11, 23, 8, 30), "open"),  # Monday at opening time
    ],
)
def test_hours_node_branches(set_clock, new_call, on_duty, when: tuple, expect: str) -> None:
    set_clock(*when)
    call = new_call()
    call.start()
    call.press("1")
    root = call.press("0")
    if expect == "open":
        assert root.find("Enqueue") is not None
    else:
        assert "现在是非工作时间" in call.spoken()
        assert root.find("Record") is not None


def test_date_override_closes_part_of_a_day(app, new_call, set_clock, operator_login) -> None:
    doc = load_document_text(default_menu_text())
    doc["hours"]["overrides"] = [
        {"date": "2026-11-24", "hours": ["08:30-12:00"], "note": "training"}
    ]
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()
    set_clock(2026, 11, 24, 14, 0)
    call = new_call()
    call.start()
    call.press("1")
    assert call.press("0").find("Record") is not None
    set_clock(2026, 11, 24, 11, 0)
    operator_login()
    call = new_call()
    call.start()
    call.press("1")
    assert call.press("0").find("Enqueue") is not None


def test_knowledge_answers_then_offers_topics_again(new_call) -> None:
    call = new_call()
    call.start()
    call.press("1")
    call.press("3")
    call.press("1")
    assert "七日内无理由退货" in call.says()[0]
    assert "消费维权知识" in call.spoken()
    call.press("9")
    assert call.says()[0] == "返回主菜单。"


def test_ticket_lookup_only_for_the_caller_who_filed_it(app, new_call) -> None:
    with app.app_context():
        db.session.add(
            Ticket(
                number="12315-20261122-0007",
                state="dispatched",
                caller_number="+8613800138000",
                lookup_pin_hash=generate_password_hash("424242"),
            )
        )
        db.session.commit()
    call = new_call()
    call.start()
    call.press("1")
    root = call.press("4")
    assert root.find("Gather").get("finishOnKey") == "#"
    call.press("202611220007")
    assert "工单12315-20261122-0007的状态是：已派发处理。" in call.says()
    other = new_call(caller="+8613900000000")
    other.start()
    other.press("1")
    other.press("4")
    other.press("202611220007")
    assert "请输入工单查询密码" in other.spoken()  # asked whether or not the ticket exists
    other.press("111111")
    assert "没有找到" in other.says()[0]
    assert "已派发处理" not in other.spoken()
    stranger = new_call(caller="+8613900000001")
    stranger.start()
    stranger.press("1")
    stranger.press("4")
    stranger.press("209912319999")  # no such ticket: the same PIN question, the same answer
    assert "请输入工单查询密码" in stranger.spoken()
    stranger.press("424242")
    assert "没有找到" in stranger.says()[0]
    with_pin = new_call(caller="+8613900000002")
    with_pin.start()
    with_pin.press("1")
    with_pin.press("4")
    with_pin.press("202611220007")
    with_pin.press("424242")
    assert "工单12315-20261122-0007的状态是：已派发处理。" in with_pin.says()


def test_transfer_dials_with_the_caller_id_and_falls_back(new_call) -> None:
    call = new_call()
    call.start()
    call.press("1")
    root = call.press("5")
    dial = root.find("Dial")
    assert dial.find("Number").text == "12331"
    assert dial.get("callerId") == "+8613800138000"
    root = call.follow("Dial", DialCallStatus="no-answer")
    assert "转接未能成功" in call.says()[0]
    assert root.find("Record") is not None
    call.press  # noqa: B018 (the call continues in the voicemail box)


def test_queue_full_overflows_to_voicemail_and_wait_url_is_valid(client, new_call, on_duty) -> None:
    call = new_call()
    call.start()
    call.press("1")
    root = call.press("0")
    wait_url = root.find("Enqueue").get("waitUrl")
    wait = post_signed(client, wait_url, {**call.params, "QueuePosition": "1"})
    parse_twiml(wait.data, allowed_top=WAIT_URL_VERBS)
    root = call.follow("Enqueue", QueueResult="queue-full")
    assert root.find("Record") is not None
    bridged = call.post(call.twiml.find("Record").get("action"))
    assert bridged.find("Hangup") is not None


def test_survey_stores_the_rating(app, new_call) -> None:
    doc = load_document_text(default_menu_text())
    next(n for n in doc["nodes"] if n["id"] == "main")["options"].append(
        {"digit": "8", "target": "survey"}
    )
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()
    call = new_call()
    call.start()
    call.press("1")
    call.press("8")
    call.press("9")  # not a rating
    assert call.says()[0] == "对不起，您的输入无效。"
    root = call.press("4")
    assert root.find("Hangup") is not None
    assert the_call(app, call).satisfaction == 4


@pytest.mark.parametrize("digits", ["abc", "12", "9" * 10_240, "\u0661", "*#"])
def test_garbage_digits_replay_the_menu(new_call, digits: str) -> None:
    call = new_call()
    call.start()
    call.press("1")
    call.press(digits)
    assert call.says()[0] == "对不起，您的输入无效。"
    assert "attempt=2" in call.gather().get("action")


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/ivr/1/no-such-node?lang=zh-CN",
        "/twilio/ivr/1/no-such-node/input?lang=zh-CN&attempt=2",
        "/twilio/ivr/999/main?lang=zh-CN",
        "/twilio/ivr/1/main?lang=xx&attempt=-4",
        "/twilio/ivr/1/main/input?attempt=999999999999999999999",
        "/twilio/ivr/1/welcome/dial-done",
        "/twilio/ivr/1/welcome/queue-done",
        "/twilio/ivr/1/welcome/recorded",
    ],
)
def test_bad_urls_get_safe_twiml_back_to_the_menu(client, path: str) -> None:
    response = post_signed(client, path, call_params(Digits="1"))
    assert response.status_code == 200
    root = parse_twiml(response.data)
    assert root.find("Gather") is not None or root.find("Enqueue") is not None


def test_draft_version_in_url_is_treated_as_stale(app, client) -> None:
    with app.app_context():
        number = create_version(copy.deepcopy(load_document_text(default_menu_text()))).number
        db.session.commit()
    response = post_signed(client, f"/twilio/ivr/{number}/main?lang=en-US", call_params())
    root = parse_twiml(response.data)
    assert "Returning to the main menu" in root.find("Say").text
    assert "/twilio/ivr/1/welcome/input" in root.find("Gather").get("action")


def test_no_published_menu_still_answers(app, client) -> None:
    from ivr.models import MenuVersion

    with app.app_context():
        for version in db.session.scalars(select(MenuVersion)):
            version.status = "archived"
        db.session.commit()
    root = parse_twiml(post_signed(client, "/twilio/voice", call_params()).data)
    assert root.find("Record") is not None

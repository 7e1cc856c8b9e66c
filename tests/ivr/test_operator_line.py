"""The operator line: caller ID + PIN, the Dial on the operator's queue with the Queue url,
availability by keypad, logging out, and the audit log of failed PINs."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog, User
from ivr.models import OperatorSession
from tests.ivr.conftest import OPERATOR_PIN
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import CallDriver, post_signed

PHONE = "+8613900000001"


def operator_call(client, phone: str = PHONE, n: int = 1) -> CallDriver:
    return CallDriver(client, call_sid=f"CA{'e' * 30}{n:02d}", caller=phone)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


def sessions(app) -> list[OperatorSession]:
    with app.app_context():
        return db.session.scalars(select(OperatorSession)).all()


def test_unknown_caller_id_is_refused_and_logged(app, client) -> None:
    call = operator_call(client, "+8613911111111")
    root = call.post("/twilio/operator")
    assert "未登记为话务员" in call.spoken()
    assert [el.tag for el in root][-1] == "Hangup"
    assert root.find("Gather") is None
    assert audit_actions(app) == ["operator_line.unknown_caller"]


def test_three_wrong_pins_end_the_call_and_are_logged(app, client, make_operator) -> None:
    make_operator()
    call = operator_call(client)
    root = call.post("/twilio/operator")
    assert root.find("Gather").get("finishOnKey") == "#"
    assert "请输入您的话务员密码" in call.spoken()
    call.press("1111")
    assert "密码错误" in call.says()[0]
    assert "attempt=2" in call.gather().get("action")
    call.press("2222")
    root = call.press("")  # nothing keyed: a wrong PIN too
    assert "密码错误次数过多" in call.spoken()
    assert [el.tag for el in root] == ["Say", "Hangup"]
    assert audit_actions(app) == ["operator_line.pin_failed"] * 3 + ["operator_line.refused"]
    assert sessions(app) == []


def test_right_pin_dials_the_queue_with_the_queue_url(app, client, make_operator) -> None:
    make_operator(language="en-US")
    call = operator_call(client)
    call.post("/twilio/operator")
    root = call.press(OPERATOR_PIN)
    assert "Hello alice, you are logged in." in call.spoken()
    dial = root.find("Dial")
    assert dial.get("action") == "/twilio/operator/after"
    queue = dial.find("Queue")
    assert queue.text == "operators"
    assert queue.get("url") == "/twilio/operator/connected"
    [session] = sessions(app)
    assert session.available is True
    assert session.ended_at is None
    assert audit_actions(app) == ["operator_line.login"]


def test_the_operator_is_briefed_on_the_caller_at_the_front(app, client, on_duty, new_call) -> None:
    queued = QueuedCall(new_call())
    queued.driver.start()
    queued.driver.press("1")
    queued.driver.press("1")  # complaint
    queued.driver.press("1")  # speak to an operator → office hours → operator queue
    on_duty.follow("Dial", DialCallStatus="no-answer")  # the Dial had waited on an empty queue
    root = on_duty.press("1")
    briefing = root.find("Say").text
    assert briefing == (
        "下一位来电：普通话，菜单路径：欢迎、主菜单、投诉、工作时间、人工服务，已等待约1分钟。"
    )
    assert root.find("Dial/Queue").text == "operators"


def test_operator_hears_only_their_own_queues(app, client, operator_login) -> None:
    driver = operator_login(queues=("experts", "operators"))
    assert driver.twiml.find("Dial/Queue").text == "experts"  # nobody waiting: their first queue
    other = operator_login("bob", "+8613900000002", queues=())
    assert "还没有分配队列" in other.spoken()
    assert other.twiml.find("Dial") is None


def test_an_unavailable_operator_is_not_connected(app, client, on_duty, new_call) -> None:
    on_duty.follow("Dial", DialCallStatus="no-answer")
    root = on_duty.press("2")  # unavailable
    assert root.find("Dial") is None
    assert "示忙状态" in on_duty.spoken()
    assert sessions(app)[0].available is False
    root = on_duty.press("")  # the menu timed out: still not connected
    assert root.find("Dial") is None
    queued = QueuedCall(new_call())
    assert queued.join().find("Enqueue") is None  # nobody available: the caller overflows
    root = on_duty.press("1")  # available again
    assert root.find("Dial/Queue").text == "operators"
    assert QueuedCall(new_call()).join().find("Enqueue") is not None
    assert audit_actions(app)[-2:] == ["operator_line.unavailable", "operator_line.available"]


def test_logging_out_by_keypad_or_by_hanging_up(app, client, on_duty, operator_login) -> None:
    on_duty.follow("Dial", DialCallStatus="no-answer")
    root = on_duty.press("9")
    assert [el.tag for el in root] == ["Say", "Hangup"]
    other = operator_login("bob", "+8613900000002")
    params = {**other.params, "CallStatus": "completed", "CallDuration": "300"}
    assert post_signed(client, "/twilio/status", params).status_code == 204
    assert all(s.ended_at is not None for s in sessions(app))
    # a webhook of a call that is no longer logged in cannot dial a queue
    root = other.post("/twilio/operator/next")
    assert root.find("Dial") is None
    assert "您已退出登录" in other.spoken()


def test_ten_wrong_pins_in_a_row_lock_the_pin(app, client, make_operator) -> None:
    make_operator()
    for n in range(4):  # 3 + 3 + 3 + 1 wrong PINs over four calls
        call = operator_call(client, n=n)
        call.post("/twilio/operator")
        for _ in range(3 if n < 3 else 1):
            if call.twiml.find("Gather") is not None:
                call.press("0000")
    with app.app_context():
        assert db.session.scalar(select(User.pin_failures)) == 10
    call = operator_call(client, n=9)
    call.post("/twilio/operator")
    root = call.press(OPERATOR_PIN)  # right, but locked
    assert root.find("Dial") is None
    assert sessions(app) == []

"""The live-call desk in headless Chromium, end to end over HTTP: an operator logs in on the
web and on the operator line; a caller walks the menu to the queue and is bridged (signed
webhooks); the desk pops the caller with path and earlier tickets within 2 s and without a
reload; the operator registers a complaint accepting the suggested category; the caller hangs
up, the wrap-up runs, the operator ends it and the line offers the next caller. In Chinese and
in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline.core.db import db
from ivr.models import QueueVisit
from tests.desk.test_desk import CALLER, complaint_caller, earlier_history
from tickets.models import Ticket

TEXT = {
    "zh-CN": {
        "login": "登录",
        "desk": "坐席工作台",
        "available": "空闲",
        "on_call": "通话中",
        "wrap_up": "话后整理",
        "path": "主菜单 → 投诉 → 人工服务",
        "hung_up": "来电人已挂机",
        "registered": "已受理",
        "category": "网上购物",
    },
    "en-US": {
        "login": "Log in",
        "desk": "Desk",
        "available": "available",
        "on_call": "on a call",
        "wrap_up": "after-call work",
        "path": "main menu → complaint → operator",
        "hung_up": "The caller has hung up",
        "registered": "Registered as",
        "category": "online shopping",
    },
}
POP_WITHIN_MS = 2000
#: The first suggestion in a process loads jieba's dictionary (a few seconds on a busy machine).
SUGGESTER_LOADS_MS = 20_000


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_call_on_the_desk_from_pop_to_wrap_up(
    app, page, live_server, operator_login, new_call, language: str
) -> None:
    words = TEXT[language]
    line = operator_login("alice", language=language)
    earlier_history(app)

    page.goto(f"{live_server}/language/{language}")
    page.fill("#username", "alice")
    page.fill("#password", "a-password")
    page.click("#login")
    page.goto(f"{live_server}/desk")
    expect(page.locator("h1")).to_have_text(words["desk"])
    expect(page.locator("#state")).to_have_text(words["available"])
    expect(page.locator("#pop-empty")).to_be_visible()
    page.evaluate("window.sameDocument = true")

    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=42)

    # the pop: within 2 s, without a reload
    expect(page.locator("#pop-caller")).to_have_text(CALLER, timeout=POP_WITHIN_MS)
    expect(page.locator("#state")).to_have_text(words["on_call"])
    expect(page.locator("#pop-path")).to_have_text(words["path"])
    expect(page.locator("#pop-tickets tbody tr")).to_have_count(1)
    expect(page.locator("#pop-tickets tbody tr").first).to_contain_text("12315-20261116-0007")
    expect(page.locator("#pop-repeat")).to_be_hidden()
    assert page.evaluate("window.sameDocument") is True
    # the form is for this caller, prefilled from the call
    expect(page.locator("#caller_number")).to_have_value(CALLER)
    expect(page.locator("#type")).to_have_value("complaint")
    expect(page.locator("#channel-row")).to_be_hidden()

    page.fill("#description", "我在淘宝网上买的手机是假货，商家不给退款，三千元")
    accept = page.locator("#accept-category")
    expect(accept).to_be_visible(timeout=SUGGESTER_LOADS_MS)
    expect(page.locator("#suggest-category")).to_contain_text(words["category"])
    accept.click()
    expect(page.locator("#category")).to_have_value("online_shopping")
    page.click("#register")
    expect(page.locator("#registered")).to_contain_text(words["registered"])
    number = page.locator("#registered").get_attribute("data-number")
    expect(page.locator("#pop-registered li")).to_have_text([number])

    # the caller hangs up: the wrap-up runs; the line waits for it
    queued.leave("bridged", queue_time=42)
    line.follow("Dial", DialCallStatus="completed")
    expect(page.locator("#state")).to_have_text(words["wrap_up"], timeout=POP_WITHIN_MS)
    expect(page.locator("#pop-ended")).to_have_text(words["hung_up"])
    expect(page.locator("#wrapup")).to_be_visible()
    expect(page.locator("#wrapup-timer")).to_contain_text("120")
    expect(page.locator("#disposition")).to_have_value("ticket_registered")
    line.press("")
    assert line.twiml.find("Dial") is None  # not offered the next caller yet

    page.fill("#wrapup-note", "已告知处理时限")
    page.click("#wrapup-end")
    expect(page.locator("#state")).to_have_text(words["available"])
    expect(page.locator("#wrapup")).to_be_hidden()
    expect(page.locator("#pop-empty")).to_be_visible()
    line.press("")
    assert line.twiml.find("Dial") is not None  # offered the next caller
    assert page.evaluate("window.sameDocument") is True

    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.category == "online_shopping"
        assert ticket.source == "phone"
        visit = db.session.scalars(select(QueueVisit)).one()
        assert visit.disposition == "ticket_registered"
        assert visit.wrapup_note == "已告知处理时限"


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(
    app, page, live_server, operator_login
) -> None:
    operator_login("alice", language="en-US")
    page.goto(f"{live_server}/language/en-US")
    page.fill("#username", "alice")
    page.fill("#password", "a-password")
    page.click("#login")
    page.goto(f"{live_server}/desk")
    expect(page.locator("#channel-row")).to_be_visible()
    page.select_option("#channel", "letter")
    page.fill("#description", "A letter about a gym that closed")
    page.fill("#amount", "lots")
    page.click("#register")
    expect(page.locator("#error-type")).not_to_be_empty()
    expect(page.locator("#type")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-caller_number")).not_to_be_empty()
    expect(page.locator("#description")).to_have_value("A letter about a gym that closed")
    page.select_option("#type", "complaint")
    page.fill("#caller_number", "+8613700137000")
    page.click("#register")
    expect(page.locator("#error-amount")).not_to_be_empty()
    expect(page.locator("#amount")).to_have_value("lots")
    page.fill("#amount", "5000")
    page.click("#register")
    expect(page.locator("#registered")).to_contain_text("Registered as")
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.source, str(ticket.amount)) == ("letter", "5000.00")


def test_a_consultation_answered_from_the_knowledge_base_on_the_desk(
    app, page, live_server, operator_login, new_call
) -> None:
    from knowledge.service import ArticleIn, create_article

    with app.app_context():
        create_article(
            None,
            ArticleIn(
                slug="prepaid-card-refund",
                title_zh="预付卡退费",
                body_zh="经营者停业或关门的，消费者可以要求退还预付卡余额。",
                keywords="预付卡 健身卡 跑路 退费",
            ),
        )
    line = operator_login("alice")
    page.goto(f"{live_server}/language/zh-CN")
    page.fill("#username", "alice")
    page.fill("#password", "a-password")
    page.click("#login")
    page.goto(f"{live_server}/desk")
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=3)
    expect(page.locator("#pop-caller")).to_have_text(CALLER, timeout=POP_WITHIN_MS)

    page.fill("#knowledge-q", "健身卡老板跑路了能退钱吗")
    first = page.locator("#knowledge-results li").first
    expect(first).to_contain_text("预付卡退费")
    first.locator("button").click()
    expect(page.locator("#knowledge-caller")).to_have_value(CALLER)  # the caller on the line
    page.click("#knowledge-answer")
    expect(page.locator("#knowledge-answered")).to_contain_text("12315-")
    expect(page.locator("#pop-registered li")).to_have_count(1)  # filed on this call

    queued.leave("bridged", queue_time=3)
    expect(page.locator("#wrapup")).to_be_visible()
    expect(page.locator("#disposition")).to_have_value("consultation_answered")
    page.click("#wrapup-end")
    expect(page.locator("#state")).to_have_text("空闲")
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.type, ticket.state, ticket.source) == ("consultation", "resolved", "phone")
        assert ticket.queue_visit_id is not None
        assert ticket.caller_number == CALLER
        visit = db.session.scalars(select(QueueVisit)).one()
        assert visit.disposition == "consultation_answered"


def test_a_ticket_typed_for_a_call_that_is_over_says_so(
    app, page, live_server, operator_login, new_call
) -> None:
    line = operator_login("alice")
    page.goto(f"{live_server}/language/zh-CN")
    page.fill("#username", "alice")
    page.fill("#password", "a-password")
    page.click("#login")
    page.goto(f"{live_server}/desk")
    queued = complaint_caller(new_call)
    queued.bridge(line, queue_time=3)
    expect(page.locator("#pop-caller")).to_have_text(CALLER, timeout=POP_WITHIN_MS)
    page.fill("#description", "商家拒绝退款")
    queued.leave("bridged", queue_time=3)
    line.follow("Dial", DialCallStatus="completed")
    line.press("1")  # the operator ends the wrap-up on the phone
    expect(page.locator("#form-stale")).to_be_visible()
    expect(page.locator("#description")).to_have_value("商家拒绝退款")  # kept
    page.click("#register")
    expect(page.locator("#error-visit_id")).to_contain_text("结束")
    page.click("#clear")
    expect(page.locator("#form-stale")).to_be_hidden()
    expect(page.locator("#channel-row")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(Ticket.id)) is None

"""The operator's review loop in real headless Chromium: log in, open the inbox, play the
recording, correct the transcript, change the category, confirm, find the ticket in the list
and read its history; in Chinese and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts import create_user
from tests.tickets.drafts import make_voicemail_draft

TEXT = {
    "zh-CN": {
        "login": "登录",
        "inbox": "待审核留言",
        "review": "审核",
        "confirm": "确认受理",
        "tickets": "工单",
        "filter": "筛选",
        "category": "通讯产品",
        "confirmed": "已受理，工单号",
        "edited": "修改",
        "opened": "受理",
    },
    "en-US": {
        "login": "Log in",
        "inbox": "Voicemails to review",
        "review": "Review",
        "confirm": "Confirm",
        "tickets": "Tickets",
        "filter": "Filter",
        "category": "telecom products",
        "confirmed": "Registered as",
        "edited": "edited",
        "opened": "opened",
    },
}


@pytest.fixture
def operator(app, audio) -> int:
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
    # a PCM recording, as Twilio's .wav downloads are, so the browser can decode it
    return make_voicemail_draft(app, audio.speech["pcm-48k"])


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_review_a_voicemail_in_the_browser(page, live_server, operator, language: str) -> None:
    words = TEXT[language]
    page.goto(f"{live_server}/language/{language}")
    expect(page.locator("h1")).to_have_text(words["login"])
    page.fill("#username", "wang")
    page.fill("#password", "operator-pw")
    page.click("#login")

    expect(page.locator("h1")).to_contain_text(words["inbox"])
    page.click("a.review-link")

    audio = page.locator("#recording")
    audio.evaluate("element => element.play()")
    page.wait_for_function(
        "() => { const a = document.getElementById('recording');"
        " return a.readyState >= 1 && a.duration > 0 && !Number.isNaN(a.duration); }"
    )
    duration = audio.evaluate("element => element.duration")
    assert duration > 1.0
    expect(page.locator("mark.low")).to_have_text("在")

    page.fill("#transcript", "我在京东买的手机屏幕坏了")
    page.select_option("#category", "telecom_products")
    page.click("#confirm")
    expect(page.locator(".flash")).to_contain_text(words["confirmed"])
    number = re.search(r"12315-\d{8}-\d{4}", page.locator(".flash").inner_text()).group(0)

    page.click("#nav-tickets")
    expect(page.locator("h1")).to_contain_text(words["tickets"])
    page.fill("#q", "京东")
    page.click("#search")
    expect(page.locator("#tickets tbody tr")).to_have_count(1)
    page.click(f"text={number}")

    expect(page.locator("#ticket-number")).to_have_text(number)
    expect(page.locator("#ticket-category")).to_have_text(words["category"])
    expect(page.locator("#ticket-description")).to_have_text("我在京东买的手机屏幕坏了")
    history = page.locator("#history > li")
    expect(history).to_have_count(2)
    expect(history.nth(0).locator(".event-kind")).to_have_text(words["edited"])
    expect(history.nth(0)).to_contain_text("category: online_shopping → telecom_products")
    expect(history.nth(1).locator(".event-kind")).to_have_text(words["opened"])

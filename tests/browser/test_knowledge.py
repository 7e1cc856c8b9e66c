"""The knowledge base in real headless Chromium: an admin writes an article; an operator finds
it first with a word from it on the knowledge page's search panel (by keyboard), records the
consultation, and the ticket is a resolved consultation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline.core.db import db
from tests.knowledge.conftest import make_people, seed
from tickets.models import Ticket


@pytest.fixture
def people(app) -> dict[str, int]:
    seed(app)
    return make_people(app)


TEXT = {
    "zh-CN": {"answered": "已登记为工单", "saved": "文章已保存。"},
    "en-US": {"answered": "Recorded as ticket", "saved": "Article saved."},
}


def log_in(page, live_server: str, language: str, name: str) -> None:
    page.goto(f"{live_server}/language/{language}")
    page.fill("#username", name)
    page.fill("#password", f"{name}-password")
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_an_article_written_is_found_and_answers_a_call(
    app, page, live_server, people, language: str
) -> None:
    words = TEXT[language]
    log_in(page, live_server, language, "root")
    page.click("#nav-knowledge")
    page.click("#new-article")
    page.fill("#slug", "live-stream-returns")
    page.select_option("#category", "livestream")
    page.fill("#title_zh", "直播带货退货")
    page.fill("#body_zh", "在直播间购买的商品，同样适用七日无理由退货。主播承诺的赠品应当兑现。")
    page.fill("#title_en", "Returns of goods bought in a live stream")
    page.fill("#body_en", "Goods bought in a live-stream sale may be returned within seven days.")
    page.fill("#keywords", "直播间 主播 带货 livestream")
    page.click("#save")
    expect(page.locator(".flash")).to_have_text(words["saved"])
    page.click("#logout")

    log_in(page, live_server, language, "wang")
    page.click("#nav-knowledge")
    query = "主播不给退货" if language == "zh-CN" else "livestream return"
    page.fill("#knowledge-q", query)
    first = page.locator("#knowledge-results li").first
    expected = "直播带货退货" if language == "zh-CN" else "Returns of goods bought in a live stream"
    expect(first).to_contain_text(expected)
    page.press("#knowledge-q", "ArrowDown")
    expect(first.locator("button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#knowledge-preview-title")).to_have_text(expected)

    page.fill("#knowledge-caller", "not a number")
    page.click("#knowledge-answer")
    expect(page.locator('[data-error-for="caller_number"]')).not_to_be_empty()
    page.evaluate(
        "document.getElementById('knowledge-panel').addEventListener('knowledge:answered',"
        " (e) => { window.answered = e.detail.number; })"
    )
    page.fill("#knowledge-caller", "+8613800138000")
    page.fill("#knowledge-question", "直播间买的衣服能退吗")
    page.click("#knowledge-answer")
    expect(page.locator("#knowledge-answered")).to_contain_text(words["answered"])
    shown = re.search(r"12315-\d{8}-\d{4}", page.locator("#knowledge-answered").inner_text())
    assert shown
    assert page.evaluate("window.answered") == shown.group(0)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == shown.group(0)))
        assert (ticket.type, ticket.state, ticket.source) == ("consultation", "resolved", "phone")
        assert "live-stream-returns" in ticket.resolution
        assert ticket.language == language

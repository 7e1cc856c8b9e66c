"""Quality review in real headless Chromium: a supervisor opens the sample, plays the recorded
call (the player reports its duration), is told what is missing beside the fields, scores it,
and finds it among the reviewed; in Chinese and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import (  # noqa: F401 (fixtures of a recorded conversation)
    app,
    converse,
    dual_recording,
    post_recording,
    recorded,
    run_jobs,
    supervisors,
)

TEXT = {
    "zh-CN": {
        "login": "登录",
        "quality": "质检",
        "answer": "请选择“是”或“否”。",
        "saved": "质检结果已保存。",
    },
    "en-US": {
        "login": "Log in",
        "quality": "Quality review",
        "answer": "Answer yes or no.",
        "saved": "Review saved.",
    },
}


@pytest.mark.usefixtures("supervisors")
@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_supervisor_plays_and_scores_a_recorded_call(
    page,
    live_server,
    recorded,  # noqa: F811
    language: str,
) -> None:
    [recording_id] = recorded()
    words = TEXT[language]
    page.goto(f"{live_server}/language/{language}")
    expect(page.locator("h1")).to_have_text(words["login"])
    page.fill("#username", "maria")
    page.fill("#password", "manager-pw")
    page.click("#login")

    page.click("#nav-quality")
    expect(page.locator("h1")).to_have_text(words["quality"])
    row = page.locator(f'tr[data-recording="{recording_id}"]')
    expect(row.locator(".caller")).to_have_text("+86138****8000")
    player = row.locator("audio")
    player.evaluate("element => element.play()")
    page.wait_for_function(
        "element => element.readyState >= 1 && element.duration > 0"
        " && !Number.isNaN(element.duration)",
        arg=player.element_handle(),
    )
    assert player.evaluate("element => element.duration") > 1.0

    row.locator("a.score-link").click()
    page.check("#score-4")
    page.check("#greeting-yes")
    page.fill("#note", "语速偏快")
    page.click("#save")
    expect(page.locator("#error-need")).to_have_text(words["answer"])
    expect(page.locator("#note")).to_have_value("语速偏快")  # the input is kept
    expect(page.locator("#score-4")).to_be_checked()
    for item in ("need", "information", "courtesy", "registered", "closing"):
        page.check(f"#{item}-yes")
    page.click("#save")
    expect(page.locator(".flash")).to_have_text(words["saved"])
    reviewed = page.locator(f'table.reviewed tr[data-recording="{recording_id}"]')
    expect(reviewed.locator(".score")).to_have_text("4/5")

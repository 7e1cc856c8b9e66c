"""The admin's menu editor in real headless Chromium: a new option to a new `message` node, the
validation error for the dangling target and its fix, the TwiML preview, publish — and then a
signed call follows the new option; roll back and the call follows the old menu. Recorded
prompts: an MP3 is played with `<Play>`, a text file named `.mp3` is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.accounts import create_user
from tests.twilio_fake import CallDriver


@pytest.fixture
def admin(app) -> None:
    with app.app_context():
        create_user("root", "admin", password="admin-password")


def log_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/language/en-US")
    page.fill("#username", "root")
    page.fill("#password", "admin-password")
    page.click("#login")
    page.click("#nav-menu")
    expect(page.locator("h1")).to_have_text("Menu versions")


def press_6(client) -> str:
    """A signed call: Mandarin, then 6 in the main menu; what the caller hears first."""
    call = CallDriver(client, call_sid="CA" + str(id(client))[-8:].rjust(32, "7"))
    call.start()
    call.press("1")
    call.press("6")
    return call.says()[0]


def test_add_an_option_fix_the_error_preview_publish_and_roll_back(
    page, live_server, app, admin
) -> None:
    log_in(page, live_server)
    page.locator("#version-1 .new-draft").click()
    expect(page.locator("h1")).to_contain_text("Version 2")

    page.select_option("#option-node", "main")
    page.fill("#option-digit", "6")
    page.fill("#option-target", "hours_info")
    page.click("#add-option-button")
    expect(page.locator("#problems-main")).to_contain_text("unknown node 'hours_info'")
    expect(page.locator("#publish")).to_be_disabled()

    page.fill("#node-id", "hours_info")
    page.select_option("#node-kind", "message")
    page.fill("#node-prompt-zh-CN", "工作时间为工作日八点半至五点半。")
    page.fill("#node-prompt-en-US", "We are open from 8:30 to 17:30 on working days.")
    page.fill("#node-next", "main")
    page.click("#add-node-button")
    expect(page.locator("#valid")).to_be_visible()
    expect(page.locator("#problems-main")).to_have_count(0)

    page.select_option("#preview-node", "hours_info")
    page.select_option("#preview-lang", "en-US")
    page.click("#preview-button")
    expect(page.locator("#twiml")).to_contain_text("We are open from 8:30 to 17:30")
    page.go_back()

    page.click("#publish")
    expect(page.locator("#version-2 .status")).to_have_text("published")
    client = app.test_client()
    assert press_6(client) == "工作时间为工作日八点半至五点半。"

    page.locator("#version-1 .rollback").click()
    expect(page.locator("#version-1 .status")).to_have_text("published")
    assert press_6(app.test_client()) == "对不起，您的输入无效。"


def test_recorded_prompts_are_played_and_text_is_refused(
    page, live_server, app, admin, audio, tmp_path: Path
) -> None:
    log_in(page, live_server)
    page.locator("#version-1 .new-draft").click()
    page.select_option("#prompt-node", "main")
    page.select_option("#prompt-lang", "zh-CN")
    page.set_input_files("#prompt-file", str(audio.speech["stereo-44k-mp3"]))
    page.click("#upload-button")
    expect(page.locator(".flash")).to_have_text("Saved.")
    page.select_option("#preview-node", "main")
    page.select_option("#preview-lang", "zh-CN")
    page.click("#preview-button")
    expect(page.locator("#twiml")).to_contain_text("<Play>/media/prompts/")
    page.go_back()

    letter = tmp_path / "greeting.mp3"
    letter.write_text("Dear hotline, this is a letter, not a recording.\n" * 40)
    page.set_input_files("#prompt-file", str(letter))
    page.click("#upload-button")
    expect(page.locator(".flash")).to_contain_text("Upload refused:")
    expect(page.locator(".flash")).to_contain_text("is not audio")

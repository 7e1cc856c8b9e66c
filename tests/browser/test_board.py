"""The wall board in real headless Chromium: over the scripted morning it shows the counts,
rewrites them without a reload as the calls move on (its own polling of /board/live.json), and
says the figures are stale when the server stops answering it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts import create_user
from tests.desk.board_scenario import played_scenario  # noqa: F401 (fixture)
from tests.ivr.conftest import (  # noqa: F401 (fixtures the scenario uses)
    make_operator,
    new_call,
    operator_login,
    set_clock,
)

#: The page polls every 5 s; a change shows within two polls.
POLLED = 12_000


@pytest.fixture
def app(make_app):
    return make_app(public_url="http://localhost")  # callbacks are offered


def figure(page, tile: str, name: str):
    return page.locator(f'[data-tile="{tile}"] [data-figure="{name}"]')


def value(page, tile: str, name: str):
    return figure(page, tile, name).locator(".value")


def test_the_board_follows_the_calls_without_a_reload(page, live_server, app, scenario) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
    page.goto(f"{live_server}/login")
    page.fill("#username", "maria")
    page.fill("#password", "manager-pw")
    page.click("#login")
    page.click("#nav-board")
    expect(page.locator("h1")).to_have_text("实时看板")
    for tile in ("*", "operators"):
        expect(value(page, tile, "waiting")).to_have_text("3")
        expect(value(page, tile, "agents_available")).to_have_text("2")
        expect(value(page, tile, "agents_on_contact")).to_have_text("1")
        expect(value(page, tile, "agents_after_call_work")).to_have_text("1")
        expect(value(page, tile, "agents_on_break")).to_have_text("1")
        expect(value(page, tile, "oldest_wait_seconds")).to_have_text("1:35")
        expect(value(page, tile, "callbacks_scheduled")).to_have_text("1")
    expect(figure(page, "operators", "oldest_wait_seconds")).to_have_class(re.compile(r"\balert\b"))
    expect(figure(page, "operators", "waiting")).not_to_have_class(re.compile(r"\balert\b"))
    expect(page.locator("#board-updated")).to_have_text("10:00:00")
    page.evaluate("window.sameDocument = true")

    scenario.move()  # dave takes the oldest caller, bob ends his wrap-up
    expect(value(page, "operators", "waiting")).to_have_text("2", timeout=POLLED)
    expect(value(page, "operators", "agents_on_contact")).to_have_text("2")
    expect(value(page, "operators", "agents_after_call_work")).to_have_text("0")
    expect(value(page, "operators", "oldest_wait_seconds")).to_have_text("1:30")
    expect(value(page, "experts", "agents_available")).to_have_text("0")
    expect(value(page, "*", "average_wrap_up")).to_have_text("1:00")
    expect(page.locator("#board-updated")).to_have_text("10:00:30")

    scenario.at(10, 0, 40)  # the two available operators take a break: nobody for the callers
    for name in ("bob", "erin"):
        scenario.lines[name].follow("Dial", DialCallStatus="no-answer")
        scenario.lines[name].press("2")
    expect(figure(page, "operators", "waiting")).to_have_class(
        re.compile(r"\balert\b"), timeout=POLLED
    )
    expect(figure(page, "operators", "waiting").locator(".why")).to_have_text("无人空闲")
    assert page.evaluate("window.sameDocument") is True  # never reloaded
    expect(page.locator("#board-stale")).to_be_hidden()

    # the session ends in another tab: the polls are refused, and the board says so
    other = page.context.new_page()
    other.goto(f"{live_server}/tickets")
    other.click("#logout")
    expect(page.locator("#board-stale")).to_be_visible(timeout=POLLED)
    expect(page.locator("#board-updated")).to_have_text("10:00:40")

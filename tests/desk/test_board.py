"""The wall board's figures over a scripted morning played through the signed webhooks and the
operator line, checked against values worked out by hand; then the scenario moves and the
figures follow. Two apps on one database (two web processes) give the same board, the API
shows an operator only their queues, and the board's SQL presence agrees with
`ivr.presence.presence` for every operator."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from desk.board import board, operator_states
from hotline.app import create_app
from hotline.core import clock
from hotline.core.db import db
from hotline.core.models import User
from ivr.presence import presence
from tests.accounts import create_user, issue_token
from tests.desk.board_scenario import OPERATORS, played_scenario  # noqa: F401 (fixture)
from tests.tickets.test_web import login

AGENTS = (
    "agents_online",
    "agents_available",
    "agents_on_contact",
    "agents_after_call_work",
    "agents_on_break",
)


@pytest.fixture
def app(make_app):
    return make_app(public_url="http://localhost")  # callbacks are offered


def now_board(app) -> dict:
    with app.app_context():
        return board(clock.now()).as_dict()


def agents(tile: dict) -> tuple[int, ...]:
    return tuple(tile[name] for name in AGENTS)


def by_queue(found: dict) -> dict[str, dict]:
    return {tile["queue"]: tile for tile in found["queues"]}


def test_the_morning_at_ten(app, scenario) -> None:
    found = now_board(app)
    assert found["day"] == "2026-11-23"
    queues = by_queue(found)
    assert list(queues) == ["experts", "operators"]
    operators, experts, summary = queues["operators"], queues["experts"], found["summary"]
    # alice on a call, bob in after-call work, carol on a break, dave and erin available;
    # frank logged out; dave also answers the experts, where gina never logged in
    assert agents(operators) == (5, 2, 1, 1, 1)
    assert agents(experts) == (1, 1, 0, 0, 0)
    assert agents(summary) == (5, 2, 1, 1, 1)  # dave once
    for tile in (operators, summary):
        assert (tile["waiting"], tile["called_back_waiting"]) == (3, 0)
        assert tile["oldest_wait_seconds"] == 95  # joined at 09:58:25
        assert tile["callbacks_scheduled"] == 1
        # today: the abandoned caller, bob's and alice's (both answered within 20 s) and the
        # one who chose a callback; the three waiting have not ended their visit
        assert (tile["offered"], tile["answered"], tile["abandoned"]) == (4, 2, 1)
        assert tile["service_level"] == pytest.approx(2 / 4)
        assert tile["average_wait"] == pytest.approx((10 + 5) / 2)
        assert tile["average_talk"] == pytest.approx(260)  # bob's: 09:55:10 to 09:59:30
        assert tile["average_wrap_up"] is None  # bob's is still running
        assert tile["oldest_over_service_level"] is True
        assert tile["waiting_without_available"] is False
    assert (experts["waiting"], experts["oldest_wait_seconds"], experts["offered"]) == (0, 0, 0)
    assert experts["service_level"] is None
    assert experts["oldest_over_service_level"] is False
    assert (operators["service_level_seconds"], experts["service_level_seconds"]) == (20, 30)
    assert summary["service_level_seconds"] is None  # the queues differ


def test_the_figures_follow_the_scenario(app, scenario) -> None:
    scenario.move()
    found = now_board(app)
    operators, experts = by_queue(found)["operators"], by_queue(found)["experts"]
    # dave took the oldest caller, bob ended his wrap-up and is available again
    assert agents(operators) == (5, 2, 2, 0, 1)
    assert agents(experts) == (1, 0, 1, 0, 0)
    assert agents(found["summary"]) == (5, 2, 2, 0, 1)
    assert operators["waiting"] == 2
    assert operators["oldest_wait_seconds"] == 90  # joined at 09:59:00, now 10:00:30
    assert (operators["offered"], operators["answered"], operators["abandoned"]) == (5, 3, 1)
    assert operators["service_level"] == pytest.approx(2 / 5)  # 125 s is not within 20
    assert operators["average_wait"] == pytest.approx((10 + 5 + 125) / 3)
    assert operators["average_wrap_up"] == pytest.approx(60)  # 09:59:30 to 10:00:30


def test_nobody_available_with_callers_waiting_is_an_alert(app, scenario) -> None:
    scenario.at(10, 0, 5)
    for name in ("dave", "erin"):  # the two available operators take a break
        scenario.lines[name].follow("Dial", DialCallStatus="no-answer")
        scenario.lines[name].press("2")
    found = now_board(app)
    operators = by_queue(found)["operators"]
    assert agents(operators) == (5, 0, 1, 1, 3)
    assert operators["waiting_without_available"] is True
    assert found["summary"]["waiting_without_available"] is True
    assert by_queue(found)["experts"]["waiting_without_available"] is False  # nobody waits


def test_an_expired_wrap_up_is_over_on_the_board(app, scenario) -> None:
    """Bob's 120 s of after-call work run out at 10:01:30 without a key: he is available,
    and the average counts the 120 s though nothing closed it yet."""
    scenario.at(10, 1, 31)
    operators = by_queue(now_board(app))["operators"]
    assert agents(operators) == (5, 3, 1, 0, 1)
    assert operators["average_wrap_up"] == pytest.approx(120)
    assert operators["oldest_wait_seconds"] == 95 + 91


@pytest.mark.parametrize("moved", [False, True])
def test_the_sql_states_are_the_presence_rule(app, scenario, moved) -> None:
    if moved:
        scenario.move()
    with app.app_context():
        now = clock.now()
        states = operator_states(["operators", "experts"], now)
        users = db.session.scalars(select(User).where(User.username.in_(OPERATORS))).all()
        assert len(states) == len(OPERATORS) == len(users)
        for user in users:
            assert states[user.id] == presence(user.id, now).state, user.username


def test_two_web_processes_show_the_same_board(app, scenario, make_settings) -> None:
    other = create_app(settings=make_settings(public_url="http://localhost"))
    other.extensions["hotline.clock"] = app.extensions["hotline.clock"]
    try:
        with other.app_context():
            seen_there = board().as_dict()
        assert seen_there == now_board(app)
        scenario.move()
        with app.app_context():
            create_user("maria", "manager", password="a-password")
            token = issue_token("maria")
        other.extensions["hotline.clock"] = app.extensions["hotline.clock"]
        headers = {"Authorization": f"Bearer {token}"}
        here = app.test_client().get("/api/v1/queues/live", headers=headers)
        there = other.test_client().get("/api/v1/queues/live", headers=headers)
        assert here.status_code == there.status_code == 200
        assert here.get_json() == there.get_json()
        assert here.get_json()["summary"]["agents_on_contact"] == 2
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_api_shows_an_operator_only_their_queues(app, client, scenario) -> None:
    with app.app_context():
        create_user("maria", "manager", password="a-password")
        tokens = {name: issue_token(name) for name in ("maria", "gina", "dave")}

    def live(name: str) -> dict:
        response = client.get(
            "/api/v1/queues/live", headers={"Authorization": f"Bearer {tokens[name]}"}
        )
        assert response.status_code == 200, response.data
        return response.get_json()

    every = live("maria")
    assert [tile["queue"] for tile in every["queues"]] == ["experts", "operators"]
    assert every["at"].startswith("2026-11-23T02:00:00")  # 10:00 in Shanghai, in UTC
    gina = live("gina")
    assert [tile["queue"] for tile in gina["queues"]] == ["experts"]
    assert agents(gina["summary"]) == (1, 1, 0, 0, 0)  # her queues only: dave
    assert gina["summary"]["waiting"] == 0
    dave = live("dave")
    assert [tile["queue"] for tile in dave["queues"]] == ["operators", "experts"]
    assert dave["summary"]["waiting"] == 3
    assert client.get("/api/v1/queues/live").status_code == 401


# -- the pages ---------------------------------------------------------------------------------


def tile_html(html: str, key: str) -> str:
    start = html.index(f'data-tile="{key}"')
    end = html.find("data-tile=", start + 1)
    return html[start : end if end > 0 else len(html)]


def figure_text(html: str, field: str) -> str:
    match = re.search(rf'data-figure="{field}"[^>]*>\s*<span class="value">([^<]*)</span>', html)
    assert match, field
    return match.group(1)


@pytest.fixture
def supervisor(app, client):
    with app.app_context():
        create_user("maria", "manager", password="manager-pw", language="zh-CN")
    assert login(client, "maria", "manager-pw").status_code == 302
    return client


def test_the_board_page_shows_the_figures_in_chinese(app, scenario, supervisor) -> None:
    page = supervisor.get("/board")
    assert page.status_code == 200
    html = page.text
    for words in ("实时看板", "全部队列", "话后整理", "最长等待", "待回拨"):
        assert words in html
    assert 'id="nav-board"' in html
    assert '<time id="board-updated">10:00:00</time>' in html  # local time
    summary, operators = tile_html(html, "*"), tile_html(html, "operators")
    for tile in (summary, operators):
        assert figure_text(tile, "agents_available") == "2"
        assert figure_text(tile, "agents_on_contact") == "1"
        assert figure_text(tile, "agents_after_call_work") == "1"
        assert figure_text(tile, "agents_on_break") == "1"
        assert figure_text(tile, "waiting") == "3"
        assert figure_text(tile, "oldest_wait_seconds") == "1:35"
        assert figure_text(tile, "callbacks_scheduled") == "1"
        assert figure_text(tile, "service_level") == "50%"
        assert figure_text(tile, "average_wrap_up") == "—"
    assert 'class="figure alert" data-figure="oldest_wait_seconds"' in operators
    assert 'class="figure" data-figure="waiting"' in operators  # two are available
    assert "服务水平（20 秒）" in operators
    one = supervisor.get("/board/experts")
    assert one.status_code == 200
    assert 'data-tile="experts"' in one.text
    assert 'data-tile="operators"' not in one.text
    assert supervisor.get("/board/nosuchqueue").status_code == 404


def test_the_polled_json_has_the_same_figures(app, scenario, supervisor) -> None:
    scenario.move()
    body = supervisor.get("/board/live.json").get_json()
    assert body["board"] == now_board(app)
    assert body["updated"] == "10:00:30"
    tiles = {tile["id"]: tile for tile in body["tiles"]}
    assert list(tiles) == ["*", "experts", "operators"]
    assert tiles["operators"]["figures"]["agents_on_contact"] == "2"
    assert tiles["operators"]["figures"]["oldest_wait_seconds"] == "1:30"
    assert tiles["operators"]["figures"]["average_wrap_up"] == "1:00"
    assert tiles["operators"]["alerts"] == {
        "oldest_over_service_level": True,
        "waiting_without_available": False,
    }


def test_the_board_in_english(app, scenario, supervisor) -> None:
    supervisor.get("/language/en-US")
    html = supervisor.get("/board").text
    for words in ("Wall board", "After-call work", "Oldest wait", "Callbacks scheduled"):
        assert words in html
    assert "实时看板" not in html


def test_only_supervisors_see_the_board(app, client, scenario) -> None:
    assert client.get("/board").status_code == 302  # to the login page
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
    login(client, "wang", "operator-pw")
    assert client.get("/board").status_code == 403
    assert client.get("/board/live.json").status_code == 403
    assert 'id="nav-board"' not in client.get("/tickets").text

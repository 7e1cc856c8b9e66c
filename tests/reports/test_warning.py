"""Early warning: a planted spike is flagged, a category that always swings widely is not, a
few tickets never are; the tickets behind a warning are one click away."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.db import db
from reports.warning import assess, poisson_tail, warnings
from tests.accounts import create_user, issue_token
from tests.reports import data
from tests.reports.data import local
from tests.tickets.test_web import login

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY = date(2026, 11, 22)  # the last day of 2026-W47
DISTRICTS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定"]
# food: steady, about 10 a week, then 30 this week, all at one supermarket (the spike)
FOOD = [9, 11, 10, 10, 12, 8, 10, 10]
FOOD_NOW = 30
# online shopping: always swinging between about 5 and 25 (normal fluctuation), 28 now
ONLINE = [5, 25, 8, 22, 6, 24, 9, 21]
ONLINE_NOW = 28


def plant(week_back: int, count: int, category: str, merchant: str | None = None) -> None:
    """`count` tickets spread over the week `week_back` weeks before 2026-W47 (0 = this one)
    and over ten districts, so that no district spikes with them."""
    monday = date(2026, 11, 16) - timedelta(weeks=week_back)
    for i in range(count):
        day = monday + timedelta(days=i % 7)
        data.ticket(
            local(day.year, day.month, day.day, 9 + i % 10),
            category=category,
            district=DISTRICTS[i % len(DISTRICTS)],
            merchant=merchant,
        )


@pytest.fixture
def spike(app) -> None:
    with app.app_context():
        for back, (food, online) in enumerate(
            zip(reversed(FOOD), reversed(ONLINE), strict=True), start=1
        ):
            plant(back, food, "food")
            plant(back, online, "online_shopping")
        plant(0, FOOD_NOW, "food", merchant="好又多超市")
        plant(0, ONLINE_NOW, "online_shopping")
        plant(0, 4, "courier", merchant="快快快递")  # 4 from nothing: too few to mean a trend
        db.session.commit()


def test_only_the_spike_is_flagged(app, spike) -> None:
    with app.app_context():
        found = warnings(SUNDAY, SHANGHAI, min_count=10, z_threshold=3.0)
    assert {(w.dimension, w.value) for w in found} == {
        ("category", "food"),
        ("merchant", "好又多超市"),  # all 30 of this week's food tickets came from it
    }
    food = next(w for w in found if w.value == "food")
    assert food.count == FOOD_NOW
    assert food.weeks == FOOD
    assert food.baseline_mean == pytest.approx(10.0)
    assert food.z == pytest.approx((30 - 10) / 1.0 / (10**0.5))  # spread √10 > s (1.0)
    assert (food.first, food.last) == (date(2026, 11, 16), SUNDAY)


def test_the_fluctuating_category_is_within_its_own_spread() -> None:
    """28 is far above online shopping's mean of 15, but it swings by ±8 every week."""
    verdict = assess(
        "category", "online_shopping", ONLINE_NOW, ONLINE, _week(), min_count=10, z_threshold=3.0
    )
    assert verdict is None
    # 30 after a steady 15 a week is a spike (z 3.9, p 0.0004)
    assert assess("category", "x", 30, [15] * 8, _week(), 10, 3.0) is not None


def test_minimum_count_and_poisson_test() -> None:
    assert assess("merchant", "快快快递", 4, [0] * 8, _week(), 10, 3.0) is None
    assert assess("merchant", "快快快递", 12, [0] * 8, _week(), 10, 3.0) is not None
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 1.0) == pytest.approx(1 - 2.718281828**-1)
    assert poisson_tail(3, 2.0) == pytest.approx(1 - 5 * 2.718281828**-2)  # 1 − e⁻²(1+2+2)


def _week():
    from reports.periods import week

    return week("2026-W47")


def test_a_warning_links_to_the_tickets_behind_it(app, client, spike) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
    login(client, "maria", "manager-pw")
    page = client.get("/reports?from=2026-11-16&to=2026-11-22")
    assert page.status_code == 200
    link = "/tickets?from=2026-11-16&amp;to=2026-11-22&amp;state=counted&amp;category=food"
    assert link in page.text
    tickets = client.get(link.replace("&amp;", "&"))
    assert f"({FOOD_NOW})" in tickets.text  # the list's total: exactly the tickets behind it


def test_warnings_api(app, client, spike) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
        token = issue_token("maria")
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get("/api/v1/reports/warnings?to=2026-11-22", headers=headers)
    assert found.status_code == 200
    food = next(item for item in found.json["items"] if item["value"] == "food")
    assert (food["count"], food["weeks"], food["first"]) == (FOOD_NOW, FOOD, "2026-11-16")
    quiet = client.get("/api/v1/reports/warnings?to=2026-09-20", headers=headers)  # before
    assert quiet.json["items"] == []
    outside = client.get("/api/v1/reports/warnings?to=0001-01-01", headers=headers)
    assert outside.status_code == 400
    assert "1971" in outside.json["error"]

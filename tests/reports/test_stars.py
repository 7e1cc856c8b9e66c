"""Operator stars for a month, computed by hand from the documented formula."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.db import db
from reports.periods import month
from reports.stars import operator_stars
from tests.accounts import create_user
from tests.reports import data
from tests.reports.data import local

SHANGHAI = ZoneInfo("Asia/Shanghai")


def answered(
    operator_id: int, n: int, fast: int, ratings: list[int], day: tuple = (2026, 11, 10)
) -> None:
    """`n` callers answered in November, `fast` of them within 20 s, some rated."""
    for i in range(n):
        call = data.call(local(*day, 9 + i % 8, i))
        rating = ratings[i] if i < len(ratings) else None
        data.visit(call, "bridged", 15 if i < fast else 45, operator_id=operator_id, rating=rating)


def confirmed(username: str, n: int, edited_later: int) -> None:
    for i in range(n):
        opened = local(2026, 11, 12, 10, i)
        ticket = data.ticket(opened)
        data.event(ticket, "edited", username, opened - timedelta(minutes=1))  # own review
        data.event(ticket, "opened", username, opened)
        if i < edited_later:
            data.event(ticket, "edited", "supervisor", opened + timedelta(hours=1))


@pytest.fixture
def month_of_work(app) -> None:
    with app.app_context():
        ann = create_user("ann", "operator", password="pw-ann-123", display_name="Ann")
        bob = create_user("bob", "operator", password="pw-bob-123")
        cai = create_user("cai", "operator", password="pw-cai-123")
        create_user("12345", "partner", password="pw-partner-1")
        answered(ann.id, 12, fast=9, ratings=[5, 4, 5])
        confirmed("ann", 4, edited_later=1)
        answered(bob.id, 6, fast=0, ratings=[])
        confirmed("bob", 4, edited_later=0)
        answered(cai.id, 2, fast=2, ratings=[5, 5])
        confirmed("12345", 3, edited_later=0)  # a partner's transfers: not an operator
        answered(ann.id, 5, fast=5, ratings=[1] * 5, day=(2026, 12, 1))  # 1 December: not November
        db.session.commit()


def test_stars_follow_the_formula(app, month_of_work) -> None:
    with app.app_context():
        listed = operator_stars(month("2026-11"), SHANGHAI)
    assert [s.username for s in listed] == ["ann", "bob", "cai"]  # best first, unrated last
    rated = {s.username: s for s in listed}
    ann = rated["ann"]
    assert (ann.answered, ann.answered_fast, ann.ratings, ann.confirmed, ann.confirmed_clean) == (
        12,
        9,
        3,
        4,
        3,
    )
    assert ann.mean_rating == pytest.approx(14 / 3)
    # volume 12/12 = 1, speed 9/12, satisfaction (14/3 − 1)/4 = 11/12, quality 3/4
    assert ann.score == pytest.approx(0.2 * 1 + 0.3 * 0.75 + 0.3 * 11 / 12 + 0.2 * 0.75)
    assert ann.stars == 4  # 1 + 4 × 0.85 = 4.4 → 4
    bob = rated["bob"]
    # volume 6/12, speed 0, no ratings (left out), quality 4/4; weights 0.2 + 0.3 + 0.2
    assert bob.parts["satisfaction"] is None
    assert bob.score == pytest.approx((0.2 * 0.5 + 0.3 * 0 + 0.2 * 1) / 0.7)
    assert bob.stars == 3  # 1 + 4 × 0.4286 = 2.71 → 3
    cai = rated["cai"]
    assert cai.answered == 2
    assert cai.stars is None  # 2 answered + 0 confirmed < 10: too little work to rate


def test_a_month_without_work_rates_nobody(app) -> None:
    with app.app_context():
        assert operator_stars(month("2026-11"), SHANGHAI) == []

"""Operator stars for a month, computed by hand from the documented formula."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.db import db
from hotline.core.models import User
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


def reviewed_calls(operator_id: int, scores: list[int], day: tuple = (2026, 11, 20)) -> None:
    """Recorded calls of the operator on `day`, scored by a supervisor (质检)."""
    from desk.models import CallRecording, QualityReview

    for i, score in enumerate(scores):
        recording = CallRecording(
            recording_sid=f"RE{operator_id:02d}{day[1]:02d}{i:028d}",
            call_sid="CA" + "0" * 32,
            operator_id=operator_id,
            recording_url="http://127.0.0.1:9/recording",
            state="stored",
            received_at=local(*day, 10, i),
        )
        db.session.add(recording)
        db.session.flush()
        db.session.add(
            QualityReview(
                recording_id=recording.id,
                operator_id=operator_id,
                reviewer="supervisor",
                score=score,
                checklist={},
                note="",
                reviewed_at=local(2026, 12, 2, 9, i),  # scored later: the call's month counts
            )
        )


def test_quality_review_scores_join_the_quality_part(app, month_of_work) -> None:
    with app.app_context():
        ann = db.session.query(User).filter_by(username="ann").one()
        bob = db.session.query(User).filter_by(username="bob").one()
        reviewed_calls(ann.id, [5, 5, 5, 2])  # mean 4.25 → (4.25 − 1)/4 = 0.8125
        reviewed_calls(ann.id, [1], day=(2026, 12, 1))  # a December call: not November
        reviewed_calls(bob.id, [1, 1])  # mean 1 → 0
        db.session.commit()
        rated = {s.username: s for s in operator_stars(month("2026-11"), SHANGHAI)}
    ann = rated["ann"]
    assert (ann.reviews, ann.mean_review) == (4, pytest.approx(4.25))
    # quality = mean(3/4 drafts needing no later edit, 0.8125 from the reviews)
    assert ann.parts["quality"] == pytest.approx((0.75 + 0.8125) / 2)
    assert ann.score == pytest.approx(0.2 * 1 + 0.3 * 0.75 + 0.3 * 11 / 12 + 0.2 * 0.78125)
    bob = rated["bob"]
    assert bob.parts["quality"] == pytest.approx((1 + 0) / 2)
    assert bob.score == pytest.approx((0.2 * 0.5 + 0.3 * 0 + 0.2 * 0.5) / 0.7)
    assert bob.stars == 2  # 1 + 4 × 0.2857 = 2.14 → 2 (without the reviews: 3)


def test_slow_wrap_ups_lower_the_speed_part(app) -> None:
    """Speed is the mean of answered within 20 s and wrap-ups ended within 60 s (the desk's
    after-call work): the same calls with slow wrap-ups rate lower."""
    from ivr.models import QueueVisit

    with app.app_context():
        dee = create_user("dee", "operator", password="pw-dee-123")
        answered(dee.id, 10, fast=10, ratings=[])
        db.session.flush()
        visits = db.session.query(QueueVisit).filter_by(operator_id=dee.id).all()
        for i, visit in enumerate(visits):
            visit.wrapup_seconds = 30 if i < 4 else 100  # 4 of 10 within 60 s
        db.session.commit()
        rated = {s.username: s for s in operator_stars(month("2026-11"), SHANGHAI)}
    dee_rated = rated["dee"]
    assert (dee_rated.wrap_ups, dee_rated.wrap_ups_fast) == (10, 4)
    assert dee_rated.parts["speed"] == pytest.approx((1.0 + 0.4) / 2)
    # volume 1, speed 0.7, no ratings, no drafts: (0.2 × 1 + 0.3 × 0.7) / 0.5
    assert dee_rated.score == pytest.approx((0.2 + 0.3 * 0.7) / 0.5)

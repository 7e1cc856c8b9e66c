"""Every report figure on a hand-built week, against values computed by hand; the week runs
from Monday 00:00 to Sunday 24:00 Shanghai time (calls at 23:59 and 00:01 on either side),
and empty periods give None rather than a division by zero."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from hotline.core.db import db
from reports import figures, growth, series, tables
from reports.periods import Period, PeriodError, days, month, week
from tests.reports import data
from tests.reports.data import local

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = week("2026-W47")  # Monday 16 to Sunday 22 November 2026
AT = local(2026, 11, 23, 12)  # "now" for the overdue count


@pytest.fixture
def week_of_data(app) -> None:
    """The hand-built week (comments give the local time and why each row counts or not)."""
    with app.app_context():
        # Calls. Before the week: Sunday 15th 23:59 (the previous period), and the 10th.
        data.call(local(2026, 11, 15, 23, 59), "+8613800000009")
        data.call(local(2026, 11, 10), "+8613800000008")
        # A year earlier (2025-W47: 17–23 November 2025).
        data.call(local(2025, 11, 20), "+8613800000007")
        # In the week: B at Monday 00:01 (still the 15th in UTC), C at Sunday 23:59.
        b = data.call(local(2026, 11, 16, 0, 1), "+8613800000001", satisfaction=5)
        c = data.call(local(2026, 11, 22, 23, 59), "+8613800000002", satisfaction=4)
        e = data.call(local(2026, 11, 18), "+8613800000001", satisfaction=2)  # B's number again
        f = data.call(local(2026, 11, 19), "+8613800000003")
        g1 = data.call(local(2026, 11, 21, 10), "anonymous")  # withheld: never a repeat caller
        data.call(local(2026, 11, 21, 11), "anonymous")
        data.call(local(2026, 11, 20), "+8613999999999", line="operator")  # not the public line
        # After the week: Monday 23rd 00:01 (still the 22nd in UTC).
        d = data.call(local(2026, 11, 23, 0, 1), "+8613800000004")

        # Queue visits: B and C answered (10 s, 30 s), E abandoned, F left for a callback,
        # G1 refused (queue full); F's called-back visit is not a new offer; D is after.
        data.visit(b, "bridged", 10)
        data.visit(c, "bridged", 30, at=local(2026, 11, 22, 23, 59))
        data.visit(e, "hangup", 40)
        data.visit(f, "leave", 5)
        data.visit(g1, "queue-full")
        reached = data.callback(f, local(2026, 11, 19, 10, 1), "reached")
        data.visit(f, "bridged", 0, callback_id=reached.id, at=local(2026, 11, 19, 11))
        data.visit(d, "bridged", 3)

        # Voicemails: Monday 00:01 drafted, Sunday 23:59 no speech; before and after: not.
        data.voicemail(local(2026, 11, 16, 0, 1), "drafted")
        data.voicemail(local(2026, 11, 22, 23, 59), "no-speech")
        data.voicemail(local(2026, 11, 23, 0, 1), "drafted")
        data.voicemail(local(2026, 11, 15, 23, 59), "failed")

        # Tickets.
        data.ticket(local(2026, 11, 16, 0, 1), due=local(2026, 11, 17))  # T1 overdue, open
        data.ticket(  # T2 closed on time, a transfer
            local(2026, 11, 22, 23, 59),
            state="closed",
            source="transfer",
            district="黄浦",
            due=local(2026, 11, 30),
            resolved=local(2026, 11, 23, 9),
        )
        data.ticket(  # T3 resolved a day late, a repeat caller
            local(2026, 11, 18),
            state="resolved",
            type="report",
            category="online_shopping",
            due=local(2026, 11, 19),
            resolved=local(2026, 11, 20),
            repeat_caller=True,
        )
        data.ticket(  # T4 a draft awaiting review, nothing filled in yet
            local(2026, 11, 19),
            state="draft",
            type="consultation",
            category=None,
            district=None,
        )
        data.ticket(local(2026, 11, 20), state="discarded")  # never counted
        data.ticket(local(2026, 11, 23, 0, 1))  # after the week
        data.ticket(local(2026, 11, 15, 23, 59))  # the previous week: food
        db.session.commit()


def test_every_figure_of_the_week(app, week_of_data) -> None:
    with app.app_context():
        fig = figures.figures(WEEK, SHANGHAI, AT)
    assert fig.calls == 6  # B, C, E, F and two withheld; not the operator line, not A or D
    assert fig.reached_queue == 5
    q = fig.queue
    assert (q.offered, q.answered, q.abandoned, q.left, q.refused) == (5, 2, 1, 1, 1)
    assert q.answer_rate == pytest.approx(2 / 5)
    assert q.average_wait == pytest.approx((10 + 30) / 2)
    assert q.p90_wait == 30  # nearest rank: ceil(0.9 × 2) = the 2nd of [10, 30]
    assert q.service_level == pytest.approx(1 / 5)  # only B within 20 s, over all offered
    assert (q.callbacks_requested, q.callbacks_reached) == (1, 1)
    assert fig.voicemails == {"drafted": 1, "no-speech": 1}
    assert fig.tickets == 4
    assert fig.drafts == 1
    assert fig.overdue == 2  # T1 (open, past due now) and T3 (resolved after its due date)
    assert fig.repeat_caller_tickets == 1
    assert fig.by_type == {"complaint": 2, "consultation": 1, "report": 1}
    assert fig.by_category == {"food": 2, "": 1, "online_shopping": 1}
    assert fig.by_district == {"静安": 2, "": 1, "黄浦": 1}
    assert fig.by_source == {"voicemail": 3, "transfer": 1}
    assert fig.satisfaction == pytest.approx((5 + 4 + 2) / 3)
    assert fig.ratings == 3
    assert fig.satisfied_share == pytest.approx(2 / 3)
    assert fig.repeat_callers == 1  # +8613800000001 (B and E); "anonymous" is not a number


def test_growth_against_the_week_before_and_a_year_earlier(app, week_of_data) -> None:
    with app.app_context():
        comparison = growth.compare(WEEK, SHANGHAI, AT)
    assert comparison.previous.period == Period(date(2026, 11, 9), date(2026, 11, 15), "week")
    assert comparison.year_ago.period == week("2025-W47")
    rows = {row.key: row for row in comparison.rows}
    assert (rows["calls"].value, rows["calls"].previous, rows["calls"].year_ago) == (6, 2, 1)
    assert rows["calls"].growth == pytest.approx(2.0)  # 2 → 6: +200 %
    assert rows["calls"].growth_year == pytest.approx(5.0)  # 1 → 6: +500 %
    assert rows["tickets"].previous == 1
    assert rows["tickets"].growth == pytest.approx(3.0)
    assert rows["tickets"].growth_year is None  # nothing a year earlier: no growth
    assert rows["answer_rate"].previous is None
    assert rows["answer_rate"].growth is None
    assert rows["answered"].growth is None  # 0 the week before: no relative change


def test_a_change_that_rounds_to_nothing_is_not_a_fall() -> None:
    assert tables.change(-0.00001, "mean") == "+0.00"
    assert tables.change(-0.0004, "rate") == "+0.0 pt"
    assert tables.change(-0.5, "rate") == "-50.0 pt"
    assert tables.change(-1.0) == "-100.0%"
    assert tables.change(None) == "–"


def test_headline_table_formats_what_the_figures_say(app, week_of_data) -> None:
    with app.app_context(), force_locale("en"):
        table = tables.headline(growth.compare(WEEK, SHANGHAI, AT))
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Calls"] == ["6", "2", "+200.0%", "1", "+500.0%"]
    assert rows["Answer rate"] == ["40.0%", "–", "–", "–", "–"]
    assert rows["Satisfaction (1–5)"][0] == "3.67"
    assert rows["Satisfied (4–5)"][0] == "66.7%"
    assert table.csv().splitlines()[0] == (
        "Figure,This period,Previous period,Change,A year earlier,Year on year"
    )


def test_rankings_with_growth(app, week_of_data) -> None:
    with app.app_context():
        ranked = growth.ranked("category", WEEK, SHANGHAI)
    assert [(r.value, r.count, r.previous, r.growth, r.year_ago) for r in ranked] == [
        ("food", 2, 1, pytest.approx(1.0), 0),
        ("online_shopping", 1, 0, None, 0),
    ]
    assert ranked[0].growth_year is None


def test_days_run_midnight_to_midnight_in_shanghai(app, week_of_data) -> None:
    with app.app_context():
        rows = {row.day: row for row in series.daily(WEEK, SHANGHAI)}
    assert len(rows) == 7
    monday, sunday = rows[date(2026, 11, 16)], rows[date(2026, 11, 22)]
    assert (monday.calls, monday.answered, monday.voicemails, monday.tickets) == (1, 1, 1, 1)
    assert (sunday.calls, sunday.answered, sunday.voicemails, sunday.tickets) == (1, 1, 1, 1)
    assert rows[date(2026, 11, 18)].abandoned == 1
    quiet = rows[date(2026, 11, 17)]
    assert (quiet.calls, quiet.answered, quiet.abandoned, quiet.tickets) == (0, 0, 0, 0)
    assert sum(row.calls for row in rows.values()) == 6


def test_a_long_range_is_charted_per_week(app, week_of_data) -> None:
    with app.app_context():
        rows = series.daily(days("2026-11-09", "2026-11-22"), SHANGHAI)
    weeks = series.by_week(rows)
    assert [(w.day, w.calls, w.tickets) for w in weeks] == [
        (date(2026, 11, 9), 2, 1),  # the 10th, and Sunday the 15th at 23:59
        (date(2026, 11, 16), 6, 4),
    ]


def test_days_in_a_zone_with_a_daylight_saving_change(app) -> None:
    """New York leaves daylight saving on 1 November 2026: the local day still decides."""
    york = ZoneInfo("America/New_York")
    with app.app_context():
        data.call(local(2026, 10, 31, 23, 30, zone=york))  # 03:30 UTC on the 1st
        data.call(local(2026, 11, 1, 23, 30, zone=york))  # 04:30 UTC on the 2nd
        data.call(local(2026, 11, 2, 0, 30, zone=york))
        db.session.commit()
        rows = series.daily(days("2026-10-31", "2026-11-02"), york)
    assert [row.calls for row in rows] == [1, 1, 1]


def test_an_empty_period_has_no_rates_and_no_division_by_zero(app) -> None:
    with app.app_context(), force_locale("en"):
        comparison = growth.compare(month("2020-02"), SHANGHAI, AT)
        table = tables.headline(comparison)
        daily = series.daily(month("2020-02"), SHANGHAI)
    fig = comparison.current
    assert (fig.calls, fig.tickets, fig.voicemails_total, fig.repeat_callers) == (0, 0, 0, 0)
    assert fig.queue.answer_rate is None
    assert fig.queue.p90_wait is None
    assert fig.satisfaction is None
    assert fig.satisfied_share is None
    assert all(row.growth is None and row.growth_year is None for row in comparison.rows)
    assert {row[0]: row[1] for row in table.rows}["Answer rate"] == "–"
    assert len(daily) == 29
    assert not any(row.calls for row in daily)


def test_periods() -> None:
    assert week("2026-W47") == Period(date(2026, 11, 16), date(2026, 11, 22), "week")
    assert week("2026-W53").first == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    assert week("2026-W53").year_before() == week("2025-W52")  # 2025 has only 52 weeks
    assert week("2026-W01").previous() == week("2025-W52")
    assert month("2026-03").previous() == month("2026-02")
    assert month("2024-02").last == date(2024, 2, 29)
    assert days("2024-02-29", "2024-02-29").year_before() == Period(
        date(2023, 2, 28), date(2023, 2, 28), "day"
    )
    assert week("2027-W01").year_before() == week("2026-W01")
    # the date picker's whole weeks and months are compared as weeks and months
    assert days("2026-11-16", "2026-11-22") == week("2026-W47")
    assert days("2026-10-01", "2026-10-31").previous() == month("2026-09")
    assert days("2026-11-02", "2026-11-22").previous() == days("2026-10-12", "2026-11-01")
    assert days("2026-11-01", "2026-11-23").previous() == days("2026-10-01", "2026-10-23")
    assert days("2026-03-01", "2026-03-31").previous() == month("2026-02")
    assert days("2026-03-01", "2026-03-30").previous() == days("2026-02-01", "2026-02-28")
    for bad in ("2026-W54", "2026-47", "W47"):
        with pytest.raises(PeriodError):
            week(bad)
    with pytest.raises(PeriodError, match="before the start"):
        days("2026-11-23", "2026-11-01")
    for outside in (
        lambda: week("0000-W01"),
        lambda: month("9999-12"),
        lambda: days("9999-12-31", "9999-12-31"),
    ):
        with pytest.raises(PeriodError, match="reports cover the years 1971 to 9998"):
            outside()
    with pytest.raises(PeriodError, match="400 days"):
        days("2024-01-01", "2026-01-01")

"""The report tables, built once and shown three ways: on the dashboard, as CSV downloads and
in the weekly and monthly documents. Cells are formatted here, so a CSV holds exactly what
the page shows (counts as plain digits, rates and growth as percentages, `–` for nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask_babel import format_datetime, pgettext
from flask_babel import gettext as _

from hotline.core.csvsafe import to_csv
from reports import words
from reports.environment import IndexRow
from reports.growth import Comparison, Ranked
from reports.series import DayRow
from reports.stars import Stars
from reports.ticket_figures import OverdueTicket
from reports.warning import EarlyWarning
from tickets.privacy import mask_number

NOTHING = "–"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    #: Per row, a link to the tickets behind it (or None).
    links: list[str | None] = field(default_factory=list)
    note: str = ""

    def csv(self) -> str:
        """The header and the rows as CSV, cells made safe to open (`hotline.core.csvsafe`)."""
        return to_csv([self.columns, *self.rows])


# -- cell formats ------------------------------------------------------------------------------


def count(value: int | None) -> str:
    return NOTHING if value is None else str(value)


def percent(value: float | None) -> str:
    return NOTHING if value is None else f"{value * 100:.1f}%"


def number(value: float | None, digits: int = 1) -> str:
    return NOTHING if value is None else f"{value:.{digits}f}"


def change(value: float | None, how: str = "count") -> str:
    """+12.5% for a relative change; +3.2 pt for rates (points); +0.3 for mean ratings."""
    if value is None:
        return NOTHING
    if how == "rate":
        shown = f"{value * 100:+.1f} pt"
    elif how == "mean":
        shown = f"{value:+.2f}"
    else:
        shown = f"{value * 100:+.1f}%"
    if shown.startswith("-") and not any(digit in shown for digit in "123456789"):
        shown = "+" + shown[1:]  # a change that rounds to nothing is not a fall
    return shown


def shown(how: str, value: float | int | None) -> str:
    if how == "rate":
        return percent(value)
    if how == "mean":
        return number(value, 2)
    if how == "seconds":
        return number(value)
    return count(value)  # type: ignore[arg-type]


def tickets_link(first: date, last: date, **filters: str) -> str:
    """The ticket list filtered to these days and values (the tickets behind a figure)."""
    query = {"from": first.isoformat(), "to": last.isoformat(), "state": "counted", **filters}
    return "/tickets?" + urlencode(query)


# -- the tables --------------------------------------------------------------------------------


def headline(comparison: Comparison) -> Table:
    table = Table(
        "headline",
        _("Headline figures"),
        [
            _("Figure"),
            _("This period"),
            _("Previous period"),
            _("Change"),
            _("A year earlier"),
            _("Year on year"),
        ],
    )
    for row in comparison.rows:
        table.rows.append(
            [
                words.name(words.METRICS, row.key),
                shown(row.how, row.value),
                shown(row.how, row.previous),
                change(row.growth, row.how),
                shown(row.how, row.year_ago),
                change(row.growth_year, row.how),
            ]
        )
        table.links.append(None)
    return table


def daily(rows: list[DayRow]) -> Table:
    table = Table(
        "daily",
        _("Calls and tickets per day"),
        [
            _("Day"),
            words.name(words.METRICS, "calls"),
            words.name(words.METRICS, "answered"),
            words.name(words.METRICS, "abandoned"),
            words.name(words.METRICS, "voicemails"),
            words.name(words.METRICS, "tickets"),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                row.day.isoformat(),
                *(
                    str(v)
                    for v in (row.calls, row.answered, row.abandoned, row.voicemails, row.tickets)
                ),
            ]
        )
        table.links.append(tickets_link(row.day, row.day))
    return table


def ranking(
    table_id: str,
    title: str,
    dimension: str,
    rows: list[Ranked],
    first: date,
    last: date,
    name_of: Callable[[str], str],
) -> Table:
    table = Table(
        table_id,
        title,
        [
            words.name(words.DIMENSIONS, dimension),
            words.name(words.METRICS, "tickets"),
            _("Previous period"),
            _("Change"),
            _("A year earlier"),
            _("Year on year"),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                name_of(row.value),
                count(row.count),
                count(row.previous),
                change(row.growth),
                count(row.year_ago),
                change(row.growth_year),
            ]
        )
        table.links.append(
            tickets_link(first, last, **{dimension: row.value})
            if dimension in ("category", "district", "merchant")
            else None
        )
    return table


def breakdown(
    table_id: str,
    title: str,
    label: str,
    counts: dict[str, int],
    name_of: Callable[[str], str] = lambda v: v,
) -> Table:
    table = Table(table_id, title, [label, _("Count")])
    for value, n in counts.items():
        table.rows.append([name_of(value) if value else NOTHING, count(n)])
        table.links.append(None)
    return table


def warnings(found: list[EarlyWarning], name_of: Callable[[str, str], str]) -> Table:
    table = Table(
        "warnings",
        _("Early warning"),
        [
            _("Dimension"),
            _("Name"),
            _("This week"),
            _("Baseline per week"),
            _("z"),
            _("p"),
        ],
        note=_(
            "This week far above the 8-week baseline (z at or over the threshold, Poisson p "
            "< 0.001, and the minimum count). Click for the tickets."
        ),
    )
    for w in found:
        table.rows.append(
            [
                words.name(words.DIMENSIONS, w.dimension),
                name_of(w.dimension, w.value),
                count(w.count),
                number(w.baseline_mean),
                number(w.z),
                f"{w.p_value:.1e}",
            ]
        )
        table.links.append(tickets_link(w.first, w.last, **{w.dimension: w.value}))
    return table


def stars(rated: list[Stars], month: str) -> Table:
    title = _("Operator stars")
    table = Table(
        "stars",
        f"{title} {month}",
        [
            _("Operator"),
            words.name(words.METRICS, "answered"),
            _("Answered within 20 s"),
            _("Wrap-ups within 60 s"),
            words.name(words.METRICS, "satisfaction"),
            _("Ratings"),
            _("Drafts confirmed"),
            _("Needed no later edit"),
            _("Calls reviewed"),
            _("Mean review score"),
            _("Score"),
            _("Stars"),
        ],
        note=_(
            "Score = volume 20% + speed 30% + satisfaction 30% + quality 20% (speed: the mean "
            "of answered within 20 s and wrap-ups within 60 s; quality: the mean of drafts "
            "needing no later edit and the quality review of recorded calls, (mean score − 1) "
            "÷ 4; parts without data left out); stars = 1 + 4 × score, rounded half up."
        ),
    )
    for s in rated:
        table.rows.append(
            [
                s.display_name,
                count(s.answered),
                count(s.answered_fast),
                f"{s.wrap_ups_fast} / {s.wrap_ups}" if s.wrap_ups else NOTHING,
                number(s.mean_rating, 2),
                count(s.ratings),
                count(s.confirmed),
                count(s.confirmed_clean),
                count(s.reviews),
                number(s.mean_review, 1),
                number(s.score, 2),
                "★" * s.stars if s.stars else _("too little work to rate"),
            ]
        )
        table.links.append(None)
    return table


def environment(rows: list[IndexRow], name_of: Callable[[str], str]) -> Table:
    table = Table(
        "index",
        _("Consumer environment index"),
        [
            _("Month"),
            _("Sector"),
            _("Categories"),
            _("Spending growth"),
            words.name(words.METRICS, "complaints"),
            _("A year earlier"),
            _("Complaint growth"),
            _("Index"),
            _("Reading"),
        ],
        note=_(
            "Index = complaint growth − spending growth, year on year, in points. Negative: "
            "complaints grow more slowly than spending (better); positive: complaints outgrow "
            "spending."
        ),
    )
    for row in rows:
        table.rows.append(
            [
                row.month,
                row.sector,
                "、".join(name_of(c) for c in row.categories),
                f"{row.spending_growth:+.1f}%",
                count(row.complaints),
                count(row.complaints_year_ago),
                NOTHING if row.complaint_growth is None else f"{row.complaint_growth:+.1f}%",
                NOTHING if row.index is None else f"{row.index:+.1f} pt",
                words.name(words.READINGS, row.reading),
            ]
        )
        table.links.append(None)
    return table


def overdue(
    found: list[OverdueTicket],
    at: datetime,
    name_of: Callable[[str], str],
) -> Table:
    """Open and dispatched tickets past their due date at `at`, the longest overdue first."""
    table = Table(
        "overdue",
        _("Overdue tickets"),
        [
            _("Number"),
            _("Category"),
            _("District"),
            _("Caller"),
            pgettext("overdue list", "Due"),
            _("Days over"),
        ],
    )
    for ticket in found:
        table.rows.append(
            [
                ticket.number or NOTHING,
                name_of(ticket.category) if ticket.category else NOTHING,
                ticket.district or NOTHING,
                mask_number(ticket.caller_number),
                format_datetime(ticket.due_at),
                str((at - ticket.due_at).days),
            ]
        )
        table.links.append(f"/tickets/{ticket.id}")
    return table


def as_dicts(table: Table) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]

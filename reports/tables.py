"""The report tables, built once and shown three ways: on the dashboard, as CSV downloads and
in the weekly and monthly documents. Cells are formatted here, so a CSV holds exactly what
the page shows (counts as plain digits, rates and growth as percentages, `–` for nothing)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from reports.environment import IndexRow
from reports.figures import Comparison, DayRow, OverdueTicket, Ranked
from reports.stars import Stars
from reports.warning import EarlyWarning
from tickets.privacy import mask_number

NOTHING = "–"

Translate = Callable[..., str]


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
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


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


def headline(comparison: Comparison, t: Translate) -> Table:
    table = Table(
        "headline",
        t("r_headline"),
        [
            t("r_figure"),
            t("r_value"),
            t("r_previous"),
            t("r_growth"),
            t("r_year_ago"),
            t("r_growth_year"),
        ],
    )
    for row in comparison.rows:
        table.rows.append(
            [
                t(f"m_{row.key}"),
                shown(row.how, row.value),
                shown(row.how, row.previous),
                change(row.growth, row.how),
                shown(row.how, row.year_ago),
                change(row.growth_year, row.how),
            ]
        )
        table.links.append(None)
    return table


def daily(rows: list[DayRow], t: Translate) -> Table:
    table = Table(
        "daily",
        t("r_daily"),
        [
            t("r_day"),
            t("m_calls"),
            t("m_answered"),
            t("m_abandoned"),
            t("m_voicemails"),
            t("m_tickets"),
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
    t: Translate,
) -> Table:
    table = Table(
        table_id,
        title,
        [
            t(f"r_{dimension}"),
            t("m_tickets"),
            t("r_previous"),
            t("r_growth"),
            t("r_year_ago"),
            t("r_growth_year"),
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
    t: Translate,
    name_of: Callable[[str], str] = lambda v: v,
) -> Table:
    table = Table(table_id, title, [label, t("r_count")])
    for value, n in counts.items():
        table.rows.append([name_of(value) if value else NOTHING, count(n)])
        table.links.append(None)
    return table


def warnings(found: list[EarlyWarning], name_of: Callable[[str, str], str], t: Translate) -> Table:
    table = Table(
        "warnings",
        t("r_warnings"),
        [
            t("r_dimension"),
            t("r_value_name"),
            t("r_this_week"),
            t("r_baseline"),
            t("r_z"),
            t("r_p"),
        ],
        note=t("r_warnings_note"),
    )
    for w in found:
        table.rows.append(
            [
                t(f"r_{w.dimension}"),
                name_of(w.dimension, w.value),
                count(w.count),
                number(w.baseline_mean),
                number(w.z),
                f"{w.p_value:.1e}",
            ]
        )
        table.links.append(tickets_link(w.first, w.last, **{w.dimension: w.value}))
    return table


def stars(rated: list[Stars], month: str, t: Translate) -> Table:
    table = Table(
        "stars",
        f"{t('r_stars')} {month}",
        [
            t("r_operator"),
            t("m_answered"),
            t("r_fast"),
            t("m_satisfaction"),
            t("r_ratings"),
            t("r_confirmed"),
            t("r_clean"),
            t("r_score"),
            t("r_star_count"),
        ],
        note=t("r_stars_note"),
    )
    for s in rated:
        table.rows.append(
            [
                s.display_name,
                count(s.answered),
                count(s.answered_fast),
                number(s.mean_rating, 2),
                count(s.ratings),
                count(s.confirmed),
                count(s.confirmed_clean),
                number(s.score, 2),
                "★" * s.stars if s.stars else t("r_too_little"),
            ]
        )
        table.links.append(None)
    return table


def environment(rows: list[IndexRow], name_of: Callable[[str], str], t: Translate) -> Table:
    table = Table(
        "index",
        t("r_index"),
        [
            t("r_month"),
            t("r_sector"),
            t("r_categories"),
            t("r_spending_growth"),
            t("m_complaints"),
            t("r_year_ago"),
            t("r_complaint_growth"),
            t("r_index_value"),
            t("r_reading"),
        ],
        note=t("r_index_note"),
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
                t(f"r_reading_{row.reading}"),
            ]
        )
        table.links.append(None)
    return table


def overdue(
    found: list[OverdueTicket],
    at: datetime,
    zone: ZoneInfo,
    name_of: Callable[[str], str],
    t: Translate,
) -> Table:
    """Open and dispatched tickets past their due date at `at`, the longest overdue first."""
    table = Table(
        "overdue",
        t("r_overdue_list"),
        [
            t("r_number"),
            t("r_category_key"),
            t("r_district"),
            t("caller"),
            t("r_due"),
            t("r_days_over"),
        ],
    )
    for ticket in found:
        due = ticket.due_at.astimezone(zone)
        table.rows.append(
            [
                ticket.number or NOTHING,
                name_of(ticket.category) if ticket.category else NOTHING,
                ticket.district or NOTHING,
                mask_number(ticket.caller_number),
                f"{due:%Y-%m-%d %H:%M}",
                str((at - ticket.due_at).days),
            ]
        )
        table.links.append(f"/tickets/{ticket.id}")
    return table


def as_dicts(table: Table) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]

"""The ticket side of the report figures: a period's tickets folded by state, source, type,
category and district; overdue tickets; tickets per value over several date ranges at once
(the rankings, early warning and the consumer environment index)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from hotline.core.db import db
from reports.sql import count_if, within
from tickets.models import Ticket, TicketState

UNRESOLVED = (TicketState.open.value, TicketState.dispatched.value)


def overdue_condition(at: datetime) -> ColumnElement[bool]:
    """A ticket that missed its due date: resolved after it, or unresolved past it at `at`."""
    return and_(
        Ticket.due_at.is_not(None),
        or_(
            Ticket.resolved_at > Ticket.due_at,
            and_(Ticket.resolved_at.is_(None), Ticket.state.in_(UNRESOLVED), Ticket.due_at < at),
        ),
    )


@dataclass(frozen=True)
class OverdueTicket:
    id: int
    number: str | None
    category: str | None
    district: str | None
    caller_number: str
    due_at: datetime


def overdue_tickets(at: datetime, limit: int = 50) -> list[OverdueTicket]:
    """Open and dispatched tickets past their due date at `at`, the longest overdue first."""
    rows = db.session.execute(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.category,
            Ticket.district,
            Ticket.caller_number,
            Ticket.due_at,
        )
        .where(Ticket.state.in_(UNRESOLVED), Ticket.due_at < at)
        .order_by(Ticket.due_at, Ticket.id)
        .limit(limit)
    ).all()
    return [OverdueTicket(*row) for row in rows]


def ticket_figures(start: datetime, end: datetime, at: datetime) -> dict[str, Any]:
    """One grouped query: the groups (state × source × type × category × district) are
    counted by the database and only the group totals are folded here."""
    rows = db.session.execute(
        select(
            Ticket.state,
            Ticket.source,
            Ticket.type,
            Ticket.category,
            Ticket.district,
            func.count(),
            count_if(overdue_condition(at)),
            count_if(Ticket.repeat_caller.is_(True)),
        )
        .where(within(Ticket.created_at, start, end), Ticket.state != TicketState.discarded.value)
        .group_by(Ticket.state, Ticket.source, Ticket.type, Ticket.category, Ticket.district)
    ).all()
    folded: dict[str, Any] = {
        "tickets": 0,
        "drafts": 0,
        "overdue": 0,
        "repeat_caller_tickets": 0,
        "by_type": defaultdict(int),
        "by_category": defaultdict(int),
        "by_district": defaultdict(int),
        "by_source": defaultdict(int),
    }
    for state, source, kind, category, district, count, overdue, repeat in rows:
        folded["tickets"] += count
        folded["drafts"] += count if state == TicketState.draft.value else 0
        folded["overdue"] += overdue
        folded["repeat_caller_tickets"] += repeat
        folded["by_type"][kind or ""] += count
        folded["by_category"][category or ""] += count
        folded["by_district"][district or ""] += count
        folded["by_source"][source] += count
    for name in ("by_type", "by_category", "by_district", "by_source"):
        folded[name] = dict(sorted(folded[name].items(), key=lambda item: (-item[1], item[0])))
    return folded


TICKET_DIMENSIONS = {
    "category": Ticket.category,
    "district": Ticket.district,
    "merchant": Ticket.merchant,
    "type": Ticket.type,
    "source": Ticket.source,
}


def ticket_counts(
    column: Any,
    ranges: dict[str, tuple[datetime, datetime]],
    *where: ColumnElement[bool],
    at_least: tuple[str, int] | None = None,
) -> dict[str, dict[str, int]]:
    """Tickets (not discarded, meeting `where`) per value of `column` in each named range, in
    one query: the ranges are counted side by side with conditional sums over their union.
    `at_least=(range, n)` keeps only the values with n or more tickets in that range."""
    sums = {name: count_if(within(Ticket.created_at, *span)) for name, span in ranges.items()}
    having = [sums[at_least[0]] >= at_least[1]] if at_least else []
    rows = db.session.execute(
        select(column, *(total.label(name) for name, total in sums.items()))
        .where(
            column.is_not(None),
            column != "",
            Ticket.state != TicketState.discarded.value,
            *where,
            or_(*(within(Ticket.created_at, *span) for span in _spans(ranges.values()))),
        )
        .group_by(column)
        .having(*having)
    ).all()
    return {row[0]: dict(zip(ranges, row[1:], strict=True)) for row in rows}


def _spans(bounds: Any) -> list[tuple[datetime, datetime]]:
    """Ranges merged where they touch or overlap: nine consecutive weeks are one index range
    scan for the database, not an OR of nine."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(bounds):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

"""Tickets for a period as CSV, and as Open311 GeoReport v2 service requests (`requests.json`),
so that a city's existing 311 tools can read them. Numbers are masked in both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from hotline.core.csvsafe import to_csv
from hotline.core.db import db
from tickets.models import Ticket, TicketState
from tickets.privacy import mask_number, mask_text

CSV_COLUMNS = (
    "number",
    "state",
    "source",
    "type",
    "category",
    "district",
    "merchant",
    "amount",
    "priority",
    "caller_number",
    "repeat_caller",
    "created_at",
    "opened_at",
    "due_at",
    "resolved_at",
    "assigned_district",
    "description",
)
#: Open311's two statuses.
OPEN311_STATUS = {
    TicketState.resolved.value: "closed",
    TicketState.closed.value: "closed",
    TicketState.discarded.value: "closed",
}


def _tickets(start: datetime, end: datetime) -> list[Ticket]:
    return list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.created_at >= start, Ticket.created_at < end)
            .order_by(Ticket.created_at, Ticket.id)
        )
    )


def tickets_csv(start: datetime, end: datetime) -> str:
    """The tickets created in [start, end) as CSV, numbers masked, cells made safe to open."""
    rows: list[list[Any]] = [list(CSV_COLUMNS)]
    for t in _tickets(start, end):
        row = {
            **{c: getattr(t, c, None) for c in CSV_COLUMNS},
            "caller_number": mask_number(t.caller_number),
            "description": mask_text(t.description),
        }
        rows.append(
            [v.isoformat() if isinstance(v, datetime) else v for v in (row[c] for c in CSV_COLUMNS)]
        )
    return to_csv(rows)


def open311_requests(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """GeoReport v2 `requests.json`: one service request per ticket (drafts excluded)."""
    return [
        {
            "service_request_id": t.number or f"draft-{t.id}",
            "status": OPEN311_STATUS.get(t.state, "open"),
            "status_notes": t.resolution or t.discard_reason,
            "service_name": t.category or t.type,
            "service_code": t.category or t.type,
            "description": mask_text(t.description),
            "agency_responsible": f"{t.assigned_district}市场监管局"
            if t.assigned_district
            else None,
            "service_notice": None,
            "requested_datetime": (t.opened_at or t.created_at).isoformat(),
            "updated_datetime": t.updated_at.isoformat(),
            "expected_datetime": t.due_at.isoformat() if t.due_at else None,
            "address": t.district,
            "address_id": None,
            "zipcode": None,
            "lat": None,
            "long": None,
            "media_url": None,
        }
        for t in _tickets(start, end)
        if t.state != TicketState.draft.value
    ]

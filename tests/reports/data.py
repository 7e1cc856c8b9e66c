"""Hand-built report data: rows written with the app's own models at given Shanghai times
(the reports read what the webhooks and the review store; these write the same columns)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.core.db import db
from ivr.models import Call, Callback, QueueVisit
from tickets.models import Ticket, TicketEvent
from voicemail.models import Voicemail

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def local(
    year: int, month: int, day: int, hour: int = 10, minute: int = 0, zone: ZoneInfo = SHANGHAI
) -> datetime:
    """A local wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def call(
    at: datetime,
    number: str = "+8613800000000",
    *,
    satisfaction: int | None = None,
    line: str = "public",
) -> Call:
    row = Call(
        call_sid=f"CA{next(_ids):032x}",
        from_number=number,
        line=line,
        started_at=at,
        status="completed",
        satisfaction=satisfaction,
    )
    db.session.add(row)
    db.session.flush()
    return row


def visit(
    of: Call,
    result: str,
    wait: int | None = None,
    *,
    operator_id: int | None = None,
    rating: int | None = None,
    callback_id: int | None = None,
    at: datetime | None = None,
) -> QueueVisit:
    entered = at or of.started_at + timedelta(seconds=30)
    row = QueueVisit(
        call_id=of.id,
        queue_name="operators",
        entered_at=entered,
        result=result,
        wait_seconds=wait,
        left_at=entered + timedelta(seconds=wait or 0),
        bridged_at=entered + timedelta(seconds=wait or 0) if result == "bridged" else None,
        talk_seconds=120 if result == "bridged" else None,
        operator_id=operator_id,
        rating=rating,
        callback_id=callback_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def callback(of: Call, at: datetime, state: str) -> Callback:
    row = Callback(
        call_id=of.id,
        queue_name="operators",
        menu_version=1,
        node_id="operator",
        number=of.from_number,
        language="zh-CN",
        joined_at=at,
        requested_at=at,
        state=state,
    )
    db.session.add(row)
    db.session.flush()
    return row


def voicemail(at: datetime, state: str) -> Voicemail:
    row = Voicemail(
        recording_sid=f"RE{next(_ids):032x}",
        call_sid=f"CA{next(_ids):032x}",
        state=state,
        created_at=at,
        updated_at=at,
    )
    db.session.add(row)
    db.session.flush()
    return row


def ticket(
    at: datetime,
    *,
    state: str = "open",
    source: str = "voicemail",
    type: str | None = "complaint",
    category: str | None = "food",
    district: str | None = "静安",
    merchant: str | None = None,
    due: datetime | None = None,
    resolved: datetime | None = None,
    repeat_caller: bool = False,
) -> Ticket:
    row = Ticket(
        state=state,
        source=source,
        type=type,
        category=category,
        district=district,
        merchant=merchant,
        due_at=due,
        resolved_at=resolved,
        created_at=at,
        updated_at=at,
        repeat_caller=repeat_caller,
        caller_number="+8613912345678",
    )
    db.session.add(row)
    db.session.flush()
    return row


def event(of: Ticket, kind: str, actor: str, at: datetime) -> TicketEvent:
    row = TicketEvent(ticket_id=of.id, kind=kind, actor=actor, at=at, data={})
    db.session.add(row)
    db.session.flush()
    return row

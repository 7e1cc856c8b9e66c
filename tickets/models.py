"""Ticket tables: the work order, every event in its life, and the per-day number sequence."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.db import db, utcnow


class TicketState(StrEnum):
    draft = "draft"
    open = "open"
    dispatched = "dispatched"
    resolved = "resolved"
    closed = "closed"
    discarded = "discarded"


#: The state filter that means every state but discarded: what the reports count.
COUNTED = "counted"


class TicketType(StrEnum):
    complaint = "complaint"
    report = "report"
    consultation = "consultation"


class TicketSource(StrEnum):
    """Where a ticket came in (the reports count tickets per source: 来电、来信、来访、网站 …)."""

    voicemail = "voicemail"  # a transcribed voicemail's draft
    callback = "callback"  # a callback that never reached the caller
    transfer = "transfer"  # a partner hotline's work order by the API (三线联动)
    phone = "phone"  # registered by an operator during a live call
    letter = "letter"  # 来信
    visit = "visit"  # 来访 (walk-in)
    web = "web"  # the website's form (网站)
    email = "email"
    partner = "partner"  # a partner's order entered by hand (fax, phone call between centres)


#: The sources an operator enters by hand on the desk's intake form (no call).
INTAKE_CHANNELS = (
    TicketSource.letter,
    TicketSource.visit,
    TicketSource.web,
    TicketSource.email,
    TicketSource.partner,
)


class DiscardReason(StrEnum):
    silent = "silent"
    spam = "spam"
    duplicate = "duplicate"
    out_of_scope = "out_of_scope"


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("partner", "partner_ref"),
        # the report figures, rankings and warnings of a period, read from the index alone
        Index(
            "ix_tickets_report",
            "created_at",
            "state",
            "source",
            "type",
            "category",
            "district",
            "merchant",
            "repeat_caller",
            "due_at",
            "resolved_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=TicketState.draft.value, index=True)
    source: Mapped[str] = mapped_column(String(20), default="voicemail", index=True)
    type: Mapped[str | None] = mapped_column(String(20), index=True)
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    district: Mapped[str | None] = mapped_column(String(32), index=True)
    merchant: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    priority: Mapped[int] = mapped_column(default=0)
    caller_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voicemail_id: Mapped[int | None] = mapped_column(
        ForeignKey("voicemails.id", ondelete="SET NULL"), unique=True
    )
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    #: The queue visit (the live conversation with an operator) a ticket was registered in.
    queue_visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_visits.id", ondelete="SET NULL"), index=True
    )
    partner: Mapped[str | None] = mapped_column(String(32))
    partner_ref: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    #: The same number filed REPEAT_CALLER_COUNT tickets within REPEAT_CALLER_DAYS.
    repeat_caller: Mapped[bool] = mapped_column(default=False)
    #: The district branch it was dispatched to, and how it ended.
    assigned_district: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(Text)
    discard_reason: Mapped[str | None] = mapped_column(String(20))
    #: A PIN (hashed) that lets a caller from another number hear the status by phone.
    lookup_pin_hash: Mapped[str | None] = mapped_column(String(255))
    #: Where a partner hotline wants the outcome posted (transfers only), and when it was.
    partner_callback_url: Mapped[str | None] = mapped_column(String(500))
    partner_notified_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )


class TicketEvent(db.Model):
    """One change to a ticket: who, when, what changed."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketSequence(db.Model):
    """The last ticket number given out on a local day (`12315-YYYYMMDD-NNNN`)."""

    __tablename__ = "ticket_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)

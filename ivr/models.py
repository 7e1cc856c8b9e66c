"""IVR tables: menu versions, calls and the path of nodes each took, queue visits, callbacks,
operators' queue memberships and their sessions on the operator line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.db import db, utcnow


class MenuVersion(db.Model):
    """One numbered version of the menu document; exactly one is published at a time."""

    __tablename__ = "menu_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class Call(db.Model):
    """A phone call as Twilio reported it, pinned to the menu version it started on."""

    __tablename__ = "calls"
    __table_args__ = (
        # report figures of a period read from the index alone, and repeat callers counted
        # number by number (bench/reports.py)
        Index("ix_calls_report", "started_at", "line", "satisfaction", "from_number"),
        Index("ix_calls_number_report", "line", "from_number", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    to_number: Mapped[str] = mapped_column(String(32), default="")
    direction: Mapped[str] = mapped_column(String(20), default="inbound")
    #: `public` (a citizen calling the hotline), `operator` (the operator line) or `callback`
    #: (a call the hotline placed back to a caller who asked for it).
    line: Mapped[str] = mapped_column(String(16), default="public", index=True)
    menu_version_id: Mapped[int | None] = mapped_column(ForeignKey("menu_versions.id"))
    language: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="in-progress", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None]
    satisfaction: Mapped[int | None]

    steps: Mapped[list[CallStep]] = relationship(back_populates="call", order_by="CallStep.id")
    queue_visits: Mapped[list[QueueVisit]] = relationship(back_populates="call")


class CallStep(db.Model):
    """One node of the menu that a call visited, with the input that led there."""

    __tablename__ = "call_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(64))
    digits: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="steps")


class QueueResult:
    """How a queue visit ended: Twilio's QueueResult, plus the app's own overflow reasons."""

    BRIDGED = "bridged"  # an operator answered
    HANGUP = "hangup"  # the caller hung up while waiting: abandoned
    LEAVE = "leave"  # the caller left (voicemail, callback) or was sent on after `max_wait`
    QUEUE_FULL = "queue-full"  # `max_size` callers were already waiting
    NO_OPERATORS = "no-operators"  # nobody logged in for the queue (or not in the language)
    REDIRECTED = "redirected"
    ERROR = "error"


class QueueVisit(db.Model):
    """A call's stay in a named queue: the source of answer rate, abandonment and wait times."""

    __tablename__ = "queue_visits"
    __table_args__ = (
        Index("ix_queue_visits_waiting", "queue_name", "left_at", "entered_at"),
        # an operator's calls, latest first (quality review, their history)
        Index("ix_queue_visits_operator", "operator_id", "bridged_at"),
        # the caller an operator is talking to and the wrap-up that runs: the desk asks every
        # second per operator and the wall board for every operator (bench/board.py); partial,
        # so they hold only the few open rows, not a day's history
        Index(
            "ix_queue_visits_operator_open",
            "operator_id",
            "bridged_at",
            postgresql_where=text("left_at IS NULL"),
            sqlite_where=text("left_at IS NULL"),
        ),
        Index(
            "ix_queue_visits_operator_wrap_up",
            "operator_id",
            "wrapup_due_at",
            postgresql_where=text("wrapup_ended_at IS NULL AND wrapup_started_at IS NOT NULL"),
            sqlite_where=text("wrapup_ended_at IS NULL AND wrapup_started_at IS NOT NULL"),
        ),
        # the report figures of a period, read from the index alone (bench/reports.py)
        Index(
            "ix_queue_visits_report",
            "entered_at",
            "callback_id",
            "result",
            "wait_seconds",
            "talk_seconds",
            "rating",
            "call_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    queue_name: Mapped[str] = mapped_column(String(64), index=True)
    menu_version: Mapped[int | None]
    node_id: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Where the caller stood on joining: Twilio's queue ahead of them plus waiting callbacks.
    position_on_join: Mapped[int | None]
    left_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(20), index=True)
    #: Why the caller asked to leave: `voicemail`, `callback` or `max-wait` (with result `leave`).
    leave_reason: Mapped[str | None] = mapped_column(String(20))
    wait_seconds: Mapped[int | None]
    bridged_at: Mapped[datetime | None]
    talk_seconds: Mapped[int | None]
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int | None]
    #: Set when this visit is a called-back caller re-joining at the front of the line.
    callback_id: Mapped[int | None] = mapped_column(
        ForeignKey("callbacks.id", ondelete="SET NULL", use_alter=True)
    )
    #: After-call work (wrap-up) of the operator who took the caller: it starts when the
    #: conversation ends, ends when the operator says so (desk or operator line) or at
    #: `wrapup_due_at` (the queue's `wrap_up_max`), and keeps the disposition and a note.
    wrapup_started_at: Mapped[datetime | None]
    wrapup_due_at: Mapped[datetime | None]
    wrapup_ended_at: Mapped[datetime | None]
    wrapup_seconds: Mapped[int | None]
    disposition: Mapped[str | None] = mapped_column(String(24))
    wrapup_note: Mapped[str | None] = mapped_column(Text)

    call: Mapped[Call] = relationship(back_populates="queue_visits")


class Callback(db.Model):
    """A caller who chose to be called back instead of waiting: their place is `joined_at`."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_visits.id", ondelete="SET NULL"), unique=True
    )
    queue_name: Mapped[str] = mapped_column(String(64), index=True)
    menu_version: Mapped[int]
    node_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(32))
    hotline_number: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: pending → dialing → reached; or → retry (→ dialing …) → unreached (a draft ticket).
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    dialed_at: Mapped[datetime | None]
    last_call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_status: Mapped[str | None] = mapped_column(String(20))
    reached_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))


class OperatorQueue(db.Model):
    """Which queues an operator answers (and sees)."""

    __tablename__ = "operator_queues"
    __table_args__ = (UniqueConstraint("user_id", "queue_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    queue_name: Mapped[str] = mapped_column(String(64), index=True)


class OperatorSession(db.Model):
    """An operator logged in on the operator line: from the right PIN until the call ends."""

    __tablename__ = "operator_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    available: Mapped[bool] = mapped_column(default=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

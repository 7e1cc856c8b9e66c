"""IVR tables: menu versions, calls, the path of nodes each call took, and queue visits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.db import db, utcnow


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

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    to_number: Mapped[str] = mapped_column(String(32), default="")
    direction: Mapped[str] = mapped_column(String(20), default="inbound")
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


class QueueVisit(db.Model):
    """A call's stay in a named queue: the source of answer rate, abandonment and wait times."""

    __tablename__ = "queue_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    queue_name: Mapped[str] = mapped_column(String(64), index=True)
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    left_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(20))
    wait_seconds: Mapped[int | None]
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship(back_populates="queue_visits")

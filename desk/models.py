"""Desk tables: recordings of live conversations kept for quality review (质检) and the
supervisors' scores of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.db import db, utcnow


class CallRecording(db.Model):
    """A recorded conversation between a caller and an operator, fetched and stored like a
    voicemail's audio (received → stored, or failed with the reason)."""

    __tablename__ = "call_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    #: The operator's call (the operator line's Dial that recorded it).
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_visits.id", ondelete="SET NULL"), unique=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    queue_name: Mapped[str | None] = mapped_column(String(64))
    recording_url: Mapped[str] = mapped_column(String(500))
    duration_seconds: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(16), default="received", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stored_at: Mapped[datetime | None]
    deleted_from_twilio_at: Mapped[datetime | None]
    audio_deleted_at: Mapped[datetime | None]


class QualityReview(db.Model):
    """A supervisor's score of one recorded call: 1–5 with a checklist and a note."""

    __tablename__ = "quality_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        ForeignKey("call_recordings.id", ondelete="CASCADE"), unique=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reviewer: Mapped[str] = mapped_column(String(120))
    score: Mapped[int]
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

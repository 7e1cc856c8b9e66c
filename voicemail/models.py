"""Voicemail tables: one row per Twilio recording, with its processing state, and its transcript."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.db import db, utcnow


class VoicemailState(StrEnum):
    received = "received"
    downloaded = "downloaded"
    transcribed = "transcribed"
    drafted = "drafted"
    no_speech = "no-speech"
    absent = "absent"
    failed = "failed"


FINAL_STATES = frozenset(
    {VoicemailState.drafted, VoicemailState.no_speech, VoicemailState.absent, VoicemailState.failed}
)


class Voicemail(db.Model):
    __tablename__ = "voicemails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    from_number: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str | None] = mapped_column(String(10))
    recording_url: Mapped[str] = mapped_column(Text, default="")
    recording_seconds: Mapped[int | None]
    state: Mapped[str] = mapped_column(
        String(20), default=VoicemailState.received.value, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(16))
    audio_path: Mapped[str | None] = mapped_column(Text)
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    audio_bytes: Mapped[int | None]
    audio_deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    transcript: Mapped[Transcript | None] = relationship(back_populates="voicemail")


class Transcript(db.Model):
    """Vosk's result for one voicemail: text, per-word confidence and timings."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    voicemail_id: Mapped[int] = mapped_column(
        ForeignKey("voicemails.id", ondelete="CASCADE"), unique=True
    )
    language: Mapped[str] = mapped_column(String(10))
    model_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, default="")
    corrected_text: Mapped[str | None] = mapped_column(Text)
    words: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    mean_confidence: Mapped[float | None]
    audio_seconds: Mapped[float] = mapped_column(default=0.0)
    decode_seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    voicemail: Mapped[Voicemail] = relationship(back_populates="transcript")

"""Retention: local voicemail audio older than `AUDIO_RETENTION_DAYS` is deleted; the transcript,
the ticket and the row (with the audio's hash) stay."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from hotline.core.db import db, utcnow
from voicemail.media import delete_local
from voicemail.models import FINAL_STATES, Voicemail

log = logging.getLogger(__name__)


def run_retention(days: int | None = None) -> list[int]:
    """Delete expired audio of finished voicemails; returns the ids whose audio went."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    cutoff = utcnow() - timedelta(days=days if days is not None else settings.audio_retention_days)
    expired = db.session.scalars(
        select(Voicemail).where(
            Voicemail.audio_path.is_not(None),
            Voicemail.created_at < cutoff,
            Voicemail.state.in_([s.value for s in FINAL_STATES]),
        )
    ).all()
    done = []
    for voicemail in expired:
        path, voicemail.audio_path, voicemail.audio_deleted_at = (
            voicemail.audio_path,
            None,
            utcnow(),
        )
        db.session.flush()
        still_used = db.session.scalar(select(func.count()).where(Voicemail.audio_path == path))
        if not still_used:  # recordings are stored by content hash; another may share the file
            delete_local(settings.storage_root, path)
        done.append(voicemail.id)
    db.session.commit()
    if done:
        log.info("retention deleted the audio of %d voicemails", len(done))
    return done

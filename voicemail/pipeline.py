"""The voicemail pipeline: download → store → transcribe → draft ticket (download and store
are `voicemail.media`'s, shared with the desk's recorded calls).

Each step checks the stored state first and moves it on with a compare-and-set UPDATE, so a
repeated or concurrent job does no repeated work and never writes twice. Transient faults
(5xx, timeouts, a database hiccup) raise, for RQ's Retry; permanent ones (not audio, too
large, undecodable) end in `failed` with the reason at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from hotline.core.db import db, insert_ignoring_conflict, utcnow
from hotline.core.settings import Settings
from tickets.drafts import VoicemailMessage, create_draft
from transcription.audio import AudioError, NoAudio
from transcription.transcriber import transcribe_file
from voicemail import media
from voicemail.media import PermanentFailure
from voicemail.models import FINAL_STATES, Transcript, Voicemail, VoicemailState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    voicemail_id: int
    state: str


def settings() -> Settings:
    return current_app.config["HOTLINE_SETTINGS"]


def _load(voicemail_id: int) -> Voicemail | None:
    db.session.expire_all()
    return db.session.get(Voicemail, voicemail_id)


def advance(
    voicemail_id: int, from_state: VoicemailState, to_state: VoicemailState, **values: object
) -> bool:
    """Move the voicemail on, only if it is still in `from_state`; commits. True if it moved."""
    result = db.session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail_id, Voicemail.state == from_state.value)
        .values(state=to_state.value, updated_at=utcnow(), **values)
    )
    db.session.commit()
    return result.rowcount == 1


def process(voicemail_id: int) -> Outcome:
    """Run whatever steps the voicemail still needs, in order."""
    voicemail = _load(voicemail_id)
    if voicemail is None:
        log.warning("voicemail %s does not exist; nothing to do", voicemail_id)
        return Outcome(voicemail_id, "missing")
    if voicemail.state in FINAL_STATES:
        return Outcome(voicemail_id, voicemail.state)
    db.session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail_id)
        .values(attempts=Voicemail.attempts + 1, updated_at=utcnow())
    )
    db.session.commit()
    steps = {
        VoicemailState.received.value: download,
        VoicemailState.downloaded.value: transcribe,
        VoicemailState.transcribed.value: draft,
    }
    try:
        while (step := steps.get(voicemail.state)) is not None:
            step(voicemail)
            db.session.refresh(voicemail)
    except PermanentFailure as exc:
        db.session.rollback()
        mark_failed(voicemail_id, str(exc))
        return Outcome(voicemail_id, VoicemailState.failed.value)
    return Outcome(voicemail_id, voicemail.state)


def mark_failed(voicemail_id: int, reason: str) -> None:
    """Final failure, visible to operators with its reason; they can retry it."""
    db.session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail_id)
        .values(
            state=VoicemailState.failed.value, failure_reason=reason[:2000], updated_at=utcnow()
        )
    )
    db.session.commit()
    log.error("voicemail %s failed: %s", voicemail_id, reason)


def note_error(voicemail_id: int, reason: str) -> None:
    """A transient error before a retry: recorded, the state is kept."""
    db.session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail_id)
        .values(failure_reason=f"retrying after: {reason}"[:2000], updated_at=utcnow())
    )
    db.session.commit()


# -- step 1: download and store ----------------------------------------------------------------


def download(voicemail: Voicemail) -> None:
    config = settings()
    stored = media.download(voicemail.recording_url, config)
    if advance(
        voicemail.id,
        VoicemailState.received,
        VoicemailState.downloaded,
        audio_path=stored.relative,
        audio_sha256=stored.sha256,
        audio_bytes=stored.size,
    ):
        log.info("voicemail %s: stored %s (%d bytes)", voicemail.id, stored.relative, stored.size)
        if config.delete_recordings_from_twilio:
            media.delete_from_twilio(config, voicemail.recording_sid)


# -- step 2: transcribe ------------------------------------------------------------------------


def transcribe(voicemail: Voicemail) -> None:
    config = settings()
    path = config.storage_root / (voicemail.audio_path or "")
    try:
        result = transcribe_file(path, voicemail.language, config)
    except NoAudio:
        advance(
            voicemail.id,
            VoicemailState.downloaded,
            VoicemailState.no_speech,
            failure_reason="the recording holds no audio (0 seconds)",
        )
        return
    except AudioError as exc:
        raise PermanentFailure(f"the recording cannot be decoded: {exc}") from None
    insert_ignoring_conflict(
        Transcript,
        {
            "voicemail_id": voicemail.id,
            "language": result.language,
            "model_name": result.model,
            "text": result.text,
            "words": [w.__dict__ for w in result.words],
            "mean_confidence": result.mean_confidence,
            "audio_seconds": result.duration,
            "decode_seconds": result.decode_seconds,
            "created_at": utcnow(),
        },
        unique="voicemail_id",
    )
    if result.speech:
        advance(voicemail.id, VoicemailState.downloaded, VoicemailState.transcribed)
    else:
        advance(
            voicemail.id,
            VoicemailState.downloaded,
            VoicemailState.no_speech,
            failure_reason=f"no speech detected ({result.voiced_seconds:.1f} s of voice)",
        )


# -- step 3: the draft ticket ------------------------------------------------------------------


def draft(voicemail: Voicemail) -> None:
    transcript = db.session.scalar(
        select(Transcript).where(Transcript.voicemail_id == voicemail.id)
    )
    if transcript is None:  # cannot happen through `transcribe`; repair by transcribing again
        advance(voicemail.id, VoicemailState.transcribed, VoicemailState.downloaded)
        return
    create_draft(
        VoicemailMessage(
            voicemail_id=voicemail.id,
            recording_sid=voicemail.recording_sid,
            call_id=voicemail.call_id,
            caller=voicemail.from_number,
            language=voicemail.language or transcript.language,
            text=transcript.corrected_text or transcript.text,
        )
    )
    advance(voicemail.id, VoicemailState.transcribed, VoicemailState.drafted)

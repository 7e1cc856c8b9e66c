"""The voicemail pipeline: download → store → transcribe → draft ticket.

Each step checks the stored state first and moves it on with a compare-and-set UPDATE, so a
repeated or concurrent job does no repeated work and never writes twice. Transient faults
(5xx, timeouts, a database hiccup) raise, for RQ's Retry; permanent ones (not audio, too
large, undecodable) end in `failed` with the reason at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import select, update
from twilio.base.exceptions import TwilioException
from urllib3.util.retry import Retry

from hotline.core.db import db, insert_ignoring_conflict, utcnow
from hotline.core.settings import Settings
from hotline.core.twilio_rest import rest_client
from tickets.drafts import VoicemailMessage, create_draft
from transcription.audio import AudioError, NoAudio
from transcription.transcriber import transcribe_file
from voicemail.models import FINAL_STATES, Transcript, Voicemail, VoicemailState

log = logging.getLogger(__name__)

AUDIO_TYPES = ("audio/", "application/octet-stream")
CHUNK = 1 << 16


class PermanentFailure(Exception):
    """Retrying cannot help (the recording is not audio, too large, undecodable ...)."""


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


def _session() -> requests.Session:
    retry = Retry(
        total=4,
        connect=3,
        read=2,
        status=3,
        backoff_factor=0.3,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def media_url(recording_url: str) -> str:
    """Twilio serves the recording as WAV when `.wav` is appended to RecordingUrl."""
    return recording_url if recording_url.endswith((".wav", ".mp3")) else recording_url + ".wav"


def download(voicemail: Voicemail) -> None:
    config = settings()
    limit = config.recording_max_mb * 1024 * 1024
    url = media_url(voicemail.recording_url)
    with (
        _session() as session,
        session.get(
            url,
            auth=(config.twilio_account_sid, config.twilio_auth_token),
            stream=True,
            timeout=(5, config.recording_download_timeout),
        ) as response,
    ):
        if response.status_code in (401, 403):
            raise PermanentFailure(
                f"download refused with HTTP {response.status_code}: check "
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, then retry"
            )
        response.raise_for_status()  # 404 and 5xx (after urllib3's retries): RQ retries later
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not kind.startswith(AUDIO_TYPES):
            raise PermanentFailure(
                f"the recording URL returned {kind or 'no content type'}, not audio"
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PermanentFailure(
                f"recording is {int(declared) / 1e6:.0f} MB, over the "
                f"{config.recording_max_mb} MB limit (RECORDING_MAX_MB)"
            )
        stored = _store(response, config.storage_root, limit, config.recording_max_mb)
    relative, digest, size = stored
    if advance(
        voicemail.id,
        VoicemailState.received,
        VoicemailState.downloaded,
        audio_path=relative,
        audio_sha256=digest,
        audio_bytes=size,
    ):
        log.info("voicemail %s: stored %s (%d bytes)", voicemail.id, relative, size)
        if config.delete_recordings_from_twilio:
            _delete_from_twilio(config, voicemail.recording_sid)


def _store(
    response: requests.Response, root: Path, limit: int, limit_mb: int
) -> tuple[str, str, int]:
    """Stream the body to a temporary file, then move it to its content-addressed place."""
    folder = root / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=".download-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PermanentFailure(
                        f"recording is over the {limit_mb} MB limit (RECORDING_MAX_MB)"
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise PermanentFailure("the recording URL returned an empty body")
        hexdigest = digest.hexdigest()
        relative = Path("recordings") / hexdigest[:2] / f"{hexdigest}.wav"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_name, root / relative)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return relative.as_posix(), hexdigest, size


def _delete_from_twilio(config: Settings, recording_sid: str) -> None:
    try:
        rest_client(config).api.v2010.account.recordings(recording_sid).delete()
    except (TwilioException, requests.RequestException) as exc:
        log.warning("recording %s stored but not deleted from Twilio: %s", recording_sid, exc)


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

"""Recorded conversations for quality review (质检): Twilio's recording callback for an
operator's Dial, then fetch and store the audio with voicemail's media code (the same
download, storage, deletion from Twilio and retention), a reconciler and the retention run.

The callback stores the row once per RecordingSid and commits before Redis is touched: with
Redis down the row waits, `received`, for the reconciler. States: received → stored, or
failed with the reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, select, update

from desk.models import CallRecording
from hotline.core.db import db, insert_ignoring_conflict, utcnow
from hotline.core.queues import QueueUnavailable
from hotline.core.settings import Settings
from ivr.calls import BadParameters
from ivr.models import OperatorSession, QueueVisit
from voicemail import media
from voicemail.callbacks import recording_status
from voicemail.reconcile import job_alive

log = logging.getLogger(__name__)

#: The folder under the storage root for recorded calls (apart from voicemails, so that the
#: two retentions never share a content-addressed file).
FOLDER = "call-recordings"
CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")


class RecordingState(StrEnum):
    received = "received"
    stored = "stored"
    failed = "failed"


@dataclass(frozen=True)
class Received:
    recording_id: int | None
    created: bool
    enqueued: bool


def job_id(recording_sid: str) -> str:
    """The one RQ job id of a recorded call (RQ allows letters, digits, `_` and `-`)."""
    return f"callrec-{recording_sid}"


def _settings() -> Settings:
    return current_app.config["HOTLINE_SETTINGS"]


# -- the callback ------------------------------------------------------------------------------


def _checked(params: Mapping[str, str]) -> bool:
    """True for a completed recording; False for another status; BadParameters if malformed
    (the checks of every recording callback, voicemail's, and the operator's CallSid)."""
    status = recording_status(params)
    if not CALL_SID.match(params.get("CallSid", "")):
        raise BadParameters(f"missing or malformed CallSid {params.get('CallSid', '')[:40]!r}")
    return status == "completed"


def _visit_of(session: OperatorSession | None) -> QueueVisit | None:
    """The operator's latest bridged visit of this login that has no recording yet."""
    if session is None:
        return None
    recorded = select(CallRecording.visit_id).where(CallRecording.visit_id.is_not(None))
    return db.session.scalar(
        select(QueueVisit)
        .where(
            QueueVisit.operator_id == session.user_id,
            QueueVisit.bridged_at.is_not(None),
            QueueVisit.bridged_at >= session.started_at,
            QueueVisit.id.not_in(recorded),
        )
        .order_by(QueueVisit.bridged_at.desc(), QueueVisit.id.desc())
        .limit(1)
    )


def receive(params: Mapping[str, str]) -> Received:
    """Store a completed recording once (RecordingSid is unique) and enqueue its fetch."""
    if not _checked(params):
        log.info(
            "recording %s of call %s: status %s, nothing stored",
            params.get("RecordingSid"),
            params.get("CallSid"),
            params.get("RecordingStatus"),
        )
        return Received(None, created=False, enqueued=False)
    sid, call_sid = params["RecordingSid"], params["CallSid"]
    session = db.session.scalar(select(OperatorSession).where(OperatorSession.call_sid == call_sid))
    visit = _visit_of(session)
    duration = params.get("RecordingDuration", "")
    recording_id = insert_ignoring_conflict(
        CallRecording,
        {
            "recording_sid": sid,
            "call_sid": call_sid,
            "visit_id": visit.id if visit else None,
            "operator_id": session.user_id if session else None,
            "queue_name": visit.queue_name if visit else None,
            "recording_url": params["RecordingUrl"][:500],
            "duration_seconds": int(duration) if duration.isdigit() and len(duration) < 7 else None,
            "state": RecordingState.received.value,
            "received_at": utcnow(),
        },
        unique="recording_sid",
    )
    db.session.commit()
    if recording_id is None:
        log.info("call recording %s: repeated callback; nothing to do", sid)
        existing = db.session.scalar(
            select(CallRecording.id).where(CallRecording.recording_sid == sid)
        )
        return Received(existing, created=False, enqueued=False)
    if visit is None:
        log.warning("call recording %s: no bridged visit of call %s found", sid, call_sid)
    return Received(recording_id, created=True, enqueued=enqueue(recording_id, sid))


def enqueue(recording_id: int, recording_sid: str) -> bool:
    """Queue the fetch job; False (and a log line) if Redis is down (the reconciler retries)."""
    from rq import Callback, Retry

    from desk.jobs import call_recording_failed, fetch_call_recording

    intervals = _settings().job_retry_intervals
    try:
        current_app.extensions["hotline.queues"].enqueue(
            "default",
            fetch_call_recording,
            recording_id,
            job_id=job_id(recording_sid),
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=900,
            failure_ttl=7 * 86400,
            on_failure=Callback(call_recording_failed),
        )
    except QueueUnavailable as exc:
        log.error("call recording %s stored but not enqueued (%s)", recording_id, exc)
        return False
    return True


# -- fetch and store ---------------------------------------------------------------------------


def fetch(recording_id: int) -> str:
    """Download and store a received recording (once), then delete it from Twilio when
    DELETE_RECORDINGS_FROM_TWILIO is set; returns the state it is in."""
    db.session.expire_all()
    recording = db.session.get(CallRecording, recording_id)
    if recording is None:
        return "missing"
    if recording.state != RecordingState.received.value:
        return recording.state
    config = _settings()
    try:
        stored = media.download(recording.recording_url, config, folder=FOLDER)
    except media.PermanentFailure as exc:
        mark_failed(recording_id, str(exc))
        return RecordingState.failed.value
    moved = db.session.execute(
        update(CallRecording)
        .where(
            CallRecording.id == recording_id,
            CallRecording.state == RecordingState.received.value,
        )
        .values(state=RecordingState.stored.value, audio_path=stored.relative, stored_at=utcnow())
    )
    db.session.commit()
    if moved.rowcount == 1:
        log.info(
            "call recording %s: stored %s (%d bytes)", recording_id, stored.relative, stored.size
        )
        if config.delete_recordings_from_twilio and media.delete_from_twilio(
            config, recording.recording_sid
        ):
            recording.deleted_from_twilio_at = utcnow()
            db.session.commit()
    return RecordingState.stored.value


def mark_failed(recording_id: int, reason: str) -> None:
    db.session.execute(
        update(CallRecording)
        .where(CallRecording.id == recording_id)
        .values(state=RecordingState.failed.value, error=reason[:2000])
    )
    db.session.commit()
    log.error("call recording %s failed: %s", recording_id, reason)


def note_error(recording_id: int, reason: str) -> None:
    """A transient error before a retry: noted, the state kept."""
    db.session.execute(
        update(CallRecording)
        .where(CallRecording.id == recording_id)
        .values(error=f"retrying after: {reason}"[:2000])
    )
    db.session.commit()


# -- reconciler and retention ------------------------------------------------------------------


@dataclass
class Reconciled:
    enqueued: list[int] = field(default_factory=list)
    left_alone: list[int] = field(default_factory=list)


def reconcile(older_than: timedelta | None = None) -> Reconciled:
    """Enqueue received recordings whose job was lost (Redis down at callback time, a job
    expired, a worker killed), unless their job is waiting or running."""
    threshold = (
        older_than
        if older_than is not None
        else timedelta(seconds=_settings().reconcile_after_seconds)
    )
    queues = current_app.extensions["hotline.queues"]
    report = Reconciled()
    for recording in db.session.scalars(
        select(CallRecording)
        .where(
            CallRecording.state == RecordingState.received.value,
            CallRecording.received_at <= utcnow() - threshold,
        )
        .order_by(CallRecording.id)
    ):
        if job_alive(queues, job_id(recording.recording_sid)):
            report.left_alone.append(recording.id)
        elif enqueue(recording.id, recording.recording_sid):
            report.enqueued.append(recording.id)
    if report.enqueued:
        log.warning("reconciler re-enqueued call recordings %s", report.enqueued)
    return report


def run_retention(days: int | None = None) -> list[int]:
    """Delete the local audio of recordings stored longer than AUDIO_RETENTION_DAYS; the row
    and its review stay. Returns the ids whose audio went."""
    config = _settings()
    cutoff = utcnow() - timedelta(days=days if days is not None else config.audio_retention_days)
    expired = db.session.scalars(
        select(CallRecording).where(
            CallRecording.audio_path.is_not(None), CallRecording.stored_at < cutoff
        )
    ).all()
    done = []
    for recording in expired:
        path, recording.audio_path, recording.audio_deleted_at = (
            recording.audio_path,
            None,
            utcnow(),
        )
        db.session.flush()
        shared = db.session.scalar(select(func.count()).where(CallRecording.audio_path == path))
        if not shared:  # stored by content hash: an identical recording may share the file
            media.delete_local(config.storage_root, path)
        done.append(recording.id)
    db.session.commit()
    if done:
        log.info("retention deleted the audio of %d call recordings", len(done))
    return done

"""Twilio's recording status callback: create the voicemail once, commit, then enqueue it.

Twilio retries callbacks and may send them out of order; RecordingSid is unique, so a repeat
changes nothing and enqueues nothing. The row is committed before Redis is touched: if Redis
is down the voicemail still exists and the reconciler enqueues it later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from hotline.core.db import db, insert_ignoring_conflict
from hotline.core.queues import QueueUnavailable
from ivr.calls import BadParameters, find_or_create_call
from voicemail.models import Voicemail, VoicemailState

log = logging.getLogger(__name__)

RECORDING_SID = re.compile(r"^RE[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class CallbackResult:
    voicemail_id: int | None
    created: bool
    enqueued: bool


def job_id(recording_sid: str) -> str:
    """The one RQ job id of a voicemail (RQ allows letters, digits, `_` and `-`)."""
    return f"voicemail-{recording_sid}"


def recording_status(params: Mapping[str, str]) -> str:
    """The RecordingStatus of a recording status callback (a voicemail's or a recorded
    call's), after the checks every such callback needs: a well-formed RecordingSid, a status
    Twilio sends, and an http(s) RecordingUrl when completed; BadParameters otherwise."""
    sid = params.get("RecordingSid", "")
    if not RECORDING_SID.match(sid):
        raise BadParameters(f"missing or malformed RecordingSid {sid[:40]!r}")
    status = params.get("RecordingStatus", "").strip().lower()
    if status not in ("completed", "in-progress", "absent", "failed"):
        raise BadParameters(f"unknown RecordingStatus {status[:20]!r}")
    url = params.get("RecordingUrl", "")
    if status == "completed" and urlsplit(url).scheme not in ("http", "https"):
        raise BadParameters(f"RecordingUrl is not an http(s) URL: {url[:80]!r}")
    return status


def receive_recording(params: Mapping[str, str], language: str | None) -> CallbackResult:
    status = recording_status(params)
    sid, url = params["RecordingSid"], params.get("RecordingUrl", "")
    if status == "in-progress":
        return CallbackResult(None, created=False, enqueued=False)

    call = find_or_create_call(params)
    duration = params.get("RecordingDuration", "")
    values = {
        "recording_sid": sid,
        "call_sid": call.call_sid,
        "call_id": call.id,
        "from_number": call.from_number,
        "language": (language or call.language or "")[:10] or None,
        "recording_url": url[:2000],
        "recording_seconds": int(duration) if duration.isdigit() and len(duration) < 7 else None,
        "state": VoicemailState.received.value
        if status == "completed"
        else VoicemailState.absent.value,
        "error_code": params.get("ErrorCode", "")[:16] or None,
        "failure_reason": None
        if status == "completed"
        else f"Twilio reported the recording {status}",
    }
    voicemail_id = insert_ignoring_conflict(Voicemail, values, unique="recording_sid")
    db.session.commit()
    if voicemail_id is None:
        log.info("recording %s: repeated callback (%s); nothing to do", sid, status)
        existing = db.session.scalar(select(Voicemail.id).where(Voicemail.recording_sid == sid))
        return CallbackResult(existing, created=False, enqueued=False)
    if status != "completed":
        log.warning("recording %s %s (ErrorCode %s); no job", sid, status, values["error_code"])
        return CallbackResult(voicemail_id, created=True, enqueued=False)
    return CallbackResult(voicemail_id, created=True, enqueued=enqueue(voicemail_id, sid))


def enqueue(voicemail_id: int, recording_sid: str) -> bool:
    """Put the voicemail's processing job on the queue; False (and a log line) if Redis is down."""
    from rq import Callback, Retry

    from voicemail.jobs import process_voicemail, voicemail_failed

    intervals = current_app.config["HOTLINE_SETTINGS"].job_retry_intervals
    queues = current_app.extensions["hotline.queues"]
    try:
        queues.enqueue(
            "voicemail",
            process_voicemail,
            voicemail_id,
            job_id=job_id(recording_sid),
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=1800,
            failure_ttl=7 * 86400,
            on_failure=Callback(voicemail_failed),
        )
    except QueueUnavailable as exc:
        log.error(
            "voicemail %s stored but not enqueued (%s); the reconciler will enqueue it",
            voicemail_id,
            exc,
        )
        return False
    return True

"""The reconciler: finishes voicemails whose job was lost, and callbacks stashed during an outage.

A voicemail unfinished for longer than `RECONCILE_AFTER_SECONDS` is re-enqueued unless its job
is queued, scheduled or being worked on by a live worker, so nothing is processed twice:
Redis was down at callback time, a job expired, or a worker was killed mid-job.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from hotline.core.db import db, utcnow
from hotline.core.queues import REDIS_ERRORS, JobQueues
from voicemail.callbacks import enqueue, job_id, receive_recording
from voicemail.models import Voicemail, VoicemailState

log = logging.getLogger(__name__)

PENDING_CALLBACKS = "hotline:pending-recording-callbacks"
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
HEARTBEAT_GRACE = timedelta(seconds=120)
UNFINISHED = (VoicemailState.received, VoicemailState.downloaded, VoicemailState.transcribed)


@dataclass
class Report:
    callbacks_replayed: int = 0
    enqueued: list[int] = field(default_factory=list)
    left_alone: list[int] = field(default_factory=list)


def stash_callback(queues: JobQueues, params: dict[str, str], language: str | None) -> None:
    """Keep a recording callback in Redis while the database is down (raises if Redis is too)."""
    queues.connection.rpush(PENDING_CALLBACKS, json.dumps({"params": params, "lang": language}))


def reconcile(older_than: timedelta | None = None) -> Report:
    settings = current_app.config["HOTLINE_SETTINGS"]
    queues: JobQueues = current_app.extensions["hotline.queues"]
    report = Report()
    report.callbacks_replayed = _replay_stashed(queues)
    threshold = (
        older_than
        if older_than is not None
        else timedelta(seconds=settings.reconcile_after_seconds)
    )
    stuck = db.session.scalars(
        select(Voicemail)
        .where(
            Voicemail.state.in_([s.value for s in UNFINISHED]),
            Voicemail.updated_at <= utcnow() - threshold,
        )
        .order_by(Voicemail.id)
    ).all()
    for voicemail in stuck:
        if job_alive(queues, job_id(voicemail.recording_sid)):
            report.left_alone.append(voicemail.id)
        elif enqueue(voicemail.id, voicemail.recording_sid):
            report.enqueued.append(voicemail.id)
    if report.enqueued:
        log.warning("reconciler re-enqueued voicemails %s", report.enqueued)
    return report


def _replay_stashed(queues: JobQueues) -> int:
    """Store the callbacks kept in Redis during a database outage; a failure puts one back."""
    replayed = 0
    while raw := queues.connection.lpop(PENDING_CALLBACKS):
        item = json.loads(raw)
        try:
            receive_recording(item["params"], item.get("lang"))
        except Exception:
            db.session.rollback()
            queues.connection.lpush(PENDING_CALLBACKS, raw)  # kept for the next run
            raise
        replayed += 1
    return replayed


def job_alive(queues: JobQueues, jid: str) -> bool:
    """True when the job is waiting to run or running on a live worker; else it is cleared."""
    try:
        job = Job.fetch(jid, connection=queues.connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=True)
    if status in WAITING:
        return True
    if status == JobStatus.STARTED and _worker_alive(queues, job.worker_name):
        return True
    job.delete()
    return False


def _worker_alive(queues: JobQueues, name: str | None) -> bool:
    if not name:
        return False
    worker = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + name, connection=queues.connection
    )
    if worker is None:
        return False
    if worker.hostname == socket.gethostname() and worker.pid:
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return False
        return True
    heartbeat = worker.last_heartbeat
    return (
        heartbeat is not None
        and datetime.now(UTC) - heartbeat.replace(tzinfo=UTC) < HEARTBEAT_GRACE
    )


def requeue(voicemail: Voicemail) -> None:
    """Queue a voicemail's job again after its reset was committed (an old finished or failed
    job of the same id is cleared first): `voicemail.retry_service`'s retry and reprocess."""
    queues: JobQueues = current_app.extensions["hotline.queues"]
    try:
        job_alive(queues, job_id(voicemail.recording_sid))  # clears the old job
    except REDIS_ERRORS:
        pass
    enqueue(voicemail.id, voicemail.recording_sid)

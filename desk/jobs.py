"""The desk's RQ jobs: thin, they take ids, push the app context and call one service.

Exceptions propagate on purpose, so that RQ's `Retry` and its failed-job registry see them.
"""

from __future__ import annotations

from rq.job import Job

from hotline.core.jobs import app_context


def fetch_call_recording(recording_id: int) -> str:
    """Download and store one recorded call (only if it is still to be stored)."""
    from desk.recordings import fetch

    with app_context():
        return fetch(recording_id)


def call_recording_failed(
    job: Job, connection: object, exc_type: type, exc: BaseException, traceback: object
) -> None:
    """RQ's failure callback: note the error; after the last retry the recording is failed."""
    from desk.recordings import mark_failed, note_error

    reason = f"{exc_type.__name__}: {exc}"
    with app_context():
        if job.should_retry:
            note_error(job.args[0], reason)
        else:
            mark_failed(job.args[0], f"gave up after the last retry: {reason}")


def reconcile_call_recordings() -> int:
    """Periodic: enqueue recorded calls whose fetch job was lost; returns how many."""
    from desk.recordings import reconcile

    with app_context():
        return len(reconcile().enqueued)


def delete_expired_call_audio() -> int:
    """Periodic: apply the audio retention period to recorded calls; returns how many went."""
    from desk.recordings import run_retention

    with app_context():
        return len(run_retention())


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC = [(reconcile_call_recordings, 60), (delete_expired_call_audio, 6 * 3600)]

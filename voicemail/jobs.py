"""Voicemail's RQ jobs: thin, they take ids, push the app context and call one service.

Exceptions propagate on purpose, so that RQ's `Retry` and its failed-job registry see them.
"""

from __future__ import annotations

from rq.job import Job

from hotline.core.jobs import app_context


def process_voicemail(voicemail_id: int) -> str:
    """Download, store, transcribe and draft one voicemail (each step only if still needed)."""
    from voicemail.pipeline import process

    with app_context():
        return process(voicemail_id).state


def voicemail_failed(
    job: Job, connection: object, exc_type: type, exc: BaseException, traceback: object
) -> None:
    """RQ's failure callback: note the error, and after the last retry mark the voicemail failed."""
    from voicemail.pipeline import mark_failed, note_error

    reason = f"{exc_type.__name__}: {exc}"
    with app_context():
        if job.should_retry:
            note_error(job.args[0], reason)
        else:
            mark_failed(job.args[0], f"gave up after the last retry: {reason}")


def reconcile_voicemails() -> int:
    """Periodic: re-enqueue voicemails whose job was lost; returns how many."""
    from voicemail.reconcile import reconcile

    with app_context():
        return len(reconcile().enqueued)


def delete_expired_audio() -> int:
    """Periodic: apply the audio retention period; returns how many recordings went."""
    from voicemail.retention import run_retention

    with app_context():
        return len(run_retention())


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC = [(reconcile_voicemails, 60), (delete_expired_audio, 6 * 3600)]

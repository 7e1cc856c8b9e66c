"""Thin RQ jobs: each takes ids, runs inside the process's app context and calls one service.

Exceptions propagate on purpose, so that RQ's `Retry` and its failed-job registry see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rq import Retry
from rq.job import Job

from hotline.db import db
from workers.context import job_app


@contextmanager
def app_context() -> Iterator[None]:
    """Push the process's app context; the job's session is closed when it ends."""
    with job_app().app_context():
        try:
            yield
        finally:
            db.session.remove()


def echo(value: str) -> str:
    """Return the argument: proves a queue and a worker are wired together (health, tests)."""
    return value


#: Retries of a voicemail job after a transient error, with growing pauses (seconds).
RETRY = Retry(max=4, interval=[5, 30, 120, 600])


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


def dispatch_callbacks(queue: str | None = None) -> int:
    """Place the queued callbacks whose turn has come (one queue, or all); returns how many."""
    from ivr.callbacks import dispatch

    with app_context():
        return len(dispatch([queue] if queue else None))


def overdue_digest() -> str:
    """Periodic (daily): write the overdue digest; returns its path."""
    from tickets.digest import overdue_digest as write

    with app_context():
        return str(write()[0])


def generate_reports() -> list[str]:
    """Periodic (hourly): last week's flash report and last month's analysis, once each."""
    from reports.documents import generate_due

    with app_context():
        return [f"{r.kind} {r.period}" for r in generate_due()]


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC_JOBS: list[tuple[object, int]] = [
    (reconcile_voicemails, 60),
    (dispatch_callbacks, 30),
    (overdue_digest, 86400),
    (delete_expired_audio, 6 * 3600),
    (generate_reports, 3600),
]


def notify_partner(ticket_id: int) -> bool:
    """Post a resolved transfer's outcome to the partner hotline (retried by RQ on failure)."""
    from tickets.transfers import notify_partner as notify

    with app_context():
        return notify(ticket_id)


def send_ticket_sms(ticket_id: int, kind: str, pin: str | None) -> str | None:
    """Text the caller that their ticket was opened or resolved."""
    from tickets.transfers import send_sms

    with app_context():
        return send_sms(ticket_id, kind, pin)

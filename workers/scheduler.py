"""The scheduler process: RQ's cron scheduler enqueues the periodic jobs each feature registers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from rq.cron import CronScheduler

from hotline.core.queues import connect
from hotline.core.settings import load_settings


def periodic_jobs() -> list[tuple[Callable[..., object], int]]:
    """Every feature's periodic jobs (`<feature>/jobs.py`'s PERIODIC): (function, seconds)."""
    from desk import jobs as desk_jobs
    from ivr import jobs as ivr_jobs
    from reports import jobs as report_jobs
    from tickets import jobs as ticket_jobs
    from voicemail import jobs as voicemail_jobs

    return [
        *voicemail_jobs.PERIODIC,
        *ivr_jobs.PERIODIC,
        *ticket_jobs.PERIODIC,
        *report_jobs.PERIODIC,
        *desk_jobs.PERIODIC,
    ]


log = logging.getLogger(__name__)


def build_scheduler() -> CronScheduler:
    settings = load_settings()
    job_queues = connect(settings)
    scheduler = CronScheduler(connection=job_queues.connection, logging_level=settings.log_level)
    for func, interval in periodic_jobs():
        scheduler.register(func, queue_name="default", interval=interval)
    return scheduler


def run_scheduler() -> None:
    scheduler = build_scheduler()
    log.info("scheduler starting with %d periodic jobs", len(scheduler.get_jobs()))
    scheduler.start()

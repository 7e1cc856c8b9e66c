"""The scheduler process: RQ's cron scheduler enqueues the periodic jobs features register."""

from __future__ import annotations

import logging

from rq.cron import CronScheduler

from hotline.settings import load_settings
from workers.jobs import PERIODIC_JOBS
from workers.queues import connect

log = logging.getLogger(__name__)


def build_scheduler() -> CronScheduler:
    settings = load_settings()
    job_queues = connect(settings)
    scheduler = CronScheduler(connection=job_queues.connection, logging_level=settings.log_level)
    for func, interval in PERIODIC_JOBS:
        scheduler.register(func, queue_name="default", interval=interval)  # type: ignore[arg-type]
    return scheduler


def run_scheduler() -> None:
    scheduler = build_scheduler()
    log.info("scheduler starting with %d periodic jobs", len(scheduler.get_jobs()))
    scheduler.start()

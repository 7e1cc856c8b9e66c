"""The worker process: preload the speech models once, then work the RQ queues.

RQ's default worker forks a work horse per job; models loaded before the fork are shared by
every horse (copy-on-write), so no job ever loads a model.
"""

from __future__ import annotations

import logging

from rq import Worker

from hotline.app import create_app
from workers.context import use_app
from workers.queues import QUEUE_NAMES, connect

log = logging.getLogger(__name__)


def run_worker(burst: bool = False) -> bool:
    from transcription.registry import preload

    app = create_app(test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
    use_app(app)
    settings = app.config["HOTLINE_SETTINGS"]
    loaded = preload(settings)
    log.info("preloaded speech models: %s", ", ".join(loaded) or "none")
    job_queues = connect(settings)
    worker = Worker(
        [job_queues.queues[name] for name in QUEUE_NAMES], connection=job_queues.connection
    )
    return worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)

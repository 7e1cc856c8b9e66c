"""The worker process: preload the speech models once, then work the RQ queues.

Jobs run in the worker process itself (RQ's SimpleWorker), on the models it loaded before
taking the first job: no model load and no fork per job. Measured in bench/pipeline.py, a
forked work horse per job cost 10-25 % more time per voicemail and ~180 MB of copied pages.
A job killed with its process is found by the reconciler and run again by another worker.
"""

from __future__ import annotations

import logging

from rq import SimpleWorker

from hotline.app import create_app
from hotline.core.jobs import use_app
from hotline.core.queues import QUEUE_NAMES, connect

log = logging.getLogger(__name__)


def run_worker(burst: bool = False) -> bool:
    from transcription.registry import preload

    app = create_app(test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
    use_app(app)
    settings = app.config["HOTLINE_SETTINGS"]
    loaded = preload(settings)
    log.info("preloaded speech models: %s", ", ".join(loaded) or "none")
    job_queues = connect(settings)
    worker = SimpleWorker(
        [job_queues.queues[name] for name in QUEUE_NAMES], connection=job_queues.connection
    )
    return worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)

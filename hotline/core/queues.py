"""The one place that connects to Redis and builds the RQ queues.

Outside production, when no Redis answers at `REDIS_URL`, an embedded queue takes over:
fakeredis in this process and a worker thread that runs the jobs, so the system works on a
machine with nothing else installed. Production never falls back; it fails loudly instead.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError
from rq.job import Job
from rq.timeouts import TimerDeathPenalty

from hotline.core.settings import Settings

log = logging.getLogger(__name__)

#: Queue names, most urgent first; workers listen to them in this order.
QUEUE_NAMES = ("voicemail", "default")

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class QueueUnavailable(RuntimeError):
    """Redis did not take the job; the caller keeps its database row and the reconciler retries."""


@dataclass
class JobQueues:
    """The Redis connection and the named queues, built once per app or worker process."""

    connection: Redis
    embedded: bool
    queues: dict[str, Queue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.queues = {name: Queue(name, connection=self.connection) for name in QUEUE_NAMES}

    def enqueue(self, queue: str, func: Any, *args: Any, job_id: str, **options: Any) -> Job | None:
        """Enqueue once per `job_id`: a second enqueue of a queued or running job is a no-op.

        Returns the job, or None when a job with that id already exists. Raises
        QueueUnavailable when Redis cannot be reached.
        """
        try:
            return self.queues[queue].enqueue(func, *args, job_id=job_id, unique=True, **options)
        except DuplicateJobError:
            log.info("job %s is already queued; not enqueued again", job_id)
            return None
        except REDIS_ERRORS as exc:
            raise QueueUnavailable(f"could not enqueue {job_id}: {exc}") from exc

    def ping(self) -> bool:
        try:
            return bool(self.connection.ping())
        except REDIS_ERRORS:
            return False


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    try:
        return bool(
            Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
        )
    except REDIS_ERRORS:
        return False


def connect(settings: Settings) -> JobQueues:
    """Connect to `REDIS_URL`, or (outside production) fall back to the embedded queue.

    Production never falls back: with Redis down at start it still serves calls, logs the
    outage, and enqueues fail with QueueUnavailable until Redis is back (rows wait for the
    reconciler), so a restart during a Redis outage does not take the IVR down.
    """
    if settings.is_production or redis_answers(settings.redis_url):
        if settings.is_production and not redis_answers(settings.redis_url):
            log.error(
                "no Redis answers at %s: jobs wait in the database until it is back; "
                "production mode does not fall back to the embedded queue",
                settings.redis_url,
            )
        connection = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=10)
        return JobQueues(connection=connection, embedded=False)
    log.warning(
        "no Redis answers at %s: using the EMBEDDED in-process queue (fakeredis + a worker "
        "thread). Jobs are lost when this process exits; run Redis for anything but a try-out.",
        settings.redis_url,
    )
    return JobQueues(connection=_embedded_connection(), embedded=True)


_embedded_lock = threading.Lock()
_embedded_server: object | None = None


def _embedded_connection() -> Redis:
    # Imported here: fakeredis (with Lua) costs ~30 MB that no process using Redis needs.
    import fakeredis

    global _embedded_server
    with _embedded_lock:
        if _embedded_server is None:
            _embedded_server = fakeredis.FakeServer()
    return fakeredis.FakeRedis(server=_embedded_server)


class ThreadWorker(SimpleWorker):
    """An RQ worker that runs inside a thread of the web process (embedded mode only).

    Signal handlers can only be installed by the main thread, which the web server owns: job
    timeouts use RQ's timer-based death penalty instead of SIGALRM.
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


_embedded_thread: threading.Thread | None = None


def start_embedded_worker(job_queues: JobQueues) -> threading.Thread:
    """Run one worker thread per process over the embedded queues; it ends with the process."""
    global _embedded_thread
    with _embedded_lock:
        if _embedded_thread is not None and _embedded_thread.is_alive():
            return _embedded_thread
        _embedded_thread = start_thread_worker(job_queues)
    return _embedded_thread


def start_thread_worker(job_queues: JobQueues) -> threading.Thread:
    """A worker thread over `job_queues` in this process (embedded mode and the demo)."""
    worker = ThreadWorker(list(job_queues.queues.values()), connection=job_queues.connection)
    thread = threading.Thread(
        target=worker.work,
        kwargs={"with_scheduler": False, "logging_level": "WARNING"},
        name="embedded-rq-worker",
        daemon=True,
    )
    thread.start()
    log.warning("RQ worker thread started in this process for %s", ", ".join(QUEUE_NAMES))
    return thread

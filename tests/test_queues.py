"""RQ wiring: unique job ids on real Redis, the embedded fallback, production refusing it."""

from __future__ import annotations

import logging
import uuid

import pytest
from rq.job import Job

from hotline.app import create_app
from hotline.core.queues import QueueUnavailable
from tests import jobs
from tests.net import free_port


def _closed_port_url() -> str:
    port = free_port()
    return f"redis://127.0.0.1:{port}/0"


def test_real_redis_enqueues_a_job_id_once(app) -> None:
    queues = app.extensions["hotline.queues"]
    assert not queues.embedded
    first = queues.enqueue("default", jobs.echo, "hello", job_id="echo-1")
    second = queues.enqueue("default", jobs.echo, "hello", job_id="echo-1")
    assert first is not None
    assert first.id == "echo-1"
    assert second is None
    assert queues.queues["default"].job_ids == ["echo-1"]


def test_embedded_fallback_runs_jobs_in_process(make_settings, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="hotline.core.queues"):
        app = create_app(settings=make_settings(redis_url=_closed_port_url()))
    queues = app.extensions["hotline.queues"]
    assert queues.embedded
    assert "using the EMBEDDED in-process queue" in caplog.text
    job_id = f"echo-embedded-{uuid.uuid4().hex}"
    job = queues.enqueue("default", jobs.echo, "ran in the embedded worker", job_id=job_id)
    result = Job.fetch(job.id, connection=queues.connection).latest_result(timeout=20)
    assert result is not None
    assert result.return_value == "ran in the embedded worker"


def test_production_never_falls_back(make_app, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="hotline.core.queues"):
        app = make_app(redis_url=_closed_port_url(), hotline_env="production")
    queues = app.extensions["hotline.queues"]
    assert not queues.embedded
    assert not queues.ping()
    assert "production mode does not fall back" in caplog.text
    with pytest.raises(QueueUnavailable):
        queues.enqueue("default", jobs.echo, "x", job_id="echo-prod")
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["queue"] == {"ok": False, "backend": "redis"}


def test_enqueue_on_a_dead_redis_raises_queue_unavailable(app) -> None:
    from redis import Redis

    from hotline.core.queues import JobQueues

    dead = JobQueues(
        connection=Redis.from_url(_closed_port_url(), socket_connect_timeout=0.5), embedded=False
    )
    with pytest.raises(QueueUnavailable, match="could not enqueue echo-2"):
        dead.enqueue("default", jobs.echo, "x", job_id="echo-2")
    assert not dead.ping()

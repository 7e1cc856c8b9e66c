"""`hotline run` (what `./dev up` ends in) brings up web + worker + scheduler that answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from redis import Redis
from rq import Worker

from tests.net import free_port, post_signed_http
from tests.twilio_fake import AUTH_TOKEN, call_params, parse_twiml
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_run_starts_web_and_worker(tmp_path: Path, redis_url: str) -> None:
    port = free_port()
    env = dict(
        os.environ,
        STORAGE_ROOT=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        REDIS_URL=redis_url,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        HOTLINE_ENV="development",
    )
    hotline = [sys.executable, "-m", "hotline.cli"]
    subprocess.run(
        [*hotline, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120
    )
    process = subprocess.Popen(
        [*hotline, "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> dict | None:
            try:
                response = requests.get(base + "/healthz", timeout=2)
            except requests.RequestException:
                return None
            return response.json() if response.status_code == 200 else None

        health = wait_until(healthy, 60, "the web process to answer /healthz")
        assert health["queue"] == {"ok": True, "backend": "redis"}

        params = call_params()
        url = base + "/twilio/voice"
        signed = post_signed_http(url, params)
        assert signed.status_code == 200
        assert parse_twiml(signed.content).find("Say") is not None
        unsigned = requests.post(url, data=params, timeout=10)
        assert unsigned.status_code == 403

        connection = Redis.from_url(redis_url)
        workers = wait_until(
            lambda: Worker.all(connection=connection),
            90,
            "the RQ worker to register (after preloading the model)",
        )
        assert {q for w in workers for q in w.queue_names()} == {"voicemail", "default"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

"""Voicemail fixtures: Twilio's media server on 127.0.0.1, an app wired to it, RQ workers
(in this process, or real `hotline worker` processes), and private Redis servers to stop."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker

from hotline.core.db import db
from tests.conftest import job_runner
from tests.net import free_port
from tests.twilio_fake import ACCOUNT_SID, call_params, post_signed
from tests.waiting import wait_until
from voicemail.models import Voicemail

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vm_app(make_app, fake_twilio):
    """An app whose REST base URL is the fake Twilio; retries 1 s apart, three of them."""
    return make_app(
        twilio_api_base_url=fake_twilio.base_url,
        job_retry_intervals=[1, 1, 1],
        recording_download_timeout=10.0,
    )


def new_recording_sid() -> str:
    return "RE" + uuid.uuid4().hex


def recording_params(
    sid: str, url: str, status: str = "completed", call_sid: str = "CA" + "a" * 32, **extra: str
) -> dict[str, str]:
    """The parameters of Twilio's recording status callback."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": call_sid,
        "RecordingSid": sid,
        "RecordingUrl": url,
        "RecordingStatus": status,
        "RecordingDuration": "10",
        "RecordingChannels": "1",
        "RecordingSource": "RecordVerb",
        "RecordingStartTime": "Sun, 22 Nov 2026 10:00:00 +0000",
    }
    params.update(extra)
    return params


@pytest.fixture
def post_recording(vm_app):
    """Post a recording callback (after the call's first webhook, as in a real call)."""
    client = vm_app.test_client()

    def post(
        sid: str, url: str, status: str = "completed", call_sid: str = "CA" + "a" * 32, **extra: str
    ):
        post_signed(client, "/twilio/voice", call_params(call_sid))
        return post_signed(
            client,
            "/twilio/recording?lang=zh-CN",
            recording_params(sid, url, status, call_sid, **extra),
        )

    return post


@pytest.fixture
def run_jobs(vm_app):
    """Run every queued job to completion with a real RQ worker in this process (burst mode)."""
    return job_runner(vm_app)


def voicemail(app, sid: str) -> Voicemail | None:
    with app.app_context():
        db.session.expire_all()
        found = db.session.query(Voicemail).filter_by(recording_sid=sid).one_or_none()
        if found is not None:
            _ = found.transcript  # load before the session closes
        return found


# -- real worker processes ---------------------------------------------------------------------


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the worker and its work horse: no warm shutdown, no cleanup."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def process_env(settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        HOTLINE_ENV="testing",
        TWILIO_ACCOUNT_SID=settings.twilio_account_sid,
        TWILIO_AUTH_TOKEN=settings.twilio_auth_token,
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.resolved_database_url(),
        REDIS_URL=settings.redis_url,
        STORAGE_ROOT=str(settings.storage_root),
        TWILIO_API_BASE_URL=settings.twilio_api_base_url,
        JOB_RETRY_INTERVALS=",".join(map(str, settings.job_retry_intervals)),
        RECORDING_DOWNLOAD_TIMEOUT=str(settings.recording_download_timeout),
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start `hotline worker` processes; each is ready once registered with RQ."""
    started: list[WorkerProcess] = []

    def start(settings, **env: str) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started)}.log"
        connection = Redis.from_url(env.get("REDIS_URL", settings.redis_url))
        before = {w.name for w in Worker.all(connection=connection)}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "hotline.cli", "worker"],
                env=process_env(settings, **env),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(process, log)
        started.append(worker)
        wait_until(
            lambda: (
                {w.name for w in Worker.all(connection=connection)} - before
                or process.poll() is not None
            ),
            120,
            "the worker to register",
        )
        assert process.poll() is None, log.read_text()[-3000:]
        return worker

    yield start
    for worker in started:
        worker.stop()


# -- a private Redis that a test may stop ------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _pings(self.url), 20, "the private Redis to start")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _pings(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except OSError:
        return False
    except Exception:  # redis' own ConnectionError derives from it
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: ./dev test installs it")
    port = free_port()
    server = RedisServer(port, tmp_path).start()
    yield server
    server.stop()

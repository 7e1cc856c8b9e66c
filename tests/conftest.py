"""Shared fixtures: settings and apps on real SQLite / PostgreSQL and real Redis, a signed
Twilio client, and a guard that fails any test reaching beyond this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from hotline.app import create_app
from hotline.core.db import db
from hotline.core.settings import Settings, load_settings
from ivr.versions import seed_default_menu
from tests.audio_files import audio  # noqa: F401 (a session fixture shared by the packages)
from tests.twilio_fake import ACCOUNT_SID, AUTH_TOKEN
from voicemail.fake_twilio import FakeTwilio

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


# -- no internet ------------------------------------------------------------------------------

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = address[0]
        try:
            local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = host == "localhost"
        if not local:
            raise RuntimeError(f"test tried to reach {host}: tests stay on this machine")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails the test that makes it."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


# -- databases --------------------------------------------------------------------------------


def _postgres_schema_url() -> str:
    """TEST_DATABASE_URL with a schema of this xdist worker's own, so workers never collide."""
    schema = f"hotline_test_{_worker_index()}"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    return _postgres_schema_url()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotline.db'}"
    return request.getfixturevalue("postgres_url")


# -- redis ------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis database of this xdist worker's own, emptied before and after each test."""
    url = f"{REDIS_URL}/{1 + _worker_index()}"
    connection = Redis.from_url(url)
    try:
        connection.flushdb()
    except OSError as exc:  # pragma: no cover - the environment is broken, say so clearly
        pytest.fail(f"tests need Redis at {REDIS_URL}: {exc}")
    yield url
    connection.flushdb()
    connection.close()


# -- settings and app -------------------------------------------------------------------------


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str, redis_url: str) -> Callable[..., Settings]:
    """A factory of settings on this test's database, Redis and storage folder."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "hotline_env": "testing",
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": AUTH_TOKEN,
            "secret_key": "test-secret-key",
            "database_url": database_url,
            "redis_url": redis_url,
            "storage_root": tmp_path / "storage",
            "twilio_api_base_url": "http://127.0.0.1:9",
        }
        values.update(overrides)
        return load_settings(**values)

    return make


@pytest.fixture
def make_app(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., object]]:
    """A factory of apps with a fresh schema; tables are dropped after the test."""
    apps = []

    def make(**overrides: object):
        app = create_app(settings=make_settings(**overrides), test_config={"TESTING": True})
        with app.app_context():
            db.create_all()
            seed_default_menu()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """Twilio's cloud on 127.0.0.1: recordings, recording deletion, `calls.create`."""
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def app(make_app: Callable[..., object]):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def job_runner(app) -> Callable[[], None]:
    """A function that runs every queued job of `app` to completion with a real RQ worker in
    this process (burst mode), inside the app (as `hotline worker` would)."""
    from rq import SimpleWorker

    from hotline.core.jobs import use_app

    use_app(app)
    queues = app.extensions["hotline.queues"]

    def run() -> None:
        SimpleWorker(list(queues.queues.values()), connection=queues.connection).work(
            burst=True, logging_level="WARNING"
        )

    return run


class HotlineRunner:
    """Runs `hotline ...` commands against the test's app."""

    def __init__(self, app) -> None:
        self._runner = app.test_cli_runner()

    def invoke(self, args: list[str]):
        from hotline.cli import cli

        return self._runner.invoke(cli, args=args)


@pytest.fixture
def runner(app) -> HotlineRunner:
    return HotlineRunner(app)

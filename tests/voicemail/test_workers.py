"""End to end with real `hotline worker` processes: over HTTP, a worker killed mid-job, a
database outage during a step, and two web plus two worker processes taking 50 voicemails."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from rq.job import Job, JobStatus
from sqlalchemy import func, select
from werkzeug.serving import make_server

from hotline.core.db import db
from tests.audio_files import KOREAN_TEXT
from tests.net import free_port, post_signed_http
from tests.twilio_fake import call_params
from tests.voicemail.conftest import (
    ROOT,
    new_recording_sid,
    process_env,
    recording_params,
    voicemail,
)
from tests.waiting import wait_until
from tickets.models import Ticket
from voicemail.fake_twilio import spoken_recording
from voicemail.models import Transcript, Voicemail
from voicemail.reconcile import reconcile

pytestmark = pytest.mark.slow


def post(base: str, path: str, params: dict[str, str]) -> requests.Response:
    """A signed webhook over real HTTP."""
    return post_signed_http(base + path, params)


@pytest.fixture
def http_app(vm_app):
    server = make_server("127.0.0.1", 0, vm_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def final_state(app, sid: str, timeout: float = 120) -> Voicemail:
    return wait_until(
        lambda: (
            (vm := voicemail(app, sid)) is not None
            and vm.state in ("drafted", "failed", "no-speech")
            and vm
        ),
        timeout,
        f"voicemail {sid} to finish",
    )


def test_call_to_draft_over_http_with_a_worker_process(
    vm_app,
    http_app,
    fake_twilio,
    start_worker,
    audio,
) -> None:
    start_worker(vm_app.config["HOTLINE_SETTINGS"])
    params = call_params("CA" + "e" * 32)
    twiml = post(http_app, "/twilio/voice", params).text
    assert "普通话请按1" in twiml
    for path, digits in (
        ("/twilio/ivr/1/welcome/input?lang=zh-CN&attempt=1", "1"),
        ("/twilio/ivr/1/main/input?lang=zh-CN&attempt=1", "1"),
        ("/twilio/ivr/1/complaint/input?lang=zh-CN&attempt=1", "2"),
    ):
        twiml = post(http_app, path, {**params, "Digits": digits}).text
    assert "<Record " in twiml
    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])
    callback = post(
        http_app,
        "/twilio/recording?lang=zh-CN",
        recording_params(sid, url, call_sid=params["CallSid"]),
    )
    assert callback.status_code == 204
    vm = final_state(vm_app, sid)
    assert vm.state == "drafted"
    assert vm.transcript.text
    with vm_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.voicemail_id == vm.id))
        assert ticket.caller_number == "+8613800138000"
        assert ticket.description == vm.transcript.text
    assert fake_twilio.downloads[sid] == 1
    assert fake_twilio.deleted == [sid]


def test_worker_killed_mid_transcription_is_finished_by_another(
    vm_app,
    http_app,
    fake_twilio,
    start_worker,
    tmp_path: Path,
) -> None:
    settings = vm_app.config["HOTLINE_SETTINGS"]
    long = spoken_recording(KOREAN_TEXT * 6, tmp_path / "long.wav")
    first = start_worker(settings)
    sid = new_recording_sid()
    post(http_app, "/twilio/voice", call_params())
    post(http_app, "/twilio/recording", recording_params(sid, fake_twilio.add_recording(sid, long)))

    queues = vm_app.extensions["hotline.queues"]
    job_id = f"voicemail-{sid}"
    wait_until(
        lambda: (
            (vm := voicemail(vm_app, sid))
            and vm.state == "downloaded"
            and Job.fetch(job_id, connection=queues.connection).get_status() == JobStatus.STARTED
        ),
        60,
        "the worker to start transcribing",
    )
    first.kill()
    assert voicemail(vm_app, sid).state == "downloaded"

    start_worker(settings)
    with vm_app.app_context():
        report = reconcile(older_than=timedelta(0))
    vm_id = voicemail(vm_app, sid).id
    assert vm_id in report.enqueued + report.left_alone
    vm = final_state(vm_app, sid, timeout=180)
    assert vm.state == "drafted"
    assert fake_twilio.downloads[sid] == 1  # the stored audio was reused
    with vm_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transcript)) == 1
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


class TcpProxy:
    """A TCP forwarder to PostgreSQL that a test can cut, as a network outage would."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self) -> None:
        self.open.clear()
        for sock in self.connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.connections.clear()

    def restore(self) -> None:
        self.open.set()

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_database_outage_during_a_step_is_retried(
    vm_app,
    http_app,
    fake_twilio,
    start_worker,
    audio,
) -> None:
    settings = vm_app.config["HOTLINE_SETTINGS"]
    url = settings.resolved_database_url()
    if not url.startswith("postgresql"):
        pytest.skip("the outage is simulated by cutting a TCP connection to PostgreSQL")
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    proxy = TcpProxy(parsed.port or 5432)
    try:
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        start_worker(settings, DATABASE_URL=proxied)
        sid = new_recording_sid()
        gate = threading.Event()

        def cut_then_serve(recording_sid: str) -> None:
            proxy.cut()  # the database goes away while the worker downloads
            gate.set()
            return None

        fake_twilio.faults[sid] = [cut_then_serve]
        post(http_app, "/twilio/voice", call_params())
        post(
            http_app,
            "/twilio/recording",
            recording_params(sid, fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])),
        )
        assert gate.wait(60)
        wait_until(
            lambda: (
                "retrying after" in (voicemail(vm_app, sid).failure_reason or "")
                or Job.fetch(
                    f"voicemail-{sid}", connection=vm_app.extensions["hotline.queues"].connection
                ).get_status()
                in (JobStatus.SCHEDULED, JobStatus.FAILED)
            ),
            60,
            "the step to fail on the missing database",
        )
        proxy.restore()
        vm = final_state(vm_app, sid)
        assert vm.state == "drafted"
        assert vm.attempts >= 2
        with vm_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    finally:
        proxy.close()


def test_two_web_and_two_worker_processes_take_50_voicemails(
    vm_app,
    fake_twilio,
    start_worker,
    tmp_path: Path,
) -> None:
    settings = vm_app.config["HOTLINE_SETTINGS"]
    if not settings.resolved_database_url().startswith("postgresql"):
        pytest.skip("scale-out runs against PostgreSQL (TEST_DATABASE_URL)")
    clip = spoken_recording("환불해 주세요. 고장 났습니다.", tmp_path / "clip.wav")
    webs, bases = [], []
    for index in range(2):
        port = free_port()
        with (tmp_path / f"web-{index}.log").open("wb") as log:
            webs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "hotline.app:create_app()",
                    ],
                    env=process_env(settings),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            wait_until(lambda b=base: _answers(b), 60, f"{base} to answer")
        start_worker(settings)
        start_worker(settings)
        sids = [new_recording_sid() for _ in range(50)]
        for sid in sids:
            fake_twilio.add_recording(sid, clip)

        def arrive(index: int) -> list[int]:
            sid, call_sid = sids[index], f"CA{index:032d}"
            post(bases[index % 2], "/twilio/voice", call_params(call_sid))
            params = recording_params(sid, fake_twilio.recording_url(sid), call_sid=call_sid)
            # Twilio retries: the same callback also reaches the other web process.
            return [post(base, "/twilio/recording", params).status_code for base in bases]

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(arrive, range(50)))
        assert all(codes == [204, 204] for codes in statuses)

        def all_final() -> bool:
            with vm_app.app_context():
                db.session.expire_all()
                return (
                    db.session.scalar(
                        select(func.count())
                        .select_from(Voicemail)
                        .where(Voicemail.state.in_(["drafted", "no-speech", "failed"]))
                    )
                    == 50
                )

        wait_until(all_final, 240, "50 voicemails to be processed")
        with vm_app.app_context():
            states = db.session.execute(
                select(Voicemail.state, func.count()).group_by(Voicemail.state)
            ).all()
            assert dict(states) == {"drafted": 50}
            assert db.session.scalar(select(func.count()).select_from(Transcript)) == 50
            assert db.session.scalar(select(func.count()).select_from(Ticket)) == 50
        assert {sid: fake_twilio.downloads[sid] for sid in sids} == dict.fromkeys(sids, 1)
    finally:
        for web in webs:
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False

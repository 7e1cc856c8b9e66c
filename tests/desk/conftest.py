"""Desk fixtures: the IVR's call drivers and clock, operators logged in on the web, an app
wired to the fake Twilio, a published menu whose queue records its calls, and a whole
recorded conversation played through the signed webhooks."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.models import CallRecording
from hotline.core.db import db
from ivr.menu import load_document_text
from ivr.versions import create_version, default_menu_text, publish
from tests.accounts import create_user
from tests.audio_files import ffmpeg
from tests.conftest import job_runner
from tests.ivr.conftest import (  # noqa: F401 (fixtures shared with the IVR tests)
    OPERATOR_PIN,
    make_operator,
    new_call,
    on_duty,
    operator_login,
    set_clock,
)
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import ACCOUNT_SID, CallDriver, post_signed
from tests.voicemail.conftest import private_redis  # noqa: F401


class WebSession:
    """A logged-in browser session through the Flask client: the desk's JSON with CSRF."""

    def __init__(self, client, username: str, password: str = "a-password") -> None:  # noqa: S107
        self.client = client
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.text
        desk = client.get("/desk")
        assert desk.status_code == 200, desk.status_code
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', desk.text).group(1)

    def live(self) -> dict:
        response = self.client.get("/desk/live")
        assert response.status_code == 200
        return response.get_json()

    def post(self, url: str, body: dict):
        return self.client.post(url, json=body, headers={"X-CSRFToken": self.csrf})


@pytest.fixture
def web_login(app):
    """Log a user in on the web with a client of their own: web_login("alice")."""

    def login(username: str, password: str = "a-password") -> WebSession:  # noqa: S107
        return WebSession(app.test_client(), username, password)

    return login


@pytest.fixture
def app(make_app, fake_twilio):
    """Recordings are fetched from the fake Twilio and deleted there once stored."""
    return make_app(
        twilio_api_base_url=fake_twilio.base_url,
        job_retry_intervals=[1, 1],
        recording_download_timeout=10.0,
        delete_recordings_from_twilio=True,
    )


@pytest.fixture(scope="session")
def dual_recording(audio, tmp_path_factory) -> Path:
    """A two-channel 8 kHz WAV, as Twilio serves a `record-from-answer-dual` recording."""
    target = tmp_path_factory.mktemp("dual") / "dual.wav"
    speech = str(audio.speech["twilio-8k-mulaw"])
    ffmpeg(
        "-i", speech, "-i", speech,
        "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo[a]",
        "-map", "[a]", "-ar", "8000", "-acodec", "pcm_s16le", str(target),
    )  # fmt: skip
    return target


def record_queue_calls(app, queue: str = "operators", record: bool = True) -> None:
    """Publish a menu version whose queue records its conversations (or not)."""
    doc = load_document_text(default_menu_text())
    doc["queues"][queue]["record_calls"] = record
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()


def new_recording_sid() -> str:
    return "RE" + uuid.uuid4().hex


def recording_params(
    operator: CallDriver, sid: str, url: str, status: str = "completed", **extra: str
) -> dict[str, str]:
    """What Twilio posts to a Dial's recordingStatusCallback when the recording is ready."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": operator.params["CallSid"],
        "RecordingSid": sid,
        "RecordingUrl": url,
        "RecordingStatus": status,
        "RecordingDuration": "4",
        "RecordingChannels": "2",
        "RecordingSource": "DialVerb",
        "RecordingStartTime": "Mon, 23 Nov 2026 02:00:05 +0000",
    }
    params.update(extra)
    return params


@dataclass
class Conversation:
    operator: CallDriver
    caller: QueuedCall
    dial: ET.Element  # the operator's Dial that took the caller


@pytest.fixture
def converse(app, new_call, operator_login, set_clock):  # noqa: F811
    """A caller bridged to a logged-in operator, talking two minutes, then hanging up."""

    def play(
        caller: str = "+8613800138000", operator: CallDriver | None = None, minute: int = 0
    ) -> Conversation:
        set_clock(2026, 11, 23, 10, minute)
        operator = operator or operator_login()
        queued = QueuedCall(new_call(caller=caller))
        queued.join()
        queued.hold(position=1, queue_time=5)
        operator.post("/twilio/operator/next")  # the operator's line takes the caller
        dial = operator.twiml.find("Dial")
        queued.bridge(operator, queue_time=12)
        set_clock(2026, 11, 23, 10, minute + 2)
        queued.leave("bridged", queue_time=12)
        operator.post("/twilio/operator/after", DialCallStatus="completed")
        operator.press("1")  # after-call work done
        return Conversation(operator, queued, dial)

    return play


@pytest.fixture
def post_recording(app):
    client = app.test_client()

    def post(operator: CallDriver, sid: str, url: str, status: str = "completed", **extra: str):
        return post_signed(
            client, "/twilio/desk/recording", recording_params(operator, sid, url, status, **extra)
        )

    return post


@pytest.fixture
def run_jobs(app):
    return job_runner(app)


@pytest.fixture
def supervisors(app) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
        create_user("root", "admin", password="admin-pw-123")
        create_user("wang", "operator", password="operator-pw")


@pytest.fixture
def recorded(app, converse, post_recording, run_jobs, fake_twilio, dual_recording):
    """Record `n` conversations of one operator (alice) and store them; their ids."""

    def record(n: int = 1, callers: int = 1) -> list[int]:
        record_queue_calls(app)
        operator = None
        for i in range(n):
            talk = converse(f"+861380013{8000 + i:04d}", operator=operator, minute=3 * i)
            operator = talk.operator
            if i < callers:
                sid = new_recording_sid()
                post_recording(operator, sid, fake_twilio.add_recording(sid, dual_recording))
        run_jobs()
        with app.app_context():
            return list(db.session.scalars(select(CallRecording.id).order_by(CallRecording.id)))

    return record

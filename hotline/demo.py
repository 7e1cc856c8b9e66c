"""`hotline demo`: a whole call with no Twilio account, through the real webhooks.

Starts the app (or uses a running one with `--url`), plays a call with signed requests —
language, main menu, complaint, "leave a message", record — serves an espeak-ng-spoken message
from a local stand-in for Twilio's media server as the RecordingUrl, lets a worker process it,
then prints the transcript and the draft ticket.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import click
import requests
from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from hotline.core.db import db
from hotline.core.settings import Settings, load_settings
from tickets.models import Ticket
from voicemail.fake_twilio import FakeTwilio, spoken_recording
from voicemail.models import FINAL_STATES, Voicemail

#: Korean, because the Korean model is the one Vosk model installable from PyPI.
MESSAGE = (
    "안녕하세요. 온라인 쇼핑몰에서 산 휴대폰이 일주일 만에 고장 났습니다. "
    "판매자가 환불을 거부하고 있습니다. 도와주세요."
)


class DemoCall:
    """Posts signed webhooks to the app as Twilio would and follows its TwiML."""

    def __init__(self, base: str, token: str, caller: str) -> None:
        self.base, self.validator = base.rstrip("/"), RequestValidator(token)
        self.params = {
            "AccountSid": "",
            "CallSid": "CA" + uuid.uuid4().hex,
            "From": caller,
            "To": "+862112315",
            "CallStatus": "in-progress",
            "Direction": "inbound",
        }
        self.twiml: ET.Element | None = None

    def post(self, path: str, expect_twiml: bool = True, **extra: str) -> ET.Element | None:
        url = self.base + path
        params = {**self.params, **extra}
        response = requests.post(
            url,
            data=urlencode(params),
            timeout=30,
            headers={
                "X-Twilio-Signature": self.validator.compute_signature(url, params),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response.raise_for_status()
        if not expect_twiml:
            return None
        self.twiml = ET.fromstring(response.content)  # noqa: S314 (our own app's TwiML)
        for say in self.twiml.iter("Say"):
            click.echo(f"    app says: {say.text}")
        return self.twiml

    def press(self, digits: str) -> ET.Element | None:
        click.echo(f"  caller presses {digits}")
        gather = self.twiml.find("Gather") if self.twiml is not None else None
        if gather is None:
            raise click.ClickException("the app did not ask for a key press")
        return self.post(gather.get("action", ""), Digits=digits)


def _start_local_app(settings: Settings) -> tuple[Flask, str]:
    from flask_migrate import upgrade

    from hotline.accounts.seed import run_seed
    from hotline.app import create_app
    from hotline.core.jobs import use_app
    from hotline.core.queues import start_thread_worker
    from transcription.registry import preload

    app = create_app(settings=settings)
    with app.app_context():
        upgrade()
        run_seed()
    queues = app.extensions["hotline.queues"]
    click.echo(f"  preloading the speech model ... {', '.join(preload(settings))}")
    if not queues.embedded:
        use_app(app)
        start_thread_worker(queues)  # a worker in this process, like `hotline worker`
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the demo prints each step itself
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, f"http://127.0.0.1:{server.server_port}"


def run_demo(url: str | None, caller: str, timeout: int) -> None:
    """Play a whole call with a spoken voicemail and show its transcript and draft ticket."""
    base_settings = load_settings()
    fake = FakeTwilio(base_settings.twilio_account_sid, base_settings.twilio_auth_token).start()
    try:
        settings = load_settings(twilio_api_base_url=fake.base_url)
        if url:
            from hotline.app import create_app

            app = create_app(settings=settings, test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
            click.echo(f"using the running app at {url} (its worker processes the voicemail)")
        else:
            click.echo("starting Hotline in this process")
            app, url = _start_local_app(settings)
        with tempfile.TemporaryDirectory() as tmp:
            recording_sid = "RE" + uuid.uuid4().hex
            fake.add_recording(
                recording_sid, spoken_recording(MESSAGE, Path(tmp) / "voicemail.wav")
            )
            _play_call(url, settings, fake, recording_sid, caller)
            _show_result(app, recording_sid, timeout)
    finally:
        fake.stop()


def _play_call(
    url: str, settings: Settings, fake: FakeTwilio, recording_sid: str, caller: str
) -> None:
    call = DemoCall(url, settings.twilio_auth_token, caller)
    call.params["AccountSid"] = settings.twilio_account_sid
    click.echo(f"\ncall {call.params['CallSid']} from {caller}")
    call.post("/twilio/voice")
    call.press("1")  # 普通话
    call.press("1")  # 投诉 complaint
    record_twiml = call.press("2")  # 留言 leave a message
    record = record_twiml.find("Record") if record_twiml is not None else None
    if record is None:
        raise click.ClickException("the menu did not offer the voicemail box")
    click.echo("  caller speaks the message (espeak-ng) and presses #")
    call.post(
        record.get("recordingStatusCallback", "/twilio/recording"),
        expect_twiml=False,
        RecordingSid=recording_sid,
        RecordingUrl=fake.recording_url(recording_sid),
        RecordingStatus="completed",
        RecordingDuration="9",
        RecordingChannels="1",
        RecordingSource="RecordVerb",
    )
    click.echo("  Twilio posts the recording status callback: accepted")
    call.post(
        record.get("action", ""),
        RecordingSid=recording_sid,
        RecordingUrl=fake.recording_url(recording_sid),
        RecordingDuration="9",
        Digits="#",
    )
    call.post("/twilio/status", expect_twiml=False, CallStatus="completed", CallDuration="40")


def _show_result(app: Flask, recording_sid: str, timeout: int) -> None:
    click.echo("\nwaiting for the worker: download → transcribe → draft ticket")
    started = time.monotonic()
    with app.app_context():
        while True:
            db.session.remove()
            voicemail = db.session.scalar(
                select(Voicemail).where(Voicemail.recording_sid == recording_sid)
            )
            if voicemail is not None and voicemail.state in FINAL_STATES:
                break
            if time.monotonic() - started > timeout:
                state = voicemail.state if voicemail else "not stored"
                raise click.ClickException(
                    f"no result after {timeout} s (voicemail {state}); is a worker running?"
                )
            time.sleep(0.25)
        click.echo(
            f"voicemail {voicemail.id}: {voicemail.state} after "
            f"{time.monotonic() - started:.1f} s, {voicemail.attempts} attempt(s)"
        )
        if voicemail.transcript is not None:
            t = voicemail.transcript
            click.echo(
                f"\ntranscript ({t.model_name}, {t.audio_seconds:.1f} s of audio, mean "
                f"confidence {t.mean_confidence or 0:.2f}):\n  {t.text}"
            )
        ticket = db.session.scalar(select(Ticket).where(Ticket.voicemail_id == voicemail.id))
        if ticket is not None:
            click.echo("\ndraft ticket:")
            click.echo(
                json.dumps(
                    {
                        "id": ticket.id,
                        "state": ticket.state,
                        "type": ticket.type,
                        "caller": ticket.caller_number,
                        "language": ticket.language,
                        "source": ticket.source,
                        "description": ticket.description,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        elif voicemail.failure_reason:
            click.echo(f"reason: {voicemail.failure_reason}")

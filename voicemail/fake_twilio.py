"""A stand-in for Twilio's cloud on 127.0.0.1: serves recordings behind basic auth and answers
the REST calls the app makes (recording deletion, placing callback calls). Used by
`hotline demo` and by the tests, where it is the only thing faked: the network boundary to
Twilio.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

RECORDING_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Recordings/(RE\w+?)(\.wav|\.json)?$")
CALLS_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Calls\.json$")
CALL_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Calls/(CA\w+)\.json$")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")

#: A fault to apply to the next request(s) for a recording: returns (status, body, type) or
#: None to serve normally; may sleep to simulate a timeout.
Fault = Callable[[str], tuple[int, bytes, str] | None]


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    recordings: dict[str, Path] = field(default_factory=dict)
    bodies: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    downloads: Counter = field(default_factory=Counter)
    deleted: list[str] = field(default_factory=list)
    #: Every `calls.create` the app made: the form it posted, plus the `Sid` it was given.
    calls_created: list[dict[str, str]] = field(default_factory=list)
    #: Every update of a live call (`calls(sid).update(url=...)`): the form, plus its `Sid`.
    calls_updated: list[dict[str, str]] = field(default_factory=list)
    #: Every `messages.create` (SMS): the form posted, plus its `Sid`.
    messages_sent: list[dict[str, str]] = field(default_factory=list)
    #: HTTP statuses to answer the next `calls.create` requests with instead of 201.
    call_faults: list[int] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def recording_url(self, recording_sid: str) -> str:
        """The RecordingUrl Twilio would send (without an extension)."""
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{recording_sid}"

    def add_recording(self, recording_sid: str, path: Path) -> str:
        self.recordings[recording_sid] = path
        return self.recording_url(recording_sid)

    def add_body(self, recording_sid: str, body: bytes, content_type: str) -> str:
        self.bodies[recording_sid] = (body, content_type)
        return self.recording_url(recording_sid)

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _authorised(self) -> bool:
                expected = base64.b64encode(
                    f"{fake.account_sid}:{fake.auth_token}".encode()
                ).decode()
                return self.headers.get("Authorization", "") == f"Basic {expected}"

            def _send(
                self, status: int, body: bytes = b"", content_type: str = "text/plain"
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body and self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            def do_GET(self) -> None:
                match = RECORDING_PATH.match(self.path)
                if not match:
                    return self._send(404, b"not found")
                if not self._authorised():
                    return self._send(401, b"unauthorised")
                sid = match.group(2)
                fake.downloads[sid] += 1
                faults = fake.faults.get(sid)
                if faults:
                    outcome = faults.pop(0)(sid)
                    if outcome is not None:
                        return self._send(*outcome)
                if sid in fake.bodies:
                    return self._send(200, *fake.bodies[sid])
                if sid in fake.recordings:
                    return self._send(200, fake.recordings[sid].read_bytes(), "audio/x-wav")
                return self._send(404, b'{"code": 20404}', "application/json")

            def do_POST(self) -> None:
                match = CALLS_PATH.match(self.path)
                message = MESSAGES_PATH.match(self.path)
                live = CALL_PATH.match(self.path)
                if not match and not message and not live:
                    return self._send(404, b"not found")
                if not self._authorised():
                    return self._send(401, b'{"code": 20003}', "application/json")
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                if live:
                    fake.calls_updated.append({**form, "Sid": live.group(2)})
                    body = {"sid": live.group(2), "account_sid": fake.account_sid}
                    return self._send(200, json.dumps(body).encode(), "application/json")
                if message:
                    sid = "SM" + uuid.uuid4().hex
                    fake.messages_sent.append({**form, "Sid": sid})
                    body = {"sid": sid, "status": "queued", "to": form.get("To")}
                    return self._send(201, json.dumps(body).encode(), "application/json")
                if fake.call_faults:
                    status = fake.call_faults.pop(0)
                    body = json.dumps({"code": 20500, "message": "fault", "status": status})
                    return self._send(status, body.encode(), "application/json")
                sid = "CA" + uuid.uuid4().hex
                fake.calls_created.append({**form, "Sid": sid})
                body = {
                    "sid": sid,
                    "account_sid": fake.account_sid,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "status": "queued",
                    "direction": "outbound-api",
                }
                return self._send(201, json.dumps(body).encode(), "application/json")

            def do_DELETE(self) -> None:
                match = RECORDING_PATH.match(self.path)
                if not match or not self._authorised():
                    return self._send(404 if not match else 401)
                fake.deleted.append(match.group(2))
                return self._send(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="fake-twilio", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def spoken_recording(
    text: str, target: Path, seconds: float | None = None, voice: str = "ko"
) -> Path:
    """A voicemail as Twilio serves it (8 kHz mono µ-law WAV): espeak-ng speaks `text`, ffmpeg
    converts it, cut to `seconds` when given. The espeak output is kept beside it as `.src.wav`."""
    spoken = target.with_suffix(".src.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(spoken), text], check=True, timeout=300)
    cut = ["-t", str(seconds)] if seconds else []
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(spoken),
            *cut,
            "-ar",
            "8000",
            "-ac",
            "1",
            "-acodec",
            "pcm_mulaw",
            str(target),
        ],
        check=True,
        timeout=300,
    )
    return target

"""Pipeline benchmark: recording callback → real `hotline worker` → draft ticket, per voicemail,
beside a bare Vosk decode of the same audio measured in the same run.

For each espeak-ng voicemail (Twilio's 8 kHz µ-law WAV, served by a local stand-in for
Twilio's media server) it posts the signed recording callback to the app, waits for the
draft, and reads the callback→draft latency from the database's own timestamps. Voicemails go
one at a time, so a latency is processing time, not time spent queueing behind another.
Targets (SPEC §6): each draft within its bare decode time + 2 s; the total within 1.10× of the
bare decodes; the worker's resident memory within the model's + 200 MB.

    .venv/bin/python bench/pipeline.py [--count 6] [--database-url URL] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests
from redis import Redis
from rq import Worker
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.transcribe import bare_vosk, make_voicemail, write_pcm_wav  # noqa: E402
from hotline.app import create_app  # noqa: E402
from hotline.core.db import db  # noqa: E402
from hotline.core.settings import load_settings  # noqa: E402
from tickets.models import Ticket  # noqa: E402
from transcription import registry  # noqa: E402
from transcription.audio import normalise  # noqa: E402
from voicemail.fake_twilio import FakeTwilio  # noqa: E402
from voicemail.models import Transcript, Voicemail  # noqa: E402

TOKEN = "bench-auth-token"
SID = "AC" + "2" * 32


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def private_kb(pid: int) -> int:
    """Memory only this process uses (not shared with its parent after the fork)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


class MemoryWatch(threading.Thread):
    """Samples the worker's memory every 250 ms: its own RSS plus its children's private pages
    (forked children share the model's pages with the worker; only private pages are extra)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.worker_peak, self.child_peak = pid, 0, 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.25):
            self.worker_peak = max(self.worker_peak, rss_kb(self.pid))
            extra = sum(private_kb(child) for child in children(self.pid))
            self.child_peak = max(self.child_peak, extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()
    lengths = [5, 10, 20, 30, 60, 90, 120][: args.count] or [5]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fake = FakeTwilio(SID, TOKEN).start()
        overrides = dict(
            hotline_env="development",
            twilio_account_sid=SID,
            twilio_auth_token=TOKEN,
            secret_key="bench",
            storage_root=folder / "storage",
            redis_url=args.redis_url,
            database_url=args.database_url or f"sqlite:///{folder}/bench.db",
            twilio_api_base_url=fake.base_url,
            log_level="WARNING",
        )
        settings = load_settings(**overrides)
        Redis.from_url(settings.redis_url).flushdb()
        app = create_app(settings=settings, test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
        if app.extensions["hotline.queues"].embedded:
            sys.exit(f"no Redis at {settings.redis_url}: the benchmark needs a real one")
        with app.app_context():
            from flask_migrate import upgrade

            from hotline.accounts.seed import run_seed

            upgrade()
            run_seed()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"

        files = [make_voicemail(folder, seconds) for seconds in lengths]
        before = rss_kb(os.getpid())
        loaded = registry.model_for(settings, "ko")
        model_mb = (rss_kb(os.getpid()) - before) / 1024
        bare = {}
        for path in files:
            pcm = normalise(path, loaded.sample_rate)
            pcm_wav = write_pcm_wav(pcm, path.with_suffix(".pcm16k.wav"))
            bare[path] = (bare_vosk(pcm_wav, loaded.model)[0], pcm.duration)
        # The reference for memory: what the model takes here once loaded *and* decoding the
        # same voicemails (Kaldi grows by ~160 MB on the longest ones), beside the load alone.
        in_use_mb = (rss_kb(os.getpid(), "VmHWM") - before) / 1024

        env = dict(
            os.environ,
            HOTLINE_ENV="development",
            TWILIO_ACCOUNT_SID=SID,
            TWILIO_AUTH_TOKEN=TOKEN,
            SECRET_KEY="bench",
            STORAGE_ROOT=str(settings.storage_root),
            REDIS_URL=settings.redis_url,
            DATABASE_URL=settings.resolved_database_url(),
            TWILIO_API_BASE_URL=fake.base_url,
            LOG_LEVEL="WARNING",
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "hotline.cli", "worker"],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        connection = Redis.from_url(settings.redis_url)
        deadline = time.monotonic() + 120
        while not Worker.all(connection=connection):
            if time.monotonic() > deadline or worker.poll() is not None:
                sys.exit("the worker did not start")
            time.sleep(0.1)
        idle_mb = rss_kb(worker.pid) / 1024
        watch = MemoryWatch(worker.pid)
        watch.start()
        validator = RequestValidator(TOKEN)
        disk_mb = sum(f.stat().st_size for f in loaded.entry.path.rglob("*") if f.is_file()) / 1e6
        print(
            f"model {loaded.entry.name}: {model_mb:.0f} MB resident once loaded, "
            f"{disk_mb:.0f} MB on disk"
        )
        header = (
            f"{'voicemail':<22}{'audio s':>8}{'bare decode s':>15}{'worker decode s':>17}"
            f"{'callback→draft s':>18}"
        )
        print(f"{header}{'over s':>8}")
        total_latency = total_bare = total_worker_decode = 0.0
        try:
            for index, path in enumerate(files):
                recording_sid = "RE" + uuid.uuid4().hex
                url = fake.add_recording(recording_sid, path)
                params = {
                    "AccountSid": SID,
                    "CallSid": f"CA{index:032d}",
                    "RecordingSid": recording_sid,
                    "RecordingUrl": url,
                    "RecordingStatus": "completed",
                    "RecordingDuration": str(lengths[index]),
                }
                callback = base + "/twilio/recording?lang=zh-CN"
                response = requests.post(
                    callback,
                    data=urlencode(params),
                    timeout=30,
                    headers={
                        "X-Twilio-Signature": validator.compute_signature(callback, params),
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response.raise_for_status()
                latency, worker_decode = wait_for_draft(app, recording_sid)
                decode, duration = bare[path]
                total_latency += latency
                total_bare += decode
                total_worker_decode += worker_decode
                row = (
                    f"{path.name:<22}{duration:>8.1f}{decode:>15.2f}{worker_decode:>17.2f}"
                    f"{latency:>18.2f}"
                )
                print(f"{row}{latency - decode:>8.2f}")
        finally:
            watch.stop_event.set()
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
            fake.stop()
            server.shutdown()
        extra = total_latency - total_bare
        totals = f"{total_bare:>15.2f}{total_worker_decode:>17.2f}{total_latency:>18.2f}"
        print(f"{'TOTAL':<22}{'':>8}{totals}{extra:>8.2f}")
        print(
            f"outside the decoder (download, store, ffmpeg, VAD, database, queue): "
            f"{total_latency - total_worker_decode:.2f} s for {len(files)} voicemails"
        )
        print(f"callback→draft / bare decode = {total_latency / total_bare:.3f} (target ≤ 1.10)")
        worker_mb, child_mb = watch.worker_peak / 1024, watch.child_peak / 1024
        print(
            f"worker RSS: {idle_mb:.0f} MB idle with the model loaded, {worker_mb:.0f} MB at peak;"
            f" its children (RQ's scheduler) add {child_mb:.0f} MB of private pages"
        )
        for label, size in (("loaded", model_mb), ("loaded and decoding, bare Vosk", in_use_mb)):
            verdict = "within" if worker_mb <= size + 200 else "OVER"
            print(
                f"worker process peak {worker_mb:.0f} MB = model {label} {size:.0f} MB + "
                f"{worker_mb - size:.0f} MB ({verdict} model + 200 MB)"
            )


def wait_for_draft(app, recording_sid: str, timeout: float = 600) -> tuple[float, float]:
    """(seconds from the callback to the draft, the worker's own decode seconds), both from
    the database: voicemail and ticket creation times, and the transcript's decode time."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.remove()
            row = db.session.execute(
                select(
                    Voicemail.created_at,
                    Ticket.created_at,
                    Voicemail.state,
                    Transcript.decode_seconds,
                )
                .outerjoin(Ticket, Ticket.voicemail_id == Voicemail.id)
                .outerjoin(Transcript, Transcript.voicemail_id == Voicemail.id)
                .where(Voicemail.recording_sid == recording_sid)
            ).first()
            if row is not None and row[1] is not None:
                return (row[1] - row[0]).total_seconds(), row[3]
            if row is not None and row[2] in ("failed", "no-speech"):
                raise SystemExit(f"{recording_sid} ended {row[2]}")
            time.sleep(0.05)
    raise SystemExit(f"{recording_sid}: no draft after {timeout} s")


if __name__ == "__main__":
    main()

"""Webhook benchmark: the IVR behind gunicorn on loopback, beside a bare Flask endpoint.

Two measurements, each run against both servers in the same run:
  saturation  N connections sending signed webhooks back to back → requests/s (target: the
              IVR at least half the bare endpoint's throughput);
  realistic   50 concurrent callers walking the menu, pausing about 1 s between steps as a
              person does → p50/p99 latency (target: IVR p99 under 20 ms).
  on hold     50 callers waiting in the operator queue while Twilio requests their wait URL
              about once a second each (the position, estimate and callback offer are worked
              out from the database on every request) → p50/p99 latency beside the bare
              endpoint answering the same requests.

    .venv/bin/python bench/webhooks.py [--database-url URL] [--callers 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
DIGIT_PATH = ["1", "3", "1", "2", "9", "2", "9", "1", "7", "9"]  # language, knowledge, answers ...
OPERATOR_PHONE, OPERATOR_PIN = "+8613999999999", "2468"
BARE_WAIT_URL = "/twilio/queue/2/operator/wait?lang=zh-CN"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        app,
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(base + "/healthz") as response:
                    if response.status in (200, 405, 404, 503):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


class Caller:
    """One simulated caller: signs each webhook as Twilio would and follows the TwiML."""

    validator = RequestValidator(TOKEN)

    def __init__(self, session: aiohttp.ClientSession, base: str, number: int) -> None:
        self.session, self.base = session, base
        self.params = {
            "AccountSid": "AC" + "1" * 32,
            "CallSid": f"CA{number:032d}",
            "From": f"+86138{number:08d}",
            "To": "+862112315",
            "CallStatus": "in-progress",
            "Direction": "inbound",
        }

    async def post(self, path: str, latencies: list[float], **extra: str) -> str:
        url = self.base + path
        params = {**self.params, **extra}
        headers = {
            "X-Twilio-Signature": self.validator.compute_signature(url, params),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        async with self.session.post(url, data=urlencode(params), headers=headers) as response:
            body = await response.text()
            latencies.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]}")
        return body

    async def walk(self, latencies: list[float], pause: float, deadline: float) -> None:
        body = await self.post("/twilio/voice", latencies)
        for digits in DIGIT_PATH:
            if time.perf_counter() > deadline:
                return
            if pause:
                await asyncio.sleep(random.uniform(0.8 * pause, 1.2 * pause))
            gather = ET.fromstring(body).find("Gather")
            if gather is None:
                return
            body = await self.post(gather.get("action"), latencies, Digits=digits)

    async def join_queue(self, latencies: list[float], expect_enqueue: bool) -> str:
        """Call in, choose Mandarin, press 0: the wait URL of the Enqueue (not timed)."""
        await self.post("/twilio/voice", latencies)
        await self.post("/twilio/ivr/2/welcome/input?lang=zh-CN&attempt=1", latencies, Digits="1")
        body = await self.post(
            "/twilio/ivr/2/main/input?lang=zh-CN&attempt=1", latencies, Digits="0"
        )
        enqueue = ET.fromstring(body).find("Enqueue")
        if enqueue is None and expect_enqueue:
            raise RuntimeError(f"the caller was not enqueued: {body[:300]}")
        return enqueue.get("waitUrl") if enqueue is not None else BARE_WAIT_URL


async def log_operator_in(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        operator = Caller(session, base, 99_999_999)
        operator.params["From"] = OPERATOR_PHONE
        await operator.post("/twilio/operator", [])
        await operator.post("/twilio/operator/pin?attempt=1", [], Digits=OPERATOR_PIN)


async def on_hold(base: str, callers: int, seconds: float, ivr: bool) -> list[float]:
    """Callers in the queue; Twilio asks for each one's wait URL about once a second."""
    latencies: list[float] = []
    await log_operator_in(base)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        waiting = [Caller(session, base, 50_000_000 + i) for i in range(callers)]
        urls = [await caller.join_queue([], expect_enqueue=ivr) for caller in waiting]
        deadline = time.perf_counter() + seconds

        async def one(index: int) -> None:
            await asyncio.sleep(random.uniform(0, 1.0))
            queue_time = 0
            while time.perf_counter() < deadline:
                await waiting[index].post(
                    urls[index],
                    latencies,
                    QueuePosition=str(index + 1),
                    QueueTime=str(queue_time),
                    AvgQueueTime="60",
                    CurrentQueueSize=str(callers),
                    MaxQueueSize="1000",
                    QueueSid="QU" + "1" * 32,
                )
                await asyncio.sleep(random.uniform(0.8, 1.2))
                queue_time += 1

        await asyncio.gather(*(one(i) for i in range(callers)))
    return latencies


async def realistic(base: str, callers: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            await asyncio.sleep(random.uniform(0, 1.0))  # callers do not all ring at once
            serial = index * 1000
            while time.perf_counter() < deadline:
                serial += 1
                await Caller(session, base, serial).walk(latencies, 1.0, deadline)

        await asyncio.gather(*(one(i) for i in range(callers)))
    return latencies


async def saturation(
    base: str, connections: int, seconds: float, offset: int
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            serial = offset + index * 100_000
            while time.perf_counter() < deadline:
                serial += 1
                await Caller(session, base, serial).walk(latencies, 0.0, deadline)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(connections)))
        elapsed = time.perf_counter() - started
    return int(len(latencies) / elapsed), latencies


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000
        if len(values) > 1
        else 0
    )


def line(name: str, rate: float, lat: list[float], extra: str = "") -> str:
    p50, p99 = pct(lat, 50), pct(lat, 99)
    return f"  {name:<5} {rate:>6.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms{extra}"


def report(servers: dict, args: argparse.Namespace) -> None:
    seconds = f"{args.seconds:.0f} s each"
    print(f"\nsaturation: {args.connections} connections back to back, {seconds}")
    rates = {}
    for name, (_, base) in servers.items():
        rates[name], lat = asyncio.run(saturation(base, args.connections, args.seconds, 10**7))
        print(line(name, rates[name], lat))
    print(f"  ivr / bare throughput = {rates['ivr'] / rates['bare']:.2f} (target ≥ 0.50)")

    print(f"\nrealistic: {args.callers} callers pausing ~1 s between steps, {seconds}")
    p99 = {}
    for name, (_, base) in servers.items():
        lat = asyncio.run(realistic(base, args.callers, args.seconds))
        p99[name] = pct(lat, 99)
        print(line(name, len(lat) / args.seconds, lat, f"   ({len(lat)} requests)"))
    print(
        f"  ivr p99 = {p99['ivr']:.1f} ms (target < 20 ms), bare p99 = {p99['bare']:.1f} ms, "
        f"ratio {p99['ivr'] / p99['bare']:.2f}"
    )

    print(f"\non hold: {args.callers} callers in the queue, wait URL ~1/s each, {seconds}")
    for name, (_, base) in servers.items():
        lat = asyncio.run(on_hold(base, args.callers, args.seconds, ivr=name == "ivr"))
        p99[name] = pct(lat, 99)
        print(line(name, len(lat) / args.seconds, lat, f"   ({len(lat)} requests)"))
    print(
        f"  ivr p99 = {p99['ivr']:.1f} ms, bare p99 = {p99['bare']:.1f} ms, "
        f"ratio {p99['ivr'] / p99['bare']:.2f}"
    )


def always_open_menu(path: Path) -> Path:
    """The default menu, open around the clock (the bench runs at any hour)."""
    from ivr.menu import WEEKDAYS, dump_yaml, load_document_text
    from ivr.versions import default_menu_text

    doc = load_document_text(default_menu_text())
    doc["hours"] = {"china_calendar": False, "weekly": {d: ["00:00-24:00"] for d in WEEKDAYS}}
    doc["queues"]["operators"]["max_size"] = 1000
    path.write_text(dump_yaml(doc), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="A scratch database: its tables are dropped and made again. "
        "Default: a SQLite file in a temp dir.",
    )
    parser.add_argument("--callers", type=int, default=50)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TWILIO_AUTH_TOKEN=TOKEN,
            SECRET_KEY="bench",
            STORAGE_ROOT=tmp,
            HOTLINE_ENV="development",
            LOG_LEVEL="WARNING",
            DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
        )
        for command in (
            ["db", "downgrade", "base"],  # a scratch database starts empty on every run
            ["db", "upgrade"],
            ["seed"],
            ["menu", "import", str(always_open_menu(Path(tmp) / "menu.yaml")), "--publish"],
            ["users", "create", "bench-op", "--role", "operator", "--phone", OPERATOR_PHONE],
            ["operators", "set", "bench-op", "--pin", OPERATOR_PIN, "--queue", "operators"],
        ):
            subprocess.run(
                [sys.executable, "-m", "hotline.cli", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        servers = {}
        try:
            for name, app in (
                ("ivr", "hotline.app:create_app()"),
                ("bare", "bench.bare_app:create_app()"),
            ):
                port = free_port()
                servers[name] = (
                    start_gunicorn(app, port, env, args.workers),
                    f"http://127.0.0.1:{port}",
                )
            for _, base in servers.values():
                asyncio.run(wait_ready(base))
            dialect = env["DATABASE_URL"].split(":", 1)[0]
            print(
                f"gunicorn --workers {args.workers} on 127.0.0.1, database {dialect}, "
                f"{os.cpu_count()} cores shared with the load generator"
            )

            report(servers, args)
        finally:
            for process, _ in servers.values():
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


if __name__ == "__main__":
    main()

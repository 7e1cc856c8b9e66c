"""Screen-pop benchmark: how long from the bridge webhook until an operator's desk shows the call.

30 operators (by default) are logged in on the operator line and on the web, and each desk
polls `/desk/live` once a second as the page does (short polling of the database: several
gunicorn workers answer). Callers walk the menu into the queue one after another; each is
bridged to the next available operator by the signed `<Dial><Queue url>` webhook Twilio
sends, and the delay until that operator's poll first shows the caller is the screen-pop
delay (target: within 2 s). The operator then ends the call and the wrap-up from the line.

Printed beside it, measured in the same run: the bridge webhook's own time and a bare Flask
endpoint answering a constant TwiML string (bench/bare_app.py) for the same request; the
desk poll's own latency under the 30 pollers. The load is light (about 30 requests/s), so a
Python client (aiohttp) does not eat the CPU it measures the way a saturation test would.

    .venv/bin/python bench/desk.py [--database-url URL] [--operators 30] [--calls 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.webhooks import (
    TOKEN,
    always_open_menu,
    free_port,
    pct,
    start_gunicorn,
    wait_ready,
)

PIN = "2468"
PASSWORD = "bench-password"
POLL_SECONDS = 1.0  # what the desk page does (desk.web.POLL_MS)
validator = RequestValidator(TOKEN)


def phone(index: int) -> str:
    return f"+86139{index:08d}"


def setup(env: dict[str, str], operators: int, menu: Path) -> None:
    """A scratch database with the always-open menu and `operators` operators with PINs."""
    for command in (
        ["db", "downgrade", "base"],
        ["db", "upgrade"],
        ["seed"],
        ["menu", "import", str(menu), "--publish"],
    ):
        subprocess.run(
            [sys.executable, "-m", "hotline.cli", *command],
            env=env,
            check=True,
            capture_output=True,
        )
    script = f"""
from werkzeug.security import generate_password_hash
from hotline.app import create_app
from hotline.core.db import db
from hotline.core.models import User
from ivr.operator_service import set_pin, set_queues
app = create_app()
with app.app_context():
    for i in range({operators}):
        user = User(username=f"op{{i:02d}}", role="operator", display_name=f"op{{i:02d}}",
                    phone="+86139" + f"{{i:08d}}", language="zh-CN",
                    password_hash=generate_password_hash({PASSWORD!r}))
        db.session.add(user)
        db.session.flush()
        set_pin(user, {PIN!r})
        set_queues(user, ["operators"])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)


class Signed:
    """One call's webhooks, signed as Twilio signs them."""

    def __init__(self, session: aiohttp.ClientSession, base: str, sid: str, number: str) -> None:
        self.session, self.base = session, base
        self.params = {
            "AccountSid": "AC" + "1" * 32,
            "CallSid": sid,
            "From": number,
            "Caller": number,
            "To": "+862112315",
            "CallStatus": "in-progress",
            "Direction": "inbound",
        }

    async def post(self, path: str, **extra: str) -> tuple[float, str]:
        url = self.base + path
        params = {**self.params, **extra}
        headers = {
            "X-Twilio-Signature": validator.compute_signature(url, params),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        async with self.session.post(url, data=urlencode(params), headers=headers) as response:
            body = await response.text()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]}")
        return time.perf_counter() - started, body


class Desk:
    """An operator: their phone on the operator line and their browser polling the desk."""

    def __init__(self, base: str, index: int) -> None:
        self.base, self.index = base, index
        self.username = f"op{index:02d}"
        # each operator is its own browser behind the proxy (the login limit is per address)
        self.headers = {"X-Forwarded-For": f"10.0.{index // 250}.{index % 250 + 1}"}
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.line = Signed(self.session, base, f"CA{'e' * 24}{index:08d}", phone(index))
        self.visit: int | None = None
        self.seen: dict[int, float] = {}  # visit id → when this desk first showed it
        self.poll_latencies: list[float] = []

    async def log_in(self) -> None:
        await self.line.post("/twilio/operator")
        await self.line.post("/twilio/operator/pin?attempt=1", Digits=PIN)
        async with self.session.get(self.base + "/login", headers=self.headers) as page:
            html = await page.text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrf_token": token}
        async with self.session.post(
            self.base + "/login", data=form, headers=self.headers, allow_redirects=False
        ) as response:
            if response.status != 302:
                raise RuntimeError(f"{self.username} could not log in: HTTP {response.status}")

    async def poll(self, until: float) -> None:
        while time.perf_counter() < until:
            started = time.perf_counter()
            async with self.session.get(self.base + "/desk/live", headers=self.headers) as answer:
                live = await answer.json()
            now = time.perf_counter()
            self.poll_latencies.append(now - started)
            call = live.get("call")
            if call and call["visit_id"] not in self.seen:
                self.seen[call["visit_id"]] = now
            self.visit = call["visit_id"] if call else None
            await asyncio.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))


async def caller_joins(session: aiohttp.ClientSession, base: str, serial: int) -> Signed:
    caller = Signed(session, base, f"CA{serial:032d}", f"+86138{serial:08d}")
    await caller.post("/twilio/voice")
    await caller.post("/twilio/ivr/2/welcome/input?lang=zh-CN&attempt=1", Digits="1")
    _, body = await caller.post("/twilio/ivr/2/main/input?lang=zh-CN&attempt=1", Digits="0")
    if "<Enqueue" not in body:
        raise RuntimeError(f"the caller was not enqueued: {body[:300]}")
    return caller


async def visit_of(desk: Desk, deadline: float) -> int:
    while desk.visit is None:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{desk.username}'s desk never showed the call")
        await asyncio.sleep(0.01)
    return desk.visit


async def run(base: str, bare: str, operators: int, calls: int) -> dict[str, list[float]]:
    desks = [Desk(base, i) for i in range(operators)]
    for desk in desks:
        await desk.log_in()
    figures: dict[str, list[float]] = {"pop": [], "bridge": [], "bare": []}
    until = time.perf_counter() + 3600
    pollers = [asyncio.create_task(desk.poll(until)) for desk in desks]
    await asyncio.sleep(POLL_SECONDS)  # every desk is polling
    async with aiohttp.ClientSession() as session:
        bare_caller = Signed(session, bare, "CA" + "b" * 32, "+8613800000000")
        for serial in range(calls):
            desk = desks[serial % operators]
            caller = await caller_joins(session, base, 10_000 + serial)
            await asyncio.sleep((serial * 0.37) % POLL_SECONDS)  # any moment of a poll cycle
            sent = time.perf_counter()
            took, _ = await caller.post(
                "/twilio/operator/connected",
                QueueSid="QU" + "1" * 32,
                QueueTime="12",
                DequeingCallSid=desk.line.params["CallSid"],
            )
            figures["bridge"].append(took)
            visit = await visit_of(desk, sent + 30)
            figures["pop"].append(desk.seen[visit] - sent)
            took, _ = await bare_caller.post(
                "/twilio/operator/connected",
                QueueSid="QU" + "1" * 32,
                QueueTime="12",
                DequeingCallSid=desk.line.params["CallSid"],
            )
            figures["bare"].append(took)
            # the caller hangs up; the operator ends the wrap-up from the line (key 1)
            await caller.post(
                "/twilio/ivr/2/operator/queue-done?lang=zh-CN",
                QueueResult="bridged",
                QueueTime="12",
            )
            await desk.line.post("/twilio/operator/menu", Digits="1")
    for task in pollers:
        task.cancel()
    figures["poll"] = [x for desk in desks for x in desk.poll_latencies]
    for desk in desks:
        await desk.session.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="a scratch database (emptied)")
    parser.add_argument("--operators", type=int, default=30)
    parser.add_argument("--calls", type=int, default=60)
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
            TRUSTED_PROXY_HOPS="1",
            DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
        )
        setup(env, args.operators, always_open_menu(Path(tmp) / "menu.yaml"))
        servers = []
        try:
            bases = []
            for app in ("hotline.app:create_app()", "bench.bare_app:create_app()"):
                port = free_port()
                servers.append(start_gunicorn(app, port, env, args.workers))
                bases.append(f"http://127.0.0.1:{port}")
            for base in bases:
                asyncio.run(wait_ready(base))
            found = asyncio.run(run(bases[0], bases[1], args.operators, args.calls))
        finally:
            for process in servers:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    dialect = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"gunicorn --workers {args.workers}, database {dialect}, {args.operators} desks polling "
        f"every {POLL_SECONDS:.0f} s, {args.calls} calls bridged, {os.cpu_count()} cores"
    )
    for name, label in (
        ("pop", "screen pop (bridge webhook sent → desk shows the call)"),
        ("bridge", "bridge webhook (Queue url), the app"),
        ("bare", "the same request, bare endpoint"),
        ("poll", "desk poll /desk/live"),
    ):
        values = found[name]
        print(f"{label:58} p50 {pct(values, 50):8.1f} ms   p99 {pct(values, 99):8.1f} ms")
    pop99, bare50 = pct(found["pop"], 99), pct(found["bare"], 50)
    print(f"pop p99 / target 2 s: {pop99 / 2000:.2f}×")
    print(f"pop p50 / bare webhook p50: {pct(found['pop'], 50) / bare50:.0f}×")
    print(f"bridge webhook p50 / bare webhook p50: {pct(found['bridge'], 50) / bare50:.1f}×")


if __name__ == "__main__":
    main()

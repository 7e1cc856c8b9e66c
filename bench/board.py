"""Wall board benchmark: `desk.board.board(now)` on a busy afternoon, in a database migrated
with the app's own migrations.

The day: ~2,000 calls into two queues since 08:30 with their queue visits (answered, abandoned,
left, callbacks), callers waiting now, ~30 operators with sessions in every state (on a call,
after-call work, break, available, logged out), and `--history` earlier days of the same
traffic, so the day's figures are read out of a table that holds more than today.

Each case is timed over `--runs` runs after a warm-up (p50 and p99, in ms), beside references
measured in the same run: one COUNT over the day's queue visits, and `ivr.queueing.live_status`
(what `GET /api/v1/queues` reads per queue). The operators' open visits and running wrap-ups
are found through the partial indexes `ix_queue_visits_operator_open` and
`ix_queue_visits_operator_wrap_up` (migration 0005), which hold only the open rows.

    .venv/bin/python bench/board.py                           # SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench .venv/bin/python bench/board.py
    .venv/bin/python bench/board.py --runs 500 --history 60
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.app import create_app  # noqa: E402
from hotline.core.db import db  # noqa: E402
from hotline.core.settings import load_settings  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZONE).astimezone(UTC)  # a Monday afternoon
TODAY = NOW.astimezone(ZONE).date()
OPEN = datetime(2026, 11, 23, 8, 30, tzinfo=ZONE).astimezone(UTC)
CALLS_A_DAY = 2_000
OPERATORS = 30
QUEUES = ("operators", "experts")
#: operators' states now, by count: on a call, wrap-up, break, available, logged out
STATES = {"on_call": 12, "wrap_up": 5, "break": 4, "available": 6, "offline": 3}
WAITING = 9
SCHEMA = "bench_board"


def _calls_of_day(rng: random.Random, opened: datetime, until: datetime, n: int) -> Iterator:
    span = (until - opened).total_seconds()
    for _ in range(n):
        yield opened + timedelta(seconds=rng.random() * span)


def fill(history_days: int, seed: int = 11) -> dict[str, int]:
    """Insert the afternoon (and the earlier days); returns the row counts."""
    from hotline.core.models import User
    from ivr.models import Call, Callback, OperatorQueue, QueueVisit

    rng = random.Random(seed)
    session = db.session
    session.execute(
        insert(User),
        [
            {
                "username": f"op{i:02d}",
                "display_name": f"话务员{i:02d}",
                "role": "operator",
                "language": "zh-CN",
                "pin_failures": 0,
                "active": True,
                "created_at": datetime(2025, 1, 1, tzinfo=UTC),
            }
            for i in range(OPERATORS)
        ],
    )
    operators = list(session.scalars(select(User.id).order_by(User.id)))
    session.execute(
        insert(OperatorQueue),
        [{"user_id": uid, "queue_name": "operators"} for uid in operators]
        + [{"user_id": uid, "queue_name": "experts"} for uid in operators[::3]],
    )
    states = [state for state, n in STATES.items() for _ in range(n)]
    counts = dict.fromkeys(("calls", "queue_visits", "callbacks", "operator_sessions"), 0)
    sid = iter(range(10**9))
    days = [(NOW - timedelta(days=d), OPEN - timedelta(days=d)) for d in range(history_days, 0, -1)]
    for until, opened in [*days, (NOW, OPEN)]:
        moments = sorted(_calls_of_day(rng, opened, until, CALLS_A_DAY))
        for rows in _chunks(moments, 500):
            call_rows = [
                {
                    "call_sid": f"CA{next(sid):032d}",
                    "from_number": f"+86138{rng.randrange(10**8):08d}",
                    "to_number": "+862112315",
                    "line": "public",
                    "status": "completed",
                    "started_at": at,
                    "ended_at": at + timedelta(minutes=5),
                }
                for at in rows
            ]
            ids = session.scalars(
                insert(Call).returning(Call.id, sort_by_parameter_order=True), call_rows
            ).all()
            visits = [
                _visit(rng, call_id, at, operators) for call_id, at in zip(ids, rows, strict=True)
            ]
            session.execute(insert(QueueVisit), visits)
            counts["calls"] += len(ids)
            counts["queue_visits"] += len(visits)
        # each day: ~3 % chose a callback; today's recent ones still hold their place
        callback_rows = [
            {
                "call_id": 1,
                "queue_name": rng.choice(QUEUES),
                "menu_version": 1,
                "node_id": "operator",
                "number": f"+86139{rng.randrange(10**8):08d}",
                "language": "zh-CN",
                "joined_at": at,
                "requested_at": at,
                "state": "pending"
                if until == NOW and at > NOW - timedelta(minutes=20)
                else rng.choice(("reached", "reached", "reached", "unreached")),
                "attempts": 1,
            }
            for at in rng.sample(moments, CALLS_A_DAY * 3 // 100)
        ]
        session.execute(insert(Callback), callback_rows)
        counts["callbacks"] += len(callback_rows)
        session.commit()
    counts["operator_sessions"] = _now(rng, operators, states)
    session.commit()
    return counts


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _visit(rng: random.Random, call_id: int, at: datetime, operators: list[int]) -> dict:
    """A finished visit: 80 % answered, 8 % abandoned, the rest left or refused."""
    queue = "experts" if rng.random() < 0.2 else "operators"
    wait = int(rng.expovariate(1 / 25))
    roll = rng.random()
    row = {
        "call_id": call_id,
        "queue_name": queue,
        "menu_version": 1,
        "node_id": "operator",
        "entered_at": at,
        "position_on_join": rng.randrange(1, 6),
        "wait_seconds": wait,
        "left_at": at + timedelta(seconds=wait),
    }
    if roll < 0.80:
        talk = max(20, int(rng.gauss(240, 90)))
        bridged = at + timedelta(seconds=wait)
        ended = bridged + timedelta(seconds=talk)
        wrap = rng.randrange(5, 130)
        row.update(
            result="bridged",
            bridged_at=bridged,
            left_at=ended,
            talk_seconds=talk,
            operator_id=rng.choice(operators),
            wrapup_started_at=ended,
            wrapup_due_at=ended + timedelta(seconds=120),
            wrapup_ended_at=ended + timedelta(seconds=min(wrap, 120)),
            wrapup_seconds=min(wrap, 120),
            rating=rng.choice((None, None, 3, 4, 5)),
        )
    elif roll < 0.88:
        row.update(result="hangup")
    elif roll < 0.97:
        row.update(result="leave", leave_reason=rng.choice(("voicemail", "callback", "max-wait")))
    else:
        row.update(result="queue-full", wait_seconds=0)
    return row


def _now(rng: random.Random, operators: list[int], states: list[str]) -> int:
    """Sessions, current calls, wrap-ups and waiting callers as they stand at NOW."""
    from ivr.models import Call, OperatorSession, QueueVisit

    session = db.session
    sessions, live_visits = [], []
    for n, (uid, state) in enumerate(zip(operators, states, strict=True)):
        # a logged-out operator's earlier sessions of the day, then today's live one
        sessions.append(
            {
                "user_id": uid,
                "call_sid": f"CAop{n:030d}",
                "started_at": OPEN,
                "ended_at": NOW - timedelta(hours=2) if state == "offline" else None,
                "available": state != "break",
                "last_seen_at": NOW - timedelta(minutes=rng.randrange(10)),
            }
        )
        if state in ("on_call", "wrap_up"):
            live_visits.append((uid, state))
    session.execute(insert(OperatorSession), sessions)
    waiting = [(None, "waiting")] * WAITING
    rows = []
    for n, (uid, state) in enumerate(live_visits + waiting):
        call_id = session.scalar(
            insert(Call)
            .values(call_sid=f"CAnow{n:029d}", from_number="+8613800000000", started_at=NOW)
            .returning(Call.id)
        )
        entered = NOW - timedelta(seconds=rng.randrange(20, 400))
        row = {
            "call_id": call_id,
            "queue_name": "operators",
            "menu_version": 1,
            "node_id": "operator",
            "entered_at": entered,
            "position_on_join": 1,
        }
        if state == "on_call":
            row.update(
                result="bridged",
                bridged_at=entered + timedelta(seconds=15),
                wait_seconds=15,
                operator_id=uid,
            )
        elif state == "wrap_up":
            ended = NOW - timedelta(seconds=rng.randrange(5, 100))
            row.update(
                result="bridged",
                bridged_at=entered,
                wait_seconds=10,
                operator_id=uid,
                left_at=ended,
                talk_seconds=60,
                wrapup_started_at=ended,
                wrapup_due_at=ended + timedelta(seconds=120),
            )
        rows.append(row)
    session.execute(insert(QueueVisit), rows)
    return len(sessions)


def _publish_two_queues() -> None:
    from ivr.menu import load_document_text
    from ivr.versions import create_version, default_menu_text, publish

    doc = load_document_text(default_menu_text())
    doc["queues"]["experts"] = {"service_level_seconds": 30}
    publish(create_version(doc).number)
    db.session.commit()


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p99 of `runs` runs after a warm-up, in milliseconds."""
    run()
    samples = []
    for _ in range(runs):
        db.session.rollback()  # each run reads afresh, as a new request would
        began = time.perf_counter()
        run()
        samples.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]


def cases() -> list[tuple[str, Callable[[], object]]]:
    from desk.board import _agents, _lines, board
    from hotline.core.clock import local_days
    from ivr.metrics import totals_by_queue
    from ivr.models import QueueVisit
    from ivr.queueing import live_status

    day_start = datetime(2026, 11, 23, tzinfo=ZONE)
    return [
        (
            "reference: COUNT of today's queue visits",
            lambda: db.session.scalar(
                select(func.count())
                .select_from(QueueVisit)
                .where(QueueVisit.entered_at >= day_start)
            ),
        ),
        (
            "reference: queueing.live_status (GET /api/v1/queues)",
            lambda: live_status(list(QUEUES), NOW),
        ),
        ("  of which: agents by state (2 queries)", lambda: _agents(list(QUEUES), NOW)),
        ("  of which: callers waiting, callbacks (2 queries)", lambda: _lines(list(QUEUES))),
        (
            "  of which: today's totals (1 query)",
            lambda: totals_by_queue(*local_days(TODAY, TODAY), dict.fromkeys(QUEUES, 20)),
        ),
        ("desk.board.board(now)", lambda: board(NOW)),
    ]


def _database(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{workdir / 'board.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={SCHEMA}')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--history", type=int, default=30, help="earlier days of traffic")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-board-"))
    url = _database(workdir)
    settings = load_settings(
        database_url=url,
        storage_root=workdir / "storage",
        redis_url="redis://127.0.0.1:1/0",
        hotline_env="testing",
        secret_key="bench",
        twilio_auth_token="bench",
    )
    app = create_app(settings=settings, test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
    app.extensions["hotline.clock"] = lambda: NOW
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _publish_two_queues()
        began = time.perf_counter()
        counts = fill(args.history)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"database: {db.engine.dialect.name}; filled in {time.perf_counter() - began:.1f} s:")
        print("  " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        from desk.board import board

        summary = board(NOW).summary
        print(
            f"  board now: {summary.agents_online} online, {summary.agents_available} available,"
            f" {summary.agents_on_contact} on a call, {summary.agents_after_call_work} wrap-up,"
            f" {summary.agents_on_break} break; {summary.waiting} waiting;"
            f" today {summary.offered} offered, {summary.answered} answered"
        )
        results = [(name, *timed(run, args.runs)) for name, run in cases()]
    reference = results[0][1]
    print(f"\n{'case':<70} {'p50 ms':>8} {'p99 ms':>8} {'× ref p50':>10}")
    for name, p50, p99 in results:
        print(f"{name:<70} {p50:>8.2f} {p99:>8.2f} {p50 / reference:>10.1f}")


if __name__ == "__main__":
    main()

"""Report benchmark: a synthetic year at the scale of SPEC §2 (570,000 calls, 94,000
voicemails, 235,000 tickets, with their queue visits, callbacks and review events) in a
database migrated with the app's own migrations, then every dashboard report timed.

Each report is timed as the median of several runs after a warm-up, beside a reference
measured in the same run: one plain GROUP BY over the whole tickets table
(`SELECT category, count(*) FROM tickets GROUP BY category`), the simplest query that reads a
year of tickets. Target: every dashboard report under 1 s on PostgreSQL for a year of data.
The single reports run one query after another; "whole dashboard" is what the page does: the
same queries side by side in `reports.service.READERS` threads, then tables and charts.

    .venv/bin/python bench/reports.py                                     # SQLite file
    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/reports.py --scale 0.1                         # a tenth, quicker
    .venv/bin/python bench/reports.py --database-url URL --reuse          # time again, no refill
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, insert, select, text
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.app import create_app  # noqa: E402
from hotline.core.db import db  # noqa: E402
from hotline.core.settings import load_settings  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
LAST_DAY = date(2026, 11, 22)  # a Sunday: the year ends with a whole ISO week
FIRST_DAY = LAST_DAY - timedelta(days=364)
SCALE = {"calls": 570_000, "voicemails": 94_000, "tickets": 235_000}
CATEGORIES = [
    "online_shopping",
    "food",
    "internet_services",
    "telecom_services",
    "prepaid",
    "telecom_products",
    "courier",
    "vehicles",
    "computers",
    "kitchen_appliances",
    "travel",
    "education",
    "livestream",
]
DISTRICTS = [
    "黄浦",
    "徐汇",
    "长宁",
    "静安",
    "普陀",
    "虹口",
    "杨浦",
    "闵行",
    "宝山",
    "嘉定",
    "浦东新区",
    "金山",
    "松江",
    "青浦",
    "奉贤",
    "崇明",
]
OPERATORS = 40
CHUNK = 5_000
# calls per hour of the local day (relative): quiet at night, busiest mid-morning
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 15, 16, 15, 13, 10, 7, 5, 4, 3, 2, 1]


def moment(rng: random.Random) -> datetime:
    """A random local moment of the year, weighted by the hour of the day, in UTC."""
    day = FIRST_DAY + timedelta(days=rng.randrange(365))
    hour = rng.choices(range(24), HOURS)[0]
    local = datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=ZONE
    )
    return local.astimezone(UTC)


def chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(scale: float, seed: int = 7) -> dict[str, int]:
    """Insert the synthetic year; returns the row counts."""
    from hotline.core.models import User
    from ivr.models import Call, Callback, QueueVisit
    from tickets.models import Ticket, TicketEvent
    from voicemail.models import Voicemail

    rng = random.Random(seed)
    n_calls = int(SCALE["calls"] * scale)
    n_voicemails = int(SCALE["voicemails"] * scale)
    n_tickets = int(SCALE["tickets"] * scale)
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
    operator_ids = list(session.scalars(select(User.id).where(User.role == "operator")))
    usernames = [f"op{i:02d}" for i in range(OPERATORS)]
    counts = dict.fromkeys(
        ("calls", "queue_visits", "callbacks", "voicemails", "tickets", "ticket_events"), 0
    )

    def calls() -> Iterator[dict]:
        for i in range(n_calls):
            started = moment(rng)
            yield {
                "call_sid": f"CA{i:032x}",
                "from_number": f"+86138{rng.randrange(10**8):08d}",
                "to_number": "+862112315",
                "direction": "inbound",
                "line": "public",
                "language": "zh-CN",
                "status": "completed",
                "started_at": started,
                "ended_at": started + timedelta(seconds=rng.randrange(30, 600)),
                "duration_seconds": rng.randrange(30, 600),
                "satisfaction": rng.choice([None, None, None, 3, 4, 5, 5, 2, 1]),
            }

    progress = tqdm(total=n_calls, desc="calls + queue visits", unit="call", leave=False)
    first_id = session.scalar(select(func.coalesce(func.max(Call.id), 0))) + 1
    call_id = first_id
    for batch in chunks(calls()):
        session.execute(insert(Call), batch)
        visits, callbacks = [], []
        for offset, row in enumerate(batch):
            if rng.random() > 0.7:
                continue
            result = rng.choices(["bridged", "hangup", "leave", "queue-full"], [80, 12, 5, 3])[0]
            wait = int(rng.expovariate(1 / 25))
            entered = row["started_at"] + timedelta(seconds=40)
            bridged = result == "bridged"
            visits.append(
                {
                    "call_id": call_id + offset,
                    "queue_name": "operators",
                    "menu_version": 1,
                    "node_id": "operator",
                    "entered_at": entered,
                    "position_on_join": rng.randrange(5),
                    "left_at": entered + timedelta(seconds=wait),
                    "result": result,
                    "leave_reason": "callback" if result == "leave" else None,
                    "wait_seconds": wait,
                    "bridged_at": entered + timedelta(seconds=wait) if bridged else None,
                    "talk_seconds": rng.randrange(60, 600) if bridged else None,
                    "operator_id": rng.choice(operator_ids) if bridged else None,
                    "rating": row["satisfaction"] if bridged else None,
                }
            )
            if result == "leave":
                callbacks.append(
                    {
                        "call_id": call_id + offset,
                        "queue_name": "operators",
                        "menu_version": 1,
                        "node_id": "operator",
                        "number": row["from_number"],
                        "language": "zh-CN",
                        "hotline_number": "+862112315",
                        "joined_at": entered,
                        "requested_at": entered + timedelta(seconds=wait),
                        "attempts": 1,
                        "state": rng.choice(["reached", "reached", "reached", "unreached"]),
                    }
                )
        session.execute(insert(QueueVisit), visits)
        if callbacks:
            session.execute(insert(Callback), callbacks)
        counts["queue_visits"] += len(visits)
        counts["callbacks"] += len(callbacks)
        call_id += len(batch)
        progress.update(len(batch))
        session.commit()
    progress.close()
    counts["calls"] = n_calls

    def voicemails() -> Iterator[dict]:
        for i in range(n_voicemails):
            created = moment(rng)
            yield {
                "recording_sid": f"RE{i:032x}",
                "call_sid": f"CA{i:032x}",
                "from_number": f"+86139{rng.randrange(10**8):08d}",
                "language": "zh-CN",
                "recording_url": "",
                "recording_seconds": rng.randrange(5, 120),
                "state": rng.choices(["drafted", "no-speech", "failed", "absent"], [93, 5, 1, 1])[
                    0
                ],
                "attempts": 1,
                "created_at": created,
                "updated_at": created,
            }

    for batch in tqdm(list(chunks(voicemails())), desc="voicemails", leave=False):
        session.execute(insert(Voicemail), batch)
        session.commit()
    counts["voicemails"] = n_voicemails
    first_voicemail = session.scalar(select(func.min(Voicemail.id)))

    category_weights = [1 / (rank + 1) for rank in range(len(CATEGORIES))]
    merchants = [f"商家{i:04d}" for i in range(2000)]

    def tickets() -> Iterator[dict]:
        for i in range(n_tickets):
            created = moment(rng)
            state = rng.choices(
                ["closed", "resolved", "open", "dispatched", "draft", "discarded"],
                [82, 6, 3, 3, 2, 4],
            )[0]
            source = rng.choices(["voicemail", "transfer", "phone", "callback"], [38, 5, 56, 1])[0]
            opened = created + timedelta(hours=rng.randrange(1, 20))
            due = opened + timedelta(days=7)
            resolved = (
                opened + timedelta(days=rng.uniform(0.5, 9))
                if state in ("closed", "resolved")
                else None
            )
            yield {
                "number": None if state in ("draft", "discarded") else f"12315-B{i:09d}",
                "state": state,
                "source": source,
                "type": rng.choices(["complaint", "report", "consultation"], [70, 10, 20])[0],
                "category": rng.choices(CATEGORIES, category_weights)[0],
                "district": rng.choice(DISTRICTS),
                "merchant": rng.choice(merchants) if rng.random() < 0.6 else None,
                "priority": 0,
                "caller_number": f"+86137{rng.randrange(10**8):08d}",
                "language": "zh-CN",
                "description": "",
                "suggestions": {},
                "voicemail_id": first_voicemail + i
                if source == "voicemail" and i < n_voicemails
                else None,
                "repeat_caller": rng.random() < 0.03,
                "opened_at": None if state in ("draft", "discarded") else opened,
                "due_at": None if state in ("draft", "discarded") else due,
                "resolved_at": resolved,
                "created_at": created,
                "updated_at": created,
            }

    progress = tqdm(total=n_tickets, desc="tickets + events", unit="ticket", leave=False)
    for batch in chunks(tickets()):
        ids = session.execute(
            insert(Ticket).returning(Ticket.id, Ticket.opened_at, Ticket.source), batch
        ).all()
        events = []
        for ticket_id, opened, source in ids:
            if opened is None or source not in ("voicemail", "callback"):
                continue
            who = rng.choice(usernames)
            events.append(
                {"ticket_id": ticket_id, "at": opened, "actor": who, "kind": "opened", "data": {}}
            )
            if rng.random() < 0.1:
                events.append(
                    {
                        "ticket_id": ticket_id,
                        "at": opened + timedelta(hours=2),
                        "actor": "supervisor",
                        "kind": "edited",
                        "data": {},
                    }
                )
        if events:
            session.execute(insert(TicketEvent), events)
        counts["ticket_events"] += len(events)
        progress.update(len(batch))
        session.commit()
    progress.close()
    counts["tickets"] = n_tickets
    return counts


def timed(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` runs after one warm-up, in milliseconds."""
    run()
    samples = []
    for _ in range(repeat):
        db.session.rollback()  # each run reads afresh, as a new request would
        began = time.perf_counter()
        run()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def reports(settings, repeat: int) -> list[tuple[str, float]]:
    from reports import environment, figures, growth, series, stars, warning
    from reports.periods import Period, month, week
    from reports.service import assemble

    zone = settings.zone
    last_month = month("2026-10")
    last_week = week("2026-W47")
    year = Period(FIRST_DAY, LAST_DAY)
    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "reference: tickets per category, whole table",
            lambda: db.session.execute(
                text("SELECT category, count(*) FROM tickets GROUP BY category")
            ).all(),
        ),
        ("figures, a month", lambda: figures.figures(last_month, zone)),
        ("figures with growth, a month (3 periods)", lambda: growth.compare(last_month, zone)),
        ("figures with growth, a week", lambda: growth.compare(last_week, zone)),
        ("figures, the whole year", lambda: figures.figures(year, zone)),
        ("calls/tickets per day, a month", lambda: series.daily(last_month, zone)),
        ("calls/tickets per day, the whole year", lambda: series.daily(year, zone)),
        (
            "top 10 categories with growth, a month",
            lambda: growth.ranked("category", last_month, zone),
        ),
        (
            "districts with growth, a month",
            lambda: growth.ranked("district", last_month, zone, None),
        ),
        (
            "early warning, a week vs 8 weeks",
            lambda: warning.warnings(
                last_week.last, zone, settings.warning_min_count, settings.warning_z
            ),
        ),
        ("operator stars, a month", lambda: stars.operator_stars(last_month, zone)),
        (
            "consumer environment index, a month",
            lambda: environment.environment_index("2026-10", zone),
        ),
        (
            "whole dashboard (all of the above + charts), a month",
            lambda: assemble(last_month, settings, "zh-CN", with_stars=True),
        ),
        (
            "whole dashboard, the whole year",
            lambda: assemble(year, settings, "zh-CN", with_stars=True),
        ),
    ]
    return [(name, timed(run, repeat)) for name, run in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the SPEC scale")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the year already in --database-url (from an earlier run) without refilling",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-reports-"))
    url = args.database_url or f"sqlite:///{workdir / 'reports.db'}"
    if url.startswith("postgresql") and not args.reuse:
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema for the run
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    settings = load_settings(
        database_url=url,
        storage_root=workdir / "storage",
        redis_url="redis://127.0.0.1:1/0",
        hotline_env="testing",
        secret_key="bench",
        twilio_auth_token="bench",
    )
    app = create_app(settings=settings, test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
    with app.app_context():
        from flask_migrate import upgrade

        from reports.environment import SectorRow, store

        upgrade()
        began = time.perf_counter()
        if args.reuse:
            counts = {
                name: db.session.scalar(text(f"SELECT count(*) FROM {name}"))  # noqa: S608
                for name in ("calls", "queue_visits", "voicemails", "tickets")
            }
        else:
            counts = fill(args.scale)
            store(
                [
                    SectorRow("2026-10", "网上零售额", 6.1, ["online_shopping", "livestream"]),
                    SectorRow("2026-10", "社会消费品零售总额", 3.2, ["food", "kitchen_appliances"]),
                ],
                "bench",
            )
            db.session.commit()
        db.session.remove()
        # statistics and (PostgreSQL) the visibility map, as autovacuum keeps them in service
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            postgres = db.engine.dialect.name == "postgresql"
            conn.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
        ready = time.perf_counter() - began
        dialect = db.engine.dialect.name
        print(
            f"\n{dialect}: {', '.join(f'{n:,} {k}' for k, n in counts.items())} "
            f"(ready in {ready:.0f} s)"
        )
        results = reports(settings, args.repeat)
        reference = results[0][1]
        print(f"{'report':<58} {'ms':>9} {'× reference':>12}")
        for name, ms in results:
            print(f"{name:<58} {ms:>9.1f} {ms / reference:>12.1f}")
        slowest = max(ms for name, ms in results[1:] if "whole year" not in name)
        print(
            f"slowest month/week report: {slowest:.0f} ms "
            f"({'under' if slowest < 1000 else 'OVER'} the 1 s target)"
        )
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()

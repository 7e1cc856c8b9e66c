"""`hotline tickets ...`: suggestions as JSON, the list, the overdue digest."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.core.db import db
from tickets.models import Ticket


def test_suggest_prints_json(runner) -> None:
    result = runner.invoke(["tickets", "suggest", "南汇的旅行社不退团费三千元", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["district"] == {"value": "浦东新区", "why": ["南汇 → 浦东新区"]}
    assert found["category"]["value"] == "travel"
    assert found["amount"]["value"] == "3000.00"


def test_overdue_digest_lists_overdue_and_due_soon(app, runner) -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    app.extensions["hotline.clock"] = lambda: now
    with app.app_context():
        for number, state, due in (
            ("12315-20261101-0001", "open", now - timedelta(days=2)),
            ("12315-20261101-0002", "dispatched", now + timedelta(hours=3)),
            ("12315-20261101-0003", "resolved", now - timedelta(days=5)),
            ("12315-20261101-0004", "open", now + timedelta(days=5)),
        ):
            db.session.add(
                Ticket(number=number, state=state, due_at=due, type="complaint", caller_number="1")
            )
        db.session.commit()
    result = runner.invoke(["tickets", "overdue"])
    assert result.exit_code == 0, result.output
    assert "Overdue digest 2026-11-23: 1 overdue, 1 due soon" in result.output
    overdue, soon = result.output.split("due soon:")
    assert "12315-20261101-0001" in overdue
    assert "12315-20261101-0002" in soon
    assert "0003" not in result.output
    assert "0004" not in result.output
    storage = app.config["HOTLINE_SETTINGS"].storage_root
    assert (
        (storage / "digests" / "overdue-2026-11-23.txt")
        .read_text(encoding="utf-8")
        .startswith("Overdue digest")
    )

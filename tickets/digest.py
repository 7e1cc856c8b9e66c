"""The daily overdue digest (零超期): open and dispatched tickets past their due date, and those
due within DUE_SOON_HOURS, written to `<storage>/digests/overdue-YYYY-MM-DD.txt` and logged."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from hotline.core import clock
from hotline.core.db import db
from tickets.models import Ticket, TicketState

log = logging.getLogger(__name__)


def overdue_digest() -> tuple[Path, str]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    now = clock.now()
    active = (TicketState.open.value, TicketState.dispatched.value)
    horizon = now + timedelta(hours=settings.due_soon_hours)
    rows = db.session.scalars(
        select(Ticket)
        .where(Ticket.state.in_(active), Ticket.due_at < horizon)
        .order_by(Ticket.due_at)
    ).all()
    overdue = [t for t in rows if t.due_at < now]
    soon = [t for t in rows if t.due_at >= now]
    day = now.astimezone(settings.zone).date()
    lines = [f"Overdue digest {day}: {len(overdue)} overdue, {len(soon)} due soon"]
    for title, tickets in (("overdue", overdue), ("due soon", soon)):
        lines.append(f"\n{title}:")
        for t in tickets:
            local_due = t.due_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
            lines.append(
                f"  {t.number}  due {local_due}  {t.state:<10} {t.type or '-':<12} "
                f"{t.assigned_district or t.district or '-'}"
            )
        if not tickets:
            lines.append("  (none)")
    text = "\n".join(lines) + "\n"
    folder = settings.storage_root / "digests"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"overdue-{day}.txt"
    path.write_text(text, encoding="utf-8")
    log.warning("overdue digest: %d overdue, %d due soon (%s)", len(overdue), len(soon), path)
    return path, text

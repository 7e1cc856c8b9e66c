"""`hotline operators|queues|callbacks ...`: operator-line accounts, live queues and their
metrics, and queued callbacks, from the command line."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import AppGroup


@click.group(cls=AppGroup)
def operators() -> None:
    """Operators on the operator line: PIN, queues, phone, language."""


@operators.command("set")
@click.argument("username")
@click.option("--pin", help="Operator-line PIN, 4 to 8 digits (stored hashed).")
@click.option("--queue", "queues", multiple=True, help="A queue they answer (repeatable).")
@click.option(
    "--phone", help="The caller ID they call the operator line from (E.164); empty removes it."
)
@click.option("--language", type=click.Choice(["zh-CN", "en-US"]), help="What they hear.")
def operators_set(
    username: str, pin: str | None, queues: tuple[str, ...], phone: str | None, language: str | None
) -> None:
    """Set an operator's PIN, queues, phone or language (create them with `hotline users`)."""
    from hotline.core.service import click_errors
    from ivr.operator_service import OperatorChange, queues_of, update_operator

    given = {"pin": pin, "queues": list(queues) or None, "language": language}
    values = {k: v for k, v in given.items() if v is not None}
    if phone is not None:
        values["phone"] = phone or None  # as `hotline users set`: an empty value removes it
    with click_errors():
        change = OperatorChange.model_validate(values)
        user = update_operator(None, username, change)
    names = ", ".join(queues_of(user.id)) or "-"
    click.echo(
        f"{user.username}: phone {user.phone or '-'}, queues {names}, "
        f"PIN {'set' if user.pin_hash else 'not set'}, language {user.language}"
    )


@operators.command("list")
def operators_list() -> None:
    """Operators, their queues, and whether they are logged in on the operator line now."""
    from sqlalchemy import select

    from hotline.core import clock
    from hotline.core.db import db
    from hotline.core.models import User
    from ivr import queueing
    from ivr.models import OperatorSession
    from ivr.operator_service import queues_of

    now = clock.now()
    for user in db.session.scalars(
        select(User).where(User.phone.is_not(None)).order_by(User.username)
    ):
        session = db.session.scalar(
            select(OperatorSession).where(
                OperatorSession.user_id == user.id,
                OperatorSession.ended_at.is_(None),
                OperatorSession.last_seen_at >= now - queueing.SESSION_STALE,
            )
        )
        state = (
            "logged out"
            if session is None
            else ("available" if session.available else "unavailable")
        )
        names = ",".join(queues_of(user.id)) or "-"
        click.echo(f"{user.username:<16} {user.phone:<16} {names:<20} {state}")


DAY = click.DateTime(["%Y-%m-%d"])


@click.group(cls=AppGroup)
def queues() -> None:
    """Live queues and their metrics."""


def _configured_queues() -> list[str]:
    from ivr.versions import published_document

    found = published_document()
    return sorted(found[1].queues) if found else []


@queues.command("status")
def queues_status() -> None:
    """Callers waiting, callbacks holding a place and operators available, per queue."""
    from hotline.core import clock
    from ivr import queueing

    for row in queueing.live_status(_configured_queues(), clock.now()):
        click.echo(
            f"{row['queue']}: {row['waiting']} waiting (longest {row['longest_wait_seconds']} s), "
            f"{row['called_back_waiting']} called back waiting, "
            f"{row['callbacks_holding_place']} callbacks holding a place, "
            f"{row['operators_available']} operators available"
        )


@queues.command("metrics")
@click.option(
    "--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First day (default today)."
)
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default --from).")
@click.option("--queue", help="One queue (default all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def queues_metrics(
    first: datetime | None, last: datetime | None, queue: str | None, as_json: bool
) -> None:
    """Answer rate, abandonment, average and p90 wait, service level, callbacks, satisfaction."""
    from flask import current_app

    from hotline.core import clock
    from ivr import metrics
    from ivr.versions import published_document

    settings = current_app.config["HOTLINE_SETTINGS"]
    first_day = first.date() if first else clock.now().astimezone(settings.zone).date()
    last_day = last.date() if last else first_day
    start, end = clock.local_days(first_day, last_day, settings.zone)
    found = published_document()
    level = found[1].queue(queue).service_level_seconds if found and queue else 20
    result = metrics.queue_metrics(start, end, queue, service_level_seconds=level)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    for key, value in result.as_dict().items():
        click.echo(f"{key:<22} {_fmt(value)}")


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@click.group(cls=AppGroup)
def callbacks() -> None:
    """Queued callbacks: list them, place the ones whose turn has come."""


@callbacks.command("list")
@click.option("--state", type=click.Choice(["pending", "dialing", "retry", "reached", "unreached"]))
def callbacks_list(state: str | None) -> None:
    """Callbacks in the order the callers joined (times in the hotline's time zone)."""
    from sqlalchemy import select

    from hotline.core import clock
    from hotline.core.db import db
    from ivr.models import Callback

    query = select(Callback).order_by(Callback.joined_at, Callback.id)
    if state:
        query = query.where(Callback.state == state)
    for cb in db.session.scalars(query):
        click.echo(
            f"{cb.id:>6} {cb.queue_name:<12} {cb.number:<16} {cb.state:<10} tries {cb.attempts} "
            f"joined {clock.local(cb.joined_at).isoformat(timespec='seconds')}"
            + (f" ticket {cb.ticket_id}" if cb.ticket_id else "")
        )


@callbacks.command("dispatch")
def callbacks_dispatch() -> None:
    """Place every callback that is due now (the scheduler does this every 30 s)."""
    from ivr import callbacks as callback_service

    placed = callback_service.dispatch()
    for item in placed:
        if item.error:
            click.echo(f"callback {item.callback_id} to {item.number} failed: {item.error}")
        else:
            click.echo(f"placed callback {item.callback_id} to {item.number} ({item.call_sid})")
    if not placed:
        click.echo("no callback is due")

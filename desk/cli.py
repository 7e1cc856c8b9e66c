"""`hotline desk status|register`: operators' states as the desk and the wall board see them,
and a ticket registered from a letter, visit, website, e-mail or partner (the desk's form)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tickets.models import INTAKE_CHANNELS, TicketType


@click.group(cls=AppGroup)
def desk() -> None:
    """The operators' desk: states, tickets from letters and visits."""


@desk.command("status")
def desk_status() -> None:
    """Each operator's state now (offline, available, on a call, after-call work, break) and
    the visit they are on."""
    from sqlalchemy import select

    from hotline.core import clock
    from hotline.core.db import db
    from hotline.core.models import User
    from ivr.operators import ANSWERING_ROLES
    from ivr.presence import presence

    now = clock.now()
    users = db.session.scalars(
        select(User)
        .where(User.role.in_(ANSWERING_ROLES), User.active.is_(True))
        .order_by(User.username)
    )
    for user in users:
        found = presence(user.id, now)
        visit = f"visit {found.visit.id}" if found.visit is not None else ""
        click.echo(f"{user.username:<20} {found.state.value:<10} {visit}")


@desk.command("register")
@click.option("--as", "username", required=True, help="The operator who registers it.")
@click.option("--channel", required=True, type=click.Choice([c.value for c in INTAKE_CHANNELS]))
@click.option("--type", "type_", required=True, type=click.Choice([t.value for t in TicketType]))
@click.option("--caller", "caller_number", required=True, help="The contact's phone number.")
@click.option("--text", "description", required=True, help="What the letter or visitor says.")
@click.option("--category")
@click.option("--district")
@click.option("--merchant")
@click.option("--amount", help="Yuan.")
@click.option("--language", type=click.Choice(["zh-CN", "en-US"]), default="zh-CN")
def desk_register(username: str, type_: str, **given: str | None) -> None:
    """Register a ticket from another channel: numbered, due, with a PIN, as the desk does."""
    from desk.service import Registration, register
    from hotline.accounts.service import find_user
    from hotline.core.service import click_errors

    with click_errors():
        actor = find_user(username)
        form = Registration.model_validate(
            {"type": type_, **{k: v for k, v in given.items() if v not in (None, "")}}
        )
        done = register(actor, form)
    click.echo(f"{done.ticket.number} (id {done.ticket.id}), status PIN {done.pin}")

"""`hotline tickets suggest|list|overdue`: suggestions for any text, tickets, the overdue digest."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from hotline.core.db import db
from tickets import lifecycle
from tickets.digest import overdue_digest
from tickets.models import Ticket, TicketState
from tickets.privacy import mask_number
from tickets.suggest import current_suggester


@click.group(cls=AppGroup)
def tickets() -> None:
    """Tickets: suggestions, listing, the overdue digest."""


@tickets.command("suggest")
@click.argument("text")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def tickets_suggest(text: str, lang: str) -> None:
    """Print the suggested fields for TEXT as JSON, each with the words that led to it."""
    click.echo(json.dumps(current_suggester().suggest(text, lang), ensure_ascii=False, indent=2))


@tickets.command("list")
@click.option("--state", type=click.Choice([s.value for s in TicketState]))
@click.option("--limit", default=50, show_default=True)
def tickets_list(state: str | None, limit: int) -> None:
    """Tickets, newest first (caller numbers masked)."""
    query = select(Ticket).order_by(Ticket.created_at.desc()).limit(limit)
    if state:
        query = query.where(Ticket.state == state)
    for t in db.session.scalars(query):
        flags = lifecycle.flags(t)
        marks = "".join(
            mark
            for mark, on in (
                ("!", flags["overdue"]),
                ("~", flags["due_soon"]),
                ("R", t.repeat_caller),
            )
            if on
        )
        click.echo(
            f"{t.id:>6} {t.number or '(draft)':<20} {t.state:<10} {t.type or '-':<12} "
            f"{t.category or '-':<18} {t.district or '-':<8} {mask_number(t.caller_number)} {marks}"
        )


@tickets.command("overdue")
def tickets_overdue() -> None:
    """Write today's overdue digest (as the scheduler does daily) and print it."""
    path, text = overdue_digest()
    click.echo(text)
    click.echo(f"(written to {path})")


@tickets.command("rules")
@click.argument("name", type=click.Choice(["categories.yaml", "districts.yaml", "rules.yaml"]))
@click.option(
    "--set", "source", type=click.Path(exists=True, dir_okay=False), help="Save this file."
)
def tickets_rules(name: str, source: str | None) -> None:
    """Print a rule file (the admin's copy or the shipped one), or save a new one with --set."""
    from pathlib import Path

    from tickets.suggest import RulesError, read_rule_file, write_rule_file

    if source is None:
        click.echo(read_rule_file(name), nl=False)
        return
    try:
        write_rule_file(name, Path(source).read_text(encoding="utf-8"))
    except RulesError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"saved {name}")

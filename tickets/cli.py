"""`hotline tickets suggest|list|overdue|rules`: suggestions for any text, the ticket list (the
page's and the API's filters), the overdue digest, the suggester's rule files (`hotline tickets
move` is voicemail's: confirming a draft corrects its transcript)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from tickets.models import COUNTED, TicketState


@click.group(cls=AppGroup)
def tickets() -> None:
    """Tickets: suggestions, listing, moves, the overdue digest."""


@tickets.command("suggest")
@click.argument("text")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def tickets_suggest(text: str, lang: str) -> None:
    """Print the suggested fields for TEXT as JSON, each with the words that led to it."""
    from tickets.suggest import current_suggester

    click.echo(json.dumps(current_suggester().suggest(text, lang), ensure_ascii=False, indent=2))


@tickets.command("list")
@click.option("--state", type=click.Choice([*(s.value for s in TicketState), COUNTED]))
@click.option("--category", help="A category key, e.g. food.")
@click.option("--district")
@click.option("--merchant", help="The merchant, exact.")
@click.option("--caller", help="The caller number, exact.")
@click.option("-q", "--search", "q", help="Words in the number, description or merchant.")
@click.option("--overdue", is_flag=True, help="Open or dispatched, past due.")
@click.option("--from", "first", help="Created on this local day (YYYY-MM-DD) or later.")
@click.option("--to", "last", help="Created on this local day or earlier.")
@click.option("--limit", default=50, show_default=True)
def tickets_list(limit: int, first: str | None, last: str | None, **given: object) -> None:
    """Tickets, newest first (caller numbers masked), filtered as the ticket list page and the
    API filter them."""
    from hotline.core.db import db
    from hotline.core.service import click_errors
    from tickets import lifecycle
    from tickets.privacy import mask_number
    from tickets.service import TicketFilters, ticket_query

    values = {**given, "from": first, "to": last}
    with click_errors():
        filters = TicketFilters.model_validate({k: v for k, v in values.items() if v})
    for t in db.session.scalars(ticket_query(filters).limit(limit)):
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
    from tickets.digest import overdue_digest

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

    from tickets.rules import RulesError, read_rule_file
    from tickets.service import save_rule_file

    if source is None:
        click.echo(read_rule_file(name), nl=False)
        return
    try:
        save_rule_file(None, name, Path(source).read_text(encoding="utf-8"))
    except RulesError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"saved {name}")

"""`hotline reconcile`, `hotline retention run`, `hotline voicemail list|retry|reprocess`, and
`hotline tickets move` (here because confirming a voicemail's draft corrects its transcript)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup, with_appcontext


@click.command("reconcile")
@click.option(
    "--older-than",
    type=float,
    default=None,
    help="Seconds a voicemail must be unfinished (default RECONCILE_AFTER_SECONDS).",
)
@with_appcontext
def reconcile_command(older_than: float | None) -> None:
    """Re-enqueue unfinished voicemails whose job is gone; replay callbacks stashed in an outage."""
    from voicemail.reconcile import reconcile

    report = reconcile(timedelta(seconds=older_than) if older_than is not None else None)
    click.echo(
        f"replayed {report.callbacks_replayed} stashed callbacks; re-enqueued "
        f"{len(report.enqueued)} voicemails {report.enqueued}; left {len(report.left_alone)} "
        "with a live job"
    )


@click.group(cls=AppGroup)
def retention() -> None:
    """Delete old local audio."""


@retention.command("run")
@click.option("--days", type=int, default=None, help="Default: AUDIO_RETENTION_DAYS.")
def retention_run(days: int | None) -> None:
    """Delete the audio of finished voicemails older than the retention period."""
    from voicemail.retention import run_retention

    done = run_retention(days)
    click.echo(f"deleted the audio of {len(done)} voicemails")


@click.group(cls=AppGroup)
def voicemail() -> None:
    """Inspect and retry voicemails."""


@voicemail.command("list")
@click.option("--state", default=None)
@click.option("--limit", default=20, show_default=True)
def voicemail_list(state: str | None, limit: int) -> None:
    """The newest voicemails with their state."""
    from sqlalchemy import select

    from hotline.core.db import db
    from voicemail.models import Voicemail

    query = select(Voicemail).order_by(Voicemail.id.desc()).limit(limit)
    if state:
        query = query.where(Voicemail.state == state)
    for vm in db.session.scalars(query):
        click.echo(
            f"{vm.id}\t{vm.state}\t{vm.recording_sid}\t{vm.from_number}\tattempts={vm.attempts}"
            f"\t{vm.failure_reason or ''}"
        )


@voicemail.command("retry")
@click.argument("voicemail_id", type=int)
def voicemail_retry(voicemail_id: int) -> None:
    """Retry a failed voicemail from the last step that completed."""
    from hotline.core.service import click_errors
    from voicemail.retry_service import retry_failed

    with click_errors():
        state = retry_failed(None, voicemail_id)
    click.echo(f"voicemail {voicemail_id} back to {state} and enqueued")


@voicemail.command("reprocess")
@click.argument("voicemail_id", type=int)
def voicemail_reprocess(voicemail_id: int) -> None:
    """Transcribe a stored recording anew and refresh its draft, as the review page's
    "Process again" does."""
    from hotline.core.service import click_errors
    from voicemail.retry_service import reprocess

    with click_errors():
        state = reprocess(None, voicemail_id)
    click.echo(f"voicemail {voicemail_id} back to {state} and enqueued")


@click.command("move")
@click.argument("ticket_id", type=int)
@click.argument("action")
@click.option("--reason", help="discard: silent, spam, duplicate or out_of_scope")
@click.option("--district", help="dispatch: where to (default: the ticket's district)")
@click.option("--resolution", help="resolve: how it was resolved")
@click.option("--note", default="", help="discard, reopen: a note for the history")
@click.option("--transcript", help="confirm: the corrected transcript (also the description)")
@click.option(
    "--set",
    "fields",
    multiple=True,
    metavar="FIELD=VALUE",
    help="confirm: a reviewed field, e.g. --set type=complaint (repeatable)",
)
@with_appcontext
def ticket_move(ticket_id: int, action: str, fields: tuple[str, ...], **given: str | None) -> None:
    """Confirm, discard, dispatch, resolve, close or reopen ticket TICKET_ID (ACTION), as the
    review page and the API do (audit-logged as "cli")."""
    from hotline.core.service import click_errors
    from voicemail.review_service import DraftMove, move_draft

    reviewed = dict(field.partition("=")[::2] for field in fields)
    body = {key: value for key, value in given.items() if value}
    with click_errors():
        move = DraftMove.model_validate(
            {**body, "action": action, **({"fields": reviewed} if reviewed else {})}
        )
        moved = move_draft(None, ticket_id, move)
    ticket = moved.ticket
    click.echo(f"ticket {ticket.id}: {ticket.state} {ticket.number or ''}".rstrip())
    if moved.pin:
        click.echo(f"status PIN: {moved.pin}")

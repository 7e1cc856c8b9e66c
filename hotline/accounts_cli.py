"""`hotline users ...` and `hotline tokens ...`: accounts and API tokens from the command line."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from hotline.accounts import AccountError, create_user, issue_token
from hotline.models import Role


@click.group(cls=AppGroup)
def users() -> None:
    """Manage users (operators, admins, managers, partners)."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Password for the web UI; generated and printed when omitted.")
@click.option("--phone", help="Caller ID the user calls the operator line from.")
def users_create(username: str, role: str, password: str | None, phone: str | None) -> None:
    """Create a user with a role."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(username, role, password=password, phone=phone)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} {user.username} (id {user.id})")
    if generated:
        click.echo(f"password: {password}")


@click.group(cls=AppGroup)
def tokens() -> None:
    """Issue API bearer tokens."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="A label for the token.")
def tokens_create(username: str, name: str) -> None:
    """Issue a bearer token for USERNAME and print it (it is shown only this once)."""
    try:
        issued = issue_token(username, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(issued.token)

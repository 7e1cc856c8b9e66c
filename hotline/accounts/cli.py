"""`hotline users ...` and `hotline tokens ...`: accounts and API tokens from the command line."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from hotline.accounts.service import AccountError, create_user, issue_token
from hotline.core.models import Role


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


@users.command("set")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--disable", is_flag=True, help="Refuse their logins and tokens.")
@click.option("--enable", is_flag=True)
@click.option("--reset-password", is_flag=True, help="Generate a new password and print it.")
def users_set(
    username: str, role: str | None, disable: bool, enable: bool, reset_password: bool
) -> None:
    """Change a user's role, disable or enable them, or reset their password."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from hotline.core.db import db
    from hotline.core.models import AuditLog, User

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    if role:
        user.role = role
    if disable or enable:
        user.active = enable
    if reset_password:
        password = secrets.token_urlsafe(12)
        user.password_hash = generate_password_hash(password)
        click.echo(f"password: {password}")
    db.session.add(
        AuditLog(
            actor="cli",
            action="user.changed",
            target=f"user:{username}",
            data={"role": role, "active": user.active, "password": reset_password},
        )
    )
    db.session.commit()
    click.echo(f"{user.username}: {user.role}, {'active' if user.active else 'disabled'}")


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

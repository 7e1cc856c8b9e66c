"""`hotline users ...` and `hotline tokens ...`: accounts and API tokens from the command line,
through `hotline.accounts.service` (as the "cli" actor, audit-logged like the pages' changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from flask.cli import AppGroup

from hotline.core.models import Role

if TYPE_CHECKING:
    from pydantic import BaseModel


def _model(model: type[BaseModel], values: dict[str, Any], keep: tuple[str, ...] = ()) -> Any:
    """The service's input model from the options given (None: not given, unless in `keep`)."""
    from hotline.core.service import click_errors

    with click_errors():
        return model.model_validate({k: v for k, v in values.items() if v is not None or k in keep})


@click.group(cls=AppGroup)
def users() -> None:
    """Manage users (operators, admins, managers, partners)."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Password for the web UI; generated and printed when omitted.")
@click.option("--phone", help="Caller ID the user calls the operator line from (E.164).")
@click.option("--language", type=click.Choice(["zh-CN", "en-US"]), help="Default zh-CN.")
def users_create(
    username: str, role: str, password: str | None, phone: str | None, language: str | None
) -> None:
    """Create a user with a role."""
    from hotline.accounts.service import NewUser, create_user
    from hotline.core.service import click_errors

    values = {"username": username, "role": role, "password": password, "phone": phone}
    new = _model(NewUser, {**values, "language": language})
    with click_errors():
        account = create_user(None, new)
    click.echo(f"created {account.user.role} {account.user.username} (id {account.user.id})")
    if account.password:
        click.echo(f"password: {account.password}")


@users.command("set")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--disable", is_flag=True, help="Refuse their logins and tokens.")
@click.option("--enable", is_flag=True)
@click.option("--reset-password", is_flag=True, help="Generate a new password and print it.")
@click.option("--phone", help="Their caller ID (E.164); an empty value removes it.")
@click.option("--language", type=click.Choice(["zh-CN", "en-US"]))
@click.option("--display-name")
def users_set(
    username: str,
    role: str | None,
    disable: bool,
    enable: bool,
    reset_password: bool,
    phone: str | None,
    language: str | None,
    display_name: str | None,
) -> None:
    """Change a user's role, phone, language or name, disable or enable them, or reset their
    password (the last active admin stays an active admin)."""
    from hotline.accounts.service import UserChange, change_user
    from hotline.core.service import click_errors

    if disable and enable:
        raise click.UsageError("--disable or --enable, not both")
    values: dict[str, Any] = {
        "role": role,
        "active": False if disable else (True if enable else None),
        "reset_password": reset_password,
        "language": language,
        "display_name": display_name,
        "phone": phone or None,
    }
    change = _model(UserChange, values, keep=("phone",) if phone is not None else ())
    with click_errors():
        account = change_user(None, username, change)
    if account.password:
        click.echo(f"password: {account.password}")
    user = account.user
    click.echo(f"{user.username}: {user.role}, {'active' if user.active else 'disabled'}")


@click.group(cls=AppGroup)
def tokens() -> None:
    """Issue API bearer tokens."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="A label for the token.")
def tokens_create(username: str, name: str) -> None:
    """Issue a bearer token for USERNAME and print it (it is shown only this once)."""
    from hotline.accounts.service import NewToken, issue_token
    from hotline.core.service import click_errors

    with click_errors():
        issued = issue_token(None, username, _model(NewToken, {"name": name}))
    click.echo(issued.token)

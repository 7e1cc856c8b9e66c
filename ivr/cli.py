"""`hotline menu validate|import|export|publish|list|diff|preview|walk|prompt`: menu documents
from the command line; the changes are `ivr.menu_service`'s, audit-logged as the "cli" actor."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup


def _print_problems(problems: list) -> None:
    for problem in problems:
        click.secho(f"  {problem}", fg="red", err=True)


@click.group(cls=AppGroup)
def menu() -> None:
    """Validate, import, export and publish menu documents."""


@menu.command("validate", context_settings={"ignore_unknown_options": False})
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def menu_validate(file: Path) -> None:
    """Check a YAML/JSON menu document; exit 1 listing every problem with its path."""
    from ivr.menu import InvalidMenu, load_document_text
    from ivr.menu_checks import validate_document

    try:
        problems = validate_document(load_document_text(file.read_text(encoding="utf-8")))
    except InvalidMenu as exc:
        problems = exc.problems
    if problems:
        click.secho(f"{file}: {len(problems)} problem(s)", fg="red", err=True)
        _print_problems(problems)
        raise SystemExit(1)
    click.echo(f"{file}: valid")


@menu.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", "publish_now", is_flag=True, help="Publish it at once.")
@click.option("--comment", default="", help="A note kept with the version.")
@click.option("--author", default="cli")
def menu_import(file: Path, publish_now: bool, comment: str, author: str) -> None:
    """Store FILE as a new menu version (refused when invalid)."""
    from ivr import menu_service
    from ivr.menu import InvalidMenu

    try:
        version = menu_service.import_menu(
            None, file.read_text(encoding="utf-8"), comment, publish_now, author=author
        )
    except InvalidMenu as exc:
        click.secho(f"{file}: not imported, {len(exc.problems)} problem(s)", fg="red", err=True)
        _print_problems(exc.problems)
        raise SystemExit(1) from None
    click.echo(f"imported as version {version.number} ({version.status})")


@menu.command("export")
@click.option("--version", "number", type=int, help="Version number (default: the published one).")
@click.option("--json", "as_json", is_flag=True)
def menu_export(number: int | None, as_json: bool) -> None:
    """Print a menu version as YAML (or JSON)."""
    from ivr.menu import dump_yaml
    from ivr.versions import VersionError, get_version, published_version

    try:
        version = get_version(number) if number else published_version()
    except VersionError as exc:
        raise click.ClickException(str(exc)) from None
    if version is None:
        raise click.ClickException("no published menu; run `hotline seed` or `hotline menu import`")
    if as_json:
        click.echo(json.dumps(version.document, ensure_ascii=False, indent=2))
    else:
        click.echo(dump_yaml(version.document), nl=False)


@menu.command("publish")
@click.argument("number", type=int)
def menu_publish(number: int) -> None:
    """Publish version NUMBER (also how to roll back to an older one)."""
    from hotline.core.service import click_errors
    from ivr import menu_service
    from ivr.menu import InvalidMenu

    try:
        with click_errors():
            version = menu_service.publish_menu(None, number)
    except InvalidMenu as exc:
        click.secho(f"version {number} is invalid and was not published:", fg="red", err=True)
        _print_problems(exc.problems)
        raise SystemExit(1) from None
    click.echo(f"published version {version.number}")


@menu.command("list")
def menu_list() -> None:
    """Every version with its status, author and time (in the hotline's time zone)."""
    from sqlalchemy import select

    from hotline.core import clock
    from hotline.core.db import db
    from ivr.models import MenuVersion

    for version in db.session.scalars(select(MenuVersion).order_by(MenuVersion.number)):
        click.echo(
            f"{version.number}\t{version.status}\t{version.created_by}\t"
            f"{clock.local(version.created_at):%Y-%m-%d %H:%M}\t{version.comment}"
        )


@menu.command("diff")
@click.argument("old", type=int)
@click.argument("new", type=int)
def menu_diff(old: int, new: int) -> None:
    """The differences between two versions, as a unified diff of their YAML."""
    from ivr.editing import diff
    from ivr.versions import VersionError, get_version

    try:
        a, b = get_version(old), get_version(new)
    except VersionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(diff(a.document, b.document, f"v{old}", f"v{new}") or "no differences", nl=False)


def _valid_document(number: int):
    """Version NUMBER's document for a preview or a walk; every problem listed when it has any."""
    from hotline.core.service import click_errors
    from ivr import menu_service
    from ivr.versions import get_version

    with click_errors():
        version = get_version(number)
    try:
        return menu_service.valid_document(version)
    except menu_service.InvalidVersion as exc:
        _print_problems(exc.problems)
        raise click.ClickException(f"version {number} has problems; fix them first") from None


@menu.command("preview")
@click.argument("number", type=int)
@click.argument("node")
@click.option("--lang", default="zh-CN", show_default=True)
def menu_preview(number: int, node: str, lang: str) -> None:
    """The TwiML a caller gets on entering NODE of version NUMBER."""
    from ivr import preview

    doc = _valid_document(number)
    if doc.node(node) is None:
        raise click.ClickException(f"no node {node!r} in version {number}")
    click.echo(preview.preview(doc, number, node, lang))


@menu.command("walk")
@click.argument("number", type=int)
@click.argument("keys", nargs=-1)
@click.option("--lang", default="zh-CN", show_default=True)
def menu_walk(number: int, keys: tuple[str, ...], lang: str) -> None:
    """Follow KEYS through version NUMBER from its start, without a phone."""
    from ivr import preview

    result = preview.walk(_valid_document(number), number, list(keys), lang)
    for stop in result.stops:
        click.echo(f"{stop.keys or '(start)'} → {' → '.join(stop.nodes)}")
        for said in stop.says:
            click.echo(f"    {said}")
    if result.ended:
        click.echo(result.ended)


@menu.command("prompt")
@click.argument("number", type=int)
@click.argument("node")
@click.argument("lang")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def menu_prompt(number: int, node: str, lang: str, file: Path) -> None:
    """Record FILE (WAV/MP3/M4A) as NODE's prompt in LANG, in draft NUMBER."""
    from hotline.core.service import click_errors
    from ivr import menu_service
    from ivr.versions import get_version

    with click_errors():
        lock = get_version(number).lock_version
        done = menu_service.set_prompt(None, number, node, lang, file.read_bytes(), file.name, lock)
    click.echo(f"{node} ({lang}) now plays {done.play}")

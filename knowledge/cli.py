"""`hotline knowledge list|search|sync|import`: the articles, a search as the desk runs it, the
menu's answers brought up to the published menu, and a YAML/JSON file of articles imported
(validated as a whole: one bad entry imports nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup


@click.group(cls=AppGroup)
def knowledge() -> None:
    """The knowledge base: list, search, sync the menu's answers, import articles."""


@knowledge.command("list")
@click.option("--all", "everything", is_flag=True, help="Deactivated articles too.")
@click.option("--category", help="A category key, e.g. prepaid.")
def knowledge_list(everything: bool, category: str | None) -> None:
    """Articles, last saved first: id, slug, origin, revision, uses, Chinese title."""
    from sqlalchemy import select

    from hotline.core.db import db
    from knowledge.models import KnowledgeArticle

    query = select(KnowledgeArticle).order_by(KnowledgeArticle.updated_at.desc())
    if not everything:
        query = query.where(KnowledgeArticle.active.is_(True))
    if category:
        query = query.where(KnowledgeArticle.category == category)
    for a in db.session.scalars(query):
        mark = "" if a.active else " (deactivated)"
        title = a.title_zh or a.title_en
        click.echo(f"{a.id}\t{a.slug}\t{a.origin}\tr{a.revision}\t{a.uses}\t{title}{mark}")


@knowledge.command("search")
@click.argument("words")
@click.option("--lang", type=click.Choice(["zh-CN", "en-US"]), default="zh-CN", show_default=True)
@click.option("--limit", default=10, show_default=True)
def knowledge_search(words: str, lang: str, limit: int) -> None:
    """The articles matching WORDS, best first, with their score and snippet."""
    from knowledge.service import search

    for hit in search(words, lang, limit):
        click.echo(f"{hit.score:.3f}\t{hit.id}\t{hit.slug}\t{hit.title}\n\t{hit.snippet}")


@knowledge.command("sync")
@click.option("--force", is_flag=True, help="Even when the published version was synced.")
def knowledge_sync(force: bool) -> None:
    """Bring the menu's answers (its `knowledge` nodes) up to the published menu."""
    from knowledge.service import sync

    result = sync(force=force)
    if result is None or not result.anything:
        click.echo("the menu's answers are up to date")
        return
    for name in ("created", "changed", "deactivated"):
        for slug in getattr(result, name):
            click.echo(f"{name} {slug}")


@knowledge.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def knowledge_import(file: Path) -> None:
    """Import FILE, a YAML or JSON list of articles (slug, title_zh, body_zh, title_en,
    body_en, keywords, category): new slugs are created, known ones edited; one refused entry
    imports nothing."""
    import yaml

    from hotline.core.service import click_errors
    from knowledge.service import import_articles

    text = file.read_text(encoding="utf-8")
    try:
        entries = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{file.name} cannot be read: {exc}") from None
    with click_errors():
        done = import_articles(None, entries)
    click.echo(f"imported {len(done)} articles: {', '.join(a.slug for a in done)}")

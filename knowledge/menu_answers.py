"""The published menu's `knowledge` nodes as read-only articles (origin `menu`, slug
`menu-<node id>`): the node's label is the title and the answers its digits read are the body,
per language. Synced when the published version differs from the one the articles were taken
from (one cheap query before a search) and by `hotline knowledge sync`; a node the menu no
longer has deactivates its article."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hotline.core.audit import record
from hotline.core.clock import now
from hotline.core.db import db
from ivr.menu import KnowledgeNode, MenuDocument
from ivr.versions import published_document
from knowledge.models import KnowledgeArticle
from knowledge.revisions import MENU, saved

ACTOR = "menu"
LANGS = {"zh": "zh-CN", "en": "en-US"}


@dataclass
class Synced:
    version: int | None
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.created or self.changed or self.deactivated)


def _texts(node: KnowledgeNode) -> dict[str, str]:
    """The article's fields from the node: label as title, the digits' answers as body."""
    values: dict[str, str] = {}
    for short, lang in LANGS.items():
        answers = [o.prompt[lang].say for o in node.options if lang in o.prompt]
        body = "\n".join(text for text in answers if text)
        values[f"body_{short}"] = body
        values[f"title_{short}"] = (node.label.get(lang) or (node.id if body else ""))[:200]
    return values


def _nodes(document: MenuDocument) -> dict[str, KnowledgeNode]:
    return {n.id: n for n in document.nodes if isinstance(n, KnowledgeNode)}


def synced_version() -> int | None:
    """The menu version the menu answers were last taken from."""
    return db.session.scalar(
        select(func.max(KnowledgeArticle.menu_version)).where(KnowledgeArticle.origin == MENU)
    )


def needs_sync() -> bool:
    published = published_document()
    number = published[0] if published else None
    return number is not None and number != synced_version()


def _apply(number: int, document: MenuDocument) -> Synced:
    result = Synced(number)
    nodes = _nodes(document)
    existing = {
        a.menu_node_id: a
        for a in db.session.scalars(select(KnowledgeArticle).where(KnowledgeArticle.origin == MENU))
    }
    for node_id, node in nodes.items():
        texts = _texts(node)
        article = existing.get(node_id)
        if article is None:
            article = KnowledgeArticle(
                slug=f"menu-{node_id}"[:80], origin=MENU, menu_node_id=node_id, revision=1,
                created_at=now(), **texts,
            )  # fmt: skip
            db.session.add(article)
            result.created.append(article.slug)
        elif not article.active or any(getattr(article, k) != v for k, v in texts.items()):
            for name, value in texts.items():
                setattr(article, name, value)
            article.active = True
            article.revision += 1
            result.changed.append(article.slug)
        else:
            article.menu_version = number
            continue
        article.menu_version = number
        saved(article, ACTOR)
    for node_id, article in existing.items():
        article.menu_version = number
        if node_id not in nodes and article.active:
            article.active = False
            article.revision += 1
            saved(article, ACTOR)
            result.deactivated.append(article.slug)
    return result


def sync_menu_answers(force: bool = False) -> Synced | None:
    """Bring the menu answers up to the published version (None: nothing to do, or another
    process did it at the same moment)."""
    published = published_document()
    if published is None or (not force and published[0] == synced_version()):
        return None
    try:
        result = _apply(*published)
        if result.anything:
            record(
                ACTOR,
                "knowledge.synced",
                "knowledge",
                version=result.version,
                created=result.created,
                changed=result.changed,
                deactivated=result.deactivated,
            )
        db.session.commit()
    except IntegrityError:  # another process synced the same version first
        db.session.rollback()
        return None
    return result

"""An article's saves: the revision snapshot (who, when, every field) and the rebuilt search
terms, shared by the admins' edits and the menu answers' sync."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from hotline.core.clock import now
from hotline.core.db import db
from knowledge.models import KnowledgeArticle, KnowledgeRevision, KnowledgeTerm
from knowledge.terms import term_weights

#: The fields a revision keeps and the history compares.
FIELDS = ("slug", "title_zh", "body_zh", "title_en", "body_en", "keywords", "category", "active")
#: Where an article comes from: written by an admin, or a `knowledge` node of the menu.
ADMIN = "admin"
MENU = "menu"


def snapshot(article: KnowledgeArticle) -> dict[str, Any]:
    return {name: getattr(article, name) for name in FIELDS}


def index_article(article: KnowledgeArticle) -> None:
    """Replace the article's search terms with those of its current text."""
    db.session.execute(delete(KnowledgeTerm).where(KnowledgeTerm.article_id == article.id))
    weights = term_weights(
        {
            "title": f"{article.title_zh}\n{article.title_en}",
            "keywords": article.keywords.replace(",", " ").replace("，", " "),
            "body": f"{article.body_zh}\n{article.body_en}",
        }
    )
    db.session.add_all(
        KnowledgeTerm(article_id=article.id, term=term, weight=weight)
        for term, weight in weights.items()
    )


def saved(article: KnowledgeArticle, actor: str) -> None:
    """After a change: the revision's snapshot and the rebuilt terms."""
    article.updated_at = now()
    article.updated_by = actor
    db.session.flush()
    db.session.add(
        KnowledgeRevision(
            article_id=article.id,
            revision=article.revision,
            data=snapshot(article),
            at=article.updated_at,
            actor=actor,
        )
    )
    index_article(article)

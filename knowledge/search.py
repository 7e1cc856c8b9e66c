"""Searching the knowledge base: the query's terms looked up in the inverted index
(`knowledge_terms`) and scored in SQL, the same on SQLite and PostgreSQL: the sum over the
matching terms of the term's weight in the article times its rarity (BM25's idf), active
articles only; each hit with its title and a snippet in the asked language."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, select

from hotline.core.db import db
from knowledge.models import KnowledgeArticle, KnowledgeTerm
from knowledge.terms import query_terms

SNIPPET = 80
MAX_LIMIT = 50


@dataclass(frozen=True)
class Hit:
    id: int
    slug: str
    title: str
    snippet: str
    category: str | None
    origin: str
    score: float


def text_in(article: KnowledgeArticle, field: str, language: str) -> str:
    """The article's `title` or `body` in `language` (zh-CN, en-US), else in the other one."""
    zh, en = getattr(article, f"{field}_zh"), getattr(article, f"{field}_en")
    return (en or zh) if language.startswith("en") else (zh or en)


def snippet(body: str, terms: list[str], size: int = SNIPPET) -> str:
    """About `size` characters of `body` around the first term found in it."""
    flat = " ".join(body.split())
    lowered = flat.lower()
    places = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(places) - size // 4) if places else 0
    piece = flat[start : start + size]
    return ("…" if start else "") + piece + ("…" if start + size < len(flat) else "")


def _rarity(terms: list[str]) -> dict[str, float]:
    """term → BM25's idf among the active articles (a term most articles have counts little)."""
    active = KnowledgeArticle.active.is_(True)
    total = db.session.scalar(select(func.count()).select_from(KnowledgeArticle).where(active))
    rows = db.session.execute(
        select(KnowledgeTerm.term, func.count())
        .join(KnowledgeArticle, KnowledgeArticle.id == KnowledgeTerm.article_id)
        .where(KnowledgeTerm.term.in_(terms), active)
        .group_by(KnowledgeTerm.term)
    ).all()
    return {
        term: round(math.log(1 + (total - found + 0.5) / (found + 0.5)), 6) for term, found in rows
    }


def find(query: str, language: str = "zh-CN", limit: int = 10) -> list[Hit]:
    """The active articles that best match `query`, best first (ties: the older first)."""
    terms = query_terms(query or "")
    rarity = _rarity(terms) if terms else {}
    if not rarity:
        return []
    weight = KnowledgeTerm.weight * case(rarity, value=KnowledgeTerm.term, else_=0.0)
    scored = (
        select(KnowledgeTerm.article_id, func.sum(weight).label("score"))
        .where(KnowledgeTerm.term.in_(list(rarity)))
        .group_by(KnowledgeTerm.article_id)
        .subquery()
    )
    rows = db.session.execute(
        select(KnowledgeArticle, scored.c.score)
        .join(scored, scored.c.article_id == KnowledgeArticle.id)
        .where(KnowledgeArticle.active.is_(True))
        .order_by(scored.c.score.desc(), KnowledgeArticle.id)
        .limit(max(1, min(limit, MAX_LIMIT)))
    ).all()
    return [
        Hit(
            id=article.id,
            slug=article.slug,
            title=text_in(article, "title", language),
            snippet=snippet(text_in(article, "body", language), terms),
            category=article.category,
            origin=article.origin,
            score=round(float(score), 4),
        )
        for article, score in rows
    ]

"""Knowledge-base tables: the article (both languages), each saved revision, and the search
terms of the inverted index (jieba tokens with a weight)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.db import db, utcnow


class KnowledgeArticle(db.Model):
    """One answer to a common question, in Chinese and English."""

    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A stable key: an admin's own, or `menu-<node id>` for an answer taken from the menu.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    #: Words a caller uses for it, besides the title and body (space or comma separated).
    keywords: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    #: `admin` (written in the admin workspace) or `menu` (a `knowledge` node of the menu).
    origin: Mapped[str] = mapped_column(String(16), default="admin")
    menu_version: Mapped[int | None]
    menu_node_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    revision: Mapped[int] = mapped_column(default=1)
    #: Consultations answered with it (the desk's "answered" button).
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="system")

    revisions: Mapped[list[KnowledgeRevision]] = relationship(
        back_populates="article", order_by="KnowledgeRevision.revision"
    )


class KnowledgeRevision(db.Model):
    """The article as one save left it: who, when, and every field."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))

    article: Mapped[KnowledgeArticle] = relationship(back_populates="revisions")


class KnowledgeTerm(db.Model):
    """One search term of an article (a jieba token or an English word) and its weight."""

    __tablename__ = "knowledge_terms"
    __table_args__ = (
        UniqueConstraint("article_id", "term"),
        Index("ix_knowledge_terms_term", "term", "article_id", "weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Float, default=1.0)

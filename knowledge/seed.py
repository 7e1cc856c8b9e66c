"""First-run articles of the knowledge base (`hotline seed`): common consultations in both
languages, taken from the consumer laws they cite. Only slugs not yet there are added, so a
second run adds nothing and an admin's edits stay."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from hotline.core.db import db
from knowledge.menu_answers import sync_menu_answers
from knowledge.models import KnowledgeArticle
from knowledge.service import ArticleIn, new_article

SEED_FILE = "seed_articles.yaml"


def seed_entries() -> list[dict[str, Any]]:
    """The seed file's articles (a folded Chinese line loses the space YAML puts between)."""
    text = resources.files("knowledge").joinpath(SEED_FILE).read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    for entry in entries:
        entry["body_zh"] = "".join(entry.get("body_zh", "").split())
    return entries


def seed_articles() -> list[str]:
    """The seed articles not yet there (no actor, so no audit entry), then the menu's answers."""
    have = set(db.session.scalars(select(KnowledgeArticle.slug)))
    added = [
        new_article("system", ArticleIn.model_validate(entry)).slug
        for entry in seed_entries()
        if entry["slug"] not in have
    ]
    db.session.commit()
    synced = sync_menu_answers()
    messages = [f"added {len(added)} knowledge articles: {', '.join(added)}"] if added else []
    if synced and synced.created:
        messages.append(f"added the menu's answers: {', '.join(synced.created)}")
    return messages

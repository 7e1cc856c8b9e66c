"""`hotline knowledge ...` and `hotline seed`: list, search, sync, an import that is all or
nothing, and a seed that adds its articles once."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from hotline.core.db import db
from knowledge.models import KnowledgeArticle

ENTRY = {
    "slug": "hotel-deposit",
    "title_zh": "酒店押金",
    "body_zh": "退房时酒店应当退还押金。",
    "category": "travel",
}


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(KnowledgeArticle))


def test_seed_adds_the_articles_once(app, runner) -> None:
    first = runner.invoke(["seed"])
    assert first.exit_code == 0, first.output
    assert "added 8 knowledge articles" in first.output
    assert "menu-knowledge" in first.output
    seeded = count(app)
    assert seeded == 9
    second = runner.invoke(["seed"])
    assert "knowledge" not in second.output
    assert count(app) == seeded


def test_import_is_all_or_nothing_then_list_and_search(app, runner, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([ENTRY, {**ENTRY, "slug": "x2", "body_zh": ""}]), encoding="utf-8")
    refused = runner.invoke(["knowledge", "import", str(bad)])
    assert refused.exit_code == 1
    assert "article 2: body_zh" in refused.output
    assert count(app) == 0
    good = tmp_path / "good.yaml"
    good.write_text("- " + json.dumps(ENTRY, ensure_ascii=False), encoding="utf-8")
    done = runner.invoke(["knowledge", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "imported 1 articles: hotel-deposit" in done.output
    listed = runner.invoke(["knowledge", "list"]).output
    assert "hotel-deposit\tadmin\tr1" in listed
    found = runner.invoke(["knowledge", "search", "酒店不退押金"]).output
    assert found.splitlines()[0].split("\t")[2] == "hotel-deposit"


def test_sync_says_what_it_did(app, runner) -> None:
    first = runner.invoke(["knowledge", "sync"])
    assert "created menu-knowledge" in first.output
    assert "up to date" in runner.invoke(["knowledge", "sync"]).output

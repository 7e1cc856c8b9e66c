"""Knowledge-base search benchmark: 2,000 articles (the seed articles' sentences mixed with the
suggester's category words, in Chinese and English) indexed as the app indexes them, in a
database migrated with the app's own migrations; then 200 searches as the desk sends them
(`knowledge.service.search`, the menu check included), timed one by one → p50/p99.

Reference, in the same run and the same session: a plain lookup of one article by its primary
key (`SELECT ... FROM knowledge_articles WHERE id = ?`), 200 times. The ratio says how many such
lookups one search costs.

    .venv/bin/python bench/knowledge.py                                   # SQLite file
    .venv/bin/python bench/knowledge.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.app import create_app  # noqa: E402
from hotline.core.db import db  # noqa: E402
from hotline.core.settings import load_settings  # noqa: E402


def fill(count: int, rng: random.Random) -> list[int]:
    """`count` articles from the seed sentences and category words; their ids."""
    from knowledge.models import KnowledgeArticle
    from knowledge.revisions import saved
    from knowledge.seed import seed_entries
    from tickets.rules import current_rules

    seeds = seed_entries()
    zh_sentences = [s for e in seeds for s in e["body_zh"].split("。") if s]
    en_sentences = [s for e in seeds for s in e["body_en"].split(". ") if s]
    categories = current_rules().categories
    for number in range(count):
        category = rng.choice(categories)
        words = rng.sample(category.words, min(3, len(category.words)))
        article = KnowledgeArticle(
            slug=f"bench-{number}",
            title_zh=f"{category.zh}{''.join(words[:2])}问题{number}",
            body_zh="。".join(rng.sample(zh_sentences, 3)) + "。" + "、".join(words),
            title_en=f"{category.en} question {number}",
            body_en=". ".join(rng.sample(en_sentences, 3)) + ".",
            keywords=" ".join(words),
            category=category.key,
        )
        db.session.add(article)
        saved(article, "bench")
        if number % 200 == 199:
            db.session.commit()
    db.session.commit()
    return list(db.session.scalars(select(KnowledgeArticle.id)))


def queries(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """What operators type: a category word or two, a seed title's words, English words."""
    from knowledge.seed import seed_entries
    from tickets.rules import current_rules

    words = [w for c in current_rules().categories for w in c.words]
    titles = [e["title_zh"] for e in seed_entries()]
    english = ["prepaid card refund", "online return", "lost parcel", "fake goods", "food"]
    found = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.5:
            found.append((" ".join(rng.sample(words, 2)), "zh-CN"))
        elif kind < 0.8:
            found.append((rng.choice(titles) + "怎么办", "zh-CN"))
        else:
            found.append((rng.choice(english), "en-US"))
    return found


def timed(calls: list[Callable[[], object]]) -> list[float]:
    times = []
    for call in calls:
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-knowledge-"))
    url = args.database_url or f"sqlite:///{workdir / 'knowledge.db'}"
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema for the run
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    settings = load_settings(
        database_url=url,
        storage_root=workdir / "storage",
        redis_url="redis://127.0.0.1:1/0",
        hotline_env="testing",
        secret_key="bench",
        twilio_auth_token="bench",
    )
    app = create_app(settings=settings, test_config={"HOTLINE_NO_EMBEDDED_WORKER": True})
    rng = random.Random(15)
    with app.app_context():
        from flask_migrate import upgrade

        from ivr.versions import seed_default_menu
        from knowledge.models import KnowledgeArticle, KnowledgeTerm
        from knowledge.service import search, sync

        upgrade()
        seed_default_menu()
        began = time.perf_counter()
        ids = fill(args.articles, rng)
        sync()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
            )
        terms = db.session.query(KnowledgeTerm).count()
        print(
            f"\n{db.engine.dialect.name}: {len(ids):,} articles, {terms:,} terms "
            f"(indexed in {time.perf_counter() - began:.1f} s)"
        )
        asked = queries(args.queries, rng)
        lookups = [rng.choice(ids) for _ in asked]
        search(*asked[0])  # warm up: jieba's dictionary, the parsed menu
        searches = timed([lambda q=q, lang=lang: search(q, lang) for q, lang in asked])
        by_id = select(KnowledgeArticle)
        reference = timed(
            [
                lambda i=i: db.session.scalars(by_id.where(KnowledgeArticle.id == i)).one()
                for i in lookups
            ]
        )
        empty = sum(1 for q, lang in asked if not search(q, lang))
        print(f"{'':<28} {'p50 ms':>9} {'p99 ms':>9}")
        for name, values in (("search", searches), ("reference: article by id", reference)):
            print(f"{name:<28} {percentile(values, 0.5):>9.2f} {percentile(values, 0.99):>9.2f}")
        p50 = statistics.median(searches) / statistics.median(reference)
        p99 = percentile(searches, 0.99) / percentile(reference, 0.99)
        print(f"ratio search / reference: p50 {p50:.1f}×, p99 {p99:.1f}×")
        print(f"{args.queries - empty} of {args.queries} searches found something")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()

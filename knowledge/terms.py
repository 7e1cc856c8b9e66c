"""The knowledge base's search terms: Chinese cut by jieba (`lcut_for_search`, the suggester's
tokenizer, so its dictionary loads once per process), English as lower-cased words, and each
article's terms weighted by where they stand (title > keywords > body) and the field's length."""

from __future__ import annotations

import re
from collections import Counter

from tickets.suggest import current_suggester

#: Where a term stands, and how much a term there counts.
FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
#: A field's usual length in terms: a longer one counts each term a little less (BM25's b).
USUAL_LENGTH = {"title": 6, "keywords": 6, "body": 60}
K1 = 1.2
B = 0.75
TERM_LENGTH = 64  # KnowledgeTerm.term
MAX_QUERY_TERMS = 32

RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Words that say nothing about which answer is wanted.
STOPWORDS = frozenset(
    "的 了 是 在 我 你 他 她 它 们 和 与 或 及 吗 呢 吧 啊 请 按 就 都 也 有 要 被 把 这 那 个 "
    "a an and are as at be by can do for from has have how i if in is it its my of on or "
    "the this to was what when where which who why will with you your".split()
)


def _english(word: str) -> str:
    """A plural and its singular are one term (returns → return; not glass → glas)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The terms of `text`, in order, repeats kept: jieba's search cut of each Chinese run,
    each English word or number of the rest."""
    found: list[str] = []
    for run in RUNS.findall((text or "").lower()):
        if CJK.match(run):
            cut = current_suggester().tokenizer.lcut_for_search(run)
            found += [t for t in cut if t.strip() and t not in STOPWORDS]
        elif run not in STOPWORDS and (len(run) > 1 or run.isdigit()):
            found.append(_english(run))
    return [t[:TERM_LENGTH] for t in found]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a search (at most MAX_QUERY_TERMS), in the order typed."""
    return list(dict.fromkeys(tokens(text[:500])))[:MAX_QUERY_TERMS]


def term_weights(fields: dict[str, str]) -> dict[str, float]:
    """term → weight of one article from its `title`, `keywords` and `body` texts (both
    languages joined): per field a saturated term frequency, shorter fields counting more."""
    weights: Counter[str] = Counter()
    for field, text in fields.items():
        counts = Counter(tokens(text))
        length = sum(counts.values())
        if not length:
            continue
        norm = 1 - B + B * length / USUAL_LENGTH[field]
        for term, tf in counts.items():
            weights[term] += FIELD_WEIGHTS[field] * tf * (K1 + 1) / (tf + K1 * norm)
    return {term: round(weight, 4) for term, weight in weights.items()}

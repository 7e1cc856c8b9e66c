"""The suggester's rules as data: categories (with their words), districts (old names and a
gazetteer), type and priority words. Shipped in `tickets/data/`; an admin's copies in
SUGGEST_DATA_DIR (else `<storage>/suggest`) win, and every process notices when they change.

Kept apart from the suggester (`tickets.suggest`, which loads jieba and cn2an) so that what only
needs the category or district names (pages, reports) loads neither.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")
FILES = ("categories.yaml", "districts.yaml", "rules.yaml")


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    words: tuple[str, ...]


@dataclass
class Rules:
    categories: list[Category]
    districts: dict[str, dict[str, Any]]
    gazetteer: dict[str, str]
    types: dict[str, list[str]]
    food_safety: list[str]
    elderly: list[str]
    large_amount: Decimal
    district_words: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """word → (district, why) for every name, old name and gazetteer entry."""
        for name, info in self.districts.items():
            for word in [name, *info.get("also", [])]:
                self.district_words[str(word).lower()] = (name, str(word))
            for old in info.get("old", []):
                self.district_words[str(old).lower()] = (name, f"{old} → {name}")
        for place, district in self.gazetteer.items():
            self.district_words.setdefault(str(place).lower(), (district, f"{place} → {district}"))


def load_rules(folder: Path | None = None) -> Rules:
    """The rules from `folder` (files missing there come from the shipped ones)."""

    def read(name: str) -> dict[str, Any]:
        path = folder / name if folder and (folder / name).exists() else DATA_DIR / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not a mapping")
        return data

    categories = read("categories.yaml")
    districts = read("districts.yaml")
    rules = read("rules.yaml")
    priority = rules.get("priority", {})
    return Rules(
        categories=[
            Category(c["key"], c["zh"], c["en"], tuple(str(w) for w in c["words"]))
            for c in categories["categories"]
        ],
        districts=districts["districts"],
        gazetteer={str(k): str(v) for k, v in (districts.get("gazetteer") or {}).items()},
        types={k: [str(w) for w in v] for k, v in rules["types"].items()},
        food_safety=[str(w) for w in priority.get("food_safety", [])],
        elderly=[str(w) for w in priority.get("elderly", [])],
        large_amount=Decimal(str(priority.get("large_amount_yuan", 10000))),
    )


def signature_of(folder: Path | None) -> tuple[float, ...]:
    """When the admin's files last changed: a process notices edits made by another."""
    if folder is None:
        return ()
    return tuple(
        (folder / name).stat().st_mtime if (folder / name).exists() else 0.0 for name in FILES
    )


_cache: dict[str, tuple[tuple[float, ...], Rules]] = {}
_lock = threading.Lock()


def rules(folder: Path | None = None) -> Rules:
    """The rules of `folder` (default: the shipped ones), read once per process and again when
    the folder's files change."""
    signature = signature_of(folder)
    if folder is not None and not any(signature):
        # no file of the admin's own: the shipped rules, one copy per process (and so one
        # suggester and one jieba dictionary, whatever the storage folder)
        folder, signature = None, ()
    key = str(folder or DATA_DIR)
    with _lock:
        found = _cache.get(key)
        if found is None or found[0] != signature:
            found = _cache[key] = (signature, load_rules(folder))
        return found[1]


def rules_folder() -> Path:
    """Where the admin's rule files live: SUGGEST_DATA_DIR, else `<storage>/suggest`."""
    from flask import current_app

    settings = current_app.config["HOTLINE_SETTINGS"]
    return settings.suggest_data_dir or settings.storage_root / "suggest"


def current_rules() -> Rules:
    """The rules in effect for this app (the admin's folder over the shipped files)."""
    return rules(rules_folder())


class RulesError(ValueError):
    """Rule files that cannot be used; the message says which and why."""


def read_rule_file(name: str) -> str:
    """The admin's copy of a rule file, or the shipped one."""
    if name not in FILES:
        raise RulesError(f"unknown rule file {name!r}")
    own = rules_folder() / name
    return (own if own.exists() else DATA_DIR / name).read_text(encoding="utf-8")


def write_rule_file(name: str, text: str) -> None:
    """Save an admin's rule file after checking that the whole set still loads."""
    import tempfile

    if name not in FILES:
        raise RulesError(f"unknown rule file {name!r}")
    folder = rules_folder()
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch)
        for other in FILES:
            source = folder / other if (folder / other).exists() else DATA_DIR / other
            (trial / other).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        (trial / name).write_text(text, encoding="utf-8")
        try:
            load_rules(trial)
        except (yaml.YAMLError, ValueError, KeyError, TypeError) as exc:
            raise RulesError(f"{name} was not saved: {exc.__class__.__name__}: {exc}") from None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")

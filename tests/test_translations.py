"""The gettext catalogs against the sources (the CI check of the Translations workflow in the
README): every msgid extracted with Babel is in every catalog and translated in Chinese, no
entry is fuzzy or left over, every catalog compiles, no msgid is built at run time; and the
words that follow a call's or a ticket's language rather than the page's."""

from __future__ import annotations

import ast
import io
import logging
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment
from jinja2.ext import extract_from_ast

from hotline.core import i18n
from ivr import phrases
from reports import words as report_words
from tickets import words as ticket_words
from tickets.models import DiscardReason, TicketState, TicketType

ROOT = Path(__file__).resolve().parent.parent
#: The keywords of `pybabel extract` in the README (`-k lazy_gettext ...`), beside Babel's own.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
    "lazy_ngettext": (1, 2),
}
LOCALES = ("zh_CN", "en")
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_"} | {
    "lazy_gettext",
    "lazy_pgettext",
    "lazy_ngettext",
}
#: How many leading arguments are literal texts (context, msgid, plural); the others have 1.
MSGID_ARGS = {
    "ngettext": 2,
    "lazy_ngettext": 2,
    "pgettext": 2,
    "lazy_pgettext": 2,
    "npgettext": 3,
}


def _extracted() -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """(context, msgid) → the msgid (a tuple for plurals), from the sources as babel.cfg says."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        singular = message[0] if isinstance(message, tuple) else message
        found[(context, singular)] = message
    return found


def _catalog(locale: str) -> Catalog:
    with (i18n.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    return _extracted()


def test_the_sources_have_msgids(extracted) -> None:
    assert ("ticket event", "opened") in extracted
    assert (None, "Sorry, that is not a valid choice.") in extracted  # ivr/phrases.py, N_
    assert (None, "Saved %(num)d row.") in extracted  # ngettext
    assert len(extracted) > 250


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_is_in_the_catalog_and_nothing_else(extracted, locale: str) -> None:
    catalog = _catalog(locale)
    entries = {(m.context, m.id[0] if m.pluralizable else m.id): m for m in catalog if m.id}
    missing = sorted(key for key in extracted if key not in entries)
    assert not missing, f"not in {locale}: run the extract and update commands (README)"
    left_over = sorted(key for key in entries if key not in extracted)
    assert not left_over, f"in {locale} but in no source: run the update command (README)"
    for key, message in entries.items():
        assert (message.id if message.pluralizable else message.id) == (
            tuple(extracted[key]) if message.pluralizable else extracted[key]
        ), key


def test_every_msgid_is_translated_in_chinese() -> None:
    untranslated = [
        (m.context, m.id)
        for m in _catalog("zh_CN")
        if m.id and not (all(m.string) if m.pluralizable else m.string)
    ]
    assert not untranslated


@pytest.mark.parametrize("locale", LOCALES)
def test_no_entry_is_fuzzy_and_every_catalog_compiles(locale: str) -> None:
    catalog = _catalog(locale)
    assert not catalog.fuzzy, f"the header of {locale} is marked fuzzy (`pybabel compile` skips it)"
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems  # e.g. a %(name)s placeholder missing from a translation
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert compiled.getvalue()


def _names_called_with_a_runtime_msgid(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in GETTEXT_NAMES:
            continue
        count = MSGID_ARGS.get(node.func.id, 1)
        texts = node.args[:count]
        if len(texts) < count or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts
        ):
            lines.append(node.lineno)
    return lines


def test_no_msgid_is_built_at_run_time() -> None:
    """`_(f"...")` or `_("vm_" + state)` can be extracted by nobody: a table of lazy strings
    with one literal msgid each is the way (tickets/words.py, reports/words.py)."""
    built = []
    for package in (
        "hotline",
        "ivr",
        "voicemail",
        "transcription",
        "tickets",
        "reports",
        "workers",
    ):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            built += [
                f"{path.relative_to(ROOT)}:{line}"
                for line in _names_called_with_a_runtime_msgid(tree)
            ]
    env = Environment(extensions=["jinja2.ext.i18n"])  # noqa: S701 (parsed, never rendered)
    for template in ROOT.glob("*/templates/**/*.html"):
        parsed = env.parse(template.read_text(encoding="utf-8"))
        for line, function, strings in extract_from_ast(parsed):  # None: not a literal
            texts = strings if isinstance(strings, tuple) else (strings,)
            literal = texts[: MSGID_ARGS.get(function, 1)]  # keyword arguments come as None
            if function in GETTEXT_NAMES and any(s is None for s in literal):
                built.append(f"{template.relative_to(ROOT)}:{line}")
    assert not built


def test_the_word_tables_cover_every_stored_value() -> None:
    assert set(ticket_words.STATES) == {s.value for s in TicketState}
    assert set(ticket_words.TYPES) == {t.value for t in TicketType}
    assert set(ticket_words.DISCARD_REASONS) == {r.value for r in DiscardReason}
    assert set(phrases.STATUS_WORDS) == {s.value for s in TicketState}
    assert set(report_words.KINDS) == set(report_words.TITLES) == {"weekly", "monthly"}


def test_a_forgotten_compile_is_done_in_memory_with_a_warning(tmp_path, caplog) -> None:
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(i18n.TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po", folder)
    with caplog.at_level(logging.WARNING, logger="hotline.core.i18n"):
        loaded = i18n.load(folder)
    assert loaded.gettext("Repeat caller") == "重复来电"
    assert "not compiled" in caplog.text
    assert "pybabel compile" in caplog.text


def test_a_catalog_that_cannot_be_read_leaves_english(tmp_path, caplog) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(b'msgid "Repeat caller"\nmsgstr \xff\xfe "broken\n')
    with caplog.at_level(logging.ERROR, logger="hotline.core.i18n"):
        loaded = i18n.load(folder)
    assert loaded.gettext("Repeat caller") == "Repeat caller"
    assert "cannot be read" in caplog.text


def test_what_callers_hear_and_read_follows_their_language_not_the_page() -> None:
    assert phrases.phrase("invalid", "zh-CN") == "对不起，您的输入无效。"
    assert phrases.phrase("invalid", "en-US") == "Sorry, that is not a valid choice."
    assert phrases.phrase("lookup_status", "zh-CN", number="1", status="x") == "工单1的状态是：x。"
    assert phrases.status_word("dispatched", "zh-CN") == "已派发处理"
    assert phrases.language_name("en-US", "zh-CN") == "英语"
    assert i18n.locale_of("ko-KR") == "zh_CN"  # a language without a catalog: the hotline's own
    assert i18n.translations("en-GB") is i18n.translations("en-US")  # one catalog, read once


def test_plural_forms_in_the_calls_language() -> None:
    assert phrases.wait_estimate(1, "en-US") == "The estimated wait is about 1 minute."
    assert phrases.wait_estimate(3, "en-US") == "The estimated wait is about 3 minutes."
    assert phrases.wait_estimate(1, "zh-CN") == "预计等待约1分钟。"
    assert phrases.wait_estimate(3, "zh-CN") == "预计等待约3分钟。"
    one = phrases.briefing("en-US", "English", "main", 1)
    assert one == "Next caller: English, via main, waiting about 1 minute."
    assert phrases.briefing("en-US", "English", "main", None) == (
        "Next is a called-back caller: English, via main."
    )

"""Flask-Babel for Hotline: the gettext catalogs in hotline/translations, the language of each
page, catalogs per language for what callers hear and read, and times shown in `TIMEZONE`.

A page is in the language the user chose (`?lang=` stores it in the session), else their
account's, else the browser's preference, else Chinese. What the IVR says and what an SMS
says follow the call's or the ticket's language instead: `translations(language)`.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, Domain, format_date, format_datetime, get_locale
from flask_login import current_user
from werkzeug.utils import cached_property

log = logging.getLogger(__name__)

LANGUAGES = ("zh-CN", "en-US")
#: Our language codes (BCP 47, as Twilio and the accounts store them) → Babel locales.
LOCALES = {"zh-CN": "zh_CN", "en-US": "en"}
DEFAULT_LANGUAGE = LANGUAGES[0]
#: The catalogs: <locale>/LC_MESSAGES/messages.po, compiled to messages.mo by `./dev`.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
#: Times on pages and in documents: the locale's short date and time, in `TIMEZONE`.
DATE_FORMATS = {**Babel.default_date_formats, "datetime": "short", "date": "short"}


def N_(message: str) -> str:
    """Marks a msgid for extraction only; it is translated later, in the language of a call
    or a ticket (`translations(language).gettext(...)`), not in the page's."""
    return message


def locale_of(language: str | None) -> str:
    """The Babel locale for one of our language codes (`zh-CN` → `zh_CN`); Chinese for any
    language the catalogs do not have."""
    if language in LOCALES:
        return LOCALES[language]
    if (language or "").lower().startswith("en"):
        return LOCALES["en-US"]
    return LOCALES[DEFAULT_LANGUAGE]


@functools.cache
def catalog(locale: str) -> NullTranslations:
    """The catalog of one locale (`zh_CN`, `en`), read once per process."""
    return load(TRANSLATIONS / locale / "LC_MESSAGES")


def load(folder: Path) -> NullTranslations:
    """The compiled catalog in `folder`.

    A missing or stale `.mo` (someone forgot `pybabel compile`) is compiled from the `.po` in
    memory, with a warning; a catalog that cannot be read at all leaves the English msgids,
    so that a caller still hears something."""
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as compiled:
                return Translations(compiled, domain=DOMAIN)
        log.warning(
            "catalog %s is not compiled or older than its .po: compiled in memory for now; "
            "run `pybabel compile -d hotline/translations` (./dev does)",
            po,
        )
        with po.open("rb") as source:
            parsed = read_po(source, locale=folder.parent.name, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, parsed)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    except Exception:  # a caller must hear something: the msgids are English sentences
        log.exception("catalog %s cannot be read; its texts stay in English", folder)
        return NullTranslations()


def translations(language: str | None) -> NullTranslations:
    """The catalog of a call's, ticket's or report's language (`zh-CN`, `en-US`)."""
    return catalog(locale_of(language))


class _CatalogDomain(Domain):
    """Flask-Babel's domain, reading through `catalog`: one cache for pages and calls, and
    the same in-memory compile when the `.mo` files were forgotten."""

    def get_translations(self) -> NullTranslations:
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        # the folder's name: zh_CN for Babel's zh_Hans_CN, en for en
        return catalog("_".join(part for part in (locale.language, locale.territory) if part))


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _CatalogDomain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)


babel = _Babel(date_formats=DATE_FORMATS)


def current_language() -> str:
    """The page's language: chosen, the account's, the browser's, else Chinese."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in LANGUAGES:
        return current_user.language
    best = request.accept_languages.best_match(["zh", "en"])
    return "en-US" if best == "en" else DEFAULT_LANGUAGE


def _page_locale() -> str:
    return locale_of(current_language())


def init_app(app: Flask, timezone: str) -> None:
    """Flask-Babel with our locale selector, `TIMEZONE` for dates, and the template globals."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", locale_of(DEFAULT_LANGUAGE))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=_page_locale)
    globals_: dict[str, Any] = {
        "current_language": current_language,
        "LANGUAGES": LANGUAGES,
        "format_datetime": format_datetime,
        "format_date": format_date,
    }
    app.jinja_env.globals.update(globals_)

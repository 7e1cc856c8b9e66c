"""Menu versions: store drafts, publish a valid one, find the published one, seed the default.

Published and archived versions never change, so a call pinned to one can always finish on it.
These are the steps; they add to the session and leave the commit (and the audit entry) to
the use case around them (`ivr.menu_service`), so a refused change leaves nothing behind.
"""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from hotline.core.db import db, utcnow
from hotline.core.service import ConflictError, NotFoundError, ServiceError
from ivr.menu import InvalidMenu, MenuDocument, load_document_text
from ivr.menu_checks import parse_document, validate_document
from ivr.models import MenuVersion

DEFAULT_MENU = "default_menu.yaml"


class VersionError(ServiceError):
    """A version that does not exist or cannot be changed; the message says which and why."""


class NoSuchVersion(VersionError, NotFoundError):
    """There is no version with that number."""


def default_menu_text() -> str:
    return resources.files("ivr").joinpath(DEFAULT_MENU).read_text(encoding="utf-8")


def create_version(
    document: dict[str, Any], author: str = "system", comment: str = ""
) -> MenuVersion:
    """Store a new draft version (drafts may be invalid while an admin works on them)."""
    number = (db.session.scalar(select(func.max(MenuVersion.number))) or 0) + 1
    version = MenuVersion(
        number=number, document=document, created_by=author, comment=comment, status="draft"
    )
    db.session.add(version)
    db.session.flush()
    return version


class EditConflict(VersionError, ConflictError):
    """The draft was saved by someone else since this copy was loaded."""


def save_draft(
    number: int, document: dict[str, Any], lock_version: int, author: str
) -> MenuVersion:
    """Replace a draft's document, unless it changed since `lock_version` was read (then
    EditConflict: the second of two admins editing one draft is refused, never lost)."""
    version = get_version(number)
    if version.status != "draft":
        raise VersionError(
            f"version {number} is {version.status}; make a new draft from it", "number"
        )
    changed = db.session.execute(
        update(MenuVersion)
        .where(MenuVersion.id == version.id, MenuVersion.lock_version == lock_version)
        .values(document=document, lock_version=lock_version + 1, created_by=author)
    ).rowcount
    if not changed:
        db.session.refresh(version)
        raise EditConflict(
            f"version {number} was saved by {version.created_by} since you opened it "
            f"(yours: edit {lock_version}, now: edit {version.lock_version}); reload it and "
            "make your change again",
            "lock_version",
        )
    db.session.refresh(version)
    return version


def draft_from(number: int, author: str) -> MenuVersion:
    """A new draft holding a copy of version `number`'s document."""
    source = get_version(number)
    return create_version(
        copy.deepcopy(source.document), author=author, comment=f"from version {number}"
    )


def get_version(number: int) -> MenuVersion:
    version = db.session.scalar(select(MenuVersion).where(MenuVersion.number == number))
    if version is None:
        raise NoSuchVersion(f"no menu version {number}", "number")
    return version


def published_version() -> MenuVersion | None:
    return db.session.scalar(select(MenuVersion).where(MenuVersion.status == "published"))


def publish(number: int) -> MenuVersion:
    """Publish version `number`: a draft, or an older version (a rollback). Never an invalid one."""
    version = get_version(number)
    problems = validate_document(version.document)
    if problems:
        raise InvalidMenu(problems)
    db.session.execute(
        update(MenuVersion)
        .where(MenuVersion.status == "published", MenuVersion.id != version.id)
        .values(status="archived", lock_version=MenuVersion.lock_version + 1)
    )
    version.status = "published"
    version.published_at = utcnow()
    db.session.flush()
    return version


def import_text(
    text: str, author: str = "system", comment: str = "", publish_now: bool = False
) -> MenuVersion:
    """A YAML/JSON document as a new version; validated first, so invalid text stores nothing."""
    data = load_document_text(text)
    parse_document(data)
    version = create_version(data, author=author, comment=comment)
    return publish(version.number) if publish_now else version


def seed_default_menu() -> list[str]:
    """First-run data (no actor, so no audit entry): the default menu, published."""
    if db.session.scalar(select(MenuVersion).limit(1)) is not None:
        return []
    version = import_text(default_menu_text(), comment="default 12315 menu", publish_now=True)
    db.session.commit()
    return [f"installed and published the default 12315 menu as version {version.number}"]


def pinned_document(number: int) -> tuple[int, MenuDocument] | None:
    """(version id, parsed document) of a published or archived version, or None.

    Published versions never change (only drafts are edited), so each app parses one once
    and keeps it: the hot path of every webhook reads no menu row at all.
    """
    cache: dict[int, tuple[int, MenuDocument]] = current_app.extensions.setdefault(
        "hotline.menu_documents", {}
    )
    found = cache.get(number)
    if found is None:
        version = db.session.scalar(select(MenuVersion).where(MenuVersion.number == number))
        if version is None or version.status == "draft":
            return None
        found = cache[number] = (version.id, MenuDocument.model_validate(version.document))
    return found


def published_document() -> tuple[int, MenuDocument] | None:
    """(number, parsed document) of the published version, or None when none is published."""
    number = db.session.scalar(select(MenuVersion.number).where(MenuVersion.status == "published"))
    pinned = pinned_document(number) if number is not None else None
    return (number, pinned[1]) if pinned is not None else None

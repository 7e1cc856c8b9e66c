"""The menu's use cases for the admin pages, the API and the CLI: import a document, publish a
version (publishing an older one is the rollback), make a draft from a version, change a draft,
record a prompt, and the valid document a preview or a walk-through needs. Each change takes the
actor, writes one audit entry and owns its transaction: a document that is not valid, or a draft
someone else saved first, is refused and leaves nothing behind (no stored audio either)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hotline.core.audit import Actor, actor_name, record
from hotline.core.service import ServiceError, transaction
from ivr import editing, prompts, versions
from ivr.menu import MenuDocument, Problem
from ivr.menu_checks import validate_document
from ivr.models import MenuVersion


class InvalidVersion(ServiceError):
    """The version's document has problems (all in `problems`); fix them before a preview or a
    walk-through."""

    def __init__(self, number: int, problems: list[Problem]) -> None:
        super().__init__(f"version {number} is not valid: {problems[0]}", "document")
        self.number, self.problems = number, problems


def valid_document(version: MenuVersion) -> MenuDocument:
    """The version's document, parsed, for a preview or a walk-through; InvalidVersion when it
    has problems."""
    problems = validate_document(version.document)
    if problems:
        raise InvalidVersion(version.number, problems)
    return MenuDocument.model_validate(version.document)


def import_menu(
    actor: Actor | None,
    text: str,
    comment: str = "imported",
    publish: bool = False,
    author: str | None = None,
) -> MenuVersion:
    """A YAML/JSON document as a new version (refused with InvalidMenu when it is not valid),
    published at once when asked."""
    with transaction():
        version = versions.import_text(
            text, author=author or actor_name(actor), comment=comment, publish_now=publish
        )
        record(actor, "menu.import", f"menu:{version.number}", published=publish, comment=comment)
    return version


def publish_menu(actor: Actor | None, number: int) -> MenuVersion:
    """Publish a valid version: a draft, or an older one again (a rollback). Calls in progress
    stay on the version they started on."""
    with transaction():
        version = versions.publish(number)
        record(actor, "menu.publish", f"menu:{number}")
    return version


def new_draft(actor: Actor | None, from_number: int) -> MenuVersion:
    """A new draft holding a copy of version `from_number`'s document."""
    with transaction():
        version = versions.draft_from(from_number, actor_name(actor))
        record(actor, "menu.draft", f"menu:{version.number}", from_version=from_number)
    return version


def edit_draft(
    actor: Actor | None,
    number: int,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    lock_version: int,
    action: str = "menu.save",
    **data: Any,
) -> MenuVersion:
    """Save `change(document)` as the draft's document, unless someone saved the draft since
    `lock_version` was read (EditConflict). `action` names the kind of edit in the audit log
    (`menu.save` for a whole document, `menu.prompt`, `menu.node_added` …)."""
    with transaction():
        version = versions.get_version(number)
        document = change(copy.deepcopy(version.document))
        version = versions.save_draft(number, document, lock_version, actor_name(actor))
        record(actor, action, f"menu:{number}", **data)
    return version


@dataclass(frozen=True)
class PromptSet:
    """A recorded prompt set on a draft: the URL path it plays and the saved draft."""

    play: str
    version: MenuVersion


def set_prompt(
    actor: Actor | None,
    number: int,
    node: str,
    lang: str,
    data: bytes,
    filename: str,
    lock_version: int,
) -> PromptSet:
    """Convert uploaded audio (WAV, MP3 or M4A) to telephone audio and make it `node`'s prompt
    in `lang` in draft `number`. Refused (PromptError, EditError, VersionError, EditConflict)
    with nothing left behind: the audio this upload stored goes again when the save is refused."""
    editing.set_prompt(versions.get_version(number).document, node, lang, "")  # before converting
    stored = prompts.store(data, filename)
    try:
        version = edit_draft(
            actor,
            number,
            lambda document: editing.set_prompt(document, node, lang, stored.url),
            lock_version,
            "menu.prompt",
            node=node,
            play=stored.url,
        )
    except BaseException:
        stored.discard()
        raise
    return PromptSet(stored.url, version)

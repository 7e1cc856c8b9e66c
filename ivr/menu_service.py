"""The menu's use cases for the admin pages, the API and the CLI: import a document, publish a
version (publishing an older one is the rollback), make a draft from a version, and change a
draft. Each takes the actor, writes one audit entry and owns its transaction: a document that
is not valid, or a draft someone else saved first, is refused and leaves nothing behind."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hotline.core.audit import Actor, actor_name, record
from hotline.core.service import transaction
from ivr import versions
from ivr.models import MenuVersion


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

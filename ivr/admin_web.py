"""The admins' menu pages: versions (history, diff, import, export, roll back), the draft
editor (nodes as a tree with their problems beside them, add/edit/delete nodes and options,
settings with hours, holidays and queues, recorded prompts), a TwiML preview and a
walk-through without a phone, and publishing. Every change is audit-logged; two admins saving
the same draft: the second is refused (optimistic locking), never lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select

from hotline.accounts.service import NoSuchUser
from hotline.core.auth import admin_required
from hotline.core.db import db
from hotline.core.models import Role, User
from hotline.core.service import ServiceError, field_errors, filled_in
from ivr import editing, menu_service, preview, prompts
from ivr.menu import InvalidMenu, MenuDocument, dump_yaml
from ivr.menu_checks import validate_document
from ivr.models import MenuVersion
from ivr.operator_service import OperatorChange, queues_of, update_operator
from ivr.versions import EditConflict, NoSuchVersion, VersionError, get_version

bp = Blueprint("admin_menu", __name__, url_prefix="/admin/menu", template_folder="templates")
#: A menu version's status as the pages show it.
STATUS_WORDS = {
    "draft": lazy_pgettext("menu version", "draft"),
    "published": lazy_pgettext("menu version", "published"),
    "archived": lazy_pgettext("menu version", "archived"),
}
bp.context_processor(lambda: {"STATUS_WORDS": STATUS_WORDS})


def _valid(version: MenuVersion) -> MenuDocument | None:
    """The parsed document, or None after flashing the first problem (fix it first)."""
    try:
        return menu_service.valid_document(version)
    except menu_service.InvalidVersion as exc:
        flash(_("Fix the problems first: %(problem)s", problem=exc.problems[0]))
        return None


def _version(number: int) -> MenuVersion:
    try:
        return get_version(number)
    except VersionError:
        abort(404)


def _versions_page(status: int = 200, import_problems: list[str] | None = None) -> tuple[str, int]:
    rows = db.session.scalars(select(MenuVersion).order_by(MenuVersion.number.desc())).all()
    a, b = request.args.get("a", ""), request.args.get("b", "")
    difference = None
    if a.isdigit() and b.isdigit():
        old, new = _version(int(a)), _version(int(b))
        difference = editing.diff(old.document, new.document, f"v{a}", f"v{b}") or _(
            "No differences."
        )
    page = render_template(
        "admin/versions.html",
        versions=rows,
        difference=difference,
        a=a,
        b=b,
        import_problems=import_problems or [],
    )
    return page, status


@bp.get("")
@admin_required
def versions() -> tuple[str, int]:
    return _versions_page()


@bp.post("/new")
@admin_required
def new_draft() -> Response:
    source = request.form.get("from", "")
    if not source.isdigit():
        abort(400)
    try:
        version = menu_service.new_draft(current_user, int(source))
    except NoSuchVersion:
        abort(404)
    return redirect(url_for("admin_menu.editor", number=version.number))


@bp.post("/import")
@admin_required
def import_yaml() -> Response | tuple[str, int]:
    """A YAML/JSON file as a new draft; refused, with every problem beside the file, when the
    document is not valid."""
    upload = request.files.get("file")
    text = (
        upload.read(2_000_000).decode("utf-8", "replace")
        if upload
        else request.form.get("yaml", "")
    )
    try:
        version = menu_service.import_menu(current_user, text)
    except InvalidMenu as exc:
        return _versions_page(400, [str(problem) for problem in exc.problems])
    return redirect(url_for("admin_menu.editor", number=version.number))


@bp.get("/<int:number>.yaml")
@admin_required
def export_yaml(number: int) -> Response:
    version = _version(number)
    return Response(
        dump_yaml(version.document),
        mimetype="application/yaml",
        headers={"Content-Disposition": f"attachment; filename=menu-v{number}.yaml"},
    )


@bp.get("/<int:number>")
@admin_required
def editor(number: int) -> str:
    version = _version(number)
    problems = validate_document(version.document)
    by_node: dict[str, list[str]] = {}
    general = []
    for problem in problems:
        parts = problem.path.split(".")
        if parts[0] == "nodes" and len(parts) > 1:
            node_id = parts[1].split("[")[0]
            by_node.setdefault(node_id, []).append(str(problem))
        else:
            general.append(str(problem))
    nodes = [n for n in version.document.get("nodes", []) if isinstance(n, dict)]
    return render_template(
        "admin/editor.html",
        version=version,
        nodes=nodes,
        problems=problems,
        by_node=by_node,
        general=general,
        kinds=editing.KINDS,
        languages=version.document.get("languages", ["zh-CN", "en-US"]),
        node_yaml={n.get("id"): dump_yaml(n) for n in nodes},
        settings_yaml=editing.settings_text(version.document),
        tree=editing.tree(version.document),
        preview_twiml=request.args.get("preview_twiml"),
    )


def _save(
    number: int, change: Callable[[dict[str, Any]], dict[str, Any]], action: str, **data: Any
) -> Response:
    _version(number)
    try:
        menu_service.edit_draft(current_user, number, change, _lock(), action, **data)
    except (editing.EditError, VersionError) as exc:
        _refused(exc)
    else:
        flash(_("Saved."))
    return redirect(url_for("admin_menu.editor", number=number))


def _lock() -> int:
    """The form's lock_version (a missing one never matches: the save is refused)."""
    lock = request.form.get("lock_version", "")
    return int(lock) if lock.isdigit() else -1


def _refused(error: ServiceError) -> None:
    """Flash why a change of the draft was refused."""
    if isinstance(error, prompts.PromptError):
        flash(_("Upload refused: %(reason)s", reason=error))
    elif isinstance(error, EditConflict):
        flash(_("Not saved: %(reason)s", reason=error))
    else:
        flash(str(error))


@bp.post("/<int:number>/nodes")
@admin_required
def add_node(number: int) -> Response:
    form = request.form
    prompts_by_language = {lang: form.get(f"prompt_{lang}", "") for lang in ("zh-CN", "en-US")}
    return _save(
        number,
        lambda doc: editing.add_node(
            doc,
            form.get("id", "").strip(),
            form.get("kind", ""),
            prompts_by_language,
            form.get("next") or None,
        ),
        "menu.node_added",
        node=form.get("id"),
    )


@bp.post("/<int:number>/options")
@admin_required
def add_option(number: int) -> Response:
    form = request.form
    return _save(
        number,
        lambda doc: editing.add_option(
            doc, form.get("node", ""), form.get("digit", ""), form.get("target", "").strip()
        ),
        "menu.option_added",
        node=form.get("node"),
        digit=form.get("digit"),
        to=form.get("target"),
    )


@bp.post("/<int:number>/nodes/<node_id>")
@admin_required
def change_node(number: int, node_id: str) -> Response:
    if request.form.get("action") == "delete":
        return _save(
            number, lambda doc: editing.delete_node(doc, node_id), "menu.node_deleted", node=node_id
        )
    text = request.form.get("yaml", "")
    return _save(
        number,
        lambda doc: editing.replace_node(doc, node_id, text),
        "menu.node_changed",
        node=node_id,
    )


@bp.post("/<int:number>/settings")
@admin_required
def change_settings(number: int) -> Response:
    text = request.form.get("yaml", "")
    return _save(number, lambda doc: editing.replace_settings(doc, text), "menu.settings_changed")


@bp.post("/<int:number>/prompt")
@admin_required
def upload_prompt(number: int) -> Response:
    """An audio file as a node's prompt in one language (`ivr.menu_service.set_prompt`)."""
    _version(number)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise prompts.PromptError(_("Choose a file."))
        menu_service.set_prompt(
            current_user,
            number,
            request.form.get("node", ""),
            request.form.get("lang", ""),
            upload.read(prompts.MAX_BYTES + 1),
            upload.filename,
            _lock(),
        )
    except (prompts.PromptError, editing.EditError, VersionError) as exc:
        _refused(exc)
    else:
        flash(_("Saved."))
    return redirect(url_for("admin_menu.editor", number=number))


@bp.post("/<int:number>/preview")
@admin_required
def preview_node(number: int) -> str | Response:
    version = _version(number)
    doc = _valid(version)
    if doc is None:
        return redirect(url_for("admin_menu.editor", number=number))
    node_id, language = request.form.get("node", ""), request.form.get("lang", "zh-CN")
    if doc.node(node_id) is None:
        abort(400)
    twiml = preview.preview(doc, number, node_id, language)
    return render_template(
        "admin/preview.html", version=version, node_id=node_id, twiml=twiml, walk=None
    )


@bp.post("/<int:number>/walk")
@admin_required
def walk(number: int) -> str | Response:
    version = _version(number)
    doc = _valid(version)
    if doc is None:
        return redirect(url_for("admin_menu.editor", number=number))
    keys = request.form.get("keys", "").split()[:30]
    result = preview.walk(doc, number, keys, request.form.get("lang", "zh-CN"))
    return render_template(
        "admin/preview.html", version=version, node_id=None, twiml=None, walk=result
    )


@bp.post("/<int:number>/publish")
@admin_required
def publish_version(number: int) -> Response:
    try:
        menu_service.publish_menu(current_user, number)
    except NoSuchVersion:
        abort(404)
    except (InvalidMenu, VersionError) as exc:
        flash(_("Not published: %(reason)s", reason=exc))
        return redirect(url_for("admin_menu.editor", number=number))
    flash(_("Version %(number)s is published.", number=str(number)))
    return redirect(url_for("admin_menu.versions"))


operators_bp = Blueprint(
    "admin_operators", __name__, url_prefix="/admin/operators", template_folder="templates"
)


def _operators_page(
    status: int = 200,
    username: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """The operators; a refused row (`username`) with its errors beside its fields and its
    input kept."""
    rows = db.session.scalars(
        select(User)
        .where(User.role.in_((Role.operator.value, Role.admin.value)))
        .order_by(User.username)
    ).all()
    page = render_template(
        "admin/operators.html",
        operators=[(u, queues_of(u.id)) for u in rows],
        failed={"username": username, "errors": errors or {}, "values": values or {}},
    )
    return page, status


@operators_bp.get("")
@admin_required
def operators() -> tuple[str, int]:
    return _operators_page()


@operators_bp.post("/<username>")
@admin_required
def change_operator(username: str) -> Response | tuple[str, int]:
    """One operator's row: caller ID (blank: none), PIN (blank: unchanged), queues, language."""
    form = request.form
    values: dict[str, Any] = {
        "queues": [q.strip() for q in form.get("queues", "").split(",") if q.strip()],
        "phone": form.get("phone", "").strip() or None,
        **filled_in(form, "pin", "language"),
    }
    try:
        update_operator(current_user, username, OperatorChange.model_validate(values))
    except NoSuchUser:
        abort(404)
    except (ValidationError, ServiceError) as exc:
        return _operators_page(400, username, field_errors(exc), values)
    flash(_("Saved."))
    return redirect(url_for("admin_operators.operators"))

"""`/api/v1/menu/versions`: menu versions for admins — read, import, draft, save (optimistic
locking), validate, preview a node's TwiML, walk through key presses, publish (a rollback is
publishing an older version). The changes are `ivr.menu_service`'s (audit-logged there)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from hotline.core.api import ErrorBody, FieldError, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from ivr import menu_service, preview, prompts
from ivr.menu import InvalidMenu, Problem
from ivr.menu_checks import validate_document
from ivr.models import MenuVersion
from ivr.versions import VersionError, get_version

bp = Blueprint("menu_api", __name__, url_prefix="/api/v1/menu")
json_errors(bp)

ERRORS = error_responses(400, 401, 403, 404)


class VersionSummary(BaseModel):
    number: int
    status: str
    comment: str
    created_by: str
    created_at: str
    published_at: str | None
    lock_version: int


class VersionOut(VersionSummary):
    document: dict[str, Any]
    problems: list[Problem]


class VersionList(BaseModel):
    items: list[VersionSummary]


class NewDraft(BaseModel):
    from_version: int = Field(ge=1, description="copy this version's document")


class SaveDraft(BaseModel):
    document: dict[str, Any]
    lock_version: int = Field(ge=1, description="the lock_version you loaded")


class MenuImport(BaseModel):
    text: str = Field(min_length=1, max_length=2_000_000, description="the YAML or JSON document")
    comment: str = Field("imported", max_length=200)
    publish: bool = Field(False, description="publish it at once")


class PreviewQuery(BaseModel):
    node: str = Field(max_length=64)
    lang: str = Field("zh-CN", max_length=10)


class WalkIn(BaseModel):
    keys: list[str] = Field(max_length=30, description="one key press per item, e.g. ['1', '0']")
    lang: str = Field("zh-CN", max_length=10)


def summary(version: MenuVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "comment": version.comment,
        "created_by": version.created_by,
        "created_at": version.created_at.isoformat(),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "lock_version": version.lock_version,
    }


def _version(number: int) -> MenuVersion:
    try:
        return get_version(number)
    except VersionError as exc:
        raise NotFound(str(exc)) from None


def _problems(document: dict[str, Any]) -> list[dict[str, str]]:
    return [asdict(problem) for problem in validate_document(document)]


@bp.get("/versions")
@require_role()
@spec.validate(resp=Responses(HTTP_200=VersionList, **ERRORS), tags=["menu"])
def list_versions() -> Response:
    """Every version, newest first, with its author and status."""
    versions = db.session.scalars(select(MenuVersion).order_by(MenuVersion.number.desc()))
    return jsonify({"items": [summary(v) for v in versions]})


@bp.get("/versions/<int:number>")
@require_role()
@spec.validate(resp=Responses(HTTP_200=VersionOut, **ERRORS), tags=["menu"])
def get_menu_version(number: int) -> Response:
    """One version's document, its lock_version and its validation problems."""
    version = _version(number)
    return jsonify(
        {**summary(version), "document": version.document, "problems": _problems(version.document)}
    )


@bp.post("/versions")
@require_role()
@spec.validate(json=NewDraft, resp=Responses(HTTP_201=VersionOut, **ERRORS), tags=["menu"])
def new_draft() -> tuple[Response, int]:
    """A new draft, copied from an existing version."""
    body: NewDraft = request.context.json  # type: ignore[attr-defined]
    version = menu_service.new_draft(g.api_user, body.from_version)
    out = {
        **summary(version),
        "document": version.document,
        "problems": _problems(version.document),
    }
    return jsonify(out), 201


@bp.put("/versions/<int:number>")
@require_role()
@spec.validate(
    json=SaveDraft, resp=Responses(HTTP_200=VersionOut, HTTP_409=ErrorBody, **ERRORS), tags=["menu"]
)
def save_menu_version(number: int) -> Response:
    """Save a draft's document; refused with 409 when someone saved it since you loaded it."""
    body: SaveDraft = request.context.json  # type: ignore[attr-defined]
    version = menu_service.edit_draft(
        g.api_user, number, lambda _: body.document, body.lock_version, "menu.save"
    )
    return jsonify(
        {**summary(version), "document": version.document, "problems": _problems(version.document)}
    )


@bp.post("/versions/<int:number>/validate")
@require_role()
@spec.validate(resp=Responses(HTTP_200=VersionOut, **ERRORS), tags=["menu"])
def validate_menu_version(number: int) -> Response:
    """The version's problems (an empty list: it may be published)."""
    version = _version(number)
    return jsonify(
        {**summary(version), "document": version.document, "problems": _problems(version.document)}
    )


@bp.post("/versions/<int:number>/publish")
@require_role()
@spec.validate(resp=Responses(HTTP_200=VersionSummary, **ERRORS), tags=["menu"])
def publish_menu_version(number: int) -> Response:
    """Publish a valid draft, or an older version again (a rollback). Calls in progress stay
    on the version they started on."""
    try:
        version = menu_service.publish_menu(g.api_user, number)
    except InvalidMenu as exc:
        raise FieldError(f"not published: {exc}", exc.problems[0].path) from None
    return jsonify(summary(version))


@bp.post("/imports")
@require_role()
@spec.validate(json=MenuImport, resp=Responses(HTTP_201=VersionOut, **ERRORS), tags=["menu"])
def import_menu() -> tuple[Response, int]:
    """A YAML or JSON document as a new version (refused, naming the first problem's path,
    when it is not valid); published at once with `publish`."""
    body: MenuImport = request.context.json  # type: ignore[attr-defined]
    try:
        version = menu_service.import_menu(g.api_user, body.text, body.comment, body.publish)
    except InvalidMenu as exc:
        raise FieldError(f"not imported: {exc}", exc.problems[0].path) from None
    out = {
        **summary(version),
        "document": version.document,
        "problems": _problems(version.document),
    }
    return jsonify(out), 201


@bp.get("/versions/<int:number>/preview")
@require_role()
@spec.validate(query=PreviewQuery, resp=Responses(HTTP_200=None, **ERRORS), tags=["menu"])
def preview_node(number: int) -> Response:
    """The TwiML of one node in one language, as a caller would get it."""
    args: PreviewQuery = request.context.query  # type: ignore[attr-defined]
    doc = menu_service.valid_document(_version(number))
    if doc.node(args.node) is None:
        raise FieldError(f"no node {args.node!r} in version {number}", "node")
    return Response(preview.preview(doc, number, args.node, args.lang), mimetype="text/xml")


@bp.post("/versions/<int:number>/walk")
@require_role()
@spec.validate(json=WalkIn, resp=Responses(HTTP_200=None, **ERRORS), tags=["menu"])
def walk_through(number: int) -> Response:
    """Follow key presses from the start node: the nodes visited and what is said."""
    body: WalkIn = request.context.json  # type: ignore[attr-defined]
    doc = menu_service.valid_document(_version(number))
    result = preview.walk(doc, number, [k[:16] for k in body.keys], body.lang)
    return jsonify(
        {
            "stops": [
                {"keys": s.keys, "nodes": s.nodes, "says": s.says, "verbs": s.verbs}
                for s in result.stops
            ],
            "ended": result.ended,
        }
    )


class PromptSet(BaseModel):
    play: str
    version: VersionSummary


@bp.post("/versions/<int:number>/prompts")
@require_role()
@spec.validate(resp=Responses(HTTP_200=PromptSet, HTTP_409=ErrorBody, **ERRORS), tags=["menu"])
def upload_prompt(number: int) -> Response:
    """Multipart form: `node`, `lang`, `lock_version` and `file` (WAV, MP3 or M4A, ≤ 10 MB):
    converted to 8 kHz mono and set as that node's prompt in that language."""
    upload = request.files.get("file")
    if upload is None:
        raise FieldError("attach the audio as `file`", "file")
    lock = request.form.get("lock_version", "")
    if not lock.isdigit():
        raise FieldError("lock_version is the number you loaded", "lock_version")
    done = menu_service.set_prompt(
        g.api_user,
        number,
        request.form.get("node", "")[:64],
        request.form.get("lang", "")[:10],
        upload.read(prompts.MAX_BYTES + 1),
        upload.filename or "",
        int(lock),
    )
    return jsonify({"play": done.play, "version": summary(done.version)})

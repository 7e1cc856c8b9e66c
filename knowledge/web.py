"""The knowledge base's pages and the desk's JSON endpoints (session login, CSRF on POST).

Admins write, edit, deactivate and reactivate articles and read each one's history under
/admin/knowledge; operators, admins and managers read the articles at /knowledge, where
operators and admins also search and record a consultation with the search panel
(`knowledge/_search_panel.html` with `static/knowledge.js`, which any page may include). The
panel calls /knowledge/search, /knowledge/<id> and /knowledge/<id>/answer.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Select, select

from hotline.core.auth import roles_required
from hotline.core.db import db
from hotline.core.i18n import current_language
from hotline.core.models import Role
from hotline.core.service import ServiceError, field_errors, status_of
from knowledge import service
from knowledge.models import KnowledgeArticle
from knowledge.search import text_in
from tickets.rules import current_rules

bp = Blueprint(
    "knowledge",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/knowledge/static",
)

READERS = (Role.operator, Role.admin, Role.manager)
ANSWERERS = (Role.operator, Role.admin)
ARTICLE_FIELDS = ("slug", "title_zh", "body_zh", "title_en", "body_en", "keywords", "category")
PAGE_SIZE = 200


@bp.context_processor
def _words() -> dict[str, Any]:
    rules = current_rules()
    return {
        "categories": rules.categories,
        "category_names": {
            c.key: (c.zh if current_language() == "zh-CN" else c.en) for c in rules.categories
        },
        "text_in": text_in,
    }


# -- lists -------------------------------------------------------------------------------------


class ListFilters(BaseModel):
    q: str = Field("", max_length=200)
    category: str = Field("", max_length=64)
    origin: Literal["", "admin", "menu"] = ""
    active: Literal["", "1", "0"] = "1"


def _filters() -> tuple[ListFilters, dict[str, str]]:
    raw = {name: request.args.get(name, "").strip() for name in ListFilters.model_fields}
    if "active" not in request.args:
        raw["active"] = "1"
    try:
        return ListFilters.model_validate(raw), {}
    except ValidationError as exc:
        return ListFilters(), field_errors(exc)


def _listed(filters: ListFilters) -> list[KnowledgeArticle]:
    """The articles the filters pick: best match first when there are words, else newest."""
    query: Select[tuple[KnowledgeArticle]] = select(KnowledgeArticle)
    if filters.category:
        query = query.where(KnowledgeArticle.category == filters.category)
    if filters.origin:
        query = query.where(KnowledgeArticle.origin == filters.origin)
    if filters.active:
        query = query.where(KnowledgeArticle.active.is_(filters.active == "1"))
    if not filters.q:
        query = query.order_by(KnowledgeArticle.updated_at.desc(), KnowledgeArticle.id.desc())
        return list(db.session.scalars(query.limit(PAGE_SIZE)))
    ranked = [h.id for h in service.search(filters.q, current_language(), limit=50)]
    found = {a.id: a for a in db.session.scalars(query.where(KnowledgeArticle.id.in_(ranked)))}
    return [found[i] for i in ranked if i in found]


def _list_page(template: str) -> tuple[str, int]:
    filters, errors = _filters()
    if service.needs_sync():
        service.sync()
    page = render_template(
        template, articles=_listed(filters), filters=filters.model_dump(), errors=errors
    )
    return page, 400 if errors else 200


@bp.get("/admin/knowledge")
@roles_required(Role.admin)
def admin_list() -> tuple[str, int]:
    """Every article, with a search box and filters by category, origin and state."""
    return _list_page("knowledge/admin_list.html")


@bp.get("/knowledge")
@roles_required(*READERS)
def browse() -> tuple[str, int]:
    """The knowledge base to read, and for operators the search panel that records answers."""
    return _list_page("knowledge/browse.html")


# -- writing -----------------------------------------------------------------------------------


def _form_values() -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in ARTICLE_FIELDS}


def _form(article: KnowledgeArticle | None, values: dict[str, str], errors: dict[str, str]):
    status = 409 if "revision" in errors else 400 if errors else 200
    return render_template(
        "knowledge/form.html", article=article, values=values, errors=errors
    ), status


@bp.route("/admin/knowledge/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def new() -> Any:
    """Write an article; a refused one comes back with the input and the error by its field."""
    if request.method == "GET":
        return _form(None, {name: "" for name in ARTICLE_FIELDS}, {})
    values = _form_values()
    try:
        article = service.create_article(current_user.row, service.ArticleIn(**values))
    except (ValidationError, ServiceError) as exc:
        return _form(None, values, field_errors(exc))
    flash(_("Article saved."))
    return redirect(url_for("knowledge.edit", article_id=article.id))


def _article_or_404(article_id: int) -> KnowledgeArticle:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None:
        abort(404)
    return article


@bp.route("/admin/knowledge/<int:article_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(article_id: int) -> Any:
    """Edit an article over the revision the form was opened at (a stale one is refused)."""
    article = _article_or_404(article_id)
    if request.method == "GET":
        values = {name: getattr(article, name) or "" for name in ARTICLE_FIELDS}
        return _form(article, values, {})
    values = _form_values()
    revision = request.form.get("revision", "")
    if not revision.isdigit():
        return _form(article, values, {"revision": _("Reload the article and try again.")})
    try:
        service.edit_article(
            current_user.row, article_id, service.ArticleIn(**values), int(revision)
        )
    except (ValidationError, ServiceError) as exc:
        errors = field_errors(exc)
        if "revision" in errors:
            errors["revision"] = _(
                "Someone else saved this article since you opened it (now revision "
                "%(revision)s). Your text is kept below: reload the article and make your "
                "change again.",
                revision=db.session.get(KnowledgeArticle, article_id).revision,
            )
        return _form(article, values, errors)
    flash(_("Article saved."))
    return redirect(url_for("knowledge.edit", article_id=article_id))


@bp.post("/admin/knowledge/<int:article_id>/active")
@roles_required(Role.admin)
def set_active(article_id: int) -> Response:
    """Deactivate (no longer found by searches) or reactivate an article."""
    _article_or_404(article_id)
    active = request.form.get("action") == "reactivate"
    try:
        service.set_active(current_user.row, article_id, active)
    except ServiceError as exc:
        flash(str(exc))
    else:
        flash(_("Article reactivated.") if active else _("Article deactivated."))
    return redirect(url_for("knowledge.edit", article_id=article_id))


@bp.get("/admin/knowledge/<int:article_id>/history")
@roles_required(Role.admin)
def history(article_id: int) -> str:
    """Who saved each revision, when, and what it changed."""
    article = _article_or_404(article_id)
    return render_template(
        "knowledge/history.html", article=article, entries=service.history(article_id)
    )


# -- the desk's JSON endpoints -----------------------------------------------------------------


def _lang() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in service.LANGUAGES else current_language()


@bp.get("/knowledge/search")
@roles_required(*ANSWERERS)
def search_json() -> Response:
    """`{"items": [{id, slug, title, snippet, category, origin, score}]}`, best first."""
    hits = service.search(request.args.get("q", "")[:200], _lang())
    return jsonify({"items": [hit.__dict__ for hit in hits]})


@bp.get("/knowledge/<int:article_id>")
@roles_required(*ANSWERERS)
def article_json(article_id: int) -> Response:
    """One article in the asked language (or the other one where it has none)."""
    article = _article_or_404(article_id)
    lang = _lang()
    return jsonify(
        {
            "id": article.id,
            "slug": article.slug,
            "title": text_in(article, "title", lang),
            "body": text_in(article, "body", lang),
            "category": article.category,
            "revision": article.revision,
            "active": article.active,
        }
    )


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visit_id: int | None = Field(None, ge=1)
    caller_number: str = Field("", max_length=32)
    language: Literal["zh-CN", "en-US"] | None = None
    question: str = Field("", max_length=5000)
    source: Literal["phone", "letter", "visit", "web", "email", "partner"] = "phone"


def _errors(exc: ValidationError | ServiceError) -> dict[str, str]:
    errors = field_errors(exc)
    if "queue_visit_id" in errors:
        errors["visit_id"] = errors.pop("queue_visit_id")
    return errors


@bp.post("/knowledge/<int:article_id>/answer")
@roles_required(*ANSWERERS)
def answer(article_id: int) -> tuple[Response, int]:
    """Record the consultation answered with this article: 201 `{"ticket": {id, number}}`,
    400 `{"errors": {field: message}}`, 403 for another operator's call, 404 no article."""
    _article_or_404(article_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"errors": {"": "send a JSON object"}}), 400
    try:
        given = AnswerBody.model_validate(body)
        ticket = service.answer_consultation(
            current_user.row,
            article_id,
            caller_number=given.caller_number,
            language=given.language,
            source=given.source,
            queue_visit_id=given.visit_id,
            question=given.question,
        )
    except ValidationError as exc:
        return jsonify({"errors": _errors(exc)}), 400
    except ServiceError as exc:
        return jsonify({"errors": _errors(exc)}), status_of(exc)
    return jsonify({"ticket": {"id": ticket.id, "number": ticket.number}}), 201

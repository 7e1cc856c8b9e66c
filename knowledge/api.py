"""`/api/v1/knowledge`: search the knowledge base, list, read, write and edit articles (admins
write), and record a consultation answered with an article (operators). Every change goes
through `knowledge.service`; a stale edit is answered 409."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.db import db
from hotline.core.models import Role, User
from knowledge import service
from knowledge.models import KnowledgeArticle

bp = Blueprint("knowledge_api", __name__, url_prefix="/api/v1/knowledge")
json_errors(bp)

ERRORS = error_responses(400, 401, 403)
READERS = (Role.operator, Role.manager)
TAGS = ["knowledge"]


class SearchQuery(BaseModel):
    q: str = Field("", max_length=200, description="the caller's words, Chinese or English")
    lang: Literal["zh-CN", "en-US"] = "zh-CN"
    limit: int = Field(10, ge=1, le=50)


class HitOut(BaseModel):
    id: int
    slug: str
    title: str
    snippet: str
    category: str | None
    origin: str
    score: float


class SearchOut(BaseModel):
    items: list[HitOut]


class ListQuery(BaseModel):
    category: str | None = Field(None, max_length=64)
    origin: Literal["admin", "menu"] | None = None
    active: bool | None = True
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class ArticleOut(BaseModel):
    id: int
    slug: str
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    keywords: str
    category: str | None
    origin: str
    menu_node_id: str | None
    active: bool
    revision: int
    uses: int
    updated_at: str
    updated_by: str


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    page: int
    per_page: int
    total: int


class ArticleEdit(service.ArticleIn):
    revision: int = Field(ge=1, le=2**31 - 1, description="the revision this edit started from")
    active: bool | None = Field(None, description="deactivate (false) or reactivate (true)")


class AnswerIn(BaseModel):
    visit_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="the queue visit (call) answered on"
    )
    caller_number: str = Field("", max_length=32)
    language: Literal["zh-CN", "en-US"] | None = None
    source: Literal["phone", "letter", "visit", "web", "email", "partner"] = "phone"
    question: str = Field("", max_length=5000)


class TicketRef(BaseModel):
    id: int
    number: str | None
    state: str


class Answered(BaseModel):
    ticket: TicketRef


def article_json(article: KnowledgeArticle) -> dict[str, Any]:
    return {
        **{
            name: getattr(article, name) for name in ArticleOut.model_fields if name != "updated_at"
        },
        "updated_at": article.updated_at.isoformat(),
    }


def _actor() -> User:
    return g.api_user


def _article(article_id: int) -> KnowledgeArticle:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"no knowledge article {article_id}")
    return article


@bp.get("/search")
@require_role(*READERS)
@spec.validate(query=SearchQuery, resp=Responses(HTTP_200=SearchOut, **ERRORS), tags=TAGS)
def search() -> Response:
    """Active articles matching the words, best first, titled and quoted in `lang` (or the
    other language where an article has none); no known word: no items."""
    args: SearchQuery = request.context.query  # type: ignore[attr-defined]
    hits = service.search(args.q, args.lang, args.limit)
    return jsonify({"items": [hit.__dict__ for hit in hits]})


@bp.get("/articles")
@require_role(*READERS)
@spec.validate(query=ListQuery, resp=Responses(HTTP_200=ArticlePage, **ERRORS), tags=TAGS)
def list_articles() -> Response:
    """Articles, last saved first; filtered by category, origin (admin, menu) and state."""
    args: ListQuery = request.context.query  # type: ignore[attr-defined]
    query = select(KnowledgeArticle)
    if args.category:
        query = query.where(KnowledgeArticle.category == args.category)
    if args.origin:
        query = query.where(KnowledgeArticle.origin == args.origin)
    if args.active is not None:
        query = query.where(KnowledgeArticle.active.is_(args.active))
    found = db.paginate(
        query.order_by(KnowledgeArticle.updated_at.desc(), KnowledgeArticle.id.desc()),
        page=args.page,
        per_page=args.per_page,
        error_out=False,
    )
    return jsonify(
        {
            "items": [article_json(a) for a in found.items],
            "page": args.page,
            "per_page": args.per_page,
            "total": found.total,
        }
    )


@bp.post("/articles")
@require_role()
@spec.validate(json=service.ArticleIn, resp=Responses(HTTP_201=ArticleOut, **ERRORS), tags=TAGS)
def create_article() -> tuple[Response, int]:
    """A new article (admins): a title and text in Chinese or English, at least."""
    body: service.ArticleIn = request.context.json  # type: ignore[attr-defined]
    return jsonify(article_json(service.create_article(_actor(), body))), 201


@bp.get("/articles/<int:article_id>")
@require_role(*READERS)
@spec.validate(resp=Responses(HTTP_200=ArticleOut, HTTP_404=ErrorBody, **ERRORS), tags=TAGS)
def get_article(article_id: int) -> Response:
    """One article, both languages."""
    return jsonify(article_json(_article(article_id)))


@bp.put("/articles/<int:article_id>")
@require_role()
@spec.validate(
    json=ArticleEdit,
    resp=Responses(HTTP_200=ArticleOut, HTTP_404=ErrorBody, HTTP_409=ErrorBody, **ERRORS),
    tags=TAGS,
)
def put_article(article_id: int) -> Response:
    """Replace an article's text (admins) over `revision`, the one the edit started from: 409
    when someone saved it since. `active` deactivates or reactivates it as well."""
    body: ArticleEdit = request.context.json  # type: ignore[attr-defined]
    _article(article_id)
    text = service.ArticleIn(**body.model_dump(exclude={"revision", "active"}))
    article = service.edit_article(_actor(), article_id, text, body.revision)
    if body.active is not None and body.active != article.active:
        article = service.set_active(_actor(), article_id, body.active, article.revision)
    return jsonify(article_json(article))


@bp.post("/articles/<int:article_id>/answer")
@require_role(Role.operator)
@spec.validate(
    json=AnswerIn,
    resp=Responses(HTTP_201=Answered, HTTP_404=ErrorBody, **ERRORS),
    tags=TAGS,
)
def answer(article_id: int) -> tuple[Response, int]:
    """Record a consultation answered with this article: a consultation ticket, opened and
    resolved at once (403 when `visit_id` is another operator's call)."""
    body: AnswerIn = request.context.json  # type: ignore[attr-defined]
    _article(article_id)
    ticket = service.answer_consultation(
        _actor(),
        article_id,
        caller_number=body.caller_number,
        language=body.language,
        source=body.source,
        queue_visit_id=body.visit_id,
        question=body.question,
    )
    return jsonify(
        {"ticket": {"id": ticket.id, "number": ticket.number, "state": ticket.state}}
    ), 201

"""The knowledge base's use cases, for the pages, the API and the CLI: write, edit, deactivate
and reactivate an article (each save a numbered revision; an edit from a stale revision is
refused), import a file of articles (all or nothing), search, and answer a consultation with an
article (a consultation ticket, opened and resolved at once). Each writes one audit entry
`knowledge.<action>` and owns its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import func, select, update

from hotline.core.audit import Actor, actor_name, record
from hotline.core.clock import now
from hotline.core.db import db
from hotline.core.models import Role, User
from hotline.core.phones import filed_number
from hotline.core.service import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ServiceError,
    transaction,
)
from ivr.models import Call, QueueVisit
from knowledge import search as searching
from knowledge.menu_answers import needs_sync, sync_menu_answers
from knowledge.models import KnowledgeArticle
from knowledge.revisions import ADMIN, FIELDS, MENU, saved, snapshot
from tickets import lifecycle
from tickets.models import Ticket, TicketEvent, TicketSource, TicketState, TicketType
from tickets.rules import current_rules

LANGUAGES = ("zh-CN", "en-US")
SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"


class KnowledgeError(ServiceError):
    """An article that cannot be saved or used; `field` names the input at fault."""


class NoSuchArticle(KnowledgeError, NotFoundError):
    """There is no article with that id."""


class StaleRevision(KnowledgeError, ConflictError):
    """The article was saved by someone else since this copy was opened."""


class ReadOnly(KnowledgeError, ForbiddenError):
    """A menu answer is edited in the menu editor, or the actor may not answer."""


# -- input -------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """An article as an admin writes it: a title and body in at least one language."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    slug: str = Field(pattern=SLUG, description="a stable key: lower-case letters, digits, -")
    title_zh: str = Field("", max_length=200)
    body_zh: str = Field("", max_length=20_000)
    title_en: str = Field("", max_length=200)
    body_en: str = Field("", max_length=20_000)
    keywords: str = Field("", max_length=2000, description="words callers use, space or comma")
    category: str = Field("", max_length=64, description="a category key of the suggester")

    @field_validator("slug")
    @classmethod
    def _not_menu(cls, value: str) -> str:
        if value.startswith("menu-"):
            raise ValueError("slugs starting with menu- are the menu's answers")
        return value


def check_article(data: ArticleIn) -> None:
    """What pydantic cannot say alone: a language's title with its body, at least one
    language, a known category."""
    for lang in ("zh", "en"):
        title, body = getattr(data, f"title_{lang}"), getattr(data, f"body_{lang}")
        if title and not body:
            raise KnowledgeError("write the text that goes with this title", f"body_{lang}")
        if body and not title:
            raise KnowledgeError("give this text a title", f"title_{lang}")
    if not (data.title_zh or data.title_en):
        raise KnowledgeError("write a title and text in Chinese or English", "title_zh")
    keys = {c.key for c in current_rules().categories}
    if data.category and data.category not in keys:
        raise KnowledgeError(f"unknown category {data.category!r}", "category")


def find_article(article_id: int) -> KnowledgeArticle:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NoSuchArticle(f"no knowledge article {article_id}", "article")
    return article


def _slug_taken(slug: str, article_id: int | None = None) -> bool:
    query = select(KnowledgeArticle.id).where(KnowledgeArticle.slug == slug)
    found = db.session.scalar(query)
    return found is not None and found != article_id


# -- saving ------------------------------------------------------------------------------------


def new_article(actor: str, data: ArticleIn) -> KnowledgeArticle:
    check_article(data)
    if _slug_taken(data.slug):
        raise KnowledgeError(f"another article has the slug {data.slug!r}", "slug")
    article = KnowledgeArticle(
        **data.model_dump(exclude={"category"}),
        category=data.category or None,
        origin=ADMIN,
        revision=1,
        created_at=now(),
    )
    db.session.add(article)
    saved(article, actor)
    return article


def create_article(actor: Actor | None, data: ArticleIn) -> KnowledgeArticle:
    """A new article (revision 1); audit `knowledge.created`."""
    with transaction():
        article = new_article(actor_name(actor), data)
        record(actor, "knowledge.created", f"knowledge:{article.id}", slug=article.slug)
    return article


def _bump(article: KnowledgeArticle, revision: int, values: dict[str, Any]) -> None:
    """Write `values` and the next revision, unless the article moved past `revision` (then
    StaleRevision: the second of two admins is refused, never silently lost)."""
    changed = db.session.execute(
        update(KnowledgeArticle)
        .where(KnowledgeArticle.id == article.id, KnowledgeArticle.revision == revision)
        .values(**values, revision=revision + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(article)
    if not changed:
        raise StaleRevision(
            f"{article.updated_by} saved this article since you opened it (yours: revision "
            f"{revision}, now: revision {article.revision}); reload it and make your change "
            "again",
            "revision",
        )


def edit_article(
    actor: Actor | None, article_id: int, data: ArticleIn, revision: int
) -> KnowledgeArticle:
    """Save an admin's article over `revision`, the one the edit started from; audit
    `knowledge.edited` with the fields that changed."""
    with transaction():
        article = find_article(article_id)
        if article.origin == MENU:
            raise ReadOnly("a menu answer is edited in the menu editor", "slug")
        check_article(data)
        if _slug_taken(data.slug, article.id):
            raise KnowledgeError(f"another article has the slug {data.slug!r}", "slug")
        before = snapshot(article)
        values = {**data.model_dump(), "category": data.category or None}
        _bump(article, revision, values)
        saved(article, actor_name(actor))
        changed = [name for name in FIELDS if before[name] != getattr(article, name)]
        record(actor, "knowledge.edited", f"knowledge:{article.id}", fields=changed)
    return article


def set_active(
    actor: Actor | None, article_id: int, active: bool, revision: int | None = None
) -> KnowledgeArticle:
    """Deactivate (no longer found) or reactivate an admin's article: a revision of its own;
    audit `knowledge.deactivated` or `knowledge.reactivated`."""
    with transaction():
        article = find_article(article_id)
        if article.origin == MENU:
            raise ReadOnly("a menu answer follows the published menu", "active")
        if article.active != active:
            _bump(article, article.revision if revision is None else revision, {"active": active})
            saved(article, actor_name(actor))
        action = "knowledge.reactivated" if active else "knowledge.deactivated"
        record(actor, action, f"knowledge:{article.id}", slug=article.slug)
    return article


# -- history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    revision: int
    at: Any
    actor: str
    changed: list[str]


def history(article_id: int) -> list[HistoryEntry]:
    """Every revision of an article, newest first, with the fields it changed."""
    article = find_article(article_id)
    entries, before = [], None
    for rev in article.revisions:
        data = rev.data or {}
        changed = [n for n in FIELDS if before is None or before.get(n) != data.get(n)]
        entries.append(HistoryEntry(rev.revision, rev.at, rev.actor, changed))
        before = data
    return entries[::-1]


# -- import ------------------------------------------------------------------------------------


class ImportRefused(KnowledgeError):
    """An imported file that was refused as a whole; the message says which entry."""


def import_articles(actor: Actor | None, entries: Any) -> list[KnowledgeArticle]:
    """A list of articles: each new slug created, each known one edited over its current
    revision; one refused entry refuses them all (nothing is saved). Audit `knowledge.imported`."""
    if not isinstance(entries, list) or not entries:
        raise ImportRefused("the file holds no list of articles", "file")
    name = actor_name(actor)
    with transaction():
        done = []
        for number, entry in enumerate(entries, 1):
            try:
                data = ArticleIn.model_validate(entry)
                done.append(_import_one(name, data))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise ImportRefused(f"article {number}: {field}: {first['msg']}", "file") from None
            except KnowledgeError as exc:
                raise ImportRefused(f"article {number}: {exc.field}: {exc}", "file") from None
        record(actor, "knowledge.imported", "knowledge", slugs=[a.slug for a in done])
    return done


def _import_one(actor: str, data: ArticleIn) -> KnowledgeArticle:
    existing = db.session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.slug == data.slug))
    if existing is None:
        return new_article(actor, data)
    if existing.origin == MENU:
        raise ReadOnly("a menu answer is edited in the menu editor", "slug")
    check_article(data)
    _bump(existing, existing.revision, {**data.model_dump(), "category": data.category or None})
    saved(existing, actor)
    return existing


# -- answering a consultation ------------------------------------------------------------------

ANSWER_SOURCES = (
    TicketSource.phone,
    TicketSource.letter,
    TicketSource.visit,
    TicketSource.web,
    TicketSource.email,
    TicketSource.partner,
)


class AnswerIn(BaseModel):
    """How a consultation answered with an article is registered."""

    model_config = ConfigDict(str_strip_whitespace=True)

    caller_number: str = Field("", max_length=32)
    language: Literal["zh-CN", "en-US"] | None = None
    source: Literal["phone", "letter", "visit", "web", "email", "partner"] = "phone"
    call_id: int | None = None
    queue_visit_id: int | None = Field(None, ge=1, le=2**31 - 1)
    question: str = Field("", max_length=5000)


def _from_visit(actor: User, given: AnswerIn) -> AnswerIn:
    """The call's caller, language and id, when the consultation was answered on a call the
    actor took (another operator's call is refused)."""
    if given.queue_visit_id is None:
        return given
    visit = db.session.get(QueueVisit, given.queue_visit_id)
    if visit is None:
        raise KnowledgeError(f"no call visit {given.queue_visit_id}", "visit_id")
    if visit.operator_id != actor.id:
        raise ReadOnly("this call was taken by another operator", "visit_id")
    call = db.session.get(Call, visit.call_id)
    return given.model_copy(
        update={
            "call_id": given.call_id or visit.call_id,
            "caller_number": given.caller_number or (call.from_number if call else ""),
            "language": given.language or (call.language if call else None),
            "source": TicketSource.phone.value,
        }
    )


def _resolution(article: KnowledgeArticle, language: str) -> str:
    title = (article.title_en or article.title_zh) if language == "en-US" else article.title_zh
    title = title or article.title_en
    return f"answered with knowledge article {article.slug} (revision {article.revision}): {title}"


def answer_consultation(
    actor: User,
    article_id: int,
    *,
    caller_number: str = "",
    language: str | None = None,
    source: str = "phone",
    call_id: int | None = None,
    queue_visit_id: int | None = None,
    question: str = "",
) -> Ticket:
    """A consultation answered with an article: a consultation ticket, numbered and resolved
    at once, with an `answered` event naming the article; the article's use counted; audit
    `knowledge.answered`. No SMS: the caller heard the answer."""
    given = AnswerIn.model_validate(
        {
            "caller_number": caller_number,
            "language": language,
            "source": source,
            "call_id": call_id,
            "queue_visit_id": queue_visit_id,
            "question": question,
        }
    )
    if actor.role not in (Role.operator.value, Role.admin.value):
        raise ReadOnly(f"role {actor.role!r} may not answer consultations", "role")
    with transaction():
        article = find_article(article_id)
        if not article.active:
            raise KnowledgeError("this article is no longer in use", "article")
        given = _from_visit(actor, given)
        ticket = _consultation(actor.username, article, given)
        db.session.execute(
            update(KnowledgeArticle)
            .where(KnowledgeArticle.id == article.id)
            .values(uses=KnowledgeArticle.uses + 1)
            .execution_options(synchronize_session=False)
        )
        record(
            actor,
            "knowledge.answered",
            f"ticket:{ticket.id}",
            article=article.slug,
            revision=article.revision,
            number=ticket.number,
        )
    return ticket


def _consultation(actor: str, article: KnowledgeArticle, given: AnswerIn) -> Ticket:
    if given.call_id is not None and db.session.get(Call, given.call_id) is None:
        raise KnowledgeError(f"no call {given.call_id}", "call_id")
    number = filed_number(given.caller_number)
    if number is None:
        raise KnowledgeError("caller_number is a phone number like +8613800138000", "caller_number")
    language = given.language or "zh-CN"
    at = now()
    ticket = Ticket(
        state=TicketState.draft.value,
        source=given.source,
        type=TicketType.consultation.value,
        category=article.category,
        caller_number=number,
        language=language,
        description=given.question or _resolution(article, language),
        call_id=given.call_id,
        queue_visit_id=given.queue_visit_id,
        created_at=at,
        updated_at=at,
    )
    db.session.add(ticket)
    db.session.flush()
    lifecycle.confirm(ticket, actor)
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor=actor,
            kind="answered",
            at=at,
            data={"article_id": article.id, "slug": article.slug, "revision": article.revision},
        )
    )
    lifecycle.resolve(ticket, actor, _resolution(article, language))
    return ticket


def article_count() -> int:
    return db.session.scalar(select(func.count()).select_from(KnowledgeArticle)) or 0


# -- search and the menu's answers -------------------------------------------------------------


def search(query: str, language: str = "zh-CN", limit: int = 10) -> list[searching.Hit]:
    """The active articles matching `query`, best first; [] for a query with no known term.
    The menu's answers are brought up to the published menu first (one cheap check)."""
    if needs_sync():
        sync_menu_answers()
    return searching.find(query, language, limit)


def sync(force: bool = False) -> Any:
    """`hotline knowledge sync`: the menu's answers as the published menu has them."""
    return sync_menu_answers(force=force)

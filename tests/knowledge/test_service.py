"""The knowledge base's use cases against real SQLite and PostgreSQL: revisions and the
refused stale edit, search ranking, the menu's answers kept in step with the published menu,
and a consultation answered with an article (counted by the daily report)."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from hotline.core.db import db
from hotline.core.models import AuditLog
from hotline.core.service import ConflictError, ForbiddenError, ServiceError
from ivr.versions import default_menu_text, import_text
from knowledge import service
from knowledge.models import KnowledgeArticle, KnowledgeRevision, KnowledgeTerm
from knowledge.service import ArticleIn
from tests.knowledge.conftest import user
from tickets.models import Ticket, TicketEvent

CARD = {
    "slug": "gym-card",
    "title_zh": "健身卡转让",
    "body_zh": "健身房会员卡可以按照合同约定转让给他人。",
    "title_en": "Transferring a gym membership",
    "body_en": "A gym membership card may be transferred to another person as the contract allows.",
    "keywords": "健身 会员卡 gym",
    "category": "prepaid",
}


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# -- writing -----------------------------------------------------------------------------------


def test_each_save_is_a_revision_with_its_terms_and_an_audit_entry(app, people) -> None:
    with app.app_context():
        article = service.create_article(user("root"), ArticleIn(**CARD))
        assert (article.revision, article.origin, article.updated_by) == (1, "admin", "root")
        edited = service.edit_article(
            user("root"), article.id, ArticleIn(**{**CARD, "title_zh": "健身卡能否转让"}), 1
        )
        assert edited.revision == 2
        revisions = db.session.scalars(
            select(KnowledgeRevision).where(KnowledgeRevision.article_id == article.id)
        ).all()
        assert [(r.revision, r.data["title_zh"]) for r in revisions] == [
            (1, "健身卡转让"),
            (2, "健身卡能否转让"),
        ]
        terms = set(
            db.session.scalars(
                select(KnowledgeTerm.term).where(KnowledgeTerm.article_id == article.id)
            )
        )
        assert {"健身", "能否", "gym", "membership"} <= terms
        assert "转让" in terms
        assert actions() == ["knowledge.created", "knowledge.edited"]
        assert service.history(article.id)[0].changed == ["title_zh"]


def test_a_stale_edit_is_refused_and_changes_nothing(app, people) -> None:
    with app.app_context():
        article = service.create_article(user("root"), ArticleIn(**CARD))
        service.edit_article(user("root"), article.id, ArticleIn(**{**CARD, "keywords": "a"}), 1)
        with pytest.raises(ConflictError, match="root saved this article since you opened it"):
            service.edit_article(
                user("wang"), article.id, ArticleIn(**{**CARD, "title_en": "Mine"}), 1
            )
        db.session.expire_all()
        found = db.session.get(KnowledgeArticle, article.id)
        assert (found.revision, found.title_en) == (2, CARD["title_en"])
        assert actions() == ["knowledge.created", "knowledge.edited"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body_zh": ""}, "body_zh"),
        ({"title_en": ""}, "title_en"),
        ({"title_zh": "", "body_zh": "", "title_en": "", "body_en": ""}, "title_zh"),
        ({"category": "no-such"}, "category"),
    ],
)
def test_an_incomplete_article_is_refused_naming_the_field(app, people, change, field) -> None:
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            service.create_article(user("root"), ArticleIn(**{**CARD, **change}))
        assert refused.value.field == field
        assert db.session.scalar(select(func.count()).select_from(KnowledgeArticle)) == 0


def test_a_slug_is_one_article_and_menu_slugs_are_the_menus(app, people) -> None:
    from pydantic import ValidationError

    with app.app_context():
        service.create_article(user("root"), ArticleIn(**CARD))
        with pytest.raises(ServiceError, match="another article has the slug") as taken:
            service.create_article(user("root"), ArticleIn(**CARD))
        assert taken.value.field == "slug"
        with pytest.raises(ValidationError, match="menu"):
            ArticleIn(**{**CARD, "slug": "menu-knowledge"})


def test_a_deactivated_article_is_not_found_until_reactivated(app, people) -> None:
    with app.app_context():
        article = service.create_article(user("root"), ArticleIn(**CARD))
        assert [h.slug for h in service.search("健身卡")] == ["gym-card"]
        service.set_active(user("root"), article.id, False)
        assert service.search("健身卡") == []
        service.set_active(user("root"), article.id, True)
        assert [h.slug for h in service.search("健身卡")] == ["gym-card"]
        assert db.session.get(KnowledgeArticle, article.id).revision == 3
        assert actions()[-2:] == ["knowledge.deactivated", "knowledge.reactivated"]


# -- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "language", "first"),
    [
        ("网购七天无理由退货", "zh-CN", "seven-day-return"),
        ("预付卡老板跑路了怎么退钱", "zh-CN", "prepaid-card-refund"),
        ("买到过期食品能赔多少", "zh-CN", "food-tenfold-compensation"),
        ("买到假货", "zh-CN", "fraud-threefold-compensation"),
        ("冰箱坏了", "zh-CN", "appliance-three-guarantees"),
        ("快递丢了", "zh-CN", "courier-loss"),
        ("培训班不退费", "zh-CN", "training-course-refund"),
        ("Returns of things bought online", "en-US", "seven-day-return"),
        ("prepaid card refund", "en-US", "prepaid-card-refund"),
        ("expired food compensation", "en-US", "food-tenfold-compensation"),
        ("lost parcel", "en-US", "courier-loss"),
    ],
)
def test_the_seeded_articles_are_found_first(app, seeded, query, language, first) -> None:
    with app.app_context():
        hits = service.search(query, language)
        assert hits[0].slug == first
        assert hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "的了吗", "x" * 5000, "%_'; DROP"])
def test_an_empty_or_junk_query_finds_nothing(app, seeded, query) -> None:
    with app.app_context():
        assert service.search(query) == []


def test_a_title_word_outranks_the_same_word_in_a_body(app, people) -> None:
    with app.app_context():
        service.create_article(
            user("root"),
            ArticleIn(slug="in-body", title_zh="汽车维修", body_zh="维修时发现电瓶问题需要更换。"),
        )
        service.create_article(
            user("root"), ArticleIn(slug="in-title", title_zh="电瓶更换", body_zh="按照约定处理。")
        )
        assert [h.slug for h in service.search("电瓶")] == ["in-title", "in-body"]


def test_hits_read_in_the_asked_language_or_the_other(app, people) -> None:
    with app.app_context():
        service.create_article(
            user("root"),
            ArticleIn(slug="zh-only", title_zh="共享单车押金", body_zh="押金应当退还。"),
        )
        service.create_article(user("root"), ArticleIn(**CARD))
        [hit] = service.search("押金", "en-US")
        assert (hit.title, hit.snippet) == ("共享单车押金", "押金应当退还。")
        [card] = service.search("gym", "en-US")
        assert card.title == CARD["title_en"]
        assert service.search("gym", "zh-CN")[0].title == CARD["title_zh"]


# -- the menu's answers ------------------------------------------------------------------------


def test_the_menus_answers_follow_the_published_menu(app, people) -> None:
    with app.app_context():
        [hit] = service.search("上门推销")
        assert (hit.slug, hit.origin, hit.title) == ("menu-knowledge", "menu", "消费咨询")
        article = db.session.get(KnowledgeArticle, hit.id)
        assert "预付卡余额" in article.body_zh
        assert "seven days" in article.body_en
        assert service.sync() is None or not service.sync().anything  # nothing changed
        with pytest.raises(ForbiddenError):
            service.edit_article(user("root"), article.id, ArticleIn(**CARD), article.revision)

        document = yaml.safe_load(default_menu_text())
        node = next(n for n in document["nodes"] if n["id"] == "knowledge")
        node["options"][0]["prompt"]["zh-CN"] = "上门推销的商品，七日内可以无理由退货，请保留凭证。"
        import_text(yaml.safe_dump(document, allow_unicode=True), publish_now=True)
        db.session.commit()
        assert "请保留凭证" in service.search("上门推销")[0].snippet + article.body_zh
        db.session.refresh(article)
        assert article.revision == 2

        main = next(n for n in document["nodes"] if n["id"] == "main")
        main["options"] = [o for o in main["options"] if o["target"] != "knowledge"]
        document["nodes"] = [n for n in document["nodes"] if n["id"] != "knowledge"]
        import_text(yaml.safe_dump(document, allow_unicode=True), publish_now=True)
        db.session.commit()
        assert service.search("上门推销") == []
        db.session.refresh(article)
        assert (article.active, article.revision) == (False, 3)
        assert actions().count("knowledge.synced") == 3


# -- answering a consultation ------------------------------------------------------------------


def test_a_consultation_answered_with_an_article_is_a_resolved_ticket(app, seeded, people) -> None:
    with app.app_context():
        article = db.session.scalar(
            select(KnowledgeArticle).where(KnowledgeArticle.slug == "prepaid-card-refund")
        )
        ticket = service.answer_consultation(
            user("wang"),
            article.id,
            caller_number="+86 138-0013-8000",
            language="zh-CN",
            source="letter",
            question="健身房倒闭了，卡里的钱能退吗？",
        )
        db.session.expire_all()
        ticket = db.session.get(Ticket, ticket.id)
        assert (ticket.type, ticket.state, ticket.source) == ("consultation", "resolved", "letter")
        assert ticket.number.startswith("12315-")
        assert ticket.caller_number == "+8613800138000"
        assert ticket.category == "prepaid"
        assert "prepaid-card-refund (revision 1)" in ticket.resolution
        kinds = [e.kind for e in ticket.events]
        assert kinds == ["opened", "answered", "resolved"]
        answered = db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "answered"))
        assert answered.data == {"article_id": article.id, "slug": article.slug, "revision": 1}
        assert db.session.get(KnowledgeArticle, article.id).uses == 1
        assert actions()[-1] == "knowledge.answered"


def test_an_answer_on_a_call_takes_the_calls_caller_and_language(
    app, seeded, people, taken_call
) -> None:
    visit = taken_call("wang")
    with app.app_context():
        article_id = service.search("快递丢了")[0].id
        ticket = service.answer_consultation(user("wang"), article_id, queue_visit_id=visit)
        assert (ticket.caller_number, ticket.language, ticket.source) == (
            "+8613800138000",
            "en-US",
            "phone",
        )
        assert ticket.queue_visit_id == visit
        assert ticket.call_id is not None
        assert "Lost or damaged parcels" in ticket.resolution


def test_another_operators_call_and_a_bad_number_are_refused(
    app, seeded, people, taken_call
) -> None:
    visit = taken_call("li")
    with app.app_context():
        article_id = service.search("快递丢了")[0].id
        with pytest.raises(ForbiddenError, match="another operator"):
            service.answer_consultation(user("wang"), article_id, queue_visit_id=visit)
        with pytest.raises(ServiceError) as bad:
            service.answer_consultation(user("wang"), article_id, caller_number="call me")
        assert bad.value.field == "caller_number"
        with pytest.raises(ForbiddenError):
            service.answer_consultation(user("maria"), article_id, caller_number="13800138000")
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
        assert db.session.get(KnowledgeArticle, article_id).uses == 0


def test_the_daily_report_counts_the_answered_consultation(app, seeded, people, set_clock) -> None:
    from reports.figures import figures
    from reports.periods import Period

    moment = set_clock(2026, 11, 23, 15, 30)
    with app.app_context():
        article_id = service.search("假货")[0].id
        service.answer_consultation(user("wang"), article_id, caller_number="13800138000")
        day = Period(moment.date(), moment.date(), "day")
        counted = figures(day, app.config["HOTLINE_SETTINGS"].zone)
        assert counted.by_type == {"consultation": 1}
        assert counted.by_source == {"phone": 1}


# -- import ------------------------------------------------------------------------------------


def test_an_import_is_all_or_nothing(app, people) -> None:
    good = {**CARD, "slug": "good-one"}
    with app.app_context():
        with pytest.raises(ServiceError, match="article 2: category"):
            service.import_articles(user("root"), [good, {**CARD, "category": "nope"}])
        assert db.session.scalar(select(func.count()).select_from(KnowledgeArticle)) == 0
        done = service.import_articles(user("root"), [good, {**CARD, "slug": "other"}])
        assert [a.slug for a in done] == ["good-one", "other"]
        again = service.import_articles(user("root"), [{**good, "title_en": "New title"}])
        assert (again[0].revision, again[0].title_en) == (2, "New title")
        assert actions() == ["knowledge.imported", "knowledge.imported"]

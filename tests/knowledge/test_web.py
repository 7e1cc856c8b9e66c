"""The knowledge pages and the desk's JSON endpoints through the Flask client: roles, the
admin's form (errors beside the fields, input kept, the stale revision said), history,
deactivation, and search / read / answer with CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.core.db import db
from knowledge.models import KnowledgeArticle
from tests.tickets.test_web import csrf_from, login
from tickets.models import Ticket

ARTICLE = {
    "slug": "bike-deposit",
    "title_zh": "共享单车押金退还",
    "body_zh": "共享单车企业应当及时退还用户押金。",
    "title_en": "Shared bike deposits",
    "body_en": "Bike-sharing companies must return deposits promptly.",
    "keywords": "押金 单车 deposit",
    "category": "shared_bikes",
}


def meta_csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def write(client, **change: str):
    token = csrf_from(client.get("/admin/knowledge/new").text)
    return client.post("/admin/knowledge/new", data={"csrf_token": token, **ARTICLE, **change})


def article_id(app, slug: str = "bike-deposit") -> int:
    with app.app_context():
        return db.session.scalar(select(KnowledgeArticle.id).where(KnowledgeArticle.slug == slug))


def test_roles_of_the_pages(client, people) -> None:
    login(client, "wang", "wang-password")
    assert client.get("/admin/knowledge").status_code == 403
    assert client.get("/admin/knowledge/new").status_code == 403
    page = client.get("/knowledge")
    assert page.status_code == 200
    assert 'id="knowledge-panel"' in page.text
    assert 'id="nav-knowledge"' in page.text
    client.post("/logout", data={"csrf_token": meta_csrf(page.text)})
    login(client, "maria", "maria-password")
    page = client.get("/knowledge")
    assert page.status_code == 200
    assert 'id="knowledge-panel"' not in page.text
    assert client.get("/knowledge/search?q=押金").status_code == 403


def test_an_admin_writes_and_a_refused_form_keeps_the_input(app, client, people) -> None:
    login(client, "root", "root-password")
    refused = write(client, body_zh="", category="nope")
    assert refused.status_code == 400
    assert 'data-field="body_zh"' in refused.text
    assert "共享单车押金退还" in refused.text
    assert "Bike-sharing companies" in refused.text
    assert article_id(app) is None
    saved = write(client)
    assert saved.status_code == 302
    listed = client.get("/admin/knowledge?q=押金").text
    assert 'id="article-bike-deposit"' in listed
    assert 'id="article-bike-deposit"' not in client.get("/admin/knowledge?origin=menu").text


def test_a_stale_edit_is_said_on_the_form_and_nothing_is_lost(app, client, people) -> None:
    login(client, "root", "root-password")
    write(client)
    number = article_id(app)
    form = client.get(f"/admin/knowledge/{number}").text
    token = csrf_from(form)
    first = client.post(
        f"/admin/knowledge/{number}",
        data={"csrf_token": token, **ARTICLE, "title_en": "Deposits", "revision": "1"},
    )
    assert first.status_code == 302
    stale = client.post(
        f"/admin/knowledge/{number}",
        data={"csrf_token": token, **ARTICLE, "title_en": "My title", "revision": "1"},
    )
    assert stale.status_code == 409
    assert "Someone else saved this article" in stale.text or "其他人" in stale.text
    assert 'value="My title"' in stale.text
    with app.app_context():
        assert db.session.get(KnowledgeArticle, number).title_en == "Deposits"
    history = client.get(f"/admin/knowledge/{number}/history").text
    assert 'id="revision-2"' in history
    assert "title_en" in history
    assert "root" in history


def test_deactivate_and_reactivate(app, client, people) -> None:
    login(client, "root", "root-password")
    write(client)
    number = article_id(app)
    token = csrf_from(client.get(f"/admin/knowledge/{number}").text)
    client.post(f"/admin/knowledge/{number}/active", data={"csrf_token": token, "action": "x"})
    with app.app_context():
        assert db.session.get(KnowledgeArticle, number).active is False
    assert client.get("/knowledge/search?q=押金").get_json() == {"items": []}
    client.post(
        f"/admin/knowledge/{number}/active", data={"csrf_token": token, "action": "reactivate"}
    )
    assert client.get("/knowledge/search?q=押金").get_json()["items"][0]["slug"] == "bike-deposit"


def test_a_menu_answer_is_read_only(app, client, people) -> None:
    login(client, "root", "root-password")
    listed = client.get("/admin/knowledge?origin=menu").text
    assert 'id="article-menu-knowledge"' in listed
    number = article_id(app, "menu-knowledge")
    page = client.get(f"/admin/knowledge/{number}").text
    assert 'id="menu-note"' in page
    assert 'id="save"' not in page


def test_the_desk_searches_reads_and_answers(app, client, people, seeded, taken_call) -> None:
    visit = taken_call("wang")
    other = taken_call("li")
    login(client, "wang", "wang-password")
    token = meta_csrf(client.get("/knowledge").text)
    found = client.get("/knowledge/search?q=预付卡退费&lang=en-US").get_json()["items"]
    assert found[0]["slug"] == "prepaid-card-refund"
    assert set(found[0]) == {"id", "slug", "title", "snippet", "category", "origin", "score"}
    assert found[0]["title"] == "Prepaid card refunds"
    assert client.get("/knowledge/search?q=").get_json() == {"items": []}
    number = found[0]["id"]
    article = client.get(f"/knowledge/{number}?lang=zh-CN").get_json()
    assert (article["title"], article["revision"]) == ("预付卡退费", 1)
    assert client.get("/knowledge/99999").status_code == 404

    headers = {"X-CSRFToken": token}
    no_csrf = client.post(f"/knowledge/{number}/answer", json={"visit_id": visit})
    assert no_csrf.status_code == 400
    theirs = client.post(f"/knowledge/{number}/answer", json={"visit_id": other}, headers=headers)
    assert theirs.status_code == 403
    assert "visit_id" in theirs.get_json()["errors"]
    bad = client.post(
        f"/knowledge/{number}/answer", json={"caller_number": "soon"}, headers=headers
    )
    assert bad.status_code == 400
    assert "caller_number" in bad.get_json()["errors"]
    assert client.post("/knowledge/99999/answer", json={}, headers=headers).status_code == 404
    done = client.post(f"/knowledge/{number}/answer", json={"visit_id": visit}, headers=headers)
    assert done.status_code == 201
    ticket = done.get_json()["ticket"]
    with app.app_context():
        row = db.session.get(Ticket, ticket["id"])
        assert (row.number, row.type, row.state) == (ticket["number"], "consultation", "resolved")
        assert row.queue_visit_id == visit


@pytest.mark.parametrize("query", ["%", "' OR 1=1 --", "\u0000", "🙂" * 300])
def test_junk_searches_answer_an_empty_list(client, people, query) -> None:
    login(client, "wang", "wang-password")
    response = client.get("/knowledge/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.get_json() == {"items": []}

"""`/api/v1/knowledge` with bearer tokens: search, list, write (admins), a stale PUT (409),
and a consultation answered (operators)."""

from __future__ import annotations

from tests.accounts import issue_token

ARTICLE = {
    "slug": "ride-refund",
    "title_zh": "网约车多收费",
    "body_zh": "网约车平台多收的车费应当退还。",
    "title_en": "Overcharged ride-hailing fares",
    "body_en": "Platforms must refund fares charged above the agreed price.",
    "category": "ride_hailing",
}


def bearer(app, name: str) -> dict[str, str]:
    with app.app_context():
        return {"Authorization": f"Bearer {issue_token(name)}"}


def test_admins_write_operators_read_and_answer(app, client, people) -> None:
    admin, operator, manager = (bearer(app, n) for n in ("root", "wang", "maria"))
    assert (
        client.post("/api/v1/knowledge/articles", json=ARTICLE, headers=operator).status_code == 403
    )
    bad = client.post("/api/v1/knowledge/articles", json={**ARTICLE, "body_en": ""}, headers=admin)
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "body_en"
    created = client.post("/api/v1/knowledge/articles", json=ARTICLE, headers=admin)
    assert created.status_code == 201
    number = created.get_json()["id"]

    hits = client.get(
        "/api/v1/knowledge/search",
        query_string={"q": "网约车多收钱", "lang": "en-US"},
        headers=manager,
    ).get_json()["items"]
    assert hits[0]["slug"] == "ride-refund"
    assert hits[0]["title"] == ARTICLE["title_en"]
    listed = client.get("/api/v1/knowledge/articles?origin=admin", headers=operator).get_json()
    assert [a["slug"] for a in listed["items"]] == ["ride-refund"]

    edit = {**ARTICLE, "title_en": "Fares above the price", "revision": 1}
    assert (
        client.put(f"/api/v1/knowledge/articles/{number}", json=edit, headers=admin).status_code
        == 200
    )
    stale = client.put(f"/api/v1/knowledge/articles/{number}", json=edit, headers=admin)
    assert stale.status_code == 409
    assert stale.get_json()["field"] == "revision"
    off = client.put(
        f"/api/v1/knowledge/articles/{number}",
        json={**edit, "revision": 2, "active": False},
        headers=admin,
    ).get_json()
    assert (off["active"], off["revision"]) == (False, 4)
    assert (
        client.get(f"/api/v1/knowledge/articles/{number}", headers=manager).get_json()["title_en"]
        == "Fares above the price"
    )
    assert client.get("/api/v1/knowledge/articles/999", headers=manager).status_code == 404

    on = {**edit, "revision": 4, "active": True}
    client.put(f"/api/v1/knowledge/articles/{number}", json=on, headers=admin)
    url = f"/api/v1/knowledge/articles/{number}/answer"
    assert (
        client.post(url, json={"caller_number": "+8613800138000"}, headers=manager).status_code
        == 403
    )
    answered = client.post(
        url, json={"caller_number": "+8613800138000", "source": "web"}, headers=operator
    )
    assert answered.status_code == 201
    assert answered.get_json()["ticket"]["state"] == "resolved"
    refused = client.post(url, json={"caller_number": "x"}, headers=operator)
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "caller_number"


def test_the_knowledge_api_is_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/knowledge/search"])
    assert {"get", "post"} <= set(paths["/api/v1/knowledge/articles"])
    assert {"get", "put"} <= set(paths["/api/v1/knowledge/articles/{article_id}"])
    assert "post" in paths["/api/v1/knowledge/articles/{article_id}/answer"]

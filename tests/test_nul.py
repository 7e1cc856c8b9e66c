"""A NUL character in a query value, a form field or a JSON string is refused with a 400 that
names the field, on every database: PostgreSQL cannot store it, and would answer a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from hotline.core.db import db
from hotline.core.models import AuditLog
from tests.accounts import create_user, issue_token
from tests.tickets.test_web import csrf_from, login


def test_api_query_values_with_nul_are_refused(app, client) -> None:
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
        token = issue_token("wang")
    for url in (
        "/api/v1/tickets?caller=%00",
        "/api/v1/tickets?q=a%00b",
        "/api/v1/voicemails?x%00=1",
    ):
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400, url
        body = response.get_json()
        assert "NUL" in body["error"]
        assert body["status"] == 400
    assert client.get("/api/v1/tickets?caller=%00").get_json()["field"] == "caller"


def test_path_parts_with_nul_are_refused(app, client) -> None:
    with app.app_context():
        create_user("root", "admin", password="admin-pw")
        token = issue_token("root")
    bearer = {"Authorization": f"Bearer {token}"}
    refused = client.patch("/api/v1/users/a%00b", json={"display_name": "x"}, headers=bearer)
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "username"
    assert client.get("/api/v1/transfers/a%00b", headers=bearer).status_code == 400
    login(client, "root", "admin-pw")
    token = csrf_from(client.get("/admin/users").text)
    page = client.post("/admin/users/a%00b", data={"role": "operator", "csrf_token": token})
    assert page.status_code == 400
    assert "`username` must not contain a NUL character" in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 1  # the login


def test_api_json_strings_with_nul_are_refused_and_nothing_is_saved(app, client) -> None:
    with app.app_context():
        create_user("root", "admin", password="admin-pw")
        token = issue_token("root")
    response = client.post(
        "/api/v1/users",
        json={"username": "li\u0000", "role": "operator"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "username"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_page_query_values_with_nul_are_refused(app, client) -> None:
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
    login(client)
    response = client.get("/tickets?q=%00")
    assert response.status_code == 400
    assert "`q` must not contain a NUL character" in response.text
    assert client.get("/tickets?q=ok").status_code == 200

"""Accounts through the admin API: create, change, disable, tokens, and operator PIN/queues."""

from __future__ import annotations

import pytest

from tests.accounts import create_user, issue_token


@pytest.fixture
def admin(app) -> dict[str, str]:
    with app.app_context():
        create_user("root", "admin", password="a-password")
        return {"Authorization": f"Bearer {issue_token('root')}"}


def test_create_configure_and_disable_an_operator(client, admin) -> None:
    created = client.post(
        "/api/v1/users",
        json={"username": "li", "role": "operator", "phone": "+8613900000005"},
        headers=admin,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["user"]["pin_set"] is False
    assert len(body["password"]) >= 12  # generated, shown once
    configured = client.put(
        "/api/v1/operators/li",
        json={"pin": "1357", "queues": ["operators", "experts"]},
        headers=admin,
    ).get_json()
    assert configured == {"username": "li", "queues": ["operators", "experts"], "pin_set": True}
    bad_pin = client.put("/api/v1/operators/li", json={"pin": "12"}, headers=admin)
    assert (bad_pin.status_code, bad_pin.get_json()["field"]) == (400, "pin")

    token = client.post("/api/v1/users/li/tokens", json={"name": "desk"}, headers=admin).get_json()
    operator = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/tickets", headers=operator).status_code == 200
    assert client.get("/api/v1/users", headers=operator).status_code == 403

    disabled = client.patch("/api/v1/users/li", json={"active": False}, headers=admin)
    assert disabled.get_json()["active"] is False
    assert client.get("/api/v1/tickets", headers=operator).status_code == 401  # token dead too
    duplicate = client.post(
        "/api/v1/users", json={"username": "li", "role": "manager"}, headers=admin
    )
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.get_json()["error"]


def test_an_admin_cannot_lock_themselves_out(client, admin) -> None:
    response = client.patch("/api/v1/users/root", json={"active": False}, headers=admin)
    assert response.status_code == 400
    assert client.get("/api/v1/users", headers=admin).status_code == 200

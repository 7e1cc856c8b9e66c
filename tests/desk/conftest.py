"""Desk fixtures: the IVR's call drivers and clock, operators logged in on the web."""

from __future__ import annotations

import re

import pytest

from tests.ivr.conftest import (  # noqa: F401 (fixtures shared with the IVR tests)
    OPERATOR_PIN,
    make_operator,
    new_call,
    on_duty,
    operator_login,
    set_clock,
)


class WebSession:
    """A logged-in browser session through the Flask client: the desk's JSON with CSRF."""

    def __init__(self, client, username: str, password: str = "a-password") -> None:  # noqa: S107
        self.client = client
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.text
        desk = client.get("/desk")
        assert desk.status_code == 200, desk.status_code
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', desk.text).group(1)

    def live(self) -> dict:
        response = self.client.get("/desk/live")
        assert response.status_code == 200
        return response.get_json()

    def post(self, url: str, body: dict):
        return self.client.post(url, json=body, headers={"X-CSRFToken": self.csrf})


@pytest.fixture
def web_login(app):
    """Log a user in on the web with a client of their own: web_login("alice")."""

    def login(username: str, password: str = "a-password") -> WebSession:  # noqa: S107
        return WebSession(app.test_client(), username, password)

    return login

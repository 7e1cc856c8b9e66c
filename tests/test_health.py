"""`/healthz`: database and queue reachability as JSON."""

from __future__ import annotations

from hotline.app import create_app
from tests.net import free_port


def test_healthy(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] in ("sqlite", "postgresql")
    assert body["queue"] == {"ok": True, "backend": "redis"}


def test_database_down_is_reported_with_503(app) -> None:
    # The same settings on an unreachable database: only its engine differs.
    unreachable = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none?connect_timeout=1"
    settings = app.config["HOTLINE_SETTINGS"].model_copy(update={"database_url": unreachable})
    response = create_app(settings=settings).test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert body["queue"]["ok"] is True

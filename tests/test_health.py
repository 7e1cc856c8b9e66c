"""`/healthz`: database and queue reachability as JSON."""

from __future__ import annotations

import socket


def test_healthy(client) -> None:  # noqa: ANN001
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] in ("sqlite", "postgresql")
    assert body["queue"] == {"ok": True, "backend": "redis"}


def test_database_down_is_reported_with_503(make_app) -> None:  # noqa: ANN001
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app()
    app.config["SQLALCHEMY_DATABASE_URI"] = f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"
    # A second app on an unreachable database: only its engine differs.
    from hotline.app import create_app

    settings = app.config["HOTLINE_SETTINGS"].model_copy(
        update={
            "database_url": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none?connect_timeout=1"
        }
    )
    broken = create_app(settings=settings)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert body["queue"]["ok"] is True

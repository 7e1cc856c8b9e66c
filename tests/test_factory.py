"""The app factory: configuration in effect, and the routes every deployment relies on."""

from __future__ import annotations


def test_config_comes_from_settings(make_settings) -> None:
    from hotline.app import create_app

    settings = make_settings(public_url="https://hotline.example.org")
    app = create_app(settings=settings)
    assert not app.testing
    assert app.config["HOTLINE_SETTINGS"].public_url == "https://hotline.example.org"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == settings.database_url
    assert app.config["SECRET_KEY"] == "test-secret-key"
    assert create_app(settings=settings, test_config={"TESTING": True}).testing


def test_twilio_routes_are_post_only(app) -> None:
    rules = {rule.rule: rule.methods for rule in app.url_map.iter_rules()}
    for path in ("/twilio/voice", "/twilio/status", "/twilio/fallback"):
        assert "POST" in rules[path]
        assert "GET" not in rules[path]
    assert "GET" in rules["/healthz"]

"""The app factory: reads settings, connects the database and queues, registers the features."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_migrate import Migrate
from werkzeug.middleware.proxy_fix import ProxyFix

from hotline.core import i18n
from hotline.core.db import db
from hotline.core.settings import Settings, load_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

migrate = Migrate()


class WebhookSessionInterface(SecureCookieSessionInterface):
    """No cookie session work for Twilio's webhooks: Twilio sends no cookies, and deriving the
    signing key and parsing cookies was ~7 % of a webhook's time under load (bench/webhooks.py)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/twilio/"):
            return self.session_class()
        return super().open_session(app, request)


def create_app(
    test_config: dict[str, Any] | None = None, settings: Settings | None = None
) -> Flask:
    """Build the Flask app.

    `settings` defaults to the environment; `test_config` overrides Flask config values.
    """
    settings = settings or load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    app = Flask("hotline")
    app.config.update(
        HOTLINE_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.resolved_database_url(),
        # No pre-ping: it costs a round trip per request. A connection lost to a database
        # restart fails one request (answered with safe TwiML) and the pool is renewed.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_recycle": 3600},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    app.session_interface = WebhookSessionInterface()
    if settings.trusted_proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.trusted_proxy_hops,
            x_proto=settings.trusted_proxy_hops,
            x_host=settings.trusted_proxy_hops,
            x_port=settings.trusted_proxy_hops,
        )
    settings.storage_root.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    i18n.init_app(app, settings.timezone)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    _import_models()
    _register_features(app)
    return app


def _import_models() -> None:
    """Every feature's tables, so that the metadata (and Alembic) sees the whole schema."""
    import desk.models  # noqa: F401
    import hotline.core.models  # noqa: F401
    import ivr.models  # noqa: F401
    import knowledge.models  # noqa: F401
    import reports.models  # noqa: F401
    import tickets.models  # noqa: F401
    import voicemail.models  # noqa: F401


def _register_features(app: Flask) -> None:
    from desk.api import bp as desk_api_bp
    from desk.board_api import bp as board_api_bp
    from desk.board_web import bp as board_bp
    from desk.quality_api import bp as quality_api_bp
    from desk.quality_web import bp as quality_bp
    from desk.views import bp as desk_twilio_bp
    from desk.web import bp as desk_bp
    from hotline.accounts.api import bp as users_api_bp
    from hotline.accounts.web import bp as admin_users_bp
    from hotline.core import auth
    from hotline.core.api import bp as api_bp
    from hotline.core.api import spec as api_spec
    from hotline.core.health import bp as health_bp
    from hotline.core.queues import connect, start_embedded_worker
    from ivr.admin_web import bp as admin_menu_bp
    from ivr.admin_web import operators_bp as admin_operators_bp
    from ivr.api import bp as queues_api_bp
    from ivr.api import operators_bp as operators_api_bp
    from ivr.media import bp as media_bp
    from ivr.menu_api import bp as menu_api_bp
    from ivr.versions import seed_default_menu
    from ivr.views import bp as ivr_bp
    from knowledge.api import bp as knowledge_api_bp
    from knowledge.seed import seed_articles
    from knowledge.web import bp as knowledge_bp
    from reports.api import bp as reports_api_bp
    from reports.web import bp as reports_web_bp
    from tickets.api import bp as tickets_api_bp
    from tickets.web import bp as tickets_web_bp
    from voicemail.api import bp as voicemail_api_bp
    from voicemail.api import moves_bp as ticket_moves_api_bp
    from voicemail.review import bp as review_bp
    from voicemail.views import bp as voicemail_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(ivr_bp)
    app.register_blueprint(voicemail_bp)
    app.register_blueprint(desk_twilio_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(voicemail_api_bp)
    app.register_blueprint(queues_api_bp)
    app.register_blueprint(tickets_api_bp)
    app.register_blueprint(ticket_moves_api_bp)
    app.register_blueprint(tickets_web_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(menu_api_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(users_api_bp)
    app.register_blueprint(operators_api_bp)
    app.register_blueprint(admin_menu_bp)
    app.register_blueprint(admin_operators_bp)
    app.register_blueprint(admin_users_bp)
    app.register_blueprint(reports_web_bp)
    app.register_blueprint(reports_api_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(desk_api_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(board_api_bp)
    app.register_blueprint(quality_bp)
    app.register_blueprint(quality_api_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(knowledge_api_bp)
    api_spec.register(app)
    app.extensions["hotline.seeders"] = [seed_default_menu, seed_articles]

    job_queues = connect(app.config["HOTLINE_SETTINGS"])
    app.extensions["hotline.queues"] = job_queues
    auth.init_app(app, app.config["HOTLINE_SETTINGS"])
    for signed_or_bearer in (
        health_bp,
        ivr_bp,
        voicemail_bp,
        desk_twilio_bp,
        api_bp,
        voicemail_api_bp,
        queues_api_bp,
        tickets_api_bp,
        ticket_moves_api_bp,
        menu_api_bp,
        users_api_bp,
        operators_api_bp,
        reports_api_bp,
        desk_api_bp,
        board_api_bp,
        quality_api_bp,
        knowledge_api_bp,
    ):
        auth.csrf.exempt(signed_or_bearer)  # Twilio signatures and bearer tokens, not cookies
    if job_queues.embedded and not app.config.get("HOTLINE_NO_EMBEDDED_WORKER"):
        from hotline.core.jobs import use_app

        use_app(app)
        start_embedded_worker(job_queues)

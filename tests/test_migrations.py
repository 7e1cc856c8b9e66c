"""Alembic migrations: upgrade from empty, match the models exactly, downgrade to base."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from hotline.app import create_app
from hotline.core.db import db

EXPECTED_TABLES = {
    "users",
    "api_tokens",
    "audit_log",
    "menu_versions",
    "calls",
    "call_steps",
    "queue_visits",
    "voicemails",
    "transcripts",
    "tickets",
    "ticket_events",
}


def test_upgrade_matches_models_and_downgrade_empties(make_settings) -> None:
    app = create_app(settings=make_settings())
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert EXPECTED_TABLES <= tables
        assert "alembic_version" in tables
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations differ; add a migration: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()

"""First-run data: an admin account (and, from the IVR, the default menu). Safe to run again."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from hotline.accounts.service import NewUser, create_user
from hotline.core.db import db
from hotline.core.models import Role, User


def seed_admin() -> list[str]:
    if db.session.scalar(select(User).limit(1)) is not None:
        return []
    account = create_user(
        None, NewUser(username="admin", role=Role.admin.value, display_name="Administrator")
    )
    return [f"created user admin with password {account.password} (change it after logging in)"]


def run_seed() -> list[str]:
    """Run the core seeder, then those the features registered in the app factory."""
    messages = seed_admin()
    for seeder in current_app.extensions.get("hotline.seeders", []):
        messages += seeder()
    return messages

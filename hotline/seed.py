"""First-run data: an admin account (and, from the IVR, the default menu). Safe to run again."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import select

from hotline.accounts import create_user
from hotline.db import db
from hotline.models import Role, User

#: Feature seeders, run in order after the core one; each must be idempotent.
SEEDERS: list[Callable[[], list[str]]] = []


def seed_admin() -> list[str]:
    if db.session.scalar(select(User).limit(1)) is not None:
        return []
    password = secrets.token_urlsafe(12)
    create_user("admin", Role.admin.value, password=password, display_name="Administrator")
    return [f"created user admin with password {password} (change it after logging in)"]


def run_seed() -> list[str]:
    messages = seed_admin()
    for seeder in SEEDERS:
        messages += seeder()
    return messages

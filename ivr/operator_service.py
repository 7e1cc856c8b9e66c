"""Operators' settings for the operator line — PIN, queues, caller ID, language — as one use
case for the admin page, the API and the CLI: validated by one model, one audit entry
(`operator.updated`), one transaction."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from hotline.accounts.service import Language, PhoneNumber, find_user
from hotline.core.audit import Actor, record
from hotline.core.db import db
from hotline.core.models import User
from hotline.core.service import ServiceError, transaction
from ivr.models import OperatorQueue

PIN_FORMAT = re.compile(r"^\d{4,8}$")
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,48}$")


class OperatorError(ServiceError):
    """An operator setting that cannot be applied; the message says why."""


def _pin(value: str) -> str:
    if not PIN_FORMAT.match(value):
        raise PydanticCustomError("pin", "a PIN is 4 to 8 digits")
    return value


def _queue(value: str) -> str:
    if not QUEUE_NAME.match(value):
        raise PydanticCustomError("queue", "{name!r} is not a queue name", {"name": value})
    return value


class OperatorChange(BaseModel):
    """What to change; a field left out stays as it is (`phone: null` removes the phone)."""

    pin: Annotated[str, AfterValidator(_pin)] | None = Field(
        None, description="a new operator-line PIN, 4 to 8 digits (lifts the lock)"
    )
    queues: list[Annotated[str, AfterValidator(_queue)]] | None = Field(None, max_length=20)
    phone: PhoneNumber | None = Field(None, description="the caller ID they call in from")
    language: Language | None = None


def set_pin(user: User, pin: str) -> None:
    """A new PIN (hashed), which also lifts the lock after wrong ones; in the caller's
    transaction."""
    if not PIN_FORMAT.match(pin):
        raise OperatorError("a PIN is 4 to 8 digits", "pin")
    user.pin_hash = generate_password_hash(pin)
    user.pin_failures = 0


def set_queues(user: User, names: list[str]) -> None:
    """The queues the user answers, in this order; in the caller's transaction."""
    for name in names:
        if not QUEUE_NAME.match(name):
            raise OperatorError(f"{name!r} is not a queue name", "queues")
    db.session.execute(delete(OperatorQueue).where(OperatorQueue.user_id == user.id))
    for name in dict.fromkeys(names):
        db.session.add(OperatorQueue(user_id=user.id, queue_name=name))


def queues_of(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(OperatorQueue.queue_name)
            .where(OperatorQueue.user_id == user_id)
            .order_by(OperatorQueue.id)
        )
    )


def update_operator(actor: Actor | None, username: str, change: OperatorChange) -> User:
    """Apply the settings given; the audit entry says which changed (never the PIN itself)."""
    with transaction():
        user = find_user(username)
        changed: dict[str, object] = {}
        if change.pin is not None:
            set_pin(user, change.pin)
            changed["pin"] = True
        if change.queues is not None:
            set_queues(user, change.queues)
            changed["queues"] = list(dict.fromkeys(change.queues))
        if "phone" in change.model_fields_set:
            user.phone = change.phone
            changed["phone"] = change.phone
        if change.language is not None:
            user.language = change.language
            changed["language"] = change.language
        if changed:  # nothing given, nothing changed: no entry
            record(actor, "operator.updated", f"user:{user.username}", **changed)
    return user

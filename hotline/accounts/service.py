"""Accounts' use cases: create a user, change one (role, active, password, display name, phone,
language), issue an API token. The admin pages, the API and the CLI all call these: one set of
rules, one audit entry per change, one transaction (checking a bearer token is the core's)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from hotline.core.audit import Actor, record
from hotline.core.db import db
from hotline.core.models import ApiToken, Role, User
from hotline.core.phones import e164
from hotline.core.service import NotFoundError, ServiceError, transaction
from hotline.core.tokens import new_token


class AccountError(ServiceError):
    """A user or token request that cannot be carried out; the message says why."""


class NoSuchUser(AccountError, NotFoundError):
    """The user to change does not exist."""


class SelfLockout(AccountError):
    """An admin tried to disable themselves or take away their own admin role."""


def _phone(value: str) -> str:
    number = e164(value)
    if number is None:
        raise PydanticCustomError(
            "phone", "not a valid phone number; write it with its country code, e.g. +8613800138000"
        )
    return number


#: A caller ID (the operator line knows an operator by it): a valid number, stored as E.164.
PhoneNumber = Annotated[str, Field(max_length=32), AfterValidator(_phone)]
RoleName = Literal["operator", "admin", "manager", "partner"]
Language = Literal["zh-CN", "en-US"]
Password = Annotated[str, Field(min_length=8, max_length=200)]


class NewUser(BaseModel):
    username: str = Field(pattern=r"^[\w.@-]{1,80}$")
    role: RoleName
    password: Password | None = Field(None, description="generated (and returned once) if omitted")
    display_name: str = Field("", max_length=120)
    phone: PhoneNumber | None = None
    language: Language = "zh-CN"


class UserChange(BaseModel):
    """What to change; a field left out (or null, but for `phone`) stays as it is."""

    role: RoleName | None = None
    active: bool | None = None
    phone: PhoneNumber | None = Field(None, description="null removes the phone")
    language: Language | None = None
    password: Password | None = None
    reset_password: bool = Field(False, description="a generated password, returned once")
    display_name: str | None = Field(None, max_length=120)


class NewToken(BaseModel):
    name: str = Field("api", pattern=r"^[\w.-]{1,80}$")


@dataclass(frozen=True)
class Account:
    user: User
    #: The password made for the user (returned once), when none was given.
    password: str | None = None


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def _generated_password() -> str:
    return secrets.token_urlsafe(12)


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username[:80]))
    if user is None:
        raise NoSuchUser(f"no user {username[:80]!r}", "username")
    return user


def create_user(actor: Actor | None, new: NewUser) -> Account:
    """A new account; without a password one is generated and returned once."""
    with transaction():
        if db.session.scalar(select(User.id).where(User.username == new.username)) is not None:
            raise AccountError(f"user {new.username!r} already exists", "username")
        password = new.password or _generated_password()
        user = User(
            username=new.username,
            role=new.role,
            display_name=new.display_name or new.username,
            phone=new.phone,
            language=new.language,
            password_hash=generate_password_hash(password),
        )
        db.session.add(user)
        db.session.flush()
        record(actor, "user.created", f"user:{user.username}", role=user.role, phone=user.phone)
    return Account(user, None if new.password else password)


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.admin.value, User.active.is_(True), User.id != user.id)
    )


def _check_lockout(actor: Actor | None, user: User, change: UserChange) -> None:
    """Nobody disables themselves or takes away their own admin role, and nobody (the command
    line included) disables or demotes the last active admin: the hotline keeps an admin."""
    disables = change.active is False
    demotes = change.role is not None and change.role != Role.admin.value
    if not (disables or demotes):
        return
    field = "active" if disables else "role"
    if actor is not None and actor.id == user.id:
        raise SelfLockout("you cannot disable yourself or take away your own admin role", field)
    if user.role == Role.admin.value and user.active and _other_active_admins(user) == 0:
        raise AccountError(
            f"{user.username} is the last active admin; make another admin first", field
        )


def change_user(actor: Actor | None, username: str, change: UserChange) -> Account:
    """Change role, active, phone, language, display name or password (given or generated)."""
    with transaction():
        user = find_user(username)
        _check_lockout(actor, user, change)
        changed: dict[str, Any] = {}
        for name in ("role", "active", "language", "display_name"):
            value = getattr(change, name)
            if value is not None:
                setattr(user, name, value)
                changed[name] = value
        if "phone" in change.model_fields_set:
            user.phone = change.phone
            changed["phone"] = change.phone
        password = _generated_password() if change.reset_password else change.password
        if password is not None:
            user.password_hash = generate_password_hash(password)
            changed["password"] = "generated" if change.reset_password else "***"
        if changed:  # nothing given, nothing changed: no entry
            record(actor, "user.changed", f"user:{user.username}", **changed)
    return Account(user, password if change.reset_password else None)


def issue_token(actor: Actor | None, username: str, new: NewToken | None = None) -> IssuedToken:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    name = (new or NewToken()).name
    with transaction():
        user = db.session.scalar(select(User).where(User.username == username[:80]))
        if user is None or not user.active:
            raise AccountError(
                f"no active user {username[:80]!r}; create it with `hotline users create`",
                "username",
            )
        token, row = new_token(user, name)
        db.session.flush()
        record(actor, "user.token", f"user:{user.username}", name=name, prefix=row.prefix)
    return IssuedToken(token=token, record=row)

"""What every use-case service shares: the error that names the field at fault, one transaction
per use case, and pydantic's errors as `{field: message}` for the pages and the CLI.

A service (indico's `operations.py`) is the one place a use case is written: the page, the API
and the CLI translate their input into its arguments and its result or error into their output.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pydantic import ValidationError

from hotline.core.db import db


class ServiceError(ValueError):
    """A change the service refused; `field` names the input at fault, when there is one, and
    `errors` every field at fault when a form had several (`{field: message}`)."""

    def __init__(
        self, message: str, field: str | None = None, errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.errors = dict(errors) if errors else {field or "": message}


class NotFoundError(ServiceError):
    """The thing to change does not exist (the API answers 404)."""


class ConflictError(ServiceError):
    """Someone else changed it first (the API answers 409)."""


class ForbiddenError(ServiceError):
    """The actor's role may not do this (the API answers 403)."""


def status_of(error: ServiceError) -> int:
    """The HTTP status the API answers a refused change with."""
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ForbiddenError):
        return 403
    return 409 if isinstance(error, ConflictError) else 400


@contextmanager
def transaction() -> Iterator[None]:
    """Commit everything the block added to the session, or roll it all back and re-raise:
    a refused change leaves nothing half-saved, and its audit entry goes with it."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def field_errors(error: ValidationError | ServiceError) -> dict[str, str]:
    """`{field: message}` (the first message per field; `""` for the form as a whole)."""
    if isinstance(error, ServiceError):
        return dict(error.errors)
    found: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"] if not isinstance(part, int))
        found.setdefault(field, problem["msg"])
    return found


def one_line(error: ValidationError | ServiceError) -> str:
    """The errors as one line, each with its field (for the CLI)."""
    if isinstance(error, ServiceError):
        return str(error)
    found = field_errors(error).items()
    return "; ".join(f"{field}: {message}" if field else message for field, message in found)


def filled_in(form: Mapping[str, str], *names: str) -> dict[str, str]:
    """The named fields of a submitted form that are filled in, stripped (a blank one is left
    out, so the model's default applies): a page's input for the service's pydantic model."""
    return {name: form[name].strip() for name in names if (form.get(name) or "").strip()}


@contextmanager
def click_errors() -> Iterator[None]:
    """A command's refused input or change as click's error (the message, exit status 1)."""
    import click

    try:
        yield
    except (ValidationError, ServiceError) as exc:
        raise click.ClickException(one_line(exc)) from None

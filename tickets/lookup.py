"""Ticket status by phone: status only, never personal data; only to the number that filed it,
or to a caller who keys the ticket's PIN (given when the ticket was opened)."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from hotline.core.db import db
from tickets.models import Ticket

NUMBER_PREFIX = "12315"


def number_from_digits(digits: str) -> str | None:
    """`202611220001` (what a caller keys) → `12315-20261122-0001`."""
    if not digits.isdigit() or len(digits) != 12:
        return None
    return f"{NUMBER_PREFIX}-{digits[:8]}-{digits[8:]}"


def status_for_caller(
    digits: str, caller_number: str, pin: str | None = None
) -> tuple[str, str] | None:
    """(ticket number, state) when the ticket exists and was filed from `caller_number`, or
    the right PIN is given; None otherwise (the caller hears the same neutral answer)."""
    number = number_from_digits(digits)
    if number is None:
        return None
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        return None
    if caller_number and ticket.caller_number == caller_number:
        return ticket.number, ticket.state
    if pin and pin.isdigit() and len(pin) <= 8 and ticket.lookup_pin_hash:
        if check_password_hash(ticket.lookup_pin_hash, pin):
            return ticket.number, ticket.state
    return None

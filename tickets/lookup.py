"""Ticket status by phone: status only, never personal data, only to the number that filed it."""

from __future__ import annotations

from sqlalchemy import select

from hotline.db import db
from tickets.models import Ticket

NUMBER_PREFIX = "12315"


def number_from_digits(digits: str) -> str | None:
    """`202611220001` (what a caller keys) → `12315-20261122-0001`."""
    if not digits.isdigit() or len(digits) != 12:
        return None
    return f"{NUMBER_PREFIX}-{digits[:8]}-{digits[8:]}"


def status_for_caller(digits: str, caller_number: str) -> tuple[str, str] | None:
    """(ticket number, state) when the ticket exists and was filed from `caller_number`."""
    number = number_from_digits(digits)
    if number is None or not caller_number:
        return None
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None or ticket.caller_number != caller_number:
        return None
    return ticket.number, ticket.state

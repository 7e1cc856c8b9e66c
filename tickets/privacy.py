"""Personal data in tickets: caller numbers and numbers inside transcripts (phones, ID cards,
bank cards) are masked for roles that do not need them; unmasking is audit-logged.

Operators and admins may unmask (they call callers back); managers and partners never see
the numbers.
"""

from __future__ import annotations

import re

from hotline.core.audit import record
from hotline.core.models import Role, User
from hotline.core.phones import is_withheld

UNMASKING_ROLES = frozenset({Role.operator.value, Role.admin.value})

ID_CARD = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
BANK_CARD = re.compile(r"(?<!\d)(\d{4})(\d{8,11})(\d{4})(?!\d)")
PHONE = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")


def mask_number(number: str | None) -> str | None:
    """+8613800138000 → +86138****8000; short numbers keep only their last two digits; a
    withheld marker (`anonymous` …) is no personal data and is shown as it is."""
    if not number or is_withheld(number):
        return number
    digits = len(re.sub(r"\D", "", number))
    if digits >= 7:
        return number[:-8] + "****" + number[-4:] if len(number) > 8 else "****" + number[-4:]
    return "*" * max(0, len(number) - 2) + number[-2:]


def mask_text(text: str | None) -> str | None:
    """Numbers inside free text: ID cards, bank cards, mobiles and landlines."""
    if not text:
        return text
    text = ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    text = BANK_CARD.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = PHONE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text)
    return LANDLINE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


def may_unmask(user: User) -> bool:
    return user.role in UNMASKING_ROLES


def log_unmask(user: User, target: str) -> None:
    """Record that `user` saw the unmasked personal data of `target` (committed by the caller)."""
    record(user, "ticket.unmasked", target)

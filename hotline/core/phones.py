"""The one rule of what a real caller number is.

Twilio sends a withheld caller ID as `anonymous`, `restricted`, `unknown`, `private`,
`unavailable` (any case), an empty `From`, or one of its placeholder numbers (+266696687 and
+7378742833, "ANONYMOUS" and "RESTRICTED" on a keypad). Queues (may we call back?), drafts (is
the caller ID the number to file?), repeat-caller detection, ticket edits and the reports ask
this module: `is_withheld`, `is_real_caller` (through `e164`), `filed_number` for what a ticket
files, and `real_caller_sql` for counting in SQL.
"""

from __future__ import annotations

import phonenumbers
from sqlalchemy import ColumnElement, and_, func

#: Caller IDs that stand for a withheld number, lower case.
WITHHELD = frozenset(
    {"", "anonymous", "restricted", "unknown", "private", "unavailable"}
    | {"+266696687", "+7378742833"}
)


def is_withheld(number: str | None) -> bool:
    """True for no number or a withheld marker, whatever its case or surrounding space."""
    return (number or "").strip().lower() in WITHHELD


def is_real_caller(number: str | None) -> bool:
    """A caller number we can count, file and call back: a valid E.164 number, not withheld."""
    return e164(number) is not None


def e164(number: str | None) -> str | None:
    """A phone number as E.164 (`+8613800138000`), or None when it is no valid number.

    Spaces, dashes, dots and brackets between the digits are allowed (`+86 138-0013-8000`);
    the country code is not guessed: the number must start with `+`."""
    text = (number or "").strip()
    if is_withheld(text) or not text.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def filed_number(number: str | None) -> str | None:
    """The number a ticket files, or None when it is none: E.164 when it is one (normalised),
    else a national number as its digits (what a caller says in a message: 13800138000,
    021-64888888, 64888888; 5 to 15 digits), else a withheld marker as it came."""
    text = (number or "").strip()
    if text and is_withheld(text):
        return text
    if text.startswith("+"):
        return e164(text)
    digits = "".join(ch for ch in text if ch not in " -().")
    return digits if digits.isdigit() and 5 <= len(digits) <= 15 else None


def real_caller_sql(column: ColumnElement[str]) -> ColumnElement[bool]:
    """`is_real_caller` as far as SQL can say it, for counting over many rows: E.164's shape
    (`+` and 7 to 15 digits' length) and no withheld marker in any case. Which numbers a
    numbering plan assigns is phonenumbers' to know, row by row, not the database's."""
    return and_(
        column.like("+%"),
        func.length(column).between(8, 16),
        func.lower(column).not_in(WITHHELD),
    )

"""The one rule of what a real caller number is.

Twilio sends a withheld caller ID as `anonymous`, `restricted`, `unknown`, `private`,
`unavailable` (any case), an empty `From`, or one of its placeholder numbers (+266696687 and
+7378742833, "ANONYMOUS" and "RESTRICTED" on a keypad). Queues (may we call back?), drafts (is
the caller ID the number to file?), repeat-caller detection and the reports ask this module.
"""

from __future__ import annotations

import phonenumbers

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
    if is_withheld(number) or not (number or "").startswith("+"):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False

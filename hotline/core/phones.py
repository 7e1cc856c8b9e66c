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

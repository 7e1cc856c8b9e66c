"""How the desk's stored values read on the pages: operator states, intake channels and the
wrap-up's dispositions, as lazy gettext strings (one explicit msgid each)."""

from __future__ import annotations

from flask_babel import lazy_gettext, lazy_pgettext

from tickets.words import SOURCES

STATES = {
    "offline": lazy_pgettext("operator state", "offline"),
    "available": lazy_pgettext("operator state", "available"),
    "on_call": lazy_pgettext("operator state", "on a call"),
    "wrap_up": lazy_pgettext("operator state", "after-call work"),
    "break": lazy_pgettext("operator state", "break"),
}
#: The intake channels' words are the ticket sources' (`tickets.words.SOURCES`).
CHANNELS = SOURCES
DISPOSITIONS = {
    "ticket_registered": lazy_gettext("ticket registered"),
    "consultation_answered": lazy_gettext("consultation answered"),
    "transferred_12345": lazy_gettext("transferred to 12345"),
    "transferred_12331": lazy_gettext("transferred to 12331"),
    "not_in_scope": lazy_gettext("not in scope"),
    "abusive": lazy_gettext("abusive caller"),
    "silent_line": lazy_gettext("silent line"),
}

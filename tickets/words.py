"""How a ticket's stored values read on the pages: its states, types, history events and the
reasons for discarding a draft, as lazy gettext strings (one explicit msgid each)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext, lazy_pgettext

STATES = {
    "draft": lazy_gettext("to review"),
    "open": lazy_gettext("open"),
    "dispatched": lazy_gettext("dispatched"),
    "resolved": lazy_gettext("resolved"),
    "closed": lazy_gettext("closed"),
    "discarded": lazy_gettext("discarded"),
}
TYPES = {
    "complaint": lazy_gettext("complaint"),
    "report": lazy_gettext("report"),
    "consultation": lazy_gettext("consultation"),
}
EVENTS = {
    "drafted": lazy_pgettext("ticket event", "drafted"),
    "edited": lazy_pgettext("ticket event", "edited"),
    "opened": lazy_pgettext("ticket event", "opened"),
    "dispatched": lazy_pgettext("ticket event", "dispatched"),
    "resolved": lazy_pgettext("ticket event", "resolved"),
    "closed": lazy_pgettext("ticket event", "closed"),
    "reopened": lazy_pgettext("ticket event", "reopened"),
    "discarded": lazy_pgettext("ticket event", "discarded"),
    "transferred": lazy_pgettext("ticket event", "transferred in"),
    "reprocessed": lazy_pgettext("ticket event", "processed again"),
    "sms": lazy_pgettext("ticket event", "SMS sent"),
    "registered": lazy_pgettext("ticket event", "registered"),
    "answered": lazy_pgettext("ticket event", "answered from the knowledge base"),
}
#: Where tickets come in (`Ticket.source`): the reports count tickets per source.
SOURCES = {
    "voicemail": lazy_gettext("voicemail"),
    "transfer": lazy_gettext("transfer"),
    "callback": lazy_gettext("callback not reached"),
    "phone": lazy_gettext("phone"),
    "letter": lazy_gettext("letter"),
    "visit": lazy_gettext("visit"),
    "web": lazy_gettext("website"),
    "email": lazy_gettext("e-mail"),
    "partner": lazy_gettext("partner hotline (entered)"),
}
DISCARD_REASONS = {
    "silent": lazy_gettext("silent"),
    "spam": lazy_gettext("spam"),
    "duplicate": lazy_gettext("duplicate"),
    "out_of_scope": lazy_gettext("out of scope"),
}


def for_templates() -> dict[str, Any]:
    """The word tables as template variables (a blueprint's context processor)."""
    return {
        "STATE_WORDS": STATES,
        "TYPE_WORDS": TYPES,
        "EVENT_WORDS": EVENTS,
        "REASON_WORDS": DISCARD_REASONS,
        "SOURCE_WORDS": SOURCES,
    }

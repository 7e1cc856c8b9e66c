"""The names the reports give to stored keys (figures, sources, voicemail states, dimensions,
readings of the index, document kinds), as lazy gettext strings: one explicit msgid each, read
in the language of the page or of the document being rendered."""

from __future__ import annotations

from flask_babel import lazy_gettext, lazy_pgettext

from tickets import words as ticket_words

METRICS = {
    "calls": lazy_gettext("Calls"),
    "reached_queue": lazy_gettext("Reached a queue"),
    "answered": lazy_gettext("Answered"),
    "abandoned": lazy_gettext("Abandoned"),
    "answer_rate": lazy_gettext("Answer rate"),
    "average_wait": lazy_gettext("Average wait (s)"),
    "p90_wait": lazy_gettext("90th percentile wait (s)"),
    "service_level": lazy_gettext("Service level"),
    "callbacks_requested": lazy_gettext("Callbacks requested"),
    "callbacks_reached": lazy_gettext("Callbacks reached"),
    "voicemails": lazy_gettext("Voicemails"),
    "tickets": lazy_gettext("Tickets"),
    "drafts": lazy_gettext("Drafts to review"),
    "overdue": lazy_pgettext("figure", "Overdue"),
    "satisfaction": lazy_gettext("Satisfaction (1–5)"),
    "satisfied_share": lazy_gettext("Satisfied (4–5)"),
    "repeat_callers": lazy_gettext("Repeat callers"),
    "complaints": lazy_gettext("Complaints"),
}
SOURCES = ticket_words.SOURCES
VOICEMAIL_STATES = {
    "received": lazy_pgettext("voicemail state", "received"),
    "downloaded": lazy_pgettext("voicemail state", "downloaded"),
    "transcribed": lazy_pgettext("voicemail state", "transcribed"),
    "drafted": lazy_pgettext("voicemail state", "drafted"),
    "no-speech": lazy_pgettext("voicemail state", "no speech"),
    "absent": lazy_pgettext("voicemail state", "recording missing"),
    "failed": lazy_pgettext("voicemail state", "failed"),
}
#: The dimensions that rankings and warnings are counted by.
DIMENSIONS = {
    "category": lazy_gettext("Category"),
    "district": lazy_gettext("District"),
    "merchant": lazy_gettext("Merchant"),
}
READINGS = {
    "better": lazy_gettext("better: complaints grow more slowly than spending"),
    "worse": lazy_gettext("worse: complaints outgrow spending"),
    "even": lazy_gettext("even"),
    "unknown": lazy_gettext("no complaints a year earlier: no growth to compare"),
}
KINDS = {
    "weekly": lazy_gettext("Weekly flash report"),
    "monthly": lazy_gettext("Monthly analysis"),
}
TITLES = {
    "weekly": lazy_gettext("12315 hotline weekly flash report %(period)s"),
    "monthly": lazy_gettext("12315 hotline monthly analysis %(period)s"),
}


def name(words: dict, key: str) -> str:
    """The word for `key`, or the key itself when the table has none (a new stored value)."""
    found = words.get(key)
    return str(found) if found is not None else key

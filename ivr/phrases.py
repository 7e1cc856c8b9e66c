"""What the system itself says, in the call's language (menu prompts come from the menu
document): msgids marked here, said through the catalog of the call's language (cached per
language by `hotline.core.i18n.translations`, never read per request)."""

from __future__ import annotations

from hotline.core.i18n import N_, translations

PHRASES: dict[str, str] = {
    "invalid": N_("Sorry, that is not a valid choice."),
    "no_input": N_("Sorry, we did not receive your choice."),
    "goodbye": N_("Thank you for calling. Goodbye."),
    "back_to_menu": N_("Sorry, something went wrong. Returning to the main menu."),
    "recorded": N_(
        "Your message has been recorded and will be handled soon. Thank you for calling. Goodbye."
    ),
    "transfer_failed": N_("Sorry, the transfer did not go through."),
    "queue_unavailable": N_("Sorry, all our operators are busy."),
    "hold": N_("Your call is in the queue. Please hold."),
    "lookup_none": N_("Sorry, we found no ticket you can look up with that number."),
    "lookup_status": N_("Ticket %(number)s is %(status)s."),
    "lookup_pin": N_(
        "If you are not calling from the number that filed the ticket, enter the ticket's "
        "PIN, followed by the hash key."
    ),
    "survey_thanks": N_("Thank you for your rating. Goodbye."),
    "queue_full": N_("Sorry, the queue is full at the moment."),
    "queue_next": N_("You are next in line. Please hold."),
    "queue_position": N_("You are number %(position)s in the queue."),
    "queue_options": N_(
        "To leave a message instead, press 1. To be called back when it is your turn, "
        "without losing your place, press 2."
    ),
    "queue_option_voicemail": N_("To leave a message instead, press 1."),
    "callback_unavailable": N_(
        "Sorry, we cannot call your number back. Please hold, or press 1 to leave a message."
    ),
    "callback_registered": N_(
        "We will call you back when it is your turn. Thank you for calling. Goodbye."
    ),
    "callback_intro": N_(
        "Hello, this is the 12315 consumer hotline returning your call. Connecting you to "
        "an operator now."
    ),
    "operator_unknown": N_("This number is not registered for the operator line. Goodbye."),
    "operator_pin": N_("Please enter your operator PIN, followed by the hash key."),
    "operator_pin_wrong": N_("That PIN is not correct."),
    "operator_pin_refused": N_("Too many wrong PINs. Goodbye."),
    "operator_welcome": N_("Hello %(name)s, you are logged in."),
    "operator_logged_out": N_("You are logged out. Please call the operator line again."),
    "operator_goodbye": N_("You are logged out. Goodbye."),
    "operator_menu": N_(
        "For the next caller, press 1. To become unavailable, press 2. To log out, press 9."
    ),
    "operator_unavailable": N_(
        "You are unavailable and will not receive calls. To become available, press 1. To "
        "log out, press 9."
    ),
    "operator_wrap_up": N_(
        "After-call work. When you are ready for the next caller, press 1. For a break, "
        "press 2. To log out, press 9."
    ),
    "operator_no_queues": N_("You have no queues assigned. Please ask an administrator. Goodbye."),
    "operator_briefing_callback": N_("Next is a called-back caller: %(speaks)s, via %(path)s."),
    "operator_connecting": N_("Connecting you to an operator now."),
}

STATUS_WORDS = {
    "draft": N_("waiting to be registered"),
    "open": N_("registered"),
    "dispatched": N_("being handled"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "discarded": N_("not registered"),
}

LANGUAGE_NAMES = {"zh-CN": N_("Mandarin"), "en-US": N_("English")}


def phrase(key: str, language: str, **values: str) -> str:
    said = translations(language).gettext(PHRASES[key])
    return said % values if values else said


def status_word(state: str, language: str) -> str:
    word = STATUS_WORDS.get(state)
    return translations(language).gettext(word) if word else state


def language_name(code: str | None, language: str) -> str:
    """The name of language `code`, said in `language`."""
    name = LANGUAGE_NAMES.get(code or "")
    return translations(language).gettext(name) if name else (code or "?")


def wait_estimate(minutes: int, language: str) -> str:
    """About how long the caller will wait, in whole minutes."""
    said = translations(language).ngettext(
        "The estimated wait is about %(num)d minute.",
        "The estimated wait is about %(num)d minutes.",
        minutes,
    )
    return said % {"num": minutes}


def briefing(language: str, speaks: str, path: str, minutes: int | None) -> str:
    """What an operator hears of the next caller: their language, their way through the
    menu and, unless they are being called back (`minutes` None), how long they waited."""
    catalog = translations(language)
    if minutes is None:
        return catalog.gettext(PHRASES["operator_briefing_callback"]) % {
            "speaks": speaks,
            "path": path,
        }
    said = catalog.ngettext(
        "Next caller: %(speaks)s, via %(path)s, waiting about %(num)d minute.",
        "Next caller: %(speaks)s, via %(path)s, waiting about %(num)d minutes.",
        minutes,
    )
    return said % {"speaks": speaks, "path": path, "num": minutes}

"""TwiML replies that never leave a caller in silence: the apology with a voicemail offer."""

from __future__ import annotations

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

from hotline.core.i18n import N_, translations

#: Where Twilio reports finished recordings; the voicemail feature answers it.
RECORDING_CALLBACK = "/twilio/recording"
#: What a caller hears after leaving a message outside the menu (the apology's voicemail).
RECORDED_ACTION = "/twilio/recorded"

APOLOGY = N_(
    "Sorry, we are having technical difficulties. "
    "To leave a message, speak after the tone and press hash when done."
)
THANKS = N_("Your message has been recorded. Thank you for calling. Goodbye.")
#: The apology is said in both languages, each from its catalog (read once per process).
BOTH = ("zh-CN", "en-US")


def twiml_response(response: VoiceResponse, status: int = 200) -> Response:
    return Response(str(response), status=status, mimetype="text/xml")


def apology_with_voicemail() -> VoiceResponse:
    """The safe answer to any failure: apologise in Mandarin and English, offer a voicemail.

    Built from the catalogs alone (in memory once read), so it works when the database or
    the menu does not.
    """
    response = VoiceResponse()
    for language in BOTH:
        response.say(translations(language).gettext(APOLOGY), language=language)
    response.record(
        action=RECORDED_ACTION,
        method="POST",
        max_length=180,
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=RECORDING_CALLBACK,
        recording_status_callback_method="POST",
        recording_status_callback_event="completed absent",
    )
    response.hangup()
    return response


def thanks_and_hangup() -> VoiceResponse:
    response = VoiceResponse()
    for language in BOTH:
        response.say(translations(language).gettext(THANKS), language=language)
    response.hangup()
    return response

"""TwiML replies that never leave a caller in silence: the apology with a voicemail offer."""

from __future__ import annotations

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

#: Where Twilio reports finished recordings; the voicemail feature answers it.
RECORDING_CALLBACK = "/twilio/recording"
#: What a caller hears after leaving a message outside the menu (the apology's voicemail).
RECORDED_ACTION = "/twilio/recorded"

APOLOGY = {
    "zh-CN": "抱歉，系统暂时出现故障。如需留言，请在提示音后说明您的问题，按井号键结束。",
    "en-US": "Sorry, we are having technical difficulties. "
    "To leave a message, speak after the tone and press hash when done.",
}
THANKS = {
    "zh-CN": "您的留言已收到，感谢您的来电，再见。",
    "en-US": "Your message has been recorded. Thank you for calling. Goodbye.",
}


def twiml_response(response: VoiceResponse, status: int = 200) -> Response:
    return Response(str(response), status=status, mimetype="text/xml")


def apology_with_voicemail() -> VoiceResponse:
    """The safe answer to any failure: apologise in Mandarin and English, offer a voicemail.

    Built from constants only, so it works when the database or the menu does not.
    """
    response = VoiceResponse()
    response.say(APOLOGY["zh-CN"], language="zh-CN")
    response.say(APOLOGY["en-US"], language="en-US")
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
    response.say(THANKS["zh-CN"], language="zh-CN")
    response.say(THANKS["en-US"], language="en-US")
    response.hangup()
    return response

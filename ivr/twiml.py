"""TwiML replies that never leave a caller in silence: the apology for any error."""

from __future__ import annotations

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

APOLOGY = {
    "zh-CN": "抱歉，系统暂时出现故障，请稍后再拨。",
    "en-US": "Sorry, we are having technical difficulties. Please call again later.",
}


def twiml_response(response: VoiceResponse, status: int = 200) -> Response:
    return Response(str(response), status=status, mimetype="text/xml")


def apology_and_hangup() -> VoiceResponse:
    """The safe answer: an apology in Mandarin and English, then hang up."""
    response = VoiceResponse()
    response.say(APOLOGY["zh-CN"], language="zh-CN")
    response.say(APOLOGY["en-US"], language="en-US")
    response.hangup()
    return response

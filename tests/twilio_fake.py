"""Test helpers at Twilio's boundary: signing webhooks the way Twilio does, checking TwiML, and
the faults the fake Twilio (`voicemail.fake_twilio`) can serve a recording with.

Signatures are computed with the twilio library's RequestValidator over the exact URL and form
body a test sends. The TwiML checker knows which verbs Twilio allows where.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from voicemail.fake_twilio import Fault

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"

Params = Mapping[str, str] | Iterable[tuple[str, str]]


def _pairs(params: Params) -> list[tuple[str, str]]:
    return list(params.items()) if isinstance(params, Mapping) else list(params)


def sign(url: str, params: Params, token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature for a form POST of `params` to `url` (repeated names allowed)."""
    multi: dict[str, list[str]] = {}
    for key, value in _pairs(params):
        multi.setdefault(key, []).append(value)

    class Multi(dict):  # what RequestValidator reads repeated values from (`getall`)
        def getall(self, key: str) -> list[str]:
            return self[key]

    return RequestValidator(token).compute_signature(url, Multi(multi))


def call_params(call_sid: str = "CA" + "a" * 32, **extra: str) -> dict[str, str]:
    """The parameters Twilio sends with every voice webhook of an inbound call."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Called": "+862112315",
        "Caller": "+8613800138000",
        "Direction": "inbound",
        "From": "+8613800138000",
        "FromCountry": "CN",
        "To": "+862112315",
        "ToCountry": "CN",
    }
    params.update(extra)
    return params


def post_signed(
    client,
    path: str,
    params: Params,
    *,
    base: str = "http://localhost",
    sign_url: str | None = None,
    token: str = AUTH_TOKEN,
    headers: dict | None = None,
):
    """POST `params` to `path` through the Flask test client, signed as Twilio would sign it."""
    pairs = _pairs(params)
    url = base + path
    signature = sign(sign_url or url, pairs, token)
    return client.post(
        url,
        data=urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature, **(headers or {})},
    )


# -- TwiML ------------------------------------------------------------------------------------

VERBS = {
    "Say",
    "Play",
    "Pause",
    "Gather",
    "Record",
    "Dial",
    "Enqueue",
    "Leave",
    "Hangup",
    "Redirect",
    "Reject",
    "Sms",
    "Connect",
    "Refer",
    "Pay",
    "Prompt",
    "Start",
    "Stop",
}
ALLOWED_CHILDREN = {
    "Response": VERBS,
    "Gather": {"Say", "Play", "Pause"},
    "Dial": {"Number", "Queue", "Client", "Conference", "Sip", "Sim", "Application"},
    "Enqueue": {"Task"},
    "Say": {"break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"},
}
EMPTY = {"Pause", "Hangup", "Leave", "Reject", "Record"}
NEEDS_TEXT = {"Say", "Play", "Redirect", "Number", "Queue"}
#: Verbs allowed in an Enqueue waitUrl document (SPEC §7).
WAIT_URL_VERBS = {"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"}


class TwimlError(AssertionError):
    pass


def parse_twiml(body: bytes | str, allowed_top: set[str] | None = None) -> ET.Element:
    """Parse a TwiML document and check verbs and nesting; returns the <Response> element."""
    root = ET.fromstring(body)
    if root.tag != "Response":
        raise TwimlError(f"root element is <{root.tag}>, not <Response>")
    top = allowed_top or VERBS
    for child in root:
        if child.tag not in top:
            raise TwimlError(f"<{child.tag}> is not allowed at the top of this document")
    _check(root)
    return root


def _check(element: ET.Element) -> None:
    allowed = ALLOWED_CHILDREN.get(element.tag, set())
    for child in element:
        if child.tag not in allowed:
            raise TwimlError(f"<{child.tag}> is not allowed inside <{element.tag}>")
        _check(child)
    if element.tag in EMPTY and (len(element) or (element.text or "").strip()):
        raise TwimlError(f"<{element.tag}> must be empty")
    if element.tag in NEEDS_TEXT and not (element.text or "").strip():
        raise TwimlError(f"<{element.tag}> needs text content")


# -- driving a whole call ---------------------------------------------------------------------


class CallDriver:
    """Plays one call through the webhooks the way Twilio would, signing every request."""

    def __init__(
        self,
        client,
        call_sid: str = "CA" + "c" * 32,
        caller: str = "+8613800138000",
        base: str = "http://localhost",
    ) -> None:
        self.client = client
        self.base = base
        self.params = call_params(call_sid, From=caller, Caller=caller)
        self.twiml: ET.Element | None = None

    def post(self, url: str, **extra: str) -> ET.Element:
        path = url.removeprefix(self.base)
        response = post_signed(self.client, path, {**self.params, **extra}, base=self.base)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        self.twiml = parse_twiml(response.data)
        return self.twiml

    def start(self) -> ET.Element:
        return self.post("/twilio/voice")

    def gather(self) -> ET.Element:
        assert self.twiml is not None
        gather = self.twiml.find("Gather")
        assert gather is not None, f"no <Gather> in {ET.tostring(self.twiml, encoding='unicode')}"
        return gather

    def press(self, digits: str) -> ET.Element:
        """Answer the current <Gather> with `digits` ('' is a timeout with actionOnEmptyResult)."""
        return self.post(self.gather().get("action"), Digits=digits)

    def follow(self, verb: str, **extra: str) -> ET.Element:
        """Post to the action URL of the current document's `verb` (Dial, Enqueue, Record)."""
        assert self.twiml is not None
        element = self.twiml.find(verb)
        assert element is not None, f"no <{verb}>"
        return self.post(element.get("action"), **extra)

    def says(self) -> list[str]:
        assert self.twiml is not None
        return [el.text or "" for el in self.twiml.iter("Say")]

    def spoken(self) -> str:
        return " ".join(self.says())


#: Verbs allowed in the TwiML of a `<Dial><Queue url>` (run on the queued caller's side).
QUEUE_URL_VERBS = {"Play", "Say", "Pause", "Redirect"}


def wait_params(
    position: int,
    queue_time: int = 0,
    avg_queue_time: int = 0,
    size: int | None = None,
    max_size: int = 100,
    queue_sid: str = "QU" + "1" * 32,
) -> dict[str, str]:
    """The queue parameters Twilio adds to every request for an Enqueue wait URL."""
    return {
        "QueueSid": queue_sid,
        "QueuePosition": str(position),
        "QueueTime": str(queue_time),
        "AvgQueueTime": str(avg_queue_time),
        "CurrentQueueSize": str(size if size is not None else position),
        "MaxQueueSize": str(max_size),
    }


def status_fault(status: int, body: bytes = b"error", content_type: str = "text/plain") -> Fault:
    """Answer the next download of a recording with this status instead of the audio."""
    return lambda sid: (status, body, content_type)


def stall_fault(seconds: float) -> Fault:
    """Answer nothing for `seconds` (longer than the client's read timeout), then serve."""

    def stall(sid: str) -> None:
        time.sleep(seconds)
        return None

    return stall

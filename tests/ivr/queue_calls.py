"""A caller in a queue, played through the signed webhooks with the parameters Twilio sends
to Enqueue's wait URL and action URL and to the Dial/Queue `url`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.twilio_fake import (
    QUEUE_URL_VERBS,
    WAIT_URL_VERBS,
    CallDriver,
    parse_twiml,
    post_signed,
    wait_params,
)

QUEUE_SID = "QU" + "1" * 32


class QueuedCall:
    def __init__(self, driver: CallDriver) -> None:
        self.driver = driver
        self.client = driver.client
        self.wait_url = ""
        self.hold_twiml: ET.Element | None = None

    @property
    def sid(self) -> str:
        return self.driver.params["CallSid"]

    def join(self, language_key: str = "1") -> ET.Element:
        """Call in, choose the language, press 0 for an operator: the Enqueue (or the overflow)."""
        self.driver.start()
        self.driver.press(language_key)
        root = self.driver.press("0")
        enqueue = root.find("Enqueue")
        if enqueue is not None:
            self.wait_url = enqueue.get("waitUrl")
        return root

    def enqueued(self, root: ET.Element) -> None:
        """Take the wait URL of an Enqueue reached some other way (a callback's answer)."""
        self.driver.twiml = root
        self.wait_url = root.find("Enqueue").get("waitUrl")

    def _post_wait_doc(self, url: str, params: dict[str, str]) -> ET.Element:
        response = post_signed(self.client, url, {**self.driver.params, **params})
        assert response.status_code == 200, response.data
        self.hold_twiml = parse_twiml(response.data, allowed_top=WAIT_URL_VERBS)
        return self.hold_twiml

    def hold(self, position: int, queue_time: int = 0, avg: int = 0) -> ET.Element:
        """Twilio requests the wait URL: what the caller hears on hold."""
        return self._post_wait_doc(self.wait_url, wait_params(position, queue_time, avg))

    def key(self, digit: str, position: int = 1, queue_time: int = 0) -> ET.Element:
        """The caller presses a key during the hold announcement (the Gather's action)."""
        assert self.hold_twiml is not None
        gather = self.hold_twiml.find("Gather")
        assert gather is not None, "no Gather on hold"
        params = {**wait_params(position, queue_time), "Digits": digit}
        return self._post_wait_doc(gather.get("action"), params)

    def says_on_hold(self) -> list[str]:
        assert self.hold_twiml is not None
        return [el.text or "" for el in self.hold_twiml.iter("Say")]

    def leave(self, result: str, queue_time: int = 0) -> ET.Element:
        """The caller left the queue: Twilio posts Enqueue's action with QueueResult."""
        return self.driver.follow(
            "Enqueue", QueueResult=result, QueueSid=QUEUE_SID, QueueTime=str(queue_time)
        )

    def bridge(self, operator: CallDriver, queue_time: int) -> ET.Element:
        """An operator's `<Dial><Queue url>` takes this caller: Twilio requests the url."""
        dial = operator.twiml.find("Dial")
        assert dial is not None, "the operator is not dialing a queue"
        url = dial.find("Queue").get("url")
        params = {
            **self.driver.params,
            "QueueSid": QUEUE_SID,
            "QueueTime": str(queue_time),
            "DequeingCallSid": operator.params["CallSid"],
        }
        response = post_signed(self.client, url, params)
        assert response.status_code == 200, response.data
        return parse_twiml(response.data, allowed_top=QUEUE_URL_VERBS)

"""Loopback helpers: a free port, and a signed webhook over real HTTP."""

from __future__ import annotations

import socket
from urllib.parse import urlencode

import requests

from tests.twilio_fake import sign


def free_port() -> int:
    """A loopback port nothing listens on (closed again at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_signed_http(url: str, params: dict[str, str]) -> requests.Response:
    """POST `params` to `url` over HTTP, signed as Twilio signs it."""
    return requests.post(
        url,
        data=urlencode(params),
        timeout=30,
        headers={
            "X-Twilio-Signature": sign(url, params),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )

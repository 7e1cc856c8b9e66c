"""The twilio REST client, pointed at `TWILIO_API_BASE_URL` (tests and the demo use a local one)."""

from __future__ import annotations

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline.core.settings import Settings

REST_TIMEOUT = 15  # seconds


def rest_client(settings: Settings) -> Client:
    client = Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=TwilioHttpClient(timeout=REST_TIMEOUT),
    )
    client.api.base_url = settings.twilio_api_base_url
    return client

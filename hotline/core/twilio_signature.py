"""The one check of Twilio's `X-Twilio-Signature`, as a decorator for every `/twilio/...` route."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import Forbidden

log = logging.getLogger(__name__)


def public_request_url() -> str:
    """The URL Twilio signed: the configured public base URL plus this request's path and query.

    Behind a TLS-terminating proxy the app sees `http://10.0.0.5:8000/...` while Twilio signed
    `https://hotline.example.org/...`; `PUBLIC_URL` (or trusted forwarded headers, applied by
    ProxyFix in the app factory) restores what Twilio saw.
    """
    settings = current_app.config["HOTLINE_SETTINGS"]
    base = settings.public_url or request.host_url.rstrip("/")
    return base + _raw_request_uri()


def _raw_request_uri() -> str:
    """Path and query exactly as sent (Twilio signs the bytes it requested, not a re-quoting)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return raw if raw.startswith("/") else "/" + raw.split("/", 3)[-1]
    query = request.query_string.decode("latin-1")
    return request.script_root + request.path + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(current_app.config["HOTLINE_SETTINGS"].twilio_auth_token)
    return validator.validate(public_request_url(), request.form, signature)


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403, nothing written) any request not signed by Twilio with our auth token."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not signature_is_valid():
            log.warning(
                "refused %s %s: missing or wrong X-Twilio-Signature (checked against %s)",
                request.method,
                request.path,
                public_request_url(),
            )
            raise Forbidden("invalid Twilio signature")
        return view(*args, **kwargs)

    return checked

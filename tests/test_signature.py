"""The Twilio signature check: valid, missing, wrong, behind a proxy, repeated parameters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hotline.core.db import db
from ivr.models import Call
from tests.twilio_fake import AUTH_TOKEN, call_params, parse_twiml, post_signed, sign


def _calls(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Call))


def test_spec_test_vector() -> None:
    """SPEC §7's vector, computed by the same helper every test signs with."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    assert (
        sign("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345")
        == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


def test_valid_signature_is_accepted(app, client) -> None:
    response = post_signed(client, "/twilio/voice", call_params())
    assert response.status_code == 200
    parse_twiml(response.data)
    assert _calls(app) == 1


def test_missing_signature_is_refused_and_writes_nothing(app, client) -> None:
    response = client.post("/twilio/voice", data=call_params())
    assert response.status_code == 403
    assert b"invalid Twilio signature" in response.data
    assert _calls(app) == 0


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/status", "/twilio/fallback"])
def test_wrong_signature_is_refused_on_every_route(app, client, path: str) -> None:
    params = call_params(CallStatus="completed")
    response = post_signed(client, path, params, token="not-the-auth-token")
    assert response.status_code == 403
    assert _calls(app) == 0


def test_tampered_parameter_is_refused(app, client) -> None:
    params = call_params()
    signature = sign("http://localhost/twilio/voice", params)
    response = client.post(
        "/twilio/voice",
        data={**params, "From": "+8613900000000"},
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403
    assert _calls(app) == 0


def test_query_string_is_part_of_the_signed_url(app, client) -> None:
    params = call_params()
    good = post_signed(client, "/twilio/voice?v=3&node=main", params)
    assert good.status_code == 200
    bad = post_signed(
        client,
        "/twilio/voice?v=3&node=main",
        params,
        sign_url="http://localhost/twilio/voice?v=4&node=main",
    )
    assert bad.status_code == 403


def test_behind_tls_proxy_public_url_is_what_is_checked(make_app) -> None:
    app = make_app(public_url="https://hotline.example.org")
    client = app.test_client()
    params = call_params()
    # The proxy forwards to http://10.0.0.5:8000; Twilio signed the public https URL.
    ok = post_signed(
        client,
        "/twilio/voice",
        params,
        base="http://10.0.0.5:8000",
        sign_url="https://hotline.example.org/twilio/voice",
    )
    assert ok.status_code == 200
    internal = post_signed(client, "/twilio/voice", params, base="http://10.0.0.5:8000")
    assert internal.status_code == 403
    assert _calls(app) == 1


def test_trusted_forwarded_headers_rebuild_the_signed_url(make_app) -> None:
    app = make_app(trusted_proxy_hops=1)
    client = app.test_client()
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hotline.example.org",
        "X-Forwarded-For": "54.172.60.1",
    }
    ok = post_signed(
        client,
        "/twilio/voice",
        call_params(),
        base="http://10.0.0.5:8000",
        sign_url="https://hotline.example.org/twilio/voice",
        headers=headers,
    )
    assert ok.status_code == 200


def test_forwarded_headers_are_ignored_unless_trusted(app, client) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hotline.example.org"}
    response = post_signed(
        client,
        "/twilio/voice",
        call_params(),
        base="http://10.0.0.5:8000",
        sign_url="https://hotline.example.org/twilio/voice",
        headers=headers,
    )
    assert response.status_code == 403


def test_repeated_parameters_are_all_signed(app, client) -> None:
    pairs = [*call_params().items(), ("UnknownList", "b"), ("UnknownList", "a")]
    ok = post_signed(client, "/twilio/voice", pairs)
    assert ok.status_code == 200
    # Signing only one of the repeated values must not validate.
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/twilio/voice", dict(pairs[:-1])
    )
    from urllib.parse import urlencode

    bad = client.post(
        "/twilio/voice",
        data=urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert bad.status_code == 403

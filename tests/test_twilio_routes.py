"""The foundation's Twilio routes: greeting, call status, and the always-safe fallback."""

from __future__ import annotations

import logging

from sqlalchemy import select

from hotline.core.db import db
from ivr.models import Call
from tests.twilio_fake import call_params, parse_twiml, post_signed


def _call(app, sid: str = "CA" + "a" * 32) -> Call | None:
    with app.app_context():
        return db.session.scalar(select(Call).where(Call.call_sid == sid))


def test_voice_answers_the_menu_and_records_the_call(app, client) -> None:
    response = post_signed(client, "/twilio/voice", call_params())
    assert response.mimetype == "text/xml"
    root = parse_twiml(response.data)
    says = root.findall("Gather/Say")
    assert "12315" in says[0].text
    call = _call(app)
    assert call is not None
    assert call.from_number == "+8613800138000"
    assert call.status == "in-progress"


def test_repeated_voice_webhook_keeps_one_call_row(app, client) -> None:
    post_signed(client, "/twilio/voice", call_params())
    post_signed(client, "/twilio/voice", call_params())
    with app.app_context():
        assert len(db.session.scalars(select(Call)).all()) == 1


def test_status_callback_records_final_status_and_ignores_late_ones(app, client) -> None:
    post_signed(client, "/twilio/voice", call_params())
    done = post_signed(
        client, "/twilio/status", call_params(CallStatus="completed", CallDuration="42")
    )
    assert done.status_code == 204
    late = post_signed(client, "/twilio/status", call_params(CallStatus="ringing"))
    assert late.status_code == 204
    call = _call(app)
    assert call.status == "completed"
    assert call.duration_seconds == 42
    assert call.ended_at is not None
    assert call.ended_at.tzinfo is not None


def test_status_callback_with_garbage_status_is_refused_clearly(app, client) -> None:
    response = post_signed(client, "/twilio/status", call_params(CallStatus="exploded"))
    assert response.status_code == 400
    assert b"unknown CallStatus" in response.data
    assert _call(app) is None


def test_fallback_apologises_hangs_up_and_logs_the_error_code(client, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="ivr.views"):
        response = post_signed(
            client,
            "/twilio/fallback",
            call_params(ErrorCode="11200", ErrorUrl="https://h.example/twilio/voice"),
        )
    root = parse_twiml(response.data)
    assert response.status_code == 200
    assert [child.tag for child in root] == ["Say", "Say", "Record", "Hangup"]
    assert root.find("Record").get("recordingStatusCallback") == "/twilio/recording"
    assert "ErrorCode=11200" in caplog.text


def test_fallback_answers_even_with_no_parameters(client) -> None:
    response = post_signed(client, "/twilio/fallback", {})
    assert response.status_code == 200
    assert parse_twiml(response.data).find("Hangup") is not None


def test_malformed_call_sid_gets_safe_twiml_not_a_500(app, client) -> None:
    response = post_signed(client, "/twilio/voice", call_params(call_sid="x" * 5000))
    assert response.status_code == 200
    root = parse_twiml(response.data)
    assert root.find("Record") is not None
    assert _call(app, "x" * 5000) is None

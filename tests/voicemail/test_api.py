"""`/api/v1/voicemails` with bearer tokens issued by `hotline users create` / `tokens create`."""

from __future__ import annotations

import pytest

from tests.conftest import HotlineRunner
from tests.voicemail.conftest import new_recording_sid


@pytest.fixture
def token(vm_app):
    runner = HotlineRunner(vm_app)

    def issue(name: str, role: str) -> str:
        created = runner.invoke(
            ["users", "create", name, "--role", role, "--password", "pw-123456"]
        )
        assert created.exit_code == 0, created.output
        issued = runner.invoke(["tokens", "create", name])
        assert issued.exit_code == 0
        return issued.output.strip()

    return issue


def test_tokens_are_required_and_roles_checked(vm_app, token) -> None:
    client = vm_app.test_client()
    missing = client.get("/api/v1/voicemails")
    assert missing.status_code == 401
    assert missing.get_json()["error"].startswith("a valid bearer token is required")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert (
        client.get("/api/v1/voicemails", headers={"Authorization": "Bearer hl_nope"}).status_code
        == 401
    )
    partner = token("city-12345", "partner")
    forbidden = client.get("/api/v1/voicemails", headers={"Authorization": f"Bearer {partner}"})
    assert forbidden.status_code == 403
    assert forbidden.get_json() == {
        "error": "role 'partner' may not do this",
        "field": None,
        "status": 403,
    }


def test_list_filter_paginate_and_detail(
    vm_app,
    token,
    post_recording,
    fake_twilio,
    run_jobs,
    audio,
) -> None:
    auth = {"Authorization": f"Bearer {token('wang', 'operator')}"}
    client = vm_app.test_client()
    drafted = new_recording_sid()
    post_recording(drafted, fake_twilio.add_recording(drafted, audio.speech["twilio-8k-mulaw"]))
    run_jobs()
    waiting = [new_recording_sid() for _ in range(3)]
    for sid in waiting:
        post_recording(sid, fake_twilio.recording_url(sid))

    everything = client.get("/api/v1/voicemails?per_page=2", headers=auth).get_json()
    assert everything["total"] == 4
    assert [item["recording_sid"] for item in everything["items"]] == [waiting[2], waiting[1]]
    page2 = client.get("/api/v1/voicemails?per_page=2&page=2", headers=auth).get_json()
    assert [item["recording_sid"] for item in page2["items"]] == [waiting[0], drafted]

    only = client.get("/api/v1/voicemails?state=drafted", headers=auth).get_json()
    assert only["total"] == 1
    item = only["items"][0]
    assert item["ticket_id"] is not None
    assert item["attempts"] == 1

    detail = client.get(f"/api/v1/voicemails/{item['id']}", headers=auth).get_json()
    assert detail["state"] == "drafted"
    assert detail["transcript"]["text"]
    assert detail["transcript"]["words"][0]["end"] > detail["transcript"]["words"][0]["start"]
    assert detail["ticket_id"] == item["ticket_id"]

    assert client.get("/api/v1/voicemails?state=lost", headers=auth).status_code == 400
    assert client.get("/api/v1/voicemails?per_page=1000", headers=auth).status_code == 400
    assert client.get("/api/v1/voicemails/99999", headers=auth).status_code == 404


def test_a_failed_voicemail_shows_its_reason(
    vm_app,
    token,
    post_recording,
    fake_twilio,
    run_jobs,
) -> None:
    auth = {"Authorization": f"Bearer {token('li', 'manager')}"}
    sid = new_recording_sid()
    post_recording(sid, fake_twilio.add_body(sid, b"<html>maintenance</html>", "text/html"))
    run_jobs()
    failed = vm_app.test_client().get("/api/v1/voicemails?state=failed", headers=auth).get_json()
    assert failed["total"] == 1
    item = failed["items"][0]
    assert item["recording_sid"] == sid
    assert item["failure_reason"] == "the recording URL returned text/html, not audio"
    assert item["attempts"] == 1
    assert item["ticket_id"] is None


def test_openapi_document_describes_the_voicemail_paths(vm_app) -> None:
    document = vm_app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/voicemails", "/api/v1/voicemails/{voicemail_id}"} <= set(document["paths"])
    listing = document["paths"]["/api/v1/voicemails"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"state", "page", "per_page"}
    assert "200" in listing["responses"]

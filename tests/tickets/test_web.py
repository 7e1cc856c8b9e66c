"""The operators' pages through the Flask client: login with CSRF and rate limiting, cookies,
the inbox, the review (confirm, discard), the audio route with byte ranges, list and detail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog
from tests.accounts import create_user
from tests.tickets.drafts import make_voicemail_draft
from tickets.models import Ticket
from voicemail.models import Transcript, Voicemail


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def users(app) -> None:
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
        create_user("maria", "manager", password="manager-pw")
        create_user("12345", "partner", password="partner-pw")


def login(client, username: str = "wang", password: str = "operator-pw"):  # noqa: S107
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
    )


@pytest.fixture
def voicemail_draft(app, audio) -> int:
    return make_voicemail_draft(app, audio.speech["twilio-8k-mulaw"])


# -- login -------------------------------------------------------------------------------------


def test_pages_need_a_login(client, users) -> None:
    response = client.get("/inbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_without_csrf_token_is_refused(client, users) -> None:
    response = client.post("/login", data={"username": "wang", "password": "operator-pw"})
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert client.get("/inbox").status_code == 302  # not logged in


def test_login_renews_the_session_with_safe_cookies(app, client, users) -> None:
    client.get("/login")
    before = client.get_cookie("session").value
    response = login(client)
    assert response.status_code == 302
    cookie = client.get_cookie("session")
    assert cookie.value != before
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert client.get("/inbox").status_code == 200
    with app.app_context():
        assert [a.action for a in db.session.scalars(select(AuditLog))] == ["web.login"]


def test_ten_failed_logins_are_rate_limited(client, users) -> None:
    for _ in range(10):
        assert login(client, password="wrong").status_code == 401
    assert login(client, password="wrong").status_code == 429
    assert login(client).status_code == 429  # even the right password must wait


def test_a_partner_cannot_open_the_workspace(client, users) -> None:
    login(client, "12345", "partner-pw")
    assert client.get("/inbox").status_code == 403
    assert client.get("/tickets").status_code == 403


# -- the review loop ---------------------------------------------------------------------------


def test_inbox_marks_and_review_page(client, users, voicemail_draft) -> None:
    login(client)
    inbox = client.get("/inbox").text
    assert "重复来电" in inbox
    assert "+86138****8000" in inbox
    page = client.get(f"/review/{voicemail_draft}").text
    assert '<mark class="low" title="0.31">在</mark>' in page
    assert "建议: 网上购物 — 依据 淘宝" in page
    assert 'src="/voicemails/1/audio"' in page


def test_process_again_requeues_the_stored_recording(app, client, users, voicemail_draft) -> None:
    """ "Process again" drops the transcript and queues the voicemail's one job from the
    transcription step; the draft stays a draft until the worker refreshes it."""
    login(client)
    page = client.get(f"/review/{voicemail_draft}").text
    response = client.post(
        f"/review/{voicemail_draft}", data={"csrf_token": csrf_from(page), "action": "retry"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    with app.app_context():
        voicemail = db.session.scalars(select(Voicemail)).one()
        assert (voicemail.state, voicemail.attempts, voicemail.failure_reason) == (
            "downloaded",
            0,
            None,
        )
        assert db.session.scalar(select(Transcript)) is None
        assert db.session.get(Ticket, voicemail_draft).state == "draft"
    queue = app.extensions["hotline.queues"].queues["voicemail"]
    assert queue.job_ids == [f"voicemail-{voicemail.recording_sid}"]


def test_confirm_with_a_corrected_transcript(app, client, users, voicemail_draft) -> None:
    login(client)
    page = client.get(f"/review/{voicemail_draft}").text
    response = client.post(
        f"/review/{voicemail_draft}",
        data={
            "csrf_token": csrf_from(page),
            "action": "confirm",
            "transcript": "我在京东买的手机坏了",
            "type": "complaint",
            "category": "telecom_products",
            "district": "黄浦",
            "merchant": "",
            "amount": "",
            "caller_number": "+8613800138000",
            "priority": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        ticket = db.session.get(Ticket, voicemail_draft)
        assert (ticket.state, ticket.category, ticket.district) == (
            "open",
            "telecom_products",
            "黄浦",
        )
        assert ticket.description == "我在京东买的手机坏了"
        assert db.session.scalar(select(Transcript.corrected_text)) == "我在京东买的手机坏了"
        number = ticket.number
    listing = client.get("/tickets?q=京东").text
    assert number in listing
    detail = client.get(f"/tickets/{voicemail_draft}").text
    assert 'data-kind="opened">受理<' in detail
    assert "category: online_shopping → telecom_products" in detail


def test_posting_the_review_without_csrf_is_refused(client, users, voicemail_draft) -> None:
    login(client)
    response = client.post(
        f"/review/{voicemail_draft}", data={"action": "discard", "reason": "spam"}
    )
    assert response.status_code == 400


def test_discard_goes_to_the_next_draft(app, client, users, voicemail_draft) -> None:
    login(client)
    page = client.get(f"/review/{voicemail_draft}").text
    response = client.post(
        f"/review/{voicemail_draft}",
        data={"csrf_token": csrf_from(page), "action": "discard", "reason": "spam"},
    )
    assert response.headers["Location"] == "/inbox"
    with app.app_context():
        assert db.session.get(Ticket, voicemail_draft).discard_reason == "spam"


def test_audio_needs_a_login_and_serves_ranges(client, users, voicemail_draft) -> None:
    assert client.get("/voicemails/1/audio").status_code == 302
    login(client)
    with client.get("/voicemails/1/audio") as whole:  # the file is closed with the response
        assert whole.status_code == 200
        assert whole.data[:4] == b"RIFF"
    with client.get("/voicemails/1/audio", headers={"Range": "bytes=0-99"}) as part:
        assert part.status_code == 206
        assert len(part.data) == 100
        assert part.headers["Content-Range"].startswith("bytes 0-99/")
    assert client.get("/voicemails/999/audio").status_code == 404


def test_a_manager_sees_masked_numbers_and_cannot_unmask(client, users, voicemail_draft) -> None:
    login(client, "maria", "manager-pw")
    page = client.get(f"/tickets/{voicemail_draft}").text
    assert "+86138****8000" in page
    assert "+8613800138000" not in page
    assert client.get(f"/tickets/{voicemail_draft}?unmask=1").status_code == 403
    assert client.get("/inbox").status_code == 403


def test_english_interface(client, users, voicemail_draft) -> None:
    login(client)
    client.get("/language/en-US?next=/inbox")
    page = client.get("/inbox").text
    assert "Voicemails to review" in page
    assert "Repeat caller" in page

"""Times on the pages are the hotline's local time (`TIMEZONE`, Asia/Shanghai here), written
the way the page's language writes them: a draft received at 01:30 UTC reads 09:30 on the
inbox, the ticket list, the ticket detail (and its history) and the menu versions page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hotline.core.db import db
from ivr.versions import draft_from
from tests.accounts import create_user
from tests.tickets.drafts import make_voicemail_draft
from tests.tickets.test_web import login
from tickets.models import Ticket, TicketEvent

RECEIVED = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
IN_CHINESE = "2026/11/23 09:30"
IN_ENGLISH = "11/23/26, 9:30\u202fAM"  # CLDR puts a narrow no-break space before AM


@pytest.fixture
def early_draft(app, audio) -> int:
    """A draft received at 01:30 UTC with its `drafted` event, due 15 days later, and a menu
    version made at the same moment; an operator and an admin to read them."""
    app.extensions["hotline.clock"] = lambda: RECEIVED
    ticket_id = make_voicemail_draft(app, audio.speech["twilio-8k-mulaw"])
    with app.app_context():
        create_user("wang", "operator", password="operator-pw")
        create_user("root", "admin", password="admin-pw-1")
        db.session.add(TicketEvent(ticket_id=ticket_id, actor="system", kind="drafted", data={}))
        db.session.get(Ticket, ticket_id).due_at = RECEIVED + timedelta(days=15)
        draft_from(1, "root")
        db.session.commit()
    return ticket_id


def test_stored_utc_is_shown_in_local_time(app, client, early_draft) -> None:
    login(client)
    inbox = client.get("/inbox").text
    assert IN_CHINESE in inbox
    listing = client.get("/tickets").text
    assert IN_CHINESE in listing
    assert "2026/12/8" in listing  # the due date, local
    detail = client.get(f"/tickets/{early_draft}").text
    assert f"<time>{IN_CHINESE}</time>" in detail  # the history
    assert "2026/12/8 09:30" in detail  # due
    for page in (inbox, listing, detail):
        assert "01:30" not in page
    login(client, "root", "admin-pw-1")
    versions = client.get("/admin/menu").text
    assert IN_CHINESE in versions
    assert "01:30" not in versions


def test_times_follow_the_pages_language(app, client, early_draft) -> None:
    login(client)
    client.get("/language/en-US?next=/inbox")
    inbox = client.get("/inbox").text
    assert IN_ENGLISH in inbox
    assert IN_CHINESE not in inbox
    assert f"<time>{IN_ENGLISH}</time>" in client.get(f"/tickets/{early_draft}").text


def test_the_cli_prints_local_times_too(app, runner, early_draft) -> None:
    listing = runner.invoke(["menu", "list"])
    assert listing.exit_code == 0, listing.output
    assert "2026-11-23 09:30" in listing.output  # the version made at 01:30 UTC
    assert "01:30" not in listing.output

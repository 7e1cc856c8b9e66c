"""One use case, one service: the same change made through the page (a logged-in client with
the form's CSRF token), the API (a bearer token) and the CLI writes exactly one audit entry,
with the same action name, and the three agree on what they refuse — self-demotion, a bad
phone, an invalid menu — and on what they do: a confirmed draft keeps its corrected transcript,
the same filters find the same tickets."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog, User
from ivr.models import MenuVersion
from ivr.operator_service import queues_of
from ivr.versions import default_menu_text
from reports.models import Report
from tests.accounts import create_user, issue_token
from tests.conftest import job_runner
from tests.tickets.drafts import make_voicemail_draft
from tests.tickets.test_web import csrf_from, login
from tickets.models import Ticket
from voicemail.models import Transcript, Voicemail

WAYS = ["page", "api", "cli"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Hotline:
    """The app as each of its three doors sees it: an admin's and an operator's logged-in
    browsers, their bearer tokens, and the command line."""

    def __init__(self, app, runner) -> None:
        self.app, self.runner = app, runner
        with app.app_context():
            create_user("root", "admin", password="admin-password")
            create_user("wang", "operator", password="operator-pw", phone="+8613900000001")
            self.tokens = {name: issue_token(name) for name in ("root", "wang")}
        self.browsers = {}
        for name, password in (("root", "admin-password"), ("wang", "operator-pw")):
            browser = app.test_client()
            login(browser, name, password)
            self.browsers[name] = browser
        self.seen = self._last_audit_id()

    def _last_audit_id(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc())) or 0

    def post_form(self, user: str, form_page: str, url: str, data: dict, **kwargs: object):
        """Submit a form of `form_page` as `user` would: with the page's CSRF token."""
        browser = self.browsers[user]
        token = csrf_from(browser.get(form_page).text)
        return browser.post(url, data={"csrf_token": token, **data}, **kwargs)

    def api(self, user: str, method: str, url: str, json: dict):
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.app.test_client().open(url, method=method, json=json, headers=headers)

    def cli(self, *args: str):
        return self.runner.invoke(list(args))

    def new_audit(self) -> list[tuple[str, str, str]]:
        """(actor, action, target) of the entries written since the last call."""
        with self.app.app_context():
            rows = db.session.scalars(
                select(AuditLog).where(AuditLog.id > self.seen).order_by(AuditLog.id)
            ).all()
            self.seen = rows[-1].id if rows else self.seen
            return [(row.actor, row.action, row.target) for row in rows]

    def user(self, username: str) -> User:
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            db.session.expunge(user)
            return user


@pytest.fixture
def hotline(app, runner) -> Hotline:
    found = Hotline(app, runner)
    found.new_audit()  # the logins
    return found


def actor(way: str, user: str = "root") -> str:
    return "cli" if way == "cli" else user


def succeeded(result) -> None:
    """A page's redirect or page, an API's answer, or a command's exit status 0."""
    if hasattr(result, "exit_code"):
        assert result.exit_code == 0, result.output
    else:
        assert result.status_code in (200, 201, 302), result.text


# -- accounts ----------------------------------------------------------------------------------


def disable_wang(hotline: Hotline, way: str):
    if way == "page":
        return hotline.post_form("root", "/admin/users", "/admin/users/wang", {"action": "disable"})
    if way == "api":
        return hotline.api("root", "PATCH", "/api/v1/users/wang", {"active": False})
    return hotline.cli("users", "set", "wang", "--disable")


@pytest.mark.parametrize("way", WAYS)
def test_a_user_change_is_one_audit_entry_whichever_way(hotline: Hotline, way: str) -> None:
    succeeded(disable_wang(hotline, way))
    assert hotline.new_audit() == [(actor(way), "user.changed", "user:wang")]
    assert hotline.user("wang").active is False


def test_an_empty_phone_removes_it_in_either_command(hotline: Hotline) -> None:
    for command in ("users", "operators"):
        succeeded(hotline.cli(command, "set", "wang", "--phone", "+8613900000001"))
        assert hotline.user("wang").phone == "+8613900000001"
        succeeded(hotline.cli(command, "set", "wang", "--phone", ""))
        assert hotline.user("wang").phone is None


def test_a_change_of_nothing_writes_no_entry(hotline: Hotline) -> None:
    succeeded(hotline.api("root", "PATCH", "/api/v1/users/wang", {}))
    succeeded(hotline.cli("users", "set", "wang"))
    succeeded(hotline.cli("operators", "set", "wang"))
    assert hotline.new_audit() == []


def refuse_own_demotion(hotline: Hotline, way: str):
    if way == "page":
        return hotline.post_form(
            "root", "/admin/users", "/admin/users/root", {"action": "role", "role": "manager"}
        )
    if way == "api":
        return hotline.api("root", "PATCH", "/api/v1/users/root", {"role": "manager"})
    return hotline.cli("users", "set", "root", "--role", "manager")


@pytest.mark.parametrize("way", WAYS)
def test_the_only_admin_cannot_be_demoted_whichever_way(hotline: Hotline, way: str) -> None:
    """The page and the API refuse taking away one's own admin role; the CLI has no self, and
    refuses to leave the hotline without an active admin."""
    response = refuse_own_demotion(hotline, way)
    if way == "page":
        assert response.status_code == 400
        assert re.search(r'data-field="role"[^>]*>不能停用自己或更改自己的角色', response.text)
    elif way == "api":
        assert (response.status_code, response.get_json()["field"]) == (400, "role")
    else:
        assert response.exit_code == 1
        assert "root is the last active admin" in response.output
    assert hotline.user("root").role == "admin"
    assert hotline.new_audit() == []


def test_with_another_admin_the_cli_may_demote_one(hotline: Hotline) -> None:
    with hotline.app.app_context():
        create_user("li", "admin", password="admin2-password")
    result = hotline.cli("users", "set", "root", "--role", "manager")
    assert result.exit_code == 0, result.output
    assert hotline.new_audit() == [("cli", "user.changed", "user:root")]
    disabled = hotline.cli("users", "set", "li", "--disable")
    assert "li is the last active admin" in disabled.output


def create_with_phone(hotline: Hotline, way: str, phone: str):
    if way == "page":
        return hotline.post_form(
            "root",
            "/admin/users",
            "/admin/users",
            {"username": "zhao", "role": "operator", "phone": phone, "language": "zh-CN"},
        )
    if way == "api":
        body = {"username": "zhao", "role": "operator", "phone": phone}
        return hotline.api("root", "POST", "/api/v1/users", body)
    return hotline.cli("users", "create", "zhao", "--role", "operator", "--phone", phone)


@pytest.mark.parametrize("way", WAYS)
def test_a_new_user_is_one_audit_entry_and_a_bad_phone_is_refused(
    hotline: Hotline, way: str
) -> None:
    refused = create_with_phone(hotline, way, "12345")
    if way == "page":
        assert refused.status_code == 400
        assert 'id="new-phone-error"' in refused.text
        assert 'value="zhao"' in refused.text  # the input is kept
    elif way == "api":
        assert (refused.status_code, refused.get_json()["field"]) == (400, "phone")
    else:
        assert refused.exit_code == 1
        assert "phone: not a valid phone number" in refused.output
    assert hotline.new_audit() == []
    succeeded(create_with_phone(hotline, way, "+86 139 0000 0002"))
    assert hotline.new_audit() == [(actor(way), "user.created", "user:zhao")]
    assert hotline.user("zhao").phone == "+8613900000002"  # stored as E.164


# -- operators ---------------------------------------------------------------------------------


def update_operator(hotline: Hotline, way: str, phone: str):
    if way == "page":
        return hotline.post_form(
            "root",
            "/admin/operators",
            "/admin/operators/wang",
            {"phone": phone, "pin": "8642", "queues": "operators, experts", "language": "en-US"},
        )
    if way == "api":
        body = {"phone": phone, "pin": "8642", "queues": ["operators", "experts"]}
        return hotline.api("root", "PUT", "/api/v1/operators/wang", body | {"language": "en-US"})
    return hotline.cli(
        "operators", "set", "wang", "--phone", phone, "--pin", "8642",
        "--queue", "operators", "--queue", "experts", "--language", "en-US",
    )  # fmt: skip


@pytest.mark.parametrize("way", WAYS)
def test_an_operator_update_is_one_audit_entry_and_a_bad_phone_is_refused(
    hotline: Hotline, way: str
) -> None:
    refused = update_operator(hotline, way, "+86 139")
    if way == "page":
        assert refused.status_code == 400
        assert 'id="phone-error-wang"' in refused.text
        assert 'value="+86 139"' in refused.text
    elif way == "api":
        assert (refused.status_code, refused.get_json()["field"]) == (400, "phone")
    else:
        assert refused.exit_code == 1
        assert "phone: not a valid phone number" in refused.output
    wang = hotline.user("wang")
    assert (wang.phone, wang.pin_hash, wang.language) == ("+8613900000001", None, "zh-CN")
    assert hotline.new_audit() == []

    succeeded(update_operator(hotline, way, "+8613900000003"))
    assert hotline.new_audit() == [(actor(way), "operator.updated", "user:wang")]
    wang = hotline.user("wang")
    assert (wang.phone, wang.language, wang.pin_hash is not None) == (
        "+8613900000003",
        "en-US",
        True,
    )
    with hotline.app.app_context():
        assert queues_of(wang.id) == ["operators", "experts"]


# -- ticket moves ------------------------------------------------------------------------------


@pytest.fixture
def draft(app, audio) -> int:
    return make_voicemail_draft(app, audio.speech["twilio-8k-mulaw"])


CORRECTED = "我在京东买的手机坏了"


def confirm(hotline: Hotline, way: str, ticket_id: int, district: str = "黄浦"):
    fields = {"type": "complaint", "category": "telecom_products", "district": district}
    if way == "page":
        form = {
            "action": "confirm",
            "transcript": CORRECTED,
            **fields,
            "merchant": "",
            "amount": "",
            "caller_number": "+8613800138000",
            "priority": "1",
        }
        return hotline.post_form("wang", f"/review/{ticket_id}", f"/review/{ticket_id}", form)
    if way == "api":
        body = {"action": "confirm", "transcript": CORRECTED, "fields": fields}
        return hotline.api("wang", "POST", f"/api/v1/tickets/{ticket_id}/moves", body)
    sets = [f"--set={name}={value}" for name, value in fields.items()]
    return hotline.cli(
        "tickets", "move", str(ticket_id), "confirm", "--transcript", CORRECTED, *sets
    )


@pytest.mark.parametrize("way", WAYS)
def test_confirming_keeps_the_corrected_transcript_whichever_way(
    hotline: Hotline, draft: int, way: str
) -> None:
    response = confirm(hotline, way, draft)
    succeeded(response)
    if way == "api":
        assert len(response.get_json()["pin"]) == 6
    if way == "cli":
        assert re.search(r"ticket \d+: open 12315-\d{8}-0001\nstatus PIN: \d{6}", response.output)
    assert hotline.new_audit() == [(actor(way, "wang"), "ticket.confirm", f"ticket:{draft}")]
    with hotline.app.app_context():
        ticket = db.session.get(Ticket, draft)
        assert (ticket.state, ticket.category, ticket.description) == (
            "open",
            "telecom_products",
            CORRECTED,
        )
        transcript = db.session.scalar(select(Transcript))
        assert (transcript.text, transcript.corrected_text) == ("我 在 淘宝 买 手机", CORRECTED)


@pytest.mark.parametrize("way", WAYS)
def test_a_refused_confirmation_leaves_nothing_behind(
    hotline: Hotline, draft: int, way: str
) -> None:
    """A district that does not exist: not confirmed, no transcript correction, no audit."""
    response = confirm(hotline, way, draft, district="火星")
    if way == "page":
        assert response.status_code == 400
        assert re.search(r'id="error-district">unknown district', response.text)
        assert CORRECTED in response.text  # the operator's correction is shown again
    elif way == "api":
        assert (response.status_code, response.get_json()["field"]) == (400, "district")
    else:
        assert response.exit_code == 1
        assert "unknown district '火星'" in response.output
    assert hotline.new_audit() == []
    with hotline.app.app_context():
        assert db.session.get(Ticket, draft).state == "draft"
        assert db.session.scalar(select(Transcript.corrected_text)) is None


def discard(hotline: Hotline, way: str, ticket_id: int):
    if way == "page":
        form = {"action": "discard", "reason": "spam"}
        return hotline.post_form("wang", f"/review/{ticket_id}", f"/review/{ticket_id}", form)
    if way == "api":
        body = {"action": "discard", "reason": "spam"}
        return hotline.api("wang", "POST", f"/api/v1/tickets/{ticket_id}/moves", body)
    return hotline.cli("tickets", "move", str(ticket_id), "discard", "--reason", "spam")


@pytest.mark.parametrize("way", WAYS)
def test_a_move_is_one_audit_entry_whichever_way(hotline: Hotline, draft: int, way: str) -> None:
    succeeded(discard(hotline, way, draft))
    assert hotline.new_audit() == [(actor(way, "wang"), "ticket.discard", f"ticket:{draft}")]
    with hotline.app.app_context():
        ticket = db.session.get(Ticket, draft)
        assert (ticket.state, ticket.discard_reason) == ("discarded", "spam")
        assert [e.kind for e in ticket.events] == ["discarded"]


def test_the_cli_moves_a_ticket_through_its_life(hotline: Hotline, draft: int) -> None:
    for args, state in (
        (["confirm"], "open"),
        (["dispatch"], "dispatched"),
        (["resolve", "--resolution", "商家已退款"], "resolved"),
        (["close"], "closed"),
        (["reopen", "--note", "又来电"], "open"),
    ):
        result = hotline.cli("tickets", "move", str(draft), *args)
        assert result.exit_code == 0, result.output
        assert f": {state} 12315-" in result.output
    refused = hotline.cli("tickets", "move", str(draft), "close")
    assert (refused.exit_code, "a open ticket cannot become closed" in refused.output) == (1, True)
    assert [action for _, action, _ in hotline.new_audit()] == [
        "ticket.confirm",
        "ticket.dispatch",
        "ticket.resolve",
        "ticket.close",
        "ticket.reopen",
    ]
    assert "no ticket 999" in hotline.cli("tickets", "move", "999", "close").output


# -- reading a ticket unmasked -----------------------------------------------------------------


def read(hotline: Hotline, way: str, user: str, ticket_id: int, unmask: bool = True):
    if way == "page":
        query = "?unmask=1" if unmask else ""
        return hotline.browsers[user].get(f"/tickets/{ticket_id}{query}")
    query = "?unmask=true" if unmask else ""
    return hotline.api(user, "GET", f"/api/v1/tickets/{ticket_id}{query}", json=None)


@pytest.mark.parametrize("way", ["page", "api"])
def test_unmasking_is_one_audit_entry_whichever_way(hotline: Hotline, draft: int, way: str) -> None:
    masked = read(hotline, way, "wang", draft, unmask=False)
    assert masked.status_code == 200
    assert "+8613800138000" not in masked.text
    assert hotline.new_audit() == []
    unmasked = read(hotline, way, "wang", draft)
    assert unmasked.status_code == 200
    assert "+8613800138000" in unmasked.text
    assert hotline.new_audit() == [("wang", "ticket.unmasked", f"ticket:{draft}")]


@pytest.mark.parametrize("way", ["page", "api"])
def test_a_refused_unmasking_writes_no_entry(hotline: Hotline, draft: int, way: str) -> None:
    with hotline.app.app_context():
        create_user("maria", "manager", password="manager-pw")
        hotline.tokens["maria"] = issue_token("maria")
    hotline.browsers["maria"] = hotline.app.test_client()
    login(hotline.browsers["maria"], "maria", "manager-pw")
    hotline.new_audit()  # the login
    refused = read(hotline, way, "maria", draft)
    assert refused.status_code == 403
    if way == "api":
        assert refused.get_json()["error"] == "role 'manager' may not see personal data"
    missing = read(hotline, way, "wang", 999)
    assert missing.status_code == 404
    if way == "api":
        assert missing.get_json()["error"] == "no ticket 999"
    assert hotline.new_audit() == []


# -- processing a voicemail again --------------------------------------------------------------


def voicemail_of(hotline: Hotline, ticket_id: int) -> Voicemail:
    with hotline.app.app_context():
        voicemail = db.session.get(Ticket, ticket_id).voicemail_id
        found = db.session.get(Voicemail, voicemail)
        db.session.expunge(found)
        return found


def reprocess(hotline: Hotline, way: str, ticket_id: int):
    if way == "page":
        url = f"/review/{ticket_id}"
        return hotline.post_form("wang", url, url, {"action": "retry"})
    return hotline.cli("voicemail", "reprocess", str(voicemail_of(hotline, ticket_id).id))


@pytest.mark.parametrize("way", ["page", "cli"])
def test_processing_again_is_one_audit_entry_whichever_way(
    hotline: Hotline, draft: int, way: str
) -> None:
    succeeded(reprocess(hotline, way, draft))
    voicemail = voicemail_of(hotline, draft)
    assert (voicemail.state, voicemail.attempts) == ("downloaded", 0)
    target = f"voicemail:{voicemail.id}"
    assert hotline.new_audit() == [(actor(way, "wang"), "voicemail.reprocessed", target)]
    with hotline.app.app_context():
        assert db.session.scalar(select(Transcript)) is None
    queue = hotline.app.extensions["hotline.queues"].queues["voicemail"]
    assert queue.job_ids == [f"voicemail-{voicemail.recording_sid}"]


@pytest.mark.parametrize("way", ["page", "cli"])
def test_a_recording_no_longer_stored_is_not_processed_again(
    hotline: Hotline, draft: int, way: str
) -> None:
    with hotline.app.app_context():
        db.session.get(Voicemail, voicemail_of(hotline, draft).id).audio_deleted_at = datetime(
            2026, 11, 1, tzinfo=SHANGHAI
        )
        db.session.commit()
    refused = reprocess(hotline, way, draft)
    message = f"voicemail {voicemail_of(hotline, draft).id}: the recording is no longer stored"
    if way == "page":
        assert refused.status_code == 302
        assert message in hotline.browsers["wang"].get(refused.headers["Location"]).text
    else:
        assert (refused.exit_code, message in refused.output) == (1, True)
    assert voicemail_of(hotline, draft).state == "drafted"
    assert hotline.new_audit() == []
    assert hotline.app.extensions["hotline.queues"].queues["voicemail"].job_ids == []


def test_retrying_a_failed_voicemail_is_one_audit_entry(hotline: Hotline, draft: int) -> None:
    voicemail_id = voicemail_of(hotline, draft).id
    refused = hotline.cli("voicemail", "retry", str(voicemail_id))
    assert (refused.exit_code, "is drafted, not failed" in refused.output) == (1, True)
    assert hotline.new_audit() == []
    with hotline.app.app_context():
        stored = db.session.get(Voicemail, voicemail_id)
        stored.state, stored.attempts, stored.failure_reason = "failed", 4, "HTTP 401"
        db.session.commit()
    result = hotline.cli("voicemail", "retry", str(voicemail_id))
    assert result.exit_code == 0, result.output
    assert f"voicemail {voicemail_id} back to transcribed and enqueued" in result.output
    assert hotline.new_audit() == [("cli", "voicemail.retried", f"voicemail:{voicemail_id}")]
    voicemail = voicemail_of(hotline, draft)
    assert (voicemail.state, voicemail.attempts, voicemail.failure_reason) == (
        "transcribed",
        0,
        None,
    )
    assert "no voicemail 999" in hotline.cli("voicemail", "retry", "999").output


# -- ticket search -----------------------------------------------------------------------------


@pytest.fixture
def tickets(app, hotline) -> dict[str, int]:
    """Tickets on a Shanghai Monday, 2026-11-23, and the days around it."""
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    app.extensions["hotline.clock"] = lambda: now
    rows = {
        "food_today": dict(category="food", state="open", merchant="好又多", due=-1),
        "food_sunday": dict(category="food", state="dispatched", days=-1, due=3),
        "food_discarded": dict(category="food", state="discarded"),
        "phone_jd": dict(category="telecom_products", state="draft", text="京东买的手机"),
        "old_food": dict(category="food", state="closed", days=-30),
        "percent": dict(category="other", state="open", text="打折100%是假的"),
    }
    ids = {}
    with app.app_context():
        for n, (name, row) in enumerate(rows.items(), start=1):
            created = now + timedelta(days=row.get("days", 0), minutes=-n)
            ticket = Ticket(
                number=None if row["state"] == "draft" else f"12315-20261101-{n:04d}",
                state=row["state"],
                type="complaint",
                category=row["category"],
                district="黄浦" if n % 2 else "静安",
                merchant=row.get("merchant"),
                amount=Decimal("10.00"),
                caller_number=f"+861380013800{n}",
                description=row.get("text", "投诉"),
                due_at=now + timedelta(days=row["due"]) if "due" in row else None,
                created_at=created,
                updated_at=created,
            )
            db.session.add(ticket)
            db.session.flush()
            ids[name] = ticket.id
        db.session.commit()
    return ids


#: Filters, and the tickets they find, newest first.
SEARCHES = [
    (
        {"state": "counted", "category": "food", "from": "2026-11-22", "to": "2026-11-23"},
        ["food_today", "food_sunday"],
    ),
    ({"category": "food"}, ["food_today", "food_discarded", "food_sunday", "old_food"]),
    ({"q": "京东"}, ["phone_jd"]),
    ({"q": "100%"}, ["percent"]),
    ({"overdue": "true"}, ["food_today"]),
    ({"merchant": "好又多"}, ["food_today"]),
    ({"caller": "+8613800138002"}, ["food_sunday"]),
    ({"district": "黄浦", "to": "2026-11-22"}, ["old_food"]),
]


def found_by(hotline: Hotline, way: str, search: dict[str, str]) -> list[int]:
    if way == "page":
        page = hotline.browsers["wang"].get("/tickets", query_string=search)
        assert page.status_code == 200
        return [int(i) for i in re.findall(r'<tr data-href="/tickets/(\d+)"', page.text)]
    if way == "api":
        headers = {"Authorization": f"Bearer {hotline.tokens['wang']}"}
        query = {**search, "per_page": "100"}
        body = hotline.app.test_client().get("/api/v1/tickets", query_string=query, headers=headers)
        assert body.status_code == 200, body.get_json()
        return [item["id"] for item in body.get_json()["items"]]
    options = []
    for name, value in search.items():
        option = {"q": "--search"}.get(name, f"--{name}")
        options += [option] if name == "overdue" else [option, value]
    result = hotline.cli("tickets", "list", *options)
    assert result.exit_code == 0, result.output
    return [int(line.split()[0]) for line in result.output.splitlines()]


@pytest.mark.parametrize(("search", "expected"), SEARCHES, ids=[str(s) for s, _ in SEARCHES])
def test_the_same_filters_find_the_same_tickets_everywhere(
    hotline: Hotline, tickets: dict[str, int], search: dict[str, str], expected: list[str]
) -> None:
    found = {way: found_by(hotline, way, search) for way in WAYS}
    assert found["page"] == found["api"] == found["cli"] == [tickets[name] for name in expected]


def test_a_filter_that_cannot_be_read_is_said_beside_it(hotline: Hotline) -> None:
    page = hotline.browsers["wang"].get("/tickets?from=2026-11-23&to=2026-11-01")
    assert page.status_code == 400
    assert 'id="to-error">the end date is before the start date' in page.text
    api = hotline.api("wang", "GET", "/api/v1/tickets?from=2026-11-32", json=None)
    assert (api.status_code, api.get_json()["field"]) == (400, "from")
    cli = hotline.cli("tickets", "list", "--state", "counted", "--from", "yesterday")
    assert cli.exit_code == 1
    assert "from: " in cli.output


# -- report documents --------------------------------------------------------------------------


def generate_week(hotline: Hotline, way: str, week: str = "2026-W47"):
    if way == "page":
        form = {"kind": "weekly", "period": week}
        return hotline.post_form("root", "/reports/documents", "/reports/documents", form)
    if way == "api":
        body = {"kind": "weekly", "period": week}
        return hotline.api("root", "POST", "/api/v1/reports/documents", body)
    return hotline.cli("report", "weekly", "--week", week)


def report_entries(hotline: Hotline) -> list[dict]:
    with hotline.app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "report.generated"))
        return [row.data for row in rows]


@pytest.mark.parametrize("way", WAYS)
def test_a_generated_document_is_one_audit_entry_whichever_way(hotline: Hotline, way: str) -> None:
    refused = generate_week(hotline, way, "2026-W60")
    if way == "page":
        assert refused.status_code == 302
    elif way == "api":
        assert (refused.status_code, refused.get_json()["field"]) == (400, "period")
    else:
        assert (refused.exit_code, "2026 has weeks 1 to 53" in refused.output) == (2, True)
    assert hotline.new_audit() == []

    for _ in range(2):
        succeeded(generate_week(hotline, way))
    with hotline.app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert (report.generated_by, report.revision) == (actor(way), 2)
    entry = (actor(way), "report.generated", f"report:{report.id}")
    assert hotline.new_audit() == [entry, entry]
    assert report_entries(hotline) == [
        {"kind": "weekly", "period": "2026-W47", "revision": revision} for revision in (1, 2)
    ]


def test_the_scheduled_documents_write_no_audit_entry(hotline: Hotline) -> None:
    from reports.jobs import generate_reports

    app = hotline.app
    app.extensions["hotline.clock"] = lambda: datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    app.extensions["hotline.queues"].queues["default"].enqueue(generate_reports)
    job_runner(app)()
    with app.app_context():
        stored = db.session.execute(select(Report.kind, Report.generated_by)).all()
    assert sorted(stored) == [("monthly", "scheduler"), ("weekly", "scheduler")]
    assert hotline.new_audit() == []


# -- the menu ----------------------------------------------------------------------------------


def menu_file(tmp_path: Path, title: str, valid: bool = True) -> Path:
    document = yaml.safe_load(default_menu_text())
    document["title"] = title
    if not valid:
        document["start"] = "missing"
    path = tmp_path / f"{title}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def import_menu(hotline: Hotline, way: str, path: Path):
    if way == "page":
        with path.open("rb") as upload:
            return hotline.post_form(
                "root", "/admin/menu", "/admin/menu/import", {"file": (upload, path.name)}
            )
    if way == "api":
        body = {"text": path.read_text(encoding="utf-8")}
        return hotline.api("root", "POST", "/api/v1/menu/imports", body)
    return hotline.cli("menu", "import", str(path))


def publish(hotline: Hotline, way: str, number: int):
    if way == "page":
        url = f"/admin/menu/{number}/publish"
        return hotline.post_form("root", f"/admin/menu/{number}", url, {})
    if way == "api":
        return hotline.api("root", "POST", f"/api/v1/menu/versions/{number}/publish", {})
    return hotline.cli("menu", "publish", str(number))


def statuses(hotline: Hotline) -> dict[int, str]:
    with hotline.app.app_context():
        return {v.number: v.status for v in db.session.scalars(select(MenuVersion))}


@pytest.mark.parametrize("way", WAYS)
def test_menu_import_and_publish_are_one_audit_entry_each_whichever_way(
    hotline: Hotline, way: str, tmp_path: Path
) -> None:
    refused = import_menu(hotline, way, menu_file(tmp_path, "broken", valid=False))
    if way == "page":
        assert refused.status_code == 400
        assert re.search(r'id="import-problems"[^>]*><li>start: unknown node', refused.text)
    elif way == "api":
        assert (refused.status_code, refused.get_json()["field"]) == (400, "start")
    else:
        assert refused.exit_code == 1
    assert statuses(hotline) == {1: "published"}
    assert hotline.new_audit() == []

    succeeded(import_menu(hotline, way, menu_file(tmp_path, "version two")))
    assert hotline.new_audit() == [(actor(way), "menu.import", "menu:2")]
    succeeded(publish(hotline, way, 2))
    assert hotline.new_audit() == [(actor(way), "menu.publish", "menu:2")]
    succeeded(publish(hotline, way, 1))  # the rollback
    assert hotline.new_audit() == [(actor(way), "menu.publish", "menu:1")]
    assert statuses(hotline) == {1: "published", 2: "archived"}


def test_the_cli_menu_prompt_is_audited_like_the_page(
    hotline: Hotline, audio, tmp_path: Path
) -> None:
    """`hotline menu prompt` wrote no audit entry; now it writes the page's and the API's."""
    draft = hotline.cli("menu", "import", str(menu_file(tmp_path, "draft")))
    assert draft.exit_code == 0
    hotline.new_audit()
    recording = str(audio.speech["stereo-44k-mp3"])
    result = hotline.cli("menu", "prompt", "2", "main", "zh-CN", recording)
    assert result.exit_code == 0, result.output
    assert hotline.new_audit() == [("cli", "menu.prompt", "menu:2")]


def upload_prompt(
    hotline: Hotline, way: str, number: int, node: str, recording: Path, lock: int | None = None
):
    """Record `recording` as `node`'s zh-CN prompt in version `number` (the page and the API
    send `lock`, the version's own by default; the command reads the version's itself)."""
    if lock is None:
        with hotline.app.app_context():
            lock = db.session.scalar(
                select(MenuVersion.lock_version).where(MenuVersion.number == number)
            )
    form = {"node": node, "lang": "zh-CN", "lock_version": str(lock)}
    if way == "page":
        with recording.open("rb") as upload:
            return hotline.post_form(
                "root",
                f"/admin/menu/{number}",
                f"/admin/menu/{number}/prompt",
                {**form, "file": (upload, recording.name)},
                follow_redirects=True,
            )
    if way == "api":
        with (
            recording.open("rb") as upload,
            hotline.app.test_client().post(
                f"/api/v1/menu/versions/{number}/prompts",
                data={**form, "file": (upload, recording.name)},
                headers={"Authorization": f"Bearer {hotline.tokens['root']}"},
            ) as answer,  # closing it closes the spooled upload
        ):
            answer.get_data()
            return answer
    return hotline.cli("menu", "prompt", str(number), node, "zh-CN", str(recording))


def refused_with(result, way: str, message: str) -> None:
    """The page's flash, the API's error body or the command's error says `message`."""
    if way == "page":
        flashed = re.findall(r'class="flash"[^>]*>([^<]*)<', result.text)
        assert message in html.unescape(" ".join(flashed))
    elif way == "api":
        assert result.status_code in (400, 409), result.get_json()
        assert message in result.get_json()["error"]
    else:
        assert result.exit_code == 1
        assert message in result.output


def stored_prompts(hotline: Hotline) -> list[str]:
    folder = hotline.app.config["HOTLINE_SETTINGS"].storage_root / "prompts"
    return sorted(path.name for path in folder.glob("*"))


@pytest.mark.parametrize("way", WAYS)
def test_a_refused_prompt_leaves_no_audio_behind_whichever_way(
    hotline: Hotline, way: str, audio, tmp_path: Path
) -> None:
    """The audio was stored before the save, so a refused save left an orphan file."""
    assert hotline.cli("menu", "import", str(menu_file(tmp_path, "draft"))).exit_code == 0
    hotline.new_audit()
    mp3, wav = audio.speech["stereo-44k-mp3"], audio.speech["twilio-8k-mulaw"]

    refused_with(upload_prompt(hotline, way, 2, "nowhere", mp3), way, "no node 'nowhere'")
    refused_with(upload_prompt(hotline, way, 1, "main", mp3), way, "version 1 is published")
    assert stored_prompts(hotline) == []
    assert hotline.new_audit() == []

    with hotline.app.app_context():
        lock = db.session.scalar(select(MenuVersion.lock_version).where(MenuVersion.number == 2))
    succeeded(upload_prompt(hotline, way, 2, "main", mp3))
    assert hotline.new_audit() == [(actor(way), "menu.prompt", "menu:2")]
    (played,) = stored_prompts(hotline)

    if way != "cli":  # the command reads the lock_version itself
        stale = upload_prompt(hotline, way, 2, "main", wav, lock=lock)
        refused_with(stale, way, "version 2 was saved by")
        if way == "api":
            assert stale.status_code == 409
    # the same audio again, refused: its file stays, draft 2 plays it
    refused_with(upload_prompt(hotline, way, 1, "main", mp3), way, "version 1 is published")
    assert stored_prompts(hotline) == [played]
    assert hotline.new_audit() == []
    with hotline.app.test_client().get(f"/media/prompts/{played}") as served:
        assert served.status_code == 200


def preview_or_walk(hotline: Hotline, way: str, what: str, number: int):
    if way == "page":
        data = {"node": "main", "lang": "zh-CN", "keys": "1"}
        url = f"/admin/menu/{number}/{what}"
        return hotline.post_form("root", f"/admin/menu/{number}", url, data, follow_redirects=True)
    if way == "api":
        headers = {"Authorization": f"Bearer {hotline.tokens['root']}"}
        if what == "preview":
            url = f"/api/v1/menu/versions/{number}/preview?node=main"
            return hotline.app.test_client().get(url, headers=headers)
        return hotline.api("root", "POST", f"/api/v1/menu/versions/{number}/walk", {"keys": ["1"]})
    return hotline.cli("menu", what, str(number), *(["main"] if what == "preview" else ["1"]))


@pytest.mark.parametrize("what", ["preview", "walk"])
@pytest.mark.parametrize("way", WAYS)
def test_a_preview_or_walk_of_an_invalid_version_names_its_problems(
    hotline: Hotline, way: str, what: str
) -> None:
    draft = hotline.api("root", "POST", "/api/v1/menu/versions", {"from_version": 1}).get_json()
    broken = {**draft["document"], "start": "missing"}
    body = {"document": broken, "lock_version": draft["lock_version"]}
    succeeded(hotline.api("root", "PUT", "/api/v1/menu/versions/2", body))
    problem = "start: unknown node 'missing'"

    result = preview_or_walk(hotline, way, what, 2)
    if way == "page":
        assert result.request.path == "/admin/menu/2"
        refused_with(result, way, f"请先修正问题： {problem}")  # "Fix the problems first: …"
    elif way == "api":
        assert result.status_code == 400
        assert result.get_json() == {
            "error": f"version 2 is not valid: {problem}",
            "field": "document",
            "status": 400,
        }
    else:
        refused_with(result, way, f"  {problem}\nError: version 2 has problems; fix them first")
    succeeded(preview_or_walk(hotline, way, what, 1))

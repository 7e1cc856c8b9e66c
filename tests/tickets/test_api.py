"""The tickets API: roles, the review and life cycle through the API, masking and unmasking,
partner transfers with their webhook back, SMS, exports, and schemathesis over the OpenAPI."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog
from tests import csv_cells
from tests.accounts import create_user, issue_token
from tests.conftest import job_runner
from tickets.models import Ticket


@pytest.fixture
def app(make_app, fake_twilio):
    return make_app(
        twilio_api_base_url=fake_twilio.base_url,
        sms_notifications=True,
        sms_from="+862112315",
    )


@pytest.fixture
def tokens(app) -> dict[str, dict[str, str]]:
    found = {}
    with app.app_context():
        for name, role in (
            ("wang", "operator"),
            ("maria", "manager"),
            ("12345", "partner"),
            ("12331", "partner"),
        ):
            create_user(name, role, password="a-password")
            found[name] = {"Authorization": f"Bearer {issue_token(name)}"}
    return found


@pytest.fixture
def draft_id(app) -> int:
    with app.app_context():
        ticket = Ticket(
            state="draft",
            source="voicemail",
            type="complaint",
            caller_number="+8613800138000",
            language="zh-CN",
            description="我在淘宝买的手机坏了，电话13800138000，身份证310101199001011234。",
            suggestions={"callback_number": {"value": "13800138000", "why": ["13800138000"]}},
        )
        db.session.add(ticket)
        db.session.commit()
        return ticket.id


class Receiver:
    """A partner's server on 127.0.0.1 that records what the hotline posts to it."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/outcome"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


def transfer_body(ref: str = "WO-2026-0001", **extra: object) -> dict:
    return {
        "partner_ref": ref,
        "type": "complaint",
        "description": "市民反映某健身房办卡后跑路",
        "caller_number": "+8613900000009",
        "due_at": "2026-12-01T17:00:00+08:00",
        "category": "prepaid",
        "district": "静安",
        **extra,
    }


# -- roles -------------------------------------------------------------------------------------


def test_roles_are_enforced(client, tokens) -> None:
    assert client.get("/api/v1/tickets").status_code == 401
    assert client.get("/api/v1/tickets", headers=tokens["12345"]).status_code == 403
    assert client.get("/api/v1/queues/metrics", headers=tokens["wang"]).status_code == 403
    assert (
        client.post("/api/v1/transfers", json=transfer_body(), headers=tokens["wang"]).status_code
        == 403
    )
    moves = client.post(
        "/api/v1/tickets/1/moves", json={"action": "close"}, headers=tokens["maria"]
    )
    assert moves.status_code == 403
    assert moves.get_json()["error"] == "role 'manager' may not do this"


# -- the review through the API ----------------------------------------------------------------


def test_review_confirm_dispatch_resolve_with_sms(
    app, client, tokens, draft_id, fake_twilio
) -> None:
    auth = tokens["wang"]
    edited = client.patch(
        f"/api/v1/tickets/{draft_id}",
        json={"category": "online_shopping", "district": "黄浦"},
        headers=auth,
    )
    assert edited.status_code == 200, edited.get_json()
    bad = client.patch(f"/api/v1/tickets/{draft_id}", json={"district": "火星"}, headers=auth)
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "district"
    confirmed = client.post(
        f"/api/v1/tickets/{draft_id}/moves", json={"action": "confirm"}, headers=auth
    ).get_json()
    number = confirmed["ticket"]["number"]
    assert number.startswith("12315-")
    assert len(confirmed["pin"]) == 6
    for move in ({"action": "dispatch"}, {"action": "resolve", "resolution": "商家已退款"}):
        response = client.post(f"/api/v1/tickets/{draft_id}/moves", json=move, headers=auth)
        assert response.status_code == 200, response.get_json()
    wrong = client.post(
        f"/api/v1/tickets/{draft_id}/moves", json={"action": "dispatch"}, headers=auth
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["field"] == "state"
    job_runner(app)()
    texts = [(m["To"], m["Body"]) for m in fake_twilio.messages_sent]
    assert texts[0] == (
        "+8613800138000",
        f"【12315】您的诉求已受理，工单号{number}，电话查询密码{confirmed['pin']}。",
    )
    assert texts[1] == ("+8613800138000", f"【12315】您的工单{number}已办结。")
    detail = client.get(f"/api/v1/tickets/{draft_id}", headers=auth).get_json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds == ["edited", "opened", "dispatched", "resolved", "sms", "sms"]
    assert detail["assigned_district"] == "黄浦"


def test_discard_needs_a_reason(client, tokens, draft_id) -> None:
    url = f"/api/v1/tickets/{draft_id}/moves"
    missing = client.post(url, json={"action": "discard"}, headers=tokens["wang"])
    assert (missing.status_code, missing.get_json()["field"]) == (400, "reason")
    unknown = client.post(
        url, json={"action": "discard", "reason": "bored"}, headers=tokens["wang"]
    )
    assert (unknown.status_code, unknown.get_json()["field"]) == (400, "reason")
    done = client.post(url, json={"action": "discard", "reason": "spam"}, headers=tokens["wang"])
    assert done.get_json()["ticket"]["state"] == "discarded"


def test_list_filters_and_search(client, tokens, draft_id) -> None:
    auth = tokens["maria"]
    assert client.get("/api/v1/tickets?state=draft", headers=auth).get_json()["total"] == 1
    assert client.get("/api/v1/tickets?state=open", headers=auth).get_json()["total"] == 0
    assert client.get("/api/v1/tickets?q=淘宝", headers=auth).get_json()["total"] == 1
    assert (
        client.get("/api/v1/tickets?caller=%2B8613800138000", headers=auth).get_json()["total"] == 1
    )
    assert client.get("/api/v1/tickets?state=lost", headers=auth).status_code == 400


# -- personal data -----------------------------------------------------------------------------


def test_numbers_are_masked_and_unmasking_is_logged(app, client, tokens, draft_id) -> None:
    listed = client.get("/api/v1/tickets", headers=tokens["wang"]).get_json()["items"][0]
    assert listed["caller_number"] == "+86138****8000"
    assert "13800138000" not in listed["description"]
    assert "310101********1234" in listed["description"]
    manager = client.get(f"/api/v1/tickets/{draft_id}?unmask=true", headers=tokens["maria"])
    assert manager.status_code == 403
    detail = client.get(f"/api/v1/tickets/{draft_id}", headers=tokens["maria"]).get_json()
    assert detail["suggestions"]["callback_number"]["value"] == "****"
    full = client.get(f"/api/v1/tickets/{draft_id}?unmask=true", headers=tokens["wang"]).get_json()
    assert full["caller_number"] == "+8613800138000"
    assert full["masked"] is False
    with app.app_context():
        log = db.session.scalars(select(AuditLog).where(AuditLog.action == "ticket.unmasked")).all()
        assert [(entry.actor, entry.target) for entry in log] == [("wang", f"ticket:{draft_id}")]


# -- partner transfers -------------------------------------------------------------------------


def test_transfers_are_idempotent_and_private_and_report_back(
    app, client, tokens, receiver
) -> None:
    body = transfer_body(callback_url=receiver.url)
    first = client.post("/api/v1/transfers", json=body, headers=tokens["12345"])
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/transfers", json=body, headers=tokens["12345"])
    assert again.status_code == 200
    assert again.get_json()["number"] == first.get_json()["number"]
    assert first.get_json()["state"] == "open"
    assert first.get_json()["due_at"].startswith("2026-12-01T09:00:00")  # 17:00 Shanghai
    with app.app_context():
        assert db.session.scalar(select(Ticket.source)) == "transfer"
    assert client.get("/api/v1/transfers/WO-2026-0001", headers=tokens["12331"]).status_code == 404
    mine = client.get("/api/v1/transfers/WO-2026-0001", headers=tokens["12345"]).get_json()
    assert mine["state"] == "open"

    with app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id))
    url = f"/api/v1/tickets/{ticket_id}/moves"
    client.post(url, json={"action": "resolve", "resolution": "已责令退款"}, headers=tokens["wang"])
    job_runner(app)()
    assert len(receiver.bodies) == 1
    posted = receiver.bodies[0]
    assert (posted["partner_ref"], posted["state"], posted["resolution"]) == (
        "WO-2026-0001",
        "resolved",
        "已责令退款",
    )
    outcome = client.get("/api/v1/transfers/WO-2026-0001", headers=tokens["12345"]).get_json()
    assert outcome["notified_at"] is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"partner_ref": "has spaces"}, "partner_ref"),
        ({"type": "rant"}, "type"),
        ({"due_at": "2026-12-01T17:00:00"}, "due_at"),  # no time zone
        ({"caller_number": "call me"}, "caller_number"),
        ({"district": "火星"}, "district"),
        ({"callback_url": "not a url"}, "callback_url"),
    ],
)
def test_invalid_transfers_name_the_field(client, tokens, change: dict, field: str) -> None:
    response = client.post(
        "/api/v1/transfers", json=transfer_body(**change), headers=tokens["12345"]
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == field


# -- suggestions and exports -------------------------------------------------------------------


def test_suggest_endpoint(client, tokens) -> None:
    response = client.post(
        "/api/v1/suggest",
        json={"text": "我要投诉卢湾的一家餐厅，吃了食物中毒"},
        headers=tokens["wang"],
    )
    found = response.get_json()
    assert found["district"] == {"value": "黄浦", "why": ["卢湾 → 黄浦"]}
    assert found["category"]["value"] == "food"
    assert (
        client.post("/api/v1/suggest", json={"text": ""}, headers=tokens["wang"]).status_code == 400
    )


def test_csv_and_open311_exports(app, client, tokens, draft_id) -> None:
    client.post(
        f"/api/v1/tickets/{draft_id}/moves", json={"action": "confirm"}, headers=tokens["wang"]
    )
    today = "2026-11-23"
    with app.app_context():
        from hotline.core.db import utcnow
        from hotline.core.settings import Settings  # noqa: F401

        today = utcnow().astimezone(app.config["HOTLINE_SETTINGS"].zone).date().isoformat()
    body = client.get(
        f"/api/v1/tickets/export.csv?start={today}&end={today}", headers=tokens["maria"]
    )
    rows = csv_cells.records(body.get_data(as_text=True))
    assert [r["caller_number"] for r in rows] == ["+86138****8000"]
    assert rows[0]["number"].startswith("12315-")
    open311 = client.get(
        f"/api/v1/open311/requests.json?start_date={today}&end_date={today}",
        headers=tokens["maria"],
    ).get_json()
    assert open311[0]["service_request_id"] == rows[0]["number"]
    assert open311[0]["status"] == "open"
    assert open311[0]["service_code"] is None or isinstance(open311[0]["service_code"], str)


#: Transcribed words a spreadsheet would run as formulas, and how the exports must write them.
FORMULAS = {
    '=HYPERLINK("http://evil.example","click")': '\'=HYPERLINK("http://evil.example","click")',
    "@SUM(1)": "'@SUM(1)",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "我要投诉 =1+1": "我要投诉 =1+1",  # not at the start: untouched
}


def test_csv_export_escapes_formulas(app, client, tokens) -> None:
    with app.app_context():
        from hotline.core.db import utcnow

        for text in FORMULAS:
            db.session.add(
                Ticket(
                    state="draft",
                    source="voicemail",
                    type="complaint",
                    caller_number="+8613800138000",
                    language="zh-CN",
                    description=text,
                    merchant=text,
                )
            )
        db.session.commit()
        today = utcnow().astimezone(app.config["HOTLINE_SETTINGS"].zone).date().isoformat()
    body = client.get(
        f"/api/v1/tickets/export.csv?start={today}&end={today}", headers=tokens["maria"]
    ).get_data(as_text=True)
    raw = list(csv.DictReader(io.StringIO(body)))
    assert [r["description"] for r in raw] == list(FORMULAS.values())
    assert [r["merchant"] for r in raw] == list(FORMULAS.values())
    assert {r["caller_number"] for r in raw} == {"'+86138****8000"}
    assert [r["description"] for r in csv_cells.records(body)] == list(FORMULAS)


# -- the whole API against its own description -------------------------------------------------


def test_schemathesis_finds_no_server_errors(app, tokens, draft_id) -> None:
    """Every operation of /api/v1/openapi.json, a bounded number of generated requests each."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = []

    def check(operation) -> None:
        headers = tokens["12345"] if "transfers" in operation.path else tokens["wang"]

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.path, response.status_code, response.text)

        run()

    for result in schema.get_all_operations():
        operation = result.ok()
        check(operation)
        checked.append(operation.path)
    assert len(checked) >= 12


def test_an_operator_gets_403_on_every_admin_only_route(app, client, tokens, draft_id) -> None:
    """API routes whose only role is admin (found in the app's URL map), refused to an
    operator's token (the pages: tests/test_admin_pages.py)."""
    admin_only = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "hotline_roles", None)
        if roles == {"admin"} and rule.rule.startswith("/api/"):
            admin_only.append(rule)
    assert any(rule.rule == "/api/v1/audit" for rule in admin_only)
    for rule in admin_only:
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, headers=tokens["wang"], json={})
            assert response.status_code == 403, (method, rule.rule)
    with app.app_context():
        create_user("root2", "admin", password="a-password")
        admin = {"Authorization": f"Bearer {issue_token('root2')}"}
    client.get("/api/v1/tickets/1?unmask=true", headers=tokens["wang"])
    log = client.get("/api/v1/audit", headers=admin).get_json()
    assert log["total"] >= 0

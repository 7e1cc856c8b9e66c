"""Admin pages: every admin-only route (pages and API, found in the app's URL map) refuses an
operator; users, operators and rule files are changed through the forms, audit-logged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.core.db import db
from hotline.core.models import AuditLog, User
from tests.accounts import create_user, issue_token
from tests.tickets.test_web import csrf_from, login


@pytest.fixture
def accounts(app) -> dict[str, str]:
    with app.app_context():
        create_user("root", "admin", password="admin-password")
        create_user("wang", "operator", password="operator-pw", phone="+8613900000001")
        return {"Authorization": f"Bearer {issue_token('wang')}"}


#: Where admin pages and admin API routes live: every route under these, marked or not, must
#: refuse an operator — so a new route that forgets `admin_required` fails the test.
ADMIN_PREFIXES = (
    "/admin/",
    "/admin",
    "/api/v1/menu/",
    "/api/v1/users",
    "/api/v1/operators/",
    "/api/v1/rules/",
    "/api/v1/audit",
)
#: Admin-only methods of routes that others may read (the knowledge base's writes): checked
#: one by one, method by method.
ADMIN_METHODS = {
    ("/api/v1/knowledge/articles", "POST"),
    ("/api/v1/knowledge/articles/<int:article_id>", "PUT"),
}


def admin_methods(rule) -> set[str]:
    return {method for method in rule.methods if (rule.rule, method) in ADMIN_METHODS}


def admin_only_rules(app) -> list:
    rules = list(app.url_map.iter_rules())
    marked = {
        rule.rule
        for rule in rules
        if getattr(app.view_functions[rule.endpoint], "hotline_roles", None) == {"admin"}
        and not admin_methods(rule)
    }
    under = [rule for rule in rules if rule.rule.startswith(ADMIN_PREFIXES) or admin_methods(rule)]
    assert marked <= {rule.rule for rule in under}, "an admin-only route outside ADMIN_PREFIXES"
    return under


def concrete(path: str) -> str:
    path = re.sub(r"<int:\w+>", "1", path)
    return re.sub(r"<(?:\w+:)?\w+>", "x", path)


def test_an_operator_is_refused_every_admin_page_and_admin_api_route(app, client, accounts) -> None:
    rules = admin_only_rules(app)
    pages = [r for r in rules if not r.rule.startswith("/api/")]
    assert {"/admin/menu", "/admin/users", "/admin/operators", "/admin/rules"} <= {
        r.rule for r in pages
    }
    assert len(rules) > len(pages)  # the admin API is there too
    login(client, "wang", "operator-pw")
    page = client.get("/inbox").text
    token = csrf_from(page)
    for rule in rules:
        path = concrete(rule.rule)
        api = path.startswith("/api/")
        methods = admin_methods(rule) or rule.methods - {"HEAD", "OPTIONS"}
        for method in sorted(methods):
            response = client.open(
                path,
                method=method,
                headers=accounts if api else {},
                data=None if api else {"csrf_token": token},
                json={} if api else None,
            )
            assert response.status_code == 403, (method, rule.rule, response.status_code)


def test_users_page_creates_disables_and_issues_tokens(app, client, accounts) -> None:
    login(client, "root", "admin-password")
    page = client.get("/admin/users").text
    token = csrf_from(page)
    client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "12345", "role": "partner", "language": "zh-CN"},
    )
    client.post("/admin/users/wang", data={"csrf_token": token, "action": "disable"})
    issued = client.post(
        "/admin/users/12345", data={"csrf_token": token, "action": "token"}, follow_redirects=True
    ).text
    assert re.search(r"hl_[\w-]{20,}", issued)
    own = client.post(
        "/admin/users/root", data={"csrf_token": token, "action": "disable"}, follow_redirects=True
    ).text
    assert "不能停用自己" in own
    with app.app_context():
        assert db.session.scalar(select(User.active).where(User.username == "wang")) is False
        assert db.session.scalar(select(User.role).where(User.username == "12345")) == "partner"
        actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
        assert actions[-3:] == ["user.created", "user.changed", "user.token"]  # one name a change


def test_operators_page_sets_pin_and_queues(app, client, accounts) -> None:
    login(client, "root", "admin-password")
    token = csrf_from(client.get("/admin/operators").text)
    client.post(
        "/admin/operators/wang",
        data={
            "csrf_token": token,
            "pin": "8642",
            "queues": "operators, experts",
            "phone": "+8613900000001",
        },
    )
    bad = client.post(
        "/admin/operators/wang",
        data={"csrf_token": token, "pin": "12", "queues": "operators"},
        follow_redirects=True,
    ).text
    assert "a PIN is 4 to 8 digits" in bad
    from ivr.operators import queues_of

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "wang"))
        assert user.pin_hash is not None
        assert queues_of(user.id) == ["operators", "experts"]


def test_rules_page_edits_the_suggesters_words(app, client, accounts) -> None:
    login(client, "root", "admin-password")
    page = client.get("/admin/rules").text
    token = csrf_from(page)
    broken = client.post(
        "/admin/rules",
        data={"csrf_token": token, "name": "categories.yaml", "yaml": "categories: [oops"},
        follow_redirects=True,
    ).text
    assert "categories.yaml was not saved" in broken
    client.post(
        "/admin/rules",
        data={
            "csrf_token": token,
            "name": "categories.yaml",
            "yaml": "categories:\n  - {key: pets, zh: 宠物, en: pets, words: [宠物店, 猫粮]}\n",
        },
    )
    response = client.post(
        "/api/v1/suggest", json={"text": "宠物店卖的猫粮发霉了"}, headers=accounts
    ).get_json()
    assert response["category"]["value"] == "pets"


def test_the_same_through_the_cli_and_api(app, runner, accounts, tmp_path, audio) -> None:
    """Users, rules and menu prompts/diff/walk also from the command line and the API."""
    result = runner.invoke(["users", "set", "wang", "--role", "manager", "--reset-password"])
    assert result.exit_code == 0, result.output
    assert "wang: manager, active" in result.output
    assert "password: " in result.output
    rules = tmp_path / "districts.yaml"
    rules.write_text("districts: [1, 2\n", encoding="utf-8")
    refused = runner.invoke(["tickets", "rules", "districts.yaml", "--set", str(rules)])
    assert refused.exit_code == 1
    assert runner.invoke(["tickets", "rules", "districts.yaml"]).output.startswith("# Shanghai")
    with app.app_context():
        from ivr.versions import draft_from

        number = draft_from(1, "cli").number
        db.session.commit()
    played = runner.invoke(
        ["menu", "prompt", str(number), "main", "zh-CN", str(audio.speech["stereo-44k-mp3"])]
    )
    assert played.exit_code == 0, played.output
    assert "/media/prompts/" in runner.invoke(["menu", "diff", "1", str(number)]).output
    walked = runner.invoke(["menu", "walk", "1", "2", "5"])
    assert "→ food_safety" in walked.output
    with app.app_context():
        admin = {"Authorization": f"Bearer {issue_token('root')}"}
    client = app.test_client()
    got = client.get("/api/v1/rules/rules.yaml", headers=admin).get_json()
    assert "food_safety" in got["yaml"]
    bad = client.put("/api/v1/rules/rules.yaml", json={"yaml": "types: ["}, headers=admin)
    assert (bad.status_code, bad.get_json()["field"]) == (400, "yaml")


def test_two_admins_editing_one_draft_the_second_save_is_refused(app, accounts) -> None:
    with app.app_context():
        create_user("li", "admin", password="admin2-password")
        from ivr.versions import draft_from

        number = draft_from(1, "root").number
        db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, "root", "admin-password")
    login(second, "li", "admin2-password")
    page_one = first.get(f"/admin/menu/{number}").text
    page_two = second.get(f"/admin/menu/{number}").text
    assert 'id="tree"' in page_one
    assert '→ <a href="#node-main">main</a>' in page_one
    lock = re.search(r'name="lock_version" value="(\d+)"', page_one).group(1)
    saved = first.post(
        f"/admin/menu/{number}/options",
        data={
            "csrf_token": csrf_from(page_one),
            "lock_version": lock,
            "node": "main",
            "digit": "6",
            "target": "main",
        },
        follow_redirects=True,
    ).text
    assert "已保存" in saved
    refused = second.post(
        f"/admin/menu/{number}/options",
        data={
            "csrf_token": csrf_from(page_two),
            "lock_version": lock,
            "node": "main",
            "digit": "7",
            "target": "main",
        },
        follow_redirects=True,
    ).text
    assert "保存被拒绝" in refused
    assert "was saved by root since you opened it" in refused
    with app.app_context():
        from ivr.versions import get_version

        main = next(n for n in get_version(number).document["nodes"] if n["id"] == "main")
        digits = [o["digit"] for o in main["options"]]
    assert "6" in digits
    assert "7" not in digits

"""The audit log API pages newest first, filtered by action, with the total."""

from __future__ import annotations

from hotline.core.audit import record
from hotline.core.db import db
from tests.accounts import create_user, issue_token


def test_the_audit_log_pages_newest_first(app, client) -> None:
    with app.app_context():
        create_user("root", "admin", password="admin-pw")
        token = issue_token("root")
        for n in range(5):
            record(None, "menu.publish" if n % 2 else "user.changed", f"thing:{n}")
        db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    second = client.get("/api/v1/audit?per_page=2&page=2", headers=bearer).get_json()
    assert second["total"] == 5
    assert [item["target"] for item in second["items"]] == ["thing:2", "thing:1"]
    published = client.get("/api/v1/audit?action=menu.publish", headers=bearer).get_json()
    assert (published["total"], [i["target"] for i in published["items"]]) == (
        2,
        ["thing:3", "thing:1"],
    )
    beyond = client.get("/api/v1/audit?per_page=2&page=9", headers=bearer).get_json()
    assert (beyond["total"], beyond["items"]) == (5, [])

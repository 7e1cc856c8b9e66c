"""Quality review (质检) through the pages and the API: the sample of recorded calls, the
audio with byte ranges, the score with its errors beside the fields, re-scoring, the audit
entry, the roles, and the end to end from a recorded conversation to the operator's stars."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from desk.models import QualityReview
from hotline.core.db import db
from hotline.core.models import AuditLog
from tests.accounts import issue_token
from tests.tickets.test_web import csrf_from, login

CHECKED = {
    "greeting": "yes",
    "need": "yes",
    "information": "no",
    "courtesy": "yes",
    "registered": "yes",
    "closing": "no",
}


def score_form(client, recording_id: int, **fields: str):
    page = client.get(f"/quality/recordings/{recording_id}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.text), **fields}
    return client.post(f"/quality/recordings/{recording_id}", data=data)


def stars_of(client, username: str = "alice") -> str:
    text = client.get("/reports/csv/stars?from=2026-11-01&to=2026-11-30").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    found = [row for row in rows if row and row[0] == username]
    assert found, text
    return found[0][-1]


def test_a_recorded_call_is_sampled_played_scored_and_moves_the_stars(
    app, client, supervisors, recorded, dual_recording
) -> None:
    [recording_id] = recorded(n=10, callers=1)  # ten answered callers: enough work to rate
    login(client, "root", "admin-pw-123")
    assert stars_of(client) == "★★★★★"  # volume 1, speed 1; no quality data yet

    page = client.get("/quality")
    assert page.status_code == 200
    assert 'id="nav-quality"' in page.text
    assert f'data-recording="{recording_id}"' in page.text
    assert "+86138****8000" in page.text  # the caller, masked
    assert "+8613800138000" not in page.text
    assert f"/quality/recordings/{recording_id}/audio" in page.text

    with client.get(
        f"/quality/recordings/{recording_id}/audio", headers={"Range": "bytes=0-99"}
    ) as part:
        assert part.status_code == 206
        assert part.data == dual_recording.read_bytes()[:100]
        assert part.headers["Cache-Control"] == "private, no-store"

    saved = score_form(client, recording_id, score="1", note="没有问候", **CHECKED)
    assert saved.status_code == 302
    with app.app_context():
        review = db.session.scalar(select(QualityReview))
        assert (review.score, review.note, review.reviewer) == (1, "没有问候", "root")
        assert review.checklist["information"] is False
        assert review.checklist["greeting"] is True
    # quality (1 − 1)/4 = 0 joins: (0.2 + 0.3 + 0.2 × 0)/0.7 = 0.71 → 1 + 2.86 → 4 stars
    assert stars_of(client) == "★★★★"
    page = client.get("/quality")
    assert "1/5" in page.text  # listed among the reviewed now


def test_errors_are_shown_beside_the_field_and_the_input_kept(
    app, client, supervisors, recorded
) -> None:
    [recording_id] = recorded()
    login(client, "maria", "manager-pw")
    checked = {**CHECKED}
    del checked["courtesy"]
    refused = score_form(client, recording_id, score="7", note="kept note", **checked)
    assert refused.status_code == 400
    assert 'id="error-score"' in refused.text
    assert 'id="error-courtesy"' in refused.text
    assert 'id="error-greeting"' not in refused.text
    assert "kept note" in refused.text
    assert 'id="greeting-yes" checked' in refused.text
    with app.app_context():
        assert db.session.scalar(select(QualityReview)) is None
        assert db.session.scalar(select(AuditLog).filter_by(action="quality.reviewed")) is None


def test_scoring_again_updates_the_one_review_and_audits_each(
    app, client, supervisors, recorded
) -> None:
    [recording_id] = recorded()
    login(client, "maria", "manager-pw")
    assert score_form(client, recording_id, score="2", **CHECKED).status_code == 302
    again = client.get(f"/quality/recordings/{recording_id}")
    assert 'id="score-2" checked' in again.text  # the earlier score is shown
    assert score_form(client, recording_id, score="5", **CHECKED).status_code == 302
    with app.app_context():
        reviews = db.session.scalars(select(QualityReview)).all()
        assert [r.score for r in reviews] == [5]
        audits = db.session.scalars(
            select(AuditLog).filter_by(action="quality.reviewed").order_by(AuditLog.id)
        ).all()
        assert [(a.data["score"], a.data["rescored"]) for a in audits] == [(2, False), (5, True)]
        assert audits[0].target == f"call_recording:{recording_id}"


def test_operators_may_not_review(app, client, supervisors, recorded) -> None:
    [recording_id] = recorded()
    login(client, "wang", "operator-pw")
    assert client.get("/quality").status_code == 403
    assert client.get(f"/quality/recordings/{recording_id}/audio").status_code == 403
    assert 'id="nav-quality"' not in client.get("/inbox").text


def test_the_sample_takes_the_oldest_unreviewed_per_operator(
    app, client, supervisors, recorded
) -> None:
    ids = recorded(n=3, callers=3)
    login(client, "maria", "manager-pw")
    page = client.get("/quality?per=2")
    assert [f'data-recording="{i}"' in page.text for i in ids] == [True, True, False]
    score_form(client, ids[0], score="4", **CHECKED)
    page = client.get("/quality?per=2")
    to_review = page.text.split('class="to-review"')[1].split("</table>")[0]
    assert [f'data-recording="{i}"' in to_review for i in ids] == [False, True, True]
    later = client.get("/quality?from=2026-11-24&to=2026-11-30")
    assert 'id="empty"' in later.text
    bad = client.get("/quality?from=yesterday")
    assert bad.status_code == 400
    assert 'id="error-from"' in bad.text
    assert 'value="yesterday"' in bad.text


def test_the_api_lists_filters_and_scores(app, supervisors, recorded) -> None:
    ids = recorded(n=2, callers=2)
    with app.app_context():
        manager = issue_token("maria")
        operator = issue_token("wang")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {manager}"}
    listed = api.get("/api/v1/quality/recordings?operator=alice&reviewed=false", headers=auth)
    assert listed.status_code == 200, listed.json
    assert [item["id"] for item in listed.json["items"]] == ids
    assert listed.json["items"][0]["caller"] == "+86138****8000"
    assert listed.json["total"] == 2

    body = {"score": 3, "checklist": {k: v == "yes" for k, v in CHECKED.items()}, "note": "ok"}
    scored = api.post(f"/api/v1/quality/recordings/{ids[1]}/review", json=body, headers=auth)
    assert scored.status_code == 200, scored.json
    assert scored.json["review"]["score"] == 3
    reviewed = api.get("/api/v1/quality/recordings?reviewed=true", headers=auth).json
    assert [item["id"] for item in reviewed["items"]] == [ids[1]]
    none = api.get("/api/v1/quality/recordings?from=2026-11-24", headers=auth).json
    assert none["total"] == 0

    partial = {**body, "checklist": {"greeting": True}}
    refused = api.post(f"/api/v1/quality/recordings/{ids[0]}/review", json=partial, headers=auth)
    assert refused.status_code == 400
    assert refused.json["field"] == "checklist.need"
    too_high = api.post(
        f"/api/v1/quality/recordings/{ids[0]}/review", json={**body, "score": 6}, headers=auth
    )
    assert too_high.status_code == 400
    assert too_high.json["field"] == "score"
    missing = api.post("/api/v1/quality/recordings/999/review", json=body, headers=auth)
    assert missing.status_code == 404
    unknown = api.get("/api/v1/quality/recordings?operator=nobody", headers=auth)
    assert (unknown.status_code, unknown.json["field"]) == (400, "operator")
    forbidden = api.post(
        f"/api/v1/quality/recordings/{ids[0]}/review",
        json=body,
        headers={"Authorization": f"Bearer {operator}"},
    )
    assert forbidden.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(QualityReview.recording_id)) == ids[1]

"""The weekly flash report and monthly analysis: on demand from the CLI, the page and the API;
on schedule through a real RQ worker; stored, listed and served."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core.db import db
from reports.documents import generate_due
from reports.models import Report
from tests.accounts import create_user, issue_token
from tests.conftest import job_runner
from tests.reports import data
from tests.reports.data import local
from tests.tickets.test_web import csrf_from, login

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def week47(app) -> None:
    """A week with a food spike at one supermarket, and an overdue ticket."""
    with app.app_context():
        for i in range(12):
            data.ticket(local(2026, 11, 16 + i % 7, 10), category="food", merchant="好又多超市")
        data.ticket(local(2026, 11, 10), category="courier", due=local(2026, 11, 12))
        call = data.call(local(2026, 11, 17), satisfaction=5)
        data.visit(call, "bridged", 12)
        db.session.commit()


def test_weekly_report_from_the_command_line(app, runner, week47) -> None:
    result = runner.invoke(["report", "weekly", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    assert "weekly report 2026-W47 generated" in result.output
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
    assert (report.kind, report.period, report.revision) == ("weekly", "2026-W47", 1)
    assert report.start == local(2026, 11, 16, 0)
    assert report.end == local(2026, 11, 23, 0)
    html = report.html
    assert "12315 热线周快报 2026-W47" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # daily, top 10, sources
    assert "食品" in html  # the category's Chinese name, in the table and the chart
    assert "好又多超市" in html  # the merchant's warning
    assert report.figures["headline"]["tickets"]["value"] == 12
    assert report.figures["headline"]["calls"]["value"] == 1
    assert {(w["dimension"], w["value"]) for w in report.figures["warnings"]} == {
        ("category", "food"),
        ("district", "静安"),  # every one of them in Jing'an
        ("merchant", "好又多超市"),
    }
    assert report.figures["overdue"] == 1  # the courier ticket, due on the 12th
    assert "kozea.github.io" not in html  # no chart script from the internet

    again = runner.invoke(["report", "weekly", "--week", "2026-W47"])
    assert "regenerated (revision 2)" in again.output
    listed = runner.invoke(["report", "list"])
    assert "weekly   2026-W47  rev 2" in listed.output


def test_monthly_analysis_and_a_bad_period(app, runner, week47, tmp_path) -> None:
    out = tmp_path / "monthly.html"
    result = runner.invoke(["report", "monthly", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "12315 热线月分析 2026-11" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4  # + districts
    bad = runner.invoke(["report", "weekly", "--week", "2026-W60"])
    assert bad.exit_code == 2
    assert "2026 has weeks 1 to 53" in bad.output


def test_the_scheduler_makes_last_weeks_and_last_months_once(app, week47) -> None:
    monday_early = datetime(2026, 11, 23, 5, 0, tzinfo=SHANGHAI)
    monday_morning = datetime(2026, 11, 23, 7, 0, tzinfo=SHANGHAI)
    with app.app_context():
        assert generate_due(monday_early) == []  # before 06:00: late voicemails still coming
        made = generate_due(monday_morning)
        assert [(r.kind, r.period) for r in made] == [
            ("weekly", "2026-W47"),
            ("monthly", "2026-10"),
        ]
        assert generate_due(monday_morning) == []  # once


def test_the_periodic_job_runs_on_a_real_worker(app) -> None:
    from reports.jobs import PERIODIC, generate_reports

    assert (generate_reports, 3600) in PERIODIC
    app.extensions["hotline.clock"] = lambda: datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    app.extensions["hotline.queues"].queues["default"].enqueue(generate_reports)
    job_runner(app)()
    with app.app_context():
        stored = db.session.execute(select(Report.kind, Report.period, Report.generated_by)).all()
    assert sorted(stored) == [
        ("monthly", "2026-10", "scheduler"),
        ("weekly", "2026-W47", "scheduler"),
    ]


def test_documents_page_generates_lists_and_serves(app, client, week47) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
        create_user("wang", "operator", password="operator-pw")
    login(client, "wang", "operator-pw")
    assert client.get("/reports/documents").status_code == 403
    assert client.get("/reports").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/inbox").text)})
    login(client, "maria", "manager-pw")
    page = client.get("/reports/documents")
    no_token = client.post("/reports/documents", data={"kind": "weekly", "period": "2026-W47"})
    assert no_token.status_code == 400  # CSRF
    made = client.post(
        "/reports/documents",
        data={"csrf_token": csrf_from(page.text), "kind": "weekly", "period": "2026-W47"},
    )
    assert made.status_code == 302
    document = client.get(made.headers["Location"])
    assert "12315 热线周快报 2026-W47" in document.text
    listing = client.get("/reports/documents")
    assert "2026-W47" in listing.text
    assert "maria" in listing.text
    bad = client.post(
        "/reports/documents",
        data={"csrf_token": csrf_from(page.text), "kind": "weekly", "period": "last week"},
        follow_redirects=True,
    )
    assert "a week is written like 2026-W47" in bad.text


def test_documents_api(app, client, week47) -> None:
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
        token = issue_token("maria", "reports")
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/reports/documents", headers=headers, json={"kind": "monthly", "period": "2026-11"}
    )
    assert created.status_code == 201
    assert created.json["period"] == "2026-11"
    assert created.json["generated_by"] == "maria"
    again = client.post(
        "/api/v1/reports/documents", headers=headers, json={"kind": "monthly", "period": "2026-11"}
    )
    assert (again.status_code, again.json["revision"]) == (200, 2)
    bad = client.post(
        "/api/v1/reports/documents", headers=headers, json={"kind": "monthly", "period": "November"}
    )
    assert bad.status_code == 400
    assert bad.json["field"] == "period"
    listed = client.get("/api/v1/reports/documents", headers=headers)
    assert [item["period"] for item in listed.json["items"]] == ["2026-11"]
    one = client.get(f"/api/v1/reports/documents/{created.json['id']}", headers=headers)
    assert one.json["url"] == f"/reports/documents/{created.json['id']}"
    assert client.get("/api/v1/reports/documents/999", headers=headers).status_code == 404


def test_documents_are_in_the_report_language_whoever_asks(make_app) -> None:
    """REPORT_LANGUAGE=en-US: the scheduled document and one asked for on a Chinese page are
    both in English; the page around them stays Chinese."""
    app = make_app(report_language="en-US")
    with app.app_context():
        for i in range(3):
            data.ticket(local(2026, 11, 16 + i, 10), category="food")
        create_user("maria", "manager", password="manager-pw")
        db.session.commit()
        [weekly, monthly] = generate_due(datetime(2026, 11, 23, 7, 0, tzinfo=SHANGHAI))
        scheduled, analysis = weekly.html, monthly.html
    assert '<html lang="en-US">' in scheduled
    assert "12315 hotline weekly flash report 2026-W47" in scheduled
    assert "Headline figures" in scheduled
    assert "Tickets by source" in scheduled
    assert "11/23/26, 7:00\u202fAM" in scheduled  # generated at, local, the English way
    assert "周快报" not in scheduled
    assert "12315 hotline monthly analysis 2026-10" in analysis

    client = app.test_client()
    login(client, "maria", "manager-pw")
    page = client.get("/reports/documents")
    assert "周快报" in page.text  # the list is the manager's page: Chinese
    made = client.post(
        "/reports/documents",
        data={"csrf_token": csrf_from(page.text), "kind": "weekly", "period": "2026-W47"},
        follow_redirects=True,
    )
    assert "12315 hotline weekly flash report 2026-W47" in made.text
    assert "主要指标" not in made.text

"""The dashboard through the Flask client: who may see it, what a date range shows, every
table's CSV equal to the table on the page; the summary API."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from hotline.core.db import db
from tests import csv_cells
from tests.accounts import create_user, issue_token
from tests.reports import data
from tests.reports.data import local
from tests.tickets.test_web import login

RANGE = "from=2026-11-01&to=2026-11-30"


class Tables(HTMLParser):
    """The text of every `<table data-table=…>` on a page: {id: [[cell, …], …]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table" and "data-table" in found:
            self._table = found["data-table"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def november(app) -> None:
    with app.app_context():
        for user in (
            create_user("maria", "manager", password="manager-pw"),
            create_user("root", "admin", password="admin-pw-1"),
        ):
            user.language = "en-US"
        op = create_user("wang", "operator", password="operator-pw")
        for day, category, district in (
            (3, "food", "静安"),
            (4, "food", "黄浦"),
            (5, "courier", "静安"),
        ):
            data.ticket(local(2026, 11, day), category=category, district=district)
        data.ticket(local(2026, 10, 3), category="food", due=local(2026, 10, 10))  # overdue
        for i in range(4):
            call = data.call(local(2026, 11, 2 + i), satisfaction=4 if i else None)
            data.visit(
                call,
                "bridged" if i < 3 else "hangup",
                10 * (i + 1),
                operator_id=op.id,
                rating=4 if i else None,
            )
        data.voicemail(local(2026, 11, 3), "drafted")
        db.session.commit()


def test_dashboard_shows_the_range_with_charts(client, november) -> None:
    login(client, "maria", "manager-pw")
    page = client.get(f"/reports?{RANGE}")
    assert page.status_code == 200
    tables = page_tables(page.text)
    headline = {row[0]: row[1:] for row in tables["headline"][1:]}
    assert headline["Calls"] == ["4", "0", "–", "0", "–"]
    assert headline["Answered"][0] == "3"
    assert headline["Answer rate"][0] == "75.0%"
    assert headline["Tickets"] == ["3", "1", "+200.0%", "0", "–"]
    assert tables["categories"][1:] == [
        ["food", "2", "1", "+100.0%", "0", "–"],
        ["courier services", "1", "0", "–", "0", "–"],
    ]
    assert [row[:2] for row in tables["districts"][1:]] == [["静安", "2"], ["黄浦", "1"]]
    assert len(tables["daily"]) == 1 + 30
    for chart in ("daily", "categories", "sources", "districts"):
        assert f'id="chart-{chart}"><svg' in page.text
    assert "stars" not in tables  # operator stars are for admins
    assert 'value="2026-11-01"' in page.text  # the picker shows the range


def test_every_tables_csv_is_the_table_on_the_page(client, november) -> None:
    login(client, "root", "admin-pw-1")
    page = client.get(f"/reports?{RANGE}")
    tables = page_tables(page.text)
    assert set(tables) == {
        "headline",
        "categories",
        "districts",
        "types",
        "sources",
        "voicemails",
        "stars",
        "overdue",
        "daily",
    }
    assert tables["overdue"][1][1] == "food"
    for table_id, rows in tables.items():
        response = client.get(f"/reports/csv/{table_id}?{RANGE}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert (
            f"hotline-{table_id}-2026-11-01-2026-11-30.csv"
            in (response.headers["Content-Disposition"])
        )
        text = response.data.decode("utf-8-sig")  # with a BOM for spreadsheet programs
        assert csv_cells.rows(text) == rows, table_id
    empty = client.get(f"/reports/csv/warnings?{RANGE}").data.decode("utf-8-sig")
    assert empty.splitlines() == ["Dimension,Name,This week,Baseline per week,z,p"]
    assert "No warnings this week." in page.text


def test_report_csv_escapes_formulas(client, app, november) -> None:
    """A district as transcribed reaches the CSV as text, never as a spreadsheet formula."""
    written = {
        '=HYPERLINK("http://x.cn","a")': '\'=HYPERLINK("http://x.cn","a")',  # ≤ 32 chars
        "@SUM(1)": "'@SUM(1)",
        "+1+1": "'+1+1",
        "-2+3": "'-2+3",
        "\t=1+1": "'\t=1+1",
        "\r=1+1": "'\r=1+1",
    }
    with app.app_context():
        for district in written:
            data.ticket(local(2026, 11, 20), district=district)
        db.session.commit()
    login(client, "maria", "manager-pw")
    text = client.get(f"/reports/csv/districts?{RANGE}").data.decode("utf-8-sig")
    cells = {row[0]: row for row in csv.reader(io.StringIO(text))}
    for escaped in written.values():
        assert escaped in cells
    assert cells["静安"][:4] == ["静安", "2", "1", "'+100.0%"]  # a signed change is text too
    page = {row[0]: row for row in page_tables(client.get(f"/reports?{RANGE}").text)["districts"]}
    read = {row[0]: row for row in csv_cells.rows(text)}
    for district in ("静安", "+1+1", "-2+3", "@SUM(1)"):
        assert read[district] == page[district]  # read back, the CSV is the page


def test_bad_ranges_and_roles(client, november) -> None:
    login(client, "maria", "manager-pw")
    backwards = client.get("/reports?from=2026-11-30&to=2026-11-01")
    assert backwards.status_code == 400
    assert "before the start date" in backwards.text  # said beside the picker,
    assert 'id="picker"' in backwards.text  # on the dashboard of this month so far
    assert client.get("/reports?from=yesterday&to=today").status_code == 400
    assert client.get(f"/reports/csv/nonsense?{RANGE}").status_code == 404
    assert client.get(f"/reports/csv/stars?{RANGE}").status_code == 404  # admins only
    default = client.get("/reports")
    assert default.status_code == 200  # this month so far


def test_summary_api(app, client, november) -> None:
    with app.app_context():
        manager = issue_token("maria", "reports")
        operator = issue_token("wang", "api")
    response = client.get(
        f"/api/v1/reports/summary?{RANGE}", headers={"Authorization": f"Bearer {manager}"}
    )
    assert response.status_code == 200
    body = response.json
    assert (body["first"], body["last"], body["previous"]) == (
        "2026-11-01",
        "2026-11-30",
        "2026-10",  # a whole month is compared with the month before
    )
    headline = {row["key"]: row for row in body["headline"]}
    assert headline["calls"]["value"] == 4
    assert headline["answer_rate"]["value"] == pytest.approx(0.75)
    assert headline["average_wait"]["value"] == pytest.approx(20.0)
    assert headline["satisfaction"]["value"] == pytest.approx(4.0)
    assert body["by_category"] == {"food": 2, "courier": 1}
    assert body["voicemails"] == {"drafted": 1}
    assert body["top_categories"][0]["growth"] == pytest.approx(1.0)
    refused = client.get("/api/v1/reports/summary", headers={"Authorization": f"Bearer {operator}"})
    assert refused.status_code == 403
    bad = client.get(
        "/api/v1/reports/summary?from=2026-11-30&to=2026-11-01",
        headers={"Authorization": f"Bearer {manager}"},
    )
    assert bad.status_code == 400
    assert "before the start date" in bad.json["error"]

"""The managers' dashboard in real headless Chromium: for a seeded month the charts render
with their data and Chinese labels in a CJK font, the date picker changes the range, and a
table's CSV download holds exactly the rows shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hotline.core.db import db
from tests import csv_cells
from tests.accounts import create_user
from tests.reports import data
from tests.reports.data import local

GLYPHS = """selector => {
  const font = getComputedStyle(document.querySelector(selector)).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 48;
  const pen = canvas.getContext("2d");
  const draw = text => {
    pen.clearRect(0, 0, 48, 48);
    pen.font = `32px ${font}`;
    pen.fillText(text, 4, 38);
    return Array.from(pen.getImageData(0, 0, 48, 48).data).join(",");
  };
  const food = draw("食");
  return {font, distinct: food !== draw("品"), not_a_box: food !== draw("\\u0378")};
}"""
CATEGORIES = {"food": ("食品", 6), "online_shopping": ("网上购物", 4), "courier": ("快递服务", 2)}


@pytest.fixture
def seeded_month(app) -> None:
    """November 2026: tickets in three categories, calls answered and abandoned."""
    with app.app_context():
        create_user("maria", "manager", password="manager-pw")
        for category, (_, count) in CATEGORIES.items():
            for i in range(count):
                data.ticket(local(2026, 11, 2 + i * 3), category=category, district="徐汇")
        for day in range(1, 31):
            call = data.call(local(2026, 11, day))
            data.visit(call, "bridged" if day % 4 else "hangup", 12)
        db.session.commit()


def test_dashboard_charts_and_csv(page, live_server, seeded_month, tmp_path) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", "maria")
    page.fill("#password", "manager-pw")
    page.click("#login")
    page.click("#nav-reports")
    page.fill("#from", "2026-11-01")
    page.fill("#to", "2026-11-30")
    page.click("#show")
    expect(page.locator("h1")).to_have_text("统计分析")
    assert "from=2026-11-01&to=2026-11-30" in page.url

    # the top-10 chart: one bar per category, each carrying its count, labels in Chinese
    bars = page.locator("#chart-categories svg .series .bar")
    expect(bars).to_have_count(len(CATEGORIES))
    values = page.locator("#chart-categories svg .series .bar desc.value").all_text_contents()
    assert sorted(int(v) for v in values) == sorted(c for _, c in CATEGORIES.values())
    labels = page.locator("#chart-categories svg .axis.y .guides text").all_text_contents()
    assert {name for name, _ in CATEGORIES.values()} <= set(labels)
    # the labels are drawn with glyphs, not boxes: two different characters in the chart's
    # font come out as different pixels (missing glyphs would all be the same box)
    drawn = page.evaluate(GLYPHS, "#chart-categories svg .axis.y .guides text")
    assert drawn["font"].startswith('"Noto Sans CJK SC"')
    assert drawn["distinct"], (
        "食 and 品 look the same: no CJK font (apt-get install fonts-noto-cjk)"
    )
    assert drawn["not_a_box"]

    # the daily chart: a line per series with a point for each of the 30 days
    dots = page.locator("#chart-daily svg .series.serie-0 .dots")
    expect(dots).to_have_count(30)
    assert page.locator("#chart-sources svg g.slice desc.value").all_text_contents() == ["12"]
    assert page.locator("#chart-districts svg .bar desc.value").all_text_contents() == ["12"]

    # the CSV download holds exactly the rows of the table on the page
    shown = page.locator("#table-categories table tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    with page.expect_download() as caught:
        page.click("#csv-categories")
    saved = tmp_path / "categories.csv"
    caught.value.save_as(saved)
    assert csv_cells.rows(saved.read_text(encoding="utf-8-sig")) == shown
    assert shown[1][:2] == ["食品", "6"]

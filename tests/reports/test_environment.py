"""The consumer environment index: the admin's CSV upload (good, bad, Excel's GB18030), and
complaint growth minus spending growth computed by hand."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hotline.core.db import db
from hotline.core.models import AuditLog
from reports import environment
from reports.models import SectorGrowth
from tests.accounts import create_user
from tests.reports import data
from tests.reports.data import local
from tests.tickets.test_web import csrf_from, login

SHANGHAI = ZoneInfo("Asia/Shanghai")
CSV = (
    "month,sector,growth_percent,categories\n"
    "2026-10,社会消费品零售总额,3.2,食品;厨房电器\n"
    "2026-10,网上零售额,6.1%,online_shopping\n"
    "2026-10,旅游消费,8.0,travel\n"
)


def names(app) -> dict[str, str]:
    with app.app_context():
        return environment.category_names()


def test_parse_accepts_keys_and_names_and_excel_encodings(app) -> None:
    known = names(app)
    rows = environment.parse(CSV.encode("utf-8-sig"), known)
    assert [(r.sector, r.growth_percent, r.categories) for r in rows] == [
        ("社会消费品零售总额", 3.2, ["food", "kitchen_appliances"]),
        ("网上零售额", 6.1, ["online_shopping"]),
        ("旅游消费", 8.0, ["travel"]),
    ]
    assert environment.parse(CSV.encode("gb18030"), known) == rows


def test_the_shipped_example_loads(app) -> None:
    """The README uploads reports/data/sector-growth-example.csv: it must stay valid."""
    example = Path(environment.__file__).parent / "data" / "sector-growth-example.csv"
    rows = environment.parse(example.read_bytes(), names(app))
    assert {r.sector for r in rows} >= {"网上零售额", "社会消费品零售总额"}


def test_a_bad_file_names_every_bad_line(app) -> None:
    bad = (
        "month,sector,growth_percent,categories\n"
        "2026-13,零售,3.2,food\n"
        "2026-10,零售,about three,food\n"
        "2026-10,网购,5,shoes\n"
        "2026-10,零售,1,food\n"
        "2026-10,only three fields,1\n"
    )
    with pytest.raises(environment.IndexCsvError) as caught:
        environment.parse(bad.encode(), names(app))
    assert caught.value.problems == [
        "line 2: month must be like 2026-10 (got '2026-13')",
        "line 3: growth_percent must be a number (got 'about three')",
        "line 4: unknown category 'shoes'",
        "line 4: name at least one complaint category",
        "line 5: 零售 for 2026-10 appears twice",
        "line 6: 4 fields expected, 3 found",
    ]
    with pytest.raises(environment.IndexCsvError, match="header"):
        environment.parse(b"a,b,c\n", names(app))
    with pytest.raises(environment.IndexCsvError, match="no rows"):
        environment.parse(b"month,sector,growth_percent,categories\n", names(app))


def test_index_is_complaint_growth_minus_spending_growth(app) -> None:
    with app.app_context():
        for year, food, online in ((2025, 10, 10), (2026, 12, 8)):
            for i in range(food):
                data.ticket(local(year, 10, 1 + i), category="food")
            for i in range(online):
                data.ticket(local(year, 10, 1 + i), category="online_shopping")
        data.ticket(local(2026, 10, 5), category="food", type="consultation")  # not a complaint
        data.ticket(local(2026, 10, 6), category="food", state="discarded")  # not counted
        data.ticket(local(2026, 10, 7), category="travel")  # travel: none a year earlier
        environment.store(environment.parse(CSV.encode(), environment.category_names()), "a")
        db.session.commit()
        rows = {r.sector: r for r in environment.environment_index("2026-10", SHANGHAI)}
    retail = rows["社会消费品零售总额"]
    assert (retail.complaints, retail.complaints_year_ago) == (12, 10)
    assert retail.complaint_growth == pytest.approx(20.0)
    assert retail.index == pytest.approx(20.0 - 3.2)
    assert retail.reading == "worse"
    online = rows["网上零售额"]
    assert online.complaint_growth == pytest.approx(-20.0)
    assert online.index == pytest.approx(-26.1)
    assert online.reading == "better"
    travel = rows["旅游消费"]
    assert (travel.complaints, travel.complaint_growth, travel.index) == (1, None, None)
    assert travel.reading == "unknown"


def test_admin_uploads_on_the_page_and_a_bad_file_stores_nothing(app, client) -> None:
    with app.app_context():
        create_user("root", "admin", password="admin-pw-1")
        create_user("maria", "manager", password="manager-pw")
    login(client, "maria", "manager-pw")
    assert client.get("/admin/sector-growth").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/reports").text)})
    login(client, "root", "admin-pw-1")
    page = client.get("/admin/sector-growth")
    token = csrf_from(page.text)
    bad = client.post(
        "/admin/sector-growth",
        data={"csrf_token": token, "file": (_file("month,sector\n"), "x.csv")},
        follow_redirects=True,
    )
    assert "line 1: the header must be month,sector,growth_percent,categories" in bad.text
    good = client.post(
        "/admin/sector-growth",
        data={"csrf_token": token, "file": (_file(CSV), "growth.csv")},
        follow_redirects=True,
    )
    assert "已保存 3 行。" in good.text  # the flash: 3 rows saved
    assert "社会消费品零售总额" in good.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SectorGrowth)) == 3
        entry = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "reports.sector_growth")
        ).one()
        assert (entry.actor, entry.data) == ("root", {"rows": 3})
    # uploading the month again replaces its rows
    client.post(
        "/admin/sector-growth",
        data={"csrf_token": token, "file": (_file(CSV.replace("3.2", "4.0")), "g.csv")},
    )
    with app.app_context():
        growth = db.session.scalar(
            select(SectorGrowth.growth_percent).where(SectorGrowth.sector == "社会消费品零售总额")
        )
        assert growth == 4.0
        assert db.session.scalar(select(func.count()).select_from(SectorGrowth)) == 3


def _file(text: str):
    import io

    return io.BytesIO(text.encode("utf-8"))


def test_the_flash_counts_rows_in_the_pages_language(app, client) -> None:
    """One row, then three: ngettext picks English's singular and plural; Chinese has one."""
    with app.app_context():
        create_user("root", "admin", password="admin-pw-1")
    login(client, "root", "admin-pw-1")
    client.get("/language/en-US?next=/admin/sector-growth")

    def upload(text: str) -> str:
        token = csrf_from(client.get("/admin/sector-growth").text)
        return client.post(
            "/admin/sector-growth",
            data={"csrf_token": token, "file": (_file(text), "growth.csv")},
            follow_redirects=True,
        ).text

    header = "month,sector,growth_percent,categories\n"
    assert "Saved 1 row." in upload(header + "2026-10,retail,3.2,food\n")
    assert "Saved 3 rows." in upload(CSV)
    client.get("/language/zh-CN?next=/admin/sector-growth")
    assert "已保存 1 行。" in upload(header + "2026-09,retail,3.0,food\n")

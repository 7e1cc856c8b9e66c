"""The consumer environment index (增速差): for each sector an admin uploaded, the year-on-year
growth of complaints in the sector's categories minus the sector's spending growth.

index = complaint growth % − spending growth %, in percentage points. Negative: complaints
grow more slowly than spending (the consumer environment improved); positive: complaints
outgrow spending. Complaints are tickets of type `complaint` (not discarded) created in the
month; with none a year earlier the growth, and so the index, is undefined (None).

The upload is a CSV with the header `month,sector,growth_percent,categories`, e.g.
`2026-10,网上零售额,6.1,online_shopping;livestream` (categories by key or by their Chinese or
English name, separated by `;`). UTF-8 (with or without BOM) or GB18030, as Excel in China
saves it. A file with any bad line is refused whole, with every bad line named.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hotline.core.audit import Actor, actor_name, record
from hotline.core.db import db, utcnow
from hotline.core.service import transaction
from reports.models import SectorGrowth
from reports.periods import MONTH, Period, month
from reports.ticket_figures import ticket_counts
from tickets.models import Ticket, TicketType

HEADER = ("month", "sector", "growth_percent", "categories")
SEPARATORS = re.compile(r"[;；|、]")
MAX_BYTES = 1_000_000


class IndexCsvError(ValueError):
    """An upload that cannot be used; `problems` lists each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SectorRow:
    month: str
    sector: str
    growth_percent: float
    categories: list[str]


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise IndexCsvError([f"the file is larger than {MAX_BYTES // 1000} kB"])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IndexCsvError(["the file is neither UTF-8 nor GB18030 text"])  # pragma: no cover


def parse(raw: bytes, categories: dict[str, str]) -> list[SectorRow]:
    """The rows of an upload; `categories` maps every accepted name (key, zh, en) to a key."""
    reader = csv.reader(io.StringIO(_decode(raw)))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise IndexCsvError([f"line 1: the header must be {','.join(HEADER)}"])
    rows, problems, seen = [], [], set()
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(HEADER):
            problems.append(f"line {number}: {len(HEADER)} fields expected, {len(fields)} found")
            continue
        month_key, sector, growth, names = (f.strip() for f in fields)
        if not MONTH.match(month_key) or not 1 <= int(month_key[5:]) <= 12:
            problems.append(f"line {number}: month must be like 2026-10 (got {month_key!r})")
        if not sector or len(sector) > 64:
            problems.append(f"line {number}: sector must be 1 to 64 characters")
        try:
            percent = float(growth.rstrip("%"))
        except ValueError:
            problems.append(f"line {number}: growth_percent must be a number (got {growth!r})")
            percent = 0.0
        keys = []
        for name in filter(None, (n.strip() for n in SEPARATORS.split(names))):
            if name.lower() not in categories:
                problems.append(f"line {number}: unknown category {name!r}")
            else:
                keys.append(categories[name.lower()])
        if not keys:
            problems.append(f"line {number}: name at least one complaint category")
        if (month_key, sector) in seen:
            problems.append(f"line {number}: {sector} for {month_key} appears twice")
        seen.add((month_key, sector))
        rows.append(SectorRow(month_key, sector, percent, sorted(set(keys))))
    if problems:
        raise IndexCsvError(problems)
    if not rows:
        raise IndexCsvError(["the file has no rows under its header"])
    return rows


def category_names() -> dict[str, str]:
    """Every accepted spelling of a category (key, Chinese, English; lower case) → its key."""
    from tickets.rules import current_rules

    names = {}
    for category in current_rules().categories:
        for name in (category.key, category.zh, category.en):
            names[name.lower()] = category.key
    return names


def store(rows: list[SectorRow], actor: str) -> int:
    """Insert or replace each (month, sector); returns how many rows were stored."""
    for row in rows:
        found = db.session.scalar(
            select(SectorGrowth).where(
                SectorGrowth.month == row.month, SectorGrowth.sector == row.sector
            )
        )
        if found is None:
            found = SectorGrowth(month=row.month, sector=row.sector)
            db.session.add(found)
        found.growth_percent = row.growth_percent
        found.categories = row.categories
        found.uploaded_at = utcnow()
        found.uploaded_by = actor
    return len(rows)


def upload(actor: Actor | None, raw: bytes) -> int:
    """The use case of the upload page and `hotline report index --upload`: a whole file
    stored (IndexCsvError naming every bad line stores nothing), one audit entry."""
    rows = parse(raw, category_names())
    with transaction():
        stored = store(rows, actor_name(actor))
        record(actor, "reports.sector_growth", "sector_growth", rows=stored)
    return stored


@dataclass(frozen=True)
class IndexRow:
    month: str
    sector: str
    categories: list[str]
    spending_growth: float
    complaints: int
    complaints_year_ago: int
    complaint_growth: float | None
    index: float | None

    @property
    def reading(self) -> str:
        """`better` (negative), `worse` (positive), `even` or `unknown`."""
        if self.index is None:
            return "unknown"
        return "better" if self.index < 0 else "worse" if self.index > 0 else "even"


def months_with_data() -> list[str]:
    return list(
        db.session.scalars(
            select(SectorGrowth.month).distinct().order_by(SectorGrowth.month.desc())
        )
    )


def month_for(period: Period, months: list[str]) -> str | None:
    """The uploaded month the dashboard shows for a period: the latest inside it, else the
    latest uploaded (`months` newest first), else None."""
    first, last = f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"
    inside = [m for m in months if first <= m <= last]
    return (inside or months or [None])[0]


def environment_index(month_key: str, zone: ZoneInfo) -> list[IndexRow]:
    """Every uploaded sector of the month with its index (an empty list if none uploaded)."""
    sectors = db.session.scalars(
        select(SectorGrowth).where(SectorGrowth.month == month_key).order_by(SectorGrowth.sector)
    ).all()
    if not sectors:
        return []
    period = month(month_key)
    counts = ticket_counts(
        Ticket.category,
        {"now": period.bounds(zone), "year": period.year_before().bounds(zone)},
        Ticket.type == TicketType.complaint.value,
    )
    rows = []
    for sector in sectors:
        now = sum(counts.get(c, {}).get("now", 0) for c in sector.categories)
        before = sum(counts.get(c, {}).get("year", 0) for c in sector.categories)
        complaint_growth = (now - before) / before * 100 if before else None
        rows.append(
            IndexRow(
                month=month_key,
                sector=sector.sector,
                categories=list(sector.categories),
                spending_growth=sector.growth_percent,
                complaints=now,
                complaints_year_ago=before,
                complaint_growth=complaint_growth,
                index=complaint_growth - sector.growth_percent
                if complaint_growth is not None
                else None,
            )
        )
    return rows

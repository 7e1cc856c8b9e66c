"""Report tables: the stored weekly and monthly documents, and the sector spending growth an
admin uploads for the consumer environment index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.db import db, utcnow


class Report(db.Model):
    """One generated document: the weekly flash report (`2026-W47`) or monthly analysis
    (`2026-11`). Generating the same period again replaces it and counts a revision."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime]
    end: Mapped[datetime]
    html: Mapped[str] = mapped_column(Text)
    #: The headline figures, warnings and top categories, for the API and the list page.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    generated_by: Mapped[str] = mapped_column(String(120), default="scheduler")
    revision: Mapped[int] = mapped_column(default=1)


class SectorGrowth(db.Model):
    """A sector's spending growth (year on year, in percent) for one month, and the complaint
    categories it is compared with."""

    __tablename__ = "sector_growth"
    __table_args__ = (UniqueConstraint("month", "sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    sector: Mapped[str] = mapped_column(String(64))
    growth_percent: Mapped[float]
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(120), default="")

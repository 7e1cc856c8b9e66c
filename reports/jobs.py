"""Reports' RQ jobs: thin, they push the app context and call one service."""

from __future__ import annotations

from hotline.core.jobs import app_context


def generate_reports() -> list[str]:
    """Periodic (hourly): last week's flash report and last month's analysis, once each."""
    from reports.documents import generate_due

    with app_context():
        return [f"{r.kind} {r.period}" for r in generate_due()]


#: Periodic jobs for the scheduler: (function, interval in seconds).
PERIODIC = [(generate_reports, 3600)]

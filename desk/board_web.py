"""The wall board pages for supervisors: `/board` (all queues and a tile per queue),
`/board/<queue>` (one queue) and `/board/live.json`, which the page polls every few seconds
for the same figures, formatted for the screen."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_babel import format_datetime, format_percent
from flask_babel import gettext as _

from desk.board import Board, QueueFigures, board
from hotline.core.auth import roles_required
from hotline.core.models import Role

bp = Blueprint(
    "board",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/board/static",
)

SUPERVISORS = (Role.manager, Role.admin)
#: How often the page asks for the figures (the spec asks for ≤ 5 s).
POLL_MS = 5000
#: The tile key of the summary (never a queue name: those are letters, digits, _ and -).
ALL = "*"
ALERTS = ("oldest_over_service_level", "waiting_without_available")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def shown(figures: QueueFigures) -> dict[str, str]:
    """Each figure as the screen shows it: counts, m:ss durations, percentages, — for none."""
    level = figures.service_level
    return {
        "agents_online": str(figures.agents_online),
        "agents_available": str(figures.agents_available),
        "agents_on_contact": str(figures.agents_on_contact),
        "agents_after_call_work": str(figures.agents_after_call_work),
        "agents_on_break": str(figures.agents_on_break),
        "waiting": str(figures.waiting),
        "called_back_waiting": str(figures.called_back_waiting),
        "oldest_wait_seconds": _duration(figures.oldest_wait_seconds),
        "callbacks_scheduled": str(figures.callbacks_scheduled),
        "offered": str(figures.offered),
        "answered": str(figures.answered),
        "abandoned": str(figures.abandoned),
        "service_level": format_percent(level) if level is not None else "—",
        "average_wait": _duration(figures.average_wait),
        "average_talk": _duration(figures.average_talk),
        "average_wrap_up": _duration(figures.average_wrap_up),
    }


def tile(figures: QueueFigures) -> dict[str, Any]:
    return {
        "id": figures.queue or ALL,
        "figures": shown(figures),
        "alerts": {name: getattr(figures, name) for name in ALERTS},
    }


def _screen(found: Board) -> dict[str, Any]:
    return {
        "updated": format_datetime(found.at, "HH:mm:ss"),
        "tiles": [tile(found.summary), *(tile(item) for item in found.queues)],
        "board": found.as_dict(),
    }


@bp.get("/board")
@roles_required(*SUPERVISORS)
def wall() -> str:
    """All queues: the summary and one tile per queue."""
    found = board()
    return render_template(
        "board/board.html", board=found, tiles=[found.summary, *found.queues], **_page(found)
    )


@bp.get("/board/live.json")
@roles_required(*SUPERVISORS)
def live() -> Response:
    """The board's figures now, for the page's polling."""
    return jsonify(_screen(board()))


@bp.get("/board/<queue>")
@roles_required(*SUPERVISORS)
def one_queue(queue: str) -> str:
    """One queue's tile, full screen."""
    found = board()
    tiles = [item for item in found.queues if item.queue == queue]
    if not tiles:
        abort(404)
    return render_template("board/board.html", board=found, tiles=tiles, **_page(found))


def _page(found: Board) -> dict[str, Any]:
    return {
        "updated": format_datetime(found.at, "HH:mm:ss"),
        "poll_ms": POLL_MS,
        "shown": shown,
        "ALL": ALL,
        "title": _("Wall board"),
    }

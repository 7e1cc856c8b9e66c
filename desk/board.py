"""The supervisors' wall board: real-time figures per queue and for all queues (agents by state,
callers waiting, oldest wait, callbacks scheduled, today's offered / answered / abandoned /
service level and averages), read from the database rows in a handful of grouped queries.

Agents' states follow the one presence rule of `ivr.presence`, written as SQL; an operator
counts in each queue they answer (`OperatorQueue`) and once in the summary. Today is the local
day in TIMEZONE; today's figures are `ivr.metrics`' definitions (`metrics.totals_by_queue`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, exists, func, select

from hotline.core import clock
from hotline.core.db import db
from hotline.core.models import User
from ivr import metrics
from ivr.models import Callback, OperatorQueue, OperatorSession, QueueVisit
from ivr.presence import (
    OperatorState,
    live_session_condition,
    on_call_condition,
    wrap_up_condition,
)
from ivr.queueing import HOLDING_PLACE
from ivr.versions import published_document

#: A queue's service-level seconds when no published menu names it (QueueConfig's default).
DEFAULT_LEVEL = 20


@dataclass(frozen=True)
class QueueFigures:
    """One tile of the board: a queue's figures now and today (`queue` None: all queues)."""

    queue: str | None
    #: logged in on the operator line (available + on a call + after-call work + break)
    agents_online: int
    agents_available: int
    agents_on_contact: int
    agents_after_call_work: int
    agents_on_break: int
    #: callers waiting for an operator (not counting called-back callers)
    waiting: int
    #: called-back callers waiting on the line at the front of the queue
    called_back_waiting: int
    #: seconds the longest-waiting caller on the line (either kind) has waited; 0: nobody
    oldest_wait_seconds: int
    #: callbacks holding a place in line (pending, retry, dialing)
    callbacks_scheduled: int
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    #: the queue's T in "answered within T seconds"; the summary's when all queues share it
    service_level_seconds: int | None
    average_wait: float | None
    average_talk: float | None
    average_wrap_up: float | None
    #: the oldest caller has waited longer than the service-level seconds
    oldest_over_service_level: bool
    #: callers are waiting and nobody who answers the queue is available
    waiting_without_available: bool


@dataclass(frozen=True)
class Board:
    #: the moment of the figures (UTC) and the local day "today" means
    at: datetime
    day: date
    summary: QueueFigures
    queues: list[QueueFigures]

    def as_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["at"], body["day"] = self.at.isoformat(), self.day.isoformat()
        return body


# -- agents ------------------------------------------------------------------------------------

_AGENT_FIELDS = {
    OperatorState.available: "agents_available",
    OperatorState.on_call: "agents_on_contact",
    OperatorState.wrap_up: "agents_after_call_work",
    OperatorState.on_break: "agents_on_break",
}


def state_column(user_id: Any, now: datetime) -> Any:
    """`ivr.presence.presence(user).state` as an SQL expression of the operator `user_id`:
    on a call, else offline without a live session, else wrap-up, break or available."""
    on_call = exists().where(QueueVisit.operator_id == user_id, on_call_condition())
    live = exists().where(OperatorSession.user_id == user_id, live_session_condition(now))
    wrap_up = exists().where(QueueVisit.operator_id == user_id, wrap_up_condition(now))
    available = (
        select(OperatorSession.available)
        .where(OperatorSession.user_id == user_id, live_session_condition(now))
        .order_by(OperatorSession.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case(
        (on_call, OperatorState.on_call.value),
        (~live, OperatorState.offline.value),
        (wrap_up, OperatorState.wrap_up.value),
        (available.is_(True), OperatorState.available.value),
        else_=OperatorState.on_break.value,
    )


def _roster(names: list[str], now: datetime) -> Any:
    """Active members of the queues `names` with their state (a subquery: user_id, state)."""
    members = select(OperatorQueue.user_id).where(OperatorQueue.queue_name.in_(names))
    return (
        select(User.id.label("user_id"), state_column(User.id, now).label("state"))
        .where(User.active.is_(True), User.id.in_(members))
        .subquery()
    )


def operator_states(names: list[str], now: datetime) -> dict[int, OperatorState]:
    """Each member of the queues `names` and their state, as the board counts them."""
    roster = _roster(names, now)
    rows = db.session.execute(select(roster.c.user_id, roster.c.state)).all()
    return {user_id: OperatorState(state) for user_id, state in rows}


def _agents(names: list[str], now: datetime) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Agents by state per queue and for all of them: each member's state read once (one
    query), their queues (another), counted here — 30 operators are 30 rows."""
    states = operator_states(names, now)
    per_queue: dict[str, dict[str, int]] = {name: {} for name in names}
    for user_id, name in db.session.execute(
        select(OperatorQueue.user_id, OperatorQueue.queue_name).where(
            OperatorQueue.queue_name.in_(names)
        )
    ):
        state = states.get(user_id)
        if state is not None:
            counts = per_queue[name]
            counts[state.value] = counts.get(state.value, 0) + 1
    summary: dict[str, int] = {}
    for state in states.values():
        summary[state.value] = summary.get(state.value, 0) + 1
    return per_queue, summary


def _agent_fields(states: dict[str, int]) -> dict[str, int]:
    fields = {field: states.get(state.value, 0) for state, field in _AGENT_FIELDS.items()}
    fields["agents_online"] = sum(fields.values())
    return fields


# -- callers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    waiting: int = 0
    called_back_waiting: int = 0
    oldest: datetime | None = None
    callbacks_scheduled: int = 0


def _lines(names: list[str]) -> dict[str, _Line]:
    """Callers waiting (the rule of `ivr.queueing._waiting`: in the queue, not left, not
    taken), by kind, with the oldest's arrival; and the callbacks holding a place."""
    called_back = QueueVisit.callback_id.is_not(None)
    waiting = db.session.execute(
        select(QueueVisit.queue_name, called_back, func.count(), func.min(QueueVisit.entered_at))
        .where(
            QueueVisit.queue_name.in_(names),
            QueueVisit.left_at.is_(None),
            QueueVisit.bridged_at.is_(None),
        )
        .group_by(QueueVisit.queue_name, called_back)
    ).all()
    scheduled = dict(
        db.session.execute(
            select(Callback.queue_name, func.count())
            .where(Callback.queue_name.in_(names), Callback.state.in_(HOLDING_PLACE))
            .group_by(Callback.queue_name)
        ).all()
    )
    lines = {name: _Line(callbacks_scheduled=scheduled.get(name, 0)) for name in names}
    for name, is_called_back, count, oldest in waiting:
        line = lines[name]
        kind = "called_back_waiting" if is_called_back else "waiting"
        earliest = min(filter(None, (line.oldest, oldest)), default=None)
        lines[name] = replace(line, **{kind: count}, oldest=earliest)
    return lines


def _age(since: datetime | None, now: datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0


# -- the board ---------------------------------------------------------------------------------


def board_queues(only: Iterable[str] | None = None) -> dict[str, int]:
    """The queues of the published menu (name → service-level seconds), restricted to `only`
    when given (an operator's queues; theirs are shown even when the menu names none)."""
    found = published_document()
    levels = (
        {name: found[1].queue(name).service_level_seconds for name in found[1].queues}
        if found
        else {}
    )
    if only is None:
        return dict(sorted(levels.items()))
    mine = list(only)
    shown = [name for name in mine if name in levels] or mine
    return {name: levels.get(name, DEFAULT_LEVEL) for name in shown}


def board(now: datetime | None = None, only: Iterable[str] | None = None) -> Board:
    """The wall board at `now` (the app's clock by default) for the published queues."""
    now = now or clock.now()
    levels = board_queues(only)
    names = list(levels)
    day = now.astimezone(clock.zone()).date()
    start, end = clock.local_days(day, day)
    per_queue, everyone = _agents(names, now) if names else ({}, {})
    lines = _lines(names) if names else {}
    today = metrics.totals_by_queue(start, end, levels, now)
    tiles = [
        _figures(name, _agent_fields(per_queue[name]), lines[name], today[name], levels[name], now)
        for name in names
    ]
    summary = _summary(tiles, _agent_fields(everyone), list(lines.values()), today, levels, now)
    return Board(at=now, day=day, summary=summary, queues=tiles)


def _figures(
    name: str | None,
    agents: dict[str, int],
    line: _Line,
    today: metrics.Totals,
    level: int | None,
    now: datetime,
) -> QueueFigures:
    oldest = _age(line.oldest, now)
    return QueueFigures(
        queue=name,
        **agents,
        waiting=line.waiting,
        called_back_waiting=line.called_back_waiting,
        oldest_wait_seconds=oldest,
        callbacks_scheduled=line.callbacks_scheduled,
        offered=today.offered,
        answered=today.answered,
        abandoned=today.abandoned,
        service_level=today.service_level,
        service_level_seconds=level,
        average_wait=today.average_wait,
        average_talk=today.average_talk,
        average_wrap_up=today.average_wrap_up,
        oldest_over_service_level=level is not None and oldest > level,
        waiting_without_available=line.waiting + line.called_back_waiting > 0
        and agents["agents_available"] == 0,
    )


def _summary(
    tiles: list[QueueFigures],
    agents: dict[str, int],
    lines: list[_Line],
    today: dict[str, metrics.Totals],
    levels: dict[str, int],
    now: datetime,
) -> QueueFigures:
    """All queues: each operator once, the callers and today's totals added up, an alert
    when any queue has one."""
    line = _Line(
        waiting=sum(item.waiting for item in lines),
        called_back_waiting=sum(item.called_back_waiting for item in lines),
        oldest=min(filter(None, (item.oldest for item in lines)), default=None),
        callbacks_scheduled=sum(item.callbacks_scheduled for item in lines),
    )
    totals = sum(today.values(), metrics.Totals())
    shared = set(levels.values())
    level = shared.pop() if len(shared) == 1 else None
    figures = _figures(None, agents, line, totals, level, now)
    return replace(
        figures,
        oldest_over_service_level=any(tile.oldest_over_service_level for tile in tiles),
        waiting_without_available=any(tile.waiting_without_available for tile in tiles),
    )

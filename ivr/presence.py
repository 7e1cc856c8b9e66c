"""What an operator is doing now, read from the rows the queues already write — the one rule
the desk, the wall board, the operator line and the API share.

- offline: no live session on the operator line (none, ended, or not heard from for
  `SESSION_STALE`);
- on_call: a caller they took is still connected (a bridged visit with no `left_at`);
- wrap_up: after-call work of their last caller is running (`wrapup_started_at` set, not
  ended, before `wrapup_due_at`);
- break: logged in but not available (key 2 on the line, or the desk's Break);
- available: logged in, waiting for the next caller.

The first that holds wins, in the order on_call, wrap_up, break, available. Nothing is kept
in a process's memory: any web process answers the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, or_, select

from hotline.core.db import db
from ivr.models import OperatorSession, QueueVisit
from ivr.queueing import SESSION_STALE


class OperatorState(StrEnum):
    offline = "offline"
    available = "available"
    on_call = "on_call"
    wrap_up = "wrap_up"
    on_break = "break"


def live_session_condition(now: datetime):
    return and_(
        OperatorSession.ended_at.is_(None), OperatorSession.last_seen_at >= now - SESSION_STALE
    )


def on_call_condition():
    """A visit whose caller is talking to its operator now."""
    return and_(QueueVisit.bridged_at.is_not(None), QueueVisit.left_at.is_(None))


def wrap_up_condition(now: datetime):
    """A visit whose after-call work is running now."""
    return and_(
        QueueVisit.wrapup_started_at.is_not(None),
        QueueVisit.wrapup_ended_at.is_(None),
        QueueVisit.wrapup_due_at > now,
    )


@dataclass(frozen=True)
class Presence:
    state: OperatorState
    session: OperatorSession | None
    #: the caller on the line (on_call) or whose wrap-up runs (wrap_up)
    visit: QueueVisit | None


def live_session(user_id: int, now: datetime) -> OperatorSession | None:
    return db.session.scalar(
        select(OperatorSession)
        .where(OperatorSession.user_id == user_id, live_session_condition(now))
        .order_by(OperatorSession.id.desc())
        .limit(1)
    )


def current_visit(user_id: int, now: datetime) -> QueueVisit | None:
    """The operator's caller on the line, else the visit whose wrap-up runs, else None (one
    query: the desk asks every second)."""
    return db.session.scalar(
        select(QueueVisit)
        .where(
            QueueVisit.operator_id == user_id,
            or_(on_call_condition(), wrap_up_condition(now)),
        )
        .order_by(
            QueueVisit.left_at.is_not(None), QueueVisit.bridged_at.desc(), QueueVisit.id.desc()
        )
        .limit(1)
    )


def presence(user_id: int, now: datetime) -> Presence:
    session = live_session(user_id, now)
    visit = current_visit(user_id, now)
    if visit is not None and visit.left_at is None:
        return Presence(OperatorState.on_call, session, visit)
    if session is None:
        return Presence(OperatorState.offline, None, visit)
    if visit is not None:
        return Presence(OperatorState.wrap_up, session, visit)
    if not session.available:
        return Presence(OperatorState.on_break, session, None)
    return Presence(OperatorState.available, session, None)

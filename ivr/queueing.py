"""The hotline's record of its queues: who waits where, who holds a callback place, who answers.

Twilio keeps the live queues; this module keeps what the hotline needs beside them: one
QueueVisit per stay (position on joining, wait, result, operator, talk time), callers who left
for a callback and still hold their place (`Callback.joined_at`), and operators logged in on
the operator line. Webhooks and the callback dispatcher read the same rows, so any web process
or worker can answer (nothing lives in a process's memory).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update

from hotline.core.db import db
from hotline.core.models import User
from ivr.menu import QueueConfig
from ivr.models import Callback, OperatorQueue, OperatorSession, QueueResult, QueueVisit
from ivr.versions import pinned_document

#: Called-back callers re-join in a Twilio queue of their own, which operators take first.
CALLBACK_QUEUE_SUFFIX = "-callbacks"
#: An operator-line session not heard from for this long counts as logged out (the operator's
#: Dial times out every 10 minutes, so a live session is seen at least that often).
SESSION_STALE = timedelta(minutes=15)
#: The estimate is taken from up to this many recent answered visits, within this window ...
HISTORY_SAMPLES = 20
HISTORY_WINDOW = timedelta(hours=24)
#: ... and from Twilio's AvgQueueTime when fewer than this many exist.
MIN_HISTORY = 3
#: Callback states in which the caller still holds a place in line.
HOLDING_PLACE = ("pending", "retry", "dialing")


def twilio_queue_name(queue: str, callback: bool = False) -> str:
    return f"{queue}{CALLBACK_QUEUE_SUFFIX}" if callback else queue


# -- operators ---------------------------------------------------------------------------------


def available_operators(queue: str, now: datetime) -> int:
    """Operators logged in on the operator line, available, and members of `queue`."""
    return db.session.scalar(
        select(func.count(func.distinct(OperatorSession.user_id)))
        .join(OperatorQueue, OperatorQueue.user_id == OperatorSession.user_id)
        .join(User, User.id == OperatorSession.user_id)
        .where(
            OperatorQueue.queue_name == queue,
            OperatorSession.ended_at.is_(None),
            OperatorSession.available.is_(True),
            OperatorSession.last_seen_at >= now - SESSION_STALE,
            User.active.is_(True),
        )
    )


# -- who is waiting ----------------------------------------------------------------------------


def _waiting(queue: str, callback: bool = False) -> list:
    return [
        QueueVisit.queue_name == queue,
        QueueVisit.left_at.is_(None),
        QueueVisit.bridged_at.is_(None),
        QueueVisit.callback_id.is_not(None) if callback else QueueVisit.callback_id.is_(None),
    ]


def waiting_count(queue: str, callback: bool = False) -> int:
    return db.session.scalar(
        select(func.count()).select_from(QueueVisit).where(*_waiting(queue, callback))
    )


_visits = QueueVisit.__table__
_callbacks = Callback.__table__

#: Prebuilt: the wait URL runs these for every caller on hold every `announce_every` seconds,
#: and building a statement costs more than running it.
_PLACES_AHEAD = select(
    select(func.count())
    .select_from(_callbacks)
    .where(
        _callbacks.c.queue_name == bindparam("queue"),
        _callbacks.c.state.in_(HOLDING_PLACE),
        or_(
            _callbacks.c.joined_at < bindparam("joined_at"),
            and_(
                _callbacks.c.joined_at == bindparam("joined_at"),
                _callbacks.c.visit_id < bindparam("visit_id"),
            ),
        ),
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_visits)
    .where(
        _visits.c.queue_name == bindparam("queue"),
        _visits.c.left_at.is_(None),
        _visits.c.bridged_at.is_(None),
        _visits.c.callback_id.is_not(None),
    )
    .scalar_subquery(),
)
_WAITING_VISIT = (
    select(
        _visits.c.id,
        _visits.c.queue_name,
        _visits.c.entered_at,
        _visits.c.callback_id,
        _visits.c.leave_reason,
    )
    .where(_visits.c.call_id == bindparam("call_id"), _visits.c.left_at.is_(None))
    .order_by(_visits.c.id.desc())
    .limit(1)
)
_SET_LEAVE_REASON = (
    _visits.update()
    .where(_visits.c.id == bindparam("visit_id"))
    .values(leave_reason=bindparam("reason"))
)
_RECENT_ANSWERED = (
    select(_visits.c.wait_seconds, _visits.c.position_on_join)
    .where(
        _visits.c.queue_name == bindparam("queue"),
        _visits.c.result == QueueResult.BRIDGED,
        _visits.c.callback_id.is_(None),
        _visits.c.bridged_at >= bindparam("since"),
        _visits.c.wait_seconds.is_not(None),
        _visits.c.position_on_join > 0,
    )
    .order_by(_visits.c.bridged_at.desc())
    .limit(HISTORY_SAMPLES)
)


def holding_places_before(queue: str, joined_at: datetime, visit_id: int | None = None) -> int:
    """Callers ahead of the visit that joined at `joined_at` (`visit_id`; None: joining now)
    without being in Twilio's queue: callbacks still holding an earlier place, and called-back
    callers waiting (operators take them first)."""
    callbacks, called_back = db.session.execute(
        _PLACES_AHEAD,
        {"queue": queue, "joined_at": joined_at, "visit_id": visit_id if visit_id else 2**31 - 1},
    ).one()
    return callbacks + called_back


def waiting_visit(call_id: int):
    """The call's visit still in a queue, read for the wait URL (columns only, no ORM object)."""
    return db.session.execute(_WAITING_VISIT, {"call_id": call_id}).first()


def set_leave_reason(visit_id: int, reason: str) -> None:
    db.session.execute(_SET_LEAVE_REASON, {"visit_id": visit_id, "reason": reason})


def waiting_before(queue: str, joined_at: datetime, visit_id: int | None) -> int:
    """Callers in Twilio's queue who joined before the visit `visit_id` (at `joined_at`)."""
    earlier = or_(
        QueueVisit.entered_at < joined_at,
        and_(QueueVisit.entered_at == joined_at, QueueVisit.id < (visit_id or 0)),
    )
    return db.session.scalar(
        select(func.count()).select_from(QueueVisit).where(*_waiting(queue), earlier)
    )


def refusal(
    config: QueueConfig, queue: str, language: str, languages: list[str], now: datetime
) -> str | None:
    """Why the queue cannot take this caller now (a QueueResult), or None."""
    if language not in languages:
        return QueueResult.NO_OPERATORS
    if config.require_operators and available_operators(queue, now) == 0:
        return QueueResult.NO_OPERATORS
    if waiting_count(queue) + waiting_count(queue, callback=True) >= config.max_size:
        return QueueResult.QUEUE_FULL
    return None


# -- visits ------------------------------------------------------------------------------------


def join(
    call_id: int,
    queue: str,
    version: int,
    node_id: str,
    now: datetime,
    callback_id: int | None = None,
) -> QueueVisit:
    """Open a visit for a caller about to be enqueued, with the place they take in line."""
    if callback_id is None:
        position = waiting_count(queue) + holding_places_before(queue, now) + 1
    else:
        position = waiting_count(queue, callback=True) + 1
    visit = QueueVisit(
        call_id=call_id,
        queue_name=queue,
        menu_version=version,
        node_id=node_id,
        entered_at=now,
        position_on_join=position,
        callback_id=callback_id,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def refused(
    call_id: int, queue: str, version: int, node_id: str, now: datetime, result: str
) -> None:
    """A caller the queue could not take: a closed visit, counted as offered and not answered."""
    db.session.add(
        QueueVisit(
            call_id=call_id,
            queue_name=queue,
            menu_version=version,
            node_id=node_id,
            entered_at=now,
            left_at=now,
            result=result,
            wait_seconds=0,
        )
    )


def open_visit(call_id: int) -> QueueVisit | None:
    """The call's visit still in a queue (the latest one), or None."""
    return db.session.scalar(
        select(QueueVisit)
        .where(QueueVisit.call_id == call_id, QueueVisit.left_at.is_(None))
        .order_by(QueueVisit.id.desc())
        .limit(1)
    )


def latest_visit(call_id: int) -> QueueVisit | None:
    return db.session.scalar(
        select(QueueVisit)
        .where(QueueVisit.call_id == call_id)
        .order_by(QueueVisit.id.desc())
        .limit(1)
    )


def seconds(raw: str | None) -> int | None:
    """A Twilio duration parameter (QueueTime, DialCallDuration ...) as seconds, or None."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 7 else None


def bridged(
    visit: QueueVisit, operator_id: int | None, queue_time: int | None, now: datetime
) -> None:
    """An operator took the caller: the visit is answered (the caller is no longer waiting)."""
    if visit.bridged_at is not None:
        return
    visit.bridged_at = now
    visit.operator_id = operator_id
    visit.result = QueueResult.BRIDGED
    visit.wait_seconds = queue_time if queue_time is not None else _elapsed(visit.entered_at, now)


def finish(visit: QueueVisit, result: str, queue_time: int | None, now: datetime) -> None:
    """The caller left the queue (Enqueue's action): store the result, wait and talk time."""
    if visit.left_at is not None:
        return
    visit.left_at = now
    if visit.bridged_at is not None or result in ("bridged", "bridging-in-process"):
        if visit.bridged_at is None:  # no Queue url request reached us: the bridge started now
            visit.bridged_at = now
            visit.wait_seconds = queue_time if queue_time is not None else 0
        visit.result = QueueResult.BRIDGED
        visit.talk_seconds = _elapsed(visit.bridged_at, now)
        start_wrap_up(visit, now)
        return
    visit.result = result if result in _RESULTS else QueueResult.ERROR
    visit.wait_seconds = queue_time if queue_time is not None else _elapsed(visit.entered_at, now)


_RESULTS = {
    QueueResult.HANGUP,
    QueueResult.LEAVE,
    QueueResult.QUEUE_FULL,
    QueueResult.REDIRECTED,
    QueueResult.ERROR,
}


def call_ended(call_id: int, now: datetime) -> None:
    """The call's final status arrived: close a visit Twilio never reported on (a hang-up)."""
    db.session.execute(
        update(QueueVisit)
        .where(
            QueueVisit.call_id == call_id,
            QueueVisit.left_at.is_(None),
            QueueVisit.bridged_at.is_(None),
        )
        .values(left_at=now, result=QueueResult.HANGUP)
    )
    for visit in db.session.scalars(
        select(QueueVisit).where(
            QueueVisit.call_id == call_id,
            QueueVisit.left_at.is_(None),
            QueueVisit.bridged_at.is_not(None),
        )
    ):
        visit.left_at = now
        visit.talk_seconds = _elapsed(visit.bridged_at, now)
        start_wrap_up(visit, now)


# -- after-call work ---------------------------------------------------------------------------


def wrap_up_max(visit: QueueVisit) -> int:
    """The seconds of after-call work the visit's queue allows (its `wrap_up_max`)."""
    pinned = pinned_document(visit.menu_version) if visit.menu_version else None
    return pinned[1].queue(visit.queue_name).wrap_up_max if pinned else QueueConfig().wrap_up_max


def start_wrap_up(visit: QueueVisit, now: datetime) -> None:
    """The conversation ended: the operator's after-call work starts (once; a queue without
    wrap-up time ends it at once)."""
    if visit.operator_id is None or visit.wrapup_started_at is not None:
        return
    limit = wrap_up_max(visit)
    visit.wrapup_started_at = now
    visit.wrapup_due_at = now + timedelta(seconds=limit)
    if limit == 0:
        visit.wrapup_ended_at = now
        visit.wrapup_seconds = 0


def end_wrap_up(visit: QueueVisit, now: datetime) -> bool:
    """The operator ended the wrap-up (desk or operator line), or its time ran out: False when
    it had already ended."""
    if visit.wrapup_started_at is None or visit.wrapup_ended_at is not None:
        return False
    ended = min(now, visit.wrapup_due_at) if visit.wrapup_due_at else now
    visit.wrapup_ended_at = ended
    visit.wrapup_seconds = _elapsed(visit.wrapup_started_at, ended)
    return True


def expire_wrap_ups(now: datetime, operator_id: int | None = None) -> int:
    """Close the wrap-ups whose time ran out (at their due time, which is what they lasted)."""
    conditions = [
        QueueVisit.wrapup_started_at.is_not(None),
        QueueVisit.wrapup_ended_at.is_(None),
        QueueVisit.wrapup_due_at <= now,
    ]
    if operator_id is not None:
        conditions.append(QueueVisit.operator_id == operator_id)
    expired = db.session.scalars(select(QueueVisit).where(*conditions).limit(500)).all()
    for visit in expired:
        end_wrap_up(visit, now)
    return len(expired)


def _elapsed(since: datetime | None, now: datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0


# -- the estimate ------------------------------------------------------------------------------


def estimated_wait(
    queue: str, position: int, avg_queue_time: int | None, now: datetime
) -> int | None:
    """Seconds until a caller at `position` is answered, from recent history.

    Each answered caller waited `wait` for `position_on_join` places, so recent history gives
    the time one place in line takes; that times the caller's position is the estimate. With
    too little history, Twilio's AvgQueueTime for the queue stands in; None when neither exists.
    """
    rows = db.session.execute(
        _RECENT_ANSWERED, {"queue": queue, "since": now - HISTORY_WINDOW}
    ).all()
    if len(rows) >= MIN_HISTORY:
        per_place = sum(r.wait_seconds for r in rows) / sum(r.position_on_join for r in rows)
        return round(per_place * position)
    return avg_queue_time if avg_queue_time else None


def minutes(seconds_: int) -> int:
    """Whole minutes to announce: rounded up, at least one."""
    return max(1, math.ceil(seconds_ / 60))


def rate(call_id: int, rating: int) -> None:
    """The caller's survey rating, stored against the visit (and so the operator) it rates."""
    visit = db.session.scalar(
        select(QueueVisit)
        .where(QueueVisit.call_id == call_id, QueueVisit.result == QueueResult.BRIDGED)
        .order_by(QueueVisit.id.desc())
        .limit(1)
    )
    if visit is not None:
        visit.rating = rating


def live_status(names: list[str], now: datetime) -> list[dict[str, object]]:
    """For each queue: callers waiting, called-back callers waiting, callbacks holding a place,
    operators available, and the longest current wait in seconds."""
    status = []
    for name in names:
        oldest = db.session.scalar(select(func.min(QueueVisit.entered_at)).where(*_waiting(name)))
        status.append(
            {
                "queue": name,
                "waiting": waiting_count(name),
                "called_back_waiting": waiting_count(name, callback=True),
                "callbacks_holding_place": db.session.scalar(
                    select(func.count())
                    .select_from(Callback)
                    .where(Callback.queue_name == name, Callback.state.in_(HOLDING_PLACE))
                ),
                "operators_available": available_operators(name, now),
                "longest_wait_seconds": _elapsed(oldest, now) if oldest else 0,
            }
        )
    return status

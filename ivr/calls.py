"""Call bookkeeping: a row per CallSid, the status Twilio reports, the nodes a call visits."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from hotline.core import clock
from hotline.core.db import db, insert_ignoring_conflict, utcnow
from ivr.models import Call

log = logging.getLogger(__name__)

#: Twilio's final call statuses; once one is stored, a late non-final callback cannot undo it.
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
KNOWN_STATUSES = FINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


_calls = Call.__table__
#: Built once: constructing a statement costs more than running it, on every webhook.
_CALL_BY_SID = select(
    _calls.c.id,
    _calls.c.call_sid,
    _calls.c.from_number,
    _calls.c.language,
    _calls.c.menu_version_id,
    _calls.c.status,
    _calls.c.started_at,
).where(_calls.c.call_sid == bindparam("sid"))
_UPDATE_CALL = _calls.update().where(_calls.c.id == bindparam("call_id"))


class BadParameters(ValueError):
    """A webhook arrived without the parameters Twilio always sends."""


@dataclass
class CallRef:
    """The columns of a call row that the webhooks read; writes go through `update`."""

    id: int
    call_sid: str
    from_number: str
    language: str | None
    menu_version_id: int | None
    status: str
    started_at: datetime

    def update(self, **values: object) -> None:
        """Write `values` to the row (in the request's transaction) and to this object."""
        db.session.execute(_UPDATE_CALL, {"call_id": self.id, **values})
        for name, value in values.items():
            setattr(self, name, value)


def find_or_create_call(params: Mapping[str, str], line: str = "public") -> CallRef:
    """The call for this CallSid, created on the first webhook of the call (not committed).

    `line` says which line the call came on: `public`, `operator` or `callback`."""
    call_sid = params.get("CallSid", "")
    if not call_sid.startswith("CA") or len(call_sid) > 64:
        raise BadParameters(f"missing or malformed CallSid {call_sid[:70]!r}")
    row = db.session.execute(_CALL_BY_SID, {"sid": call_sid}).first()
    if row is None:
        insert_ignoring_conflict(
            Call,
            {
                "call_sid": call_sid,
                "from_number": params.get("From", "")[:32],
                "to_number": params.get("To", "")[:32],
                "direction": params.get("Direction", "inbound")[:20],
                "line": line,
                "status": _status(params.get("CallStatus")) or "in-progress",
                "started_at": utcnow(),
            },
            unique="call_sid",
        )
        row = db.session.execute(_CALL_BY_SID, {"sid": call_sid}).one()
    return CallRef(**row._mapping)


def record_status(params: Mapping[str, str]) -> CallRef:
    """Store the call status from Twilio's status callback; final statuses are never overwritten."""
    status = _status(params.get("CallStatus"))
    if status is None:
        raise BadParameters(f"unknown CallStatus {params.get('CallStatus', '')[:40]!r}")
    call = find_or_create_call(params)
    if call.status in FINAL_STATUSES and status not in FINAL_STATUSES:
        log.info("ignored late status %s for %s (already %s)", status, call.call_sid, call.status)
        db.session.commit()
        return call
    values: dict[str, object] = {"status": status}
    if status in FINAL_STATUSES:
        duration = params.get("CallDuration", "")
        ended = utcnow()
        values["ended_at"] = ended
        values["duration_seconds"] = (
            int(duration) if duration.isdigit() and len(duration) < 9 else None
        )
        if values["duration_seconds"] is not None:
            values["started_at"] = min(call.started_at, ended - timedelta(seconds=int(duration)))
    call.update(**values)
    if status in FINAL_STATUSES:
        from ivr import operators, queueing

        queueing.call_ended(call.id, clock.now())
        operators.line_ended(call.call_sid, clock.now())
    db.session.commit()
    return call


def _status(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value if value in KNOWN_STATUSES else None

"""Call bookkeeping: a row per CallSid, the status Twilio reports, the nodes a call visits."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.db import db, utcnow
from ivr.models import Call

log = logging.getLogger(__name__)

#: Twilio's final call statuses; once one is stored, a late non-final callback cannot undo it.
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
KNOWN_STATUSES = FINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


class BadParameters(ValueError):
    """A webhook arrived without the parameters Twilio always sends."""


def find_or_create_call(params: Mapping[str, str]) -> Call:
    """The call row for this CallSid, created on the first webhook of the call."""
    call_sid = params.get("CallSid", "")
    if not call_sid.startswith("CA") or len(call_sid) > 64:
        raise BadParameters(f"missing or malformed CallSid {call_sid[:70]!r}")
    call = db.session.scalar(select(Call).where(Call.call_sid == call_sid))
    if call is not None:
        return call
    call = Call(
        call_sid=call_sid,
        from_number=params.get("From", "")[:32],
        to_number=params.get("To", "")[:32],
        direction=params.get("Direction", "inbound")[:20],
        status=_status(params.get("CallStatus")) or "in-progress",
    )
    db.session.add(call)
    try:
        db.session.commit()
    except IntegrityError:
        # Two webhooks of one call raced; the other request created the row.
        db.session.rollback()
        call = db.session.scalars(select(Call).where(Call.call_sid == call_sid)).one()
    return call


def record_status(params: Mapping[str, str]) -> Call:
    """Store the call status from Twilio's status callback; final statuses are never overwritten."""
    status = _status(params.get("CallStatus"))
    if status is None:
        raise BadParameters(f"unknown CallStatus {params.get('CallStatus', '')[:40]!r}")
    call = find_or_create_call(params)
    if call.status in FINAL_STATUSES and status not in FINAL_STATUSES:
        log.info("ignored late status %s for %s (already %s)", status, call.call_sid, call.status)
        return call
    call.status = status
    if status in FINAL_STATUSES:
        duration = params.get("CallDuration", "")
        call.duration_seconds = int(duration) if duration.isdigit() else None
        call.ended_at = utcnow()
        if call.duration_seconds is not None:
            call.started_at = min(
                call.started_at, call.ended_at - timedelta(seconds=call.duration_seconds)
            )
    db.session.commit()
    return call


def _status(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value if value in KNOWN_STATUSES else None

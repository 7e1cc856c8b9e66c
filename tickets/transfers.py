"""Work orders transferred in by partner hotlines (三线联动: 12345, 12331), and telling people
how tickets end: the partner's webhook on resolve, and the caller's SMS when enabled.

A transfer is idempotent on the partner's work-order id: posting it again returns the ticket
already made. It becomes an open, numbered ticket with the partner's due date. The outcome is
readable by that partner only; when the partner gave a `callback_url`, the outcome is posted
there on resolve by an RQ job with retries (`RETRY`), and `partner_notified_at` says it arrived.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import requests
from flask import current_app
from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, Field
from rq import Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.core.db import db, utcnow
from hotline.core.i18n import N_, translations
from hotline.core.models import User
from hotline.core.queues import QueueUnavailable
from hotline.core.twilio_rest import rest_client
from tickets import lifecycle
from tickets.models import Ticket, TicketState, TicketType

log = logging.getLogger(__name__)

#: Retries of a partner webhook that failed (seconds between tries).
RETRY = Retry(max=5, interval=[10, 60, 300, 1800, 7200])
#: The caller's SMS, in the ticket's language (its catalog, not the page's).
SMS_TEXT = {
    "opened": N_("12315: your ticket %(number)s is registered. PIN for phone status: %(pin)s."),
    "resolved": N_("12315: your ticket %(number)s has been resolved."),
}


class TransferIn(BaseModel):
    partner_ref: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="the partner's id")
    type: TicketType
    description: str = Field(min_length=1, max_length=20_000)
    caller_number: str = Field(pattern=r"^\+?\d{3,20}$")
    due_at: AwareDatetime
    category: str | None = Field(None, max_length=64)
    district: str | None = Field(None, max_length=32)
    merchant: str | None = Field(None, max_length=200)
    amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"))
    language: Literal["zh-CN", "en-US"] = "zh-CN"
    callback_url: AnyHttpUrl | None = None


class TransferOut(BaseModel):
    partner_ref: str
    number: str | None
    state: str
    due_at: str | None
    resolution: str | None
    resolved_at: str | None
    closed_at: str | None
    notified_at: str | None


def outcome(ticket: Ticket) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "partner_ref": ticket.partner_ref,
        "number": ticket.number,
        "state": ticket.state,
        "due_at": iso(ticket.due_at),
        "resolution": ticket.resolution,
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
        "notified_at": iso(ticket.partner_notified_at),
    }


def find(partner: User, partner_ref: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.partner == partner.username, Ticket.partner_ref == partner_ref)
    )


def create(partner: User, body: TransferIn) -> tuple[Ticket, bool]:
    """(ticket, created): a new open ticket, or the one this partner_ref already made."""
    existing = find(partner, body.partner_ref)
    if existing is not None:
        return existing, False
    ticket = Ticket(
        state=TicketState.draft.value,
        source="transfer",
        partner=partner.username,
        partner_ref=body.partner_ref,
        type=body.type.value,
        caller_number=body.caller_number,
        description=body.description,
        language=body.language,
        due_at=body.due_at,
        partner_callback_url=str(body.callback_url) if body.callback_url else None,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(ticket)
    try:
        db.session.flush()
        fields = {
            k: v
            for k, v in (
                ("category", body.category),
                ("district", body.district),
                ("merchant", body.merchant),
                ("amount", body.amount),
            )
            if v is not None
        }
        lifecycle._event(ticket, partner.username, "transferred", partner_ref=body.partner_ref)
        lifecycle.confirm(ticket, partner.username, fields or None)
        db.session.commit()
    except IntegrityError:  # the same transfer arrived twice at once: the other one won
        db.session.rollback()
        existing = find(partner, body.partner_ref)
        if existing is None:
            raise
        return existing, False
    return ticket, True


# -- after a move ------------------------------------------------------------------------------


def after_move(ticket: Ticket, action: str, pin: str | None) -> None:
    """Tell the caller (SMS) and the partner (webhook) what became of the ticket."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    jobs = []
    if settings.sms_notifications and action in ("confirm", "resolve"):
        kind = "opened" if action == "confirm" else "resolved"
        jobs.append(("send_ticket_sms", (ticket.id, kind, pin), f"sms-{kind}-{ticket.id}"))
    if action == "resolve" and ticket.partner_callback_url:
        jobs.append(("notify_partner", (ticket.id,), f"partner-{ticket.id}-{ticket.updated_at:%s}"))
    if not jobs:
        return
    from tickets import jobs as job_functions

    queues = current_app.extensions["hotline.queues"]
    for name, args, job_id in jobs:
        try:
            queues.enqueue(
                "default",
                getattr(job_functions, name),
                *args,
                job_id=job_id,
                retry=RETRY,
                failure_ttl=30 * 86400,
            )
        except QueueUnavailable as exc:
            log.error("%s for ticket %s not enqueued: %s", name, ticket.id, exc)


def notify_partner(ticket_id: int) -> bool:
    """POST the outcome to the partner's callback URL; raises (for RQ to retry) on failure."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not ticket.partner_callback_url:
        return False
    response = requests.post(ticket.partner_callback_url, json=outcome(ticket), timeout=10)
    if response.status_code >= 300:
        raise RuntimeError(f"partner answered HTTP {response.status_code}")
    ticket.partner_notified_at = utcnow()
    db.session.commit()
    return True


def send_sms(ticket_id: int, kind: str, pin: str | None) -> str | None:
    """Text the caller that their ticket was opened (with the lookup PIN) or resolved."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not ticket.caller_number.startswith("+") or not settings.sms_from:
        return None
    body = translations(ticket.language).gettext(SMS_TEXT[kind]) % {
        "number": ticket.number,
        "pin": pin or "-",
    }
    message = rest_client(settings).messages.create(
        to=ticket.caller_number, from_=settings.sms_from, body=body
    )
    lifecycle._event(ticket, "system", "sms", message=kind, sid=message.sid)
    db.session.commit()
    return message.sid

"""Where RQ finds jobs enqueued before each feature owned its jobs (`<feature>/jobs.py`).

A job in Redis names its function by import path; jobs queued by an older release say
`workers.jobs.process_voicemail` and so on. These names keep them runnable: new jobs are
enqueued under the features' own paths. Drop this module once no such job can be queued (a
queue drained with `rq info` showing none of these names).
"""

from __future__ import annotations

from ivr.jobs import dispatch_callbacks
from reports.jobs import generate_reports
from tickets.jobs import notify_partner, overdue_digest, send_ticket_sms
from voicemail.jobs import (
    delete_expired_audio,
    process_voicemail,
    reconcile_voicemails,
    voicemail_failed,
)

__all__ = [
    "delete_expired_audio",
    "dispatch_callbacks",
    "generate_reports",
    "notify_partner",
    "overdue_digest",
    "process_voicemail",
    "reconcile_voicemails",
    "send_ticket_sms",
    "voicemail_failed",
]

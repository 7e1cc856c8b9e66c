"""An operator's retry of a failed voicemail and "process again" of a stored one, as one use
case for the review page and the CLI: the reset and its audit entry (`voicemail.retried`,
`voicemail.reprocessed`) in one transaction, the voicemail's job queued after the commit."""

from __future__ import annotations

from hotline.core.audit import Actor, record
from hotline.core.db import db, utcnow
from hotline.core.service import NotFoundError, ServiceError, transaction
from voicemail.models import Voicemail, VoicemailState
from voicemail.reconcile import requeue


class VoicemailError(ServiceError):
    """A voicemail that cannot be processed again as asked."""


class NoSuchVoicemail(VoicemailError, NotFoundError):
    """There is no voicemail with that id."""


def _stored(voicemail_id: int) -> Voicemail:
    voicemail = db.session.get(Voicemail, voicemail_id)
    if voicemail is None:
        raise NoSuchVoicemail(f"no voicemail {voicemail_id}")
    return voicemail


def _reset(voicemail: Voicemail, state: VoicemailState) -> None:
    """Back at `state` with fresh attempts (in the session)."""
    voicemail.state = state.value
    voicemail.attempts = 0
    voicemail.failure_reason = None
    voicemail.updated_at = utcnow()


def retry_failed(actor: Actor | None, voicemail_id: int) -> str:
    """Resume a failed voicemail from the last step that completed; the state it resumes at.
    One audit entry `voicemail.retried`."""
    with transaction():
        voicemail = _stored(voicemail_id)
        if voicemail.state != VoicemailState.failed.value:
            raise VoicemailError(f"voicemail {voicemail_id} is {voicemail.state}, not failed")
        resume = VoicemailState.received
        if voicemail.audio_path:
            resume = (
                VoicemailState.transcribed if voicemail.transcript else VoicemailState.downloaded
            )
        _reset(voicemail, resume)
        record(actor, "voicemail.retried", f"voicemail:{voicemail.id}", state=resume.value)
    requeue(voicemail)
    return resume.value


def reprocess(actor: Actor | None, voicemail_id: int) -> str:
    """Transcribe a stored recording anew; the worker then refreshes its draft's text and
    suggestions (a confirmed ticket is left as it is). One audit entry `voicemail.reprocessed`."""
    with transaction():
        voicemail = _stored(voicemail_id)
        if not voicemail.audio_path or voicemail.audio_deleted_at is not None:
            raise VoicemailError(f"voicemail {voicemail_id}: the recording is no longer stored")
        if voicemail.transcript is not None:
            db.session.delete(voicemail.transcript)
        _reset(voicemail, VoicemailState.downloaded)
        record(actor, "voicemail.reprocessed", f"voicemail:{voicemail.id}")
    requeue(voicemail)
    return VoicemailState.downloaded.value

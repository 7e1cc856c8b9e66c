"""The scheduler process: RQ's cron scheduler carries the reconciler, retention, callback
dispatcher, overdue digest, report jobs and the recorded calls' reconciler and retention."""

from __future__ import annotations

from datetime import timedelta

from hotline.core.db import db, utcnow
from hotline.core.jobs import use_app
from tests.voicemail.conftest import new_recording_sid, voicemail
from voicemail import jobs
from voicemail.models import Voicemail
from workers.scheduler import build_scheduler


def test_scheduler_registers_the_periodic_jobs(vm_app, monkeypatch) -> None:
    settings = vm_app.config["HOTLINE_SETTINGS"]
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("STORAGE_ROOT", str(settings.storage_root))
    scheduler = build_scheduler()
    registered = {job.func_name: job.interval for job in scheduler.get_jobs()}
    assert registered == {
        "voicemail.jobs.reconcile_voicemails": 60,
        "voicemail.jobs.delete_expired_audio": 6 * 3600,
        "ivr.jobs.dispatch_callbacks": 30,
        "ivr.jobs.close_expired_wrap_ups": 60,
        "tickets.jobs.overdue_digest": 86400,
        "reports.jobs.generate_reports": 3600,
        "desk.jobs.reconcile_call_recordings": 60,
        "desk.jobs.delete_expired_call_audio": 6 * 3600,
    }


def test_jobs_queued_under_their_old_paths_still_resolve() -> None:
    """Jobs enqueued by a release before the features owned their jobs name `workers.jobs.*`."""
    from rq.utils import import_attribute

    from ivr.jobs import dispatch_callbacks
    from tickets.jobs import notify_partner, send_ticket_sms

    old = {
        "process_voicemail": jobs.process_voicemail,
        "voicemail_failed": jobs.voicemail_failed,
        "reconcile_voicemails": jobs.reconcile_voicemails,
        "delete_expired_audio": jobs.delete_expired_audio,
        "dispatch_callbacks": dispatch_callbacks,
        "notify_partner": notify_partner,
        "send_ticket_sms": send_ticket_sms,
    }
    for name, function in old.items():
        assert import_attribute(f"workers.jobs.{name}") is function


def test_periodic_reconcile_job_enqueues_a_stuck_voicemail(
    vm_app,
    post_recording,
    fake_twilio,
) -> None:
    sid = new_recording_sid()
    post_recording(sid, fake_twilio.recording_url(sid))
    queue = vm_app.extensions["hotline.queues"].queues["voicemail"]
    queue.empty()  # the job is lost (Redis flushed, a worker died with it ...)
    with vm_app.app_context():
        stuck = db.session.query(Voicemail).filter_by(recording_sid=sid).one()
        stuck.updated_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    use_app(vm_app)
    assert jobs.reconcile_voicemails() == 1
    assert queue.job_ids == [f"voicemail-{sid}"]
    assert jobs.reconcile_voicemails() == 0  # queued now: left alone
    assert voicemail(vm_app, sid).state == "received"

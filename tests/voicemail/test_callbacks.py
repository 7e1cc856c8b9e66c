"""The recording status callback: idempotent, order-independent, and safe when Redis is down."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hotline.app import create_app
from hotline.core.db import db
from tests.net import free_port
from tests.twilio_fake import call_params, post_signed
from tests.voicemail.conftest import new_recording_sid, recording_params, voicemail
from tickets.models import Ticket
from voicemail.models import Voicemail
from voicemail.reconcile import reconcile


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _queued(app) -> list[str]:
    return app.extensions["hotline.queues"].queues["voicemail"].job_ids


def test_completed_callback_stores_and_enqueues_once(vm_app, post_recording, fake_twilio) -> None:
    sid = new_recording_sid()
    url = fake_twilio.recording_url(sid)
    first = post_recording(sid, url)
    assert first.status_code == 204
    assert first.data == b""
    vm = voicemail(vm_app, sid)
    assert vm.state == "received"
    assert vm.from_number == "+8613800138000"
    assert vm.language == "zh-CN"
    assert vm.recording_seconds == 10
    assert _queued(vm_app) == [f"voicemail-{sid}"]

    again = post_recording(sid, url)
    assert again.status_code == 204
    assert _count(vm_app, Voicemail) == 1
    assert _queued(vm_app) == [f"voicemail-{sid}"]


def test_repeat_after_processing_changes_nothing(
    vm_app,
    post_recording,
    fake_twilio,
    audio,
    run_jobs,
) -> None:
    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])
    post_recording(sid, url)
    run_jobs()
    assert voicemail(vm_app, sid).state == "drafted"
    post_recording(sid, url)
    assert _queued(vm_app) == []
    run_jobs()
    assert fake_twilio.downloads[sid] == 1
    assert _count(vm_app, Ticket) == 1


def test_in_progress_then_completed_makes_one_voicemail(
    vm_app, post_recording, fake_twilio
) -> None:
    sid = new_recording_sid()
    url = fake_twilio.recording_url(sid)
    assert post_recording(sid, url, status="in-progress").status_code == 204
    assert voicemail(vm_app, sid) is None
    post_recording(sid, url)
    assert _count(vm_app, Voicemail) == 1
    assert _queued(vm_app) == [f"voicemail-{sid}"]


def test_completed_before_the_record_action(vm_app, fake_twilio) -> None:
    """Twilio may post the recording callback before the call ever reached our Record action."""
    client = vm_app.test_client()
    sid = new_recording_sid()
    response = post_signed(
        client,
        "/twilio/recording",
        recording_params(sid, fake_twilio.recording_url(sid), call_sid="CA" + "9" * 32),
    )
    assert response.status_code == 204
    assert voicemail(vm_app, sid).state == "received"
    action = post_signed(
        client,
        "/twilio/ivr/1/voicemail/recorded?lang=zh-CN",
        call_params("CA" + "9" * 32, RecordingSid=sid),
    )
    assert b"Hangup" in action.data
    assert _count(vm_app, Voicemail) == 1


def test_absent_recording_is_recorded_without_a_job(vm_app, post_recording) -> None:
    sid = new_recording_sid()
    response = post_recording(sid, "", status="absent", ErrorCode="13617")
    assert response.status_code == 204
    vm = voicemail(vm_app, sid)
    assert vm.state == "absent"
    assert vm.error_code == "13617"
    assert "absent" in vm.failure_reason
    assert _queued(vm_app) == []


def test_malformed_callbacks_are_refused_and_write_nothing(
    vm_app, post_recording, fake_twilio
) -> None:
    assert post_recording("RE123", fake_twilio.recording_url("RE123")).status_code == 400
    sid = new_recording_sid()
    bad_url = post_recording(sid, "javascript:alert(1)")
    assert bad_url.status_code == 400
    assert b"RecordingUrl" in bad_url.data
    assert post_recording(sid, fake_twilio.recording_url(sid), status="exploded").status_code == 400
    assert _count(vm_app, Voicemail) == 0


def test_unsigned_callback_is_refused(vm_app, fake_twilio) -> None:
    sid = new_recording_sid()
    response = vm_app.test_client().post(
        "/twilio/recording", data=recording_params(sid, fake_twilio.recording_url(sid))
    )
    assert response.status_code == 403
    assert _count(vm_app, Voicemail) == 0


def test_redis_down_at_callback_then_reconciler_finishes(
    make_settings,
    private_redis,
    fake_twilio,
    audio,
) -> None:
    from rq import SimpleWorker

    from hotline.core.db import db as database
    from hotline.core.jobs import use_app
    from ivr.versions import seed_default_menu

    settings = make_settings(redis_url=private_redis.url, twilio_api_base_url=fake_twilio.base_url)
    app = create_app(settings=settings)
    with app.app_context():
        database.create_all()
        seed_default_menu()
    try:
        client = app.test_client()
        sid = new_recording_sid()
        url = fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])
        post_signed(client, "/twilio/voice", call_params())
        private_redis.stop()
        response = post_signed(client, "/twilio/recording", recording_params(sid, url))
        assert response.status_code == 204
        assert voicemail(app, sid).state == "received"

        private_redis.start()
        with app.app_context():
            report = reconcile(older_than=timedelta(0))
        assert report.enqueued == [voicemail(app, sid).id]
        use_app(app)
        queues = app.extensions["hotline.queues"]
        SimpleWorker(list(queues.queues.values()), connection=queues.connection).work(burst=True)
        assert voicemail(app, sid).state == "drafted"
        with app.app_context():
            assert reconcile(older_than=timedelta(0)).enqueued == []
    finally:
        with app.app_context():
            database.drop_all()
            database.engine.dispose()


def test_database_down_at_callback_keeps_it_in_redis_until_reconciled(
    vm_app,
    make_settings,
    fake_twilio,
) -> None:

    from voicemail.reconcile import PENDING_CALLBACKS

    port = free_port()
    settings = vm_app.config["HOTLINE_SETTINGS"].model_copy(
        update={
            "database_url": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none?connect_timeout=1"
        }
    )
    broken = create_app(settings=settings)
    sid = new_recording_sid()
    response = post_signed(
        broken.test_client(),
        "/twilio/recording?lang=en-US",
        recording_params(sid, fake_twilio.recording_url(sid)),
    )
    assert response.status_code == 204
    connection = vm_app.extensions["hotline.queues"].connection
    assert connection.llen(PENDING_CALLBACKS) == 1
    assert voicemail(vm_app, sid) is None

    with vm_app.app_context():
        report = reconcile(older_than=timedelta(hours=1))
    assert report.callbacks_replayed == 1
    assert connection.llen(PENDING_CALLBACKS) == 0
    stored = voicemail(vm_app, sid)
    assert stored.state == "received"
    assert stored.language == "en-US"
    assert _queued(vm_app) == [f"voicemail-{sid}"]

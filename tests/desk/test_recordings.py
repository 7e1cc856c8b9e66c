"""Recorded conversations over HTTP: the operator's Dial records when the queue says so, the
signed recording callback stores the recording once, the job fetches it from the fake Twilio
into storage and deletes it there; bad callbacks, Redis down, failures and retention."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from desk.models import CallRecording
from desk.recordings import reconcile, run_retention
from hotline.core.db import db
from ivr.models import Call, QueueVisit
from ivr.operator_service import set_pin, set_queues
from tests.accounts import create_user
from tests.conftest import job_runner
from tests.desk.conftest import new_recording_sid, record_queue_calls, recording_params
from tests.ivr.conftest import OPERATOR_PIN
from tests.ivr.queue_calls import QueuedCall
from tests.twilio_fake import CallDriver, post_signed

SHANGHAI = ZoneInfo("Asia/Shanghai")

RECORD_ATTRIBUTES = {
    "record": "record-from-answer-dual",
    "recordingStatusCallback": "/twilio/desk/recording",
    "recordingStatusCallbackMethod": "POST",
    "recordingStatusCallbackEvent": "completed",
}


def recordings(app) -> list[CallRecording]:
    with app.app_context():
        db.session.expire_all()
        found = db.session.scalars(select(CallRecording).order_by(CallRecording.id)).all()
        db.session.expunge_all()
        return list(found)


def queued_jobs(app) -> list[str]:
    """The recording fetch jobs waiting (the callback dispatcher queues its own too)."""
    jobs = app.extensions["hotline.queues"].queues["default"].job_ids
    return [job for job in jobs if job.startswith("callrec-")]


def test_a_recorded_queue_dials_with_recording_and_the_audio_is_stored(
    app, converse, post_recording, run_jobs, fake_twilio, dual_recording
) -> None:
    record_queue_calls(app)
    talk = converse()
    assert {name: talk.dial.get(name) for name in RECORD_ATTRIBUTES} == RECORD_ATTRIBUTES
    assert talk.dial.find("Queue").get("url") == "/twilio/operator/connected"

    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, dual_recording)
    first = post_recording(talk.operator, sid, url)
    assert first.status_code == 200
    assert first.mimetype == "text/xml"
    assert first.data.decode().endswith("<Response />")
    again = post_recording(talk.operator, sid, url)  # Twilio retries
    assert again.status_code == 200
    assert queued_jobs(app) == [f"callrec-{sid}"]
    [stored] = recordings(app)
    assert (stored.state, stored.queue_name) == ("received", "operators")
    assert stored.duration_seconds == 4
    with app.app_context():
        visit = db.session.scalar(select(QueueVisit).where(QueueVisit.bridged_at.is_not(None)))
        assert (stored.visit_id, stored.operator_id) == (visit.id, visit.operator_id)

    run_jobs()
    [stored] = recordings(app)
    assert stored.state == "stored", stored.error
    assert fake_twilio.downloads[sid] == 1
    path = app.config["HOTLINE_SETTINGS"].storage_root / stored.audio_path
    assert path.read_bytes() == dual_recording.read_bytes()
    assert stored.audio_path.startswith("call-recordings/")
    assert fake_twilio.deleted == [sid]
    assert stored.deleted_from_twilio_at is not None

    post_recording(talk.operator, sid, url)  # a late retry after processing
    run_jobs()
    assert fake_twilio.downloads[sid] == 1
    assert len(recordings(app)) == 1


def test_each_conversation_gets_its_own_recording(
    app, converse, post_recording, fake_twilio, dual_recording
) -> None:
    record_queue_calls(app)
    first = converse("+8613800138001")
    sid_one = new_recording_sid()
    post_recording(first.operator, sid_one, fake_twilio.add_recording(sid_one, dual_recording))
    second = converse("+8613800138002", operator=first.operator, minute=5)
    sid_two = new_recording_sid()
    post_recording(first.operator, sid_two, fake_twilio.add_recording(sid_two, dual_recording))
    one, two = recordings(app)
    assert one.visit_id is not None
    assert two.visit_id is not None
    assert one.visit_id != two.visit_id
    with app.app_context():
        call_id = db.session.get(QueueVisit, two.visit_id).call_id
        assert db.session.get(Call, call_id).from_number == second.caller.driver.params["From"]


def test_a_queue_that_does_not_record_dials_without_recording(app, converse) -> None:
    record_queue_calls(app, record=False)
    talk = converse()
    assert all(talk.dial.get(name) is None for name in RECORD_ATTRIBUTES)


def test_other_statuses_and_malformed_callbacks_store_nothing(
    app, converse, post_recording, fake_twilio, dual_recording
) -> None:
    record_queue_calls(app)
    talk = converse()
    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, dual_recording)
    for status in ("absent", "failed", "in-progress"):
        response = post_recording(talk.operator, sid, url, status=status)
        assert response.status_code == 200, status
    for bad in (
        {"RecordingSid": "RE-not-a-sid"},
        {"RecordingStatus": "exploded"},
        {"RecordingUrl": "file:///etc/passwd"},
        {"CallSid": ""},
    ):
        response = post_recording(talk.operator, sid, url, **bad)
        assert response.status_code == 400, bad
    client = app.test_client()
    unsigned = client.post("/twilio/desk/recording", data=recording_params(talk.operator, sid, url))
    assert unsigned.status_code == 403
    forged = post_signed(
        client, "/twilio/desk/recording", recording_params(talk.operator, sid, url), token="x"
    )
    assert forged.status_code == 403
    assert recordings(app) == []
    assert queued_jobs(app) == []


def test_a_recording_that_is_not_audio_fails_with_the_reason(
    app, converse, post_recording, run_jobs, fake_twilio
) -> None:
    record_queue_calls(app)
    talk = converse()
    sid = new_recording_sid()
    post_recording(talk.operator, sid, fake_twilio.add_body(sid, b"<html/>", "text/html"))
    run_jobs()
    [failed] = recordings(app)
    assert failed.state == "failed"
    assert "text/html, not audio" in failed.error
    assert failed.audio_path is None
    assert fake_twilio.deleted == []


def test_redis_down_at_the_callback_then_the_reconciler_fetches_it(
    make_app, private_redis, fake_twilio, dual_recording
) -> None:
    """The row commits without Redis; the reconciler enqueues it once Redis is back."""
    app = make_app(twilio_api_base_url=fake_twilio.base_url, redis_url=private_redis.url)
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday morning: open
    app.extensions["hotline.clock"] = lambda: moment
    record_queue_calls(app)
    _make_operator(app, "+8613900000009")
    client = app.test_client()
    operator = CallDriver(client, call_sid="CA" + "e" * 32, caller="+8613900000009")
    operator.post("/twilio/operator")
    operator.press(OPERATOR_PIN)
    caller = QueuedCall(CallDriver(client, call_sid="CA" + "d" * 32))
    caller.join()
    operator.post("/twilio/operator/next")
    caller.bridge(operator, queue_time=3)
    caller.leave("bridged", queue_time=3)

    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, dual_recording)
    private_redis.stop()
    response = post_signed(client, "/twilio/desk/recording", recording_params(operator, sid, url))
    assert response.status_code == 200
    [waiting] = recordings(app)
    assert waiting.state == "received"
    assert waiting.visit_id is not None

    private_redis.start()
    with app.app_context():
        assert reconcile(older_than=timedelta(0)).enqueued == [waiting.id]
        assert reconcile(older_than=timedelta(0)).enqueued == []  # its job is waiting
    job_runner(app)()
    [stored] = recordings(app)
    assert stored.state == "stored", stored.error
    with app.app_context():
        assert reconcile(older_than=timedelta(0)).enqueued == []


def _make_operator(app, phone: str) -> None:
    with app.app_context():
        user = create_user("olga", "operator", password="a-password", phone=phone)
        set_pin(user, OPERATOR_PIN)
        set_queues(user, ["operators"])
        db.session.commit()


def test_retention_deletes_old_local_audio_and_keeps_the_row(
    app, converse, post_recording, run_jobs, fake_twilio, dual_recording, set_clock
) -> None:
    record_queue_calls(app)
    talk = converse()
    sid = new_recording_sid()
    post_recording(talk.operator, sid, fake_twilio.add_recording(sid, dual_recording))
    run_jobs()
    [stored] = recordings(app)
    path = app.config["HOTLINE_SETTINGS"].storage_root / stored.audio_path
    assert path.is_file()
    with app.app_context():
        assert run_retention(days=30) == []
        set_clock(2026, 12, 24, 10, 0)  # 31 days later
        assert run_retention(days=30) == [stored.id]
        assert db.session.scalar(select(func.count()).select_from(CallRecording)) == 1
    assert not path.exists()
    [kept] = recordings(app)
    assert kept.audio_path is None
    assert kept.audio_deleted_at is not None

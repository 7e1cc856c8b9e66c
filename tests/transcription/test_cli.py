"""`hotline transcribe`: one result per file; unreadable files fail clearly, the rest complete."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from transcription.cli import transcribe

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path))
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("SECRET_KEY", "s")


def test_batch_with_one_bad_file_exits_non_zero_after_the_rest(audio) -> None:
    files = [audio.speech["twilio-8k-mulaw"], audio.text_as_wav, audio.silence]
    result = CliRunner().invoke(transcribe, [*map(str, files), "--lang", "ko", "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["file"] for line in lines] == [str(f) for f in files]
    speech, bad, silence = lines
    assert speech["speech"] is True
    assert speech["text"]
    assert speech["words"][0]["conf"] <= 1.0
    assert "not audio that ffmpeg can decode" in bad["error"]
    assert silence["speech"] is False
    assert "1 of 3 files could not be transcribed" in result.stderr


def test_plain_output(audio) -> None:
    result = CliRunner().invoke(transcribe, [str(audio.click)])
    assert result.exit_code == 0
    assert f"{audio.click}: (no speech)" in result.stdout

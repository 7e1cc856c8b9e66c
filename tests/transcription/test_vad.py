"""Silence detection on synthetic PCM: tone bursts, clicks, noise floors."""

from __future__ import annotations

import numpy as np

from transcription.audio import PcmAudio
from transcription.vad import detect_speech

RATE = 16000


def _pcm(samples: np.ndarray, rate: int = RATE) -> PcmAudio:
    return PcmAudio(np.clip(samples, -32768, 32767).astype("<i2").tobytes(), rate)


def test_digital_silence() -> None:
    report = detect_speech(_pcm(np.zeros(RATE * 3)))
    assert report.voiced_seconds == 0.0
    assert not report.has_speech
    assert report.duration == 3.0


def test_quiet_noise_floor_is_not_speech() -> None:
    rng = np.random.default_rng(1)
    report = detect_speech(_pcm(rng.normal(0, 60, RATE * 4)))  # about -55 dBFS
    assert not report.has_speech


def test_rates_webrtc_does_not_take_are_resampled() -> None:
    report = detect_speech(_pcm(np.zeros(22050 * 2), rate=22050))
    assert report.duration == 2.0
    assert not report.has_speech


def test_empty_audio() -> None:
    report = detect_speech(PcmAudio(b"", RATE))
    assert report.voiced_seconds == 0.0
    assert not report.has_speech

"""Is there speech at all? Voice-activity detection on the audio itself, before any decoding.

A frame counts as voice when WebRTC's VAD says so *and* it is louder than the noise floor;
short runs of voiced frames (clicks, pops) are ignored. A recording with less than
`min_speech` seconds of voice is "no speech" and is never sent to the decoder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import webrtcvad

from transcription.audio import PcmAudio

FRAME_MS = 30
VAD_RATES = (8000, 16000, 32000, 48000)
#: Less voice than this is "no speech": a cough, a click, a caller who hung up at the beep.
MIN_SPEECH_SECONDS = 0.6


@dataclass(frozen=True)
class SpeechReport:
    voiced_seconds: float
    duration: float
    peak_dbfs: float

    @property
    def has_speech(self) -> bool:
        return self.voiced_seconds >= MIN_SPEECH_SECONDS


def detect_speech(
    audio: PcmAudio, aggressiveness: int = 2, floor_dbfs: float = -45.0, min_run_frames: int = 4
) -> SpeechReport:
    """Seconds of voice in `audio`, counted in runs of at least `min_run_frames` voiced frames."""
    if audio.sample_rate not in VAD_RATES:
        audio = PcmAudio(audio.segment().set_frame_rate(16000).raw_data, 16000)
    rate = audio.sample_rate
    samples = np.frombuffer(audio.pcm, dtype="<i2")
    frame_len = rate * FRAME_MS // 1000
    frames = samples[: len(samples) // frame_len * frame_len].reshape(-1, frame_len)
    if frames.size == 0:
        return SpeechReport(0.0, audio.duration, float("-inf"))
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    loud = rms >= 32768 * 10 ** (floor_dbfs / 20)
    vad = webrtcvad.Vad(aggressiveness)
    voiced_frames = run = 0
    for index, frame in enumerate(frames):
        if loud[index] and vad.is_speech(frame.tobytes(), rate):
            run += 1
            continue
        voiced_frames += run if run >= min_run_frames else 0
        run = 0
    voiced_frames += run if run >= min_run_frames else 0
    peak = int(np.abs(frames.astype(np.int32)).max())
    peak_dbfs = 20 * math.log10(peak / 32768) if peak else float("-inf")
    return SpeechReport(voiced_frames * FRAME_MS / 1000, audio.duration, peak_dbfs)

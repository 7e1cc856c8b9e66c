"""Audio normalisation: any format ffmpeg reads → 16-bit mono PCM at the model's sample rate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError


class AudioError(ValueError):
    """The file is missing, empty or not audio that ffmpeg can decode."""


@dataclass(frozen=True)
class PcmAudio:
    """Signed 16-bit little-endian mono samples."""

    pcm: bytes
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    def segment(self) -> AudioSegment:
        return AudioSegment(data=self.pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)


def normalise(path: Path, sample_rate: int) -> PcmAudio:
    """Decode `path` (Twilio's 8 kHz µ-law WAV, PCM WAV at any rate, MP3, stereo, ...)."""
    if not path.is_file():
        raise AudioError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty")
    try:
        # ffmpeg resamples and downmixes while decoding; the set_* calls below are no-ops then,
        # and cover the WAV files pydub reads without ffmpeg.
        segment = AudioSegment.from_file(
            str(path), parameters=["-ac", "1", "-ar", str(sample_rate), "-sample_fmt", "s16"]
        )
    except (CouldntDecodeError, IndexError, EOFError) as exc:
        raise AudioError(f"{path}: not audio that ffmpeg can decode ({_first_line(exc)})") from None
    segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate)
    if len(segment.raw_data) == 0:
        raise AudioError(f"{path}: the file holds no audio samples")
    return PcmAudio(segment.raw_data, sample_rate)


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    tail = [line for line in lines if "Invalid data" in line or "error" in line.lower()]
    return (tail or lines or [type(exc).__name__])[-1].strip()[:200]

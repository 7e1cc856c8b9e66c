"""Audio normalisation: any format ffmpeg reads → 16-bit mono PCM at the model's sample rate."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

#: Longest time ffmpeg may take to decode one recording (a 3-hour file takes a few seconds).
FFMPEG_TIMEOUT = 120


class AudioError(ValueError):
    """The file is missing, empty or not audio that ffmpeg can decode."""


class NoAudio(AudioError):
    """A well-formed file that holds no samples at all (a 0-second recording)."""


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
    """Decode `path` (Twilio's 8 kHz µ-law WAV, PCM WAV at any rate, MP3, stereo, ...).

    ffmpeg (the converter pydub is configured with) decodes, downmixes and resamples in one
    pass straight to raw PCM on a pipe: half the cost of `AudioSegment.from_file`, which runs
    ffprobe first and goes through temporary files.
    """
    if not path.is_file():
        raise AudioError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty")
    command = [
        AudioSegment.converter,
        "-nostdin",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        "-",
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(f"{path}: ffmpeg took longer than {FFMPEG_TIMEOUT} s") from None
    if done.returncode != 0:
        reason = _last_line(done.stderr.decode(errors="replace"))
        raise AudioError(f"{path}: not audio that ffmpeg can decode ({reason})")
    pcm = done.stdout[: len(done.stdout) // 2 * 2]
    if not pcm:
        raise NoAudio(f"{path}: the file holds no audio samples")
    return PcmAudio(pcm, sample_rate)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:200]

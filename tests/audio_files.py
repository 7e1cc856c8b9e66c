"""Real audio for tests: espeak-ng speech in Twilio's and other formats, silence, noise, a
click, and files that are not audio at all."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from voicemail.fake_twilio import spoken_recording

KOREAN_TEXT = (
    "안녕하세요. 온라인 쇼핑에서 산 물건이 고장 났습니다. 환불을 받고 싶습니다. "
    "전화번호는 공일공 일이삼사 오육칠팔 입니다."
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def silent_recording(target: Path, seconds: float) -> Path:
    """`seconds` of digital silence as Twilio serves recordings (8 kHz µ-law WAV); 0 is valid."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=8000:cl=mono",
        "-t",
        str(seconds),
        "-acodec",
        "pcm_mulaw",
        str(target),
    )
    return target


@dataclass(frozen=True)
class AudioSet:
    speech: dict[str, Path]
    silence: Path
    noise: Path
    click: Path
    corrupt: Path
    text_as_wav: Path
    empty: Path


@pytest.fixture(scope="session")
def audio(tmp_path_factory: pytest.TempPathFactory) -> AudioSet:
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run ./dev test, which installs it")
    folder = tmp_path_factory.mktemp("audio")
    twilio = spoken_recording(KOREAN_TEXT, folder / "twilio-8k-mulaw.wav")
    source = twilio.with_suffix(".src.wav")  # espeak-ng's own 22 kHz PCM
    speech = {"espeak-22k-pcm": source, "twilio-8k-mulaw": twilio}
    ffmpeg("-i", str(source), "-ar", "44100", "-ac", "2", str(folder / "stereo-44k.mp3"))
    speech["stereo-44k-mp3"] = folder / "stereo-44k.mp3"
    ffmpeg("-i", str(source), "-ar", "48000", "-ac", "1", str(folder / "pcm-48k.wav"))
    speech["pcm-48k"] = folder / "pcm-48k.wav"

    silence = silent_recording(folder / "silence.wav", 5)
    noise = folder / "noise.wav"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "anoisesrc=r=8000:a=0.003:c=pink",
        "-t",
        "5",
        "-acodec",
        "pcm_mulaw",
        str(noise),
    )
    click = folder / "click.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=f=1000:r=8000:d=0.3", "-acodec", "pcm_mulaw", str(click))

    corrupt = folder / "corrupt.wav"
    data = source.read_bytes()
    corrupt.write_bytes(data[:12] + bytes(range(256)) * 8)  # a RIFF header, then garbage
    text_as_wav = folder / "letter.wav"
    text_as_wav.write_text("Dear hotline, this is not a recording.\n" * 20)
    empty = folder / "empty.wav"
    empty.write_bytes(b"")
    return AudioSet(speech, silence, noise, click, corrupt, text_as_wav, empty)

"""Recorded prompts: an admin uploads WAV, MP3 or M4A audio; pydub (ffmpeg) turns it into
telephone audio (8 kHz, mono, 16-bit WAV) stored under `<storage>/prompts/`; Twilio fetches it
from `/media/prompts/<name>.wav` with `<Play>`. The name is a keyed hash of the audio: public
and cacheable for ever, but not guessable."""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError

from hotline.core.service import ServiceError

MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = {".wav", ".mp3", ".m4a"}
NAME = re.compile(r"^[0-9a-f]{40}\.wav$")
URL_PREFIX = "/media/prompts/"


class PromptError(ServiceError):
    """An upload that cannot become a prompt; the message says why (the field: the file)."""

    def __init__(self, message: str, field: str | None = "file") -> None:
        super().__init__(message, field)


@dataclass(frozen=True)
class StoredPrompt:
    """A converted prompt in the prompts folder: the URL path to `<Play>`, and whether this
    upload wrote the file (the same audio uploaded before has the same name, and plays there)."""

    url: str
    path: Path
    new: bool

    def discard(self) -> None:
        """Remove the file again after a refused save, unless it was there before."""
        if self.new:
            self.path.unlink(missing_ok=True)


def folder() -> Path:
    path = current_app.config["HOTLINE_SETTINGS"].storage_root / "prompts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, filename: str) -> StoredPrompt:
    """Convert uploaded audio to a telephone prompt in the prompts folder."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise PromptError(f"{filename!r}: upload a WAV, MP3 or M4A file")
    if not data:
        raise PromptError(f"{filename!r} is empty")
    if len(data) > MAX_BYTES:
        raise PromptError(f"{filename!r} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    with tempfile.NamedTemporaryFile(suffix=suffix) as upload:
        upload.write(data)
        upload.flush()
        try:
            if suffix == ".wav":  # pydub leaves a WAV it opens by name open: give it ours
                upload.seek(0)
                audio = AudioSegment.from_file(upload, format="wav")
            else:
                audio = AudioSegment.from_file(upload.name)
        except (CouldntDecodeError, IndexError, OSError) as exc:
            raise PromptError(
                f"{filename!r} is not audio that can be played ({exc.__class__.__name__})"
            ) from None
    if len(audio) < 200:
        raise PromptError(f"{filename!r} holds less than 0.2 s of audio")
    if len(audio) > 10 * 60 * 1000:
        raise PromptError(f"{filename!r} is longer than 10 minutes")
    out = io.BytesIO()
    audio.set_frame_rate(8000).set_channels(1).set_sample_width(2).export(out, format="wav")
    converted = out.getvalue()
    key = current_app.config["HOTLINE_SETTINGS"].secret_key.encode()
    name = hmac.new(key, converted, hashlib.sha1).hexdigest() + ".wav"
    path = folder() / name
    new = not path.exists()
    if new:
        path.write_bytes(converted)
    return StoredPrompt(URL_PREFIX + name, path, new)


def path_of(name: str) -> Path | None:
    if not NAME.match(name):
        return None
    path = folder() / name
    return path if path.is_file() else None

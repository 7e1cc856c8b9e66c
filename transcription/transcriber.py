"""The transcriber: audio file + language → text, words with timings and confidence.

The model comes from the process's registry (loaded once); each call makes its own
`KaldiRecognizer`, which is cheap. Silence is detected before decoding and never decoded.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hotline.core.settings import Settings
from transcription import chinese
from transcription.audio import PcmAudio, normalise
from transcription.registry import LoadedModel, language_key, model_for
from transcription.vad import detect_speech

#: Bytes of PCM fed to the recognizer at a time (0.25 s at 16 kHz): Vosk's usual chunk size.
CHUNK_BYTES = 8000


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float


@dataclass(frozen=True)
class Transcription:
    text: str
    words: list[Word]
    mean_confidence: float | None
    duration: float
    decode_seconds: float
    model: str
    language: str
    speech: bool
    voiced_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def transcribe_file(path: Path, language: str | None, settings: Settings) -> Transcription:
    """Transcribe `path` with the model for `language` (or the default language's model)."""
    loaded = model_for(settings, language)
    audio = normalise(Path(path), loaded.sample_rate)
    return transcribe_pcm(audio, loaded)


def transcribe_pcm(audio: PcmAudio, loaded: LoadedModel) -> Transcription:
    report = detect_speech(audio)
    language = loaded.entry.language
    if not report.has_speech:
        return Transcription(
            "",
            [],
            None,
            audio.duration,
            0.0,
            loaded.entry.name,
            language,
            speech=False,
            voiced_seconds=report.voiced_seconds,
        )
    started = time.perf_counter()
    results = decode(audio, loaded)
    decode_seconds = time.perf_counter() - started
    words = [
        Word(w["word"], float(w["start"]), float(w["end"]), float(w["conf"]))
        for result in results
        for w in result.get("result", [])
    ]
    text = " ".join(r["text"] for r in results if r.get("text"))
    if language_key(language) == "zh":
        text = chinese.postprocess(text)
    mean = sum(w.conf for w in words) / len(words) if words else None
    return Transcription(
        text,
        words,
        mean,
        audio.duration,
        decode_seconds,
        loaded.entry.name,
        language,
        speech=bool(words),
        voiced_seconds=report.voiced_seconds,
    )


def decode(audio: PcmAudio, loaded: LoadedModel) -> list[dict[str, Any]]:
    """Feed the PCM to a fresh recognizer and collect Vosk's JSON results, in order."""
    from vosk import KaldiRecognizer

    recognizer = KaldiRecognizer(loaded.model, audio.sample_rate)
    recognizer.SetWords(True)
    results = []
    pcm = memoryview(audio.pcm)
    for offset in range(0, len(pcm), CHUNK_BYTES):
        if recognizer.AcceptWaveform(bytes(pcm[offset : offset + CHUNK_BYTES])):
            results.append(json.loads(recognizer.Result()))
    results.append(json.loads(recognizer.FinalResult()))
    return results

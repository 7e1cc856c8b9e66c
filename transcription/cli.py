"""`hotline models list|install` and `hotline transcribe FILES...` (the speech modules are
imported inside the commands: help stays quick)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group()
def models() -> None:
    """List and install Vosk speech models."""


def _size(path: Path) -> str:
    if not path.exists():
        return "-"
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return f"{total / 1e6:.0f} MB"


@models.command("list")
@click.option("--no-load", is_flag=True, help="Do not try loading each model.")
def models_list(no_load: bool) -> None:
    """Languages, model folders, sizes, and whether each model loads."""
    from hotline.core.settings import load_settings
    from transcription import registry
    from transcription.registry import ModelNotAvailable, configured_models

    settings = load_settings()
    entries = configured_models(settings)
    if not entries:
        click.echo("no models configured")
    for language, entry in sorted(entries.items()):
        status = "not checked"
        if not no_load:
            try:
                loaded = registry.models.load(entry)
                status = f"loads ({loaded.sample_rate} Hz, {loaded.load_seconds:.1f} s)"
            except ModelNotAvailable as exc:
                status = f"BROKEN: {exc}"
        click.echo(f"{language}\t{entry.source}\t{entry.path}\t{_size(entry.path)}\t{status}")


@models.command("install")
@click.argument("language")
@click.argument("source")
@click.option("--sha256", help="Expected SHA-256 of the archive.")
@click.option("--no-verify", is_flag=True, help="Do not load the model after installing it.")
def models_install(language: str, source: str, sha256: str | None, no_verify: bool) -> None:
    """Install a model for LANGUAGE from SOURCE (a URL or a local .zip)."""
    from hotline.core.settings import load_settings
    from transcription import registry
    from transcription.install import InstallError, install_model
    from transcription.registry import ModelNotAvailable, configured_models

    settings = load_settings()
    try:
        target = install_model(language, source, settings, sha256=sha256)
    except InstallError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"installed {language} model at {target}")
    if not no_verify:
        try:
            loaded = registry.models.load(
                configured_models(settings)[registry.language_key(language)]
            )
        except ModelNotAvailable as exc:
            raise click.ClickException(f"installed, but it does not load: {exc}") from None
        click.echo(f"model loads ({loaded.sample_rate} Hz, {loaded.load_seconds:.1f} s)")


@click.command("transcribe")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the recordings (default: DEFAULT_LANGUAGE).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, per line.")
def transcribe(files: tuple[Path, ...], language: str | None, as_json: bool) -> None:
    """Transcribe audio FILES offline; unreadable files are reported and the rest still run."""
    from tqdm import tqdm

    from hotline.core.settings import load_settings
    from transcription.audio import AudioError
    from transcription.registry import ModelNotAvailable
    from transcription.transcriber import transcribe_file

    settings = load_settings()
    failures = 0
    with tqdm(files, unit="file", disable=len(files) < 2, file=sys.stderr) as bar:
        for path in bar:
            bar.set_postfix_str(path.name)
            try:
                result = transcribe_file(path, language, settings)
            except ModelNotAvailable as exc:
                raise click.ClickException(str(exc)) from None
            except AudioError as exc:
                failures += 1
                if as_json:
                    tqdm.write(
                        json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False)
                    )
                else:
                    click.secho(f"{path}: ERROR {exc}", fg="red", err=True)
                continue
            if as_json:
                tqdm.write(json.dumps({"file": str(path), **result.to_dict()}, ensure_ascii=False))
            else:
                shown = result.text if result.speech else "(no speech)"
                tqdm.write(
                    f"{path}: {shown}  [{result.duration:.1f} s, "
                    f"confidence {result.mean_confidence or 0:.2f}]"
                )
    if failures:
        click.secho(
            f"{failures} of {len(files)} files could not be transcribed", fg="red", err=True
        )
        sys.exit(1)

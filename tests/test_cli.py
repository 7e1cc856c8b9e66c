"""The `hotline` command: its help comes without building the app or importing the features,
and the configuration commands work when the database cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.cli import COMMANDS, load_command


def _hotline(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SECRET"))}
    environment.update(STORAGE_ROOT=str(tmp_path), PYTHONWARNINGS="default", **env)
    return subprocess.run(
        [sys.executable, "-m", "hotline.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = load_command(name)
    assert command.name == name or name == "reconcile"
    assert (command.help or "").splitlines()[0] == COMMANDS[name][1]


def test_help_imports_no_feature_and_builds_no_app(tmp_path: Path) -> None:
    code = (
        "import sys; from hotline.cli import main; sys.argv = ['hotline', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'ivr', 'voicemail', 'tickets', 'knowledge', 'desk', 'reports', 'transcription', "
        "'workers', 'sqlalchemy'} "
        "or m.startswith(('hotline.core', 'hotline.app', 'hotline.accounts')))\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "STORAGE_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "LOADED []" in result.stdout
    for name in COMMANDS:
        assert name in result.stdout
    assert result.stderr == ""


def test_group_help_prints_no_warning(tmp_path: Path) -> None:
    for group in ("users", "menu", "tickets", "report", "voicemail", "operators", "db"):
        result = _hotline(group, "--help", tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage: hotline" in result.stdout
        assert result.stderr == "", f"`hotline {group} --help` printed: {result.stderr}"
        assert not (tmp_path / "dev-secret-key").exists()  # no settings loaded, nothing written


def test_config_works_without_a_database(tmp_path: Path) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    table = _hotline("config", "table", tmp_path=tmp_path, DATABASE_URL=unreachable)
    assert table.returncode == 0, table.stderr
    assert "| `DATABASE_URL` |" in table.stdout
    check = _hotline("config", "check", tmp_path=tmp_path, DATABASE_URL=unreachable)
    assert check.returncode == 0, check.stderr
    assert f"DATABASE_URL={unreachable}" in check.stdout
    assert "Traceback" not in check.stderr


def test_a_bad_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    result = _hotline("config", "check", tmp_path=tmp_path, TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_command_is_refused_clearly(tmp_path: Path) -> None:
    result = _hotline("frobnicate", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no app built: no settings read, nothing written

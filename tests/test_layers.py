"""The layers hold: import-linter's contracts (pyproject.toml) pass on the tree, and an import
that points upwards (a lower layer importing a higher one) fails them, as it fails CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "hotline",
    "ivr",
    "voicemail",
    "transcription",
    "tickets",
    "knowledge",
    "desk",
    "reports",
    "workers",
)


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and pyproject.toml, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_tree(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward", "says"),
    [
        (
            "tickets/models.py",
            "import voicemail.models",
            "tickets is not allowed to import voicemail",
        ),
        (
            "hotline/core/db.py",
            "import tickets.models",
            "hotline.core is not allowed to import tickets",
        ),
        ("ivr/engine.py", "import hotline.app", "ivr is not allowed to import hotline.app"),
        ("reports/figures.py", "import workers.jobs", "reports is not allowed to import workers"),
        (
            "knowledge/models.py",
            "import voicemail.models",
            "knowledge is not allowed to import voicemail",
        ),
        ("voicemail/models.py", "import desk.models", "voicemail is not allowed to import desk"),
        (
            "hotline/accounts/web.py",
            "import ivr.models",
            "hotline.accounts is not allowed to import ivr",
        ),
    ],
)
def test_an_upward_import_breaks_the_contracts(
    tree: Path, module: str, upward: str, says: str
) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{upward}  # deliberately upwards\n")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert says in result.stdout

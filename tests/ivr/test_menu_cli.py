"""`hotline menu ...`: validate, import, export, publish (and roll back), list."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from hotline.core.db import db
from ivr.models import MenuVersion
from ivr.versions import default_menu_text


def _write(tmp_path: Path, doc: dict, name: str = "menu.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _statuses(app) -> dict[int, str]:
    with app.app_context():
        return {v.number: v.status for v in db.session.scalars(select(MenuVersion))}


def test_validate_reports_problems_with_paths(runner, tmp_path: Path) -> None:
    doc = yaml.safe_load(default_menu_text())
    good = _write(tmp_path, doc, "good.yaml")
    result = runner.invoke(args=["menu", "validate", str(good)])
    assert result.exit_code == 0
    assert "valid" in result.output
    doc["nodes"][2]["options"][0]["target"] = "nowhere"
    bad = _write(tmp_path, doc, "bad.yaml")
    result = runner.invoke(args=["menu", "validate", str(bad)])
    assert result.exit_code == 1
    assert "nodes.main.options[0].target: unknown node 'nowhere'" in result.output


def test_import_publish_export_and_roll_back(app, runner, tmp_path: Path) -> None:
    doc = yaml.safe_load(default_menu_text())
    doc["title"] = "version two"
    result = runner.invoke(args=["menu", "import", str(_write(tmp_path, doc)), "--comment", "v2"])
    assert result.exit_code == 0
    assert "imported as version 2 (draft)" in result.output
    assert _statuses(app) == {1: "published", 2: "draft"}

    assert runner.invoke(args=["menu", "publish", "2"]).exit_code == 0
    assert _statuses(app) == {1: "archived", 2: "published"}
    exported = runner.invoke(args=["menu", "export"])
    assert yaml.safe_load(exported.output)["title"] == "version two"

    rollback = runner.invoke(args=["menu", "publish", "1"])
    assert rollback.exit_code == 0
    assert _statuses(app) == {1: "published", 2: "archived"}
    assert "12315 consumer hotline (default)" in runner.invoke(args=["menu", "export"]).output
    listing = runner.invoke(args=["menu", "list"]).output
    assert "2\tarchived\tcli" in listing


def test_invalid_documents_are_never_imported_or_published(app, runner, tmp_path: Path) -> None:
    doc = yaml.safe_load(default_menu_text())
    doc["start"] = "missing"
    result = runner.invoke(args=["menu", "import", str(_write(tmp_path, doc)), "--publish"])
    assert result.exit_code == 1
    assert "start: unknown node 'missing'" in result.output
    assert _statuses(app) == {1: "published"}

    from ivr.versions import create_version

    with app.app_context():
        number = create_version(doc).number  # an admin's unfinished draft
        db.session.commit()
    result = runner.invoke(args=["menu", "publish", str(number)])
    assert result.exit_code == 1
    assert "is invalid and was not published" in result.output
    assert _statuses(app) == {1: "published", number: "draft"}
    assert "no menu version 99" in runner.invoke(args=["menu", "publish", "99"]).output

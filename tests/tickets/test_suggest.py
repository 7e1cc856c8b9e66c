"""The suggester on a table of Chinese and English transcripts (`suggest_cases.yaml`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tickets.rules import load_rules
from tickets.suggest import suggest

CASES = yaml.safe_load(Path(__file__).with_name("suggest_cases.yaml").read_text(encoding="utf-8"))


def test_the_table_covers_every_category_and_old_district() -> None:
    expected = {case["expect"].get("category") for case in CASES}
    assert {c.key for c in load_rules().categories} <= expected
    texts = "".join(case["text"] for case in CASES)
    assert all(old in texts for old in ("闸北", "卢湾", "南汇"))
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:24] for c in CASES])
def test_suggested_fields(case: dict) -> None:
    found = suggest(case["text"], case.get("lang", "zh"))
    for field, expected in case["expect"].items():
        got = found[field]
        if expected is None:
            assert got is None, (field, got)
            continue
        assert got is not None, f"no {field} suggested"
        assert str(got["value"]) == str(expected), (field, got)
        assert got["why"] or field == "priority" and expected == 0, f"{field} has no reason"


def test_every_suggestion_says_why() -> None:
    found = suggest("我在闸北的好又多超市买了过期食品，花了二百元，电话13800138000，我要投诉。")
    assert found["type"] == {"value": "complaint", "why": ["投诉"]}
    assert found["district"] == {"value": "静安", "why": ["闸北 → 静安"]}
    assert found["category"]["why"] == ["过期"] or "过期食品" in "".join(found["category"]["why"])
    assert found["amount"] == {"value": "200.00", "why": ["二百元"]}
    assert found["callback_number"]["why"] == ["13800138000"]
    assert found["priority"]["why"][0].startswith("food safety")


def test_a_repeat_caller_raises_the_priority() -> None:
    assert suggest("我要投诉", repeat_caller=True)["priority"] == {
        "value": 1,
        "why": ["repeat caller"],
    }


def test_rules_from_an_admin_folder_replace_the_shipped_ones(tmp_path: Path) -> None:
    (tmp_path / "categories.yaml").write_text(
        "categories:\n  - {key: pets, zh: 宠物, en: pets, words: [宠物店, 猫粮, pet shop]}\n",
        encoding="utf-8",
    )
    found = suggest("宠物店卖的猫粮有问题", folder=tmp_path)
    assert found["category"] == {"value": "pets", "label": "宠物", "why": ["宠物店", "猫粮"]}
    assert found["district"] is None  # the shipped districts still apply; none here


def test_folders_without_files_of_their_own_share_one_suggester(tmp_path: Path) -> None:
    """Each app's rule folder is under its storage root; one with no admin file is the shipped
    rules, so it shares the one jieba dictionary (built once per process, some 100 MB) instead
    of building another for every folder."""
    from tickets.suggest import suggester

    first, second, own = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder in (first, second, own):
        folder.mkdir()
    (own / "rules.yaml").write_text(
        (Path(__file__).resolve().parents[2] / "tickets/data/rules.yaml").read_text("utf-8"),
        encoding="utf-8",
    )
    assert suggester(first) is suggester(second) is suggester(None)
    assert suggester(own) is not suggester(None)

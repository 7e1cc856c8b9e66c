"""Menu validation finds every kind of broken document, with the path of the offending node."""

from __future__ import annotations

import copy

import pytest

from ivr.menu import InvalidMenu, load_document_text
from ivr.menu_checks import parse_document, validate_document
from ivr.versions import default_menu_text


@pytest.fixture
def doc() -> dict:
    return load_document_text(default_menu_text())


def node(doc: dict, node_id: str) -> dict:
    return next(n for n in doc["nodes"] if n["id"] == node_id)


def problems(doc: dict) -> list[str]:
    return [str(p) for p in validate_document(doc)]


def test_default_menu_is_valid(doc: dict) -> None:
    assert problems(doc) == []
    parsed = parse_document(doc)
    assert parsed.start == "welcome"
    assert {n.kind for n in parsed.nodes} >= {
        "language",
        "menu",
        "knowledge",
        "lookup",
        "transfer",
        "hours",
        "queue",
        "voicemail",
        "message",
    }


def test_unknown_target(doc: dict) -> None:
    node(doc, "complaint")["options"][0]["target"] = "nowhere"
    assert "nodes.complaint.options[0].target: unknown node 'nowhere'" in problems(doc)


def test_unreachable_node(doc: dict) -> None:
    doc["nodes"].append({"id": "orphan", "kind": "hangup"})
    assert "nodes.orphan: unreachable from the start node" in problems(doc)


def test_missing_prompt_for_a_configured_language(doc: dict) -> None:
    del node(doc, "report")["prompt"]["en-US"]
    assert "nodes.report.prompt: no prompt for en-US" in problems(doc)


def test_prompt_for_a_language_the_menu_does_not_have(doc: dict) -> None:
    node(doc, "report")["prompt"]["fr-FR"] = "Bonjour"
    assert "nodes.report.prompt.fr-FR: fr-FR is not one of the menu's languages" in problems(doc)


def test_digit_used_twice(doc: dict) -> None:
    node(doc, "main")["options"][1]["digit"] = "1"
    assert "nodes.main.options[1].digit: digit 1 is already used by options[0]" in problems(doc)


def test_menu_with_no_way_out(doc: dict) -> None:
    loop = {
        "id": "stuck",
        "kind": "menu",
        "prompt": {"zh-CN": "按1", "en-US": "Press 1"},
        "options": [{"digit": "1", "target": "stuck"}],
    }
    doc["nodes"].append(loop)
    node(doc, "main")["options"].append({"digit": "6", "target": "stuck"})
    assert (
        "nodes.stuck: menu has no way out: no option leads elsewhere and no fallback"
        in problems(doc)
    )


def test_hours_without_both_branches(doc: dict) -> None:
    del node(doc, "office_hours")["closed"]
    found = problems(doc)
    assert "nodes.office_hours.closed: an hours node needs both `open` and `closed`" in found


@pytest.mark.parametrize("number", ["12", "+86123", "call-me", "+1 (555) 010-0000x"])
def test_invalid_transfer_number(doc: dict, number: str) -> None:
    node(doc, "food_safety")["number"] = number
    assert any(p.startswith("nodes.food_safety.number:") for p in problems(doc))


@pytest.mark.parametrize("number", ["12345", "12331", "+862112345678", "+14155550123"])
def test_valid_transfer_numbers(doc: dict, number: str) -> None:
    node(doc, "food_safety")["number"] = number
    assert problems(doc) == []


def test_redirect_loop_without_caller_input(doc: dict) -> None:
    node(doc, "closed")["next"] = "office_hours"
    node(doc, "office_hours")["open"] = "closed"
    found = [p for p in problems(doc) if "redirect loop" in p]
    assert found
    assert "closed" in found[0]
    assert "office_hours" in found[0]


def test_schema_errors_carry_the_node_id(doc: dict) -> None:
    node(doc, "main")["timeout"] = 0
    node(doc, "lookup")["kind"] = "teleport"
    found = problems(doc)
    assert any(p.startswith("nodes.main.timeout:") for p in found)
    assert any(p.startswith("nodes.lookup:") and "teleport" in p for p in found)


def test_prompt_needs_exactly_one_of_say_and_play(doc: dict) -> None:
    node(doc, "main")["prompt"]["zh-CN"] = {"say": "x", "play": "https://x.example/a.mp3"}
    assert any("exactly one of `say`" in p for p in problems(doc))


def test_hours_ranges_are_checked(doc: dict) -> None:
    doc["hours"]["weekly"]["mon"] = ["17:30-08:30"]
    assert any("ends before it starts" in p for p in problems(doc))
    doc["hours"]["weekly"] = {"someday": []}
    assert any("unknown weekday" in p for p in problems(doc))


def test_parse_document_raises_with_all_problems(doc: dict) -> None:
    broken = copy.deepcopy(doc)
    broken["start"] = "nope"
    del node(broken, "report")["prompt"]["zh-CN"]
    with pytest.raises(InvalidMenu) as error:
        parse_document(broken)
    paths = {p.path for p in error.value.problems}
    assert {"start", "nodes.report.prompt"} <= paths


def test_not_yaml_at_all() -> None:
    with pytest.raises(InvalidMenu, match="not valid YAML"):
        load_document_text("nodes: [unclosed")
    with pytest.raises(InvalidMenu, match="must be a mapping"):
        load_document_text("- just\n- a list\n")

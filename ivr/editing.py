"""Changes an admin makes to a draft menu document, one at a time: add a node or an option,
replace a node (its YAML), delete a node, replace the document's settings (languages, voices,
hours and holidays, queues). Each returns a new document; validity is checked by the caller
(drafts may be invalid while work goes on; only valid ones are published)."""

from __future__ import annotations

import copy
import difflib
from typing import Any

import yaml

from hotline.core.service import ServiceError
from ivr.menu import NODE_ID, NODE_KINDS, dump_yaml

KINDS = NODE_KINDS


class EditError(ServiceError):
    """A change that cannot be applied; the message says why, `field` which input is wrong."""


def _nodes(document: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = document.get("nodes")
    if not isinstance(nodes, list):
        raise EditError("the document has no list of nodes")
    return nodes


def _find(document: dict[str, Any], node_id: str) -> dict[str, Any]:
    for node in _nodes(document):
        if isinstance(node, dict) and node.get("id") == node_id:
            return node
    raise EditError(f"no node {node_id!r}", "node")


def _mapping(text: str, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EditError(f"the {what} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise EditError(f"the {what} must be a YAML mapping")
    return data


def add_node(
    document: dict[str, Any], node_id: str, kind: str, prompts: dict[str, str], next_id: str | None
) -> dict[str, Any]:
    import re

    if not re.match(NODE_ID, node_id or ""):
        raise EditError("a node id is lower-case letters, digits, _ or -, starting with a letter")
    if kind not in KINDS:
        raise EditError(f"kind is one of {', '.join(KINDS)}")
    new = copy.deepcopy(document)
    if any(isinstance(n, dict) and n.get("id") == node_id for n in _nodes(new)):
        raise EditError(f"a node {node_id!r} exists already")
    node: dict[str, Any] = {"id": node_id, "kind": kind}
    said = {lang: text.strip() for lang, text in prompts.items() if text and text.strip()}
    if said:
        node["prompt"] = said
    if next_id:
        node["next"] = next_id
    _nodes(new).append(node)
    return new


def add_option(document: dict[str, Any], node_id: str, digit: str, target: str) -> dict[str, Any]:
    new = copy.deepcopy(document)
    node = _find(new, node_id)
    node.setdefault("options", []).append({"digit": digit, "target": target})
    return new


def set_prompt(document: dict[str, Any], node_id: str, language: str, url: str) -> dict[str, Any]:
    """Point one node's prompt in one language at recorded audio (`<Play>` of `url`)."""
    if language not in document.get("languages", []):
        raise EditError(f"{language!r} is not one of the menu's languages", "lang")
    new = copy.deepcopy(document)
    _find(new, node_id).setdefault("prompt", {})[language] = {"play": url}
    return new


def replace_node(document: dict[str, Any], node_id: str, text: str) -> dict[str, Any]:
    new = copy.deepcopy(document)
    replacement = _mapping(text, "node")
    nodes = _nodes(new)
    for index, node in enumerate(nodes):
        if isinstance(node, dict) and node.get("id") == node_id:
            nodes[index] = replacement
            return new
    raise EditError(f"no node {node_id!r}")


def delete_node(document: dict[str, Any], node_id: str) -> dict[str, Any]:
    new = copy.deepcopy(document)
    _find(new, node_id)
    new["nodes"] = [n for n in _nodes(new) if not (isinstance(n, dict) and n.get("id") == node_id)]
    return new


def settings_text(document: dict[str, Any]) -> str:
    return dump_yaml({k: v for k, v in document.items() if k != "nodes"})


def replace_settings(document: dict[str, Any], text: str) -> dict[str, Any]:
    settings = _mapping(text, "settings")
    if "nodes" in settings:
        raise EditError("edit nodes one by one, not in the settings")
    return {**settings, "nodes": copy.deepcopy(_nodes(document))}


def diff(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            dump_yaml(old).splitlines(keepends=True),
            dump_yaml(new).splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
        )
    )


def tree(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The menu as an indented tree from the start node: one row per edge, a node's children
    shown once (later visits say `seen`), unknown targets marked `missing`."""
    nodes = {n.get("id"): n for n in document.get("nodes", []) if isinstance(n, dict)}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()

    def edges(node: dict[str, Any]) -> list[tuple[str, str]]:
        found = [(f"{o.get('digit')}", o.get("target")) for o in node.get("options", []) or []]
        for key in ("next", "fallback", "overflow", "open", "closed", "survey", "voicemail"):
            if node.get(key):
                found.append((key, node[key]))
        return [(via, str(target)) for via, target in found if target]

    def visit(node_id: str, via: str, depth: int) -> None:
        node = nodes.get(node_id)
        rows.append(
            {
                "id": node_id,
                "via": via,
                "depth": depth,
                "kind": node.get("kind") if node else None,
                "missing": node is None,
                "seen": node_id in seen,
            }
        )
        if node is None or node_id in seen or depth > 30:
            return
        seen.add(node_id)
        for edge, target in edges(node):
            visit(target, edge, depth + 1)

    start = document.get("start")
    if isinstance(start, str):
        visit(start, "start", 0)
    return rows

"""The checks that decide whether a menu document may be published: the schema's errors with
readable paths, then the graph (targets, prompts per language, queues, reachability, loops).

`validate_document` never raises on bad input: it returns every problem with the path of the
node or field it concerns, e.g. `nodes.complaint.options[2].target`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import phonenumbers
from pydantic import ValidationError

from ivr.menu import (
    NODE_KINDS,
    QUEUE_NAME,
    GatherNode,
    HoursNode,
    InvalidMenu,
    KnowledgeNode,
    LanguageNode,
    MenuDocument,
    MenuNode,
    Node,
    Problem,
    QueueNode,
    SurveyNode,
    TransferNode,
)

SHORT_SERVICE_NUMBER = re.compile(r"^\d{3,6}$")  # 12345, 12331, 110 ...

#: Kinds that move on without waiting for the caller; a cycle made only of these never ends.
NO_INPUT_KINDS = frozenset({"message", "hours"})


def parse_document(data: Any) -> MenuDocument:
    """A valid MenuDocument, or InvalidMenu listing every problem with its path."""
    problems = validate_document(data)
    if problems:
        raise InvalidMenu(problems)
    return MenuDocument.model_validate(data)


def validate_document(data: Any) -> list[Problem]:
    """Every problem in `data`; an empty list means it may be published."""
    try:
        document = MenuDocument.model_validate(data)
    except ValidationError as exc:
        return [
            Problem(_schema_path(data, error["loc"]), error["msg"].removeprefix("Value error, "))
            for error in exc.errors()
        ]
    return _graph_problems(document)


def _schema_path(data: Any, loc: tuple[Any, ...]) -> str:
    """pydantic's location, with node indexes replaced by node ids where the id is known."""
    parts: list[str] = []
    items = list(loc)
    if len(items) >= 2 and items[0] == "nodes" and isinstance(items[1], int):
        node_id = None
        if isinstance(data, dict) and isinstance(data.get("nodes"), list):
            nodes = data["nodes"]
            if items[1] < len(nodes) and isinstance(nodes[items[1]], dict):
                node_id = nodes[items[1]].get("id")
        parts.append(f"nodes.{node_id}" if isinstance(node_id, str) else f"nodes[{items[1]}]")
        items = items[2:]
        if items and isinstance(items[0], str) and items[0] in NODE_KINDS:
            items = items[1:]  # the discriminator's tag, noise for a reader
    for item in items:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts) or "document"


def valid_transfer_number(number: str) -> bool:
    if SHORT_SERVICE_NUMBER.match(number):
        return True
    if not number.startswith("+"):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


def _graph_problems(doc: MenuDocument) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, int] = defaultdict(int)
    for node in doc.nodes:
        ids[node.id] += 1
    for node_id, count in ids.items():
        if count > 1:
            problems.append(Problem(f"nodes.{node_id}", f"node id used {count} times"))
    if doc.start not in ids:
        problems.append(Problem("start", f"unknown node {doc.start!r}"))
    if doc.default_language not in doc.languages:
        problems.append(
            Problem("default_language", f"{doc.default_language!r} is not in `languages`")
        )
    if doc.operator_queue and doc.operator_queue not in ids:
        problems.append(Problem("operator_queue", f"unknown node {doc.operator_queue!r}"))

    for node in doc.nodes:
        path = f"nodes.{node.id}"
        for field, target in node.targets():
            if target not in ids:
                problems.append(Problem(f"{path}.{field}", f"unknown node {target!r}"))
        if node.needs_prompt:
            for lang in doc.languages:
                if lang not in node.prompt:
                    problems.append(Problem(f"{path}.prompt", f"no prompt for {lang}"))
        problems.extend(_kind_problems(doc, node, path))

    problems.extend(_queue_problems(doc, ids))
    problems.extend(_reachability(doc, ids))
    problems.extend(_redirect_loops(doc, ids))
    return problems


def _queue_problems(doc: MenuDocument, ids: dict[str, int]) -> list[Problem]:
    problems = []
    for name, config in doc.queues.items():
        path = f"queues.{name}"
        if not re.match(QUEUE_NAME, name):
            problems.append(Problem(path, "a queue name is 1 to 48 letters, digits, _ or -"))
        if config.overflow and config.overflow not in ids:
            problems.append(Problem(f"{path}.overflow", f"unknown node {config.overflow!r}"))
        for lang in config.languages:
            if lang not in doc.languages:
                problems.append(
                    Problem(f"{path}.languages", f"{lang} is not one of the menu's languages")
                )
    for node in doc.nodes:
        if not isinstance(node, QueueNode):
            continue
        path = f"nodes.{node.id}"
        if node.queue not in doc.queues:
            problems.append(
                Problem(f"{path}.queue", f"queue {node.queue!r} is not configured under `queues`")
            )
        if node.survey and not isinstance(doc.node(node.survey), SurveyNode):
            problems.append(Problem(f"{path}.survey", f"{node.survey!r} is not a survey node"))
        if not node.overflow and not doc.queue(node.queue).overflow:
            problems.append(
                Problem(f"{path}.overflow", "a queue node needs an overflow (here or on its queue)")
            )
    return problems


def _kind_problems(doc: MenuDocument, node: Node, path: str) -> list[Problem]:
    problems = []
    if isinstance(node, GatherNode):
        seen: dict[str, int] = {}
        for i, option in enumerate(node.options):
            if option.digit in seen:
                problems.append(
                    Problem(
                        f"{path}.options[{i}].digit",
                        f"digit {option.digit} is already used by options[{seen[option.digit]}]",
                    )
                )
            seen.setdefault(option.digit, i)
        if isinstance(node, MenuNode):
            exits = [o for o in node.options if o.target != node.id]
            if not exits and not node.fallback:
                problems.append(
                    Problem(path, "menu has no way out: no option leads elsewhere and no fallback")
                )
            if "*" in seen:
                problems.append(Problem(f"{path}.options", "* is reserved for repeating the menu"))
        if isinstance(node, LanguageNode):
            for i, option in enumerate(node.options):
                if option.language not in doc.languages:
                    problems.append(
                        Problem(
                            f"{path}.options[{i}].language",
                            f"{option.language!r} is not one of the menu's languages",
                        )
                    )
            if not node.options:
                problems.append(Problem(path, "a language node needs at least one option"))
        if isinstance(node, KnowledgeNode):
            for i, option in enumerate(node.options):
                for lang in doc.languages:
                    if lang not in option.prompt:
                        problems.append(
                            Problem(f"{path}.options[{i}].prompt", f"no answer for {lang}")
                        )
    if isinstance(node, HoursNode):
        for branch in ("open", "closed"):
            if not getattr(node, branch):
                problems.append(
                    Problem(f"{path}.{branch}", "an hours node needs both `open` and `closed`")
                )
    if isinstance(node, TransferNode):
        if not valid_transfer_number(node.number):
            problems.append(
                Problem(
                    f"{path}.number", f"{node.number!r} is not an E.164 number or a service number"
                )
            )
        if node.caller_id not in ("caller", "hotline") and not valid_transfer_number(
            node.caller_id
        ):
            problems.append(
                Problem(
                    f"{path}.caller_id",
                    f"{node.caller_id!r} is not `caller`, `hotline` or a number",
                )
            )
    for lang in node.prompt:
        if lang not in doc.languages:
            problems.append(
                Problem(f"{path}.prompt.{lang}", f"{lang} is not one of the menu's languages")
            )
    return problems


def _edges(doc: MenuDocument, ids: dict[str, int]) -> dict[str, list[str]]:
    edges = {n.id: [t for _, t in n.targets() if t in ids] for n in doc.nodes}
    for node in doc.nodes:
        overflow = doc.queue(node.queue).overflow if isinstance(node, QueueNode) else None
        if overflow in ids:
            edges[node.id].append(overflow)
    if doc.operator_queue and doc.operator_queue in ids:
        for node in doc.nodes:
            if isinstance(node, MenuNode):
                edges[node.id].append(doc.operator_queue)
    return edges


def _reachability(doc: MenuDocument, ids: dict[str, int]) -> list[Problem]:
    if doc.start not in ids:
        return []
    edges = _edges(doc, ids)
    seen, stack = {doc.start}, [doc.start]
    while stack:
        for target in edges[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return [
        Problem(f"nodes.{n.id}", "unreachable from the start node")
        for n in doc.nodes
        if n.id not in seen
    ]


def _redirect_loops(doc: MenuDocument, ids: dict[str, int]) -> list[Problem]:
    """Cycles made only of nodes that move on by themselves: the call would loop forever."""
    auto = {n.id for n in doc.nodes if n.kind in NO_INPUT_KINDS}
    edges = {k: [t for t in v if t in auto] for k, v in _edges(doc, ids).items() if k in auto}
    problems, state = [], dict.fromkeys(auto, 0)  # 0 new, 1 on the stack, 2 done

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = 1
        trail.append(node_id)
        for target in edges[node_id]:
            if state[target] == 1:
                loop = trail[trail.index(target) :] + [target]
                problems.append(
                    Problem(
                        f"nodes.{target}", "redirect loop with no caller input: " + " → ".join(loop)
                    )
                )
            elif state[target] == 0:
                visit(target, trail)
        trail.pop()
        state[node_id] = 2

    for node_id in sorted(auto):
        if state[node_id] == 0:
            visit(node_id, [])
    return problems

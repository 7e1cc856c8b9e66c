"""An admin's view of a menu version without a phone: the TwiML of any node in any language,
and a walk-through that follows key presses through the menu (nothing is recorded)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from hotline.core.db import db, utcnow
from ivr import engine
from ivr.calls import CallRef
from ivr.menu import MenuDocument

PREVIEW_CALLER = "+8613800000000"


def _step(doc: MenuDocument, number: int, language: str, params: dict[str, str]) -> engine.Step:
    from hotline.core.clock import now

    call = CallRef(
        id=0,
        call_sid="CA" + "0" * 32,
        from_number=PREVIEW_CALLER,
        language=language,
        menu_version_id=None,
        status="in-progress",
        started_at=utcnow(),
    )
    lang = language if language in doc.languages else doc.default_language
    return engine.Step(
        doc=doc, version=number, call=call, language=lang, params=params, now=now, dry_run=True
    )


def preview(doc: MenuDocument, number: int, node_id: str, language: str) -> str:
    """The TwiML a caller gets on entering `node_id` (engine.UnknownNode if there is none)."""
    step = _step(doc, number, language, {"From": PREVIEW_CALLER})
    try:
        return str(step.enter(node_id))
    finally:
        db.session.rollback()


@dataclass
class Stop:
    keys: str | None
    nodes: list[str]
    says: list[str]
    verbs: list[str]
    twiml: str


@dataclass
class Walk:
    stops: list[Stop] = field(default_factory=list)
    ended: str = ""


def walk(doc: MenuDocument, number: int, keys: list[str], language: str) -> Walk:
    """From the start node, press each of `keys` at the menu's next Gather; what is heard."""
    result = Walk()
    step = _step(doc, number, language, {"From": PREVIEW_CALLER})
    try:
        response = step.enter(doc.start)
        result.stops.append(_stop(None, step, response))
        for key in keys:
            root = ET.fromstring(str(response))  # noqa: S314 (TwiML we just built)
            gather = root.find("Gather")
            if gather is None:
                result.ended = "the call left the menu (no more key presses are asked for)"
                break
            action = urlsplit(gather.get("action", ""))
            node_id = action.path.split("/")[4]
            query = {k: v[0] for k, v in parse_qs(action.query).items()}
            language = query.get("lang", step.language)
            step = _step(doc, number, language, {"From": PREVIEW_CALLER, "Digits": key})
            step.query = query
            attempt = int(query.get("attempt", "1")) if query.get("attempt", "1").isdigit() else 1
            response = step.handle_input(node_id, attempt)
            result.stops.append(_stop(key, step, response))
        return result
    finally:
        db.session.rollback()


def _stop(key: str | None, step: engine.Step, response: object) -> Stop:
    root = ET.fromstring(str(response))  # noqa: S314 (TwiML we just built)
    return Stop(
        keys=key,
        nodes=list(step.path),
        says=[el.text or "" for el in root.iter("Say")],
        verbs=[el.tag for el in root],
        twiml=str(response),
    )

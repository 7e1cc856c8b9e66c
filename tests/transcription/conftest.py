"""Transcription fixtures: settings with the packaged Korean model as the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.core.settings import Settings, load_settings


@pytest.fixture
def ko_settings(tmp_path: Path) -> Settings:
    """Settings with the packaged Korean model as the default and an empty storage root."""
    return load_settings(
        hotline_env="testing",
        storage_root=tmp_path / "storage",
        twilio_auth_token="t",
        secret_key="s",
        default_language="ko",
    )

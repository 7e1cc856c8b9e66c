"""Recordings on Twilio's media server, fetched and kept by the hotline: download with the
account's credentials and retries, store under the storage root by content hash, delete from
Twilio, delete the local copy. Shared by voicemails and the desk's recorded calls; it knows
neither (it takes URLs, sids and paths)."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException
from urllib3.util.retry import Retry

from hotline.core.settings import Settings
from hotline.core.twilio_rest import rest_client

log = logging.getLogger(__name__)

AUDIO_TYPES = ("audio/", "application/octet-stream")
CHUNK = 1 << 16
#: The folder under the storage root that voicemails are stored in.
VOICEMAIL_FOLDER = "recordings"


class PermanentFailure(Exception):
    """Retrying cannot help (the recording is not audio, too large, undecodable ...)."""


@dataclass(frozen=True)
class StoredAudio:
    #: The path under the storage root (POSIX), e.g. `recordings/ab/ab12….wav`.
    relative: str
    sha256: str
    size: int


def http_session() -> requests.Session:
    """A session that retries connection faults and 5xx answers with backoff (GET only)."""
    retry = Retry(
        total=4,
        connect=3,
        read=2,
        status=3,
        backoff_factor=0.3,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def media_url(recording_url: str) -> str:
    """Twilio serves the recording as WAV when `.wav` is appended to RecordingUrl."""
    return recording_url if recording_url.endswith((".wav", ".mp3")) else recording_url + ".wav"


def download(recording_url: str, config: Settings, folder: str = VOICEMAIL_FOLDER) -> StoredAudio:
    """Fetch a recording (basic auth with the account's credentials) into `folder` under the
    storage root. 401/403, a body that is not audio, an empty or too large one raise
    PermanentFailure; 404 and 5xx (after urllib3's retries) raise for RQ's Retry."""
    limit = config.recording_max_mb * 1024 * 1024
    with (
        http_session() as session,
        session.get(
            media_url(recording_url),
            auth=(config.twilio_account_sid, config.twilio_auth_token),
            stream=True,
            timeout=(5, config.recording_download_timeout),
        ) as response,
    ):
        if response.status_code in (401, 403):
            raise PermanentFailure(
                f"download refused with HTTP {response.status_code}: check "
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, then retry"
            )
        response.raise_for_status()
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not kind.startswith(AUDIO_TYPES):
            raise PermanentFailure(
                f"the recording URL returned {kind or 'no content type'}, not audio"
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PermanentFailure(
                f"recording is {int(declared) / 1e6:.0f} MB, over the "
                f"{config.recording_max_mb} MB limit (RECORDING_MAX_MB)"
            )
        return store(response, config.storage_root, folder, limit, config.recording_max_mb)


def store(
    response: requests.Response, root: Path, folder: str, limit: int, limit_mb: int
) -> StoredAudio:
    """Stream the body to a temporary file, then move it to its content-addressed place."""
    target = root / folder
    target.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, tmp_name = tempfile.mkstemp(dir=target, prefix=".download-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PermanentFailure(
                        f"recording is over the {limit_mb} MB limit (RECORDING_MAX_MB)"
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise PermanentFailure("the recording URL returned an empty body")
        hexdigest = digest.hexdigest()
        relative = Path(folder) / hexdigest[:2] / f"{hexdigest}.wav"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_name, root / relative)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return StoredAudio(relative.as_posix(), hexdigest, size)


def delete_from_twilio(config: Settings, recording_sid: str) -> bool:
    """Delete the recording from Twilio once it is stored here; a failure is logged, not
    raised (the local copy is what counts). True if Twilio accepted the deletion."""
    try:
        rest_client(config).api.v2010.account.recordings(recording_sid).delete()
    except (TwilioException, requests.RequestException) as exc:
        log.warning("recording %s stored but not deleted from Twilio: %s", recording_sid, exc)
        return False
    return True


def delete_local(root: Path, relative: str) -> None:
    """Remove a stored recording (the caller has made sure no other row still uses it)."""
    (root / relative).unlink(missing_ok=True)


def stored_file(root: Path, relative: str | None) -> Path | None:
    """The stored recording's file for serving, or None when it is gone or outside the root."""
    if not relative:
        return None
    resolved_root = root.resolve()
    path = (resolved_root / relative).resolve()
    if resolved_root not in path.parents or not path.is_file():
        return None
    return path

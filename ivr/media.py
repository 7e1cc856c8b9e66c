"""`/media/prompts/<name>.wav`: recorded prompts for Twilio's `<Play>` — public (Twilio fetches
them without credentials), unguessable names, cached for a year (a new upload is a new name)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from ivr import prompts

bp = Blueprint("media", __name__, url_prefix="/media")


@bp.get("/prompts/<name>")
def prompt(name: str) -> Response:
    path = prompts.path_of(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=365 * 86400)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

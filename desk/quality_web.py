"""The supervisors' quality review page (质检): a sample of each operator's recorded calls of a
period with a player, and the score form (1–5, a checklist, a note). Scoring is
`desk.quality.review_recording`'s; what it refuses is said beside the field, the input kept.
The audio route checks the login and serves byte ranges."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user

from desk.quality import (
    CHECKLIST,
    DEFAULT_PER_OPERATOR,
    QualityError,
    get_listed,
    local_days,
    recent_days,
    review_recording,
    sample,
)
from hotline.core.auth import roles_required
from hotline.core.models import Role
from hotline.core.service import NotFoundError, ServiceError
from tickets.privacy import mask_number
from voicemail.review import audio_response

bp = Blueprint("quality", __name__, url_prefix="/quality", template_folder="templates")

SUPERVISORS = (Role.manager, Role.admin)
CHECKLIST_WORDS = {
    "greeting": lazy_gettext("Greeted the caller"),
    "need": lazy_gettext("Identified the need"),
    "information": lazy_gettext("Gave correct information"),
    "courtesy": lazy_gettext("Was courteous"),
    "registered": lazy_gettext("Registered it correctly"),
    "closing": lazy_gettext("Closed the call properly"),
}


@bp.context_processor
def _words() -> dict[str, Any]:
    return {"CHECKLIST": CHECKLIST, "CHECKLIST_WORDS": CHECKLIST_WORDS, "mask_number": mask_number}


def _day(name: str, default: date, errors: dict[str, str]) -> date:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Enter a date like 2026-11-23.")
        return default


@bp.get("")
@roles_required(*SUPERVISORS)
def index() -> tuple[str, int]:
    """Per operator, the recorded calls of the period still to review, and those reviewed."""
    errors: dict[str, str] = {}
    first_default, last_default = recent_days()
    first = _day("from", first_default, errors)
    last = _day("to", last_default, errors)
    if not errors and first > last:
        errors["to"] = _("The last day comes before the first.")
    if errors:
        first, last = first_default, last_default
    per = request.args.get("per", "")
    per_operator = int(per) if per.isdigit() and 1 <= int(per) <= 50 else DEFAULT_PER_OPERATOR
    start, end = local_days(first, last)
    page = render_template(
        "quality/index.html",
        samples=sample(start, end, per_operator),
        first=first,
        last=last,
        per_operator=per_operator,
        errors=errors,
        args=request.args,
    )
    return page, 400 if errors else 200


def _score_page(recording_id: int, errors: dict[str, str] | None = None, form: Any = None) -> str:
    try:
        item = get_listed(recording_id)
    except NotFoundError:
        abort(404)
    review = item.review
    if form is not None:
        values = {
            "score": form.get("score", ""),
            "note": form.get("note", ""),
            **{name: form.get(name, "") for name in CHECKLIST},
        }
    else:
        checklist = review.checklist if review else {}
        values = {
            "score": str(review.score) if review else "",
            "note": review.note if review else "",
            **{
                name: ("yes" if checklist[name] else "no") if name in checklist else ""
                for name in CHECKLIST
            },
        }
    return render_template("quality/score.html", item=item, values=values, errors=errors or {})


@bp.get("/recordings/<int:recording_id>")
@roles_required(*SUPERVISORS)
def score(recording_id: int) -> str:
    """Listen to one recorded call and score it (again)."""
    return _score_page(recording_id)


@bp.post("/recordings/<int:recording_id>")
@roles_required(*SUPERVISORS)
def save_score(recording_id: int) -> Response | tuple[str, int]:
    """Save the score; a refused one is shown again with the messages beside the fields."""
    form = request.form
    data = {
        "score": form.get("score", ""),
        "checklist": {name: form.get(name, "") for name in CHECKLIST},
        "note": form.get("note", ""),
    }
    try:
        review_recording(current_user, recording_id, data)
    except NotFoundError:
        abort(404)
    except QualityError as exc:
        errors = {key.removeprefix("checklist."): value for key, value in exc.errors.items()}
        return _score_page(recording_id, errors, form), 400
    except ServiceError as exc:
        return _score_page(recording_id, {"": str(exc)}, form), 400
    flash(_("Review saved."))
    return redirect(url_for("quality.index"))


@bp.get("/recordings/<int:recording_id>/audio")
@roles_required(*SUPERVISORS)
def audio(recording_id: int) -> Response:
    """The stored recording, for supervisors; byte ranges for seeking."""
    try:
        item = get_listed(recording_id)
    except NotFoundError:
        abort(404)
    if item.recording.audio_deleted_at is not None:
        abort(404)
    return audio_response(item.recording.audio_path)

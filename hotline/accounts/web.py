"""The admins' account pages: users with their roles (create, change role, disable or enable,
reset the password, issue an API token — e.g. for a partner hotline), and the configuration in
effect (read-only: it comes from the environment). Every change is audit-logged."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.accounts.service import AccountError, create_user, issue_token
from hotline.core.audit import record
from hotline.core.auth import admin_required
from hotline.core.db import db
from hotline.core.models import Role, User

bp = Blueprint("admin_users", __name__, url_prefix="/admin")


def audit(action: str, target: str, **data: Any) -> None:
    record(current_user, action, target, **data)
    db.session.commit()


@bp.get("/users")
@admin_required
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    settings = current_app.config["HOTLINE_SETTINGS"]
    configuration = {
        "AUDIO_RETENTION_DAYS": settings.audio_retention_days,
        "TICKET_DUE_DAYS": settings.ticket_due_days,
        "REPEAT_CALLER_COUNT": settings.repeat_caller_count,
        "REPEAT_CALLER_DAYS": settings.repeat_caller_days,
        "TIMEZONE": settings.timezone,
        "SMS_NOTIFICATIONS": settings.sms_notifications,
    }
    return render_template(
        "admin/users.html", users=rows, roles=[r.value for r in Role], configuration=configuration
    )


@bp.post("/users")
@admin_required
def new_user() -> Response:
    form = request.form
    password = form.get("password") or secrets.token_urlsafe(12)
    try:
        user = create_user(
            form.get("username", ""),
            form.get("role", ""),
            password,
            form.get("display_name", ""),
            form.get("phone") or None,
        )
    except AccountError as exc:
        flash(str(exc))
        return redirect(url_for("admin_users.users"))
    user.language = form.get("language") if form.get("language") in ("zh-CN", "en-US") else "zh-CN"
    audit("user.created", f"user:{user.username}", role=user.role)
    flash(
        _(
            "Created %(username)s; password %(password)s.",
            username=user.username,
            password=password if not form.get("password") else "***",
        )
    )
    return redirect(url_for("admin_users.users"))


@bp.post("/users/<username>")
@admin_required
def change_user(username: str) -> Response:
    user = db.session.scalar(select(User).where(User.username == username[:80]))
    if user is None:
        abort(404)
    action = request.form.get("action", "")
    if user.id == current_user.id and action in ("disable", "role"):
        flash(_("You cannot disable yourself or change your own role."))
        return redirect(url_for("admin_users.users"))
    if action == "disable":
        user.active = False
    elif action == "enable":
        user.active = True
    elif action == "role" and request.form.get("role") in Role.__members__:
        user.role = request.form["role"]
    elif action == "password":
        password = secrets.token_urlsafe(12)
        user.password_hash = generate_password_hash(password)
        flash(
            _(
                "New password for %(username)s: %(password)s",
                username=user.username,
                password=password,
            )
        )
    elif action == "token":
        try:
            issued = issue_token(user.username, request.form.get("name") or "api")
        except AccountError as exc:
            flash(str(exc))
            return redirect(url_for("admin_users.users"))
        flash(
            _(
                "Token for %(username)s (shown only now): %(token)s",
                username=user.username,
                token=issued.token,
            )
        )
    else:
        abort(400)
    audit(f"user.{action}", f"user:{user.username}", role=user.role, active=user.active)
    return redirect(url_for("admin_users.users"))

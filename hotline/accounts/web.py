"""The admins' account pages: users with their roles (create, change role, disable or enable,
reset the password, issue an API token — e.g. for a partner hotline), and the configuration in
effect (read-only: it comes from the environment). The changes are `hotline.accounts.service`'s
(audit-logged there); a refused one is said beside its field."""

from __future__ import annotations

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
from pydantic import ValidationError
from sqlalchemy import select

from hotline.accounts import service
from hotline.accounts.service import AccountError, NewToken, NewUser, SelfLockout, UserChange
from hotline.core.auth import admin_required
from hotline.core.db import db
from hotline.core.models import Role, User
from hotline.core.service import field_errors, filled_in

bp = Blueprint("admin_users", __name__, url_prefix="/admin")

#: The buttons of a user's row, as the change each one asks for.
ACTIONS = {
    "disable": {"active": False},
    "enable": {"active": True},
    "password": {"reset_password": True},
}


def _page(
    status: int = 200,
    new_errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    row_errors: dict[str, dict[str, str]] | None = None,
) -> tuple[str, int]:
    """The users page; a refused new user's errors beside its fields (its input kept), or a
    refused change's beside its row (`row_errors[username][field]`)."""
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
    page = render_template(
        "admin/users.html",
        users=rows,
        roles=[r.value for r in Role],
        configuration=configuration,
        new_errors=new_errors or {},
        values=values or {},
        row_errors=row_errors or {},
    )
    return page, status


@bp.get("/users")
@admin_required
def users() -> tuple[str, int]:
    return _page()


@bp.post("/users")
@admin_required
def new_user() -> Response | tuple[str, int]:
    """Create a user (a generated password is shown once)."""
    values = filled_in(
        request.form, "username", "role", "password", "display_name", "phone", "language"
    )
    try:
        account = service.create_user(current_user, NewUser.model_validate(values))
    except (ValidationError, AccountError) as exc:
        return _page(400, new_errors=field_errors(exc), values=values)
    flash(
        _(
            "Created %(username)s; password %(password)s.",
            username=account.user.username,
            password=account.password or "***",
        )
    )
    return redirect(url_for("admin_users.users"))


@bp.post("/users/<username>")
@admin_required
def change_user(username: str) -> Response | tuple[str, int]:
    """One button of a user's row: role, disable / enable, a new password, a token."""
    action = request.form.get("action", "")
    try:
        if action == "token":
            issued = service.issue_token(
                current_user, username, NewToken.model_validate(filled_in(request.form, "name"))
            )
            flash(
                _(
                    "Token for %(username)s (shown only now): %(token)s",
                    username=issued.record.user.username,
                    token=issued.token,
                )
            )
            return redirect(url_for("admin_users.users"))
        if action == "role":
            change = UserChange.model_validate(filled_in(request.form, "role"))
        elif action in ACTIONS:
            change = UserChange.model_validate(ACTIONS[action])
        else:
            abort(400)
        account = service.change_user(current_user, username, change)
    except service.NoSuchUser:
        abort(404)
    except SelfLockout as exc:
        message = _("You cannot disable yourself or change your own role.")
        return _page(400, row_errors={username: {exc.field or "": message}})
    except (ValidationError, AccountError) as exc:
        return _page(400, row_errors={username: field_errors(exc)})
    if account.password:
        flash(
            _(
                "New password for %(username)s: %(password)s",
                username=account.user.username,
                password=account.password,
            )
        )
    return redirect(url_for("admin_users.users"))

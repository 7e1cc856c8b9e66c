"""Logging in to the web UI: Flask-Login sessions, CSRF on every form (Flask-WTF), a limit on
failed logins (Flask-Limiter), secure session cookies, and the session renewed at login.

Webhooks (`/twilio/...`) are signed by Twilio and the JSON API uses bearer tokens, so both are
exempt from CSRF; every other POST needs the form's token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import CSRFProtect
from sqlalchemy import select
from werkzeug.security import check_password_hash

from hotline.core.audit import record
from hotline.core.db import db
from hotline.core.i18n import LANGUAGES
from hotline.core.models import Role, User
from hotline.core.nul import MESSAGE as NUL_MESSAGE
from hotline.core.nul import field_with_nul

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A page for logged-in users with one of `roles` (others get 403). The view is marked
    with its roles, so a test can find every admin-only page."""
    allowed = {role.value for role in roles}

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @login_required
        def checked(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        checked.hotline_roles = allowed  # type: ignore[attr-defined]
        return checked

    return decorate


#: Failed logins from one address before it must wait.
LOGIN_LIMIT = "10 per 15 minutes"


#: Logged in, and an admin; others get 403.
admin_required = roles_required(Role.admin)


class WebUser:
    """The logged-in user as Flask-Login sees it (a thin wrapper over the row)."""

    def __init__(self, user: User) -> None:
        self.row = user
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.language = user.language
        self.display_name = user.display_name or user.username
        self.is_authenticated = True
        self.is_active = user.active
        self.is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


@login_manager.user_loader
def _load(user_id: str) -> WebUser | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return WebUser(user) if user is not None and user.active else None


def init_app(app: Flask, settings: object) -> None:
    production = getattr(settings, "is_production", False)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=production,
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    queues = app.extensions.get("hotline.queues")
    embedded = queues is None or queues.embedded
    app.config["RATELIMIT_STORAGE_URI"] = "memory://" if embedded else settings.redis_url
    app.config["RATELIMIT_KEY_PREFIX"] = "hotline-limits"
    limiter.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_refuse_nul_on_pages)


def _refuse_nul_on_pages() -> None:
    """A page's query or form text with a NUL character: 400 naming the field (the API answers
    in JSON by itself; Twilio's webhooks answer TwiML by themselves)."""
    if request.path.startswith(("/twilio/", "/api/")):
        return
    field = field_with_nul()
    if field is not None:
        abort(400, description=f"`{field}` {NUL_MESSAGE}")


def _safe_next(target: str | None) -> str:
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("tickets_web.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_LIMIT,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
    error_message=lambda: _("Too many failed logins. Please try again later."),
)
def login() -> Response | str:
    if request.method == "GET":
        return render_template("login.html", error=None)
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")
    user = db.session.scalar(select(User).where(User.username == username))
    ok = bool(
        user
        and user.active
        and user.password_hash
        and check_password_hash(user.password_hash, password)
    )
    record(user or username or "?", "web.login" if ok else "web.login_failed")
    db.session.commit()
    if not ok:
        return render_template("login.html", error=_("Wrong user name or password.")), 401
    language = session.get("lang")
    session.clear()  # a new session at login: nothing from before survives (fixation)
    if language:
        session["lang"] = language
    login_user(WebUser(user))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/language/<lang>")
def choose_language(lang: str) -> Response:
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(
        _safe_next(request.args.get("next"))
        if current_user.is_authenticated
        else url_for("auth.login")
    )

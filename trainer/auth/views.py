"""Signing in and out, and the signed-in person's own account."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from werkzeug.wrappers import Response

from ..extensions import limiter
from .access import any_signed_in, public
from .forms import ChangePasswordForm, LoginForm, PreferencesForm
from .services import (
    AccountError,
    authenticate,
    change_password,
    end_sessions,
    normalise_email,
    record_lockout,
    set_preferences,
)

bp = Blueprint("auth", __name__, template_folder="templates")


def _start_session() -> None:
    # Permanent: the cookie's signed timestamp then expires it after the idle lifetime, and
    # the server refuses an older one even if a browser (or a thief) keeps sending it.
    session.permanent = True
    session["signed_in_at"] = int(time.time())


@user_loaded_from_cookie.connect
def _remembered(_app: Any, user: Any = None) -> None:
    _start_session()  # a remember-me sign-in is a new session with its own lifetimes


@bp.before_app_request
def _end_old_sessions() -> Response | None:
    """A session older than the absolute lifetime ends, however busy it has been."""
    # Only the session's own timestamp is read: this runs on every request, static files too,
    # and must not load the user from the database to decide.
    started = session.get("signed_in_at")
    limit = int(current_app.config["TRAINER_SESSION_MAX_HOURS"]) * 3600
    if started is None or time.time() - started <= limit:
        return None
    lang = session.get("lang")
    session.clear()  # a remember-me cookie, if the person chose one, starts a new session
    if lang:
        session["lang"] = lang
    flash(_("Your session has ended; please sign in again."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _login_limit() -> str:
    return str(current_app.config["TRAINER_LOGIN_RATE_LIMIT"])


def _login_account_key() -> str:
    return "login-account:" + normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login is a phishing gift."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=_login_account_key,
    on_breach=lambda _limit: record_lockout(request.form.get("email", ""), request.remote_addr),
)
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr
            )
        except AccountError as exc:
            error = str(exc.message)
        else:
            lang = session.get("lang")
            session.clear()  # a new session at sign-in: nothing set before it carries over
            if lang:
                session["lang"] = lang
            login_user(user, remember=bool(form.remember.data))
            _start_session()
            if user.locale:
                session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    if current_user.is_authenticated:
        # Copies of the session or remember-me cookie taken before now must not open the
        # site again: they carry the old session version, which the user loader refuses.
        end_sessions(current_user)
    lang = session.get("lang")
    session.clear()
    logout_user()  # after clearing: it leaves the note that deletes the remember-me cookie
    if lang:
        session["lang"] = lang  # the reader's language outlives the account's session
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@any_signed_in
def account() -> str | Response:
    password_form = ChangePasswordForm(prefix="pw")
    prefs_form = PreferencesForm(
        prefix="prefs",
        data={"locale": current_user.locale or "", "timezone": current_user.timezone},
    )
    if "pw-current" in request.form and password_form.validate_on_submit():
        try:
            change_password(
                current_user, password_form.current.data or "", password_form.new.data or ""
            )
        except AccountError as exc:
            password_form.current.errors = [str(exc.message)]
        else:
            # The session must carry the new session version; pass the user, not the proxy.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    elif "prefs-timezone" in request.form and prefs_form.validate_on_submit():
        try:
            set_preferences(
                current_user, prefs_form.locale.data or None, prefs_form.timezone.data or ""
            )
        except AccountError as exc:
            prefs_form.timezone.errors = [str(exc.message)]
        else:
            if current_user.locale:
                session["lang"] = current_user.locale
            flash(_("Your preferences have been saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form, prefs_form=prefs_form)

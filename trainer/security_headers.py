"""Response headers that hold on every page: a strict Content-Security-Policy and its friends.

Flask-Talisman sets them; this module only says which. Scripts come from our own static files
only (no inline script, no `on*=` handler: a test keeps it so). Inline *style attributes* stay
allowed through `style-src-attr`, because progress bars and chart widths are data-driven
`style="width: …"` values; stylesheets themselves must come from our origin.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app: Flask) -> None:
    production = app.config.get("TRAINER_ENV") == "production" and not app.config.get("TESTING")
    talisman.init_app(
        app,
        # TLS ends at the proxy in front of us; redirecting here would loop behind it.
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # The cookie flags are config's decision (secure in production, plain http locally).
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
    app.after_request(_no_store_personal_pages)


def _no_store_personal_pages(response: Response) -> Response:
    """A signed-in page or an API answer holds personal data: no cache may keep it."""
    if request.endpoint == "static":
        return response
    if request.path.startswith("/api/") or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response

"""Error pages in the reader's language; the 500 handler rolls back what the request began."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page(status: int, title: str, message: str) -> tuple[str | Response, int]:
    if _wants_json():
        response = jsonify(type="about:blank", title=title, status=status, detail=message)
        response.mimetype = "application/problem+json"
        return response, status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.teardown_request
    def close_uploads(error: BaseException | None) -> None:
        # Large uploads are spooled to temporary files; close them whatever the view did (or
        # failed to do), without parsing a form nobody read.
        for upload in (request.__dict__.get("files") or {}).values():
            upload.close()

    @app.errorhandler(400)
    def bad_request(error: HTTPException) -> tuple[str | Response, int]:
        return _page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str | Response, int]:
        return _page(
            400,
            _("The form has expired"),
            _("Please go back, reload the page and send the form again."),
        )

    @app.errorhandler(403)
    def forbidden(error: HTTPException) -> tuple[str | Response, int]:
        return _page(
            403,
            _("Not allowed"),
            _(
                "Your account does not have access to this page. "
                "If you think it should, ask your administrator."
            ),
        )

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> tuple[str | Response, int]:
        return _page(404, _("Page not found"), _("There is nothing at this address."))

    @app.errorhandler(405)
    def not_allowed(error: HTTPException) -> tuple[str | Response, int, dict[str, str]]:
        # RFC 9110 requires a 405 to say which methods the address does accept.
        methods = getattr(error, "valid_methods", None) or []
        body, status = _page(
            405, _("Not allowed"), _("This address does not accept that kind of request.")
        )
        return body, status, {"Allow": ", ".join(sorted(methods))}

    @app.errorhandler(413)
    def too_large(error: HTTPException) -> tuple[str | Response, int]:
        return _page(413, _("File too large"), _("The file is larger than this form accepts."))

    @app.errorhandler(429)
    def too_many(error: HTTPException) -> tuple[str | Response, int]:
        return _page(
            429,
            _("Too many attempts"),
            _("There have been too many attempts in a short time. Wait a minute, then try again."),
        )

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str | Response, int]:
        db.session.rollback()
        return _page(
            500,
            _("Something went wrong"),
            _(
                "The error has been logged and nothing you sent was half-saved. "
                "Please try again in a moment."
            ),
        )

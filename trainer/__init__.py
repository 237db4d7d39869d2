"""Service Trainer (客服训练平台): the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings
from .extensions import csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_mapping(settings.from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    settings.finalise(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config.get("TRAINER_PROXY_COUNT"):
        # Behind nginx or another proxy: take the client's address from X-Forwarded-For, so
        # the per-address login limit and the logs see people, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRAINER_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)

    from . import bounded_ints, errors, i18n, security_headers, templating

    bounded_ints.init_app(app)
    security_headers.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from .api import bp as api_bp
    from .api.views import tokens_bp
    from .assignments import bp as assignments_bp
    from .auth import admin_bp
    from .auth import bp as auth_bp
    from .authoring import bp as authoring_bp
    from .calibration import bp as calibration_bp
    from .certification import bp as certification_bp
    from .competency import bp as competency_bp
    from .home import bp as home_bp
    from .inbox import bp as inbox_bp
    from .lessons import bp as lessons_bp
    from .qa import bp as qa_bp
    from .quizzes import bp as quizzes_bp
    from .roleplay import bp as roleplay_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(competency_bp)
    app.register_blueprint(certification_bp)
    app.register_blueprint(assignments_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(calibration_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(lessons_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(roleplay_bp)
    app.register_blueprint(qa_bp)

    from .competency import recommend
    from .lessons.services import suggest_lessons
    from .quizzes.services import suggest_quizzes
    from .roleplay.services import suggest_scenarios

    for suggester in (suggest_lessons, suggest_quizzes, suggest_scenarios):
        recommend.register(suggester)

    from .certification import requirements
    from .quizzes.services import best_quiz_results, quiz_titles
    from .roleplay.services import best_clean_scores, scenario_titles

    requirements.register("quiz", best_quiz_results)
    requirements.register("roleplay", best_clean_scores)
    requirements.register_names("quiz", quiz_titles)
    requirements.register_names("roleplay", scenario_titles)

    from .cli import register

    register(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from .auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.request_loader
    def load_from_token(request: Any) -> User | None:
        """API calls carry a bearer token instead of a session."""
        header = request.headers.get("Authorization", "")
        if not request.path.startswith("/api/") or not header.startswith("Bearer "):
            return None
        from .api.services import user_for

        return user_for(header[len("Bearer ") :].strip())

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        from flask import jsonify, redirect, request, url_for

        if request.path.startswith("/api/"):
            response = jsonify(
                type="about:blank",
                title="Unauthorized",
                status=401,
                detail="Send a valid token as 'Authorization: Bearer <token>'.",
            )
            response.status_code = 401
            response.mimetype = "application/problem+json"
            # RFC 6750: name the scheme, and say the token was refused when one was sent.
            sent = request.headers.get("Authorization", "").startswith("Bearer ")
            response.headers["WWW-Authenticate"] = (
                'Bearer realm="api", error="invalid_token"' if sent else 'Bearer realm="api"'
            )
            return response
        from flask import flash

        flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @login_manager.user_loader
    def load_user(user_key: str) -> User | None:
        user_id, _, version = user_key.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or str(user.session_version) != version:
            return None
        return user

"""Administration of people: accounts, roles, teams, bulk import and the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..exports import csv_response
from ..extensions import db
from . import audit
from .access import role_required
from .forms import EditUserForm, ImportUsersForm, TeamForm, UserForm, role_choices
from .models import Role, Team, User
from .services import (
    CSV_OPTIONAL_COLUMNS,
    CSV_REQUIRED_COLUMNS,
    AccountError,
    create_team,
    create_user,
    import_users_csv,
    update_user,
)

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

PAGE_SIZE = 50


def _team_choices() -> list[SelectChoice]:
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return [SelectChoice(0, _("— no team —")), *(SelectChoice(t.id, t.name) for t in teams)]


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/")
@role_required(Role.ADMIN)
def users() -> str:
    query = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    stmt = select(User).options(joinedload(User.team)).order_by(User.display_name, User.id)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            or_(func.lower(User.email).like(like), func.lower(User.display_name).like(like))
        )
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "admin/users.html",
        pagination=pagination,
        query=query,
        role_labels={c.value: c.label for c in role_choices()},
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user() -> str | Response:
    form = UserForm()
    form.roles.choices = role_choices()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        team = db.session.get(Team, form.team.data) if form.team.data else None
        try:
            user = create_user(
                form.email.data or "",
                form.display_name.data or "",
                form.password.data or "",
                form.roles.data or [],
                team=team,
                actor=current_user,
            )
        except AccountError as exc:
            form.email.errors = [str(exc.message)]
        else:
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int) -> str | Response:
    user = get_user_or_404(user_id)
    form = EditUserForm(
        data={
            "display_name": user.display_name,
            "roles": [r.value for r in user.roles],
            "team": user.team_id or 0,
            "active": user.active,
        }
    )
    form.roles.choices = role_choices()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            update_user(
                user,
                actor=current_user,
                display_name=form.display_name.data or "",
                roles=form.roles.data or [],
                team=db.session.get(Team, form.team.data) if form.team.data else None,
                active=bool(form.active.data),
            )
        except AccountError as exc:
            db.session.rollback()
            form.roles.errors = [str(exc.message)]
        else:
            flash(_("Changes to %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/teams", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def teams() -> str | Response:
    form = TeamForm()
    if form.validate_on_submit():
        try:
            create_team(form.name.data or "", actor=current_user)
        except AccountError as exc:
            form.name.errors = [str(exc.message)]
        else:
            flash(_("Team created."), "success")
            return redirect(url_for("admin.teams"))
    rows = db.session.execute(
        select(Team, func.count(User.id))
        .outerjoin(User, User.team_id == Team.id)
        .group_by(Team.id)
        .order_by(Team.name)
    ).all()
    return render_template("admin/teams.html", form=form, rows=rows)


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_users() -> str:
    form = ImportUsersForm()
    report = None
    if form.validate_on_submit():
        report = import_users_csv(form.file.data.read(), actor=current_user)
    return render_template(
        "admin/import.html",
        form=form,
        report=report,
        required=CSV_REQUIRED_COLUMNS,
        optional=CSV_OPTIONAL_COLUMNS,
    )


def _audit_filters() -> tuple[audit.AuditFilters, list[str]]:
    """The audit page's filters from the query string; a bad value is dropped with a message."""
    args, problems = request.args, []
    action = args.get("event") or None
    if action and action not in dict(audit.known_actions()):
        problems.append(_("Unknown event; showing every event."))
        action = None
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            dates[name] = date.fromisoformat(args[name]) if args.get(name) else None
        except ValueError:
            problems.append(_("Dates are written as YYYY-MM-DD."))
            dates[name] = None
    query = (args.get("q") or "").strip()[: audit.MAX_QUERY]
    return audit.AuditFilters(query, action, dates["from"], dates["to"]), problems


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log() -> str:
    filters, problems = _audit_filters()
    for problem in problems:
        flash(problem, "warning")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = audit.search(filters, page)
    return render_template(
        "admin/audit.html",
        pagination=pagination,
        filters=filters,
        actions=audit.known_actions(),
        rows=[
            (e, audit.event_label(e.action), audit.describe(e.details or {}))
            for e in pagination.items
        ],
    )


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def audit_export() -> Response:
    filters, _problems = _audit_filters()
    audit.record_export(current_user, filters)
    return csv_response("audit-log.csv", audit.EXPORT_HEADER, audit.export_rows(filters))

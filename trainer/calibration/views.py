"""Calibration pages: ask for a blind second grade, give one, and compare."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..auth.access import role_required
from ..auth.models import Role
from ..extensions import db
from ..i18n import current_language
from . import services
from .models import Calibration

bp = Blueprint("calibration", __name__, url_prefix="/calibration", template_folder="templates")
GRADERS = (Role.INSTRUCTOR, Role.ADMIN)


@bp.route("/")
@role_required(*GRADERS)
def index() -> str:
    finished = db.session.scalars(
        db.select(Calibration)
        .where(Calibration.graded_at.is_not(None))
        .order_by(Calibration.graded_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "calibration/index.html",
        mine=services.mine(current_user),
        finished=finished,
        agreement=services.agreement(),
        checker=services.checker_agreement(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*GRADERS)
def new() -> str | Response:
    kind = request.values.get("kind", "")
    item_id = request.values.get("item", type=int) or 0
    part = request.values.get("part", type=int) or 0
    if kind not in ("essay", "call"):
        abort(404)
    try:
        item = services.load_item(kind, item_id, part)
    except services.CalibrationError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("calibration.index"))
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            services.request_calibration(
                kind, item_id, part, current_user, request.form.get("second", type=int) or 0
            )
        except services.CalibrationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Asked. They will grade it without seeing the first grade."), "success")
            return redirect(url_for("calibration.index"))
    return render_template(
        "calibration/new.html",
        item=item,
        kind=kind,
        item_id=item_id,
        part=part,
        instructors=services.instructors(current_user.id),
        form=form,
        lang=current_language(),
    )


@bp.route("/<int:calibration_id>", methods=["GET", "POST"])
@role_required(*GRADERS)
def show(calibration_id: int) -> str | Response:
    calibration = db.session.get(Calibration, calibration_id)
    if calibration is None:
        abort(404)
    item = services.load_item(calibration.kind, calibration.item_id, calibration.part)
    blind = calibration.graded_at is None
    if blind and calibration.second_grader_id != current_user.id:
        abort(403)  # nobody else sees it before the second grade: that is what makes it blind
    form = FlaskForm()
    if blind and form.validate_on_submit():
        try:
            scores = {
                key: float(request.form.get(f"score-{key}", "")) for key, _n, _m in item.criteria
            }
            services.grade_blind(
                calibration, current_user, scores, (request.form.get("comment") or "")[:2000]
            )
        except ValueError:
            flash(_("Give each criterion a score."), "error")
        except services.CalibrationError as exc:
            flash(str(exc.message), "error")
        else:
            return redirect(url_for("calibration.show", calibration_id=calibration.id))
    return render_template(
        "calibration/show.html",
        calibration=calibration,
        item=item,
        blind=calibration.graded_at is None,
        form=form,
        rows=[] if calibration.graded_at is None else services.compare(calibration),
        lang=current_language(),
    )

"""Certificates for their holders, the HR dashboard and exports, and public verification."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..auth.access import any_signed_in, public, role_required
from ..auth.models import Role, Team, User
from ..exports import csv_response, xlsx_response
from ..extensions import db
from ..i18n import current_language
from . import services
from .charts import team_chart
from .forms import ActionForm, ReinstateForm, RevokeForm
from .models import Certificate, Status
from .pdf import certificate_pdf

bp = Blueprint("certification", __name__, template_folder="templates")
HR_ROLES = (Role.HR, Role.ADMIN)
EXPORT_HEADER = [
    "name",
    "email",
    "team",
    "certification",
    "certification_zh",
    "certification_en",
    "status",
    "expires",
    "certificate_code",
]


def _record(user: User) -> dict[str, object]:
    lang = current_language()
    names = services.requirement_names(lang)
    standings = services.standings_of(user.id)
    items = []
    for cert in services.all_certifications():
        standing = standings.get(cert.id)
        items.append(
            {
                "cert": cert,
                "status": services.status_of(standing).value,
                "standing": standing,
                "met": [
                    services.requirement_label(c, names) for c in (standing.met if standing else [])
                ],
                "missing": [
                    services.requirement_label(c, names)
                    for c in (standing.missing if standing else [])
                ],
            }
        )
    certificates = services.certificates_of(user.id)
    return {
        "person": user,
        "items": items,
        "certificates": certificates,
        "certificate_status": {c.id: services.certificate_status(c) for c in certificates},
    }


@bp.route("/certificates")
@any_signed_in
def mine() -> str:
    services.refresh(current_user.id)
    return render_template(
        "certification/mine.html", **_record(current_user), lang=current_language()
    )


@bp.route("/certificates/<int:certificate_id>.pdf")
@any_signed_in
def pdf(certificate_id: int) -> Response:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    if certificate.user_id != current_user.id and not current_user.has_role(*HR_ROLES):
        abort(403)
    if certificate.revoked_at is not None:
        abort(404)
    url = url_for("certification.verify", code=certificate.code, _external=True)
    return Response(
        certificate_pdf(certificate, url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=certificate-{certificate.code}.pdf"},
    )


def _decide(
    certificate_id: int,
    form: RevokeForm | ReinstateForm,
    decide: Callable[[Certificate, User, str], None],
    missing_reason: str,
    done: str,
) -> BaseResponse:
    """Revoke or reinstate: an administrator's decision with a reason, back to the person."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    if not form.validate_on_submit():
        flash(missing_reason, "error")
    else:
        try:
            decide(certificate, current_user, form.reason.data or "")
        except services.CertificationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(done, "success")
    return redirect(url_for("certification.person", user_id=certificate.user_id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke(certificate_id: int) -> BaseResponse:
    return _decide(
        certificate_id,
        RevokeForm(),
        services.revoke,
        _("Give the reason for revoking the certificate."),
        _("The certificate has been revoked."),
    )


@bp.route("/certificates/<int:certificate_id>/reinstate", methods=["POST"])
@role_required(Role.ADMIN)
def reinstate(certificate_id: int) -> BaseResponse:
    return _decide(
        certificate_id,
        ReinstateForm(),
        services.reinstate,
        _("Give the reason for reinstating the certificate."),
        _("The certificate has been reinstated."),
    )


@bp.route("/certificates/signoff/<int:user_id>/<certification_id>", methods=["POST"])
@role_required(Role.INSTRUCTOR, Role.ADMIN)
def signoff(user_id: int, certification_id: str) -> BaseResponse:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.sign_off(user_id, certification_id, current_user)
    except services.CertificationError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Signed off; the certificate has been issued."), "success")
    return redirect(url_for("certification.person", user_id=user_id))


@bp.route("/verify/<code>")
@public
def verify(code: str) -> tuple[str, int]:
    certificate = services.find_certificate(code)
    if certificate is None:
        return render_template("certification/verify_missing.html"), 404
    return render_template(
        "certification/verify.html",
        certificate=certificate,
        status=services.certificate_status(certificate),
        lang=current_language(),
    ), 200


# --- HR -------------------------------------------------------------------------------------


def _filters() -> tuple[services.Filters, list[str]]:
    """Filters from the query string; unknown values are dropped and reported, never fatal."""
    args = request.args
    problems = []
    team_id = args.get("team", type=int)
    if team_id and db.session.get(Team, team_id) is None:
        problems.append(_("Unknown team; showing every team."))
        team_id = None
    cert = args.get("certification") or None
    if cert and cert not in {c.id for c in services.all_certifications()}:
        problems.append(_("Unknown certification; showing every certification."))
        cert = None
    status = None
    if args.get("status"):
        try:
            status = Status(args["status"])
        except ValueError:
            problems.append(_("Unknown status; showing every status."))
    days = args.get("expiring", type=int)
    if days is not None and not 1 <= days <= 3650:
        problems.append(_("“Expiring within” must be between 1 and 3650 days."))
        days = None
    sort = args.get("sort", "name")
    if sort not in ("name", "team", "email"):
        sort = "name"
    return services.Filters(
        team_id, cert, status, days, (args.get("q") or "").strip()[:100], sort
    ), problems


@bp.route("/hr/")
@role_required(*HR_ROLES)
def hr() -> str:
    filters, problems = _filters()
    for problem in problems:
        flash(problem, "warning")
    board = services.dashboard(filters, request.args.get("page", 1, type=int) or 1)
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "certification/hr.html",
        board=board,
        filters=filters,
        teams=teams,
        certifications=services.all_certifications(),
        statuses=list(Status),
        args=args,
        chart=team_chart(board.team_shares),
        lang=current_language(),
    )


@bp.route("/hr/person/<int:user_id>")
@role_required(Role.HR, Role.ADMIN, Role.INSTRUCTOR)
def person(user_id: int) -> str:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return render_template(
        "certification/person.html",
        **_record(user),
        lang=current_language(),
        can_revoke=current_user.has_role(Role.ADMIN),
        can_sign=current_user.has_role(Role.INSTRUCTOR, Role.ADMIN),
        revoke_form=RevokeForm(),
        reinstate_form=ReinstateForm(),
        action_form=ActionForm(),
    )


@bp.route("/hr/export.csv")
@role_required(*HR_ROLES)
def export_csv() -> Response:
    filters, _problems = _filters()
    services.record_export(current_user, "certifications.csv", filters)
    return csv_response("certifications.csv", EXPORT_HEADER, services.export_rows(filters))


@bp.route("/hr/export.xlsx")
@role_required(*HR_ROLES)
def export_xlsx() -> Response:
    filters, _problems = _filters()
    services.record_export(current_user, "certifications.xlsx", filters)
    return xlsx_response(
        "certifications.xlsx", "certifications", EXPORT_HEADER, services.export_rows(filters)
    )

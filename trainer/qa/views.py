"""QA pages: the reviewer's queue, recording and importing interactions, evaluating beside the
transcript, the agent's own evaluations with disputes, and resolving disputes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..auth.access import any_signed_in, role_required
from ..extensions import db
from ..i18n import current_language
from ..phrases import PhraseBook, load_phrase_book
from . import services, transcripts
from .forms import DisputeForm, ImportForm, InteractionForm, ResolveForm
from .models import Channel, Dispute, DisputeState, Evaluation, Interaction

bp = Blueprint("qa", __name__, url_prefix="/qa", template_folder="templates")
REVIEWERS = services.REVIEWERS
RESOLVERS = services.RESOLVERS


@cache
def _phrase_book(root: str) -> PhraseBook:
    return load_phrase_book(Path(root), [])


def phrase_book() -> PhraseBook:
    return _phrase_book(str(current_app.config["TRAINER_CONTENT_DIR"]))


def dispute_days() -> int:
    return int(current_app.config.get("TRAINER_QA_DISPUTE_DAYS", services.DEFAULT_DISPUTE_DAYS))


def _flash_all(error: services.QAError) -> None:
    for message in error.messages:
        flash(str(message), "error")


def get_interaction_or_404(interaction_id: int) -> Interaction:
    interaction = db.session.get(Interaction, interaction_id)
    if interaction is None:
        abort(404)
    return interaction


def get_evaluation_or_404(evaluation_id: int) -> Evaluation:
    """Only the agent of the call and the reviewers see an evaluation (404 to anyone else, so
    its existence is not given away)."""
    evaluation = services.get_evaluation(evaluation_id)
    if evaluation is None or not services.can_see(evaluation, current_user):
        abort(404)
    return evaluation


@bp.route("/")
@role_required(*REVIEWERS)
def queue() -> str:
    status = request.args.get("status") or None
    channel = request.args.get("channel") or None
    agent_id = request.args.get("agent", type=int) or None
    return render_template(
        "qa/queue.html",
        rows=services.queue(
            status if status in services.STATUSES else None,
            channel if channel in {c.value for c in Channel} else None,
            agent_id,
        ),
        agents=services.queue_agents(),
        status=status,
        channel=channel,
        agent_id=agent_id,
        statuses=services.STATUSES,
        channels=[c.value for c in Channel],
        disputes=len(services.open_disputes()),
        can_resolve=current_user.has_role(*RESOLVERS),
        agreement=services.checker_agreement(),
    )


def _upload_text(upload: Any) -> str | None:
    raw = upload.read(transcripts.MAX_BYTES + 1)
    if len(raw) > transcripts.MAX_BYTES:
        flash(_("The file is over %(kb)d kB.", kb=transcripts.MAX_BYTES // 1024), "error")
        return None
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        flash(_("The file is not UTF-8 text."), "error")
        return None


@bp.route("/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def new() -> str | Response:
    form = InteractionForm()
    if form.validate_on_submit():
        text: str | None = form.transcript.data or ""
        if form.upload.data:
            text = _upload_text(form.upload.data)
        if text is None:
            pass  # the upload's problem is flashed
        elif text.strip():
            try:
                interaction = services.create_interaction(
                    services.NewInteraction(
                        form.agent_email.data or "",
                        form.channel.data or "",
                        form.occurred_on.data or "",
                        form.reference.data or "",
                        text,
                    ),
                    current_user,
                )
            except services.QAError as exc:
                _flash_all(exc)
            else:
                flash(_("Interaction recorded."), "success")
                return redirect(url_for("qa.interaction", interaction_id=interaction.id))
        else:
            flash(_("Paste the transcript or upload its file."), "error")
    return render_template("qa/new.html", form=form)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def import_page() -> str:
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        raw = form.file.data.read(services.MAX_IMPORT_ROWS * transcripts.MAX_BYTES // 10 + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            flash(_("The file is not UTF-8 text."), "error")
        else:
            report = services.import_interactions(text, current_user)
    return render_template(
        "qa/import.html", form=form, report=report, columns=services.IMPORT_COLUMNS
    )


def _criteria_view(card: services.CardDef, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name.get(lang),
            "section": c.section,
            "weight": c.weight,
            "kind": c.kind,
            "na_allowed": c.na_allowed,
            "guidance": c.guidance.get(lang),
            "levels": [(lv.min, lv.get(lang)) for lv in c.levels],
        }
        for c in card.criteria
    ]


@bp.route("/interactions/<int:interaction_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def interaction(interaction_id: int) -> str | Response:
    item = get_interaction_or_404(interaction_id)
    if item.evaluations:
        return redirect(url_for("qa.evaluation", evaluation_id=item.evaluations[0].id))
    lang = current_language()
    try:
        card = services.definition(services.scorecard_for(item.channel))
    except services.QAError as exc:
        _flash_all(exc)
        return redirect(url_for("qa.queue"))
    form = FlaskForm()  # the token; the scorecard's fields are read below
    sent: dict[str, str] = {}
    if form.validate_on_submit():
        sent = {k[len("level-") :]: v for k, v in request.form.items() if k.startswith("level-")}
        data = services.EvaluationInput(
            levels=sent,
            comments={
                k[len("comment-") :]: v for k, v in request.form.items() if k.startswith("comment-")
            },
            lines={k[len("line-") :]: v for k, v in request.form.items() if k.startswith("line-")},
            notes=request.form.get("notes", ""),
            critical=request.form.getlist("critical"),
            comment=request.form.get("comment", ""),
        )
        try:
            evaluation = services.evaluate(item, current_user, data, phrase_book())
        except services.QAError as exc:
            _flash_all(exc)
        else:
            flash(_("Evaluation submitted."), "success")
            return redirect(url_for("qa.evaluation", evaluation_id=evaluation.id))
    suggestions = services.suggest(item, card, phrase_book())
    chosen = {
        c.id: sent.get(c.id)
        or (str(suggestions.criteria[c.id].level) if c.id in suggestions.criteria else "")
        for c in card.criteria
    }
    return render_template(
        "qa/evaluate.html",
        item=item,
        card=card,
        criteria=_criteria_view(card, lang),
        suggestions=suggestions,
        chosen=chosen,
        form=form,
        own=item.agent_id == current_user.id,
        lang=lang,
        values=request.form if request.method == "POST" else {},
    )


@bp.route("/evaluations/<int:evaluation_id>")
@any_signed_in
def evaluation(evaluation_id: int) -> str:
    evaluation = get_evaluation_or_404(evaluation_id)
    lang = current_language()
    card = services.definition(evaluation.scorecard)
    days = dispute_days()
    open_to = services.disputable(evaluation, current_user, days)
    names = {c.id: c.name.get(lang) for c in card.criteria}
    form = DisputeForm()
    form.criterion.choices = [SelectChoice(c, names[c]) for c in open_to]
    resolvable = [d for d in evaluation.disputes if services.can_resolve(d, current_user)]
    resolve_forms = {}
    for d in resolvable:
        rf = ResolveForm(prefix=f"d{d.id}")
        criterion = card.criterion(d.criterion)
        levels = (
            [SelectChoice(str(lv.min), f"{lv.min}%") for lv in criterion.levels]
            if criterion
            else []
        )
        if criterion and criterion.na_allowed:
            levels.append(SelectChoice("na", _("Not applicable")))
        rf.level.choices = levels
        resolve_forms[d.id] = rf
    return render_template(
        "qa/evaluation.html",
        evaluation=evaluation,
        item=evaluation.interaction,
        card=card,
        criteria=_criteria_view(card, lang),
        scores={s.criterion: s for s in evaluation.scores},
        names=names,
        errors={e.id: e for e in card.critical_errors},
        comments_by_line=_comments_by_line(evaluation),
        form=form if open_to else None,
        deadline=services.dispute_deadline(evaluation, days),
        is_agent=evaluation.agent_id == current_user.id,
        resolve_forms=resolve_forms,
        lang=lang,
    )


def _comments_by_line(evaluation: Evaluation) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for comment in evaluation.comments:
        out.setdefault(comment.line, []).append(comment)
    return out


@bp.route("/evaluations/<int:evaluation_id>/dispute", methods=["POST"])
@any_signed_in
def dispute(evaluation_id: int) -> Response:
    evaluation = get_evaluation_or_404(evaluation_id)
    form = DisputeForm()
    form.criterion.choices = [SelectChoice(s.criterion, s.criterion) for s in evaluation.scores]
    if form.validate_on_submit():
        try:
            services.open_dispute(
                evaluation,
                current_user,
                form.criterion.data or "",
                form.reason.data or "",
                dispute_days(),
            )
        except services.QAError as exc:
            _flash_all(exc)
        else:
            flash(
                _("Your dispute is recorded; a second reviewer or your team lead will decide."),
                "success",
            )
    else:
        flash(_("Choose a criterion and give a reason."), "error")
    return redirect(url_for("qa.evaluation", evaluation_id=evaluation.id))


@bp.route("/mine")
@any_signed_in
def mine() -> str:
    return render_template(
        "qa/mine.html",
        evaluations=services.own_evaluations(current_user),
        days=dispute_days(),
    )


@bp.route("/disputes")
@role_required(*RESOLVERS)
def disputes() -> str:
    items = services.open_disputes()
    lang = current_language()
    return render_template(
        "qa/disputes.html",
        items=[
            (d, services.criterion_name(d, lang), services.can_resolve(d, current_user))
            for d in items
        ],
    )


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@role_required(*RESOLVERS)
def resolve(dispute_id: int) -> Response:
    item = db.session.get(Dispute, dispute_id)
    if item is None:
        abort(404)
    form = ResolveForm(prefix=f"d{item.id}")
    if form.validate_on_submit() and item.state == DisputeState.OPEN:
        try:
            services.resolve_dispute(
                item,
                current_user,
                form.decision.data or "",
                form.level.data if form.decision.data == "change" else None,
                form.note.data or "",
            )
        except services.QAError as exc:
            _flash_all(exc)
        else:
            flash(_("Dispute resolved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        if item.state != DisputeState.OPEN:
            flash(_("This dispute has already been resolved."), "error")
    return redirect(url_for("qa.evaluation", evaluation_id=item.evaluation_id))

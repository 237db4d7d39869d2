"""A trainee's competency profile: levels, trends, the evidence behind each, and what next."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from .explain import Explanation, explain, kind_counts
from .models import Competency, Evidence, Level, Proficiency
from .proficiency import Estimate, estimate
from .recommend import Group, suggest

EVIDENCE_SHOWN = 60  # newest pieces read for the page, whatever the history's length


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    score: float
    weight: float
    ref: str
    at: object
    endpoint: str | None
    args: dict[str, object]


@dataclass
class CompetencyView:
    competency: Competency
    estimate: Estimate
    level: Level | None
    evidence: list[EvidenceItem] = field(default_factory=list)
    trend: list[float] = field(default_factory=list)
    why: Explanation | None = None


@dataclass(frozen=True)
class Profile:
    competencies: list[CompetencyView]
    levels: list[Level]
    suggestions: list[Group]

    @property
    def top_level(self) -> Level | None:
        return self.levels[-1] if self.levels else None


def _link(ref: str) -> tuple[str | None, dict[str, object]]:
    """Where a piece of evidence came from, as an endpoint of the page that shows it."""
    kind, _, rest = ref.partition(":")
    if kind == "lesson":
        return "lessons.lesson", {"lesson_id": rest.split("@")[0]}
    if kind == "attempt" and rest.split("#")[0].isdigit():
        return "quizzes.review", {"attempt_id": int(rest.split("#")[0])}
    if kind == "qa" and rest.split(":")[0].isdigit():
        return "qa.evaluation", {"evaluation_id": int(rest.split(":")[0])}
    if kind == "roleplay" and rest.split(":")[0].isdigit():
        return "roleplay.debrief", {"session_id": int(rest.split(":")[0])}
    return None, {}


def profile(user_id: int, lang: str, own: bool = True) -> Profile:
    """Five queries whatever the amount of evidence: competencies, levels, rows, evidence counted
    per kind, and the newest evidence (plus the suggesters' own bounded queries)."""
    competencies = list(db.session.scalars(select(Competency).order_by(Competency.position)))
    levels = list(db.session.scalars(select(Level).order_by(Level.position)))
    rows = {
        p.competency_id: p
        for p in db.session.scalars(select(Proficiency).where(Proficiency.user_id == user_id))
    }
    recent = db.session.scalars(
        select(Evidence)
        .where(Evidence.user_id == user_id)
        .order_by(Evidence.created_at.desc(), Evidence.id.desc())
        .limit(EVIDENCE_SHOWN)
    ).all()
    counts = kind_counts(user_id)
    by_competency: dict[str, list[Evidence]] = defaultdict(list)
    for item in recent:
        by_competency[item.competency_id].append(item)
    by_level = {lv.id: lv for lv in levels}
    views = []
    for competency in competencies:
        est = estimate(rows.get(competency.id), levels)
        row = rows.get(competency.id)
        view = CompetencyView(competency, est, by_level.get(est.level_id))
        view.why = explain(row, levels, counts.get(competency.id, []))
        for item in by_competency.get(competency.id, [])[:8]:
            endpoint, args = _link(item.source_ref)
            view.evidence.append(
                EvidenceItem(
                    item.source_kind,
                    item.score,
                    item.weight,
                    item.source_ref,
                    item.created_at,
                    endpoint,
                    args,
                )
            )
        view.trend = [e.score for e in reversed(by_competency.get(competency.id, [])[:12])]
        views.append(view)
    if not own:
        return Profile(views, levels, [])
    top = levels[-1].id if levels else None
    # Weakest first by level, then estimate, then amount of evidence; never one at the top.
    order = {lv.id: i for i, lv in enumerate(levels)}
    weak = sorted(
        (v for v in views if v.estimate.level_id != top),
        key=lambda v: (order.get(v.estimate.level_id, 0), v.estimate.score, v.estimate.evidence),
    )
    missing = {
        v.competency.id: tuple(k for n in v.why.needs for k in n.missing_kinds)
        for v in weak
        if v.why
    }
    groups = suggest(user_id, [v.competency.id for v in weak], lang, missing)
    return Profile(views, levels, groups)


@dataclass(frozen=True)
class HeatCell:
    mean: float | None  # mean estimate of the team's trainees with evidence, 0–1
    people: int  # trainees with evidence for this competency


@dataclass(frozen=True)
class HeatMap:
    competencies: list[Competency]
    teams: list[tuple[int, str, int]]  # id, name, trainees
    cells: dict[tuple[int, str], HeatCell]


def team_heat_map() -> HeatMap:
    """Mean proficiency per team and competency: three aggregate queries, any size."""
    from sqlalchemy import and_, func

    from ..auth.models import Role, Team, User, UserRole

    competencies = list(db.session.scalars(select(Competency).order_by(Competency.position)))
    trainee = and_(UserRole.user_id == User.id, UserRole.role == Role.TRAINEE.value)
    teams = [
        (tid, name, n)
        for tid, name, n in db.session.execute(
            select(Team.id, Team.name, func.count(User.id))
            .join(User, User.team_id == Team.id)
            .join(UserRole, trainee)
            .where(User.active.is_(True))
            .group_by(Team.id, Team.name)
            .order_by(Team.name)
        )
    ]
    rows = db.session.execute(
        select(
            User.team_id,
            Proficiency.competency_id,
            func.avg(Proficiency.decayed_score / Proficiency.decayed_weight),
            func.count(),
        )
        .join(User, User.id == Proficiency.user_id)
        .join(UserRole, trainee)
        .where(User.active.is_(True), User.team_id.is_not(None), Proficiency.decayed_weight > 0)
        .group_by(User.team_id, Proficiency.competency_id)
    ).all()
    cells = {(team_id, comp): HeatCell(float(mean), n) for team_id, comp, mean, n in rows}
    return HeatMap(competencies, teams, cells)

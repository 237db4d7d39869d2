"""A synthetic organisation, inserted in bulk: teams, trainees, certifications, evidence with
the proficiencies it implies, certificates and standings.

Rows go in as lists of dicts (`session.execute(insert(Model), rows)`, an executemany), in
chunks of CHUNK rows, one transaction per chunk. Nothing is built one ORM object at a time
except the two known accounts, which go through `create_user` like a real sign-up.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import click
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from trainer.auth.models import Role, Team, User, UserRole
from trainer.auth.services import create_user
from trainer.certification.models import Certificate, Certification, Standing, Status
from trainer.certification.services import CODE_ALPHABET, CODE_LENGTH
from trainer.competency.models import (
    DEFAULT_WEIGHTS,
    Competency,
    Evidence,
    Proficiency,
    SourceKind,
)
from trainer.competency.proficiency import add_evidence
from trainer.database import Base, utcnow
from trainer.extensions import db
from trainer.lessons.models import Lesson

CHUNK = 50_000
PASSWORD = "bench-password-1"
HR_EMAIL = "hr@bench.example.com"
TRAINEE_EMAIL = "heavy.trainee@bench.example.com"
HEAVY_FACTOR = 20  # the known trainee has this many times the average evidence
HEAVY_MIN = 1_000
EVIDENCE_DAYS = 730  # evidence is spread over the last two years

# Two more certifications next to the three of content/certifications.yml: competency rules only.
EXTRA_CERTIFICATIONS: tuple[dict[str, Any], ...] = (
    {
        "id": "phone-etiquette",
        "name_zh": "电话接待礼仪认证",
        "name_en": "Telephone Reception Etiquette",
        "description_zh": "规范接待、有效提问与确认的基本功。",
        "description_en": "Standard reception, effective questions and confirming.",
        "rules": {
            "competencies": {
                "reception-etiquette": "developing",
                "questioning": "developing",
                "confirming": "developing",
            },
            "quizzes": {},
            "roleplays": {},
        },
        "signoff": False,
        "valid_months": 24,
        "renew_within_days": 60,
    },
    {
        "id": "customer-insight-advanced",
        "name_zh": "客户洞察进阶认证",
        "name_en": "Customer Insight (Advanced)",
        "description_zh": "识别客户需要、经营满意度与忠诚度。",
        "description_en": "Recognising customers' needs and building satisfaction and loyalty.",
        "rules": {
            "competencies": {
                "customer-insight": "proficient",
                "satisfaction-loyalty": "proficient",
            },
            "quizzes": {},
            "roleplays": {},
        },
        "signoff": False,
        "valid_months": 12,
        "renew_within_days": 30,
    },
)

REGIONS = ("华北", "华东", "华南", "西南", "西北")
CHANNELS = ("热线", "在线", "投诉", "大客户", "回访")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉志梅琳晨雪宇浩然欣怡"

# Source kinds of evidence, as often as trainees produce them (lessons and quiz items dominate).
KINDS = (SourceKind.LESSON, SourceKind.QUIZ, SourceKind.ROLEPLAY, SourceKind.GRADE)
KIND_CUM_WEIGHTS = (40, 80, 95, 100)

# How standings are spread per certification (eligible only where a sign-off is needed).
STATE_WEIGHTS: dict[Status, float] = {
    Status.NOT_STARTED: 0.18,
    Status.IN_PROGRESS: 0.37,
    Status.ELIGIBLE: 0.05,
    Status.CERTIFIED: 0.38,
    Status.REVOKED: 0.02,
}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Size:
    trainees: int = 10_000
    evidence: int = 2_000_000
    teams: int = 50
    seed: int = 1


@dataclass
class Organisation:
    """What the measurements need to know about the generated data."""

    hr_id: int
    heavy_trainee_id: int
    heavy_evidence: int
    typical_trainee_id: int  # the trainee with the median amount of evidence
    typical_evidence: int
    team_id: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Sums:
    """The running sums of one Proficiency row, without the ORM's attribute instrumentation;
    `add_evidence` only reads and writes these attributes."""

    __slots__ = (
        "decayed_score",
        "decayed_weight",
        "evidence_count",
        "kinds",
        "last_at",
        "weight_total",
    )

    def __init__(self) -> None:
        self.decayed_score = 0.0
        self.decayed_weight = 0.0
        self.evidence_count = 0
        self.weight_total = 0.0
        self.kinds: list[str] = []
        self.last_at: datetime | None = None


def _bulk(model: type[Base], rows: list[dict[str, Any]]) -> None:
    """One executemany and its own transaction."""
    if rows:
        db.session.execute(insert(model), rows)
        db.session.commit()


@contextmanager
def _bar(label: str, length: int) -> Iterator[Progress]:
    with click.progressbar(length=length, label=label.ljust(14), file=sys.stderr) as bar:
        yield bar.update


def generate(size: Size, now: datetime | None = None) -> Organisation:
    """Fill the (empty but for content) database; call inside an application context."""
    now = now or utcnow()
    rng = random.Random(size.seed)
    _add_certifications()
    team_ids = _teams(size.teams, now)
    hr, heavy = _known_accounts(team_ids[0], now)
    trainee_ids = _trainees(rng, size.trainees - 1, team_ids, heavy.id, now)
    counts = _evidence(rng, trainee_ids, heavy.id, size.evidence, now)
    _standings(rng, trainee_ids, hr.id, now)
    typical = sorted(counts, key=lambda user_id: (counts[user_id], user_id))[len(counts) // 2]
    return Organisation(
        hr.id,
        heavy.id,
        counts[heavy.id],
        typical,
        counts[typical],
        team_ids[0],
        rows=count_rows(),
    )


def _add_certifications() -> None:
    position = db.session.scalar(select(func.max(Certification.position))) or 0
    rows = [dict(spec, position=position + i) for i, spec in enumerate(EXTRA_CERTIFICATIONS, 1)]
    _bulk(Certification, rows)


def _teams(count: int, now: datetime) -> list[int]:
    names = [
        f"{REGIONS[i % len(REGIONS)]}{CHANNELS[i // len(REGIONS) % len(CHANNELS)]}"
        f"{i // (len(REGIONS) * len(CHANNELS)) + 1}组"
        for i in range(count)
    ]
    _bulk(Team, [{"name": name, "created_at": now - timedelta(days=1000)} for name in names])
    return list(db.session.scalars(select(Team.id).order_by(Team.id)))


def _known_accounts(team_id: int, now: datetime) -> tuple[User, User]:
    """An HR user and one trainee with a lot of evidence, both with PASSWORD."""
    hr = create_user(HR_EMAIL, "基准 HR", PASSWORD, [Role.HR])
    team = db.session.get(Team, team_id)
    heavy = create_user(TRAINEE_EMAIL, "基准学员", PASSWORD, [Role.TRAINEE], team=team)
    heavy.created_at = now - timedelta(days=1000)  # older than the evidence it has
    db.session.commit()
    return hr, heavy


def _trainees(
    rng: random.Random, count: int, team_ids: Sequence[int], heavy_id: int, now: datetime
) -> list[int]:
    """`count` trainees with explicit ids after the known accounts; returns every trainee id."""
    first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    ids = list(range(first, first + count))
    password_hash = generate_password_hash(PASSWORD, method="scrypt")  # one hash, shared
    with _bar("trainees", count) as progress:
        for start in range(0, count, CHUNK):
            chunk = ids[start : start + CHUNK]
            users = [
                {
                    "id": user_id,
                    "email": f"trainee{user_id:06d}@bench.example.com",
                    "display_name": rng.choice(SURNAMES)
                    + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                    "password_hash": password_hash,
                    "active": rng.random() > 0.03,
                    "locale": rng.choice(("zh", "zh", "zh", "en", None)),
                    "timezone": "Asia/Shanghai",
                    "team_id": team_ids[rng.randrange(len(team_ids))],
                    "created_at": now - timedelta(days=rng.uniform(EVIDENCE_DAYS, 1000)),
                    "session_version": 1,
                }
                for user_id in chunk
            ]
            _bulk(User, users)
            _bulk(UserRole, [{"user_id": u, "role": Role.TRAINEE.value} for u in chunk])
            progress(len(chunk))
    return [heavy_id, *ids]


def _evidence_counts(rng: random.Random, trainees: int, total: int) -> tuple[int, list[int]]:
    """How many pieces of evidence each trainee has: the heavy one HEAVY_FACTOR × the mean,
    the others a skewed (log-normal) share of the rest."""
    heavy = min(total // 2, max(HEAVY_MIN, HEAVY_FACTOR * total // max(trainees, 1)))
    rest = total - heavy
    weights = [rng.lognormvariate(0.0, 0.8) for _ in range(trainees - 1)]
    scale = rest / sum(weights) if weights else 0.0
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(counts)), min(len(counts), rest - sum(counts))):
        counts[i] += 1
    return heavy, counts


def _evidence(
    rng: random.Random, trainee_ids: list[int], heavy_id: int, total: int, now: datetime
) -> dict[int, int]:
    """Evidence per trainee (grouped by trainee, as the index is), and the Proficiency rows
    its running sums give, folded with trainer.competency.proficiency.add_evidence."""
    competencies = list(db.session.scalars(select(Competency.id).order_by(Competency.position)))
    lessons = list(db.session.scalars(select(Lesson.id))) or ["lesson"]
    heavy, others = _evidence_counts(rng, len(trainee_ids), total)
    counts = dict(zip(trainee_ids[1:], others, strict=True))
    counts[heavy_id] = heavy
    evidence: list[dict[str, Any]] = []
    proficiencies: list[dict[str, Any]] = []
    serial = 0  # attempt / play-session numbers in source refs
    with _bar("evidence", total) as progress:
        for user_id in trainee_ids:
            n = counts[user_id]
            ability = rng.uniform(0.3, 0.95)
            # Each trainee practises some competencies much more than others.
            cum: list[float] = []
            acc = 0.0
            for _ in competencies:
                acc += rng.random() ** 2 + 0.02
                cum.append(acc)
            comps = rng.choices(competencies, cum_weights=cum, k=n)
            kinds = rng.choices(KINDS, cum_weights=KIND_CUM_WEIGHTS, k=n)
            sums: dict[str, _Sums] = {}
            for comp, kind in zip(comps, kinds, strict=True):
                at = now - timedelta(seconds=rng.random() * EVIDENCE_DAYS * 86400)
                serial += 1
                if kind is SourceKind.LESSON:
                    score, ref = 1.0, f"lesson:{rng.choice(lessons)}@1"
                elif kind is SourceKind.QUIZ:
                    score = 1.0 if rng.random() < ability else 0.0
                    ref = f"attempt:{serial}#{rng.randint(1, 10)}"
                elif kind is SourceKind.ROLEPLAY:
                    score = min(1.0, max(0.0, round(rng.gauss(ability, 0.15), 2)))
                    ref = f"roleplay:{serial}:criterion-{rng.randint(1, 5)}"
                else:
                    score = min(1.0, max(0.0, round(rng.gauss(ability, 0.2), 2)))
                    ref = f"attempt:{serial}#{rng.randint(1, 10)}"
                weight = DEFAULT_WEIGHTS[kind]
                evidence.append(
                    {
                        "user_id": user_id,
                        "competency_id": comp,
                        "score": score,
                        "weight": weight,
                        "source_kind": kind.value,
                        "source_ref": ref,
                        "created_at": at,
                    }
                )
                row = sums.get(comp)
                if row is None:
                    row = sums[comp] = _Sums()
                add_evidence(cast(Proficiency, row), score, weight, kind.value, at)
            proficiencies.extend(
                {
                    "user_id": user_id,
                    "competency_id": comp,
                    "decayed_score": s.decayed_score,
                    "decayed_weight": s.decayed_weight,
                    "evidence_count": s.evidence_count,
                    "weight_total": s.weight_total,
                    "kinds": s.kinds,
                    "last_at": s.last_at,
                }
                for comp, s in sums.items()
            )
            if len(evidence) >= CHUNK:
                _bulk(Evidence, evidence)
                progress(len(evidence))
                evidence = []
            if len(proficiencies) >= CHUNK:
                _bulk(Proficiency, proficiencies)
                proficiencies = []
        _bulk(Evidence, evidence)
        _bulk(Proficiency, proficiencies)
        progress(len(evidence))
    return counts


def _requirements(cert: Certification) -> list[str]:
    rules = cert.rules
    return [
        *(f"competency:{c}:{level}" for c, level in rules["competencies"].items()),
        *(f"quiz:{q}:{m}" for q, m in rules["quizzes"].items()),
        *(f"roleplay:{r}:{m}" for r, m in rules["roleplays"].items()),
    ]


def _standings(rng: random.Random, trainee_ids: list[int], hr_id: int, now: datetime) -> None:
    """A standing per trainee and certification, with a realistic spread of states; certified
    (and revoked) ones get a certificate whose expiry lies anywhere from a few months ago to
    the end of its validity, so some are expired and some inside the renewal window."""
    certifications = list(db.session.scalars(select(Certification).order_by(Certification.id)))
    codes: set[str] = set()
    certificate_id = 0
    standings: list[dict[str, Any]] = []
    certificates: list[dict[str, Any]] = []
    with _bar("standings", len(trainee_ids) * len(certifications)) as progress:
        for cert in certifications:
            needed = _requirements(cert)
            states = [s for s in STATE_WEIGHTS if cert.signoff or s != Status.ELIGIBLE]
            weights = [STATE_WEIGHTS[s] for s in states]
            validity = timedelta(days=round(cert.valid_months * 30.4))
            for user_id, state in zip(
                trainee_ids, rng.choices(states, weights=weights, k=len(trainee_ids)), strict=True
            ):
                row: dict[str, Any] = {
                    "user_id": user_id,
                    "certification_id": cert.id,
                    "state": state.value,
                    "certificate_id": None,
                    "expires_at": None,
                    "renew_from": None,
                    "updated_at": now - timedelta(days=rng.uniform(0, 60)),
                }
                if state == Status.NOT_STARTED:
                    row["met"], row["missing"] = [], needed
                elif state == Status.IN_PROGRESS:
                    k = rng.randint(1, max(1, len(needed) - 1))
                    row["met"], row["missing"] = needed[:k], needed[k:]
                elif state == Status.ELIGIBLE:
                    row["met"], row["missing"] = needed, ["signoff"]
                else:
                    row["met"], row["missing"] = needed + (["signoff"] if cert.signoff else []), []
                    expires = now + timedelta(days=rng.uniform(-120, validity.days))
                    while True:
                        code = "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
                        if code not in codes:
                            codes.add(code)
                            break
                    certificate_id += 1
                    revoked = state == Status.REVOKED
                    certificates.append(
                        {
                            "id": certificate_id,
                            "code": code,
                            "user_id": user_id,
                            "certification_id": cert.id,
                            "issued_at": expires - validity,
                            "expires_at": expires,
                            "revoked_at": now - timedelta(days=rng.uniform(1, 90))
                            if revoked
                            else None,
                            "revoked_by": hr_id if revoked else None,
                            "revoke_reason": "基准测试：撤销" if revoked else None,
                        }
                    )
                    row["certificate_id"] = certificate_id
                    row["expires_at"] = expires
                    row["renew_from"] = expires - timedelta(days=cert.renew_within_days)
                standings.append(row)
                if len(standings) >= CHUNK:
                    _bulk(Certificate, certificates)  # first: standings refer to them
                    _bulk(Standing, standings)
                    progress(len(standings))
                    standings, certificates = [], []
        _bulk(Certificate, certificates)
        _bulk(Standing, standings)
        progress(len(standings))


def count_rows() -> dict[str, int]:
    def count(stmt: Any) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "trainees": count(
            select(func.count()).select_from(UserRole).where(UserRole.role == Role.TRAINEE.value)
        ),
        "teams": count(select(func.count()).select_from(Team)),
        "certifications": count(select(func.count()).select_from(Certification)),
        "evidence": count(select(func.count()).select_from(Evidence)),
        "proficiencies": count(select(func.count()).select_from(Proficiency)),
        "standings": count(select(func.count()).select_from(Standing)),
        "certificates": count(select(func.count()).select_from(Certificate)),
    }

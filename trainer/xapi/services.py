"""Turning what people do into xAPI 1.0.3 statements, and reading them back.

The domains call the `record_*` functions with plain values inside their own transaction, so a
statement is stored exactly when the activity is (and never when it is rolled back). Statements
are immutable: a regrade voids what was said about the attempt or call and says it again.
docs/xapi.md lists the verbs, activity ids and settings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from .models import XapiStatement

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITY = "http://adlnet.gov/expapi/activities/"
DEFAULT_BASE_URL = "http://localhost:5000"

# Verb id → its display in both languages. ADL's where ADL has one; "earned" is the xAPI
# registry's (id.tincanapi.com); expiring and revoking a certificate have no registered verb,
# so they are the site's own, under its base URL (see `verb_iri`).
VERBS: dict[str, tuple[str, dict[str, str]]] = {
    "attempted": (ADL + "attempted", {"zh-CN": "开始作答", "en-US": "attempted"}),
    "answered": (ADL + "answered", {"zh-CN": "回答了", "en-US": "answered"}),
    "completed": (ADL + "completed", {"zh-CN": "完成了", "en-US": "completed"}),
    "passed": (ADL + "passed", {"zh-CN": "通过了", "en-US": "passed"}),
    "failed": (ADL + "failed", {"zh-CN": "未通过", "en-US": "failed"}),
    "scored": (ADL + "scored", {"zh-CN": "得分", "en-US": "scored"}),
    "voided": (ADL + "voided", {"zh-CN": "作废了", "en-US": "voided"}),
    "earned": ("http://id.tincanapi.com/verb/earned", {"zh-CN": "获得了", "en-US": "earned"}),
    "expired": ("{base}/xapi/verbs/expired", {"zh-CN": "到期失效", "en-US": "expired"}),
    "revoked": ("{base}/xapi/verbs/revoked", {"zh-CN": "被撤销", "en-US": "was revoked"}),
}

TYPES = {
    "lesson": ACTIVITY + "lesson",
    "assessment": ACTIVITY + "assessment",
    "question": ACTIVITY + "cmi.interaction",
    "simulation": ACTIVITY + "simulation",
    "certification": "{base}/xapi/activity-types/certification",
}


def base_url() -> str:
    """The site's public address (TRAINER_BASE_URL); every activity id lives under it."""
    return str(current_app.config.get("TRAINER_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def verb_iri(name: str) -> str:
    return VERBS[name][0].format(base=base_url())


def language_map(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en-US": en}


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration as xAPI writes it: PT1H2M3.5S (hundredths, as the spec's precision)."""
    seconds = max(0.0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        text += f"{secs:.2f}".rstrip("0").rstrip(".") + "S"
    return text


def timestamp_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Activity:
    path: str  # under the base URL, e.g. "/lessons/greeting"
    type: str  # a key of TYPES
    name_zh: str
    name_en: str

    def as_object(self) -> dict[str, Any]:
        base = base_url()
        return {
            "objectType": "Activity",
            "id": base + self.path,
            "definition": {
                "type": TYPES[self.type].format(base=base),
                "name": language_map(self.name_zh[:250], self.name_en[:250]),
            },
        }


@dataclass(frozen=True)
class Result:
    scaled: float | None = None
    raw: float | None = None
    max: float | None = None
    success: bool | None = None
    completion: bool | None = True
    seconds: float | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.scaled is not None:
            score: dict[str, float] = {"scaled": round(min(1.0, max(-1.0, self.scaled)), 4)}
            if self.raw is not None and self.max is not None and self.max > 0:
                score |= {"raw": round(self.raw, 4), "min": 0, "max": round(self.max, 4)}
            out["score"] = score
        if self.success is not None:
            out["success"] = self.success
        if self.completion is not None:
            out["completion"] = self.completion
        if self.seconds is not None:
            out["duration"] = iso_duration(self.seconds)
        if self.extensions:
            base = base_url()
            out["extensions"] = {base + key: value for key, value in self.extensions.items()}
        return out


def actor(user: User) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{user.email}", "name": user.display_name}


def registration(path: str) -> str:
    """A fixed UUID for one attempt or call, so its statements group together in an LRS."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base_url() + path))


def record(
    user_id: int,
    verb: str,
    activity: Activity,
    subject: str,
    at: datetime,
    result: Result | None = None,
    parent: Activity | None = None,
    registration_path: str | None = None,
) -> XapiStatement | None:
    """Add one statement to the session (the caller's transaction commits it)."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    statement_id = str(uuid.uuid4())
    body: dict[str, Any] = {
        "id": statement_id,
        "actor": actor(user),
        "verb": {"id": verb_iri(verb), "display": VERBS[verb][1]},
        "object": activity.as_object(),
        "timestamp": timestamp_text(at),
        "version": VERSION,
    }
    if result is not None and (payload := result.as_json()):
        body["result"] = payload
    context: dict[str, Any] = {"platform": "Service Trainer"}
    if parent is not None:
        context["contextActivities"] = {"parent": [parent.as_object()]}
    if registration_path is not None:
        context["registration"] = registration(registration_path)
    body["context"] = context
    return _store(user, verb, subject, at, body)


def _store(
    user: User, verb: str, subject: str, at: datetime, body: dict[str, Any]
) -> XapiStatement:
    row = XapiStatement(
        statement_id=body["id"],
        subject=subject,
        user_id=user.id,
        agent_email=user.email.lower(),
        verb=body["verb"]["id"],
        timestamp=at,
        stored_at=utcnow(),
        body=body,
    )
    db.session.add(row)
    return row


def void(subject: str, at: datetime | None = None) -> list[XapiStatement]:
    """Void every standing statement about `subject`: a voiding statement for each (verb
    voided, object a StatementRef), kept and sent like any other."""
    at = at or utcnow()
    voided_iri = verb_iri("voided")
    standing = db.session.scalars(
        select(XapiStatement)
        .where(
            XapiStatement.subject == subject,
            XapiStatement.voided_by.is_(None),
            XapiStatement.verb != voided_iri,
        )
        .order_by(XapiStatement.id)
    ).all()
    made = []
    for target in standing:
        user = db.session.get(User, target.user_id) if target.user_id else None
        if user is None:
            continue
        statement_id = str(uuid.uuid4())
        body = {
            "id": statement_id,
            "actor": actor(user),
            "verb": {"id": voided_iri, "display": VERBS["voided"][1]},
            "object": {"objectType": "StatementRef", "id": target.statement_id},
            "timestamp": timestamp_text(at),
            "version": VERSION,
        }
        target.voided_by = statement_id
        made.append(_store(user, "voided", subject, at, body))
    return made


def has_statement(subject: str, verb: str) -> bool:
    return (
        db.session.scalar(
            select(XapiStatement.id)
            .where(XapiStatement.subject == subject, XapiStatement.verb == verb_iri(verb))
            .limit(1)
        )
        is not None
    )


# --- what each domain records ---------------------------------------------------------------


def record_lesson_completed(
    user_id: int, lesson_id: str, titles: dict[str, str], started: datetime, completed: datetime
) -> None:
    record(
        user_id,
        "completed",
        Activity(f"/lessons/{lesson_id}", "lesson", titles["zh"], titles["en"]),
        f"lesson:{lesson_id}:{user_id}",
        completed,
        Result(completion=True, seconds=(completed - started).total_seconds()),
    )


@dataclass(frozen=True)
class AnsweredQuestion:
    position: int
    key: str
    text_zh: str
    text_en: str
    fraction: float
    points: float
    auto_graded: bool


def quiz_activity(slug: str, title_zh: str, title_en: str) -> Activity:
    return Activity(f"/quizzes/{slug}", "assessment", title_zh, title_en)


def record_attempt_started(
    user_id: int, attempt_id: int, quiz: Activity, started: datetime
) -> None:
    record(
        user_id,
        "attempted",
        quiz,
        f"attempt:{attempt_id}:start",
        started,
        registration_path=f"/attempts/{attempt_id}",
    )


def record_question_answered(
    user_id: int, attempt_id: int, quiz: Activity, question: AnsweredQuestion, at: datetime
) -> None:
    record(
        user_id,
        "answered",
        Activity(
            f"{quiz.path}/questions/{question.key}",
            "question",
            _first_line(question.text_zh),
            _first_line(question.text_en),
        ),
        f"attempt:{attempt_id}#{question.position}",
        at,
        Result(
            scaled=question.fraction,
            raw=question.fraction * question.points,
            max=question.points,
            # A written answer graded on a rubric has a score, not a right or wrong.
            success=(question.fraction >= 1.0) if question.auto_graded else None,
        ),
        parent=quiz,
        registration_path=f"/attempts/{attempt_id}",
    )


def record_attempt_result(
    user_id: int,
    attempt_id: int,
    quiz: Activity,
    score: float,
    max_score: float,
    passed: bool,
    started: datetime,
    submitted: datetime,
    at: datetime,
) -> None:
    record(
        user_id,
        "passed" if passed else "failed",
        quiz,
        f"attempt:{attempt_id}",
        at,
        Result(
            scaled=score / max_score if max_score else 0.0,
            raw=score,
            max=max_score,
            success=passed,
            seconds=(submitted - started).total_seconds(),
        ),
        registration_path=f"/attempts/{attempt_id}",
    )


def regrade_attempt(user_id: int, attempt_id: int, position: int) -> None:
    """A regrade changes what was said about one answer and about the attempt: void both."""
    void(f"attempt:{attempt_id}#{position}")
    void(f"attempt:{attempt_id}")


def record_roleplay_result(
    user_id: int,
    session_id: int,
    scenario_key: str,
    titles: dict[str, str],
    total: float,
    criteria: dict[str, float],
    passed: bool,
    started: datetime,
    finished: datetime,
    at: datetime,
    regrade: bool = False,
) -> None:
    """A finished call, with its rubric total (0–100) and each criterion's percent."""
    subject = f"roleplay:{session_id}"
    if regrade:
        void(subject, at)
    record(
        user_id,
        "passed" if passed else "failed",
        Activity(f"/roleplay/{scenario_key}", "simulation", titles["zh"], titles["en"]),
        subject,
        at,
        Result(
            scaled=total / 100,
            raw=total,
            max=100,
            success=passed,
            seconds=(finished - started).total_seconds(),
            extensions={"/xapi/extensions/rubric": {k: round(v, 2) for k, v in criteria.items()}},
        ),
        registration_path=f"/roleplay/sessions/{session_id}",
    )


def certification_activity(certification_id: str, name_zh: str, name_en: str) -> Activity:
    return Activity(f"/certifications/{certification_id}", "certification", name_zh, name_en)


def record_certificate(
    verb: str, user_id: int, code: str, certification: Activity, at: datetime
) -> None:
    """`earned` when issued, `expired`, or `revoked`; each said once per certificate."""
    subject = f"certificate:{code}:{verb}"
    if has_statement(subject, verb):
        return
    record(user_id, verb, certification, subject, at, registration_path=f"/verify/{code}")


def _first_line(text: str) -> str:
    line = next((raw.strip() for raw in text.splitlines() if raw.strip()), "")
    return line[:200] or "—"


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def served(row: XapiStatement) -> dict[str, Any]:
    """The statement as an LRS answers it: as sent, plus when it was stored."""
    return {**row.body, "stored": timestamp_text(row.stored_at)}


def statements(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    agent: str | None = None,
    verb: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> StatementPage:
    """Stored statements, oldest first; voided ones are left out, as an LRS does (their
    voiding statements are included)."""
    from sqlalchemy import func

    query = select(XapiStatement).where(XapiStatement.voided_by.is_(None))
    if since is not None:
        query = query.where(XapiStatement.stored_at > since)
    if until is not None:
        query = query.where(XapiStatement.stored_at <= until)
    if agent is not None:
        query = query.where(XapiStatement.agent_email == agent.removeprefix("mailto:").lower())
    if verb is not None:
        query = query.where(XapiStatement.verb == verb)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    rows = db.session.scalars(
        query.order_by(XapiStatement.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return StatementPage([served(r) for r in rows], total, page, pages)


def pending_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).where(XapiStatement.sent_at.is_(None))) or 0


def delay_after(attempts: int) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))

"""The audit log: what each event is called, how its details read, finding and exporting events.

Events are written by the services that make the change (`services.audit`), in the same
transaction. The log is append-only: no route edits or deletes an event, and the session below
refuses to flush a change to or a deletion of one, so a bug cannot rewrite history either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.sql import Select

from ..extensions import db
from .models import AuditEvent, User

PAGE_SIZE = 50
MAX_QUERY = 100

# Every action the code records, with the name people read. An unknown action (an old row)
# still shows, under its code.
EVENTS: dict[str, Any] = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.lockout": _l("Sign-in locked out"),
    "auth.sign_out": _l("Signed out"),
    "user.create": _l("Account created"),
    "user.import": _l("Accounts imported"),
    "user.update": _l("Account changed (name, roles, team or status)"),
    "user.password": _l("Password changed"),
    "team.create": _l("Team created"),
    "quiz.grade": _l("Essay graded"),
    "quiz.regrade": _l("Essay regraded"),
    "roleplay.grade": _l("Role-play reply graded"),
    "roleplay.regrade": _l("Role-play reply regraded"),
    "lesson.publish": _l("Lesson published"),
    "scenario.create": _l("Scenario created"),
    "scenario.publish": _l("Scenario published"),
    "question.save": _l("Question saved"),
    "question.move": _l("Question moved"),
    "question.archive": _l("Question archived"),
    "assignment.create": _l("Work assigned"),
    "certification.signoff": _l("Certification signed off"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.reinstate": _l("Certificate reinstated"),
    "calibration.request": _l("Second grading requested"),
    "calibration.grade": _l("Blind second grade given"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "export.personal_data": _l("Personal data exported"),
    "qa.interaction": _l("Interaction recorded for QA"),
    "qa.import": _l("Interactions imported for QA"),
    "qa.evaluate": _l("QA evaluation submitted"),
    "qa.dispute_open": _l("QA score disputed"),
    "qa.dispute_upheld": _l("QA dispute upheld"),
    "qa.dispute_changed": _l("QA dispute: level changed"),
}

DETAIL_LABELS: dict[str, Any] = {
    "address": _l("Address"),
    "cause": _l("Cause"),
    "display_name": _l("Name"),
    "roles": _l("Roles"),
    "team": _l("Team"),
    "active": _l("Active"),
    "emails": _l("Email addresses"),
    "old": _l("Before"),
    "new": _l("After"),
    "comment": _l("Comment"),
    "attempt": _l("Attempt"),
    "session": _l("Session"),
    "question": _l("Question"),
    "turn": _l("Turn"),
    "holder": _l("Holder"),
    "certification": _l("Certification"),
    "expires": _l("Expires"),
    "reason": _l("Reason"),
    "version": _l("Version"),
    "bank": _l("Bank"),
    "replaced": _l("Replaces"),
    "due": _l("Due"),
    "file": _l("File"),
    "rows": _l("Rows"),
    "filters": _l("Filters"),
    "evaluation": _l("Evaluation"),
    "reference": _l("Reference"),
    "criterion": _l("Criterion"),
    "channel": _l("Channel"),
    "total": _l("Total"),
    "passed": _l("Passed"),
    "critical": _l("Critical errors"),
    "stored": _l("Stored"),
}

ROLE_LABELS: dict[str, Any] = {
    "trainee": _l("Trainee"),
    "instructor": _l("Instructor"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
    "qa": _l("QA reviewer"),
}


CAUSES: dict[str, Any] = {
    "credentials": _l("wrong email or password"),
    "inactive": _l("account deactivated"),
}


def event_label(action: str) -> str:
    label = EVENTS.get(action)
    return str(label) if label is not None else action


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes")) if value else str(_l("no"))
    if isinstance(value, list):
        # update_user stores a change as [before, after]; role sets are lists themselves.
        is_change = len(value) == 2 and (
            key in ("display_name", "team", "active")
            or (key == "roles" and all(isinstance(v, list) for v in value))
        )
        if is_change:
            before, after = value
            return f"{_value(key, before)} → {_value(key, after)}"
        return ", ".join(_value(key, v) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}={_value(k, v)}" for k, v in value.items())
    if key == "cause" and value in CAUSES:
        return str(CAUSES[value])
    return str(value)


def _role_value(key: str, value: Any) -> Any:
    """Role codes become the names people read, inside lists too."""
    if key != "roles":
        return value
    if isinstance(value, list):
        return [_role_value(key, v) for v in value]
    return str(ROLE_LABELS.get(value, value)) if isinstance(value, str) else value


def describe(details: dict[str, Any]) -> list[tuple[str, str]]:
    """The details as (label, readable value) pairs, in the current language."""
    pairs = []
    for key, value in details.items():
        label = DETAIL_LABELS.get(key)
        pairs.append(
            (str(label) if label is not None else key, _value(key, _role_value(key, value)))
        )
    return pairs


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""  # a person (name or email of who acted, or the subject), or an event name
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive

    def as_args(self) -> dict[str, str]:
        args = {"q": self.q, "event": self.action or ""}
        args["from"] = self.since.isoformat() if self.since else ""
        args["to"] = self.until.isoformat() if self.until else ""
        return {k: v for k, v in args.items() if v}


def _matching_actions(text: str) -> list[str]:
    """Actions whose code or name in either language contains the text."""
    found = []
    for action, label in EVENTS.items():
        names = [action]
        for lang in ("zh", "en"):
            with force_locale(lang):
                names.append(str(label))
        if any(text in n.lower() for n in names):
            found.append(action)
    return found


def _select(filters: AuditFilters) -> Select[Any]:
    actor = aliased(User)
    stmt = select(AuditEvent).outerjoin(actor, actor.id == AuditEvent.actor_id)
    if filters.q:
        text = filters.q.lower()[:MAX_QUERY]
        like = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        conditions = [
            func.lower(actor.display_name).like(like, escape="\\"),
            func.lower(actor.email).like(like, escape="\\"),
            func.lower(AuditEvent.target).like(like, escape="\\"),
        ]
        actions = _matching_actions(text)
        if actions:
            conditions.append(AuditEvent.action.in_(actions))
        stmt = stmt.where(or_(*conditions))
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt.options(joinedload(AuditEvent.actor)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )


def search(filters: AuditFilters, page: int = 1) -> Pagination:
    return db.paginate(_select(filters), page=max(page, 1), per_page=PAGE_SIZE, error_out=False)


def known_actions() -> list[tuple[str, str]]:
    """(code, name) for the event filter: every known action, plus any older one in the log."""
    recorded = set(db.session.scalars(select(AuditEvent.action).distinct()))
    actions = set(EVENTS) | recorded
    return sorted(((a, event_label(a)) for a in actions), key=lambda pair: pair[1])


EXPORT_HEADER = ["at (UTC)", "actor", "actor_email", "event", "event_code", "subject", "details"]


def export_rows(filters: AuditFilters, chunk: int = 2000) -> Iterator[list[Any]]:
    """Every event the filters select, in the current language, read in chunks."""
    stmt = _select(filters).execution_options(yield_per=chunk)
    for item in db.session.scalars(stmt):
        yield [
            item.at,
            item.actor.display_name if item.actor else "",
            item.actor.email if item.actor else "",
            event_label(item.action),
            item.action,
            item.target,
            "; ".join(f"{label}: {value}" for label, value in describe(item.details or {})),
        ]


def record_export(actor: User, filters: AuditFilters) -> None:
    # The log names people and addresses: taking it away is an export of personal data too.
    from .services import audit

    audit(actor, "export.personal_data", "audit-log.csv", filters=filters.as_args())
    db.session.commit()


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise PermissionError("audit events are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj, include_collections=False):
            raise PermissionError("audit events are never changed")

"""Rules for certification: standing per person, issuing, sign-off, revocation, verification,
and the HR dashboard's queries and exports."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from ..auth.models import Role, Team, User, UserRole
from ..auth.services import audit
from ..competency.models import Proficiency
from ..competency.proficiency import estimate
from ..competency.services import levels as framework_levels
from ..database import utcnow
from ..extensions import db
from ..xapi import services as xapi
from ..xapi.models import XapiStatement
from . import requirements
from .loader import CertificationDef
from .models import Certificate, Certification, SignOff, Standing, Status

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
CODE_LENGTH = 12


class CertificationError(Exception):
    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


def load_certifications(defs: list[CertificationDef]) -> int:
    existing = {c.id: c for c in db.session.scalars(select(Certification))}
    for position, d in enumerate(defs, start=1):
        row = existing.get(d.id) or Certification(id=d.id)
        row.position, row.name_zh, row.name_en = position, d.name["zh"], d.name["en"]
        row.description_zh, row.description_en = d.description["zh"], d.description["en"]
        row.rules, row.signoff = d.rules, d.signoff
        row.valid_months, row.renew_within_days = d.valid_months, d.renew_within_days
        db.session.add(row)
    db.session.commit()
    return len(defs)


def all_certifications() -> list[Certification]:
    return list(db.session.scalars(select(Certification).order_by(Certification.position)))


def count_certifications() -> int:
    return db.session.scalar(select(func.count()).select_from(Certification)) or 0


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    met: list[str]
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def evaluate(
    user_ids: list[int], certifications: list[Certification]
) -> dict[tuple[int, str], Evaluation]:
    """Requirement by requirement, for many people at once: a fixed number of queries."""
    levels = framework_levels()
    order = {lv.id: i for i, lv in enumerate(levels)}
    comp_ids = sorted({c for cert in certifications for c in cert.rules["competencies"]})
    rows = (
        {
            (p.user_id, p.competency_id): p
            for p in db.session.scalars(
                select(Proficiency).where(
                    Proficiency.user_id.in_(user_ids), Proficiency.competency_id.in_(comp_ids)
                )
            )
        }
        if comp_ids
        else {}
    )
    quiz = requirements.results(
        "quiz", user_ids, sorted({q for cert in certifications for q in cert.rules["quizzes"]})
    )
    play = requirements.results(
        "roleplay",
        user_ids,
        sorted({r for cert in certifications for r in cert.rules["roleplays"]}),
    )
    signed = {
        (u, c)
        for u, c in db.session.execute(
            select(SignOff.user_id, SignOff.certification_id).where(SignOff.user_id.in_(user_ids))
        )
    }
    out = {}
    for user_id in user_ids:
        for cert in certifications:
            met: list[str] = []
            missing: list[str] = []
            for comp, level in cert.rules["competencies"].items():
                reached = estimate(rows.get((user_id, comp)), levels).level_id
                (met if order.get(reached, 0) >= order.get(level, 99) else missing).append(
                    f"competency:{comp}:{level}"
                )
            for slug, minimum in cert.rules["quizzes"].items():
                best = quiz.get((user_id, slug))
                (met if best is not None and best >= minimum else missing).append(
                    f"quiz:{slug}:{minimum}"
                )
            for key, minimum in cert.rules["roleplays"].items():
                best = play.get((user_id, key))
                (met if best is not None and best >= minimum else missing).append(
                    f"roleplay:{key}:{minimum}"
                )
            if cert.signoff and not missing:
                (met if (user_id, cert.id) in signed else missing).append("signoff")
            out[(user_id, cert.id)] = Evaluation(met, missing)
    return out


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(
        moment.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return moment.replace(year=year, month=month, day=day)


def refresh(user_id: int, now: datetime | None = None) -> None:
    """Bring this person's standings up to date; issue what they have earned."""
    now = now or utcnow()
    certifications = all_certifications()
    if not certifications:
        return
    evaluations = evaluate([user_id], certifications)
    standings = {
        s.certification_id: s
        for s in db.session.scalars(select(Standing).where(Standing.user_id == user_id))
    }
    for cert in certifications:
        ev = evaluations[(user_id, cert.id)]
        standing = standings.get(cert.id)
        if standing is None:
            standing = Standing(
                user_id=user_id,
                certification_id=cert.id,
                state=Status.NOT_STARTED,
                met=[],
                missing=[],
            )
            db.session.add(standing)
        standing.met, standing.missing, standing.updated_at = ev.met, ev.missing, now
        current = (
            db.session.get(Certificate, standing.certificate_id)
            if standing.certificate_id
            else None
        )
        valid = current is not None and current.revoked_at is None and current.expires_at > now
        renewing = (
            valid
            and current is not None
            and standing.renew_from is not None
            and now >= standing.renew_from
        )
        if standing.state == Status.REVOKED:
            continue  # a revocation stands; only an administrator's decision changes it
        if valid and not renewing:
            standing.state = Status.CERTIFIED
            continue
        if ev.complete:
            _issue(standing, cert, user_id, now)
        elif valid:
            standing.state = Status.CERTIFIED  # renewal window open, not yet re-earned
        elif cert.signoff and ev.missing == ["signoff"]:
            standing.state = Status.ELIGIBLE
        else:
            standing.state = Status.IN_PROGRESS if ev.met else Status.NOT_STARTED
    db.session.commit()


def _issue(standing: Standing, cert: Certification, user_id: int, now: datetime) -> Certificate:
    certificate = Certificate(
        code=_new_code(),
        user_id=user_id,
        certification_id=cert.id,
        issued_at=now,
        expires_at=_add_months(now, cert.valid_months),
    )
    db.session.add(certificate)
    db.session.flush()
    holder = db.session.get(User, user_id)
    audit(
        None,  # earned, not granted: the rules issue it
        "certificate.issue",
        certificate.code,
        holder=holder.email if holder else user_id,
        certification=cert.id,
        expires=certificate.expires_at.date().isoformat(),
    )
    standing.state, standing.certificate_id = Status.CERTIFIED, certificate.id
    xapi.record_certificate("earned", user_id, certificate.code, _activity(cert), now)
    standing.expires_at = certificate.expires_at
    standing.renew_from = certificate.expires_at - timedelta(days=cert.renew_within_days)
    db.session.query(SignOff).filter_by(user_id=user_id, certification_id=cert.id).delete()
    return certificate


def sign_off(user_id: int, certification_id: str, by: User) -> None:
    standing = db.session.get(Standing, (user_id, certification_id))
    if standing is None or standing.state != Status.ELIGIBLE:
        raise CertificationError(
            _l("Only a person who has met every other requirement can be signed off.")
        )
    db.session.merge(SignOff(user_id=user_id, certification_id=certification_id, by_id=by.id))
    audit(by, "certification.signoff", f"{certification_id}:{user_id}")
    db.session.commit()
    refresh(user_id)


def revoke(certificate: Certificate, by: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise CertificationError(_l("Give the reason for revoking the certificate."))
    if certificate.revoked_at is not None:
        raise CertificationError(_l("This certificate has already been revoked."))
    certificate.revoked_at, certificate.revoked_by = utcnow(), by.id
    certificate.revoke_reason = reason
    standing = db.session.get(Standing, (certificate.user_id, certificate.certification_id))
    if standing is not None and standing.certificate_id == certificate.id:
        standing.state = Status.REVOKED
    audit(by, "certificate.revoke", certificate.code, reason=reason)
    xapi.record_certificate(
        "revoked",
        certificate.user_id,
        certificate.code,
        _activity(certificate.certification),
        certificate.revoked_at,
    )
    db.session.commit()


def reinstate(certificate: Certificate, by: User, reason: str) -> None:
    """Undo a revocation (made in error, or overturned on appeal); the revocation stays in the
    audit log with the reason for both decisions."""
    reason = reason.strip()
    if not reason:
        raise CertificationError(_l("Give the reason for reinstating the certificate."))
    if certificate.revoked_at is None:
        raise CertificationError(_l("This certificate is not revoked."))
    revoked = {
        "revoked_at": certificate.revoked_at.isoformat(timespec="minutes"),
        "revoke_reason": certificate.revoke_reason,
    }
    certificate.revoked_at = certificate.revoked_by = certificate.revoke_reason = None
    standing = db.session.get(Standing, (certificate.user_id, certificate.certification_id))
    if standing is not None and standing.certificate_id == certificate.id:
        standing.state = Status.CERTIFIED  # refresh() below settles expiry and renewal
    audit(by, "certificate.reinstate", certificate.code, reason=reason, **revoked)
    xapi.void(f"certificate:{certificate.code}:revoked")  # the LRS learns it was undone
    db.session.commit()
    refresh(certificate.user_id)


def _activity(cert: Certification) -> xapi.Activity:
    return xapi.certification_activity(cert.id, cert.name_zh, cert.name_en)


def record_expiries(now: datetime | None = None) -> int:
    """Say `expired` once for every certificate whose time has run out (and that was not
    revoked first); the xAPI worker calls this on each pass. Returns how many were new."""
    now = now or utcnow()
    made = 0
    said = select(XapiStatement.id).where(
        XapiStatement.subject == literal("certificate:") + Certificate.code + literal(":expired")
    )
    for certificate in db.session.scalars(
        select(Certificate)
        .where(
            Certificate.expires_at <= now,
            Certificate.revoked_at.is_(None),
            ~said.exists(),
        )
        .order_by(Certificate.id)
    ):
        xapi.record_certificate(
            "expired",
            certificate.user_id,
            certificate.code,
            _activity(certificate.certification),
            certificate.expires_at,
        )
        made += 1
    db.session.commit()
    return made


def status_of(standing: Standing | None, now: datetime | None = None) -> Status:
    if standing is None:
        return Status.NOT_STARTED
    row = (standing.state, standing.expires_at, standing.renew_from, standing.certificate_id)
    return _status_from(row, now or utcnow())


def certificate_status(certificate: Certificate, now: datetime | None = None) -> str:
    if certificate.revoked_at is not None:
        return "revoked"
    return "expired" if certificate.expires_at <= (now or utcnow()) else "valid"


def find_certificate(code: str) -> Certificate | None:
    code = code.strip().upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificates_of(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def standings_of(user_id: int) -> dict[str, Standing]:
    return {
        s.certification_id: s
        for s in db.session.scalars(select(Standing).where(Standing.user_id == user_id))
    }


# --- the HR dashboard -----------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    team_id: int | None = None
    certification_id: str | None = None
    status: Status | None = None
    expiring_days: int | None = None
    query: str = ""
    sort: str = "name"


def _status_expression(now: datetime) -> Any:
    """The displayed status in SQL: expiry worked out from dates, at read time."""
    state = func.coalesce(Standing.state, literal(Status.NOT_STARTED.value))
    return case(
        (
            and_(Standing.state == Status.CERTIFIED.value, Standing.expires_at <= now),
            literal(Status.EXPIRED.value),
        ),
        (
            and_(Standing.state == Status.CERTIFIED.value, Standing.renew_from <= now),
            literal(Status.EXPIRING.value),
        ),
        else_=state,
    )


def _conditions(
    st: Any, filters: Filters, now: datetime, missing_is_not_started: bool
) -> list[Any]:
    """The status and expiry filters as plain comparisons the indexes can serve."""
    certified = st.state == Status.CERTIFIED.value
    out: list[Any] = []
    if filters.status == Status.EXPIRED:
        out += [certified, st.expires_at <= now]
    elif filters.status == Status.EXPIRING:
        out += [certified, st.expires_at > now, st.renew_from <= now]
    elif filters.status == Status.CERTIFIED:
        out += [certified, st.expires_at > now, or_(st.renew_from.is_(None), st.renew_from > now)]
    elif filters.status == Status.NOT_STARTED and missing_is_not_started:
        out.append(or_(st.state.is_(None), st.state == Status.NOT_STARTED.value))
    elif filters.status:
        out.append(st.state == filters.status.value)
    if filters.expiring_days:
        out += [
            certified,
            st.expires_at > now,
            st.expires_at <= now + timedelta(days=filters.expiring_days),
        ]
    return out


def _people(filters: Filters, now: datetime) -> Any:
    """Trainees matching the filters (one row per person)."""
    stmt = (
        select(User.id)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.TRAINEE.value))
        .where(User.active.is_(True))
    )
    if filters.team_id:
        stmt = stmt.where(User.team_id == filters.team_id)
    if filters.query:
        like = f"%{filters.query.lower()}%"
        stmt = stmt.where(
            or_(func.lower(User.display_name).like(like), func.lower(User.email).like(like))
        )
    if filters.certification_id and (filters.status or filters.expiring_days):
        st = aliased(Standing)
        stmt = stmt.outerjoin(
            st, and_(st.user_id == User.id, st.certification_id == filters.certification_id)
        )
        stmt = stmt.where(*_conditions(st, filters, now, missing_is_not_started=True))
    elif filters.status or filters.expiring_days:
        # Without a chosen certification: anyone with that status on any certification.
        st = aliased(Standing)
        conditions = _conditions(st, filters, now, missing_is_not_started=False)
        stmt = stmt.where(select(st.user_id).where(st.user_id == User.id, *conditions).exists())
    return stmt


@dataclass(frozen=True)
class MatrixRow:
    user: User
    team: str
    cells: dict[str, tuple[Status, Standing | None]]


@dataclass(frozen=True)
class Dashboard:
    rows: list[MatrixRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    team_shares: list[tuple[str, float]]


def dashboard(
    filters: Filters, page: int = 1, now: datetime | None = None, per_page: int = PAGE_SIZE
) -> Dashboard:
    """One page of the people × certifications matrix, plus counts and team shares:
    a fixed number of queries whatever the number of people."""
    now = now or utcnow()
    people = _people(filters, now).subquery()
    total = db.session.scalar(select(func.count()).select_from(people)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    order = {"name": User.display_name, "team": Team.name, "email": User.email}.get(
        filters.sort, User.display_name
    )
    users = db.session.execute(
        select(User, Team.name)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id.in_(select(people.c.id)))
        .order_by(order, User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [u.id for u, _team in users]
    standings = (
        {
            (s.user_id, s.certification_id): s
            for s in db.session.scalars(select(Standing).where(Standing.user_id.in_(ids)))
        }
        if ids
        else {}
    )
    certifications = all_certifications()
    rows = [
        MatrixRow(
            user,
            team or "—",
            {
                c.id: (
                    status_of(standings.get((user.id, c.id)), now),
                    standings.get((user.id, c.id)),
                )
                for c in certifications
            },
        )
        for user, team in users
    ]
    # Counts per status and the certified share per team, in one pass over everyone filtered
    # (for the chosen certification, or every one): one aggregate query whatever the size.
    status = _status_expression(now)
    certs = select(Certification.id).subquery()
    tally = (
        select(User.team_id, status.label("status"), func.count().label("n"))
        .select_from(people)
        .join(User, User.id == people.c.id)
        .join(certs, literal(True))
        .outerjoin(
            Standing, and_(Standing.user_id == people.c.id, Standing.certification_id == certs.c.id)
        )
    )
    if filters.certification_id:
        tally = tally.where(certs.c.id == filters.certification_id)
    counts = {s.value: 0 for s in Status}
    by_team: dict[int, list[int]] = {}  # team → [holding a valid certificate, all]
    for team_id, state, n in db.session.execute(tally.group_by(User.team_id, status)):
        counts[state] = counts.get(state, 0) + n
        if team_id is not None:
            entry = by_team.setdefault(team_id, [0, 0])
            entry[1] += n
            if state in (Status.CERTIFIED.value, Status.EXPIRING.value):
                entry[0] += n
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(by_team))).all())
    shares = sorted(
        ((names[t], held / total if total else 0.0) for t, (held, total) in by_team.items()),
        key=lambda item: item[0],
    )
    return Dashboard(rows, total, page, pages, counts, shares)


def record_export(actor: User, filename: str, filters: Filters) -> None:
    """An HR export holds personal data: who took which file, with which filters, is audited."""
    chosen = {
        k: (v.value if isinstance(v, Status) else v)
        for k, v in asdict(filters).items()
        if v not in (None, "") and k != "sort"
    }
    audit(actor, "export.personal_data", filename, filters=chosen)
    db.session.commit()


def export_rows(
    filters: Filters, now: datetime | None = None, chunk: int = 2000
) -> Iterator[list[Any]]:
    """Every row the filters select (not just one page), streamed chunk by chunk.

    Plain columns, not ORM objects (the export needs no relationships), and keyset paging on
    (name, id), so each chunk costs the same three queries however far into the list it is.
    """
    now = now or utcnow()
    people = _people(filters, now).subquery()
    certifications = all_certifications()
    if filters.certification_id:
        certifications = [c for c in certifications if c.id == filters.certification_id]
    after: tuple[str, int] | None = None
    while True:
        stmt = (
            select(User.id, User.display_name, User.email, Team.name)
            .outerjoin(Team, Team.id == User.team_id)
            .where(User.id.in_(select(people.c.id)))
            .order_by(User.display_name, User.id)
            .limit(chunk)
        )
        if after is not None:
            stmt = stmt.where(tuple_(User.display_name, User.id) > tuple_(*after))
        users = db.session.execute(stmt).all()
        if not users:
            return
        ids = [row[0] for row in users]
        standings = {
            (u, c): (state, expires, renew, cert_id)
            for u, c, state, expires, renew, cert_id in db.session.execute(
                select(
                    Standing.user_id,
                    Standing.certification_id,
                    Standing.state,
                    Standing.expires_at,
                    Standing.renew_from,
                    Standing.certificate_id,
                ).where(Standing.user_id.in_(ids))
            )
        }
        cert_ids = [v[3] for v in standings.values() if v[3]]
        codes = (
            dict(
                db.session.execute(
                    select(Certificate.id, Certificate.code).where(Certificate.id.in_(cert_ids))
                ).all()
            )
            if cert_ids
            else {}
        )
        for user_id, name, email, team in users:
            for cert in certifications:
                found = standings.get((user_id, cert.id))
                status = _status_from(found, now)
                yield [
                    name,
                    email,
                    team or "",
                    cert.id,
                    cert.name_zh,
                    cert.name_en,
                    status.value,
                    found[1].date() if found and found[1] else None,
                    codes.get(found[3], "") if found and found[3] else "",
                ]
        after = (users[-1][1], users[-1][0])


def _status_from(found: tuple[Any, ...] | None, now: datetime) -> Status:
    """status_of for a (state, expires_at, renew_from, certificate_id) row."""
    if found is None:
        return Status.NOT_STARTED
    state, expires, renew, _certificate = found
    if state == Status.CERTIFIED and expires is not None:
        if expires <= now:
            return Status.EXPIRED
        if renew is not None and renew <= now:
            return Status.EXPIRING
    return Status(state)


def requirement_label(code: str, names: dict[str, str]) -> str:
    """A requirement code of `evaluate` in words, with the names from `requirement_names`."""
    kind, _sep, rest = code.partition(":")
    if kind == "signoff":
        return gettext("Instructor's sign-off")
    ident, _sep, minimum = rest.rpartition(":")
    if kind == "competency":
        return gettext(
            "%(c)s at level %(l)s or above",
            c=names.get(ident, ident),
            l=names.get(minimum, minimum),
        )
    if kind == "quiz":
        return gettext("Quiz “%(q)s”: %(m)s%% or more", q=names.get(ident, ident), m=minimum)
    return gettext(
        "Role-play “%(r)s”: %(m)s or more, no critical error", r=names.get(ident, ident), m=minimum
    )


def requirement_names(lang: str) -> dict[str, str]:
    """Readable names for the ids certification rules mention."""
    from ..competency.models import Competency, Level

    names = {c.id: c.name(lang) for c in db.session.scalars(db.select(Competency))}
    names.update({lv.id: lv.name(lang) for lv in db.session.scalars(db.select(Level))})
    certifications = all_certifications()
    for kind, key in (("quiz", "quizzes"), ("roleplay", "roleplays")):
        ids = sorted({i for c in certifications for i in c.rules[key]})
        names.update(requirements.names(kind, ids, lang))
    return names

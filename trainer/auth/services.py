"""Rules for people: accounts, passwords, roles, teams and bulk import. No request objects here."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import utcnow
from ..extensions import db
from .models import AuditEvent, Role, Team, User, UserRole

MIN_PASSWORD_LENGTH = 8
MIN_PASSWORD_SCORE = 2  # zxcvbn's 0–4 scale
LOCALES = ("zh", "en")
CSV_REQUIRED_COLUMNS = ("email", "display_name", "roles")
CSV_OPTIONAL_COLUMNS = ("team", "locale", "password")
CSV_MAX_ROWS = 5000


class AccountError(ValueError):
    """A request about an account that cannot be honoured; `message` is shown to the user."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _check_password_strength(password: str, user_inputs: Iterable[str] = ()) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)
        )
    # zxcvbn knows the 30,000 most common passwords, keyboard walks, dates, l33t spellings and
    # the person's own name and email; score 2 means "guessable only with many attempts".
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=list(user_inputs))["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(
            _l(
                "This password is too easy to guess (a common password, a simple pattern "
                "or your own name). Choose a longer or less predictable one."
            )
        )


def _check_email(email: str) -> None:
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise AccountError(_l("“%(email)s” is not a valid email address.", email=email))


def parse_roles(values: Iterable[str]) -> set[Role]:
    roles: set[Role] = set()
    for value in values:
        name = value.strip().lower()
        if not name:
            continue
        try:
            roles.add(Role(name))
        except ValueError:
            raise AccountError(
                _l(
                    "Unknown role “%(role)s”; use trainee, instructor, hr or admin.",
                    role=value.strip(),
                )
            ) from None
    if not roles:
        raise AccountError(_l("Give the person at least one role."))
    return roles


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_team_by_name(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))


def audit(actor: User | int | None, action: str, target: str, **details: Any) -> None:
    """Record an event in the caller's transaction (see audit.py for names and reading)."""
    actor_id = actor.id if isinstance(actor, User) else actor
    db.session.add(
        AuditEvent(actor_id=actor_id, action=action, target=target[:120], details=details)
    )


def create_team(name: str, actor: User | None = None) -> Team:
    name = name.strip()
    if not name:
        raise AccountError(_l("A team needs a name."))
    if get_team_by_name(name):
        raise AccountError(_l("A team called “%(name)s” already exists.", name=name))
    team = Team(name=name)
    db.session.add(team)
    audit(actor, "team.create", name)
    db.session.commit()
    return team


def get_or_create_team(name: str) -> Team:
    team = get_team_by_name(name)
    if team is None:
        team = Team(name=name.strip())
        db.session.add(team)
        db.session.flush()
    return team


def _new_user(
    email: str,
    display_name: str,
    password: str,
    roles: set[Role],
    team: Team | None,
    locale: str | None,
) -> User:
    email = normalise_email(email)
    _check_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise AccountError(_l("A display name is required."))
    _check_password_strength(password, (email, email.partition("@")[0], display_name))
    if locale is not None and locale not in LOCALES:
        raise AccountError(_l("Unknown language “%(locale)s”; use zh or en.", locale=locale))
    if find_user_by_email(email):
        raise AccountError(_l("An account for %(email)s already exists.", email=email))
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        team=team,
        locale=locale,
        role_rows=[UserRole(role=r) for r in sorted(roles)],
    )
    db.session.add(user)
    return user


def create_user(
    email: str,
    display_name: str,
    password: str,
    roles: Iterable[Role | str],
    team: Team | None = None,
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    user = _new_user(email, display_name, password, parse_roles(roles), team, locale)
    audit(actor, "user.create", user.email, roles=sorted(user.roles))
    db.session.commit()
    return user


@cache
def _stand_in_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(email: str, password: str, address: str | None = None) -> User:
    """The user whose credentials these are; one message for unknown email and wrong password.

    Every attempt is audited, with the address it came from; a failure is committed before the
    error is raised, so the request that shows the error cannot roll it back.
    """
    user = find_user_by_email(email)
    # An unknown email is checked against a stand-in hash, so the answer takes as long as for
    # a real account and its timing does not tell which emails have one.
    correct = check_password_hash(user.password_hash if user else _stand_in_hash(), password)
    correct = correct and user is not None
    if user is None or not correct or not user.active:
        inactive = user is not None and correct
        reason = "inactive" if inactive else "credentials"
        target = normalise_email(email) or "—"
        audit(user, "auth.sign_in_failed", target, address=address, cause=reason)
        db.session.commit()
        if inactive:
            raise AccountError(
                _l("This account has been deactivated. Ask your administrator to reactivate it.")
            )
        raise AccountError(_l("The email or password is not correct."))
    audit(user, "auth.sign_in", user.email, address=address)
    db.session.commit()
    return user


LOCKOUT_QUIET = timedelta(minutes=15)


def record_lockout(email: str, address: str | None, now: datetime | None = None) -> None:
    """Sign-ins for this account are being refused by the rate limit: one event per quarter hour.

    The limit refuses every further attempt; recording each would let an attacker flood the log.
    """
    now = now or utcnow()
    target = normalise_email(email) or "—"
    recent = db.session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.action == "auth.lockout", AuditEvent.target == target[:120])
        .where(AuditEvent.at > now - LOCKOUT_QUIET)
        .limit(1)
    )
    if recent is None:
        audit(find_user_by_email(email), "auth.lockout", target, address=address)
        db.session.commit()


def end_sessions(user: User) -> None:
    """Sign the person out on every device: cookies issued so far stop working."""
    user.session_version += 1
    audit(user, "auth.sign_out", user.email)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_l("Your current password is not correct."))
    _check_password_strength(new, (user.email, user.email.partition("@")[0], user.display_name))
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit(user, "user.password", user.email)
    db.session.commit()


def update_user(
    user: User,
    *,
    actor: User,
    display_name: str,
    roles: Iterable[Role | str],
    team: Team | None,
    active: bool,
) -> None:
    new_roles = parse_roles(roles)
    if user.id == actor.id and (not active or Role.ADMIN not in new_roles):
        raise AccountError(_l("You cannot remove your own administrator access."))
    if not display_name.strip():
        raise AccountError(_l("A display name is required."))
    changes: dict[str, Any] = {}
    if display_name.strip() != user.display_name:
        changes["display_name"] = [user.display_name, display_name.strip()]
        user.display_name = display_name.strip()
    if new_roles != user.roles:
        changes["roles"] = [sorted(user.roles), sorted(new_roles)]
        user.role_rows = [UserRole(role=r) for r in sorted(new_roles)]
    if (team.id if team else None) != user.team_id:
        changes["team"] = [user.team.name if user.team else None, team.name if team else None]
        user.team = team
    if active != user.active:
        changes["active"] = [user.active, active]
        user.active = active
        if not active:
            user.session_version += 1  # signs the person out everywhere
    if changes:
        audit(actor, "user.update", user.email, **changes)
    db.session.commit()


def valid_timezone(name: str) -> bool:
    return name in available_timezones()


def set_preferences(user: User, locale: str | None, timezone: str) -> None:
    if locale is not None and locale not in LOCALES:
        raise AccountError(_l("Unknown language “%(locale)s”; use zh or en.", locale=locale))
    if not valid_timezone(timezone):
        raise AccountError(_l("Unknown time zone “%(tz)s”.", tz=timezone))
    user.locale = locale
    user.timezone = timezone
    db.session.commit()


# --- bulk import -----------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    email: str
    ok: bool
    message: LazyString | str
    password: str | None = None  # generated passwords are shown once, in the report


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    error: LazyString | str | None = None  # the whole file was refused

    @property
    def created(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]


def import_users_csv(data: bytes, actor: User | None = None) -> ImportReport:
    """Create every valid row, reject the others with a reason; a broken file changes nothing."""
    report = ImportReport()
    if not data.strip():
        report.error = _l("The file is empty.")
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error = _l(
            "The file is not UTF-8 text. Save it as “CSV UTF-8” in your spreadsheet and try again."
        )
        return report
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        # Read it all first: a broken line anywhere refuses the whole file.
        records = [(reader.line_num, record) for record in reader]
    except csv.Error:
        report.error = _l(
            "Line %(line)d is not valid CSV: a field is far too long or a quotation mark is "
            "not closed.",
            line=max(reader.line_num, 1),
        )
        return report
    missing = [c for c in CSV_REQUIRED_COLUMNS if c not in header]
    if missing:
        report.error = _l(
            "The header row lacks the column(s): %(cols)s. Required: %(req)s.",
            cols=", ".join(missing),
            req=", ".join(CSV_REQUIRED_COLUMNS),
        )
        return report
    # Counted before any work: each row hashes a password, so an oversized file is refused
    # before it can keep a worker busy.
    if sum(1 for _line, record in records if any(record.values())) > CSV_MAX_ROWS:
        report.error = _l("The file has more than %(n)d rows; split it.", n=CSV_MAX_ROWS)
        return report
    seen: set[str] = set()
    for line, record in records:
        values = {k: (v or "").strip() for k, v in record.items() if k}
        email = normalise_email(values.get("email", ""))
        if not any(values.values()):
            continue
        if email in seen:
            report.rows.append(ImportRow(line, email, False, _l("Duplicate email in this file.")))
            continue
        seen.add(email)
        try:
            team = None
            if values.get("team"):
                team = get_team_by_name(values["team"])
                if team is None:
                    raise AccountError(
                        _l("Unknown team “%(team)s”; create it first.", team=values["team"])
                    )
            generated = None
            password = values.get("password") or ""
            if not password:
                generated = password = secrets.token_urlsafe(9)
            # Every check runs before the row is added, so a rejected row leaves nothing behind.
            _new_user(
                email,
                values.get("display_name", ""),
                password,
                parse_roles(values.get("roles", "").replace(",", ";").split(";")),
                team,
                values.get("locale") or None,
            )
        except AccountError as exc:
            report.rows.append(ImportRow(line, email, False, exc.message))
            continue
        report.rows.append(ImportRow(line, email, True, _l("Created."), generated))
    if not report.rows:
        report.error = _l("The file has a header but no people in it.")
        return report
    if report.created:
        audit(
            actor,
            "user.import",
            f"{len(report.created)} users",
            emails=[r.email for r in report.created],
        )
    db.session.commit()
    return report


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0

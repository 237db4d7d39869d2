"""Account rules, tested without HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import PASSWORD, make_team, make_user
from trainer.auth import services as accounts
from trainer.auth.models import AuditEvent, Role, User
from trainer.extensions import db


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    """Messages are compared in English; their Chinese is covered by the catalogue tests."""
    with force_locale("en"):
        yield


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_email_is_case_insensitive_and_unique(app: Flask) -> None:
    make_user("Chen.Jing@Example.com")
    assert accounts.authenticate("chen.jing@example.com", PASSWORD).email == "chen.jing@example.com"
    with pytest.raises(accounts.AccountError, match="already exists"):
        make_user("CHEN.JING@example.com")


def test_wrong_password_and_unknown_user_get_the_same_message(app: Flask) -> None:
    make_user()
    with pytest.raises(accounts.AccountError) as wrong:
        accounts.authenticate("trainee@example.com", "not-the-password")
    with pytest.raises(accounts.AccountError) as unknown:
        accounts.authenticate("nobody@example.com", PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_deactivated_user_cannot_sign_in(app: Flask) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,))
    user = make_user()
    accounts.update_user(
        user,
        actor=admin,
        display_name=user.display_name,
        roles=["trainee"],
        team=None,
        active=False,
    )
    with pytest.raises(accounts.AccountError, match="deactivated"):
        accounts.authenticate("trainee@example.com", PASSWORD)


def test_change_password_checks_the_current_one(app: Flask) -> None:
    user = make_user()
    with pytest.raises(accounts.AccountError, match="current password"):
        accounts.change_password(user, "wrong", "a-new-password")
    old_version = user.session_version
    accounts.change_password(user, PASSWORD, "a-new-password")
    assert accounts.authenticate(user.email, "a-new-password") == user
    assert user.session_version == old_version + 1


def test_short_password_is_refused(app: Flask) -> None:
    with pytest.raises(accounts.AccountError, match="at least 8"):
        accounts.create_user("a@example.com", "A", "short", ["trainee"])
    assert user_count() == 0


def test_admin_cannot_lock_themselves_out(app: Flask) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,))
    with pytest.raises(accounts.AccountError, match="own administrator"):
        accounts.update_user(
            admin, actor=admin, display_name="A", roles=["trainee"], team=None, active=True
        )


def test_updates_are_audited_with_what_changed(app: Flask) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,))
    team = make_team("在线客服组")
    user = make_user()
    accounts.update_user(
        user,
        actor=admin,
        display_name="王小雨",
        roles=["trainee", "instructor"],
        team=team,
        active=True,
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert event.actor_id == admin.id
    assert event.details["roles"] == [["trainee"], ["instructor", "trainee"]]
    assert event.details["team"] == [None, "在线客服组"]
    assert user.roles == {Role.TRAINEE, Role.INSTRUCTOR}


# --- CSV import ---------------------------------------------------------------------------


def test_csv_import_creates_good_rows_and_explains_bad_ones(app: Flask) -> None:
    make_team("热线一组")
    make_user("existing@example.com")
    data = (
        "email,display_name,roles,team\n"
        "chen.jing@example.com,陈静,trainee,热线一组\n"
        "existing@example.com,重复,trainee,\n"
        "liu.yang@example.com,刘洋,trainee;instructor,\n"
        "bad-address,坏地址,trainee,\n"
        "zhou@example.com,周,supervisor,\n"
        "chen.jing@example.com,陈静,trainee,\n"
        "sun@example.com,孙,trainee,不存在的组\n"
    ).encode()
    report = accounts.import_users_csv(data)
    assert report.error is None
    assert [r.email for r in report.created] == ["chen.jing@example.com", "liu.yang@example.com"]
    reasons = {r.line: str(r.message) for r in report.rejected}
    assert "already exists" in reasons[3]
    assert "not a valid email" in reasons[5]
    assert "Unknown role" in reasons[6]
    assert "Duplicate email" in reasons[7]
    assert "Unknown team" in reasons[8]
    created = accounts.find_user_by_email("liu.yang@example.com")
    assert created is not None and created.roles == {Role.TRAINEE, Role.INSTRUCTOR}
    # Generated passwords are reported once and work.
    row = report.created[0]
    assert row.password
    assert accounts.authenticate("chen.jing@example.com", row.password)
    assert user_count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"email,display_name\nx@example.com,X\n", "lacks the column(s): roles"),
        (b"email,display_name,roles\n", "no people"),
        ("email,display_name,roles\n张@example.com,张三,trainee\n".encode("gb18030"), "not UTF-8"),
    ],
)
def test_a_broken_file_changes_nothing(app: Flask, data: bytes, message: str) -> None:
    report = accounts.import_users_csv(data)
    assert report.error is not None and message in str(report.error)
    assert report.created == []
    assert user_count() == 0


def test_csv_with_byte_order_mark_from_excel_is_read(app: Flask) -> None:
    data = "\ufeffemail,display_name,roles\nli@example.com,李,trainee\n".encode()
    report = accounts.import_users_csv(data)
    assert [r.email for r in report.created] == ["li@example.com"]

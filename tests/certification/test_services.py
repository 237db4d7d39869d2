"""Certification without HTTP: earning, sign-off, expiry by date, revocation, verification."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import QueryCounter, make_team, make_user
from tests.content_factory import make_full_tree
from tests.quizzes.test_services import answers_for
from trainer.auth.models import Role
from trainer.certification import services
from trainer.certification.models import Status
from trainer.content_tree import load_tree, read_tree
from trainer.database import utcnow
from trainer.quizzes import services as quizzes

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def tree(app: Flask, tmp_path: Path) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))


def pass_quiz(user_id: int) -> None:
    teacher = make_user(f"t{user_id}@example.com", (Role.INSTRUCTOR,))
    attempt = quizzes.start_attempt(quizzes.get_quiz("basics-quiz"), user_id)
    quizzes.save_answers(attempt, answers_for(attempt))
    quizzes.submit_attempt(attempt)
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    quizzes.grade_essay(attempt, essay.position, teacher.id, [2, 2], "")


@pytest.mark.usefixtures("tree")
def test_passing_the_quiz_earns_the_certificate() -> None:
    user = make_user()
    services.refresh(user.id)
    assert services.status_of(services.standings_of(user.id).get("basics")) == Status.NOT_STARTED
    pass_quiz(user.id)  # quiz evidence also lifts active listening to Developing
    standing = services.standings_of(user.id)["basics"]
    assert services.status_of(standing) == Status.CERTIFIED
    (certificate,) = services.certificates_of(user.id)
    assert certificate.expires_at.year == certificate.issued_at.year + 1
    assert services.find_certificate(certificate.code.lower()) == certificate
    assert services.certificate_status(certificate) == "valid"


@pytest.mark.usefixtures("tree")
def test_expiry_is_worked_out_from_dates_at_read_time() -> None:
    user = make_user()
    pass_quiz(user.id)
    standing = services.standings_of(user.id)["basics"]
    assert standing.expires_at is not None
    soon = standing.expires_at - timedelta(days=10)
    later = standing.expires_at + timedelta(days=1)
    assert services.status_of(standing, soon) == Status.EXPIRING
    assert services.status_of(standing, later) == Status.EXPIRED


@pytest.mark.usefixtures("tree")
def test_recertifying_keeps_the_old_record() -> None:
    user = make_user()
    pass_quiz(user.id)
    standing = services.standings_of(user.id)["basics"]
    assert standing.renew_from is not None
    services.refresh(user.id, now=standing.renew_from + timedelta(days=1))
    certificates = services.certificates_of(user.id)
    assert len(certificates) == 2  # the renewal is a new certificate; the first stays on record


@pytest.mark.usefixtures("tree")
def test_revocation_needs_a_reason_and_sticks() -> None:
    user = make_user()
    admin = make_user("admin@example.com", (Role.ADMIN,))
    pass_quiz(user.id)
    (certificate,) = services.certificates_of(user.id)
    with pytest.raises(services.CertificationError, match="reason"):
        services.revoke(certificate, admin, "  ")
    services.revoke(certificate, admin, "证书信息有误")
    assert services.certificate_status(certificate) == "revoked"
    services.refresh(user.id)
    assert services.status_of(services.standings_of(user.id)["basics"]) == Status.REVOKED
    assert len(services.certificates_of(user.id)) == 1


@pytest.mark.usefixtures("tree")
def test_sign_off_waits_for_every_other_requirement() -> None:
    from tests.content_factory import REAL_CONTENT
    from tests.roleplay.test_services import STRONG, play
    from trainer.phrases import load_phrase_book
    from trainer.roleplay import services as roleplay

    user = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    with pytest.raises(services.CertificationError):
        services.sign_off(user.id, "calls", teacher)
    session = roleplay.start_session(roleplay.get_scenario("test-call"), user.id)
    play(session, [0, 0, STRONG, 0, 0], load_phrase_book(REAL_CONTENT, []))
    roleplay.grade_turn(session, 3, teacher.id, {"empathy": 3, "language": 2}, "")
    assert services.status_of(services.standings_of(user.id)["calls"]) == Status.ELIGIBLE
    services.sign_off(user.id, "calls", teacher)
    assert services.status_of(services.standings_of(user.id)["calls"]) == Status.CERTIFIED


@pytest.mark.parametrize("code", ["", "nope", "AAAAAAAAAAAA", "0O1I0O1I0O1I", "x" * 500])
def test_unknown_or_malformed_codes_find_nothing(app: Flask, code: str) -> None:
    assert services.find_certificate(code) is None


@pytest.mark.usefixtures("tree")
def test_dashboard_filters_counts_and_shares() -> None:
    a, b = make_team("甲组"), make_team("乙组")
    certified = make_user("c@example.com", team=a, name="张三")
    make_user("n@example.com", team=b, name="李四")
    make_user("hr@example.com", (Role.HR,), name="人事")  # not a trainee: not in the matrix
    pass_quiz(certified.id)
    board = services.dashboard(services.Filters())
    assert board.total == 2
    assert board.counts["certified"] == 1 and board.counts["not_started"] == 3
    assert dict(board.team_shares) == {"甲组": 0.5, "乙组": 0.0}
    only = services.dashboard(services.Filters(certification_id="basics", status=Status.CERTIFIED))
    assert [r.user.display_name for r in only.rows] == ["张三"]
    expiring = services.dashboard(services.Filters(certification_id="basics", expiring_days=400))
    assert [r.user.display_name for r in expiring.rows] == ["张三"]
    none = services.dashboard(services.Filters(certification_id="basics", expiring_days=30))
    assert none.rows == [] and none.total == 0
    rows = list(services.export_rows(services.Filters(team_id=a.id)))
    assert [r[6] for r in rows] == ["certified", "not_started"]


def test_dashboard_queries_are_bounded(
    app: Flask, tmp_path: Path, count_queries: QueryCounter
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))
    team = make_team()
    for i in range(5):
        make_user(f"p{i}@example.com", team=team)
    count_queries.count = 0
    services.dashboard(services.Filters(), now=utcnow())
    few = count_queries.count
    for i in range(60):
        make_user(f"x{i}@example.com", team=team)
    count_queries.count = 0
    services.dashboard(services.Filters(), now=utcnow())
    assert count_queries.count == few

"""`trainer demo` after `trainer load-content`: a QA reviewer, evaluated calls and a chat of the
demo trainee, one open dispute, one call waiting in the queue; run twice, nothing doubles."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from trainer.auth import services as accounts
from trainer.auth.models import Role
from trainer.competency.models import Evidence, SourceKind
from trainer.extensions import db
from trainer.qa.models import Dispute, DisputeState, Evaluation, Interaction


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_data_for_quality_review(app: Flask) -> None:
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["load-content"])
    assert loaded.exit_code == 0, loaded.output
    assert "QA scorecards: 2 new" in loaded.output
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    reviewer = accounts.authenticate("qa@example.com", "trainer-demo")
    assert Role.QA in reviewer.roles
    assert count(Interaction) == 4 and count(Evaluation) == 3
    channels = set(db.session.scalars(select(Interaction.channel)))
    assert channels == {"voice", "chat"}
    disputes = db.session.scalars(select(Dispute)).all()
    assert [d.state for d in disputes] == [DisputeState.OPEN]
    failed = db.session.scalars(select(Evaluation).where(Evaluation.passed.is_(False))).all()
    assert ["call-avoidance"] in [e.critical_errors for e in failed]
    assert db.session.scalar(select(Evaluation).where(Evaluation.passed.is_(True)))
    trainee = accounts.find_user_by_email("trainee@example.com")
    assert trainee is not None
    assert db.session.scalar(
        select(func.count())
        .select_from(Evidence)
        .where(Evidence.user_id == trainee.id, Evidence.source_kind == SourceKind.QA)
    )

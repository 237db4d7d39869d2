"""QA pages: who may see what, the evaluation form with its suggestions, disputes through the
pages, CSRF, and a hostile transcript shown escaped."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token_from, login, make_app, make_user
from tests.qa.conftest import People, make_interaction
from trainer.auth.models import Role
from trainer.extensions import db
from trainer.phrases import PhraseBook
from trainer.qa import services
from trainer.qa.models import Dispute, Evaluation

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def levels_form(**changes: str) -> dict[str, str]:
    card = services.definition(services.scorecard_for(services.Channel.VOICE))
    data = {f"level-{c.id}": "100" for c in card.criteria}
    data.update({f"level-{k}": v for k, v in changes.items()})
    return data


def test_the_queue_is_for_reviewers_and_leads_and_a_trainee_gets_403(
    client: FlaskClient, people: People
) -> None:
    make_interaction(people)
    login(client, people.agent.email)
    assert client.get("/qa/").status_code == 403
    assert client.get("/qa/new").status_code == 403
    assert client.get("/qa/import").status_code == 403
    assert client.get("/qa/disputes").status_code == 403
    client.post("/logout")
    for email in (people.reviewer.email, people.lead.email):
        login(client, email)
        page = client.get("/qa/")
        assert page.status_code == 200 and "CALL-1" in page.text
        assert "CALL-1" not in client.get("/qa/?status=evaluated").text
        assert "CALL-1" in client.get("/qa/?status=to-review&channel=voice").text
        assert "CALL-1" not in client.get("/qa/?channel=chat").text
        client.post("/logout")


def test_a_reviewer_evaluates_with_suggestions_and_the_agent_sees_only_their_own(
    client: FlaskClient, people: People, book: PhraseBook
) -> None:
    interaction = make_interaction(people)
    other = make_user("other@example.com", (Role.TRAINEE,), name="别人")
    theirs = services.create_interaction(
        services.NewInteraction(other.email, "chat", "2026-12-01", "T-1", "Agent: hi"),
        people.reviewer,
    )
    login(client, people.reviewer.email)
    page = client.get(f"/qa/interactions/{interaction.id}")
    assert page.status_code == 200
    # The greeting's suggestion is pre-selected: 100 % is checked and marked suggested.
    block = re.search(
        r'data-criterion="greeting" data-suggested="100">(.*?)</fieldset>', page.text, re.S
    )
    assert block and re.search(r'value="100" checked', block.group(1))
    response = client.post(
        f"/qa/interactions/{interaction.id}", data=levels_form(**{"hold-transfer": "na"})
    )
    assert response.status_code == 302
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation is not None
    services.evaluate(
        theirs,
        people.reviewer,
        services.EvaluationInput(
            {
                c.id: "100"
                for c in services.definition(services.scorecard_for(services.Channel.CHAT)).criteria
            }
        ),
        book,
    )
    client.post("/logout")
    login(client, people.agent.email)
    mine = client.get("/qa/mine")
    assert mine.status_code == 200 and "CALL-1" in mine.text and "T-1" not in mine.text
    detail = client.get(f"/qa/evaluations/{evaluation.id}")
    assert 'data-passed="true"' in detail.text and 'id="dispute"' in detail.text
    others = db.session.scalar(select(Evaluation).where(Evaluation.agent_id == other.id))
    assert others is not None
    assert client.get(f"/qa/evaluations/{others.id}").status_code == 404
    assert client.post(f"/qa/evaluations/{others.id}/dispute", data={}).status_code == 404
    # The agent disputes one criterion; the lead changes it.
    client.post(
        f"/qa/evaluations/{evaluation.id}/dispute",
        data={"criterion": "empathy", "reason": "录音里道歉了"},
    )
    dispute = db.session.scalar(select(Dispute))
    assert dispute is not None and dispute.criterion == "empathy"
    client.post("/logout")
    login(client, people.lead.email)
    assert "录音里道歉了" in client.get(f"/qa/evaluations/{evaluation.id}").text
    prefix = f"d{dispute.id}-"
    response = client.post(
        f"/qa/disputes/{dispute.id}/resolve",
        data={prefix + "decision": "change", prefix + "level": "70", prefix + "note": "部分共情"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).new_level == 70  # type: ignore[union-attr]


def test_a_hostile_transcript_and_comments_are_shown_escaped(
    client: FlaskClient, people: People, book: PhraseBook
) -> None:
    interaction = make_interaction(people, "XSS-1", f"Agent: hello {XSS}\nCustomer: {XSS}")
    card = services.definition(services.scorecard_for(services.Channel.VOICE))
    evaluation = services.evaluate(
        interaction,
        people.reviewer,
        services.EvaluationInput(
            {c.id: "100" for c in card.criteria},
            comments={"greeting": XSS},
            notes=f"1: {XSS}",
            comment=XSS,
        ),
        book,
    )
    services.open_dispute(evaluation, people.agent, "greeting", XSS, 7)
    login(client, people.reviewer.email)
    for url in ("/qa/", f"/qa/evaluations/{evaluation.id}"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in client.get(f"/qa/evaluations/{evaluation.id}").text


def test_posts_need_a_csrf_token(tmp_path: object, people: People) -> None:
    app = make_app(str(db.engine.url.render_as_string(hide_password=False)), WTF_CSRF_ENABLED=True)
    interaction = make_interaction(people)
    client = app.test_client()
    with app.app_context():
        page = client.get("/login")
        client.post(
            "/login",
            data={
                "email": people.reviewer.email,
                "password": "correct-horse-9",
                "csrf_token": csrf_token_from(page.text),
            },
        )
        response = client.post(f"/qa/interactions/{interaction.id}", data=levels_form())
        assert response.status_code == 400
        page = client.get(f"/qa/interactions/{interaction.id}")
        assert page.status_code == 200
        ok = client.post(
            f"/qa/interactions/{interaction.id}",
            data={**levels_form(), "csrf_token": csrf_token_from(page.text)},
        )
        assert ok.status_code == 302


def test_recording_an_interaction_from_the_page(
    client: FlaskClient, app: Flask, people: People, english: None
) -> None:
    login(client, people.reviewer.email)
    bad = client.post(
        "/qa/new?lang=en",
        data={
            "agent_email": people.agent.email,
            "channel": "chat",
            "occurred_on": "2026-12-01",
            "reference": "T-9",
            "transcript": "Agent: hi\nRobot: beep",
        },
    )
    assert bad.status_code == 200 and "unknown speaker “Robot”" in bad.text
    good = client.post(
        "/qa/new",
        data={
            "agent_email": people.agent.email,
            "channel": "chat",
            "occurred_on": "2026-12-01",
            "reference": "T-9",
            "transcript": "Agent: hi\nCustomer: hello",
        },
    )
    assert good.status_code == 302

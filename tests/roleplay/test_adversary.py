"""The adversary: a trainee who reads only the page source of each role-play turn and picks by
its shape (the first reply, the smallest value, the longest text) finds the best reply no more
often than a blind guess, on every shipped scenario.

Margin: a strategy may beat chance by at most MARGIN over all choice nodes of the shipped
scenarios (about a hundred nodes, each seen in several calls); the length cue is also held per
scenario by `trainer check-content` (docs/decisions.md, "Length cues")."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import REAL_CONTENT
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import PlaySession, Scenario

MARGIN = 0.15
CALLS = 4  # calls per scenario: each draws its own order and tokens
REPLY = re.compile(
    r'<button type="submit" name="choice" value="([^"]+)" class="reply">([^<]*)</button>'
)
STRATEGIES = {
    "first": lambda replies: 0,
    "smallest value": lambda replies: min(range(len(replies)), key=lambda i: replies[i][0]),
    "longest text": lambda replies: max(range(len(replies)), key=lambda i: len(replies[i][1])),
}


@pytest.fixture
def client_with_content(app: Flask, client: FlaskClient) -> FlaskClient:
    load_tree(read_tree(REAL_CONTENT))
    make_user()
    login(client, "trainee@example.com")
    return client


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reading_the_page_source_finds_the_best_reply_only_by_chance(
    client_with_content: FlaskClient, lang: str
) -> None:
    client = client_with_content
    hits = dict.fromkeys(STRATEGIES, 0.0)
    chance = 0.0
    seen = 0
    rows = db.session.scalars(db.select(Scenario).where(Scenario.archived.is_(False))).all()
    for row in rows:
        scenario = services.definition(row)
        for _ in range(CALLS):
            client.post(f"/roleplay/{row.key}/start", data={"restart": "1"})
            session = db.session.scalars(
                db.select(PlaySession).order_by(PlaySession.id.desc()).limit(1)
            ).one()
            for node_id, node in scenario.nodes.items():
                if not node.choices:
                    continue
                # Put the call at this node, as if the trainee had got there.
                session.node = node_id
                db.session.commit()
                page = client.get(f"/roleplay/session/{session.id}?lang={lang}").text
                replies = [(v, html.unescape(t)) for v, t in REPLY.findall(page)]
                assert len(replies) == len(node.choices), (row.key, node_id)
                best = scenario.best_choice(node)
                indexes = [services.choice_from_token(session, v) for v, _t in replies]
                assert sorted(i for i in indexes if i is not None) == list(range(len(replies)))
                for name, pick in STRATEGIES.items():
                    hits[name] += indexes[pick(replies)] == best
                chance += 1 / len(replies)
                seen += 1
    assert seen > 50
    for name, total in hits.items():
        assert total / seen <= chance / seen + MARGIN, (
            f"“{name}” finds the best reply in {total / seen:.0%} of turns "
            f"(chance {chance / seen:.0%}, margin {MARGIN:.0%})"
        )

"""The adversary: a trainee who knows nothing of the subject and reads only what is served.

For every shipped question bank, a quiz drawing all of its automatically marked questions is
taken several times by a trainee who looks only at the attempt page's HTML (and the API's
JSON for the same attempt) and answers by a test-wise strategy: the first option, the smallest
value, the ids' suffixes, a token a matching row shares with a choice, the longest text. What
each strategy earns is compared with what blind guessing earns on the same questions; none may
beat it by more than MARGIN percentage points. The server's own reading and grading score the
forms (the adversary never sees them), and one attempt per round is submitted for real to
check that scoring against the server's.

Free-text questions (numeric, short, essay) offer nothing to pick from and are left out of
both sides of the comparison. A strategy picks one option of a multiple-choice question, so
its chance there is the mean of the options' clamped fractions (1/k for content files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, make_user
from tests.content_factory import REAL_CONTENT
from trainer.api.services import create_token
from trainer.content_tree import ContentTree, load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.models import AttemptSlot, FeedbackMode, Quiz
from trainer.quizzes.tokens import by_token
from trainer.quizzes.types import TOKENISED, TYPES, ResponseError

# A strategy may beat blind guessing by this many percentage points on a bank before the test
# fails: with ATTEMPTS rounds of every question the standard error of a bank's share is about
# 3 points, so 15 is far outside chance variation and well inside what a real cue gives.
MARGIN = 15.0
ATTEMPTS = 6  # rounds per bank (half the pages in Chinese, half in English)


@cache
def shipped() -> ContentTree:
    return read_tree(REAL_CONTENT)  # read once per run; loaded into each test's database


# --- reading the page -----------------------------------------------------------------------


@dataclass
class Question:
    position: int
    kind: str = "text"  # radio | checkbox | matching | ordering | text (as the page shows it)
    name: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label text)
    rows: list[tuple[str, str]] = field(default_factory=list)  # (field name, label text)
    choices: list[tuple[str, str]] = field(default_factory=list)  # matching (value, text)
    positions: list[str] = field(default_factory=list)  # ordering position values


class AttemptPage(HTMLParser):
    """The answer controls of an attempt page, by question, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.questions: list[Question] = []
        self.labels: dict[str, str] = {}  # label for= → text
        self.attributes: list[tuple[str, str]] = []  # every attribute inside the form
        self._in_form = False
        self._label: list[str] | None = None
        self._label_for: str | None = None
        self._label_input: tuple[str, str, str] | None = None  # (type, name, value)
        self._select: tuple[str, str] | None = None  # (name, id)
        self._select_options: list[tuple[str, str]] = []
        self._option: list[str] | None = None
        self._option_value = ""
        self._selects: list[tuple[int, str, str, list[tuple[str, str]]]] = []

    def _current(self) -> Question:
        return self.questions[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "attempt-form":
            self._in_form = True
        if not self._in_form:
            return
        if a.get("name") != "csrf_token":
            self.attributes += list(a.items())
        if tag == "li" and a.get("id", "").startswith("slot-"):
            self.questions.append(Question(int(a["id"][5:])))
        elif tag == "label":
            self._label, self._label_for, self._label_input = [], a.get("for"), None
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            question = self._current()
            question.kind, question.name = a["type"], a["name"]
            self._label_input = (a["type"], a["name"], a["value"])
        elif tag == "select":
            self._select, self._select_options = (a["name"], a.get("id", "")), []
        elif tag == "option" and self._select is not None:
            self._option, self._option_value = [], a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label.append(data)
        if self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if tag == "form":
            self._in_form = False
        elif tag == "label" and self._label is not None:
            text = " ".join("".join(self._label).split())
            if self._label_input is not None:
                self._current().options.append((self._label_input[2], text))
            elif self._label_for:
                self.labels[self._label_for] = text
            self._label = None
        elif tag == "option" and self._option is not None:
            if self._option_value:
                self._select_options.append((self._option_value, "".join(self._option).strip()))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, ident = self._select
            self._selects.append((self._current().position, name, ident, self._select_options))
            self._select = None

    def finish(self) -> list[Question]:
        by_position = {q.position: q for q in self.questions}
        for position, name, ident, options in self._selects:
            question = by_position[position]
            question.rows.append((name, self.labels.get(ident, "")))
            values = [v for v, _t in options]
            if all(v.isdigit() for v in values):
                question.kind, question.positions = "ordering", values
            else:
                question.kind, question.choices = "matching", options
        return self.questions


def read_page(html: str) -> tuple[list[Question], list[tuple[str, str]]]:
    parser = AttemptPage()
    parser.feed(html)
    return parser.finish(), parser.attributes


# --- the strategies (they see only a Question and the page's text) --------------------------

Form = dict[str, list[str]]


def _digits(text: str) -> int:
    found = re.findall(r"\d+", text)
    return int(found[-1]) if found else 10**6


def _suffix_overlap(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _ordering_by(question: Question, key: Callable[[str, str], Any]) -> Form:
    """Ranks the steps by key(field name, label) and gives them positions in that rank."""
    ranked = sorted(question.rows, key=lambda row: key(*row))
    return {name: [str(rank)] for rank, (name, _label) in enumerate(ranked, start=1)}


def first_option(question: Question, page: str) -> Form:
    if question.kind in ("radio", "checkbox"):
        return {question.name: [question.options[0][0]]}
    if question.kind == "matching":
        return {name: [question.choices[0][0]] for name, _label in question.rows}
    return {name: [str(i)] for i, (name, _label) in enumerate(question.rows, start=1)}


def smallest_value(question: Question, page: str) -> Form:
    if question.kind in ("radio", "checkbox"):
        return {question.name: [min(v for v, _t in question.options)]}
    if question.kind == "matching":
        return {name: [min(v for v, _t in question.choices)] for name, _label in question.rows}
    return _ordering_by(question, lambda name, label: name)


def id_suffixes(question: Question, page: str) -> Form:
    """As if ids were a, b, c or p1, s3: the lowest suffix first, rows to choices by suffix."""
    if question.kind in ("radio", "checkbox"):
        value = min(question.options, key=lambda o: (_digits(o[0]), o[0][-1:]))[0]
        return {question.name: [value]}
    if question.kind == "matching":
        return {
            name: [max(question.choices, key=lambda c: _suffix_overlap(name, c[0]))[0]]
            for name, _label in question.rows
        }
    return _ordering_by(question, lambda name, label: (_digits(name), name[-1:]))


def shared_tokens(question: Question, page: str) -> Form:
    """A value that turns up elsewhere in the page (a data attribute, a class, a row's name)
    is taken to be the key; matching rows take the choice whose value their name contains."""
    if question.kind in ("radio", "checkbox"):
        value = max(question.options, key=lambda o: page.count(o[0]))[0]
        return {question.name: [value]}
    if question.kind == "matching":
        out = {}
        for name, _label in question.rows:
            row_token = name.split("-", 1)[1]
            shared = [v for v, _t in question.choices if v in name or row_token in v]
            pick = shared[0] if shared else max(question.choices, key=lambda c: page.count(c[0]))[0]
            out[name] = [pick]
        return out
    return _ordering_by(question, lambda name, label: -page.count(name.split("-", 1)[1]))


def longest_text(question: Question, page: str) -> Form:
    if question.kind in ("radio", "checkbox"):
        return {question.name: [max(question.options, key=lambda o: len(o[1]))[0]]}
    if question.kind == "matching":
        pick = max(question.choices, key=lambda c: len(c[1]))[0]
        return {name: [pick] for name, _label in question.rows}
    return _ordering_by(question, lambda name, label: -len(label))


STRATEGIES: dict[str, Callable[[Question, str], Form]] = {
    "first option": first_option,
    "smallest value": smallest_value,
    "id suffixes": id_suffixes,
    "shared tokens": shared_tokens,
    "longest text": longest_text,
}
# True/false labels are the platform's own two words, the same for every question: "the
# longer label" is "always the same answer", which measures the bank's key balance, not a leak.
SKIP = {("longest text", "truefalse")}


# --- scoring (the evaluator's side: the server's reader and grader) -------------------------


def chance(slot: AttemptSlot) -> float:
    data, kind = slot.question.data, slot.question.type
    if kind == "single":
        return 1 / len(data["options"])
    if kind == "multiple":  # one option picked at random
        return sum(max(0.0, o["fraction"]) for o in data["options"]) / len(data["options"])
    if kind == "truefalse":
        return 0.5
    if kind == "matching":
        return 1 / (len(data["pairs"]) + len(data.get("distractors", [])))
    return 1 / len(data["steps"])  # ordering


def score(slot: AttemptSlot, form: Form) -> float:
    kind = TYPES[slot.question.type]
    name = f"q{slot.position}"
    fields = {n: v for n, v in form.items() if n == name or n.startswith(name + "-")}
    try:
        response = kind.read(slot.question.data, fields, name, by_token(slot.tokens or {}))
    except ResponseError as exc:  # a strategy's form must be one the page could send
        raise AssertionError(f"{slot.question.key}: {exc}") from exc
    return kind.grade(slot.question.data, response) or 0.0


@dataclass
class Tally:
    earned: float = 0.0
    chance: float = 0.0
    items: int = 0
    by_type: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, earned: float, blind: float) -> None:
        self.earned += earned
        self.chance += blind
        self.items += 1
        row = self.by_type.setdefault(kind, [0.0, 0.0, 0])
        row[0] += earned
        row[1] += blind
        row[2] += 1

    @property
    def percent(self) -> float:
        return 100 * self.earned / self.items

    @property
    def chance_percent(self) -> float:
        return 100 * self.chance / self.items

    def detail(self) -> str:
        return ", ".join(
            f"{k} {100 * e / n:.0f}% vs {100 * c / n:.0f}% (n={n:.0f})"
            for k, (e, c, n) in sorted(self.by_type.items())
        )


# --- playing --------------------------------------------------------------------------------


def bank_quizzes(tree: ContentTree) -> Iterator[tuple[str, str]]:
    """A quiz per shipped bank that draws every automatically marked question it holds."""
    for slug, questions in sorted(tree.banks.items()):
        auto = sum(1 for q in questions if q.type != "essay")
        quiz = Quiz(
            slug=f"adversary-{slug}",
            title_zh=slug,
            title_en=slug,
            selection={"banks": [slug], "draw": auto, "essays": 0},
            time_limit_minutes=None,
            attempts_allowed=None,
            feedback=FeedbackMode.AFTER_SUBMIT,
        )
        db.session.add(quiz)
        db.session.commit()
        yield slug, quiz.slug


def start(client: FlaskClient, quiz_slug: str) -> int:
    response = client.post(f"/quizzes/{quiz_slug}/start")
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


AUTHORING_ID = re.compile(r"^([a-f]|p\d+|s\d+|d\d+|true|false)$")  # as loader.py and GIFT name them
API_KEYS = {
    *("position", "field", "type", "text_html", "points", "saved", "answer"),
    *("options", "rows", "choices", "steps", "positions", "token", "text", "checked", "selected"),
}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def assert_nothing_derived_from_the_key(
    attributes: list[tuple[str, str]], api: dict[str, Any], slots: list[AttemptSlot]
) -> None:
    """No name, id, label for, value, class or data attribute is (or ends in) an authoring id,
    and the API's questions hold nothing but what the page shows."""
    ids = {i for s in slots for pairs in (s.tokens or {}).values() for _t, i in pairs}
    for name, value in attributes:
        if name in ("name", "id", "for", "value", "class"):
            words = [w for w in re.split(r"[\s-]+", value) if w]
        elif name.startswith("data-"):
            words = [value]
        else:
            continue
        assert not any(w in ids or AUTHORING_ID.match(w) for w in words), (name, value)
    for question in api["questions"]:
        assert _keys(question) <= API_KEYS, _keys(question) - API_KEYS
        for group in ("options", "rows", "choices", "steps"):
            for item in question.get(group, []):
                assert item["token"] not in ids and not AUTHORING_ID.match(item["token"])


def api_matches_page(api: dict[str, Any], questions: list[Question]) -> None:
    """The API serves the same tokens, in the same order, as the page: the JSON path gives the
    adversary nothing the HTML does not."""
    by_position = {q["position"]: q for q in api["questions"]}
    for question in questions:
        served = by_position[question.position]
        if question.kind in ("radio", "checkbox"):
            assert [o["token"] for o in served["options"]] == [v for v, _t in question.options]
        elif question.kind == "matching":
            assert [f"q{question.position}-{r['token']}" for r in served["rows"]] == [
                n for n, _l in question.rows
            ]
            assert [c["token"] for c in served["choices"]] == [v for v, _t in question.choices]
        elif question.kind == "ordering":
            assert [f"q{question.position}-{s['token']}" for s in served["steps"]] == [
                n for n, _l in question.rows
            ]


@pytest.mark.usefixtures("english")
def test_no_strategy_beats_blind_guessing_on_any_shipped_bank(
    app: Flask, client: FlaskClient
) -> None:
    tree = shipped()
    load_tree(tree)
    user = make_user()
    bearer = {"Authorization": f"Bearer {create_token(user, 'adversary')[1]}"}
    login(client, "trainee@example.com")
    failures = []
    report = []
    for bank, quiz_slug in bank_quizzes(tree):
        tallies = {name: Tally() for name in STRATEGIES}
        for round_number in range(ATTEMPTS):
            lang = "zh" if round_number % 2 == 0 else "en"
            attempt_id = start(client, quiz_slug)
            page = client.get(f"/quizzes/attempt/{attempt_id}?lang={lang}")
            assert page.status_code == 200
            questions, attributes = read_page(page.text)
            api = client.get(f"/api/v1/attempts/{attempt_id}?lang={lang}", headers=bearer).json
            assert api is not None and api["state"] == "in_progress"
            api_matches_page(api, questions)
            slots = {
                s.position: s
                for s in db.session.scalars(
                    select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)
                )
            }
            assert_nothing_derived_from_the_key(attributes, api, list(slots.values()))
            forms: dict[str, Form] = {name: {} for name in STRATEGIES}
            for question in questions:
                slot = slots[question.position]
                if slot.question.type not in TOKENISED:
                    continue
                for name, strategy in STRATEGIES.items():
                    if (name, slot.question.type) in SKIP:
                        continue
                    form = strategy(question, page.text)
                    forms[name].update(form)
                    tallies[name].add(slot.question.type, score(slot, form), chance(slot))
            # Submit one strategy's answers for real: the server scores them as we did.
            played = list(STRATEGIES)[round_number % len(STRATEGIES)]
            done = client.post(f"/quizzes/attempt/{attempt_id}/submit", data=forms[played])
            assert done.status_code == 302 and done.headers["Location"].endswith("/review")
            db.session.expire_all()
            for slot in db.session.scalars(
                select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)
            ):
                if slot.question.type in TOKENISED and (played, slot.question.type) not in SKIP:
                    assert slot.fraction == pytest.approx(score(slot, forms[played]))
        for name, tally in tallies.items():
            line = (
                f"{bank} · {name}: {tally.percent:.1f}% vs chance {tally.chance_percent:.1f}% "
                f"over {tally.items} answers ({tally.detail()})"
            )
            report.append(line)
            if tally.percent > tally.chance_percent + MARGIN:
                failures.append(line)
    print("\n".join(report))
    assert not failures, "strategies beating chance by more than the margin:\n" + "\n".join(
        failures
    )


@pytest.mark.usefixtures("english")
def test_a_token_from_one_attempt_is_refused_in_another(app: Flask, client: FlaskClient) -> None:
    tree = shipped()
    load_tree(tree)
    make_user()
    login(client, "trainee@example.com")
    quizzes = dict(bank_quizzes(tree))
    bank = next(iter(quizzes))
    # Two attempts at once on quizzes drawing the same bank: the same questions, other tokens.
    twin = Quiz(
        slug="adversary-twin",
        title_zh="twin",
        title_en="twin",
        selection={"banks": [bank], "draw": 200, "essays": 0},
        time_limit_minutes=None,
        attempts_allowed=None,
    )
    db.session.add(twin)
    db.session.commit()
    first = start(client, quizzes[bank])
    second = start(client, twin.slug)
    assert first != second
    a_questions, _ = read_page(client.get(f"/quizzes/attempt/{first}").text)
    b_questions, _ = read_page(client.get(f"/quizzes/attempt/{second}").text)
    b_by_labels = {frozenset(t for _v, t in q.options): q for q in b_questions if q.options}
    pairs = [
        (a, b_by_labels[labels])
        for a in a_questions
        if a.kind == "radio"
        and len(a.options) > 2  # a single-choice question, not a true/false one
        and (labels := frozenset(t for _v, t in a.options)) in b_by_labels
    ]
    assert pairs, "the two attempts should share a choice question"
    a, b = pairs[0]
    foreign_token = a.options[0][0]
    assert foreign_token not in {v for v, _t in b.options}
    refused = client.post(
        f"/quizzes/attempt/{second}/save?lang=en",
        data={b.name: foreign_token},
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 422 and refused.json is not None
    assert "not offered in this attempt" in refused.json["title"]
    page = client.post(f"/quizzes/attempt/{second}/save?lang=en", data={b.name: foreign_token})
    assert page.status_code == 422 and "not offered in this attempt" in page.text
    stored = db.session.scalars(select(AttemptSlot).where(AttemptSlot.attempt_id == second))
    assert [s.response for s in stored if s.response is not None or s.saved_at] == []
    # The same token is good in the attempt that served it.
    accepted = client.post(
        f"/quizzes/attempt/{first}/save",
        data={a.name: foreign_token},
        headers={"X-Requested-With": "fetch"},
    )
    assert accepted.status_code == 200 and accepted.json == {
        "saved": 1,
        "errors": {},
        "seconds_left": None,
    }
    assert services.get_attempt(first, 1).slots[a.position - 1].response is not None


def test_always_giving_the_same_true_false_answer_does_not_beat_chance() -> None:
    """Labels and their order are the same for every true/false question, so no page can
    hide this cue: only a balance of true and false keys in the banks does."""
    keys = [
        q.data["answer"] for qs in shipped().banks.values() for q in qs if q.type == "truefalse"
    ]
    majority = max(keys.count(True), keys.count(False))
    assert 100 * majority / len(keys) <= 50 + MARGIN, (
        f"{majority} of {len(keys)} true/false keys are the same answer"
    )

"""Answer tokens and shuffling, without HTTP: what an attempt serves, what it accepts back."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.content_factory import make_tree_with_quiz
from tests.quizzes.test_services import answers_for, right_or_wrong
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.analysis import quiz_report
from trainer.quizzes.models import Attempt, AttemptSlot, AttemptState, ItemStat
from trainer.quizzes.presentation import attempt_view
from trainer.quizzes.tokens import all_tokens, ids_in_order
from trainer.quizzes.types import TOKENISED, TYPES, text_in

pytestmark = pytest.mark.usefixtures("english")
TOKEN = re.compile(r"^[a-z][a-z0-9]{9}$")
SHOWN_KEYS = {"options", "rows", "choices", "steps", "positions"}
ITEM_KEYS = {"token", "text", "checked", "selected", "position"}


@pytest.fixture
def quiz(app: Flask, tmp_path: Path) -> services.Quiz:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    return services.get_quiz("basics-quiz")


def slot_of(attempt: Attempt, kind: str) -> AttemptSlot:
    return next(s for s in attempt.slots if s.question.type == kind)


def authoring_ids(attempt: Attempt) -> set[str]:
    ids: set[str] = {"true", "false"}
    for slot in attempt.slots:
        data = slot.question.data
        ids |= {o["id"] for o in data.get("options", [])}
        ids |= {p["id"] for p in data.get("pairs", [])}
        ids |= {s["id"] for s in data.get("steps", [])}
    return ids


def token_of(slot: AttemptSlot, group: str, authoring_id: str) -> str:
    return next(t for t, i in (slot.tokens or {})[group] if i == authoring_id)


def test_every_choice_is_served_under_a_token_of_its_own(quiz: services.Quiz) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    other = services.start_attempt(quiz, make_user("other@example.com").id)
    groups = {
        "single": {"options"},
        "multiple": {"options"},
        "truefalse": {"options"},
        "matching": {"rows", "choices"},
        "ordering": {"steps"},
    }
    served: list[str] = []
    for slot in attempt.slots:
        tokens = slot.tokens or {}
        assert set(tokens) == groups.get(slot.question.type, set()), slot.question.type
        served += [t for pairs in tokens.values() for t, _i in pairs]
    assert served and all(TOKEN.match(t) for t in served)
    assert len(served) == len(set(served))  # no token twice in an attempt
    assert not set(served) & authoring_ids(attempt)
    assert not set(served) & {t for s in other.slots for t in all_tokens(s.tokens or {})}
    # What the page gets: tokens, texts and the trainee's own marks; no authoring id.
    for view in attempt_view(attempt, "en", reveal=False):
        assert set(view.shown) <= SHOWN_KEYS
        for group in ("options", "rows", "choices", "steps"):
            for item in view.shown.get(group, []):
                assert set(item) <= ITEM_KEYS and item["token"] in served
        if view.type in TOKENISED:
            assert view.response is None


def test_tokens_and_order_are_stable_across_reloads(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt))
    first = [v.shown for v in attempt_view(attempt, "zh", reveal=False)]
    attempt_id, user_id = attempt.id, user.id
    db.session.expunge_all()  # as if the server restarted
    again = services.start_attempt(services.get_quiz("basics-quiz"), user_id)  # resumes
    assert again.id == attempt_id
    assert [v.shown for v in attempt_view(again, "zh", reveal=False)] == first
    single = slot_of(again, "single")
    checked = [o for o in first[single.position - 1]["options"] if o["checked"]]
    assert [o["token"] for o in checked] == [token_of(single, "options", "a")]


def test_reading_a_form_is_the_inverse_of_answer_form(quiz: services.Quiz) -> None:
    for right in (True, False):
        attempt = services.start_attempt(quiz, make_user(f"u{right}@example.com").id)
        responses = right_or_wrong(attempt, right)
        result = services.save_answers(attempt, services.answer_form(attempt, responses))
        assert result.errors == {}
        for slot in attempt.slots:
            if slot.question.type in TOKENISED:
                expected = responses[slot.position]
                if slot.question.type == "multiple":
                    expected = sorted(expected)  # type: ignore[call-overload]
                assert slot.response == expected, slot.question.type


# --- shuffling (pure functions) -------------------------------------------------------------


def options(n: int, pinned: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "options": [
            {
                "id": chr(97 + i),
                "fraction": 1.0 if i == 0 else 0.0,
                **({"pin": True} if i in pinned else {}),
            }
            for i in range(n)
        ],
        "shuffle": True,
    }


def test_options_are_shuffled_and_pinned_ones_keep_their_place() -> None:
    rng = random.Random(2024)
    draws = 800
    places: Counter[tuple[str, int]] = Counter()
    for _ in range(draws):
        order = TYPES["single"].layout(options(5, pinned=(4,)), rng)["options"]
        assert order[4] == "e"  # "all of the above", authored last, stays last
        places.update((option_id, k) for k, option_id in enumerate(order))
    for option_id in "abcd":  # the key ("a") and the rest land anywhere but the pinned place
        for k in range(4):
            assert 0.17 < places[(option_id, k)] / draws < 0.33, (option_id, k)
    # With nothing pinned every option moves, the last one too.
    order_counts = Counter(
        tuple(TYPES["multiple"].layout(options(3), rng)["options"]) for _ in range(600)
    )
    assert set(order_counts) == set(permutations("abc"))


def test_ordering_never_starts_right_and_matching_choices_are_shuffled() -> None:
    rng = random.Random(7)
    steps = {"steps": [{"id": f"s{i}"} for i in range(1, 4)]}
    starts = Counter(tuple(TYPES["ordering"].layout(steps, rng)["steps"]) for _ in range(600))
    assert ("s1", "s2", "s3") not in starts
    assert set(starts) == set(permutations(("s1", "s2", "s3"))) - {("s1", "s2", "s3")}
    pairs = {"pairs": [{"id": f"p{i}"} for i in range(1, 4)], "distractors": [{"id": "d1"}]}
    rows: Counter[tuple[str, int]] = Counter()
    choices: Counter[tuple[str, int]] = Counter()
    for _ in range(800):
        layout = TYPES["matching"].layout(pairs, rng)
        rows.update((i, k) for k, i in enumerate(layout["rows"]))
        choices.update((i, k) for k, i in enumerate(layout["choices"]))
        assert sorted(layout["choices"]) == ["d1", "p1", "p2", "p3"]
    assert all(0.23 < rows[(f"p{i}", k)] / 800 < 0.43 for i in (1, 2, 3) for k in range(3))
    assert all(0.17 < choices[(i, k)] / 800 < 0.33 for i in ("p1", "d1") for k in range(4))


# --- the server's rules ---------------------------------------------------------------------


def nothing_stored(attempt: Attempt) -> bool:
    return all(s.response is None and s.saved_at is None for s in attempt.slots)


def test_tokens_this_attempt_never_served_refuse_the_whole_request(
    quiz: services.Quiz,
) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    other = services.start_attempt(quiz, make_user("other@example.com").id)
    single, numeric = slot_of(attempt, "single"), slot_of(attempt, "numeric")
    matching, ordering = slot_of(attempt, "matching"), slot_of(attempt, "ordering")
    multiple, tf = slot_of(attempt, "multiple"), slot_of(attempt, "truefalse")
    theirs = slot_of(other, "single")
    good = {f"q{numeric.position}": ["85"]}
    m, o = f"q{matching.position}", f"q{ordering.position}"
    row = token_of(matching, "rows", "p1")
    forms = {
        "another attempt's token": {f"q{single.position}": [token_of(theirs, "options", "a")]},
        "an authoring id": {f"q{single.position}": ["a"]},
        "true/false by name": {f"q{tf.position}": ["false"]},
        "a row's token as its choice": {f"{m}-{row}": [row]},
        "an authoring row id": {f"{m}-p1": [token_of(matching, "choices", "p1")]},
        "a bare field on matching": {m: [token_of(matching, "choices", "p1")]},
        "an extra step": {
            **services.answer_form(attempt, {ordering.position: ["s1", "s2", "s3"]}),
            f"{o}-zzzzzzzzzz": ["4"],
        },
        "an extra option": {
            f"q{multiple.position}": [token_of(multiple, "options", "a"), "zzzzzzzzzz"]
        },
        "a sub-field of a single choice": {f"q{single.position}-x": ["1"]},
    }
    for what, form in forms.items():
        with pytest.raises(services.AnswerRefused, match="not offered in this attempt"):
            services.save_answers(attempt, {**good, **form})
        assert nothing_stored(attempt), what
    with pytest.raises(services.AnswerRefused, match="not in this attempt"):
        services.save_answers(attempt, {**good, "q99": ["x"]})
    assert nothing_stored(attempt)
    # The same kinds of answers under this attempt's own tokens are taken.
    mine = {f"q{single.position}": [token_of(single, "options", "a")], **good}
    assert services.save_answers(attempt, mine).saved == 2
    assert single.response == "a" and numeric.response == "85"


def test_honest_mistakes_are_refused_per_question(quiz: services.Quiz) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    ordering, single = slot_of(attempt, "ordering"), slot_of(attempt, "single")
    short = slot_of(attempt, "short")
    o = f"q{ordering.position}"
    steps = [token_of(ordering, "steps", s) for s in ("s1", "s2", "s3")]
    cases = {
        "Each position can be used only once.": dict(zip(steps, ["1", "1", "2"], strict=True)),
        "Give every step a position.": dict(zip(steps, ["1", "", "2"], strict=True)),
        "a position from 1 to 3": dict(zip(steps, ["1", "2", "4"], strict=True)),
    }
    for message, positions in cases.items():
        form = {f"{o}-{t}": [p] for t, p in positions.items()}
        form[f"q{short.position}"] = ["paraphrasing"]
        result = services.save_answers(attempt, form)
        assert message in str(result.errors[ordering.position])
        assert ordering.response is None and short.response == "paraphrasing"
    missing = {f"{o}-{steps[0]}": ["1"], f"{o}-{steps[1]}": ["2"]}  # a step left out
    assert "Give every step" in str(
        services.save_answers(attempt, missing).errors[ordering.position]
    )
    two = {f"q{single.position}": [t for t, _i in (single.tokens or {})["options"][:2]]}
    assert "only one" in str(services.save_answers(attempt, two).errors[single.position])
    assert single.response is None


def test_unticking_every_box_clears_a_multiple_choice_answer(quiz: services.Quiz) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    multiple = slot_of(attempt, "multiple")
    services.save_answers(attempt, services.answer_form(attempt, {multiple.position: ["a"]}))
    assert multiple.response == ["a"]
    services.save_answers(attempt, {f"q{multiple.position}": [""]})  # the page's hidden field
    assert multiple.response is None


def test_no_answer_is_taken_after_submission_or_after_the_time_limit(
    quiz: services.Quiz,
) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    single = slot_of(attempt, "single")
    right = {f"q{single.position}": [token_of(single, "options", "a")]}
    wrong = {f"q{single.position}": [token_of(single, "options", "b")]}
    assert attempt.deadline is not None
    # Up to the 20 seconds of grace (docs/decisions.md, "Timers") answers are still taken...
    services.save_answers(attempt, wrong, now=attempt.deadline + services.GRACE)
    assert single.response == "b"
    # ...after that, by the server's clock, the attempt is closed with what was saved.
    late = attempt.deadline + services.GRACE + timedelta(seconds=1)
    with pytest.raises(services.QuizError, match="Time is up"):
        services.save_answers(attempt, right, now=late)
    assert single.response == "b" and attempt.state != AttemptState.IN_PROGRESS
    assert attempt.auto_submitted and single.fraction == 0.0
    second = services.start_attempt(quiz, attempt.user_id)
    services.submit_attempt(second)
    single = slot_of(second, "single")
    with pytest.raises(services.QuizError, match="has been submitted"):
        services.save_answers(second, {f"q{single.position}": [token_of(single, "options", "a")]})
    assert single.response is None


def test_the_review_lists_options_in_the_trainees_order(quiz: services.Quiz) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    multiple, matching = slot_of(attempt, "multiple"), slot_of(attempt, "matching")
    ordering = slot_of(attempt, "ordering")
    services.save_answers(
        attempt,
        services.answer_form(
            attempt,
            {
                multiple.position: ["a", "b", "c"],
                matching.position: {"p1": "p1", "p2": "p3"},
                ordering.position: ["s3", "s1", "s2"],
            },
        ),
    )
    services.submit_attempt(attempt)
    views = {v.position: v for v in attempt_view(attempt, "en", reveal=True)}
    texts = {o["id"]: text_in(o["text"], "en") for o in multiple.question.data["options"]}
    shown = ids_in_order(multiple.tokens or {}, "options")
    assert views[multiple.position].correct == [texts[i] for i in shown if i in "ab"]
    assert views[multiple.position].chosen == [texts[i] for i in shown if i in "abc"]
    lefts = {p["id"]: text_in(p["left"], "en") for p in matching.question.data["pairs"]}
    rows = ids_in_order(matching.tokens or {}, "rows")
    assert [line.split(" → ")[0] for line in views[matching.position].chosen or []] == [
        lefts[i] for i in rows
    ]
    assert views[ordering.position].chosen == ["Act", "Listen", "Confirm"]
    assert views[ordering.position].correct == ["Listen", "Confirm", "Act"]


def test_item_analysis_counts_authoring_ids_behind_the_tokens(quiz: services.Quiz) -> None:
    user = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt))
    services.submit_attempt(attempt)
    essay = slot_of(attempt, "essay")
    services.grade_essay(attempt, essay.position, teacher.id, [2, 2], "")
    assert attempt.state == AttemptState.FINISHED
    served = {t for s in attempt.slots for t in all_tokens(s.tokens or {})}
    stats = {
        row.question_id: row.choices
        for row in db.session.scalars(select(ItemStat).where(ItemStat.quiz_id == quiz.id))
    }
    assert stats[slot_of(attempt, "single").question_id] == {"a": 1}
    assert stats[slot_of(attempt, "multiple").question_id] == {"a": 1, "b": 1}
    assert stats[slot_of(attempt, "matching").question_id] == {"p1→p1": 1, "p2→p2": 1, "p3→p3": 1}
    assert not {k for counts in stats.values() for k in counts} & served
    report = {r.question.key: r for r in quiz_report(quiz.id)}
    assert report["q-single"].choice_rows("en") == [("Listen", 1)]


def test_attempts_from_before_tokens_get_them_in_the_order_they_were_shown(
    quiz: services.Quiz,
) -> None:
    attempt = services.start_attempt(quiz, make_user().id)
    single, ordering = slot_of(attempt, "single"), slot_of(attempt, "ordering")
    matching = slot_of(attempt, "matching")
    for slot in attempt.slots:  # as a slot made before the tokens column existed
        slot.tokens = None
    single.order = ["c", "a", "b"]
    ordering.order = ["s2", "s3", "s1"]
    matching.order = ["p3", "p1", "p2"]
    db.session.commit()
    services.ensure_tokens(attempt)
    db.session.expire_all()
    assert ids_in_order(single.tokens or {}, "options") == ["c", "a", "b"]
    assert ids_in_order(ordering.tokens or {}, "steps") == ["s2", "s3", "s1"]
    assert ids_in_order(matching.tokens or {}, "choices") == ["p3", "p1", "p2"]
    assert ids_in_order(matching.tokens or {}, "rows") == ["p1", "p2", "p3"]
    served = [t for s in attempt.slots for t in all_tokens(s.tokens or {})]
    assert len(served) == len(set(served)) and all(TOKEN.match(t) for t in served)
    assert services.save_answers(attempt, answers_for(attempt)).errors == {}

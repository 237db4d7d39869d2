"""The whole shipped question bank goes GIFT → import → GIFT unchanged, in both languages."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.content_factory import REAL_CONTENT
from tests.quizzes.test_gift_moodle import moodle_view
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.models import Question, QuestionBank

QUESTION_ID = re.compile(r"^// question: \d+  name: .*\n", re.M)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shipped_bank_round_trips_through_gift(app: Flask, lang: str) -> None:
    load_tree(read_tree(REAL_CONTENT))
    banks = db.session.scalars(db.select(QuestionBank.slug).order_by(QuestionBank.slug)).all()
    assert len(banks) >= 8
    exported = 0
    for slug in banks:
        first, skipped = services.export_gift(slug, lang)
        parsed = parse_gift(first)
        assert parsed.problems == [], (slug, parsed.problems[:3])
        report = services.import_gift(first, f"rt-{slug}")
        assert report.refused == [] and len(report.imported) == len(parsed.questions)
        second, again_skipped = services.export_gift(f"rt-{slug}", lang)
        assert again_skipped == []
        # Byte for byte the same, but for the database ids Moodle-style comments carry.
        assert QUESTION_ID.sub("", second) == QUESTION_ID.sub("", first)
        assert [moodle_view(q) for q in parse_gift(second).questions] == [
            moodle_view(q) for q in parsed.questions
        ]
        originals = db.session.scalars(
            db.select(Question)
            .join(QuestionBank)
            .where(QuestionBank.slug == slug, Question.archived.is_(False))
            .order_by(Question.id)
        ).all()
        kept = [q for q in originals if q.type != "ordering"]
        assert len(skipped) == len(originals) - len(kept)
        # What GIFT carries comes back as it was: type, text, explanation, key of choices.
        for original, back in zip(kept, parsed.questions, strict=True):
            assert back.type == original.type
            assert back.text == original.text[lang]
            assert back.general_feedback == original.explanation.get(lang, "")
            if original.type in ("single", "multiple"):
                assert [round(o["fraction"], 5) for o in back.data["options"]] == [
                    round(o["fraction"], 5) for o in original.data["options"]
                ]
        exported += len(kept)
    assert exported > 200

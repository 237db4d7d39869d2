"""GIFT formats on the quiz page: html and markdown rendered and sanitised, plain text escaped,
and the answer key still absent from the page before submission."""

from __future__ import annotations

from flask import Flask

from tests.conftest import make_user
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.models import Quiz
from trainer.quizzes.presentation import slot_view

GIFT = """::格式::[html]<p>哪句<b>最</b>合适？</p><script>alert(1)</script>{
    =[markdown]**先**道歉 #[markdown]*对*：先处理情绪
    ~[plain]<i>解释</i>政策 #<img src\\=x onerror\\=alert(2)>不对
    ~[html]<em>转</em>给主管<script>alert(3)</script>
    ####[markdown]情绪**先于**事实
}
"""


def _slot(app: Flask) -> object:
    report = services.import_gift(GIFT, "formats")
    assert report.refused == []
    quiz = Quiz(
        slug="formats-quiz",
        title_zh="格式",
        title_en="Formats",
        selection={"banks": ["formats"], "draw": 1},
        time_limit_minutes=None,
        attempts_allowed=None,
    )
    db.session.add(quiz)
    db.session.commit()
    attempt = services.start_attempt(quiz, make_user().id)
    return attempt.slots[0]


def test_formats_render_safely_and_keep_the_key_hidden(app: Flask) -> None:
    slot = _slot(app)
    view = slot_view(slot, "zh", reveal=False)  # type: ignore[arg-type]
    assert view.text_html == "<p>哪句<b>最</b>合适？</p>"
    labels = sorted(str(v) for v in view.labels.values())
    assert labels == sorted(
        ["<strong>先</strong>道歉", "&lt;i&gt;解释&lt;/i&gt;政策", "<em>转</em>给主管"]
    )
    assert view.correct is None and view.feedback_html == "" and view.explanation_html == ""
    # Every option is rendered the same way, so the markup tells nothing about the key.
    assert all("correct" not in str(v) and "fraction" not in str(v) for v in view.labels.values())


def test_feedback_and_general_feedback_in_their_formats(app: Flask) -> None:
    slot = _slot(app)
    wrong = next(o["id"] for o in slot.question.data["options"] if "解释" in o["text"]["zh"])
    slot.response = wrong  # type: ignore[attr-defined]
    slot.fraction = 0.0  # type: ignore[attr-defined]
    view = slot_view(slot, "zh", reveal=True)  # type: ignore[arg-type]
    # The option's feedback has no prefix: it inherits the question's html, and is sanitised.
    assert str(view.feedback_html) == "<img>不对"  # onerror (and src) dropped
    assert str(view.explanation_html) == "<p>情绪<strong>先于</strong>事实</p>"
    assert view.chosen == ["<i>解释</i>政策"]  # plain text stays text (escaped by the template)

"""A small, valid content tree for tests that need to break or change one thing at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"

BODY_ZH = (
    "## 先听后说\n\n"
    + "\n\n".join(
        f"第{i}段：接到来电时，先让客户把话说完，再用一句话复述要点，确认理解无误后再给出方案。"
        "记录关键信息，说明下一步和时间，结束前再确认一次客户是否还有其他问题。"
        for i in range(1, 14)
    )
    + "\n\n更多方法见[倾听](lesson:lesson-two)。\n"
)
BODY_EN = (
    "## Listen first\n\n"
    + "\n\n".join(
        f"Paragraph {i}: when a call comes in, let the customer finish, restate the main point in "
        "one sentence and check it before offering a solution. Record the key facts, say what "
        "happens next and when, and before closing ask whether there is anything else."
        for i in range(1, 14)
    )
    + "\n\nMore in [listening](lesson:lesson-two).\n"
)


def lesson_file(
    lesson_id: str,
    lang: str,
    order: int,
    title: str,
    term: str,
    competencies: str = "[active-listening]",
    body: str | None = None,
) -> str:
    other = "lesson-one" if lesson_id == "lesson-two" else "lesson-two"
    text = body if body is not None else (BODY_ZH if lang == "zh" else BODY_EN)
    return (
        "---\n"
        f"id: {lesson_id}\n"
        f"lang: {lang}\n"
        "module: m1-basics\n"
        f"order: {order}\n"
        "minutes: 20\n"
        f"title: {title}\n"
        f"competencies: {competencies}\n"
        'sources: ["000 L316-615", practice]\n'
        "objectives:\n"
        f"  - {title}-1\n"
        "key_terms:\n"
        f"  - id: {lesson_id}-term\n"
        f"    term: {term}\n"
        f"    definition: {term}.\n"
        f"summary: {title}.\n"
        "---\n\n" + text.replace(f"lesson:{lesson_id})", f"lesson:{other})")
    )


def make_tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL_CONTENT / "competencies.yml", root / "competencies.yml")
    (root / "course.yml").write_text(
        "id: test-course\n"
        "title: {zh: 测试课程, en: Test course}\n"
        "description: {zh: 用于测试的课程。, en: A course for tests.}\n"
        "modules: [m1-basics]\n",
        encoding="utf-8",
    )
    module = root / "modules" / "m1-basics"
    module.mkdir(parents=True, exist_ok=True)
    (module / "module.yml").write_text(
        "id: m1-basics\n"
        "title: {zh: 基础, en: Basics}\n"
        "description: {zh: 基础模块。, en: The basics.}\n"
        "hours: {theory: 1, practice: 1}\n",
        encoding="utf-8",
    )
    for order, lesson_id, zh, en, zh_term, en_term in [
        (1, "lesson-one", "第一课", "Lesson one", "倾听", "Listening"),
        (2, "lesson-two", "第二课", "Lesson two", "复述", "Paraphrasing"),
    ]:
        (module / f"0{order}-{lesson_id}.zh.md").write_text(
            lesson_file(lesson_id, "zh", order, zh, zh_term), encoding="utf-8"
        )
        (module / f"0{order}-{lesson_id}.en.md").write_text(
            lesson_file(lesson_id, "en", order, en, en_term), encoding="utf-8"
        )
    return root


QUESTIONS = """bank: m1-basics
questions:
  - id: q-single
    type: single
    lesson: lesson-one
    competency: active-listening
    difficulty: 1
    points: 1
    source: practice
    text: {zh: 先做什么？, en: "What comes first?"}
    explanation: {zh: 先听。, en: Listen first.}
    options:
      - {text: {zh: 先听, en: Listen}, correct: true}
      - {text: {zh: 先说, en: Talk}, correct: false, feedback: {zh: 不对, en: "Not this one"}}
      - {text: {zh: 挂断, en: Hang up}, correct: false}
  - id: q-multiple
    type: multiple
    lesson: lesson-one
    competency: active-listening
    difficulty: 2
    points: 2
    source: practice
    text: {zh: 哪些是倾听信号？, en: "Which are listening signals?"}
    explanation: {zh: 嗯和复述。, en: Mm and restating.}
    options:
      - {text: {zh: 嗯, en: Mm}, correct: true}
      - {text: {zh: 复述, en: Restating}, correct: true}
      - {text: {zh: 打断, en: Interrupting}, correct: false}
      - {text: {zh: 打字不说话, en: Silent typing}, correct: false}
  - id: q-tf
    type: truefalse
    lesson: lesson-one
    competency: active-listening
    difficulty: 1
    points: 1
    source: practice
    text: {zh: 应该打断客户。, en: You should interrupt the customer.}
    explanation: {zh: 不应该。, en: You should not.}
    answer: false
  - id: q-match
    type: matching
    lesson: lesson-two
    competency: active-listening
    difficulty: 2
    points: 3
    source: practice
    text: {zh: 连线, en: Match}
    explanation: {zh: 如此。, en: So.}
    pairs:
      - {left: {zh: 甲, en: A}, right: {zh: 一, en: one}}
      - {left: {zh: 乙, en: B}, right: {zh: 二, en: two}}
      - {left: {zh: 丙, en: C}, right: {zh: 三, en: three}}
  - id: q-order
    type: ordering
    lesson: lesson-two
    competency: active-listening
    difficulty: 2
    points: 3
    source: practice
    text: {zh: 排序, en: Order}
    explanation: {zh: 先听再确认再行动。, en: "Listen, confirm, act."}
    steps:
      - {zh: 倾听, en: Listen}
      - {zh: 确认, en: Confirm}
      - {zh: 行动, en: Act}
  - id: q-numeric
    type: numeric
    lesson: lesson-two
    competency: active-listening
    difficulty: 2
    points: 1
    source: practice
    text: {zh: 80 个来电中 68 个在 20 秒内接起，服务水平是多少？, en: "68 of 80 calls answered within 20 s; service level?"}
    explanation: {zh: 68 ÷ 80 = 85%。, en: 68 / 80 = 85%.}
    answer: 85
    tolerance: 0.5
    unit: {zh: "%", en: "%"}
  - id: q-short
    type: short
    lesson: lesson-two
    competency: active-listening
    difficulty: 1
    points: 1
    source: practice
    text: {zh: 用客户的话说回要点叫什么？, en: "Restating the customer's point in their words is called?"}
    explanation: {zh: 复述。, en: Paraphrasing.}
    answers: {zh: [复述], en: [paraphrasing, paraphrase]}
  - id: q-essay
    type: essay
    lesson: lesson-two
    competency: active-listening
    difficulty: 3
    points: 4
    source: practice
    text: {zh: 写出你会怎么回应。, en: Write how you would respond.}
    explanation: {zh: 先共情。, en: Empathise first.}
    model_answer: {zh: 我理解您的心情……, en: I understand how you feel...}
    rubric:
      - {name: {zh: 共情, en: Empathy}, points: 2, guide: {zh: 说出感受, en: Names the feeling}}
      - {name: {zh: 方案, en: Solution}, points: 2, guide: {zh: 给出方案, en: Offers a way forward}}
"""

QUIZZES = """quizzes:
  - id: basics-quiz
    title: {zh: 基础测验, en: Basics quiz}
    description: {zh: 测验。, en: A quiz.}
    banks: [m1-basics]
    draw: 7
    essays: 1
    time_limit: 20
    attempts: 2
    pass_mark: 70
    feedback: after_submit
"""


def make_tree_with_quiz(root: Path) -> Path:
    make_tree(root)
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / "m1-basics.yml").write_text(QUESTIONS, encoding="utf-8")
    (root / "quizzes.yml").write_text(QUIZZES, encoding="utf-8")
    return root

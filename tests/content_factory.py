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
    shutil.copy(REAL_CONTENT / "phrases.yml", root / "phrases.yml")
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


SCENARIO = """id: test-call
title: {zh: 测试来电, en: Test call}
summary: {zh: 一通用于测试的来电。, en: A call for tests.}
persona:
  name: {zh: 周先生, en: Mr Zhou}
  situation: {zh: 维修两次爽约。, en: The repair visit was missed twice.}
  wants: {zh: 今天得到确切答复。, en: A firm answer today.}
  mood: 30
  behaviour: angry
brief: {zh: 安抚客户并解决问题。, en: Calm the customer and solve the problem.}
pass_mark: 70
mood_floor: {at: 5, ending: end-hangup}
rubric:
  - id: empathy
    name: {zh: 共情, en: Empathy}
    section: empathy
    weight: 30
    competency: de-escalation
    levels:
      - {min: 0, zh: 没有回应情绪, en: Ignores the feeling}
      - {min: 50, zh: 有时回应情绪, en: Sometimes acknowledges the feeling}
      - {min: 80, zh: 始终先回应情绪, en: "Acknowledges the feeling first, every time"}
  - id: resolution
    name: {zh: 解决问题, en: Resolution}
    section: resolution
    weight: 30
    competency: complaint-handling
    levels:
      - {min: 0, zh: 没有方案, en: No way forward}
      - {min: 80, zh: 政策内给出方案, en: Offers options within policy}
  - id: language
    name: {zh: 用语, en: Language}
    section: compliance
    weight: 20
    competency: reception-etiquette
    levels:
      - {min: 0, zh: 用语不当, en: Poor wording}
      - {min: 50, zh: 用语得体, en: Courteous wording}
  - id: closing
    name: {zh: 结束通话, en: Closing}
    section: closing
    weight: 20
    competency: complaint-handling
    levels:
      - {min: 0, zh: 草草结束, en: Abrupt close}
      - {min: 80, zh: 确认并致谢, en: Confirms and thanks}
critical_errors:
  - {id: forbidden-phrase, kind: customer, name: {zh: 使用服务禁语, en: Used a forbidden phrase}, phrases: true}
  - {id: false-promise, kind: business, name: {zh: 做出无法兑现的承诺, en: Made a promise that cannot be kept}}
start: open
nodes:
  open:
    customer: {zh: 你们的师傅又没来！, en: Your technician didn't turn up again!}
    direction: {zh: 提高音量, en: raises voice}
    choices:
      - {reply: {zh: 两次白等，换谁都会生气，我来帮您查。, en: "Waiting twice for nothing would make anyone angry; let me look into it."}, next: ask, points: {empathy: 2}, mood: 10, feedback: {zh: 先回应情绪。, en: Acknowledges the feeling first.}}
      - {reply: {zh: 您先冷静一下。, en: Please calm down first.}, next: ask, points: {empathy: -1}, mood: -20, feedback: {zh: 让客户冷静只会火上浇油。, en: Telling a customer to calm down inflames them.}}
  ask:
    customer: {zh: 你们到底什么时候来？, en: "So when are you coming?"}
    choices:
      - {reply: {zh: 麻烦您告诉我工单号，我马上查。, en: "Could you give me the order number? I'll check right away."}, next: write, points: {resolution: 2}, mood: 5, feedback: {zh: 先弄清事实。, en: Gets the facts first.}}
      - {reply: {zh: 规定就是这样排期的。, en: That's how the schedule works.}, next: write, points: {language: -1}, mood: -15, feedback: {zh: 搬出规定不解决问题。, en: Quoting the rules solves nothing.}}
  write:
    customer: {zh: 工单号是 1023。, en: It's order 1023.}
    free_text:
      prompt: {zh: 用你自己的话回应客户。, en: Answer the customer in your own words.}
      criteria: {empathy: 3, language: 2}
      model_answer: {zh: 让您白等两次，真的很抱歉。我看到工单 1023，马上为您确认新的上门时间。, en: "I'm truly sorry you waited twice. I can see order 1023 and will confirm a new visit time now."}
      use: [apologise-for-experience, understand-feelings]
      avoid: [not-my-job]
      checklist:
        - id: apologises
          criterion: empathy
          what: {zh: 为让客户白等道歉, en: Apologises for the wasted waits}
          zh: [抱歉, 对不起, 道歉]
          en: [sorry, apologise, apologize]
        - id: order
          criterion: language
          what: {zh: 说出工单号 1023, en: Names order 1023}
          zh: ["1023"]
          en: ["1023"]
        - id: new-visit
          criterion: language
          what: {zh: 答应确认新的上门时间, en: Undertakes to confirm a new visit}
          zh: [上门时间, 新的时间, 重新安排, 改约]
          en: [new visit, visit time, rebook, new time]
      routes:
        - {when: critical, next: write-angry, mood: -20}
        - {when: missing, items: [new-visit], next: write-again}
      next: offer
  write-angry:
    customer: {zh: 不归你管？那归谁管？, en: "Not your job? Then whose is it?"}
    choices:
      - {reply: {zh: 对不起，是我说错了，这件事我负责到底。, en: "I'm sorry, I was wrong to say that; I'll see this through."}, next: offer, points: {empathy: 1}, mood: 10, feedback: {zh: 马上认错并担起责任。, en: Owns the mistake at once.}}
      - {reply: {zh: 我只是说实话。, en: I'm only telling you the truth.}, next: end-lost, points: {empathy: -2}, mood: -30, feedback: {zh: 火上浇油。, en: Adds fuel to the fire.}}
  write-again:
    customer: {zh: 光道歉有什么用？师傅到底什么时候来？, en: "What good is sorry? When is the technician coming?"}
    choices:
      - {reply: {zh: 我现在就给您重新约上门时间。, en: "I'll book a new visit for you right now."}, next: offer, points: {resolution: 1}, mood: 5, feedback: {zh: 回到客户要的答复。, en: Back to the answer the customer wants.}}
      - {reply: {zh: 这个要等系统通知。, en: You'll have to wait for the system to tell you.}, next: offer, points: {resolution: -1}, mood: -10, feedback: {zh: 又让客户干等。, en: Leaves the customer waiting again.}}
  offer:
    customer: {zh: 那你说怎么办？, en: "So what are you going to do?"}
    choices:
      - {reply: {zh: 明天上午或下午都可以安排，您看哪个方便？, en: "I can book tomorrow morning or afternoon; which suits you?"}, next: close, points: {resolution: 3}, mood: 10, feedback: {zh: 政策内给出选择。, en: Options within policy.}}
      - {reply: {zh: 我保证今天就给您全额退款。, en: I promise you a full refund today.}, next: close, points: {resolution: 1}, mood: 5, critical: false-promise, feedback: {zh: 无法兑现的承诺。, en: A promise you cannot keep.}}
      - {reply: {zh: 我这边也没办法。, en: There's nothing I can do.}, next: end-lost, points: {resolution: -2}, mood: -30, feedback: {zh: 放弃了客户。, en: Gives up on the customer.}}
  close:
    customer: {zh: 好吧，明天上午。, en: "Fine, tomorrow morning."}
    choices:
      - {reply: {zh: 已经为您约好明天上午，还有其他需要帮忙的吗？感谢您的耐心。, en: "You're booked for tomorrow morning. Is there anything else? Thank you for your patience."}, next: end-resolved, points: {closing: 2}, mood: 5, feedback: {zh: 确认并致谢。, en: Confirms and thanks.}}
      - {reply: {zh: 我帮您转给主管。, en: "I'll pass you to my supervisor."}, next: end-escalated, points: {closing: 1}, mood: 0, feedback: {zh: 没必要的升级。, en: An escalation that was not needed.}}
  end-resolved:
    customer: {zh: 谢谢，明天见。, en: "Thanks, see you tomorrow."}
    ending: resolved
    debrief: {zh: 问题在政策内解决，客户满意。, en: Solved within policy; the customer is satisfied.}
  end-escalated:
    customer: {zh: 行吧，转吧。, en: "Fine, put me through."}
    ending: escalated
    debrief: {zh: 本可以自己解决。, en: You could have solved it yourself.}
  end-lost:
    customer: {zh: 那我换一家！, en: Then I'll go elsewhere!}
    ending: lost
    debrief: {zh: 客户流失。, en: The customer is lost.}
  end-hangup:
    customer: {zh: （挂断电话）, en: (hangs up)}
    ending: hung_up
    debrief: {zh: 客户的情绪降到谷底，挂断了电话。, en: The customer's mood hit the floor and they hung up.}
"""


def make_tree_with_scenario(root: Path) -> Path:
    make_tree(root)
    (root / "roleplays").mkdir(exist_ok=True)
    (root / "roleplays" / "test-call.yml").write_text(SCENARIO, encoding="utf-8")
    return root


CERTIFICATIONS = """certifications:
  - id: basics
    name: {zh: 基础认证, en: Basics certificate}
    description: {zh: 基础。, en: The basics.}
    competencies: {active-listening: developing}
    quizzes: {basics-quiz: 70}
    roleplays: {}
    signoff: false
    valid_months: 12
    renew_within_days: 30
  - id: calls
    name: {zh: 通话认证, en: Calls certificate}
    description: {zh: 通话。, en: Calls.}
    competencies: {}
    quizzes: {}
    roleplays: {test-call: 70}
    signoff: true
    valid_months: 12
    renew_within_days: 30
"""


def make_full_tree(root: Path) -> Path:
    """Lessons, a quiz, a scenario and two certifications."""
    make_tree_with_quiz(root)
    (root / "roleplays").mkdir(exist_ok=True)
    (root / "roleplays" / "test-call.yml").write_text(SCENARIO, encoding="utf-8")
    (root / "certifications.yml").write_text(CERTIFICATIONS, encoding="utf-8")
    return root

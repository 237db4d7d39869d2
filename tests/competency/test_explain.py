"""Why a level is what it is, and what would move it up: from the level rules, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trainer.competency.explain import KindCount, answers_to_reach, explain
from trainer.competency.models import DEFAULT_WEIGHTS, Level, Proficiency, SourceKind
from trainer.competency.proficiency import add_evidence, estimate
from trainer.competency.recommend import _SUGGESTERS, Suggestion, suggest

NOW = datetime(2026, 12, 7, tzinfo=UTC)
LEVELS = [
    Level(id="novice", position=1, name_zh="新手", name_en="Novice", min_score=0.0,
          min_evidence=0, min_source_kinds=0),
    Level(id="developing", position=2, name_zh="发展中", name_en="Developing", min_score=0.4,
          min_evidence=0, min_source_kinds=0),
    Level(id="proficient", position=3, name_zh="胜任", name_en="Proficient", min_score=0.65,
          min_evidence=5, min_source_kinds=2),
    Level(id="expert", position=4, name_zh="精通", name_en="Expert", min_score=0.85,
          min_evidence=10, min_source_kinds=2),
]  # fmt: skip


def _row(pieces: list[tuple[str, float]]) -> Proficiency:
    row = Proficiency(user_id=1, competency_id="empathy", decayed_score=0.0,
                      decayed_weight=0.0, evidence_count=0, weight_total=0.0, kinds=[])  # fmt: skip
    for kind, score in pieces:
        add_evidence(row, score, DEFAULT_WEIGHTS[SourceKind(kind)], kind, NOW)
    return row


def _counts(pieces: list[tuple[str, float]]) -> list[KindCount]:
    kinds: dict[str, int] = {}
    for kind, _score in pieces:
        kinds[kind] = kinds.get(kind, 0) + 1
    return [KindCount(k, n, n, NOW) for k, n in kinds.items()]


def test_quizzes_and_lessons_alone_need_another_kind_for_proficient() -> None:
    pieces = [("lesson", 1.0)] * 4 + [("quiz", 1.0)] * 6
    why = explain(_row(pieces), LEVELS, _counts(pieces), NOW)
    assert why.results == 10 and why.counted_kinds == 1
    assert why.next_level is not None and why.next_level.id == "proficient"
    assert [n.rule for n in why.needs] == ["kinds"]
    assert why.needs[0].more == 1 and why.needs[0].missing_kinds == ("roleplay", "grade")


def test_after_a_finished_call_the_need_for_another_kind_is_gone() -> None:
    pieces = [("quiz", 1.0)] * 6 + [("roleplay", 0.9)]
    why = explain(_row(pieces), LEVELS, _counts(pieces), NOW)
    assert estimate(_row(pieces), LEVELS).level_id == "proficient"
    assert why.next_level is not None and why.next_level.id == "expert"
    assert {n.rule for n in why.needs} == {"evidence"}  # 7 of 10 results; score already 98 %
    assert why.needs[0].more == 3


def test_the_promised_number_of_right_answers_is_exactly_enough() -> None:
    pieces = [("quiz", 1.0), ("quiz", 0.0), ("quiz", 0.0), ("quiz", 0.0), ("roleplay", 0.3)]
    row = _row(pieces)
    why = explain(row, LEVELS, _counts(pieces), NOW)
    score_need = next(n for n in why.needs if n.rule == "score")
    assert score_need.need == 0.4 and score_need.have < 0.4
    n = score_need.more
    before, after = _row(pieces), _row(pieces)
    for _ in range(n - 1):
        add_evidence(before, 1.0, 1.0, "quiz", NOW)
    for _ in range(n):
        add_evidence(after, 1.0, 1.0, "quiz", NOW)
    assert estimate(before, LEVELS).level_id == "novice"
    assert estimate(after, LEVELS).level_id == "developing"


def test_no_evidence_and_the_top_level() -> None:
    why = explain(None, LEVELS, [], NOW)
    assert why.results == 0 and why.next_level is not None and why.next_level.id == "developing"
    assert why.needs[0].rule == "score" and why.needs[0].more == 1
    assert answers_to_reach(None, 0.4, NOW) == 1
    pieces = [("quiz", 1.0)] * 8 + [("roleplay", 1.0)] * 3
    top = explain(_row(pieces), LEVELS, _counts(pieces), NOW)
    assert top.next_level is None and top.needs == []


def test_recent_counts_come_from_the_rows() -> None:
    old = NOW - timedelta(days=90)
    why = explain(None, LEVELS, [KindCount("quiz", 5, 2, old)], NOW)
    assert why.results == 5 and why.recent == 2 and why.last_at == old


def test_recommendations_are_grouped_deduplicated_and_explained() -> None:
    def fake(user_id: int, ids: list[str], lang: str) -> list[Suggestion]:
        out = []
        for c in ids:
            lesson = Suggestion("lesson", c, f"on {c}", "lessons.lesson", {"lesson_id": c})
            out.append(lesson)
            if c in ("empathy", "listening"):  # one call scores both
                out.append(Suggestion("roleplay", c, "call", "roleplay.scenario", {"key": "k"}))
        return out

    saved = _SUGGESTERS[:]
    _SUGGESTERS[:] = [fake]  # only this one: the real ones need an application
    try:
        groups = suggest(
            1, ["empathy", "listening", "closing"], "en", {"empathy": ("roleplay", "grade")}
        )
    finally:
        _SUGGESTERS[:] = saved
    assert [g.competency_id for g in groups] == ["empathy", "listening", "closing"]
    first = groups[0].items
    assert first[0].suggestion.kind == "roleplay" and first[0].reason == "new-kind"
    assert first[0].also == ("listening",)
    links = [(r.suggestion.endpoint, str(r.suggestion.args)) for g in groups for r in g.items]
    assert len(links) == len(set(links))  # the call is listed once, under the weakest
    assert [r.suggestion.kind for r in groups[1].items] == ["lesson"]
    assert groups[1].items[0].reason == "practise"

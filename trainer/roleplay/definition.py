"""A scenario as typed objects: what the engine, the checker and the debrief work on.

The loader checks a scenario file (with line numbers for every problem) and then builds these;
the same models give the JSON Schema of the scenario format (`trainer content-schema`), so an
author's editor can complete and check a file as it is written.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Section = Literal["opening", "discovery", "empathy", "resolution", "hold", "closing", "compliance"]
Behaviour = Literal[
    "angry",
    "silent",
    "talkative",
    "demanding",
    "confused",
    "doubting",
    "key-account",
    "abusive",
    "prospect",
    "follow-up",
]
EndingKind = Literal["resolved", "escalated", "hung_up", "lost"]
Verdict = Literal["strong", "adequate", "weak"]
Slug = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """The same words in both languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Persona(Model):
    name: Text
    situation: Text
    wants: Text
    mood: int = Field(ge=0, le=100, description="starting mood: 0 furious or lost, 100 delighted")
    behaviour: Behaviour


class Level(Model):
    min: int = Field(ge=0, le=100)
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Criterion(Model):
    id: str = Slug
    name: Text
    section: Section
    weight: int = Field(ge=1, le=100)
    competency: str
    levels: list[Level] = Field(min_length=2)

    def level(self, percent: float) -> Level:
        reached = self.levels[0]
        for level in self.levels:
            if percent >= level.min:
                reached = level
        return reached


class CriticalError(Model):
    id: str = Slug
    kind: Literal["customer", "business", "compliance"]
    name: Text
    phrases: bool = Field(
        default=False, description="raised when a written reply holds a critical phrase to avoid"
    )


class MoodFloor(Model):
    at: int = Field(ge=0, le=100)
    ending: str


class Timeout(Model):
    """What a reply after the per-turn limit costs, and when the customer gives up."""

    mood: int = Field(default=-10, ge=-40, le=0)
    hang_up_after: int | None = Field(
        default=None, ge=1, description="seconds after which the customer hangs up"
    )
    ending: str | None = None


class Choice(Model):
    reply: Text
    next: str
    points: dict[str, float]
    mood: int = Field(default=0, ge=-40, le=40)
    critical: str | None = None
    feedback: Text


class ChecklistItem(Model):
    """One thing a good written reply does here, and the words that show it was done."""

    id: str = Slug
    criterion: str
    what: Text
    zh: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, le=10)

    def terms(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.zh


class Route(Model):
    when: Literal["critical", "avoided", "strong", "adequate", "weak", "missing"]
    items: list[str] = Field(default_factory=list, description="for when: missing")
    next: str
    mood: int | None = Field(default=None, ge=-40, le=40)


class FreeText(Model):
    prompt: Text
    criteria: dict[str, float]
    model_answer: Text
    use: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    next: str


class Node(Model):
    customer: Text
    direction: Text | None = None
    choices: list[Choice] | None = Field(default=None, min_length=2, max_length=4)
    free_text: FreeText | None = None
    ending: EndingKind | None = None
    debrief: Text | None = None

    def exits(self) -> list[str]:
        if self.choices:
            return [c.next for c in self.choices]
        if self.free_text:
            return [self.free_text.next, *(r.next for r in self.free_text.routes)]
        return []


class Scenario(Model):
    id: str = Slug
    title: Text
    summary: Text
    persona: Persona
    brief: Text
    pass_mark: int = Field(ge=0, le=100)
    turn_seconds: int | None = Field(default=None, ge=10, le=600)
    timeout: Timeout | None = None
    mood_floor: MoodFloor | None = None
    rubric: list[Criterion]
    critical_errors: list[CriticalError] = Field(default_factory=list)
    start: str
    nodes: dict[str, Node]
    # What the scenario's facts rest on (seed references, "practice", "ext: <citation>" for a
    # law, a hotline or a study): for authors and reviewers, not shown during a call.
    sources: list[str] = Field(default_factory=list)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.rubric if c.id == criterion_id), None)

    def critical_error(self, error_id: str) -> CriticalError | None:
        return next((e for e in self.critical_errors if e.id == error_id), None)

    def phrase_error(self) -> str | None:
        return next((e.id for e in self.critical_errors if e.phrases), None)

    def best_choice(self, node: Node) -> int:
        """The reply a trainer would hold up: most points, then kindest to the mood."""
        choices = node.choices or []
        return max(
            range(len(choices)), key=lambda i: (sum(choices[i].points.values()), choices[i].mood)
        )

    def best_ending(self) -> str | None:
        """The ending reached by always taking the best reply and writing a strong one."""
        node_id, seen = self.start, set()
        while node_id not in seen:
            seen.add(node_id)
            node = self.nodes[node_id]
            if node.ending:
                return node_id
            if node.choices:
                node_id = node.choices[self.best_choice(node)].next
            elif node.free_text:
                strong = next((r for r in node.free_text.routes if r.when == "strong"), None)
                node_id = strong.next if strong else node.free_text.next
        return None


_versions: dict[str, Scenario] = {}


def typed_version(content_hash: str | None, data: dict[str, Any]) -> Scenario:
    """The typed scenario of a stored version (a version's content never changes)."""
    if not content_hash:
        return Scenario.model_validate(data)
    found = _versions.get(content_hash)
    if found is None:
        if len(_versions) > 512:
            _versions.clear()
        found = _versions[content_hash] = Scenario.model_validate(data)
    return found


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Service Trainer role-play scenario (content/roleplays/*.yml)"
    return schema

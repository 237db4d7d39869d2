"""What the API accepts and answers, as pydantic models: spectree validates requests against
them before a view runs and writes the OpenAPI document from them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..certification.models import Status

# PostgreSQL's `integer`: an id beyond it cannot exist, and passing it on would fail in the driver.
MAX_ID = 2_147_483_647
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_EXPIRING_DAYS = 3650


def _whole_number(value: object) -> object:
    # Pydantic's lax mode would read "1.0", " 1" or "1_000" as 1; a query string is text, and
    # only plain digits (with a sign, so the range check names the real problem) are a number.
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,20}", value):
        raise ValueError("must be a whole number")
    return value


# Whole numbers in a range, read from a query string.
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE), BeforeValidator(_whole_number)]
Days = Annotated[int, Field(ge=1, le=MAX_EXPIRING_DAYS), BeforeValidator(_whole_number)]


class Query(BaseModel):
    """Parameters every operation takes; anything else in the query string is refused."""

    model_config = ConfigDict(extra="forbid")

    lang: Literal["zh", "en"] | None = Field(
        None, description="Language of titles, texts and error messages (default zh)."
    )


class HrQuery(Query):
    team: Id | None = Field(None, description="Only this team's people.")
    certification: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Only this certification's column and standings.",
    )
    status: Status | None = Field(None, description="Only people with this status.")
    expiring: Days | None = Field(
        None,
        description="Only certified people whose certificate expires within this many days.",
    )
    page: Id = Field(1, description="Page number, from 1.")
    per_page: PageSize = Field(DEFAULT_PAGE_SIZE, description="People per page.")


def _instant(value: object) -> object:
    # xAPI's since/until are ISO 8601 instants; a date alone or a time without a zone is
    # ambiguous, so both are refused rather than guessed.
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        try:
            moment: datetime | None = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or "T" not in text or moment.tzinfo is None:
            raise ValueError("must be an ISO 8601 time with a zone, e.g. 2026-01-31T08:00:00Z")
        return moment
    return value


Instant = Annotated[datetime, BeforeValidator(_instant)]


class XapiQuery(Query):
    since: Instant | None = Field(None, description="Only statements stored after this time.")
    until: Instant | None = Field(
        None, description="Only statements stored at or before this time."
    )
    agent: str | None = Field(
        None,
        min_length=3,
        max_length=261,
        pattern=r"^(mailto:)?[^@\s]+@[^@\s]+$",
        description="Only this person's statements: an email (with or without mailto:).",
    )
    verb: str | None = Field(
        None,
        min_length=8,
        max_length=200,
        pattern=r"^https?://\S+$",
        description="Only statements with this verb IRI.",
    )
    page: Id = Field(1, description="Page number, from 1.")
    per_page: PageSize = Field(DEFAULT_PAGE_SIZE, description="Statements per page.")


class XapiStatements(BaseModel):
    """A page of statements as an LRS answers it (xAPI 1.0.3 StatementResult)."""

    statements: list[dict[str, Any]]
    more: str = Field(description="The next page's URL, or empty on the last page.")


class ProblemError(BaseModel):
    location: str = Field(description="The parameter that is wrong.")
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = Field(
        None, description="For a refused request: each parameter that is wrong and why."
    )


class Me(BaseModel):
    id: int
    email: str
    display_name: str
    roles: list[str]
    team: str | None


class LessonItem(BaseModel):
    id: str
    title: str
    minutes: int
    status: str


class ModuleItem(BaseModel):
    id: str
    title: str
    status: str
    percent: int
    lessons: list[LessonItem]


class Course(BaseModel):
    title: str | None = None
    percent: int | None = None
    modules: list[ModuleItem]


class KeyTerm(BaseModel):
    id: str
    term: str
    definition: str


class Lesson(BaseModel):
    id: str
    version: int
    title: str
    objectives: list[str]
    key_terms: list[KeyTerm]
    summary: str
    body_html: str
    minutes: int
    completed: bool
    competencies: list[str]
    sources: list[str]


class QuizItem(BaseModel):
    id: str
    title: str
    attempts_used: int
    attempts_allowed: int | None
    best_percent: float | None
    passed: bool
    awaiting_grading: bool
    in_progress_attempt: int | None


class Quizzes(BaseModel):
    quizzes: list[QuizItem]


class AttemptQuestion(BaseModel):
    """One question as the attempt page shows it. The fields after `saved` depend on the type
    (options, rows or steps under this attempt's tokens) and on whether the outcome is shown."""

    model_config = ConfigDict(extra="allow")

    position: int
    field: str
    type: str
    text_html: str
    points: float
    saved: bool


class Attempt(BaseModel):
    id: int
    quiz: str | None
    number: int
    state: str
    seconds_left: int | None
    percent: float | None
    passed: bool | None
    questions: list[AttemptQuestion]


class CompetencyLevel(BaseModel):
    id: str
    level: str
    estimate: float
    confidence: float
    evidence: int


class Profile(BaseModel):
    competencies: list[CompetencyLevel]


class Standing(BaseModel):
    certification: str
    status: Status
    missing: list[Any]


class CertificateItem(BaseModel):
    code: str
    certification: str
    issued: str
    expires: str
    status: Literal["valid", "expired", "revoked"]


class Certificates(BaseModel):
    standings: list[Standing]
    certificates: list[CertificateItem]


class Person(BaseModel):
    id: int
    name: str
    email: str
    team: str
    certifications: dict[str, Status]


class Matrix(BaseModel):
    total: int
    page: int
    pages: int
    per_page: int
    counts: dict[str, int]
    people: list[Person]

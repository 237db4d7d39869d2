"""Timing and query counting: every scenario runs once to warm up, then `repeats` times; the
table shows the median. Queries are counted with a `before_cursor_execute` listener on the
app's engine, and each statement's execute time is kept to name the slowest one."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from trainer.extensions import db


@dataclass(frozen=True)
class Statement:
    ms: float  # time inside cursor.execute (on SQLite: up to the first row)
    sql: str
    parameters: Any


@dataclass(frozen=True)
class Sample:
    ms: float
    queries: int
    statements: list[Statement]
    note: str = ""


@dataclass
class Result:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(s.ms for s in self.samples)

    @property
    def min_ms(self) -> float:
        return min(s.ms for s in self.samples)

    @property
    def queries(self) -> str:
        counts = sorted({s.queries for s in self.samples})
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"

    @property
    def typical(self) -> Sample:
        """The sample whose time is the median (the upper one for an even count)."""
        ordered = sorted(self.samples, key=lambda s: s.ms)
        return ordered[len(ordered) // 2]

    @property
    def sql_ms(self) -> float:
        return sum(st.ms for st in self.typical.statements)

    @property
    def slowest(self) -> Statement | None:
        return max(self.typical.statements, key=lambda st: st.ms, default=None)

    @property
    def note(self) -> str:
        return self.samples[-1].note if self.samples else ""


class QueryCounter:
    """Counts statements sent to the database (an executemany counts once)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        self.statements: list[Statement] = []
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args: Any) -> None:
        self.count += 1
        self._started = time.perf_counter()

    def _after(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        ms = (time.perf_counter() - self._started) * 1000
        self.statements.append(Statement(ms, statement, parameters))

    def reset(self) -> None:
        self.count = 0
        self.statements = []

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


Run = Callable[[], list[Sample]]


class Bench:
    def __init__(self, app: Flask, repeats: int) -> None:
        self.app = app
        self.repeats = repeats
        with app.app_context():
            self.counter = QueryCounter(db.engine)
        self.results: list[Result] = []

    def measure(self, names: list[str], run: Run) -> None:
        """Warm up once, then `repeats` runs; a run gives one sample per name."""
        run()
        results = [Result(name) for name in names]
        for _ in range(self.repeats):
            for result, sample in zip(results, run(), strict=True):
                result.samples.append(sample)
        self.results.extend(results)

    def _sample(self, started: float, note: str = "") -> Sample:
        return Sample(
            (time.perf_counter() - started) * 1000,
            self.counter.count,
            list(self.counter.statements),
            note,
        )

    def service(self, name: str, call: Callable[[], Any], describe: Callable[[Any], str]) -> None:
        """A service function in its own application context (a fresh session, as per request)."""

        def run() -> list[Sample]:
            with self.app.app_context():
                self.counter.reset()
                started = time.perf_counter()
                value = call()
                return [self._sample(started, describe(value))]

        self.measure([name], run)

    def page(self, name: str, client: FlaskClient, path: str) -> None:
        """A whole request through the test client: routing, login, queries, templates."""

        def run() -> list[Sample]:
            self.counter.reset()
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            sample = self._sample(started, f"{len(body) / 1024:,.0f} KiB HTML")
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            return [sample]

        self.measure([name], run)

    def stream(self, names: tuple[str, str], client: FlaskClient, path: str) -> None:
        """A streamed response: time (and queries) to the first chunk, and to the last."""

        def run() -> list[Sample]:
            self.counter.reset()
            started = time.perf_counter()
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            chunks = iter(response.response)
            head = next(chunks)
            first = self._sample(started, f"first chunk {len(head) / 1024:,.0f} KiB")
            size, lines = len(head), head.count(b"\n")
            try:
                for chunk in chunks:
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            finally:
                response.close()
            total = self._sample(started, f"{size / 1_048_576:,.1f} MiB, {lines - 1:,} rows")
            return [first, total]

        self.measure(list(names), run)

    def close(self) -> None:
        self.counter.close()


def login(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed ({response.status_code})")
    return client


def explain(app: Flask, statement: Statement) -> list[str]:
    """SQLite's plan for a statement, one line per step."""
    with app.app_context():
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement.sql, statement.parameters
        )
        return [str(row[-1]) for row in rows]

"""Item statistics as Moodle computes them, checked against Moodle's own fixture."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from trainer.quizzes.analysis import Sums, rest_fractions

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_reproduces_moodles_quiz_statistics() -> None:
    with (FIXTURES / "results00.csv").open() as f:
        attempts = list(csv.DictReader(f))
    with (FIXTURES / "qstats00.csv").open() as f:
        expected = list(csv.DictReader(f))
    sums = [Sums() for _ in expected]
    for row in attempts:
        marks = [float(row[f"slots.{i}.mark"]) for i in range(1, len(expected) + 1)]
        for item, x, y in zip(sums, marks, rest_fractions(marks, [1.0] * len(marks)), strict=True):
            item.add(x, y)
    assert len(attempts) == 25
    for item, want in zip(sums, expected, strict=True):
        assert item.facility == pytest.approx(float(want["facility"]), rel=1e-6)
        assert item.sd == pytest.approx(float(want["sd"]), rel=1e-6)
        assert item.discrimination == pytest.approx(float(want["discriminationindex"]), rel=1e-6)


def test_hand_computed_example() -> None:
    # Four trainees, two questions worth 1 each. Question A: 1, 1, 0, 0; B: 1, 0, 1, 0.
    # Facility A = 2/4 = 0.5; SD A = sqrt(((4 * 0.25) / 3)) = 0.57735.
    # Rest of the test for A is B: corr(A, B) = 0, so discrimination 0.
    a = Sums()
    for x, y in [(1, 1), (1, 0), (0, 1), (0, 0)]:
        a.add(x, y)
    assert a.facility == 0.5
    assert a.sd == pytest.approx(0.5773502692)
    assert a.discrimination == pytest.approx(0.0)
    # Perfectly aligned: whoever gets C right does well elsewhere → +100.
    c = Sums()
    for x, y in [(1, 1.0), (1, 1.0), (0, 0.0), (0, 0.0)]:
        c.add(x, y)
    assert c.discrimination == pytest.approx(100.0)
    # Nobody varies → no index rather than a division by zero.
    d = Sums()
    for y in (0.2, 0.8, 0.5):
        d.add(1, y)
    assert d.discrimination is None

"""export-content writes files that load-content accepts unchanged: same versions, same hashes."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.content_factory import make_full_tree
from trainer.content_tree import check_tree, load_tree, read_tree


def fingerprint(root: Path) -> dict[str, object]:
    tree = read_tree(root)
    return {
        "lessons": {lesson.id: lesson.content_hash() for lesson in tree.course.lessons},
        "questions": {q.key: q.content_hash() for bank in tree.banks.values() for q in bank},
        "quizzes": tree.quizzes,
        "scenarios": {s.id: s.content_hash() for s in tree.scenarios},
        "certifications": tree.certifications,
        "modules": [(m.id, m.title, m.hours_theory) for m in tree.course.modules],
    }


def test_export_then_load_round_trips(app: Flask, tmp_path: Path) -> None:
    source = make_full_tree(tmp_path / "source")
    load_tree(read_tree(source))
    target = tmp_path / "exported"
    result = app.test_cli_runner().invoke(args=["export-content", str(target)])
    assert result.exit_code == 0, result.output
    assert check_tree(target) == []
    assert fingerprint(target) == fingerprint(source)

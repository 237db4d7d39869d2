"""The one piece of markup a plain question stem keeps: **…** around the word a reader must not
miss, the negation ("which is **not**…", “哪一项**不**…”)."""

from __future__ import annotations

from tests.content_factory import REAL_CONTENT
from trainer.content_tree import read_tree
from trainer.markup import render_text


def test_double_asterisks_become_strong_and_the_rest_stays_escaped() -> None:
    assert render_text("哪一项**不**正确？") == "哪一项<strong>不</strong>正确？"
    assert render_text("Which is **not** <b>right</b>?") == (
        "Which is <strong>not</strong> &lt;b&gt;right&lt;/b&gt;?"
    )
    assert render_text("2 * 3 * 4") == "2 * 3 * 4"  # single asterisks are arithmetic
    assert render_text("**<script>**") == "<strong>&lt;script&gt;</strong>"


def test_shipped_stems_close_every_emphasis() -> None:
    tree = read_tree(REAL_CONTENT)
    for questions in tree.banks.values():
        for q in questions:
            for lang, text in q.text.items():
                assert text.count("**") % 2 == 0, f"{q.key} ({lang}): an unclosed **"

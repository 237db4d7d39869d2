"""A fresh application on a fresh SQLite file, with the shipped content loaded."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Flask

from trainer import create_app
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = REPO_ROOT / "content"


def make_database_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="trainer-bench-"))


def build_app(database: Path, content: Path = CONTENT_DIR) -> Flask:
    """The app on `database` (created, schema made, content loaded)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        load_tree(read_tree(content))
        db.session.remove()
    return app

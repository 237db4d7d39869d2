"""QA pages: the reviewer's queue, interactions, evaluations, the agent's own and disputes."""

from __future__ import annotations

from flask import Blueprint

from . import models  # noqa: F401  (the tables exist once the blueprint is registered)

bp = Blueprint("qa", __name__, url_prefix="/qa", template_folder="templates")

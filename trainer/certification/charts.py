"""The HR dashboard's chart, drawn with the shared SVG helpers."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from ..competency.charts import bars


def team_chart(shares: list[tuple[str, float]]) -> Markup:
    return bars(shares, _("Share of people holding a valid certificate, per team"))

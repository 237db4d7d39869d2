"""QA review of real calls, chats and e-mails on the shared rubric model (docs/qa-review.md).

Sits above the domains, like calibration: it reuses the role-play rubric, checker and scoring,
and records evidence through the competency service.
"""

from .views import bp

__all__ = ["bp"]

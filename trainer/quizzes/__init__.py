"""Quizzes: question bank, quizzes, attempts, grading, GIFT import/export, item analysis."""

from .views import bp

__all__ = ["bp"]

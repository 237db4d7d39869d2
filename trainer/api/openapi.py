"""The OpenAPI 3 description of /api/v1/."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "description": "A problem (RFC 9457)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
LANG = {
    "name": "lang",
    "in": "query",
    "schema": {"type": "string", "enum": ["zh", "en"]},
    "description": "Language of titles and text (default zh).",
}


def _get(summary: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "401": PROBLEM,
                "403": PROBLEM,
                "404": PROBLEM,
            },
        }
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Service Trainer API",
            "version": "1",
            "description": "Read access to lessons, quizzes, profiles and certification, "
            "with the same role rules as the web pages. Create a token on "
            "your account page and send it as `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                }
            },
        },
        "paths": {
            "/me": _get("The signed-in person"),
            "/lessons": _get("The course with this person's progress", [LANG]),
            "/lessons/{lesson_id}": _get(
                "One lesson",
                [
                    LANG,
                    {
                        "name": "lesson_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
            ),
            "/quizzes": _get("Quizzes with this person's results", [LANG]),
            "/attempts/{attempt_id}": _get(
                "One of this person's quiz attempts: its questions under the attempt's answer "
                "tokens (the form fields the attempt page posts), and the outcome once the "
                "quiz shows it",
                [
                    LANG,
                    {
                        "name": "attempt_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
            ),
            "/profile": _get("This person's competency levels", [LANG]),
            "/certificates": _get("This person's certification standings and certificates"),
            "/hr/certifications": _get(
                "People × certifications (HR and administrators)",
                [
                    {"name": "team", "in": "query", "schema": {"type": "integer"}},
                    {"name": "certification", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": [
                                "not_started",
                                "in_progress",
                                "eligible",
                                "certified",
                                "expiring",
                                "expired",
                                "revoked",
                            ],
                        },
                    },
                    {"name": "expiring", "in": "query", "schema": {"type": "integer"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                ],
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OK"}},
                }
            },
        },
    }

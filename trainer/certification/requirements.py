"""Results the certification rules read from the domains (best quiz scores, clean role-play
scores). Domains register a provider in create_app, so this core package imports none."""

from __future__ import annotations

from collections.abc import Callable

# (user ids, quiz slugs or scenario keys) → {(user id, slug or key): best result}
Provider = Callable[[list[int], list[str]], dict[tuple[int, str], float]]
_PROVIDERS: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> None:
    _PROVIDERS[kind] = provider


def results(kind: str, user_ids: list[int], ids: list[str]) -> dict[tuple[int, str], float]:
    if not ids or not user_ids or kind not in _PROVIDERS:
        return {}
    return _PROVIDERS[kind](user_ids, ids)


# (ids, language) → {id: readable title}, for naming requirements on the pages.
Namer = Callable[[list[str], str], dict[str, str]]
_NAMERS: dict[str, Namer] = {}


def register_names(kind: str, namer: Namer) -> None:
    _NAMERS[kind] = namer


def names(kind: str, ids: list[str], lang: str) -> dict[str, str]:
    if not ids or kind not in _NAMERS:
        return {}
    return _NAMERS[kind](ids, lang)

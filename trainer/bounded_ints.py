"""Integers from addresses and forms, kept to what the database can store.

Python reads any length of digits as an int; PostgreSQL's `integer` stops at 2**31 - 1 and
SQLite's at 2**63 - 1, and a larger bound parameter fails deep inside a query (OverflowError,
NumericValueOutOfRange) as a 500. So the bound is applied once, where text becomes a number:
an id in the path out of range matches no route (404); `args.get(..., type=int)` or
`form.get(..., type=int)` out of range is a bad request (400) with a message.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that matches only ids a database column can hold."""

    def __init__(
        self,
        url_map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            url_map,
            fixed_digits=fixed_digits,
            min=INT_MIN if min is None else min,
            max=INT_MAX if max is None else max,
            signed=signed,
        )


def _bounded(key: str, raw: str | None, default: Any) -> Any:
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        return default
    if not INT_MIN <= number <= INT_MAX:
        raise BadRequest(f"“{key}” is out of range.")
    return number


class BoundedMultiDict(ImmutableMultiDict[str, str]):
    """Query and form values whose `get(..., type=int)` refuses numbers out of range."""

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if type is not int:
            return super().get(key, default, type)
        return _bounded(key, super().get(key), default)


class BoundedCombinedMultiDict(CombinedMultiDict[str, str]):
    """`request.values` (query, then form) with the same bound."""

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if type is not int:
            return super().get(key, default, type)
        return _bounded(key, super().get(key), default)


class BoundedRequest(Request):
    parameter_storage_class = BoundedMultiDict

    @cached_property
    def values(self) -> CombinedMultiDict[str, str]:
        sources = [self.args] if self.method == "GET" else [self.args, self.form]
        return BoundedCombinedMultiDict(sources)


def init_app(app: Flask) -> None:
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntegerConverter

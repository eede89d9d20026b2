"""The API's filter backend: the apps' FilterSets (the pages' own), with numbers checked before any query.

A number beyond a 64-bit integer in a filter (or an id in the path) would reach the database and fail there
(SQLite raises OverflowError, PostgreSQL an out-of-range error): a 500. It is bad input, answered 400
(404 for an id in the path, which simply matches nothing).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError

DB_INT_MAX = 2**63 - 1


def out_of_range(value: str) -> bool:
    """True when `value` reads as a number no database integer column can hold."""
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return False
    return (number.is_finite() and abs(number) > DB_INT_MAX) or number.is_infinite()


def check_pk(value: Any) -> None:
    """An object id in the path must be a positive database integer; anything else matches nothing."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or int(text) > DB_INT_MAX:
        raise NotFound()


class CheckedFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        bad = {name: ["数值超出范围 (number out of range)"]
               for name, values in request.query_params.lists() for value in values if out_of_range(value)}
        if bad:
            raise ValidationError(bad)
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        return kwargs

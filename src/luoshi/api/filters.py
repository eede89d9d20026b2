"""The API's filter backend: the apps' FilterSets (the pages' own), with numbers checked before any query.

A number beyond a 64-bit integer in a filter (or an id in the path) would reach the database and fail there
(SQLite raises OverflowError, PostgreSQL an out-of-range error): a 500. It is bad input, answered 400
(404 for an id in the path, which simply matches nothing).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
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


BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})


def _problem(value: str, query_filter: Any) -> str | None:
    if out_of_range(value):
        return _("数值超出范围")
    if query_filter is None:
        return None
    if value == "":
        # A page's form sends empty fields meaning "any"; an API client leaves the parameter out.
        return _("不能为空，不筛选时请省略该参数")
    if isinstance(query_filter, django_filters.BooleanFilter) and value.lower() not in BOOLEAN_VALUES:
        return _("须为 true 或 false")
    return None


class CheckedFilterBackend(DjangoFilterBackend):
    """Also stricter than a page's form: an empty filter, or a yes/no filter that is neither, is a 400."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        bad: dict[str, list[str]] = {}
        for name, values in request.query_params.lists():
            query_filter = filters.get(name)
            if query_filter is None and name.endswith(("_after", "_before")):  # a date range's two halves
                query_filter = filters.get(name.rsplit("_", 1)[0])
            for value in values:
                problem = _problem(value, query_filter)
                if problem:
                    bad.setdefault(name, []).append(problem)
        if bad:
            raise ValidationError(bad)
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        return kwargs


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """An id or a year: a whole number (django-filter's NumberFilter would take 0.5 and match nothing)."""

    field_class = forms.IntegerField

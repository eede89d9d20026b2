"""Base viewsets of the API apps.

Filters apply to lists only: a detail URL answers for one object the account may see, whatever the query
string says (the pages' FilterSets carry list defaults, such as "open assignments only").
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets

from .filters import check_pk


class ListFiltersOnly:
    """Also: an object id in the path that no database integer can hold is 404 (see filters.check_pk)."""

    action: str | None
    kwargs: dict[str, Any]
    # Any path segment reaches the view, so a malformed id is this API's JSON 404, not Django's HTML page.
    lookup_value_regex = "[^/]+"

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authentication and permissions first
        if "pk" in self.kwargs:
            check_pk(self.kwargs["pk"])

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        filtered: QuerySet[Any] = super().filter_queryset(queryset)  # type: ignore[misc]
        return filtered


class ReadOnlyViewSet(ListFiltersOnly, viewsets.ReadOnlyModelViewSet[Any]):
    """List and detail of objects scoped by get_queryset (an access helper); anything else is 404."""


class ListOnlyViewSet(ListFiltersOnly, mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """A list without a detail URL (rows that have their own detail elsewhere)."""

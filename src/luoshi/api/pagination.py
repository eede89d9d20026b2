"""One paginator for every list of the API: numbered pages, `page_size` from 1 to MAX_PAGE_SIZE.

Stricter than DRF's default, which silently ignores a malformed page size: a `page` or `page_size` that
is not a whole number in range is a 400 saying so (a page past the last one stays DRF's 404).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200


def _whole_number(request: Any, name: str, *, maximum: int | None = None) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    try:
        if len(values) > 1:
            raise ValueError
        number = int(values[0])
        if number < 1 or (maximum is not None and number > maximum):
            raise ValueError
    except ValueError:
        limit = f"1–{maximum}" if maximum else "≥ 1"
        raise ValidationError({name: [_("须为%(limit)s的整数") % {"limit": limit}]}) from None
    return number


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Any) -> int:
        size = _whole_number(request, self.page_size_query_param, maximum=self.max_page_size)
        return int(size or self.page_size)

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = _whole_number(request, self.page_query_param)
        return number or 1

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

"""How the API answers errors: one JSON shape, {"detail": message, "code": code}.

A DomainError raised by a service (the same one the pages show as a message) is 400 with its message and
stable code; code "forbidden" (the object is visible but this account may not do that, e.g. a liaison
accepting its own report) is 403; StaleUpdate (someone saved the report since `version`) is 409. An object
the account may not see is 404, exactly like an id that does not exist. DRF's own errors (validation,
authentication, throttling) keep DRF's bodies, with a `code` added where DRF gives one.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from luoshi.core.errors import DomainError, StaleUpdate


def domain_error_response(error: DomainError) -> Response:
    if isinstance(error, StaleUpdate):
        code = status.HTTP_409_CONFLICT
    elif error.code == "forbidden":
        code = status.HTTP_403_FORBIDDEN
    else:
        code = status.HTTP_400_BAD_REQUEST
    return Response({"detail": error.message, "code": error.code}, status=code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, Http404):
        # One body for every "not found" (Django's names the model): nothing tells objects apart.
        exc = NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", None) or "error"
    return response

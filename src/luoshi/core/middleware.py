"""Per-request plumbing: the request id and source address of audit entries, the security events recorded at
the end of a request (denied access, downloads), and the security headers of every answer."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    source_address: str


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("luoshi_request", default=None)


def current_request_id() -> str:
    context = _context.get()
    return context.request_id if context else ""


def current_source_address() -> str:
    context = _context.get()
    return context.source_address if context else ""


def client_address(request: HttpRequest) -> str:
    """The address the request came from: REMOTE_ADDR, or behind the documented reverse proxy the header
    named by LUOSHI_CLIENT_ADDRESS_HEADER (e.g. X-Real-IP), which that proxy sets and overwrites. Only its
    first value counts; a client cannot add to a header the proxy replaces."""
    header = settings.LUOSHI_CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.headers.get(header, "").split(",")[0].strip()
        if forwarded:
            return forwarded[:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def account_of(request: HttpRequest) -> Any:
    """The logged-in account the answer was made for, or None. Never the first to look: when the view left
    both the account and the session untouched (the public pages, the same for every visitor), looking now
    would add `Vary: Cookie` and spoil their public caching, and the answer holds nothing of the account."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return None
    return user if user.is_authenticated else None


class RequestIdMiddleware:
    """Gives every request a server-generated id (a client's X-Request-Id header is never trusted: it would
    let a client tie its requests to someone else's entries) and records its security events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = uuid.uuid4().hex
        token = _context.set(RequestContext(request_id=rid, source_address=client_address(request)))
        try:
            response = self.get_response(request)
            from .security_events import record_response_events  # imports the audit models

            record_response_events(request, response)
        finally:
            _context.reset(token)
        response["X-Request-Id"] = rid
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer (a view may set a stricter CSP, as
    downloads do), and `Cache-Control: no-store` on every answer made for a logged-in account, so no page
    holding supervision data stays in a browser's or a proxy's cache after logout. (The public pages look at
    no account, are the same for everyone and keep their public caching.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.LUOSHI_CONTENT_SECURITY_POLICY
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.LUOSHI_PERMISSIONS_POLICY
        if account_of(request) is not None:
            # Replaces whatever a view said (a public page's max-age): this answer was made for this account.
            response["Cache-Control"] = "private, no-store"
        return response

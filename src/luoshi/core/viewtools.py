"""Small helpers shared by the apps' views: method-restricted login views, paging, htmx detection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

View = Callable[..., HttpResponse]
PAGE_SIZE = 25


def login_get(view: View) -> View:
    """A page: logged-in users, GET/HEAD only."""
    wrapped: View = login_required(require_http_methods(["GET", "HEAD"])(view))
    return wrapped


def login_form(view: View) -> View:
    """A form page: logged-in users, GET/HEAD/POST."""
    wrapped: View = login_required(require_http_methods(["GET", "HEAD", "POST"])(view))
    return wrapped


def login_post(view: View) -> View:
    """An action: logged-in users, POST only."""
    wrapped: View = login_required(require_POST(view))
    return wrapped


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    page: Page = Paginator(items, size).get_page(request.GET.get("page"))
    return page


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))

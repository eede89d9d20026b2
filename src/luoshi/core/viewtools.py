"""Small helpers shared by the apps' views: method-restricted login views, paging, htmx detection, downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .errors import DomainError
from .security_events import DOWNLOAD_ATTRIBUTE

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


def require_readers(user: Any) -> None:
    """Pages of whole plans and of every unit: the office and leaders; anyone else is told it is not there."""
    if not (user.is_authenticated and user.sees_everything):
        raise Http404


def require_office(user: Any) -> None:
    """Pages that change the plan, figures or settings: the supervising office (and administrators) only."""
    if not (user.is_authenticated and user.is_office):
        raise Http404


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    page: Page = Paginator(items, size).get_page(request.GET.get("page"))
    return page


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def redirect_after_post(request: HttpRequest, url: str, error: DomainError | None = None) -> HttpResponse:
    """After a POST action: the domain error as a message, then a redirect (a client redirect for htmx)."""
    if error is not None:
        messages.error(request, error.message)
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _download_headers(response: HttpResponse, *, sandbox: bool) -> HttpResponse:
    # Files are never sniffed into another type, never kept by shared caches; uploaded ones (user content)
    # are sandboxed so that even an HTML file opened from the download cannot run in Luoshi's origin.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if sandbox:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _mark_download(response: HttpResponse, *, kind: str, filename: str, target: Any) -> None:
    # Read by RequestIdMiddleware (luoshi.core.security_events), which audits the download once answered.
    setattr(response, DOWNLOAD_ATTRIBUTE, {"kind": kind, "filename": filename, "target": target})


def download_response(content: bytes, *, filename: str, content_type: str, target: Any = None) -> HttpResponse:
    """A file Luoshi built (workbook, PDF) as an attachment; audited as an export download."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    _mark_download(response, kind="export", filename=filename, target=target)
    return _download_headers(response, sandbox=False)


def stored_file_response(file: Any, *, filename: str, content_type: str, uploaded: bool = True,
                         target: Any = None) -> FileResponse:
    """A stored file streamed as an attachment (never inline); 404 when it is gone from storage. Audited as
    an evidence download (uploaded) or an export download (a document Luoshi built in the background)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    _mark_download(response, kind="evidence" if uploaded else "export", filename=filename, target=target)
    _download_headers(response, sandbox=uploaded)
    return response

"""HTTP caching for the public pages: one response per URL, whoever asks.

A public page depends only on its URL and on the data, never on the visitor:
- the language is part of the URL (`?lang=en`; Chinese without it), not the session or the language
  cookie, so a shared cache may keep one copy per URL. The pages never touch the session, the user or
  the CSRF token, so Django adds no `Vary: Cookie` and sets no cookie. LocaleMiddleware still adds
  `Vary: Accept-Language`: harmless (the body does not change with it), only more cache entries;
- the data version is the newest audit entry (leaving out frequent private actions such as saving a
  draft, see PRIVATE_ACTIONS): every change of state goes through a service that writes one in the same
  transaction, so any change to what could be shown gives a new version. Together with
  the business date (task status turns to "overdue" with the calendar) and an hourly slot (which bounds
  how long an unaudited change, such as an admin edit of a unit's name, can stay unseen) it makes the
  ETag, and the
  rendered body is kept in the cache (settings.CACHES) under URL + language + version: a request for an
  unchanged page costs two small queries (version, cache) whatever the size of the plan, and a
  conditional request (If-None-Match / If-Modified-Since) gets 304 without rendering at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from luoshi.core import clock
from luoshi.core.models import AuditEntry

ENGLISH = "en"
BROWSER_MAX_AGE = 300          # seconds a browser or proxy may reuse a page without asking
# Every audited write changes the version at once; other changes (admin edits of the unit directory, the
# calendar) show within this many seconds: the version includes the current slot of this length.
REFRESH_SECONDS = 3600
SERVER_TTL = REFRESH_SECONDS
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified")


def page_language(request: HttpRequest) -> str:
    return ENGLISH if request.GET.get("lang") == ENGLISH else settings.LANGUAGE_CODE


def page_number(request: HttpRequest) -> int:
    """`?page=N` of a paged page; anything else is page 1 (so junk parameters share one cache entry)."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@dataclass(frozen=True)
class DataVersion:
    entry_id: int
    modified: dt.datetime
    today: dt.date
    period: int  # the current REFRESH_SECONDS slot since the epoch


# Frequent actions that never change what the public pages show (drafts, submissions, returns, evidence,
# reminders, accounts, assessment): they leave the cached pages in place. Any other action, including one
# added later, renews them, so a mistake here can only cost a re-render, never show stale public data.
PRIVATE_ACTIONS = (
    "report.create", "report.save", "report.approve", "report.submit", "report.return", "report.sheet_upload",
    "attachment.add", "attachment.delete", "instruction.create", "extension.request", "extension.refuse",
    "assignment.close_propose", "assignment.close_refuse", "export.request", "document.request",
    "index_method.create", "index_edition.request", "index_edition.compute", "index_edition.fail",
)
PRIVATE_PREFIXES = ("reminder.", "user.", "api_token.", "rubric.", "score.", "appeal.", "assessment.",
                    "security.", "audit.")


def _public_entries() -> Any:
    private = Q(action__in=PRIVATE_ACTIONS)
    for prefix in PRIVATE_PREFIXES:
        private |= Q(action__startswith=prefix)
    return AuditEntry.objects.exclude(private)


def data_version(request: HttpRequest) -> DataVersion:
    """The newest audit entry that may concern the public, the business date and the refresh slot.

    One query, kept on the request."""
    found = getattr(request, "_public_version", None)
    if found is None:
        row = _public_entries().order_by("-id").values_list("id", "created_at").first()
        period = int(time.time() // REFRESH_SECONDS)
        slot_start = dt.datetime.fromtimestamp(period * REFRESH_SECONDS, tz=dt.UTC)
        # The page may have changed since the slot began without an audited write (a unit renamed in the
        # admin, a task turning overdue at midnight), so nothing is older than that.
        modified = max(row[1], slot_start) if row else slot_start
        found = DataVersion(entry_id=row[0] if row else 0, modified=modified, today=clock.today(), period=period)
        request._public_version = found  # type: ignore[attr-defined]
    return found


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    version = data_version(request)
    # Weak: two renders of one version may differ in bytes (generated chart ids), not in meaning.
    return (f'W/"{version.entry_id}-{version.period}-{version.today:%Y%m%d}-{page_language(request)}'
            f'-{page_number(request)}"')


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> dt.datetime | None:
    return data_version(request).modified


def _cache_key(request: HttpRequest) -> str:
    version = data_version(request)
    # The host and scheme too: the feed writes absolute links.
    raw = (f"{version.entry_id}|{version.period}|{version.today}|{page_language(request)}|{request.scheme}://"
           f"{request.get_host()}{request.path}|{page_number(request)}")
    return "luoshi.public:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` in the URL's language with public caching headers, an ETag and a server-side copy."""

    @condition(etag_func=_etag, last_modified_func=_last_modified)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _cache_key(request)
        kept = cache.get(key)
        if kept is not None:
            body, headers = kept
            response = HttpResponse(body)
            for name, value in headers.items():
                response[name] = value
            return response
        with translation.override(page_language(request)):
            response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}),
                      SERVER_TTL)
        return response

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = cached(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
        response["Content-Language"] = "zh-Hans" if page_language(request) != ENGLISH else ENGLISH
        return response

    return wrapped

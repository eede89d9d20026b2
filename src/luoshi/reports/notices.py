"""In-app notifications to the people something now waits for: the office (submitted reports, closing and
extension requests, appeals, answers to instructions), a unit's head (reports to approve) and a unit's
liaison and head (returns, new duties, instructions).

Every notice is written after the transaction that caused it commits: nobody is told about a change that
was rolled back. Texts are rendered in the site's language (the recipient is not the one making the request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi.orgs.choices import Role

from .models import Notification

TEXT_MAX = 500
URL_MAX = 300


def _write(user_ids: Iterable[int], text: str, url: str) -> None:
    Notification.objects.bulk_create([Notification(user_id=pk, text=text[:TEXT_MAX], url=url[:URL_MAX])
                                      for pk in dict.fromkeys(user_ids)])


def _later(recipients: Callable[[], Iterable[int]], text: Callable[[], str], url: str) -> None:
    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            _write(recipients(), text(), url)

    transaction.on_commit(send)


def office_ids() -> list[int]:
    """The supervising office's active accounts (administrators run the system, they are not told)."""
    return list(get_user_model().objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("pk", flat=True))


def head_ids(unit_id: int) -> list[int]:
    return list(get_user_model().objects.filter(unit_id=unit_id, role=Role.HEAD, is_active=True)
                .values_list("pk", flat=True))


def unit_ids(unit_id: int) -> list[int]:
    """A unit's liaison and head accounts."""
    return list(get_user_model().objects.filter(unit_id=unit_id, role__in=[Role.LIAISON, Role.HEAD], is_active=True)
                .values_list("pk", flat=True))


def notify_office(*, text: Callable[[], str], url: str = "") -> None:
    """Tell every office account, after commit. `text` is called then, in the site's language."""
    _later(office_ids, text, url)


def notify_heads(*, unit_id: int, text: Callable[[], str], url: str = "") -> None:
    _later(lambda: head_ids(unit_id), text, url)


def notify_unit(*, unit_id: int, text: Callable[[], str], url: str = "") -> None:
    _later(lambda: unit_ids(unit_id), text, url)


def notify_users(*, user_ids: Iterable[int], text: Callable[[], str], url: str = "") -> None:
    ids = list(user_ids)
    _later(lambda: ids, text, url)


def duties_notify(*, plan: Any, assignments: QuerySet[Any]) -> None:
    """Tell each unit given new duties by a plan's publication how many, in one notice (after commit)."""
    counts = dict(assignments.order_by().values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    url = reverse("reports:my_tasks") + "?state=new"
    title = plan.title[:80]
    for unit_id, count in counts.items():
        def text(count: int = count) -> str:
            message: str = _("《%(plan)s》已发布，交办贵单位%(count)d项任务，请按期报送进展。") % {
                "plan": title, "count": count}
            return message

        notify_unit(unit_id=unit_id, text=text, url=url)

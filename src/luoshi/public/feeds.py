"""An Atom feed of the tasks of public plans that were closed (办结) most recently."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luoshi.plans.models import Task

from . import selectors
from .caching import ENGLISH

FEED_SIZE = 50


def _suffix() -> str:
    return "?lang=en" if get_language() == ENGLISH else ""


class ClosedTasksFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        return None

    def title(self) -> str:
        return _("落实 · 公开计划新近办结的任务")

    def subtitle(self) -> str:
        return _("各公开计划中全部责任单位均已办结的任务，按办结时间由近及远。")

    def link(self) -> str:
        return reverse("public:home") + _suffix()

    def feed_url(self) -> str:
        return reverse("public:feed") + _suffix()

    def items(self) -> list[Task]:
        return selectors.closed_tasks(FEED_SIZE)

    def item_title(self, item: Task) -> str:
        return f"{item.display_path} {item.text[:60]}"

    def item_description(self, item: Task) -> str:
        units = "、".join(item.public_units)  # type: ignore[attr-defined]
        return _("%(plan)s：%(text)s（责任单位：%(units)s）") % {"plan": item.plan.title, "text": item.text,
                                                          "units": units or "—"}

    def item_link(self, item: Task) -> str:
        return reverse("public:plan_detail", args=[item.plan_id]) + _suffix() + f"#task-{item.pk}"

    def item_pubdate(self, item: Task) -> dt.datetime:
        return item.closed_on  # type: ignore[attr-defined,no-any-return]

    def item_updateddate(self, item: Task) -> dt.datetime:
        return item.closed_on  # type: ignore[attr-defined,no-any-return]

"""The public pages: only what the office marked public, in the URL's language, cacheable by anyone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from luoshi.plans.models import Assignment
from luoshi.reports import services
from tests.public.conftest import (
    ACCEPT_COMMENT,
    ACCEPTED_OLD,
    ACCEPTED_TEXT,
    DRAFT_PLAN_TITLE,
    DRAFT_TEXT,
    EVIDENCE_NAME,
    RETURN_COMMENT,
    RETURNED_TEXT,
    STAFF_EMAIL,
    STAFF_NAMES,
    STAFF_PHONE,
    SUBMITTED_TEXT,
    UNMARKED_PLAN_TITLE,
    PublicWorld,
    make_public,
)

pytestmark = pytest.mark.django_db

PRIVATE = (ACCEPTED_OLD, RETURNED_TEXT, RETURN_COMMENT, ACCEPT_COMMENT, DRAFT_TEXT, SUBMITTED_TEXT, EVIDENCE_NAME,
           DRAFT_PLAN_TITLE, UNMARKED_PLAN_TITLE, STAFF_EMAIL, STAFF_PHONE, *STAFF_NAMES)


def _pages(world: PublicWorld) -> list[str]:
    urls = [reverse("public:home"), reverse("public:plan_detail", args=[world.plan.pk]),
            reverse("public:indicators"), reverse("public:index_home"), reverse("public:feed")]
    return urls + [f"{url}?lang=en" for url in urls]


def test_it_shows_the_public_plan_with_its_latest_accepted_progress(client: Client, public_world: PublicWorld) -> None:
    page = client.get(reverse("public:plan_detail", args=[public_world.plan.pk])).content.decode()
    assert public_world.plan.title in page
    assert public_world.item1.source_sentence() in page
    assert ACCEPTED_TEXT in page and "2019年2月" in page
    assert "1200家" in page  # the figure of the accepted report, under its target
    assert "市科技局（牵头）" in page and "市财政局（配合）" in page
    home = client.get(reverse("public:home")).content.decode()
    assert public_world.plan.title in home and reverse("public:plan_detail", args=[public_world.plan.pk]) in home


def test_it_never_shows_anything_private(client: Client, public_world: PublicWorld) -> None:
    from luoshi.plans.models import Task

    withdrawn = public_world.plan.tasks.get(key="二/(二)/4")  # a task the office keeps off the public page
    Task.objects.filter(pk=withdrawn.pk).update(is_public=False)
    for url in _pages(public_world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        leaked = [text for text in (*PRIVATE, withdrawn.text) if text in body]
        assert leaked == [], f"{url} shows {leaked}"
        for user in (public_world.personas.supervisor, public_world.personas.lead_liaison):
            assert user.username not in body


@pytest.mark.parametrize("which", ["draft_plan", "unmarked_plan"])
def test_it_answers_404_for_a_plan_not_published_or_not_marked(client: Client, public_world: PublicWorld,
                                                               which: str) -> None:
    plan = getattr(public_world, which)
    assert client.get(reverse("public:plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("public:plan_detail", args=[999999])).status_code == 404
    client.force_login(public_world.personas.supervisor)  # the office too: the public page is the public's
    assert client.get(reverse("public:plan_detail", args=[plan.pk])).status_code == 404


def test_it_withdraws_a_plan_the_office_unmarks(client: Client, public_world: PublicWorld) -> None:
    url = reverse("public:plan_detail", args=[public_world.plan.pk])
    assert client.get(url).status_code == 200
    assert public_world.plan.title in client.get(reverse("public:home")).content.decode()
    make_public(public_world.plan, public_world.personas.supervisor, public=False)
    assert client.get(url).status_code == 404  # not served from the cache
    assert public_world.plan.title not in client.get(reverse("public:home")).content.decode()


def test_it_sends_public_caching_headers_and_no_cookie(client: Client, public_world: PublicWorld) -> None:
    for url in _pages(public_world):
        response = client.get(url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "max-age=300"} <= cache_control, url
        assert response["ETag"].startswith('W/"') and response.has_header("Last-Modified")
        assert "cookie" not in response.get("Vary", "").lower(), url
        assert not response.cookies, url


def test_it_sets_no_cookie_and_no_vary_cookie_for_a_signed_in_visitor(client: Client,
                                                                      public_world: PublicWorld) -> None:
    client.force_login(public_world.personas.supervisor)
    response = client.get(reverse("public:plan_detail", args=[public_world.plan.pk]))
    assert response.status_code == 200
    assert "cookie" not in response.get("Vary", "").lower() and not response.cookies
    assert STAFF_NAMES[0] not in response.content.decode()


def test_it_answers_a_conditional_request_with_304_until_the_data_changes(client: Client,
                                                                          public_world: PublicWorld) -> None:
    url = reverse("public:plan_detail", args=[public_world.plan.pk])
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # A unit saving a draft changes nothing the public sees: same ETag, the cached page stays.
    lead_on_item1 = Assignment.objects.get(task=public_world.item1, unit__name="市科技局")
    services.report_save(actor=public_world.personas.lead_liaison, assignment=lead_on_item1,
                         period=public_world.plan.periods.get(start__month=5), version=None, progress="on_track",
                         narrative="五月草稿。")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A newly accepted report changes the data version: new ETag, new body (not the cached one).
    lead = Assignment.objects.get(task=public_world.item2, unit__name="市经信委")
    pending = lead.reports.get()
    services.report_accept(actor=public_world.personas.supervisor, report=pending)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert pending.narrative in changed.content.decode()


def test_it_takes_the_language_from_the_url_only(client: Client, public_world: PublicWorld) -> None:
    url = reverse("public:plan_detail", args=[public_world.plan.pk])
    with translation.override("en"):
        closed_en, deadline_en = translation.gettext("办理中"), translation.gettext("完成时限")
    assert (closed_en, deadline_en) != ("办理中", "完成时限")
    english = client.get(f"{url}?lang=en")
    body = english.content.decode()
    assert english["Content-Language"] == "en" and '<html lang="en">' in body
    assert closed_en in body and deadline_en in body and f'href="{url}"' in body  # the switch back to Chinese
    assert ACCEPTED_TEXT in body  # reports are shown as written
    # A visitor whose language cookie or browser asks for English still gets Chinese at the plain URL:
    # the URL alone decides, so a shared cache can never hand one language to the other.
    client.cookies["django_language"] = "en"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert chinese["Content-Language"] == "zh-Hans" and '<html lang="zh-Hans">' in chinese.content.decode()
    assert "完成时限" in chinese.content.decode() and f'href="{url}?lang=en"' in chinese.content.decode()
    assert english["ETag"] != chinese["ETag"]


def test_it_refuses_other_methods(client: Client, public_world: PublicWorld) -> None:
    assert client.post(reverse("public:home")).status_code == 405


def test_it_keeps_the_query_count_flat_as_the_plan_grows(client: Client, personas: Any,
                                                        django_assert_max_num_queries: Any) -> None:
    from django.core.cache import cache

    from tests.public.factories import big_public_plan

    small = big_public_plan(personas, items=4, title="小计划")
    large = big_public_plan(personas, items=24, title="大计划")
    for plan in (small, large):
        for url in (reverse("public:plan_detail", args=[plan.pk]), reverse("public:home"),
                    reverse("public:feed")):
            cache.clear()
            with django_assert_max_num_queries(16):
                assert client.get(url).status_code == 200
            with django_assert_max_num_queries(3):  # served from the cache: version and cache read
                assert client.get(url).status_code == 200
    page = client.get(reverse("public:plan_detail", args=[large.pk])).content.decode()
    assert page.count("最新进展（已审核通过）") == 24  # every item's accepted report is there


def test_it_links_the_plan_page_to_the_public_page_once_marked(client: Client, personas: Any,
                                                               published_plan: Any) -> None:
    client.force_login(personas.supervisor)
    office_page = reverse("plans:plan_detail", args=[published_plan.pk])
    public_url = reverse("public:plan_detail", args=[published_plan.pk])
    assert f'href="{public_url}"' not in client.get(office_page).content.decode()
    # The office marks it on the plan page's settings form (plans.services.plan_configure, audited).
    client.post(reverse("plans:plan_settings", args=[published_plan.pk]),
                {"cadence": published_plan.cadence, "due_day": published_plan.due_day,
                 "year": published_plan.year or "", "is_public": "on"})
    from luoshi.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="plan.configure", object_id=str(published_plan.pk),
                                     after__is_public=True).exists()
    assert f'href="{public_url}"' in client.get(office_page).content.decode()
    client.logout()
    assert client.get(public_url).status_code == 200


def test_it_pages_a_long_plan_and_keeps_counts_for_the_whole_plan(client: Client, personas: Any,
                                                                  monkeypatch: Any) -> None:
    from luoshi.public import selectors
    from tests.public.factories import big_public_plan

    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    plan = big_public_plan(personas, items=12, title="分页计划")  # 1 heading + 12 items: 3 pages of 5 nodes
    url = reverse("public:plan_detail", args=[plan.pk])
    first, second = client.get(url).content.decode(), client.get(f"{url}?page=2&lang=en").content.decode()
    assert "推进第4项" in first and "推进第5项" not in first
    assert "推进第5项" in second and "推进第9项" in second and "推进第4项" not in second
    assert "重点任务" in second  # the section heading repeated, marked as continued
    assert f'href="{url}?page=3&amp;lang=en"' in second and f'href="{url}?lang=en"' in second
    closed = sum(1 for task in plan.tasks.filter(is_item=True)
                 if not task.assignments.filter(active=True, status="open").exists())
    assert closed > 0
    for page in (first, second):  # the whole plan's counts on every page
        shown = re.search(r'class="status-closed"><dt>[^<]*</dt><dd>(\d+)</dd>', page)
        assert shown is not None and int(shown.group(1)) == closed
        others = [re.search(rf'class="status-{key}"><dt>[^<]*</dt><dd>(\d+)</dd>', page) for key in (
            "in_progress", "overdue")]
        assert sum(int(found.group(1)) for found in others if found) == 12 - closed
    assert client.get(f"{url}?page=4").status_code == 404
    assert client.get(f"{url}?page=abc").status_code == 200  # junk is page 1


def test_it_is_linked_from_the_login_page(client: Client) -> None:
    assert f'href="{reverse("public:home")}"' in client.get(reverse("login")).content.decode()


def test_it_shows_a_reported_figure_only_once_the_office_confirms_it(client: Client,
                                                                     public_world: PublicWorld) -> None:
    """Issue 10: the 报告值 of an accepted report is a unit's self-report; the public sees it once confirmed."""
    from django.core.cache import cache

    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.choices import DataSource
    from luoshi.indicators.models import Indicator, Observation
    from luoshi.indicators.services import (
        catalogue_import,
        observation_confirm,
        regions_sync,
        self_reports_record,
        target_map,
    )
    from luoshi.reports.models import Report

    office = public_world.personas.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    regions_sync(actor=office)
    target = public_world.item1.targets.get(actuals__isnull=False)
    target.basis = "level"
    target.save(update_fields=["basis"])
    target_map(actor=office, target=target, indicator=Indicator.objects.get(code="high-tech-enterprises"))
    self_reports_record(actor=office, reports=Report.objects.filter(actuals__target=target))
    url = reverse("public:plan_detail", args=[public_world.plan.pk])
    assert "报告值 1200" not in client.get(url).content.decode()
    observation_confirm(actor=office, observation=Observation.objects.get(source=DataSource.SELF_REPORT))
    cache.clear()
    assert "报告值 1200" in client.get(url).content.decode()

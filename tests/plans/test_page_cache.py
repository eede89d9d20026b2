"""The cached fragments of the ledger, the unit's task list and the review queue (luoshi.core.pagecache):
a change shows at the next request, and each account gets exactly what the page computes for it without the
cache (never another unit's rows)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Report
from luoshi.reports.services import report_accept
from tests.plans.test_ledger import published_generated_plan

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub(r"\1", response.content.decode())


def answer(client: Any, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, TOKEN.sub(r"\1", response.content.decode())


def test_an_audited_change_shows_at_the_next_request(client: Any, personas: Any) -> None:
    published_generated_plan(personas.supervisor, 4)
    client.force_login(personas.supervisor)
    url = reverse("plans:ledger")
    accepted = str(ReportStatus.ACCEPTED.label)
    before = page(client, url).count(accepted)
    assert page(client, url).count(accepted) == before  # served from the cache: the same page
    report = Report.objects.filter(status=ReportStatus.SUBMITTED).order_by("pk").first()
    assert report is not None
    report_accept(actor=personas.supervisor, report=report)
    assert page(client, url).count(accepted) == before + 1


def test_an_accepted_report_leaves_the_review_queue_at_the_next_request(client: Any, personas: Any) -> None:
    published_generated_plan(personas.supervisor, 4)
    client.force_login(personas.supervisor)
    url = reverse("plans:review_queue")
    before = page(client, url).count('name="report"')
    assert before == Report.objects.filter(status=ReportStatus.SUBMITTED).count() > 0
    assert page(client, url).count('name="report"') == before
    report = Report.objects.filter(status=ReportStatus.SUBMITTED).order_by("pk").first()
    assert report is not None
    report_accept(actor=personas.supervisor, report=report)
    assert page(client, url).count('name="report"') == before - 1


@pytest.mark.parametrize("url_name", ["plans:ledger", "reports:my_tasks", "plans:review_queue"])
def test_each_account_gets_what_the_page_computes_for_it(client: Any, personas: Any, settings: Any,
                                                         url_name: str) -> None:
    published_generated_plan(personas.supervisor, 6)
    url = reverse(url_name)
    # Item 1 is shared by two units; the query narrows every account's ledger to the same task ids.
    queries = ["", "?q=第1项", "?state=due"]
    accounts = [personas.supervisor, personas.leader, personas.lead_liaison, personas.support_liaison,
                personas.other_liaison, personas.outsider]
    settings.LUOSHI_DASHBOARD_CACHE_SECONDS = 0
    expected = {}
    for account in accounts:
        client.force_login(account)
        for query in queries:
            expected[account.username, query] = answer(client, url + query)
    settings.LUOSHI_DASHBOARD_CACHE_SECONDS = 60
    for _round in range(2):  # the first round fills the cache, the second reads it
        for account in accounts:
            client.force_login(account)
            for query in queries:
                assert answer(client, url + query) == expected[account.username, query], (account.username, query)

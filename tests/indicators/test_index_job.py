"""The index computed as a background job: queued → running → done or failed, never half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.indicators import index as index_module
from luoshi.indicators.choices import DataSource, EditionState, EditionStatus
from luoshi.indicators.index import (
    index_edition_compute,
    index_edition_publish,
    index_edition_request,
    index_edition_run,
    index_method_save,
)
from luoshi.indicators.models import IndexEdition
from luoshi.indicators.services import observation_record

from .test_index_views import METHOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def method(personas: Any, catalogue: Any, regions: Any) -> Any:
    for region, turnover, hte in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", hte)):
            observation_record(actor=personas.supervisor, indicator=catalogue[code], region=regions[region],
                               year=2018, value=float(value), source=DataSource.OFFICIAL)
    return index_method_save(actor=personas.supervisor, text=METHOD)


def test_it_queues_then_computes_the_edition_in_the_job(personas: Any, method: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edition = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=50)
    queued = IndexEdition.objects.get(pk=edition.pk)
    assert (queued.state, queued.number, queued.result, queued.data_rows) == (EditionState.QUEUED, None, {}, [])
    assert len(callbacks) == 1   # the job is enqueued only once the request has committed
    callbacks[0]()               # ImmediateBackend: the job runs now
    done = IndexEdition.objects.get(pk=edition.pk)
    assert (done.state, done.number, done.status, done.error) == (EditionState.DONE, 1, EditionStatus.DRAFT, "")
    assert done.finished_at is not None and len(done.data_rows) == 6
    same = index_edition_compute(actor=personas.supervisor, method=method, year=2018, draws=50)
    assert same.number == 2
    assert done.result["regions"] == same.result["regions"]
    assert done.uncertainty["regions"] == same.uncertainty["regions"]     # same seed, same draws
    actions = list(AuditEntry.objects.filter(object_id=str(edition.pk), object_type="indicators.indexedition")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["index_edition.request", "index_edition.compute"]


def test_it_runs_a_job_delivered_twice_only_once(personas: Any, method: Any) -> None:
    edition = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=20, enqueue=False)
    first = index_edition_run(edition_id=edition.pk)
    again = index_edition_run(edition_id=edition.pk)
    assert first.state == again.state == EditionState.DONE and again.number == 1
    assert AuditEntry.objects.filter(action="index_edition.compute").count() == 1


def test_it_marks_the_edition_failed_with_the_reason_when_there_is_nothing_to_compute(
        personas: Any, catalogue: Any, regions: Any, django_capture_on_commit_callbacks: Any) -> None:
    method = index_method_save(actor=personas.supervisor, text=METHOD)
    with django_capture_on_commit_callbacks(execute=True):
        edition = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=20)
    failed = IndexEdition.objects.get(pk=edition.pk)
    assert failed.state == EditionState.FAILED and "没有可用于计算的年度数据" in failed.error
    assert (failed.number, failed.result, failed.data_rows, failed.uncertainty) == (None, {}, [], {})
    with pytest.raises(DomainError) as error:
        index_edition_publish(actor=personas.supervisor, edition=failed)
    assert error.value.code == "not_computed"
    assert AuditEntry.objects.filter(action="index_edition.fail", object_id=str(edition.pk)).exists()


def test_it_leaves_nothing_half_written_when_the_job_breaks_while_storing(
        personas: Any, method: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The figures are computed and saved, then the audit write fails: the whole store is rolled back.
    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(index_module, "_computed_audit", broken_audit)
    edition = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=20, enqueue=False)
    index_edition_run(edition_id=edition.pk)
    failed = IndexEdition.objects.get(pk=edition.pk)
    assert failed.state == EditionState.FAILED and "计算出错" in failed.error and "disk full" not in failed.error
    assert (failed.number, failed.result, failed.data_rows, failed.illustrative) == (None, {}, [], False)


def test_it_refuses_a_request_from_a_unit_account_or_with_bad_draws(personas: Any, method: Any) -> None:
    with pytest.raises(DomainError):
        index_edition_request(actor=personas.lead_liaison, method=method, year=2018)
    with pytest.raises(DomainError) as error:
        index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=0)
    assert error.value.code == "bad_draws"
    assert not IndexEdition.objects.exists()


def test_the_page_shows_the_state_and_polls_until_the_job_is_done(
        client: Client, personas: Any, method: Any, django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("indicators:edition_compute"),
                               {"c-method": method.pk, "c-year": 2018, "c-draws": 30})
    edition = IndexEdition.objects.get()
    url = reverse("indicators:edition_detail", args=[edition.pk])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "排队中" in page and 'hx-trigger="every 2s"' in page and 'id="scores"' not in page
    poll = client.get(url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "等待后台计算" in poll.content.decode() and "HX-Refresh" not in poll
    IndexEdition.objects.filter(pk=edition.pk).update(state=EditionState.RUNNING)
    assert "正在计算" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    IndexEdition.objects.filter(pk=edition.pk).update(state=EditionState.QUEUED)
    callbacks[0]()
    finished = client.get(url, HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'id="scores"' in page and "every 2s" not in page and "已完成" not in page


def test_the_page_shows_a_failure_with_its_message(client: Client, personas: Any, catalogue: Any, regions: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    method = index_method_save(actor=personas.supervisor, text=METHOD)
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:edition_compute"), {"c-method": method.pk, "c-year": 2018, "c-draws": 30})
    edition = IndexEdition.objects.get()
    page = client.get(reverse("indicators:edition_detail", args=[edition.pk])).content.decode()
    assert "计算失败" in page and "没有可用于计算的年度数据" in page and "every 2s" not in page
    assert "发布（发布后不可修改" not in page
    listing = client.get(reverse("indicators:index_home")).content.decode()
    assert "计算失败" in listing
    client.force_login(personas.leader)
    assert client.get(reverse("indicators:edition_detail", args=[edition.pk])).status_code == 404


def test_the_page_says_when_a_job_looks_stuck(client: Client, personas: Any, method: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    edition = index_edition_request(actor=personas.supervisor, method=method, year=2018, draws=20, enqueue=False)
    client.force_login(personas.supervisor)
    url = reverse("indicators:edition_detail", args=[edition.pk])
    assert "已超过15分钟" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    IndexEdition.objects.filter(pk=edition.pk).update(state=EditionState.RUNNING,
                                                      computed_at=timezone.now() - dt.timedelta(minutes=16))
    assert "已超过15分钟" in client.get(url, HTTP_HX_REQUEST="true").content.decode()

"""The assessment part of `manage.py demo` (luoshi.assessment.demo), run once for the module on the demo's date
(2018-08-03): both 2018 rubrics, departments published with one pending appeal, districts a draft to preview,
and the "example" note wherever they show. (tests/core/test_demo.py checks that a second run changes nothing.)"""

from __future__ import annotations

import io
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.assessment.demo import APPEALING_UNIT, BONUS_UNIT, DEMO_MARK, DEMO_NOTE
from luoshi.assessment.models import Appeal, Rubric, Score
from luoshi.assessment.scoring import Event
from luoshi.core.management.commands.demo import DEMO_PASSWORD, DEMO_TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(LUOSHI_TODAY=DEMO_TODAY):
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("demo", "--quiet-logins", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def today(demo: None) -> Iterator[None]:
    with override_settings(LUOSHI_TODAY=DEMO_TODAY):
        yield


def _client(username: str) -> Client:
    from luoshi.orgs.models import User
    from tests.conftest import login_verified

    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    user = User.objects.get(username=username)
    if user.needs_two_factor:  # the demo gives the office an authenticator: pass the second step too
        login_verified(client, user)
    return client


def test_it_publishes_the_departments_and_drafts_the_districts(today: None) -> None:
    rubrics = {r.unit_group: r for r in Rubric.objects.filter(year=2018)}
    assert set(rubrics) == {"departments", "districts"}
    assert all(r.note == DEMO_NOTE and r.weight_indicators > 0 for r in rubrics.values())
    departments, districts = rubrics["departments"], rubrics["districts"]
    assert departments.status == "published" and districts.status == "draft"
    assert departments.appeal_deadline is not None and departments.appeal_deadline > DEMO_TODAY
    scores = Score.objects.filter(rubric=departments)
    assert scores.filter(unit__name=APPEALING_UNIT).exists()
    assert sorted(scores.values_list("rank", flat=True))[0] == 1
    bonus = districts.adjustments.get()
    assert bonus.unit.name == BONUS_UNIT and bonus.reason.startswith(DEMO_MARK)


def test_it_files_one_pending_appeal_with_evidence_against_a_real_deduction(today: None) -> None:
    appeal = Appeal.objects.select_related("score__unit", "filed_by").get()
    assert (appeal.status, appeal.score.unit.name, appeal.filed_by.username) == ("pending", APPEALING_UNIT, "kjj")
    assert appeal.reason.startswith(DEMO_MARK)
    deduction = next(Event.from_json(e) for e in appeal.score.trace if e["key"] == appeal.event_key)
    assert deduction.points < 0 and deduction.points == appeal.points
    evidence = appeal.evidence.get()
    assert "示例" in evidence.original_name and evidence.content_type.startswith("text/plain")
    with evidence.file.open("rb") as handle:
        assert handle.read().decode("utf-8").startswith(DEMO_MARK)


def test_every_assessment_page_and_export_says_it_is_an_example(today: None) -> None:
    departments = Rubric.objects.get(year=2018, unit_group="departments")
    districts = Rubric.objects.get(year=2018, unit_group="districts")
    appeal = Appeal.objects.get()
    office, unit = _client("duchashi"), _client("kjj")
    pages = [(office, reverse("assessment:rubric_detail", args=[departments.pk])),
             (office, reverse("assessment:rubric_detail", args=[districts.pk])),
             (office, reverse("assessment:score_detail", args=[appeal.score_id])),
             (unit, reverse("assessment:index")),
             (unit, reverse("assessment:score_detail", args=[appeal.score_id]))]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert DEMO_NOTE in response.content.decode(), url
    preview = office.get(reverse("assessment:rubric_detail", args=[districts.pk])).content.decode()
    assert BONUS_UNIT in preview and "排名预览" in preview
    evidence = unit.get(reverse("assessment:appeal_evidence", args=[appeal.evidence.get().pk]))
    assert evidence.status_code == 200 and evidence["Content-Disposition"].startswith("attachment;")
    export = office.get(reverse("assessment:rubric_export", args=[departments.pk]))
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None and DEMO_NOTE in str(sheet["A1"].value)

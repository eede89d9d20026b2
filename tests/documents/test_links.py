"""The pages offices use link to their documents: ledger, plan, task, assessment results and score sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from luoshi.assessment import services as assessment
from luoshi.assessment.models import Score

from .conftest import November

pytestmark = pytest.mark.django_db


def _page(client: Any, user: Any, name: str, *args: Any, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_pages_link_to_their_documents(client: Any, personas: Any, november: November) -> None:
    plan, task = november.plan, november.kjj1.task
    ledger = _page(client, personas.supervisor, "plans:ledger", query=f"?plan={plan.pk}&rag=red&page=1")
    assert f'action="{reverse("documents:ledger_new")}"' in ledger
    assert f'name="plan" value="{plan.pk}"' in ledger and 'name="rag" value="red"' in ledger
    assert 'name="page"' not in ledger
    assert reverse("documents:circular_new", args=[plan.pk]) in _page(client, personas.supervisor,
                                                                      "plans:plan_detail", plan.pk)
    assert reverse("documents:task_pdf", args=[task.pk]) in _page(client, personas.lead_liaison,
                                                                  "plans:task_detail", task.pk)
    assert reverse("documents:index") in _page(client, personas.lead_liaison, "home")

    rubric = assessment.rubric_publish(actor=personas.supervisor, rubric=assessment.rubric_create(
        actor=personas.supervisor, year=2019, unit_group="departments"))
    assert reverse("documents:assessment_pdf", args=[rubric.pk]) in _page(
        client, personas.leader, "assessment:rubric_detail", rubric.pk)
    score = Score.objects.get(rubric=rubric, unit=personas.lead_liaison.unit)
    assert reverse("documents:score_pdf", args=[score.pk]) in _page(
        client, personas.lead_liaison, "assessment:score_detail", score.pk)

"""The PDFs rendered while the user waits: one task (source sentence, units, every report and review, the
history), the assessment results and a unit's score sheet. Text read back with pypdf, pages rendered to
out/screenshots/pdf-*.png, and the same visibility as the pages (404 otherwise)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from luoshi.assessment import services as assessment
from luoshi.assessment.choices import Component
from luoshi.assessment.models import Rubric, Score

from .conftest import November, pdf_to_png
from .helpers import overflowing_boxes, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def _pdf(client: Any, user: Any, name: str, *args: Any) -> bytes:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, user)
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    content: bytes = response.content
    return content


def _published_rubric(personas: Any) -> Rubric:
    rubric = assessment.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments")
    published: Rubric = assessment.rubric_publish(actor=personas.supervisor, rubric=rubric)
    return published


def test_the_task_pdf_holds_the_sentence_units_reports_and_reviews(client: Any, personas: Any, november: November,
                                                                   tmp_path: Path, rendered_html: list[str]) -> None:
    task = november.kjj1.task
    content = _pdf(client, personas.supervisor, "documents:task_pdf", task.pk)
    text = pdf_text(content)
    assert "".join(task.source_sentence().split()) in text
    assert "任务二.(一).1办理情况" in text
    for expected in ("市科技局", "市财政局", "牵头", "配合", "新增初创科技企业3000家"):
        assert expected in text
    assert "【示例】企业评价进度滞后，正在协调第三方机构。" in text  # 市科技局's November report
    assert "【示例】请说明滞后原因。" in text and "退回" in text  # its reviews
    assert "1200家" in text  # its actual against the target
    assert "—1—" in text
    assert any(font.startswith("Noto-Sans-CJK-SC") for font in pdf_fonts(content))
    pdf_to_png(content, "task", tmp_path)
    assert overflowing_boxes(rendered_html[-1]) == []


def test_a_unit_reads_its_own_part_of_a_shared_task_only(client: Any, personas: Any, november: November) -> None:
    task = november.kjj1.task
    text = pdf_text(_pdf(client, personas.support_liaison, "documents:task_pdf", task.pk))
    assert "市财政局" in text and "企业评价进度滞后" not in text and "请说明滞后原因" not in text
    for stranger in (personas.other_liaison, personas.outsider):
        client.force_login(stranger)
        assert client.get(reverse("documents:task_pdf", args=[task.pk])).status_code == 404
    assert client.get(reverse("documents:task_pdf", args=[10**9])).status_code == 404


def test_the_assessment_pdf_ranks_every_unit_with_the_components_it_holds(
        client: Any, personas: Any, november: November, tmp_path: Path, rendered_html: list[str]) -> None:
    rubric = _published_rubric(personas)
    scores = list(Score.objects.filter(rubric=rubric).select_related("unit").order_by("rank", "unit__name"))
    assert scores
    content = _pdf(client, personas.leader, "documents:assessment_pdf", rubric.pk)
    text = pdf_text(content)
    assert "2019年度市直部门考核结果" in text
    for score in scores:
        assert f"{score.rank}{score.unit.name}{score.total}" in text
    labels = {str(dict(Component.choices).get(key, key)) for s in scores for key in s.components}
    assert labels and all(label in text for label in labels)
    pdf_to_png(content, "assessment", tmp_path)
    assert overflowing_boxes(rendered_html[-1]) == []

    for unit_user in (personas.lead_liaison, personas.outsider):
        client.force_login(unit_user)
        assert client.get(reverse("documents:assessment_pdf", args=[rubric.pk])).status_code == 404
    draft = assessment.rubric_create(actor=personas.supervisor, year=2019, unit_group="departments")
    client.force_login(personas.supervisor)
    assert client.get(reverse("documents:assessment_pdf", args=[draft.pk])).status_code == 404


def test_a_unit_downloads_its_own_score_sheet_only(client: Any, personas: Any, november: November,
                                                   tmp_path: Path, rendered_html: list[str]) -> None:
    rubric = _published_rubric(personas)
    own = Score.objects.get(rubric=rubric, unit=personas.lead_liaison.unit)
    content = _pdf(client, personas.lead_liaison, "documents:score_pdf", own.pk)
    text = pdf_text(content)
    assert "市科技局2019年度考核得分表" in text
    assert f"总分{own.total.quantize(Decimal('0.01'))}" in text and f"名次{own.rank}" in text
    for event in own.trace:  # every scored event is listed with its points
        assert "".join(event["text"].split()) in text
    pdf_to_png(content, "score-sheet", tmp_path)
    assert overflowing_boxes(rendered_html[-1]) == []

    other = Score.objects.exclude(unit=personas.lead_liaison.unit).filter(rubric=rubric).first()
    assert other is not None
    assert client.get(reverse("documents:score_pdf", args=[other.pk])).status_code == 404
    client.force_login(personas.other_liaison)
    assert client.get(reverse("documents:score_pdf", args=[own.pk])).status_code == 404

"""The circular as an official document (GB/T 9704-2012): the editable Word version opened and read back,
the PDF's page numbers on the outer side, the 版记, and the paragraph for named units only when units are named.
PNGs of the PDFs: out/screenshots/pdf-circular-*.png."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from docx import Document
from docx.shared import Pt

from luoshi.documents import builders
from luoshi.documents.models import DocumentJob
from luoshi.plans.models import Plan

from .conftest import AS_OF, November, at, pdf_to_png
from .helpers import pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

ISSUER = "大连市人民政府督查室"
NAMED = "请通报中点名的单位对照问题清单"


def _post(client: Any, november: November, capture: Any, **extra: Any) -> bytes:
    client.force_login(extra.pop("user"))
    form = {"period": november.period.pk, "issuer": ISSUER, "number": "督查通报〔2019〕第11期",
            "date": AS_OF.isoformat(), "requirements": "各单位要压实责任。", "copy_to": "市委督查室，市政府办公室",
            **extra}
    with capture(execute=True):
        response = client.post(reverse("documents:circular_new", args=[november.plan.pk]), form)
    assert response.status_code == 302, response.content.decode()[:500]
    job = DocumentJob.objects.latest("created_at")
    assert job.status == "done", job.error
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    return b"".join(download.streaming_content)


def _docx_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _east_asian_font(run: Any) -> str:
    return str(run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"))


def test_the_office_downloads_an_editable_word_circular(client: Any, personas: Any, november: November,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    content = _post(client, november, django_capture_on_commit_callbacks, user=personas.supervisor, format="docx")
    job = DocumentJob.objects.get()
    assert job.filename == "督查通报-2019年11月.docx" and job.content_type.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(content))
    text = _docx_text(document)
    assert "关于大连市2019年科技创新工作要点2019年11月落实情况的督查通报" in text
    assert "督查通报〔2019〕第11期" in text
    assert "截至2019年12月20日，《大连市2019年科技创新工作要点》共有4项任务、8项任务分工，已办结1项。" in text
    assert "逾期未报送4项" in text and "逾期20天未办结" in text and "【示例】企业评价进度滞后" in text
    assert "市科技局（逾期报送1项）、市经信委（未报送1项）" in text
    assert NAMED in text and "各单位要压实责任。" in text
    assert "抄送：市委督查室，市政府办公室。" in text and f"{ISSUER}\t2019年12月20日印发" in text

    paragraphs = document.paragraphs
    masthead = paragraphs[0].runs[0]
    assert masthead.text == ISSUER and str(masthead.font.color.rgb) == "FF0000"
    assert _east_asian_font(masthead) == "方正小标宋简体"
    title = next(p for p in paragraphs if p.text.startswith("关于"))
    assert title.runs[0].font.size == Pt(22) and _east_asian_font(title.runs[0]) == "方正小标宋简体"
    body = next(p for p in paragraphs if p.text.startswith("截至"))
    assert body.runs[0].font.size == Pt(16) and _east_asian_font(body.runs[0]) == "仿宋_GB2312"
    heading = next(p for p in paragraphs if p.text == "一、总体情况")
    assert _east_asian_font(heading.runs[0]) == "黑体"

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert 'w:instr="PAGE"' in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer.runs[0].font.size == Pt(14)
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left


def test_the_pdf_numbers_pages_on_the_outer_side_and_ends_with_the_colophon(
        client: Any, personas: Any, november: November, django_capture_on_commit_callbacks: Any,
        tmp_path: Path) -> None:
    content = _post(client, november, django_capture_on_commit_callbacks, user=personas.supervisor)
    text = pdf_text(content)
    assert "抄送：市委督查室，市政府办公室。" in text and f"{ISSUER}2019年12月20日印发" in text
    assert NAMED in text
    reader = pdf_reader(content)
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        found: list[float] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, found: list[float] = found) -> None:
            if "—" in text and text.strip(" —").isdigit():
                found.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        width = float(page.mediabox.width)
        assert found, f"no page number on page {number}"
        outer = found[0] > width / 2 if number % 2 else found[0] < width / 2
        assert outer, f"page {number}: number at x={found[0]:.0f} of {width:.0f}"
    pdf_to_png(content, "circular-colophon", tmp_path)


def test_the_paragraph_for_named_units_only_when_units_are_named(published_plan: Plan, personas: Any) -> None:
    """Mid-November of a plan published on 1 November: nothing is due yet, no unit is named."""
    Plan.objects.filter(pk=published_plan.pk).update(published_at=at("2019-11-01"))
    published_plan.refresh_from_db()
    period = published_plan.periods.get(start=dt.date(2019, 11, 1))
    with override_settings(LUOSHI_TODAY=dt.date(2019, 11, 15)):
        params = {"plan": published_plan.pk, "period": period.pk, "date": "2019-11-15",
                  "requirements": "各单位要压实责任。"}
        context = builders.circular_context(published_plan, period, issuer=ISSUER, number="",
                                            date=dt.date(2019, 11, 15), requirements="")
        assert not context["c"].problems and not context["c"].late_units
        pdf = builders.build_circular(personas.supervisor, params, lambda percent, step: None)
        word = builders.build_circular(personas.supervisor, {**params, "format": "docx"}, lambda p, s: None)
    pdf_content = pdf_text(pdf.content)
    word_text = _docx_text(Document(io.BytesIO(word.content)))
    for text in (pdf_content, word_text):
        assert NAMED not in text and "各单位要压实责任。" in text and "本期各单位均按时报送进展" in text
    assert "抄送" not in word_text and "2019年11月15日印发" in word_text

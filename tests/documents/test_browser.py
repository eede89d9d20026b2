"""In the browser: the office issues a circular from the plan page and downloads it; the job page polls
(htmx) until a document built by the worker is ready. Screenshots: out/screenshots/documents-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from luoshi.documents import services
from tests.browser import login, shot

from .conftest import November
from .helpers import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_issues_a_circular_and_watches_a_ledger_being_built(page: Any, live_server: Any, personas: Any,
                                                                       november: November) -> None:
    base = live_server.url
    login(page, live_server, personas.supervisor.username, personas.password)
    page.goto(base + reverse("plans:plan_detail", args=[november.plan.pk]))
    page.click("text=生成督查通报（PDF）")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=period]", str(november.period.pk))
    page.fill("input[name=issuer]", "大连市人民政府督查室")
    page.fill("input[name=number]", "督查通报〔2019〕第11期")
    shot(page, "documents-circular-form")
    page.click("form.doc-form button[type=submit]")
    page.wait_for_url("**/documents/jobs/**")
    page.wait_for_selector("text=已完成")
    shot(page, "documents-job-done")
    with page.expect_download() as download:
        page.click("#job-status a.button")
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = pdf_text(content)
    assert "关于大连市2019年科技创新工作要点2019年11月落实情况的督查通报" in text and "大连市人民政府督查室" in text

    # A document the worker has not built yet: the page polls and shows the link once the worker is done.
    job = services.document_request(actor=personas.supervisor, kind="ledger", params={}, enqueue=False,
                                    title="任务落实台账")
    page.goto(base + reverse("documents:job_detail", args=[job.pk]))
    page.wait_for_selector("text=排队中")
    shot(page, "documents-job-pending")
    assert page.locator("#job-status a.button").count() == 0
    services.document_run(job_id=str(job.pk))
    page.wait_for_selector("#job-status a.button", timeout=10_000)
    assert "100%" in page.inner_text("#job-status")
    page.goto(base + reverse("documents:index"))
    shot(page, "documents-index")
    assert page.locator("table a", has_text="任务落实台账").count() == 1


def test_the_office_downloads_the_circular_as_an_editable_word_document(page: Any, live_server: Any, personas: Any,
                                                                        november: November) -> None:
    import io

    from docx import Document

    login(page, live_server, personas.supervisor.username, personas.password)
    page.goto(live_server.url + reverse("documents:circular_new", args=[november.plan.pk]))
    page.select_option("select[name=period]", str(november.period.pk))
    page.fill("input[name=issuer]", "大连市人民政府督查室")
    page.fill("input[name=copy_to]", "市委督查室")
    page.click("form.doc-form button[value=docx]")
    page.wait_for_url("**/documents/jobs/**")
    page.wait_for_selector("text=已完成")
    shot(page, "documents-job-docx")
    with page.expect_download() as download:
        page.click("#job-status a.button")
    assert download.value.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于大连市2019年科技创新工作要点2019年11月落实情况的督查通报" in text
    assert "抄送：市委督查室。" in text and "请通报中点名的单位" in text

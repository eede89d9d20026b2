"""The supervision circular (督查通报): its figures from the database, the PDF built in the background with
its progress, read back as text, rendered to PNG (out/screenshots/pdf-circular-*.png), and who may have it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from luoshi.core.models import AuditEntry
from luoshi.documents import builders, selectors, services
from luoshi.documents.models import DocumentJob
from luoshi.plans.models import Assignment, Plan
from luoshi.reports.models import Report
from tests.plans.test_ledger import published_generated_plan

from .conftest import AS_OF, November, pdf_to_png
from .helpers import body_font_expected, overflowing_boxes, pdf_fonts, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

ISSUER = "大连市人民政府督查室"


def _form(november: November, **extra: Any) -> dict[str, Any]:
    return {"period": november.period.pk, "issuer": ISSUER, "number": "督查通报〔2019〕第11期",
            "date": AS_OF.isoformat(), "requirements": "请被通报单位于1月5日前报送整改情况。", **extra}


def _issue(client: Any, user: Any, november: November, capture: Any, **extra: Any) -> DocumentJob:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("documents:circular_new", args=[november.plan.pk]), _form(november, **extra))
    assert response.status_code == 302, response.content.decode()[:500]
    job = DocumentJob.objects.get(user=user)
    assert response["Location"] == reverse("documents:job_detail", args=[job.pk])
    return job


def _expected_figures(november: November) -> dict[str, int]:
    """The figures as plain queries count them (every assignment owes November: none closed before it)."""
    assignments = Assignment.objects.filter(task__plan=november.plan, active=True)
    reports = Report.objects.filter(period=november.period, status__in=["submitted", "accepted"])
    owed = assignments.count()
    on_time, late = reports.filter(is_late=False).count(), reports.filter(is_late=True).count()
    return {"tasks": assignments.values("task").distinct().count(), "assignments": owed,
            "closed": assignments.filter(status="closed").count(), "owed": owed, "on_time": on_time,
            "late": late, "missing": owed - on_time - late,
            "overdue": assignments.filter(status="open", deadline__lt=AS_OF).count(),
            "lagging": Report.objects.filter(period=november.period, progress="lagging",
                                             assignment__status="open").count()}


def test_it_counts_the_period_as_the_database_records_it(november: November) -> None:
    circular = selectors.circular_data(november.plan, november.period, as_of=AS_OF)
    figures = circular.figures
    expected = _expected_figures(november)
    assert {key: getattr(figures, key) for key in expected} == expected
    assert (figures.owed, figures.on_time, figures.late, figures.missing) == (8, 3, 1, 4)  # the scenario, by hand
    assert figures.on_time_rate == f"{100 * expected['on_time'] / expected['owed']:.1f}"
    assert figures.rag["red"] == 2  # 市科技局's lagging item 1, 市经信委's overdue item 2
    # The ledger's rule: the three pilot zones owe November's report (due 5 December), one overdue report: amber.
    pilot_zones = {"金普新区管委会", "长兴岛经济区管委会", "花园口经济区管委会"}
    assert figures.rag["amber"] == len(pilot_zones)

    problems = {(p.task.key, p.unit.name): p for p in circular.problems}
    assert set(problems) == {("二/(一)/1", "市科技局"), ("二/(一)/2", "市经信委"),
                             *(("二/(二)/3", zone) for zone in pilot_zones)}
    overdue = problems[("二/(一)/2", "市经信委")]
    assert overdue.days_overdue == (AS_OF - dt.date(2019, 11, 30)).days and overdue.reminders == 2
    assert overdue.issues[-1] == "1期进展报告逾期未报"
    assert {str(i) for zone in pilot_zones for i in problems[("二/(二)/3", zone)].issues} == {"1期进展报告逾期未报"}
    assert [u.unit.name for u in circular.praised] == ["市财政局", "高新区管委会"]
    assert circular.praised[0].closed_on_time == 1
    late = {u.unit.name: (u.missing, u.late) for u in circular.late_units}
    assert late["市科技局"] == (0, 1) and late["市经信委"] == (1, 0)
    assert "市财政局" not in late and "高新区管委会" not in late


def test_the_office_issues_the_circular_in_the_background(client: Any, personas: Any, november: November,
                                                         django_capture_on_commit_callbacks: Any,
                                                         tmp_path: Path, rendered_html: list[str]) -> None:
    job = _issue(client, personas.supervisor, november, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    audit = AuditEntry.objects.get(action="document.request")
    assert audit.actor == personas.supervisor and audit.after["kind"] == "circular"

    page = client.get(reverse("documents:job_detail", args=[job.pk]))
    assert reverse("documents:job_download", args=[job.pk]) in page.content.decode()
    fragment = client.get(reverse("documents:job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "hx-trigger" not in fragment.content.decode()

    response = client.get(reverse("documents:job_download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    figures = _expected_figures(november)
    assert "关于大连市2019年科技创新工作要点2019年11月落实情况的督查通报" in text
    assert ISSUER in text and "督查通报〔2019〕第11期" in text and "2019年12月20日" in text
    assert (f"应报送进展{figures['owed']}项，按时报送{figures['on_time']}项，逾期报送{figures['late']}项，"
            f"逾期未报送{figures['missing']}项") in text
    assert f"逾期未办结{figures['overdue']}项，进展滞后或无法完成{figures['lagging']}项" in text
    assert "支持企业建设研发机构" in text and "市经信委" in text
    assert f"逾期{(AS_OF - dt.date(2019, 11, 30)).days}天未办结" in text
    assert "进展滞后" in text and "【示例】企业评价进度滞后" in text
    praise = text[text.index("四、通报表扬"):]
    assert "市财政局" in praise and "高新区管委会" in praise and "市经信委" not in praise
    assert "请被通报单位于1月5日前报送整改情况。" in text
    pages = pdf_pages(content)
    assert [page[-5:].endswith(f"—{number}—") for number, page in enumerate(pages, start=1)] == [True] * len(pages)
    fonts = pdf_fonts(content)
    assert any(font.startswith("Noto-Sans-CJK-SC") for font in fonts)  # headings: 黑体-style
    assert any(font.startswith(body_font_expected()) for font in fonts)  # body: 仿宋, else 宋体-style
    pdf_to_png(content, "circular", tmp_path)
    assert overflowing_boxes(rendered_html[-1]) == []
    # The chart (core.charts, inline SVG): chapter 二 with its red segment of two assignments.
    assert 'class="chart chart-stacked"' in rendered_html[-1]
    assert 'data-series="red" data-value="2"' in rendered_html[-1]


def test_a_long_problem_table_breaks_across_pages_with_its_header(personas: Any, today: dt.date,
                                                                  tmp_path: Path) -> None:
    plan = published_generated_plan(personas.supervisor, 40, with_reports=False)
    Assignment.objects.filter(task__plan=plan).update(deadline=dt.date(2019, 6, 30))
    period = plan.periods.get(start=dt.date(2019, 11, 1))
    context_figures = selectors.circular_data(plan, period, as_of=AS_OF).figures
    built = builders.build_circular(personas.supervisor, {"plan": plan.pk, "period": period.pk,
                                                          "date": AS_OF.isoformat()}, lambda percent, step: None)
    pages = pdf_pages(built.content)
    rows = [page for page in pages if "逾期173天未办结" in page]
    assert context_figures.overdue == Assignment.objects.filter(task__plan=plan).count() == 80
    assert len(rows) >= 2, "80 overdue rows fit on one page?"
    for page in rows:  # the header row repeats on every page the table runs over
        assert "序号编号任务责任单位完成时限问题催办" in page
    pdf_to_png(built.content, "circular-long", tmp_path)
    html = render_to_string("documents/pdf/circular.html", builders.circular_context(
        plan, period, issuer="督查室", number="", date=AS_OF, requirements=""))
    assert overflowing_boxes(html) == []


def test_the_overflow_check_sees_a_table_in_the_margin() -> None:
    html = ('<style>@page { size: A4; margin: 20mm } td { padding: 3mm }</style>'
            '<table style="width: 100%; table-layout: fixed"><tr><td style="width: 50%">甲</td>'
            '<td style="width: 50%">乙</td></tr></table>')
    assert overflowing_boxes(html)


def test_only_the_office_and_leaders_issue_circulars_and_only_the_requester_downloads(
        client: Any, personas: Any, november: November, django_capture_on_commit_callbacks: Any) -> None:
    url = reverse("documents:circular_new", args=[november.plan.pk])
    for unit_user in (personas.lead_liaison, personas.lead_head, personas.outsider):
        client.force_login(unit_user)
        assert client.get(url).status_code == 404
        assert client.post(url, _form(november)).status_code == 404
    assert not DocumentJob.objects.exists()
    job = _issue(client, personas.leader, november, django_capture_on_commit_callbacks)
    for other in (personas.supervisor, personas.admin, personas.lead_liaison):
        client.force_login(other)
        assert client.get(reverse("documents:job_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("documents:index")).content.decode()
    client.force_login(personas.leader)
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 200
    assert job.title in client.get(reverse("documents:index")).content.decode()


def test_a_period_of_another_plan_is_refused_with_a_message(client: Any, personas: Any, november: November) -> None:
    other = published_generated_plan(personas.supervisor, 2, with_reports=False)
    client.force_login(personas.supervisor)
    response = client.post(reverse("documents:circular_new", args=[november.plan.pk]),
                           _form(november, period=other.periods.first().pk))
    assert response.status_code == 200 and "period" in response.context["form"].errors
    assert not DocumentJob.objects.exists() and not AuditEntry.objects.filter(action="document.request").exists()


def test_the_worker_checks_the_role_again(personas: Any, november: November) -> None:
    """A supervisor who became a unit liaison before the worker ran gets a failed job, not the circular."""
    job = services.document_request(actor=personas.supervisor, kind="circular", enqueue=False,
                                    params={"plan": november.plan.pk, "period": november.period.pk})
    type(personas.supervisor).objects.filter(pk=personas.supervisor.pk).update(
        role="liaison", unit=personas.lead_liaison.unit)
    job = services.document_run(job_id=str(job.pk))
    assert job.status == "failed" and "督查部门" in job.error and not job.file
    assert services.document_run(job_id=str(job.pk)).status == "failed"  # run once only


def test_the_figures_take_a_fixed_number_of_queries(personas: Any, today: dt.date,
                                                    django_assert_max_num_queries: Any) -> None:
    plan = published_generated_plan(personas.supervisor, 40)  # 80 assignments, each with a May report
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(2019, 1, 2, 9, tzinfo=dt.UTC))
    plan.refresh_from_db()
    period = plan.periods.get(start=dt.date(2019, 5, 1))
    with django_assert_max_num_queries(6):
        circular = selectors.circular_data(plan, period, as_of=AS_OF)
    figures = circular.figures
    assert (figures.assignments, figures.owed, figures.on_time) == (80, 80, 80)


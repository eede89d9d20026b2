"""Pages of the documents app: the user's documents with their progress, the circular form, the ledger job,
and the PDFs small enough to render while the user waits (one task, the assessment results, a score sheet).

Who may download what: the circular, the office and leaders; the ledger, everyone, each their own rows (the
ledger page's scope); the assessment results, the office and leaders, a unit its own score sheet; the one-task
PDF, whoever may see the task. Anything else is 404, as for an id that does not exist.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.assessment.access import access_rubric, access_score
from luoshi.assessment.choices import RubricStatus
from luoshi.assessment.selectors import rubric_scores
from luoshi.core.errors import DomainError
from luoshi.core.viewtools import (
    download_response,
    is_htmx,
    login_form,
    login_get,
    login_post,
    paginate,
    redirect_after_post,
    require_readers,
    stored_file_response,
)
from luoshi.plans.access import access_plan, access_task, plans_visible_to
from luoshi.plans.choices import PlanStatus
from luoshi.plans.filters import LedgerFilter

from . import builders, services
from .choices import DocumentKind
from .forms import CircularForm
from .models import DocumentJob


def _file_response(built: builders.Built) -> HttpResponse:
    return download_response(built.content, filename=built.filename, content_type=built.content_type)


def _own_job(request: HttpRequest, pk: str) -> DocumentJob:
    try:
        return DocumentJob.objects.get(pk=uuid.UUID(str(pk)), user=request.user)
    except (DocumentJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_get
def index(request: HttpRequest) -> HttpResponse:
    """The user's own documents; for the office and leaders, the plans a circular can be issued for."""
    jobs = paginate(request, DocumentJob.objects.filter(user=request.user).order_by("-created_at"))
    plans = (plans_visible_to(request.user).filter(status=PlanStatus.PUBLISHED).order_by("-created_at")
             if request.user.sees_everything else [])
    return render(request, "documents/index.html", {"page": jobs, "plans": plans})


@login_form
def circular_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The circular's form (office and leaders); a valid POST queues the PDF and shows its progress."""
    require_readers(request.user)
    plan = access_plan(request.user, pk)
    if plan.status != PlanStatus.PUBLISHED:
        raise Http404
    form = CircularForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            job = services.document_request(actor=request.user, kind=DocumentKind.CIRCULAR,
                                            params={"plan": plan.pk, **form.params()},
                                            title=builders.circular_title(plan, period))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect_after_post(request, reverse("documents:job_detail", args=[job.pk]))
    return render(request, "documents/circular_form.html", {"plan": plan, "form": form})


@login_post
def ledger_new(request: HttpRequest) -> HttpResponse:
    """Queue the ledger workbook with the ledger page's filters (POSTed as they stand in its query string)."""
    names = set(LedgerFilter.base_filters) | {"deadline_after", "deadline_before"}
    params = {key: value for key, value in request.POST.items() if key in names and value}
    try:
        job = services.document_request(actor=request.user, kind=DocumentKind.LEDGER, params=params,
                                        title=_("任务落实台账"))
    except DomainError as error:
        return redirect_after_post(request, reverse("documents:index"), error)
    return redirect_after_post(request, reverse("documents:job_detail", args=[job.pk]))


@login_get
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One document's progress (htmx polls the fragment until it is finished), then its download link."""
    job = _own_job(request, pk)
    template = "documents/_job_status.html" if is_htmx(request) else "documents/job_detail.html"
    return render(request, template, {"job": job})


@login_get
def job_download(request: HttpRequest, pk: str) -> HttpResponse:
    job = _own_job(request, pk)
    if job.status != "done" or not job.file:
        raise Http404
    return stored_file_response(job.file, filename=job.filename or "document", uploaded=False,
                                content_type=job.content_type or "application/octet-stream")


@login_get
def task_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One task as PDF, for whoever may see the task (a unit sees its own reports only, as on the page)."""
    return _file_response(builders.task_pdf(access_task(request.user, pk), request.user))


@login_get
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A published ranking as PDF: the office and leaders."""
    rubric = access_rubric(request.user, pk)
    if rubric.status == RubricStatus.DRAFT:
        raise Http404
    return _file_response(builders.assessment_pdf(rubric, list(rubric_scores(rubric))))


@login_get
def score_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's score sheet as PDF: the office, leaders, and that unit."""
    return _file_response(builders.score_pdf(access_score(request.user, pk)))

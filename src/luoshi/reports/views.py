"""Report pages (unit and office): my tasks, the report form, history, detail with review, evidence,
extensions, leader instructions and closing. Owned by the reporting-workflow work package.

Every view loads its objects through reports.access / plans.access (404 for anything not visible),
parses input with a form, calls one service and renders or redirects. Domain errors become a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.errors import DomainError
from luoshi.core.pagecache import fragment_cache
from luoshi.core.viewtools import (
    is_htmx,
    login_form,
    login_get,
    login_post,
    paginate,
    redirect_after_post,
    stored_file_response,
)
from luoshi.plans.access import access_assignment
from luoshi.plans.models import Assignment, Target

from . import selectors, services
from .access import (
    access_attachment,
    access_extension,
    access_report,
    access_report_slot,
    access_task_to_instruct,
    access_unit_assignment,
    extensions_visible_to,
    reports_visible_to,
)
from .choices import ExtensionStatus
from .forms import (
    AcceptForm,
    AttachmentForm,
    CloseForm,
    CloseRefuseForm,
    ExtensionDecisionForm,
    ExtensionFilter,
    ExtensionRequestForm,
    InstructionForm,
    MyTaskFilter,
    ReportFilter,
    ReportForm,
    ReturnForm,
    VersionForm,
)
from .models import Attachment, Instruction, InstructionAnswer, Report, ReportingPeriod, TargetActual

# --- the unit's task list and the report history ---------------------------------------------------------


@login_get
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The unit's tasks for the current period: what is due, returned, overdue (everything for the office)."""
    today = clock.today()
    queryset = selectors.my_tasks_queryset(request.user, today=today)
    task_filter = MyTaskFilter(request.GET or None, queryset=queryset, request=request)
    # Page over ids; the rows are built (and the assignments read) only when the cached table is stale.
    page = paginate(request, task_filter.qs.values_list("pk", flat=True))
    ids = list(page.object_list)

    def rows() -> list[selectors.TaskRow]:
        order = {pk: i for i, pk in enumerate(ids)}
        assignments = (Assignment.objects.filter(pk__in=ids).select_related("task", "task__plan", "unit")
                       .defer("task__plan__source_text"))  # the plan's whole text, not shown here
        return selectors.my_tasks_rows(sorted(assignments, key=lambda a: order[a.pk]), today=today)

    context = {"filter": task_filter, "page": page, "rows": SimpleLazyObject(rows), "today": today,
               "row_ids": ",".join(map(str, ids)), "page_cache": fragment_cache(request, today=today)}
    template = "reports/_my_tasks_table.html" if is_htmx(request) else "reports/my_tasks.html"
    return render(request, template, context)


@login_get
def report_history(request: HttpRequest) -> HttpResponse:
    """Reports the user may see, newest period first, filterable by status, plan and text."""
    queryset = selectors.report_list(reports_visible_to(request.user))
    report_filter = ReportFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, report_filter.qs)
    context = {"filter": report_filter, "page": page}
    template = "reports/_report_table.html" if is_htmx(request) else "reports/report_history.html"
    return render(request, template, context)


# --- the report form ---------------------------------------------------------------------------------------


def _report_form(assignment: Assignment, report: Report | None, data: Any = None) -> ReportForm:
    rows = selectors.batch_rows(report) if report is not None else []
    row_assignments = [r.assignment for r in rows] or [assignment]
    task_ids = [a.task_id for a in row_assignments]
    targets = list(Target.objects.filter(task_id__in=task_ids).order_by("task__position", "position"))
    instructions: list[Instruction] = []
    if rows:
        for row in rows:
            instructions += selectors.open_instructions(assignment=row.assignment, report=row)
    else:
        instructions = selectors.open_instructions(assignment=assignment)
    in_batch = {a.pk for a in row_assignments}
    candidates = [a for a in selectors.batch_candidates(assignment=assignment) if a.pk not in in_batch]
    initial: dict[str, Any] = {"version": 0 if report is None else report.version}
    if report is not None:
        initial.update(progress=report.progress, narrative=report.narrative)
        for actual in TargetActual.objects.filter(report__in=rows):
            value = actual.value
            initial[f"actual_{actual.target_id}"] = int(value) if value.is_integer() else value  # 2400, not 2400.0
        for answer in InstructionAnswer.objects.filter(report__in=rows):
            initial[f"answer_{answer.instruction_id}"] = answer.text
    else:
        initial["version"] = ""
    return ReportForm(data, initial=initial, targets=targets, instructions=instructions, candidates=candidates)


def _report_form_context(assignment: Assignment, period: ReportingPeriod, report: Report | None,
                         form: ReportForm, **extra: Any) -> dict[str, Any]:
    rows = selectors.batch_rows(report) if report is not None else []
    attachments = Attachment.objects.filter(report__in=rows).order_by("uploaded_at") if rows else []
    due = selectors.report_due_date(period=period, extensions=assignment.extensions.all())
    return {"assignment": assignment, "period": period, "report": report, "form": form, "rows": rows,
            "attachments": attachments, "attachment_form": AttachmentForm(), "due": due,
            "can_attach": report is not None, "htmx_attachments": True,
            "return_review": selectors.last_return(report), **extra}


@login_form
def report_edit(request: HttpRequest, assignment_pk: int, period_pk: int) -> HttpResponse:
    """Fill or revise the unit's report on one assignment for one period (htmx saves without a reload)."""
    assignment, period, report = access_report_slot(request.user, assignment_pk, period_pk)
    if report is not None and report.status not in selectors.EDITABLE:
        messages.info(request, _("该报告已报送或已通过，不能修改。"))
        return redirect("reports:report_detail", pk=report.pk)
    refusal = selectors.report_form_refusal(assignment, period, today=clock.today())
    if refusal:
        # Refused before the form opens, not when it is saved: nothing typed is lost.
        messages.error(request, refusal)
        return redirect_after_post(request, reverse("reports:assignment_detail", args=[assignment.pk]))
    template = "reports/_report_form.html" if is_htmx(request) else "reports/report_form.html"
    if request.method != "POST":
        form = _report_form(assignment, report)
        return render(request, template, _report_form_context(assignment, period, report, form))
    form = _report_form(assignment, report, request.POST)
    if form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            saved = services.report_save(
                actor=request.user, assignment=assignment, period=period, version=version,
                progress=form.cleaned_data["progress"], narrative=form.cleaned_data["narrative"],
                actuals=form.actuals(), answers=form.answers(), also_for=list(form.cleaned_data.get("also_for") or []))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if not is_htmx(request) or "view" in request.POST:
                messages.success(request, _("报告已保存。"))
                return redirect_after_post(request, reverse("reports:report_detail", args=[saved.pk]))
            fresh = _report_form(assignment, saved)
            return render(request, template, _report_form_context(
                assignment, period, saved, fresh, saved_at=timezone.localtime()))
    return render(request, template, _report_form_context(assignment, period, report, form))


# --- report detail and its state changes ---------------------------------------------------------------------


@login_get
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report with its figures, instruction answers, evidence and review history; review actions."""
    report = access_report(request.user, pk)
    rows = selectors.batch_rows(report)
    actuals = (TargetActual.objects.filter(report__in=rows).select_related("target", "report__assignment__task")
               .order_by("report__assignment__task__position", "target__position"))
    answers = (InstructionAnswer.objects.filter(report__in=rows).select_related("instruction", "instruction__author")
               .order_by("instruction__created_at"))
    attachments = Attachment.objects.filter(report__in=rows).order_by("uploaded_at")
    actions = selectors.report_actions(request.user, report)
    version = {"version": report.version}
    context = {
        "report": report, "rows": rows, "actuals": actuals, "answers": answers, "attachments": attachments,
        "reviews": report.reviews.select_related("actor"), "actions": actions,
        "due": selectors.report_due_date(period=report.period, extensions=report.assignment.extensions.all()),
        "version_form": VersionForm(initial=version), "accept_form": AcceptForm(initial=version, auto_id="accept_%s"),
        "return_form": ReturnForm(initial=version, auto_id="return_%s"), "attachment_form": AttachmentForm(),
        "can_attach": "attach" in actions,
    }
    return render(request, "reports/report_detail.html", context)


def _transition(request: HttpRequest, pk: int, service: Callable[..., Report], form_class: type[VersionForm],
                done: str) -> HttpResponse:
    report = access_report(request.user, pk, write=True)
    url = reverse("reports:report_detail", args=[report.pk])
    form = form_class(request.POST)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return redirect_after_post(request, url, DomainError(_("提交内容有误：%(errors)s") % {"errors": errors}))
    extra = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        service(actor=request.user, report=report, version=form.cleaned_data["version"], **extra)
    except DomainError as exc:
        return redirect_after_post(request, url, exc)
    messages.success(request, done)
    return redirect_after_post(request, url)


@login_post
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.report_approve, VersionForm, _("报告已审核通过，可以报送。"))


@login_post
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.report_submit, VersionForm, _("报告已报送。"))


@login_post
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.report_accept, AcceptForm, _("报告已审核通过。"))


@login_post
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.report_return, ReturnForm, _("报告已退回。"))


# --- evidence ---------------------------------------------------------------------------------------------------


@login_post
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add evidence to an editable report of the user's unit. htmx gets the refreshed list back."""
    report = access_report(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, report=report, upload=form.cleaned_data["file"])
        except DomainError as exc:
            error = exc.message
    else:
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    if is_htmx(request):
        return _attachments_partial(request, report, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("材料已上传。"))
    return redirect("reports:report_detail", pk=report.pk)


def _attachments_partial(request: HttpRequest, report: Report, *, error: str | None = None) -> HttpResponse:
    report.refresh_from_db()
    rows = selectors.batch_rows(report)
    context = {"report": report, "attachments": Attachment.objects.filter(report__in=rows).order_by("uploaded_at"),
               "attachment_form": AttachmentForm(), "attachment_error": error,
               "can_attach": "attach" in selectors.report_actions(request.user, report),
               "htmx_attachments": True}
    return render(request, "reports/_attachments.html", context)


@login_get
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream evidence as a download, never inline, with the type we checked at upload."""
    attachment = access_attachment(request.user, pk)
    try:
        services.attachment_verified(actor=request.user, attachment=attachment)
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return stored_file_response(attachment.file, filename=attachment.original_name,
                                content_type=attachment.content_type, target=attachment)


@login_post
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access_attachment(request.user, pk, write=True)
    report = attachment.report
    error = None
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        return _attachments_partial(request, report, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("材料已删除。"))
    return redirect("reports:report_detail", pk=report.pk)


# --- the assignment page: periods, instructions, extensions, closing ----------------------------------------


@login_get
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's assignment: its reports by period, the leader's instructions, extensions and closing."""
    assignment = access_assignment(request.user, pk)
    today = clock.today()
    own = bool(request.user.is_unit_user and request.user.unit_id == assignment.unit_id)
    instructions = list(selectors.instructions_for(assignment).select_related("author"))
    open_ids = {i.pk for i in selectors.open_instructions(assignment=assignment)}
    context = {
        "assignment": assignment, "periods": selectors.assignment_periods(assignment, today=today),
        "instructions": [(i, i.pk in open_ids) for i in instructions],
        "extensions": assignment.extensions.select_related("requested_by", "decided_by"),
        "own": own, "is_open": assignment.active and assignment.status == "open", "today": today,
        "close_form": CloseForm(), "refuse_form": CloseRefuseForm(),
    }
    return render(request, "reports/assignment_detail.html", context)


@login_form
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit asks for a later deadline."""
    assignment = access_unit_assignment(request.user, pk)
    if not (assignment.active and assignment.status == "open"):
        messages.error(request, _("该任务已办结或已失效，不能申请延期。"))
        return redirect_after_post(request, reverse("reports:assignment_detail", args=[assignment.pk]))
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.extension_request(actor=request.user, assignment=assignment,
                                                   requested_deadline=form.cleaned_data["requested_deadline"],
                                                   reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("延期申请已提交，等待审批。"))
            return redirect_after_post(request, reverse("reports:extension_detail", args=[extension.pk]))
    return render(request, "reports/extension_request.html", {"assignment": assignment, "form": form})


@login_get
def extension_list(request: HttpRequest) -> HttpResponse:
    """Extension requests the user may see; the office decides the pending ones from here."""
    queryset = (extensions_visible_to(request.user)
                .select_related("assignment__task", "assignment__task__plan", "assignment__unit", "requested_by")
                .order_by("status", "-requested_at"))
    extension_filter = ExtensionFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, extension_filter.qs)
    return render(request, "reports/extension_list.html", {"filter": extension_filter, "page": page})


@login_form
def extension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An extension request; the office grants or refuses it here (POST)."""
    extension = access_extension(request.user, pk, write=request.method == "POST")
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = services.extension_grant if form.cleaned_data["decision"] == "grant" else services.extension_refuse
        try:
            decide(actor=request.user, extension=extension, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已审批。"))
            return redirect_after_post(request, reverse("reports:extension_detail", args=[extension.pk]))
    can_decide = request.user.is_office and extension.status == ExtensionStatus.PENDING
    return render(request, "reports/extension_detail.html",
                  {"extension": extension, "form": form, "can_decide": can_decide})


@login_form
def instruction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader's instruction (批示) on a task item, to the units the leader chooses (from here or the task page)."""
    task = access_task_to_instruct(request.user, pk)
    holders = list(Assignment.objects.filter(task=task, active=True, status="open").select_related("unit")
                   .order_by("unit__sort_order", "unit__name"))
    form = InstructionForm(request.POST or None, holders=holders)
    if request.method == "POST" and form.is_valid():
        try:
            services.instruction_create(actor=request.user, task=task, text=form.cleaned_data["text"],
                                        unit_ids=form.cleaned_data["units"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("批示已发送给所选承办单位。") if form.cleaned_data["units"]
                             else _("批示已发送给承办单位。"))
            back = "plans:task_detail" if form.cleaned_data["back"] == "task" else "reports:instruction_create"
            return redirect_after_post(request, reverse(back, args=[task.pk]))
    instructions = Instruction.objects.filter(task=task).select_related("author").prefetch_related("units")
    return render(request, "reports/instruction_form.html",
                  {"task": task, "form": form, "instructions": instructions, "units": holders})


@login_form
def assignment_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit proposes closing (办结) with a closing report; the office confirms or closes directly."""
    assignment = access_assignment(request.user, pk, write=True)
    if assignment.status != "open":
        messages.error(request, _("该任务已办结。"))
        return redirect_after_post(request, reverse("reports:assignment_detail", args=[assignment.pk]))
    form = CloseForm(request.POST or None, initial={"closing_report": assignment.closing_report})
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_close(actor=request.user, assignment=assignment,
                                      closing_report=form.cleaned_data["closing_report"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("任务已办结。") if request.user.is_office else _("办结申请已提交，等待确认。"))
            return redirect_after_post(request, reverse("reports:assignment_detail", args=[assignment.pk]))
    return render(request, "reports/assignment_close.html", {"assignment": assignment, "form": form})


@login_post
def assignment_close_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk, write=True)
    url = reverse("reports:assignment_detail", args=[assignment.pk])
    form = CloseRefuseForm(request.POST)
    if not form.is_valid():
        return redirect_after_post(request, url, DomainError(_("请填写意见。")))
    try:
        services.assignment_close_refuse(actor=request.user, assignment=assignment,
                                         comment=form.cleaned_data["comment"])
    except DomainError as exc:
        return redirect_after_post(request, url, exc)
    messages.success(request, _("已退回办结申请。"))
    return redirect_after_post(request, url)


urlpatterns: list[URLPattern] = [
    path("", my_tasks, name="my_tasks"),
    path("history/", report_history, name="report_history"),
    path("assignments/<int:assignment_pk>/periods/<int:period_pk>/", report_edit, name="report_edit"),
    path("<int:pk>/", report_detail, name="report_detail"),
    path("<int:pk>/approve/", report_approve, name="report_approve"),
    path("<int:pk>/submit/", report_submit, name="report_submit"),
    path("<int:pk>/accept/", report_accept, name="report_accept"),
    path("<int:pk>/return/", report_return, name="report_return"),
    path("<int:pk>/attachments/", attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment_delete"),
    path("assignments/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/extension/", extension_request, name="extension_request"),
    path("assignments/<int:pk>/close/", assignment_close, name="assignment_close"),
    path("assignments/<int:pk>/close/refuse/", assignment_close_refuse, name="assignment_close_refuse"),
    path("extensions/", extension_list, name="extension_list"),
    path("extensions/<int:pk>/", extension_detail, name="extension_detail"),
    path("tasks/<int:pk>/instructions/new/", instruction_create, name="instruction_create"),
]

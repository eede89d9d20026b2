"""Plan import, preview, publication, the ledger (台账), task detail and review queue pages.

Views stay thin: they load objects through access.py (404 for whatever the user may not see), read
through selectors.py, change state through one service each, and render. An htmx request for the
ledger gets only the table fragment of the same URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.core.errors import DomainError
from luoshi.core.pagecache import fragment_cache
from luoshi.core.viewtools import is_htmx, paginate, redirect_after_post, require_office, require_readers
from luoshi.orgs.forms import UnitCreateForm

from .access import access_import, access_plan, access_task
from .accounts import units_without_accounts
from .choices import ImportStatus, PlanStatus
from .exports import XLSX_CONTENT_TYPE, ledger_export_file
from .filters import LedgerFilter
from .forms import (
    ImportConfirmForm,
    MapUnitForm,
    PlanSettingsForm,
    PlanUploadForm,
    TaskForm,
    preview_conflicts,
    task_unit_formset,
    unit_specs,
)
from .models import Plan, PlanImport
from .selectors import (
    RAG_OVERDUE_NOTE,
    RAG_RULE,
    LedgerRow,
    deadline_display,
    history_items,
    ledger_page_rows,
    ledger_tasks,
    plan_list_for,
    plan_tree,
    sentence_segments,
    task_assignments,
    task_history,
)
from .services import (
    plan_configure,
    plan_import_apply,
    plan_import_cancel,
    plan_import_request,
    plan_imports_sweep,
    task_update,
    unmapped_unit_names,
)
from .services import plan_map_unit as plan_map_unit_service
from .services import plan_publish as plan_publish_service

LEDGER_PAGE_SIZE = 30
LIST_PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------------
# Plans: list, import, preview, unit mapping, publication


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    require_readers(request.user)
    plans = plan_list_for(request.user).annotate(
        item_count=Count("tasks", filter=Q(tasks__is_item=True, tasks__removed=False)))
    return render(request, "plans/plan_list.html", {"page": paginate(request, plans, LIST_PAGE_SIZE)})


def _upload(request: HttpRequest, form: PlanUploadForm, plan: Plan | None) -> PlanImport:
    """Keep the uploaded document and queue its import; nothing is parsed during the request."""
    data, filename = form.read()
    return plan_import_request(actor=request.user, data=data, filename=filename, plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    require_office(request.user)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _upload(request, form, None)
        return redirect_after_post(request, reverse("plans:import_job", args=[job.pk]))
    return render(request, "plans/plan_import.html", {"form": form})


@login_required
@require_POST
def plan_reimport(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a corrected version of the plan: tasks are matched by their numbering, nothing duplicated."""
    plan = access_plan(request.user, pk, write=True)
    form = PlanUploadForm(request.POST, request.FILES)
    if form.is_valid():
        job = _upload(request, form, plan)
        return redirect_after_post(request, reverse("plans:import_job", args=[job.pk]))
    for error in form.errors.get("document", []):
        messages.error(request, error)
    return redirect_after_post(request, reverse("plans:plan_detail", args=[plan.pk]) + "#reimport")


@login_required
@require_GET
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    """An upload's progress (htmx polls the fragment until it is finished), then the preview or the plan.

    A re-import's job ends at a preview of the differences, shown here with the form that confirms it.
    Only the office account that uploaded it sees it; anyone else gets a 404.
    """
    require_office(request.user)
    job = access_import(request.user, pk)
    if job.status == ImportStatus.RUNNING and plan_imports_sweep():  # a dead worker's job: say so
        job = access_import(request.user, pk)
    if is_htmx(request):
        response = render(request, "plans/_import_status.html", {"job": job})
        if job.status == ImportStatus.PREVIEW:
            response["HX-Refresh"] = "true"  # the whole page becomes the preview
        return response
    if job.status == ImportStatus.PREVIEW and job.preview is not None:
        return _preview_page(request, job, ImportConfirmForm(preview_conflicts(job.preview)))
    return render(request, "plans/import_job.html", {"job": job})


def _preview_page(request: HttpRequest, job: PlanImport, form: ImportConfirmForm, status: int = 200) -> HttpResponse:
    assert job.preview is not None
    changes = job.preview["changes"]
    context = {
        "job": job, "plan": job.plan, "preview": job.preview, "form": form, "counts": job.preview["counts"],
        "added": [c for c in changes if c["kind"] == "added"],
        "changed": [c for c in changes if c["kind"] in ("changed", "restored")
                    and (c["fields"] or c["targets"] or c["body"] or c["moved_from"] or c["kind"] == "restored")],
        "retired": [c for c in changes if c["kind"] == "retired"],
        "kept": [c for c in changes if c["kept"]],
    }
    return render(request, "plans/import_preview.html", context, status=status)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: str) -> HttpResponse:
    """Confirm a re-import's preview: the stored parse is written with the office's choice per conflict."""
    require_office(request.user)
    job = access_import(request.user, pk)
    if job.status != ImportStatus.PREVIEW or job.preview is None:
        messages.error(request, _("该导入已处理，不能再次确认。"))
        return redirect_after_post(request, reverse("plans:import_job", args=[job.pk]))
    form = ImportConfirmForm(preview_conflicts(job.preview), request.POST)
    if not form.is_valid():
        return _preview_page(request, job, form, status=400)
    try:
        plan = plan_import_apply(actor=request.user, job=job, resolutions=form.resolutions())
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _preview_page(request, job, form, status=409)
    messages.success(request, _("修订版已导入（第%(revision)d版）：报告、实际值、佐证材料和人工修改均已保留。")
                     % {"revision": plan.revision})
    return redirect_after_post(request, reverse("plans:plan_detail", args=[plan.pk]))


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: str) -> HttpResponse:
    require_office(request.user)
    job = access_import(request.user, pk)
    try:
        plan_import_cancel(actor=request.user, job=job)
    except DomainError as exc:
        return redirect_after_post(request, reverse("plans:import_job", args=[job.pk]), exc)
    messages.success(request, _("已取消导入，计划未作任何修改。"))
    return redirect_after_post(request, reverse("plans:plan_detail", args=[job.plan_id]) if job.plan_id
                               else reverse("plans:plan_list"))


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_readers(request.user)
    plan = access_plan(request.user, pk)
    unmapped = unmapped_unit_names(plan)
    can_edit = request.user.is_office
    context = {
        "plan": plan, "nodes": plan_tree(plan), "unmapped": unmapped, "can_edit": can_edit,
        "map_forms": [(name, MapUnitForm(initial={"name": name}, auto_id=f"map_{index}_%s"),
                       UnitCreateForm(initial={"name": name}, auto_id=f"new_{index}_%s"))
                      for index, name in enumerate(unmapped)] if can_edit else [],
        "no_account": units_without_accounts(plan) if can_edit else [],
        "upload_form": PlanUploadForm(auto_id="reimport_%s") if can_edit else None,
        "settings_form": PlanSettingsForm(instance=plan, auto_id="settings_%s") if can_edit else None,
        "is_draft": plan.status == PlanStatus.DRAFT,
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_POST
def plan_map_unit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    form = MapUnitForm(request.POST)
    back = reverse("plans:plan_detail", args=[plan.pk]) + "#unmapped"
    if not form.is_valid():
        messages.error(request, _("请选择要对应的单位。"))
        return redirect_after_post(request, back)
    name, unit = form.cleaned_data["name"], form.cleaned_data["unit"]
    if name not in unmapped_unit_names(plan):
        messages.error(request, _("“%(name)s”不是本计划中待对应的单位名称。") % {"name": name})
        return redirect_after_post(request, back)
    try:
        count = plan_map_unit_service(actor=request.user, plan=plan, name=name, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将“%(name)s”对应为%(unit)s（%(count)s处），今后导入将自动识别。")
                         % {"name": name, "unit": unit.name, "count": count})
    return redirect_after_post(request, back)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    try:
        plan_publish_service(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("计划已发布，任务已交办到各责任单位。"))
        missing = units_without_accounts(plan)
        if missing:
            names = "、".join(u.name for u in missing[:20]) + ("……" if len(missing) > 20 else "")
            messages.warning(request, _("%(count)d个责任单位尚无账号，收不到交办通知：%(units)s。"
                                        "请邀请其联络员和负责人。") % {"count": len(missing), "units": names})
    return redirect_after_post(request, reverse("plans:plan_detail", args=[plan.pk]))


@login_required
@require_POST
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    form = PlanSettingsForm(request.POST, instance=Plan.objects.get(pk=plan.pk))
    back = reverse("plans:plan_detail", args=[plan.pk]) + "#settings"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect_after_post(request, back)
    data = form.cleaned_data
    try:
        plan_configure(actor=request.user, plan=plan, cadence=data["cadence"], due_day=data["due_day"],
                       year=data["year"], is_public=data["is_public"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报送设置已保存。"))
    return redirect_after_post(request, back)


# ---------------------------------------------------------------------------------------------------
# Tasks: detail and correction


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    task_units = list(task.task_units.select_related("unit").order_by("position"))
    context = {
        "task": task, "plan": task.plan, "task_units": task_units,
        "segments": sentence_segments(task, task.plan.source_text, task_units, with_body=True),
        "targets": list(task.targets.all()), "deadline": deadline_display(task),
        "assignments": task_assignments(task, request.user),
        "history": history_items(task_history(task, request.user)), "can_edit": request.user.is_office,
    }
    return render(request, "plans/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk, write=True)
    data = request.POST if request.method == "POST" else None
    form, formset = TaskForm.for_task(task, data), task_unit_formset(task, data)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            task_update(actor=request.user, task=task, text=form.cleaned_data["text"],
                        deadline=form.cleaned_data["deadline"], deadline_text=form.cleaned_data["deadline_text"],
                        units=unit_specs(formset), expected=form.cleaned_data["fingerprint"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("任务已修改。"))
            if task.plan.status == PlanStatus.PUBLISHED:
                return redirect_after_post(request, reverse("plans:task_detail", args=[task.pk]))
            return redirect_after_post(request, reverse("plans:plan_detail", args=[task.plan_id]) + f"#task-{task.pk}")
    return render(request, "plans/task_edit.html", {"task": task, "plan": task.plan, "form": form,
                                                     "formset": formset})


# ---------------------------------------------------------------------------------------------------
# The ledger (台账), its Excel export, and the review queue


def _ledger_filter(request: HttpRequest) -> LedgerFilter:
    return LedgerFilter(request.GET, queryset=ledger_tasks(request.user), request=request)


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    filterset = _ledger_filter(request)
    # Page over ids first: the red/amber/green flags are then computed for this page's rows only,
    # not for every task the user may see (measured in bench/ledger.py: ~50x faster at 10,000 tasks).
    page = paginate(request, filterset.qs.values_list("pk", flat=True), LEDGER_PAGE_SIZE)
    ids = list(page.object_list)

    def rows() -> list[LedgerRow]:
        # Called by the template only when its cached rows are stale (core.pagecache).
        return ledger_page_rows(ids, request.user, first_number=page.start_index())

    context = {"filter": filterset, "page": page, "rows": SimpleLazyObject(rows), "row_ids": ",".join(map(str, ids)),
               "page_cache": fragment_cache(request), "rag_rule": RAG_RULE, "rag_overdue_note": RAG_OVERDUE_NOTE}
    if getattr(request, "htmx", False) and not getattr(request.htmx, "boosted", False):
        return render(request, "plans/_ledger_table.html", context)
    return render(request, "plans/ledger.html", context)


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as .xlsx: exactly the rows the page shows this user, all pages at once."""
    filename, data = ledger_export_file(request.user, request.GET)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """The review queue lives with the reports (filters, export, accepting several at once)."""
    from luoshi.reports.views_desk import review_list  # reports builds on plans, not the reverse

    return review_list(request)


urlpatterns: list[URLPattern] = [
    path("", plan_list, name="plan_list"),
    path("import/", plan_import, name="plan_import"),
    path("<int:pk>/", plan_detail, name="plan_detail"),
    path("<int:pk>/import/", plan_reimport, name="plan_reimport"),
    path("imports/<uuid:pk>/", import_job, name="import_job"),
    path("imports/<uuid:pk>/apply/", import_apply, name="import_apply"),
    path("imports/<uuid:pk>/cancel/", import_cancel, name="import_cancel"),
    path("<int:pk>/map-unit/", plan_map_unit, name="plan_map_unit"),
    path("<int:pk>/publish/", plan_publish, name="plan_publish"),
    path("<int:pk>/settings/", plan_settings, name="plan_settings"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("ledger/", ledger, name="ledger"),
    path("ledger/export.xlsx", ledger_export, name="ledger_export"),
    path("review-queue/", review_queue_page, name="review_queue"),
]

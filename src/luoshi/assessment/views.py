"""Assessment pages: rubrics and their preview, publication, results export, score sheets and appeals.

Every view loads its objects through assessment.access (404 for anything not visible), parses input with
a form, calls one service and redirects; domain errors become a message.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.errors import DomainError
from luoshi.core.storedfiles import stored_file_verified
from luoshi.core.viewtools import (
    download_response,
    is_htmx,
    login_get,
    login_post,
    paginate,
    redirect_after_post,
    stored_file_response,
)

from . import selectors, services
from .access import (
    access_appeal,
    access_evidence,
    access_rubric,
    access_score,
    rubrics_visible_to,
    scores_visible_to,
)
from .choices import AppealStatus, Component, RubricStatus
from .exports import XLSX_CONTENT_TYPE, results_workbook, score_sheet_workbook
from .forms import AdjustmentForm, AppealDecisionForm, AppealForm, RubricCreateForm, RubricForm
from .models import Appeal, Rubric
from .scoring import WEIGHT_FIELDS, Event, Weights, component_formulas, units_assessed

COMPONENT_LABELS = Component.choices


def _formulas(rubric: Rubric) -> list[tuple[str, object]]:
    """(label, rule in words) per component, as this rubric computes them."""
    formulas = component_formulas(rubric)
    return [(label, formulas[value]) for value, label in COMPONENT_LABELS]


def _form_errors(request: HttpRequest, form: object) -> None:
    errors = getattr(form, "errors", {})
    for field, texts in errors.items():
        for text in texts:
            messages.error(request, f"{field}: {text}" if field != "__all__" else str(text))


@login_get
def index(request: HttpRequest) -> HttpResponse:
    """The office and leaders: every rubric; a unit account: its own published score sheets."""
    user = request.user
    if getattr(user, "sees_everything", False):
        pending = Count("scores__appeals", filter=Q(scores__appeals__status=AppealStatus.PENDING))
        page = paginate(request, rubrics_visible_to(user).annotate(pending_appeals=pending)
                        .order_by("-year", "unit_group", "-version"))
        return render(request, "assessment/index.html", {"page": page, "create_form": RubricCreateForm()})
    scores = scores_visible_to(user).select_related("rubric", "unit").order_by("-rubric__year", "-rubric__version")
    return render(request, "assessment/my_scores.html", {"page": paginate(request, scores)})


@login_post
def rubric_create(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_office", False):
        raise Http404
    form = RubricCreateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect_after_post(request, reverse("assessment:index"))
    try:
        rubric = services.rubric_create(actor=request.user, year=form.cleaned_data["year"],
                                        unit_group=form.cleaned_data["unit_group"])
    except DomainError as error:
        return redirect_after_post(request, reverse("assessment:index"), error)
    return HttpResponseRedirect(reverse("assessment:rubric_detail", args=[rubric.pk]))


@login_get
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: its weights and the preview ranking (htmx recomputes it as weights change); published: results."""
    rubric = access_rubric(request.user, pk)
    context: dict[str, object] = {"rubric": rubric, "components": COMPONENT_LABELS, "formulas": _formulas(rubric)}
    if rubric.is_frozen:
        weights = Weights.of(rubric)
        context.update(columns=[(label, weights.weight(c) if c in WEIGHT_FIELDS else None)
                                for c, label in COMPONENT_LABELS],
                       scores=selectors.rubric_scores(rubric), appeals=selectors.rubric_appeals(rubric),
                       decision_form=AppealDecisionForm())
        return render(request, "assessment/rubric_results.html", context)
    # A bound ModelForm writes the cleaned values into its instance: preview on a copy, rank moves against the saved.
    form = RubricForm(request.GET if "preview" in request.GET else None, instance=copy.copy(rubric),
                      initial={"revision": rubric.revision})
    weights = form.weights() if form.is_bound and form.is_valid() else None
    rows = selectors.rubric_preview(rubric, weights=weights, as_of=clock.today())
    context.update(form=form, rows=rows, adjustments=rubric.adjustments.select_related("unit"),
                   adjustment_form=AdjustmentForm(units=units_assessed(year=rubric.year,
                                                                         unit_group=rubric.unit_group)))
    if is_htmx(request):
        return render(request, "assessment/_preview.html", context)
    return render(request, "assessment/rubric_draft.html", context)


@login_post
def rubric_update(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = access_rubric(request.user, pk, write=True)
    url = reverse("assessment:rubric_detail", args=[rubric.pk])
    form = RubricForm(request.POST, instance=rubric)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect_after_post(request, url)
    try:
        services.rubric_update(actor=request.user, rubric=rubric, revision=form.cleaned_data["revision"],
                               values=form.values())
    except DomainError as error:
        return redirect_after_post(request, url, error)
    messages.success(request, _("方案已保存"))
    return redirect_after_post(request, url)


@login_post
def rubric_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = access_rubric(request.user, pk, write=True)
    url = reverse("assessment:rubric_detail", args=[rubric.pk])
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    try:
        services.rubric_publish(actor=request.user, rubric=rubric, revision=revision)
    except DomainError as error:
        return redirect_after_post(request, url, error)
    messages.success(request, _("考核结果已发布"))
    return redirect_after_post(request, url)


@login_post
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = access_rubric(request.user, pk, write=True)
    url = reverse("assessment:rubric_detail", args=[rubric.pk])
    form = AdjustmentForm(request.POST, units=units_assessed(year=rubric.year, unit_group=rubric.unit_group))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect_after_post(request, url)
    data = form.cleaned_data
    try:
        services.adjustment_add(actor=request.user, rubric=rubric, unit=data["unit"], kind=data["kind"],
                                points=data["points"], reason=data["reason"])
    except DomainError as error:
        return redirect_after_post(request, url, error)
    return redirect_after_post(request, url)


@login_get
def rubric_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results as .xlsx (office and leaders)."""
    rubric = access_rubric(request.user, pk)
    if rubric.status == RubricStatus.DRAFT:
        raise Http404
    content = results_workbook(rubric, list(selectors.rubric_scores(rubric)))
    return download_response(content, filename=f"assessment-{rubric.year}-{rubric.unit_group}.xlsx",
                             content_type=XLSX_CONTENT_TYPE)


@login_get
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's score sheet: components, and under each the events that produced its points."""
    score = access_score(request.user, pk)
    events = [Event.from_json(d) for d in score.trace]
    appeals = {a.event_key: a for a in score.appeals.prefetch_related("evidence")}
    rubric = score.rubric
    own_published = (getattr(request.user, "is_unit_user", False) and request.user.unit_id == score.unit_id
                     and rubric.status == RubricStatus.PUBLISHED and rubric.appeal_deadline is not None)
    can_appeal = own_published and clock.today() <= rubric.appeal_deadline
    weights = Weights.of(rubric)
    formulas = component_formulas(rubric)
    sections = [(label, score.components.get(c, "0"), weights.weight(c) if c in WEIGHT_FIELDS else None,
                 formulas[c], [(e, appeals.get(e.key)) for e in events if e.component == c])
                for c, label in COMPONENT_LABELS]
    return render(request, "assessment/score_detail.html", {
        "score": score, "rubric": rubric, "sections": sections, "appeals": appeals, "can_appeal": can_appeal,
        "appeal_closed": own_published and not can_appeal, "decision_form": AppealDecisionForm(),
        "appeal_form": AppealForm()})


@login_get
def score_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's score sheet as .xlsx, for whoever may read the sheet."""
    score = access_score(request.user, pk)
    return download_response(score_sheet_workbook(score), content_type=XLSX_CONTENT_TYPE,
                             filename=f"score-sheet-{score.rubric.year}-{score.unit_id}.xlsx")


@login_post
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    score = access_score(request.user, pk, appeal=True)
    url = reverse("assessment:score_detail", args=[score.pk])
    # A deduction that is not on this sheet is not found, whatever else the form holds.
    if services.deduction_find(score, str(request.POST.get("event_key", ""))) is None:
        raise Http404
    form = AppealForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect_after_post(request, url)
    try:
        services.appeal_file(actor=request.user, score=score, event_key=form.cleaned_data["event_key"],
                             reason=form.cleaned_data["reason"], evidence=form.cleaned_data["evidence"])
    except DomainError as error:
        return redirect_after_post(request, url, error)
    messages.success(request, _("申诉已提交"))
    return redirect_after_post(request, url)


@login_post
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal: Appeal = access_appeal(request.user, pk, write=True)
    url = reverse("assessment:score_detail", args=[appeal.score_id])
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect_after_post(request, url)
    try:
        services.appeal_decide(actor=request.user, appeal=appeal, decision=form.cleaned_data["decision"],
                               comment=form.cleaned_data["comment"])
    except DomainError as error:
        return redirect_after_post(request, url, error)
    messages.success(request, _("申诉已处理"))
    return redirect_after_post(request, url)


@login_get
def appeal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream an appeal's evidence as a download, never inline, with the type checked at upload."""
    evidence = access_evidence(request.user, pk)
    try:
        stored_file_verified(actor=request.user, item=evidence)   # a changed file: refused and audited
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return stored_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type,
                                target=evidence)


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("rubrics/new/", rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/save/", rubric_update, name="rubric_update"),
    path("rubrics/<int:pk>/publish/", rubric_publish, name="rubric_publish"),
    path("rubrics/<int:pk>/adjustments/", adjustment_add, name="adjustment_add"),
    path("rubrics/<int:pk>/export.xlsx", rubric_export, name="rubric_export"),
    path("scores/<int:pk>/", score_detail, name="score_detail"),
    path("scores/<int:pk>/export.xlsx", score_export, name="score_export"),
    path("scores/<int:pk>/appeal/", appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/decide/", appeal_decide, name="appeal_decide"),
    path("appeals/evidence/<int:pk>/", appeal_evidence, name="appeal_evidence"),
]

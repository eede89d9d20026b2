"""/api/v1/: the router over every app's api.py, the schema, the reference page and the token page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from luoshi.assessment import api as assessment_api
from luoshi.indicators import api as indicators_api
from luoshi.plans import api as plans_api
from luoshi.reports import api as reports_api

from . import views

app_name = "api"

router = DefaultRouter()
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("tasks", plans_api.TaskViewSet, basename="task")
router.register("ledger", plans_api.LedgerViewSet, basename="ledger")
router.register("targets", plans_api.TargetViewSet, basename="target")
router.register("assignments", plans_api.AssignmentViewSet, basename="assignment")
router.register("periods", reports_api.PeriodViewSet, basename="period")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("actuals", reports_api.ActualViewSet, basename="actual")
router.register("instructions", reports_api.InstructionViewSet, basename="instruction")
router.register("indicators", indicators_api.IndicatorViewSet, basename="indicator")
router.register("regions", indicators_api.RegionViewSet, basename="region")
router.register("indicator-targets", indicators_api.IndicatorTargetViewSet, basename="indicator_target")
router.register("observations", indicators_api.ObservationViewSet, basename="observation")
router.register("index-editions", indicators_api.IndexEditionViewSet, basename="index_edition")
router.register("rubrics", assessment_api.RubricViewSet, basename="rubric")
router.register("scores", assessment_api.ScoreViewSet, basename="score")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("token/", views.token, name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
    # The API answers JSON even for a path it does not know (without the slash, Django's APPEND_SLASH decides).
    re_path(r"^.*/$", views.NotFoundView.as_view()),
]

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("luoshi.core.urls")),
    path("account/", include("luoshi.orgs.account_urls")),
    path("plans/", include("luoshi.plans.urls")),
    path("reports/", include("luoshi.reports.urls")),
    path("indicators/", include("luoshi.indicators.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("units/", include("luoshi.orgs.urls")),
    path("dashboards/", include("luoshi.dashboards.urls")),
    path("documents/", include("luoshi.documents.urls")),
    path("public/", include("luoshi.public.urls")),
    path("api/v1/", include("luoshi.api.urls")),
]

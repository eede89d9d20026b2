from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("luoshi.core.urls")),
    path("plans/", include("luoshi.plans.urls")),
    path("reports/", include("luoshi.reports.urls")),
    path("indicators/", include("luoshi.indicators.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("units/", include("luoshi.orgs.urls")),
]

from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("import/", views.unit_import, name="unit_import"),
]

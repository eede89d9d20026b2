from django.urls import path

from . import views
from .views_accounts import urlpatterns as account_urls

app_name = "orgs"
urlpatterns = [
    path("import/", views.unit_import, name="unit_import"),
    *account_urls,
]

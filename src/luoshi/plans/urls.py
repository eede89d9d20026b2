from django.urls import URLPattern

from .views import urlpatterns as plan_urls
from .views_units import urlpatterns as unit_urls

app_name = "plans"
urlpatterns: list[URLPattern] = [*plan_urls, *unit_urls]

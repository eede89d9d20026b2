from django.urls import URLPattern

from .views import urlpatterns as plan_urls

app_name = "plans"
urlpatterns: list[URLPattern] = [*plan_urls]

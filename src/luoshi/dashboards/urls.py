from django.urls import URLPattern

from .views import urlpatterns as page_urls

app_name = "dashboards"
urlpatterns: list[URLPattern] = [*page_urls]

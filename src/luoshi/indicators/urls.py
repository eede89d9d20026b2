from django.urls import URLPattern

from .views import urlpatterns as page_urls

app_name = "indicators"
urlpatterns: list[URLPattern] = [*page_urls]

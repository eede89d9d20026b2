from django.urls import URLPattern

from .views import urlpatterns as report_urls
from .views_cycle import urlpatterns as cycle_urls
from .views_desk import urlpatterns as desk_urls

app_name = "reports"
urlpatterns: list[URLPattern] = [*report_urls, *cycle_urls, *desk_urls]

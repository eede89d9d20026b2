from django.urls import path

from . import views
from .caching import public_page
from .feeds import ClosedTasksFeed

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("indicators/", views.indicators, name="indicators"),
    path("index/", views.index_home, name="index_home"),
    path("index/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("index/<int:pk>/method.yaml", views.edition_method_yaml, name="edition_method_yaml"),
    path("index/<int:pk>/method.json", views.edition_method_json, name="edition_method_json"),
    path("index/<int:pk>/data.csv", views.edition_data_csv, name="edition_data_csv"),
    path("feed/closed.atom", public_page(ClosedTasksFeed()), name="feed"),
]

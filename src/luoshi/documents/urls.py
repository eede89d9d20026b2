from django.urls import URLPattern, path

from . import views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/circular/", views.circular_new, name="circular_new"),
    path("ledger/", views.ledger_new, name="ledger_new"),
    path("jobs/<str:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<str:pk>/file/", views.job_download, name="job_download"),
    path("tasks/<int:pk>.pdf", views.task_pdf, name="task_pdf"),
    path("assessment/<int:pk>.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("scores/<int:pk>.pdf", views.score_pdf, name="score_pdf"),
]

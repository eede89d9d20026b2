from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    label = "assessment"

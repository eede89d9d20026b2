from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "luoshi.indicators"
    label = "indicators"

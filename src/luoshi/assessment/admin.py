"""Read-only admin views of the assessment: every change goes through services (with audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Adjustment, Appeal, Rubric, Score


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit_group", "version", "status", "published_at", "appeal_deadline"]
    list_filter = ["year", "unit_group", "status"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["rubric", "unit", "kind", "points", "reason"]
    list_select_related = ["rubric", "unit"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["rubric", "rank", "unit", "total"]
    list_select_related = ["rubric", "unit"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["score", "event_text", "points", "status", "filed_at"]
    list_select_related = ["score__rubric", "score__unit"]

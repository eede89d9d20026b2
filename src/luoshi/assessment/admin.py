"""Read-only admin views of the assessment: every change goes through services (with audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from luoshi.core.admin_tools import ReadOnlyAdminMixin

from .models import Adjustment, Appeal, Rubric, Score


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    pass


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit_group", "version", "status", "quality_rule", "published_at", "appeal_deadline"]
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

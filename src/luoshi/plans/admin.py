"""Read-only admin views of plans: every change goes through a service that writes the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Assignment, Plan, Target, Task, TaskUnit


class ReadOnlyMixin:
    """Shown for inspection only; the pages and services are the way to change anything."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TaskUnitInline(ReadOnlyMixin, admin.TabularInline[TaskUnit, Task]):
    model = TaskUnit
    extra = 0
    fields = ("name", "unit", "role", "inherited")


class TargetInline(ReadOnlyMixin, admin.TabularInline[Target, Task]):
    model = Target
    extra = 0
    fields = ("text", "indicator", "op", "value", "unit", "year")


@admin.register(Plan)
class PlanAdmin(ReadOnlyMixin, admin.ModelAdmin[Plan]):
    list_display = ("title", "doc_number", "status", "revision", "created_at", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "doc_number", "issuer")
    exclude = ("source_text",)


@admin.register(Task)
class TaskAdmin(ReadOnlyMixin, admin.ModelAdmin[Task]):
    list_display = ("key", "text", "plan", "is_item", "deadline", "removed")
    list_filter = ("is_item", "removed", "plan")
    search_fields = ("text", "key")
    list_select_related = ("plan",)
    inlines = [TaskUnitInline, TargetInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyMixin, admin.ModelAdmin[Assignment]):
    list_display = ("task", "unit", "role", "status", "deadline", "active")
    list_filter = ("status", "role", "active")
    search_fields = ("task__text", "unit__name")
    list_select_related = ("task", "unit")

"""Read-only admin views of plans: every change goes through a service that writes the audit log."""

from __future__ import annotations

from django.contrib import admin

from luoshi.core.admin_tools import ReadOnlyAdminMixin

from .models import Assignment, Plan, Target, Task, TaskUnit


class TaskUnitInline(ReadOnlyAdminMixin, admin.TabularInline[TaskUnit, Task]):
    model = TaskUnit
    extra = 0
    fields = ("name", "unit", "role", "inherited")


class TargetInline(ReadOnlyAdminMixin, admin.TabularInline[Target, Task]):
    model = Target
    extra = 0
    fields = ("text", "indicator", "op", "value", "unit", "year")


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Plan]):
    list_display = ("title", "doc_number", "status", "revision", "created_at", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "doc_number", "issuer")
    exclude = ("source_text",)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Task]):
    list_display = ("key", "text", "plan", "is_item", "deadline", "removed")
    list_filter = ("is_item", "removed", "plan")
    search_fields = ("text", "key")
    list_select_related = ("plan",)
    inlines = [TaskUnitInline, TargetInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Assignment]):
    list_display = ("task", "unit", "role", "status", "deadline", "active")
    list_filter = ("status", "role", "active")
    search_fields = ("task__text", "unit__name")
    list_select_related = ("task", "unit")

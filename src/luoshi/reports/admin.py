"""Admin for the reporting cycle: read-only views of reports and their trail.

State changes go through the services (audit, locking, notifications), so the admin never edits reports,
reviews, evidence, extensions or instructions. Periods stay editable: their due dates are configuration.
"""

from __future__ import annotations

from django.contrib import admin

from luoshi.core.admin_tools import ReadOnlyAdminMixin

from .models import (
    Attachment,
    Extension,
    Instruction,
    Notification,
    Reminder,
    Report,
    ReportingPeriod,
    Review,
    TargetActual,
)


class TargetActualInline(ReadOnlyAdminMixin, admin.TabularInline[TargetActual, Report]):
    model = TargetActual
    fields = ("target", "value", "note")


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline[Review, Report]):
    model = Review
    fields = ("action", "actor", "comment", "created_at")
    readonly_fields = ("created_at",)


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline[Attachment, Report]):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("uploaded_at",)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin[ReportingPeriod]):
    list_display = ("label", "plan", "start", "end", "due_date")
    list_filter = ("plan",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Report]):
    list_display = ("assignment", "period", "status", "progress", "is_late", "submitted_at", "version")
    list_filter = ("status", "progress", "is_late")
    search_fields = ("assignment__task__text", "assignment__unit__name", "narrative")
    list_select_related = ("assignment__task", "assignment__unit", "period")
    inlines = [TargetActualInline, AttachmentInline, ReviewInline]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Extension]):
    list_display = ("assignment", "previous_deadline", "requested_deadline", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("assignment__task", "assignment__unit")


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Instruction]):
    list_display = ("task", "author", "created_at")
    list_select_related = ("task", "author")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Reminder]):
    list_display = ("assignment", "period", "kind", "created_at", "email_status")
    list_filter = ("kind", "email_status")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Notification]):
    list_display = ("user", "text", "created_at", "read_at")

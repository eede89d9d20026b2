from django.contrib import admin

from luoshi.core.admin_tools import ReadOnlyAdminMixin

from .models import DocumentJob


@admin.register(DocumentJob)
class DocumentJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "title", "user", "status", "progress", "finished_at")
    list_filter = ("kind", "status")
    exclude = ("file",)  # files are downloaded by their requester only, never through the admin

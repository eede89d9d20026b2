"""API tokens in the admin: listed for inspection only.

DRF's own token admin would create and delete tokens without an audit entry; tokens are issued and
revoked through luoshi.api.services (the token page, `manage.py api_token`), which audit.
"""

from __future__ import annotations

from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from luoshi.core.admin_tools import ReadOnlyAdminMixin


class AuditedTokenAdmin(ReadOnlyAdminMixin, TokenAdmin):
    list_display = ("user", "created")
    fields = ("user", "created")
    readonly_fields = ("user", "created")


if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, AuditedTokenAdmin)

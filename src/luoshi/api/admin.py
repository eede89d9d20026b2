"""API tokens in the admin: listed for inspection (prefix, scope, expiry; the key is never stored), and
revoked by the system administrator through the audited service (the action "revoke")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from luoshi.core.admin_tools import ReadOnlyAdminMixin
from luoshi.core.errors import DomainError

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ApiToken]):
    list_display = ("user", "prefix", "scope", "created_at", "expires_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("user__username", "prefix")
    fields = ("user", "prefix", "scope", "created_at", "expires_at", "revoked_at", "revoked_by")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("撤销所选令牌所属账号的令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        users = {token.user for token in queryset.select_related("user")}
        for user in users:
            try:
                api_token_revoke(actor=request.user, user=user)
            except DomainError as exc:
                messages.error(request, exc.message)
                return
        messages.success(request, _("令牌已撤销。"))

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

"""Admin for units and accounts. Account saves go through the account services, so every change is audited.

三员分立 shows here: the system administrator edits profiles, units and passwords; the security
administrator roles, locking and second factors (and unlocks logins django-axes locked); what each sees
comes from orgs.permissions and the read-only fields below.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .choices import Role
from .models import Unit, UnitAlias, User
from .security import password_reset_by_admin_check, two_factor_remove
from .services import USER_PROFILE_FIELDS, user_change_check, user_create, user_deactivate, user_set_role, user_update


class UnitAliasInline(admin.TabularInline[UnitAlias, Unit]):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "full_name", "kind", "is_group", "active")
    list_filter = ("kind", "is_group", "active")
    search_fields = ("name", "full_name", "aliases__alias")
    filter_horizontal = ("members",)
    inlines = [UnitAliasInline]


class AccountRulesMixin(forms.ModelForm):  # type: ignore[misc]
    """Runs the services' account rules in the form, so a refusal shows as a form error, not a crash."""

    actor: Any = None  # set per request by LuoshiUserAdmin.get_form

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        instance = self.instance if self.instance.pk else None
        role = cleaned.get("role", instance.role if instance else None)
        if role is None:
            return cleaned  # the role field already has its own error
        try:
            user_change_check(actor=self.actor, user=instance, role=role,
                              unit=cleaned.get("unit", instance.unit if instance else None),
                              is_active=cleaned.get("is_active", True))
        except DomainError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        return cleaned


class LuoshiUserCreationForm(AccountRulesMixin, AdminUserCreationForm):  # type: ignore[misc]
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[misc]
        model = User
        fields = ("username", "first_name", "role", "unit")


class LuoshiUserChangeForm(AccountRulesMixin, UserChangeForm):  # type: ignore[misc]
    class Meta(UserChangeForm.Meta):  # type: ignore[misc]
        model = User


@admin.register(User)
class LuoshiUserAdmin(UserAdmin):  # type: ignore[misc]
    """Accounts. Staff and superuser flags follow the role (the system administrator is the superuser),
    and Django groups/permissions are not used: access is decided by role and unit."""

    form = LuoshiUserChangeForm
    add_form = LuoshiUserCreationForm
    list_display = ("username", "first_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("unit",)
    search_fields = ("username", "first_name", "last_name", "email", "unit__name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("last_login", "date_joined", "password_changed_at", "password_change_required")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("角色与单位"), {"fields": ("role", "unit", "is_active")}),
        (_("重要时间"), {"fields": ("last_login", "date_joined", "password_changed_at", "password_change_required")}),
    )
    actions = ["two_factor_reset"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        role = getattr(request.user, "role", None)
        if role == Role.ADMIN:      # accounts and units, not roles or locking
            fields += ["role", "is_active"]
        elif role == Role.SECURITY_ADMIN:  # roles and locking, not profiles
            fields += list(USER_PROFILE_FIELDS)
        return fields

    def has_two_factor_reset_permission(self, request: HttpRequest) -> bool:
        return getattr(request.user, "role", None) == Role.SECURITY_ADMIN

    @admin.action(description=_("重置双因素认证（手机丢失）"), permissions=["two_factor_reset"])
    def two_factor_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        removed = 0
        for user in queryset:
            try:
                removed += two_factor_remove(actor=request.user, user=user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, _("已重置 %(n)d 个账号的双因素认证。") % {"n": removed})
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "first_name", "role", "unit", "usable_password", "password1", "password2")}),
    )
    filter_horizontal = ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request (modelform_factory), so this is not shared
        return form

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        try:
            password_reset_by_admin_check(actor=request.user)
        except DomainError:
            raise PermissionDenied from None
        # Django's view saves the password itself; the audit row joins it in one transaction. The
        # administrator knows the new password, so the account must change it at its next login.
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                User.objects.filter(pk=id).update(password_change_required=user.has_usable_password())
                audit_record(actor=request.user, action="user.set_password", target=user, unit_id=user.unit_id,
                             after={"usable_password": user.has_usable_password(), "change_required": True},
                             message=str(_("管理员重设密码")))
        return response

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor = request.user
        if not change:
            usable = form.cleaned_data.get("set_usable_password", True)
            created = user_create(actor=actor, username=obj.username, role=obj.role, unit=obj.unit,
                                  password=form.cleaned_data.get("password1") if usable else None,
                                  first_name=obj.first_name)
            # The admin keeps using `obj` (for its log entry and redirect): make it the saved account.
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db
            obj.refresh_from_db()
            return
        stored = User.objects.get(pk=obj.pk)
        if (obj.role, obj.unit_id) != (stored.role, stored.unit_id):
            user_set_role(actor=actor, user=stored, role=obj.role, unit=obj.unit)
        changes: dict[str, Any] = {name: getattr(obj, name) for name in USER_PROFILE_FIELDS
                                   if getattr(obj, name) != getattr(stored, name)}
        if obj.is_active and not stored.is_active:
            changes["is_active"] = True
        if changes:
            user_update(actor=actor, user=stored, changes=changes)
        if stored.is_active and not obj.is_active:
            user_deactivate(actor=actor, user=stored)
        obj.refresh_from_db()


class AuditedAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
    """django-axes' lockouts. The security administrator unlocks one by deleting it, which is audited."""

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        self.delete_queryset(request, AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        with transaction.atomic():
            for attempt in queryset:
                audit_record(actor=request.user, action="login.unlock", target=attempt,
                             before={"username": attempt.username, "ip_address": attempt.ip_address,
                                     "failures": attempt.failures_since_start}, message="解除登录锁定")
            queryset.delete()


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Unit, UnitAlias, User


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


@admin.register(User)
class LuoshiUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Luoshi", {"fields": ("role", "unit", "phone")}))  # type: ignore[misc]

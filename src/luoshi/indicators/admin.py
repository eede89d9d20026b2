"""Administrators edit the catalogue (and correct regions) here; figures change only through services."""

from django.contrib import admin

from .models import Indicator, IndicatorAlias, Region


class IndicatorAliasInline(admin.TabularInline[IndicatorAlias, Indicator]):
    model = IndicatorAlias
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["code", "name_zh", "unit", "kind", "direction", "source", "frequency", "aggregation", "active"]
    search_fields = ["code", "name_zh", "name_en", "aliases__alias"]
    list_filter = ["kind", "source", "active"]
    inlines = [IndicatorAliasInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name", "kind", "unit", "sort_order"]
    list_filter = ["kind"]

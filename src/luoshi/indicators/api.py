"""REST endpoints for the indicator catalogue, regions, indicator targets, observations and index editions.

Scoped by indicators.access: a unit account reads its own region's figures and the targets it answers for;
published index editions are read by every account, drafts by the office. The office (the statistics
office's role in Luoshi) posts observations through indicators.services.observation_record, which checks,
revises and audits, exactly as the upload page does.
"""

from __future__ import annotations

import math
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.api.filters import DB_INT_MAX, IntegerFilter
from luoshi.api.viewsets import ReadOnlyViewSet
from luoshi.core.viewtools import require_office

from .access import editions_visible_to, regions_visible_to, targets_visible_to
from .choices import DataSource, EditionStatus, Measure
from .models import IndexEdition, IndexMethod, Indicator, IndicatorTarget, Observation, Region
from .services import observation_record


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name_zh", "name_en", "unit", "direction", "definition", "source", "frequency",
                  "aggregation", "kind", "accumulates", "plausible_min", "plausible_max", "active"]


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "name", "kind", "unit", "sort_order"]


class IndicatorTargetSerializer(serializers.ModelSerializer[IndicatorTarget]):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = IndicatorTarget
        fields = ["id", "plan", "source_target", "indicator", "indicator_code", "year", "region", "region_name",
                  "responsible_unit", "comparator", "value", "value_unit", "basis"]


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Observation
        fields = ["id", "indicator", "indicator_code", "region", "region_name", "year", "through_month", "source",
                  "measure", "value", "revision", "is_latest", "note", "illustrative", "entered_at"]


class ObservationInputSerializer(serializers.Serializer[Any]):
    """A figure to store: a different value for the same slot becomes a new revision."""

    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all(),
                                             help_text="The indicator's code (e.g. tech-contract-turnover).")
    region = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX, help_text="The region's id.")
    year = serializers.IntegerField(min_value=1949, max_value=2100)
    through_month = serializers.IntegerField(min_value=1, max_value=12, required=False, default=12)
    source = serializers.ChoiceField(choices=DataSource.choices, required=False, default=DataSource.OFFICIAL)
    value = serializers.FloatField()
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    illustrative = serializers.BooleanField(required=False, default=False,
                                            help_text="Demo data, not official statistics: labelled wherever shown.")

    def validate_region(self, value: int) -> Region:
        region = Region.objects.filter(pk=value).first()
        if region is None:
            raise serializers.ValidationError(_("地区不存在"))
        return region

    def validate_value(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError(_("不是有效数值"))
        return value


class IndexMethodSummarySerializer(serializers.ModelSerializer[IndexMethod]):
    class Meta:
        model = IndexMethod
        fields = ["id", "method_id", "version", "title", "fingerprint"]


class IndexEditionSerializer(serializers.ModelSerializer[IndexEdition]):
    method = IndexMethodSummarySerializer(read_only=True)

    class Meta:
        model = IndexEdition
        fields = ["id", "method", "year", "number", "status", "state", "error", "illustrative", "regions", "result",
                  "uncertainty", "draws", "seed", "note", "computed_at", "finished_at", "published_at"]


class IndexEditionDetailSerializer(IndexEditionSerializer):
    class Meta(IndexEditionSerializer.Meta):
        fields = [*IndexEditionSerializer.Meta.fields, "data_rows"]


class IndicatorFilter(django_filters.FilterSet):
    class Meta:
        model = Indicator
        fields = ["source", "frequency", "active"]


class IndicatorViewSet(ReadOnlyViewSet):
    """The indicator catalogue (definitions are readable by every account, like the catalogue page)."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    queryset = Indicator.objects.order_by("code")


class RegionViewSet(ReadOnlyViewSet):
    """Regions whose figures the account may read: all for the office and leaders, a unit its own."""

    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return regions_visible_to(self.request.user).order_by("sort_order", "name")


class IndicatorTargetFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id")
    year = IntegerFilter()
    indicator = django_filters.CharFilter(field_name="indicator__code", help_text="indicator code")
    region = IntegerFilter(field_name="region_id")

    class Meta:
        model = IndicatorTarget
        fields: list[str] = []


class IndicatorTargetViewSet(ReadOnlyViewSet):
    """Targets on catalogue indicators: a unit account sees those it answers for or set for its region."""

    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilter

    def get_queryset(self) -> QuerySet[IndicatorTarget]:
        return (targets_visible_to(self.request.user).select_related("indicator", "region")
                .order_by("plan_id", "year", "indicator__code", "region__sort_order", "pk"))


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code", help_text="indicator code")
    region = IntegerFilter(field_name="region_id")
    year = IntegerFilter()
    through_month = IntegerFilter()
    source = django_filters.ChoiceFilter(choices=DataSource.choices)
    latest = django_filters.BooleanFilter(field_name="is_latest",
                                          help_text="true: only the current revision of each figure")

    class Meta:
        model = Observation
        fields: list[str] = []


class ObservationViewSet(ReadOnlyViewSet):
    """Figures (every revision) of the regions the account may read; the office posts new ones."""

    filterset_class = ObservationFilter

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        # POST takes a figure (also the form the browsable API offers); everything answers observations.
        return ObservationInputSerializer if self.request.method == "POST" else ObservationSerializer

    def get_queryset(self) -> QuerySet[Observation]:
        return (Observation.objects.filter(region__in=regions_visible_to(self.request.user))
                .select_related("indicator", "region")
                .order_by("indicator__code", "region__sort_order", "-year", "-through_month", "source", "-revision"))

    @extend_schema(request=ObservationInputSerializer,
                   responses={200: ObservationSerializer, 201: ObservationSerializer})
    def create(self, request: Request) -> Response:
        """Store a figure (the office only; anyone else 404, like the upload page): observation_record.

        201 with the new revision; 200 with the current one when the same value is already stored.
        """
        require_office(request.user)
        payload = ObservationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        current = Observation.objects.filter(
            indicator=data["indicator"], region=data["region"], year=data["year"],
            through_month=data["through_month"], source=data["source"], measure=Measure.VALUE,
            is_latest=True).values_list("pk", flat=True)
        current_pk = current.first()
        observation = observation_record(actor=request.user, **data)
        created = observation.pk != current_pk
        return Response(ObservationSerializer(observation).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IndexEditionFilter(django_filters.FilterSet):
    year = IntegerFilter()
    status = django_filters.ChoiceFilter(choices=EditionStatus.choices)

    class Meta:
        model = IndexEdition
        fields: list[str] = []


class IndexEditionViewSet(ReadOnlyViewSet):
    """Innovation index editions: published ones for every account, drafts for the office."""

    filterset_class = IndexEditionFilter

    def get_serializer_class(self) -> type[IndexEditionSerializer]:
        return IndexEditionDetailSerializer if self.action == "retrieve" else IndexEditionSerializer

    def get_queryset(self) -> QuerySet[IndexEdition]:
        return editions_visible_to(self.request.user).select_related("method").order_by("-year", "-number", "-pk")

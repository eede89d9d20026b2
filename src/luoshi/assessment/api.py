"""REST endpoints for the year-end assessment: rubrics (office and leaders) and score sheets.

Scoped by assessment.access: a unit account reads only its own unit's score sheets under published (or
superseded) rubrics; rubrics and the whole ranking are the office's and leaders'.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers

from luoshi.api.filters import IntegerFilter
from luoshi.api.viewsets import ReadOnlyViewSet

from .access import rubrics_visible_to, scores_visible_to
from .choices import RubricStatus, UnitGroup
from .models import Rubric, Score


class RubricSerializer(serializers.ModelSerializer[Rubric]):
    class Meta:
        model = Rubric
        fields = ["id", "year", "unit_group", "version", "status", "weight_completion", "weight_timeliness",
                  "weight_quality", "weight_reminders", "weight_extensions", "weight_indicators", "per_return",
                  "per_reminder", "per_extension", "quality_rule", "appeal_days", "note", "published_at",
                  "appeal_deadline", "created_at"]


class ScoreSerializer(serializers.ModelSerializer[Score]):
    year = serializers.IntegerField(source="rubric.year", read_only=True)
    unit_group = serializers.CharField(source="rubric.unit_group", read_only=True)
    rubric_status = serializers.CharField(source="rubric.status", read_only=True)
    rubric_note = serializers.CharField(source="rubric.note", read_only=True,
                                        help_text="The rubric's note, e.g. that the results are illustrative.")
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "rubric", "year", "unit_group", "rubric_status", "rubric_note", "unit", "unit_name", "total",
                  "rank", "components", "trace", "computed_at"]


class RubricFilter(django_filters.FilterSet):
    year = IntegerFilter()
    unit_group = django_filters.ChoiceFilter(choices=UnitGroup.choices)
    status = django_filters.ChoiceFilter(choices=RubricStatus.choices)

    class Meta:
        model = Rubric
        fields: list[str] = []


class RubricViewSet(ReadOnlyViewSet):
    """Assessment rubrics (every version): the office and leaders only."""

    serializer_class = RubricSerializer
    filterset_class = RubricFilter

    def get_queryset(self) -> QuerySet[Rubric]:
        return rubrics_visible_to(self.request.user).order_by("-year", "unit_group", "-version")


class ScoreFilter(django_filters.FilterSet):
    rubric = IntegerFilter(field_name="rubric_id")
    year = IntegerFilter(field_name="rubric__year")
    unit = IntegerFilter(field_name="unit_id")

    class Meta:
        model = Score
        fields: list[str] = []


class ScoreViewSet(ReadOnlyViewSet):
    """Score sheets with their trace: all for the office and leaders, a unit its own published ones."""

    serializer_class = ScoreSerializer
    filterset_class = ScoreFilter

    def get_queryset(self) -> QuerySet[Score]:
        return (scores_visible_to(self.request.user).select_related("rubric", "unit")
                .order_by("-rubric__year", "rubric_id", "rank", "unit__sort_order", "pk"))

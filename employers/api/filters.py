"""FilterSets of the employer-demand API: they narrow what a selector returned, never widen it."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from employers.models import DemandRun, DemandSurvey, Skill, SkillNeed
from partnerships.api.filters import IdFilter


class SurveyFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    is_open = django_filters.BooleanFilter(method="filter_open", help_text="Open today (true) or not (false)")

    class Meta:
        model = DemandSurvey
        fields = ["partnership", "is_open"]

    def filter_open(self, queryset: QuerySet[DemandSurvey], name: str, value: bool | None) -> QuerySet[DemandSurvey]:
        if value is None:
            return queryset
        today = timezone.localdate()
        is_open = {"opens_on__lte": today, "closes_on__gte": today}
        return queryset.filter(**is_open) if value else queryset.exclude(**is_open)


class NeedFilter(django_filters.FilterSet):
    survey = IdFilter(field_name="survey_id")
    partnership = IdFilter(field_name="partnership_id")
    employer = IdFilter(field_name="employer_id")
    status = django_filters.ChoiceFilter(choices=SkillNeed.Status.choices)
    soc_code = django_filters.CharFilter(field_name="occupation__soc_code", lookup_expr="startswith",
                                         help_text="SOC code or its first digits, e.g. 51-41")

    class Meta:
        model = SkillNeed
        fields = ["survey", "partnership", "employer", "status", "soc_code"]


class SkillFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Skill.Kind.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Skill
        fields = ["kind", "name"]


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DemandRun.Status.choices)

    class Meta:
        model = DemandRun
        fields = ["status"]

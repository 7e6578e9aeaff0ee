"""FilterSets of the programs API (ids and codes, not model choices: choices would be unscoped).

They only narrow what a selector already returned for the tenant and membership; they never widen it.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from partnerships.api.filters import IdFilter
from programs.models import Cohort, CredentialAward, Program, SkillGain


class ProgramFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="program_type", choices=Program.ProgramType.choices)
    status = django_filters.ChoiceFilter(choices=Program.Status.choices)
    occupation = django_filters.CharFilter(method="filter_occupation", help_text="SOC code, e.g. 31-1131")
    provider = IdFilter(method="filter_provider", help_text="An organization that leads or supports the program")
    search = django_filters.CharFilter(method="filter_search", help_text="Words of the program's name")

    class Meta:
        model = Program
        fields = ["type", "status", "occupation", "provider", "search"]

    # Sub-selects keep the selector's annotations (open cohorts) free of the joins a filter would add.
    def filter_occupation(self, queryset: QuerySet[Program], name: str, value: str) -> QuerySet[Program]:
        return queryset.filter(pk__in=Program.target_occupations.through.objects.filter(
            occupation__soc_code=value.strip()).values("program_id"))

    def filter_provider(self, queryset: QuerySet[Program], name: str, value: int) -> QuerySet[Program]:
        others = Program.other_providers.through.objects.filter(organization_id=value).values("program_id")
        return queryset.filter(Q(provider_id=value) | Q(pk__in=others))

    def filter_search(self, queryset: QuerySet[Program], name: str, value: str) -> QuerySet[Program]:
        for word in value.split()[:10]:
            queryset = queryset.filter(name__icontains=word)
        return queryset


class CohortFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    program = IdFilter(field_name="program_id")
    status = django_filters.ChoiceFilter(choices=Cohort.Status.choices)
    occupation = django_filters.CharFilter(field_name="target_occupation__soc_code",
                                           help_text="SOC code of the target occupation, e.g. 31-1131")

    class Meta:
        model = Cohort
        fields = ["partnership", "program", "status", "occupation"]


class CredentialAwardFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="enrollment__cohort_id")
    enrollment = IdFilter(field_name="enrollment_id")
    participant = IdFilter(field_name="participant_id")
    ctdl_type = django_filters.CharFilter()

    class Meta:
        model = CredentialAward
        fields = ["cohort", "enrollment", "participant", "ctdl_type"]


class SkillGainFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="enrollment__cohort_id")
    enrollment = IdFilter(field_name="enrollment_id")
    participant = IdFilter(field_name="participant_id")
    gain_type = django_filters.ChoiceFilter(choices=SkillGain.GainType.choices)

    class Meta:
        model = SkillGain
        fields = ["cohort", "enrollment", "participant", "gain_type"]

"""FilterSets of the reports API (ids, not model choices: choices would be unscoped).

They only narrow what a selector already returned for the tenant and membership; they never widen it.
"""

from __future__ import annotations

import django_filters

from partnerships.api.filters import IdFilter
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportRun.Status.choices)
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    partnership = IdFilter(field_name="partnership_id")

    class Meta:
        model = ReportRun
        fields = ["status", "scope", "partnership"]


class SnapshotFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)

    class Meta:
        model = ReportSnapshot
        fields = ["partnership", "scope", "period_kind"]

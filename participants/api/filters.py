"""Filters of the participants API (ids and codes, not model choices: choices would be unscoped).

They only narrow what a selector already returned for the tenant and membership; they never widen it. The caseload
filters (status, stream, cohort, overdue follow-up, search) are the selector's own arguments.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from participants.models import (
    CaseNote,
    Consent,
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
    current_consent_q,
)
from partnerships.api.filters import IdFilter


class ParticipantQuerySerializer(serializers.Serializer):
    """The caseload's filters, passed to participants.selectors.participant_list."""

    status = serializers.ChoiceField(choices=Participant.Status.choices, required=False)
    stream = serializers.CharField(max_length=40, required=False, help_text="Enrolled in this funding stream (code)")
    cohort = serializers.IntegerField(min_value=1, required=False, help_text="On this cohort's roster (id)")
    overdue = serializers.BooleanField(required=False, default=False,
                                       help_text="Only people with a retention check past due")
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text="Case managers: only the people assigned to me")
    search = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="Words of the name, or a public id (P-...)")


class ParticipantRowFilter(django_filters.FilterSet):
    """Shared by every flat list of a person's rows: ``?participant=<id>``."""

    participant = IdFilter(field_name="participant_id")


class StreamEnrollmentFilter(ParticipantRowFilter):
    stream = django_filters.CharFilter(field_name="stream__code", help_text="Funding stream code")
    open = django_filters.BooleanFilter(field_name="exit_date", lookup_expr="isnull", help_text="Not exited")

    class Meta:
        model = StreamEnrollment
        fields = ["participant", "stream", "open"]


class ConsentFilter(ParticipantRowFilter):
    recipient = IdFilter(field_name="recipients", help_text="Names this organization (id)")
    current = django_filters.BooleanFilter(method="filter_current", help_text="Signed, not expired, not revoked")

    class Meta:
        model = Consent
        fields = ["participant", "recipient", "current"]

    def filter_current(self, queryset: QuerySet[Consent], name: str, value: bool | None) -> QuerySet[Consent]:
        if value is None:
            return queryset
        q = current_consent_q(today=timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class SupportiveServiceFilter(ParticipantRowFilter):
    stream = django_filters.CharFilter(field_name="stream_enrollment__stream__code", help_text="Funding stream code")
    status = django_filters.ChoiceFilter(choices=SupportiveService.Status.choices)
    service_type = django_filters.ChoiceFilter(choices=SupportiveService.ServiceType.choices)

    class Meta:
        model = SupportiveService
        fields = ["participant", "stream", "status", "service_type"]


class CaseNoteFilter(ParticipantRowFilter):
    confidential = django_filters.BooleanFilter()

    class Meta:
        model = CaseNote
        fields = ["participant", "confidential"]


class PlacementFilter(ParticipantRowFilter):
    employer = IdFilter(field_name="employer_id", help_text="A partner employer (id)")
    occupation = django_filters.CharFilter(field_name="occupation__soc_code", help_text="SOC code, e.g. 31-1131")

    class Meta:
        model = Placement
        fields = ["participant", "employer", "occupation"]


class RetentionCheckFilter(django_filters.FilterSet):
    participant = IdFilter(field_name="placement__participant_id")
    placement = IdFilter(field_name="placement_id")
    done = django_filters.BooleanFilter(field_name="checked_on", lookup_expr="isnull", exclude=True,
                                        help_text="Recorded (true) or still to do (false)")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Due before today and not recorded")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = RetentionCheck
        fields = ["participant", "placement", "done", "overdue", "due_before"]

    def filter_overdue(self, queryset: QuerySet[RetentionCheck], name: str,
                       value: bool | None) -> QuerySet[RetentionCheck]:
        if value is None:
            return queryset
        overdue = {"checked_on__isnull": True, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class QuarterlyWageFilter(ParticipantRowFilter):
    year = django_filters.NumberFilter()
    quarter = django_filters.NumberFilter()
    source = django_filters.ChoiceFilter(choices=QuarterlyWage.Source.choices)

    class Meta:
        model = QuarterlyWage
        fields = ["participant", "year", "quarter", "source"]


class ImportJobFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ImportJob.Kind.choices)
    status = django_filters.ChoiceFilter(choices=ImportJob.Status.choices)

    class Meta:
        model = ImportJob
        fields = ["kind", "status"]

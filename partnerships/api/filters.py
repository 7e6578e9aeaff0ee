"""django-filter FilterSets of the API (ids, not model choices: choices would be unscoped).

They only narrow what a selector already returned for the tenant and membership; they never widen it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from partnerships.models import (
    ActionItem,
    AuditEvent,
    Council,
    EmployerEngagement,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Partnership,
    Representative,
)
from partnerships.roles import OrganizationType, Role


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC.

    Python accepts UTC offsets up to ±23:59, PostgreSQL only up to ±15:59: a time with a valid but far offset would
    reach the database as written and fail there (a 500). In UTC it is just another instant; one that falls
    outside the calendar once converted is a 400.
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None or timezone.is_naive(parsed):
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("The date and time are out of range.", code="overflow") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1})
class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number in the range of a primary key.

    NumberFilter reads a decimal, so ``1.2e+20`` became a lookup the database could not run (SQLite cannot hold
    the number: a 500). Here a fraction or a number out of range is a 400, like any other bad filter value.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    organization = IdFilter(field_name="organization_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Membership
        fields = ["role", "organization", "is_active"]


class InvitationFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    email = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Invitation
        fields = ["role", "email"]


class OrganizationFilter(django_filters.FilterSet):
    org_type = django_filters.ChoiceFilter(choices=OrganizationType.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")
    state = django_filters.CharFilter()
    size_band = django_filters.ChoiceFilter(choices=Organization.SizeBand.choices)
    naics_code = django_filters.CharFilter(lookup_expr="startswith", help_text="NAICS code or its first digits")

    class Meta:
        model = Organization
        fields = ["org_type", "name", "state", "size_band", "naics_code"]


class RepresentativeFilter(django_filters.FilterSet):
    organization = IdFilter(field_name="organization_id")
    is_active = django_filters.BooleanFilter()
    has_user = django_filters.BooleanFilter(field_name="user", lookup_expr="isnull", exclude=True,
                                            help_text="Linked to a portal user")

    class Meta:
        model = Representative
        fields = ["organization", "is_active", "has_user"]


class PartnershipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Partnership.Status.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")
    industry_naics = django_filters.CharFilter(lookup_expr="startswith")

    class Meta:
        model = Partnership
        fields = ["status", "name", "state", "industry_naics"]


class CouncilFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    kind = django_filters.ChoiceFilter(choices=Council.Kind.choices)

    class Meta:
        model = Council
        fields = ["partnership", "kind"]


class MeetingFilter(django_filters.FilterSet):
    council = IdFilter(field_name="council_id")
    partnership = IdFilter(field_name="council__partnership_id")
    kind = django_filters.ChoiceFilter(field_name="council__kind", choices=Council.Kind.choices,
                                       help_text="The council: industry or workforce partners")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    starts_after = UTCDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UTCDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    upcoming = django_filters.BooleanFilter(method="filter_upcoming",
                                            help_text="true: scheduled and not yet started; false: already started")

    class Meta:
        model = Meeting
        fields = ["council", "partnership", "kind", "status", "starts_after", "starts_before", "upcoming"]

    def filter_upcoming(self, queryset: QuerySet[Meeting], name: str, value: bool | None) -> QuerySet[Meeting]:
        if value is None:
            return queryset
        now = timezone.now()
        if value:
            return queryset.filter(starts_at__gte=now, status=Meeting.Status.SCHEDULED)
        return queryset.filter(starts_at__lt=now)


OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


class ActionItemFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    meeting = IdFilter(field_name="meeting_id")
    status = django_filters.MultipleChoiceFilter(choices=ActionItem.Status.choices,
                                                 help_text="Repeat for several: ?status=open&status=in_progress")
    is_open = django_filters.BooleanFilter(method="filter_is_open", help_text="Open or in progress")
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           help_text="Open or in progress, and due before today")
    owner_representative = IdFilter(field_name="owner_representative_id")
    owner_user = IdFilter(field_name="owner_user_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")

    class Meta:
        model = ActionItem
        fields = ["partnership", "meeting", "status", "is_open", "overdue", "owner_representative", "owner_user",
                  "due_before", "due_after"]

    def filter_is_open(self, queryset: QuerySet[ActionItem], name: str, value: bool | None) -> QuerySet[ActionItem]:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, queryset: QuerySet[ActionItem], name: str, value: bool | None) -> QuerySet[ActionItem]:
        if value is None:
            return queryset
        overdue: dict[str, Any] = {"status__in": OPEN_STATUSES, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class EngagementFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="council__partnership_id")
    council = IdFilter(field_name="council_id")
    organization = IdFilter(field_name="organization_id")
    drifting = django_filters.BooleanFilter(field_name="is_drifting")
    size_band = django_filters.ChoiceFilter(field_name="organization__size_band",
                                            choices=Organization.SizeBand.choices)

    class Meta:
        model = EmployerEngagement
        fields = ["partnership", "council", "organization", "drifting", "size_band"]


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith")
    actor_email = django_filters.CharFilter(lookup_expr="iexact")
    occurred_after = UTCDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = UTCDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor_email", "source"]

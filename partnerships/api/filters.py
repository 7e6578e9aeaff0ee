"""django-filter FilterSets for the tenant core API (ids, not model choices: choices would be unscoped)."""

import django_filters

from partnerships.models import AuditEvent, Invitation, Membership, Organization, Partnership
from partnerships.roles import OrganizationType, Role


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    organization = django_filters.NumberFilter(field_name="organization_id")
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

    class Meta:
        model = Organization
        fields = ["org_type", "name", "state", "size_band"]


class PartnershipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Partnership.Status.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Partnership
        fields = ["status", "name", "state"]


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith")
    actor_email = django_filters.CharFilter(lookup_expr="iexact")
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor_email", "source"]

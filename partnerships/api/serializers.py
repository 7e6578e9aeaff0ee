"""Serializers for the tenant core API. Input serializers validate shape; services enforce the rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.models import AuditEvent, Invitation, Membership, Organization, Partnership, User
from partnerships.roles import Role


@extend_schema_field(OpenApiTypes.INT)
class TenantPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A pk field whose choices are the current tenant's rows only ("not found" for anyone else's)."""

    default_error_messages = {
        "does_not_exist": "No such object in this workspace: {pk_value}.",
        "incorrect_type": "Expected an id number, got {data_type}.",
    }

    def __init__(self, model: type, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.model.objects.for_convener(self.context["convener"])  # type: ignore[attr-defined]


@extend_schema_field(OpenApiTypes.INT)
class MemberUserField(serializers.PrimaryKeyRelatedField):
    """A user id, accepted only for an active member of the current tenant (a user is not tenant-owned)."""

    default_error_messages = TenantPrimaryKeyField.default_error_messages

    def get_queryset(self) -> Any:
        return User.objects.filter(
            memberships__convener=self.context["convener"], memberships__is_active=True
        ).distinct()


CALENDAR_YEARS = range(1900, 2200)  # where anything on a partnership's calendar falls


class CalendarDateTimeField(serializers.DateTimeField):
    """A date and time in the years 1900 to 2199.

    Earlier times come back with the local mean time of the site's time zone (an offset such as -04:56:02, which
    is no RFC 3339 date-time), and times at the ends of the calendar overflow once a duration is added to them.
    """

    default_error_messages = {"out_of_range": "Give a date and time between 1900 and 2199."}

    def to_internal_value(self, value: Any) -> datetime:
        parsed = super().to_internal_value(value)
        if parsed.year not in CALENDAR_YEARS:
            self.fail("out_of_range")
        return parsed


class CalendarDateField(serializers.DateField):
    """A date in the years 1900 to 2199: the services lay days out from it (a cohort's sessions, say), and at the
    end of the calendar the day after 9999-12-31 is an OverflowError."""

    default_error_messages = {"out_of_range": "Give a date between 1900 and 2199."}

    def to_internal_value(self, value: Any) -> date:
        parsed = super().to_internal_value(value)
        if parsed.year not in CALENDAR_YEARS:
            self.fail("out_of_range")
        return parsed


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email"]


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "org_type"]


class PartnershipBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "name"]


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    partnerships = PartnershipBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "organization", "partnerships", "is_active", "created_at"]


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    organization = TenantPrimaryKeyField(Organization, required=False, allow_null=True)
    partnerships = TenantPrimaryKeyField(Partnership, many=True, required=False)
    is_active = serializers.BooleanField(required=False, default=True)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    partnerships = PartnershipBriefSerializer(many=True, read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "organization", "partnerships", "status", "invited_by",
                  "created_at", "expires_at", "accepted_at", "revoked_at"]


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    organization = TenantPrimaryKeyField(Organization, required=False, allow_null=True)
    partnerships = TenantPrimaryKeyField(Partnership, many=True, required=False)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor_email", "action", "target_type", "target_id", "target_label",
                  "source", "metadata"]


class MeMembershipSerializer(serializers.ModelSerializer):
    convener_slug = serializers.CharField(source="convener.slug")
    convener_name = serializers.CharField(source="convener.name")
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["convener_slug", "convener_name", "role", "organization"]

"""Councils API: councils with their current seats, seats, meetings (attendance, .ics), action items, engagement.

Who sees what (DOMAIN.md §2): convener admins and staff see and manage everything; employer representatives,
case managers and provider staff see the councils their organization sits on and those councils' meetings
and action items, and mark their own attendance; funders see none of it (they read the partnership profile
and ``partnerships/{id}/council-mix/``). The selectors do the narrowing; the permission map refuses the rest.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships import selectors, services
from partnerships.api import filters
from partnerships.api.base import TenantViewSet
from partnerships.api.serializers import (
    CalendarDateTimeField,
    MemberUserField,
    OrganizationBriefSerializer,
    PartnershipBriefSerializer,
    TenantPrimaryKeyField,
    UserBriefSerializer,
)
from partnerships.ics import meeting_ics
from partnerships.models import (
    ActionItem,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    Organization,
    Partnership,
    Representative,
)
from partnerships.permissions import Action


def _sees_contacts(context: dict[str, Any]) -> bool:
    """Names and contact details only for a membership that may see them; fail closed without one."""
    membership = context.get("membership")
    return membership is not None and selectors.sees_contacts(membership)


# ---------------------------------------------------------------------------------------------------
# Shared output pieces
# ---------------------------------------------------------------------------------------------------
class RepresentativeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Representative
        fields = ["id", "full_name", "title", "email", "phone"]


class SeatedOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "org_type", "size_band"]


class CouncilBriefSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)

    class Meta:
        model = Council
        fields = ["id", "kind", "partnership"]


# ---------------------------------------------------------------------------------------------------
# Councils and seats
# ---------------------------------------------------------------------------------------------------
class SeatOutputSerializer(serializers.ModelSerializer):
    organization = SeatedOrganizationSerializer(read_only=True)
    representatives = serializers.SerializerMethodField()

    class Meta:
        model = CouncilSeat
        fields = ["id", "council", "organization", "seat_role", "joined_on", "left_on", "representatives"]

    @extend_schema_field(RepresentativeBriefSerializer(many=True))
    def get_representatives(self, seat: CouncilSeat) -> list[dict[str, Any]]:
        if not _sees_contacts(self.context):
            return []
        return RepresentativeBriefSerializer(seat.representatives.all(), many=True).data  # type: ignore[return-value]


class CouncilOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    partnership = PartnershipBriefSerializer(read_only=True)
    seats = SeatOutputSerializer(source="current_seats", many=True, read_only=True,
                                 help_text="Current seats (organizations that have not left)")

    class Meta:
        model = Council
        fields = ["id", "kind", "kind_label", "partnership", "seats"]


class CouncilViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Each partnership's industry council and workforce-partners council, with their current seats."""

    serializer_class = CouncilOutputSerializer
    filterset_class = filters.CouncilFilter
    tenant_model = Council
    permissions = {"list": Action.COUNCIL_VIEW, "retrieve": Action.COUNCIL_VIEW}

    def get_queryset(self) -> Any:
        return selectors.council_list(convener=self.convener, membership=self.membership)


class SeatUpdateSerializer(serializers.Serializer):
    seat_role = serializers.ChoiceField(choices=CouncilSeat.SeatRole.choices)
    representatives = TenantPrimaryKeyField(Representative, many=True, help_text="People of the seated organization")
    left_on = serializers.DateField(allow_null=True, help_text="The date the organization left the council")


class SeatCreateSerializer(serializers.Serializer):
    council = TenantPrimaryKeyField(Council)
    organization = TenantPrimaryKeyField(Organization)
    seat_role = serializers.ChoiceField(choices=CouncilSeat.SeatRole.choices, default=CouncilSeat.SeatRole.MEMBER)
    joined_on = serializers.DateField(required=False, help_text="Defaults to today")
    representatives = TenantPrimaryKeyField(Representative, many=True, required=False)


class CouncilSeatViewSet(mixins.RetrieveModelMixin, TenantViewSet):
    """Seat an organization on a council, change its role or representatives, or record that it left.

    An organization of another workspace cannot be seated; a council seats only the organization types it is
    for (employers and industry associations on the industry council, partners on the other).
    """

    serializer_class = SeatOutputSerializer
    tenant_model = CouncilSeat
    permissions = {
        "create": Action.COUNCIL_MANAGE,
        "retrieve": Action.COUNCIL_MANAGE,
        "partial_update": Action.COUNCIL_MANAGE,
    }

    def get_object(self) -> CouncilSeat:
        return selectors.seat_get(convener=self.convener, seat_id=self.kwargs["pk"])

    def _output(self, seat: CouncilSeat, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.seat_get(convener=self.convener, seat_id=seat.pk)
        return Response(SeatOutputSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=SeatCreateSerializer, responses={201: SeatOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SeatCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.setdefault("joined_on", timezone.localdate())
        seat = services.council_seat_add(convener=self.convener, actor=self.membership.user, **values)
        return self._output(seat, status.HTTP_201_CREATED)

    @extend_schema(request=SeatUpdateSerializer(partial=True), responses=SeatOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        seat = self.get_object()
        data = SeatUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        given = data.validated_data
        seat = services.council_seat_update(
            convener=self.convener, actor=self.membership.user, seat=seat,
            seat_role=given.get("seat_role", seat.seat_role),
            representatives=given["representatives"] if "representatives" in given else seat.representatives.all(),
            left_on=given.get("left_on", seat.left_on),  # an explicit null reopens the seat
        )
        return self._output(seat)


# ---------------------------------------------------------------------------------------------------
# Meetings, attendance, .ics
# ---------------------------------------------------------------------------------------------------
class MeetingOutputSerializer(serializers.ModelSerializer):
    council = CouncilBriefSerializer(read_only=True)
    organizations_present = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "council", "title", "starts_at", "ends_at", "location", "online_link", "agenda", "minutes",
                  "decisions", "status", "organizations_present", "created_at"]


class MeetingUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = CalendarDateTimeField()
    ends_at = CalendarDateTimeField()
    location = serializers.CharField(max_length=200, allow_blank=True)
    online_link = serializers.URLField(allow_blank=True)
    agenda = serializers.CharField(allow_blank=True)
    minutes = serializers.CharField(allow_blank=True)
    decisions = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Meeting.Status.choices)


class MeetingCreateSerializer(serializers.Serializer):
    council = TenantPrimaryKeyField(Council)
    title = serializers.CharField(max_length=200)
    starts_at = CalendarDateTimeField()
    ends_at = CalendarDateTimeField(required=False, help_text="Defaults to 90 minutes after the start")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online_link = serializers.URLField(required=False, allow_blank=True)
    agenda = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Meeting.Status.choices, required=False)


class AttendanceOutputSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    representative = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendance
        fields = ["id", "organization", "representative", "present", "recorded_at"]

    @extend_schema_field(RepresentativeBriefSerializer(allow_null=True))
    def get_representative(self, row: MeetingAttendance) -> dict[str, Any] | None:
        if row.representative is None or not _sees_contacts(self.context):
            return None
        return RepresentativeBriefSerializer(row.representative).data  # type: ignore[return-value]


class AttendanceInputSerializer(serializers.Serializer):
    """Who was there. Replaces the meeting's attendance; empty lists mean nobody came."""

    present_representatives = TenantPrimaryKeyField(Representative, many=True, required=False, default=list)
    present_organizations = TenantPrimaryKeyField(
        Organization, many=True, required=False, default=list,
        help_text="Organizations present without a named person",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = self.initial_data if isinstance(self.initial_data, dict) else {}
        if "present_representatives" not in given and "present_organizations" not in given:
            raise serializers.ValidationError(
                "Say who was present: present_representatives and/or present_organizations "
                "(an empty list means nobody came)."
            )
        return attrs


class MarkOwnAttendanceInputSerializer(serializers.Serializer):
    present = serializers.BooleanField(default=True)


class MarkOwnAttendanceOutputSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    present = serializers.BooleanField()
    representative = RepresentativeBriefSerializer(allow_null=True)


class ICalendarRenderer(BaseRenderer):
    """Lets a calendar client ask for text/calendar; the .ics body itself is returned as a plain response."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # Only error bodies reach here (a 403 or 404 asked for as text/calendar): plain JSON text.
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Council meetings: scheduling, minutes and decisions, attendance, and an iCalendar download."""

    serializer_class = MeetingOutputSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["title", "agenda", "location"]
    ordering_fields = ["starts_at", "title", "created_at"]
    tenant_model = Meeting
    permissions = {
        "list": Action.MEETING_VIEW,
        "retrieve": Action.MEETING_VIEW,
        "attendance": Action.MEETING_VIEW,
        "ics": Action.MEETING_VIEW,
        "create": Action.MEETING_MANAGE,
        "partial_update": Action.MEETING_MANAGE,
        "record_attendance": Action.MEETING_MANAGE,
        "mark_own_attendance": Action.ATTENDANCE_MARK_OWN,
    }

    def get_queryset(self) -> Any:
        return selectors.meeting_list(convener=self.convener, membership=self.membership)

    def _output(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.meeting_get(convener=self.convener, membership=self.membership, meeting_id=meeting.pk)
        return Response(MeetingOutputSerializer(fresh).data, status=code)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(convener=self.convener, actor=self.membership.user, **data.validated_data)
        return self._output(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingUpdateSerializer(partial=True), responses=MeetingOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        data = MeetingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_update(
            convener=self.convener, actor=self.membership.user, meeting=meeting, **data.validated_data
        )
        return self._output(meeting)

    def _attendance(self, meeting: Meeting) -> Response:
        rows = selectors.meeting_attendance(convener=self.convener, meeting=meeting)
        return Response(AttendanceOutputSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses=AttendanceOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Who came, by organization and by person."""
        return self._attendance(self.get_object())

    @extend_schema(request=AttendanceInputSerializer, responses=AttendanceOutputSerializer(many=True))
    @attendance.mapping.post
    def record_attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record who was present (replacing what was recorded). Only organizations seated on the council on
        the meeting date can be recorded; a meeting whose attendance is taken counts as held."""
        meeting = self.get_object()
        data = AttendanceInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.meeting_record_attendance(
            convener=self.convener, actor=self.membership.user, meeting=meeting, **data.validated_data
        )
        return self._attendance(meeting)

    @extend_schema(request=MarkOwnAttendanceInputSerializer, responses=MarkOwnAttendanceOutputSerializer)
    @action(detail=True, methods=["post"], url_path="mark-own-attendance")
    def mark_own_attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """An employer representative or case manager says they were (or were not) there."""
        meeting = self.get_object()
        data = MarkOwnAttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        present = data.validated_data["present"]
        row = services.attendance_mark_own(
            convener=self.convener, actor=self.membership.user, membership=self.membership, meeting=meeting,
            present=present,
        )
        return Response(MarkOwnAttendanceOutputSerializer(
            {"meeting": meeting.pk, "present": present, "representative": row.representative if row else None}
        ).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, ICalendarRenderer])
    def ics(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The meeting as an iCalendar (RFC 5545) file, to add to a calendar."""
        meeting = self.get_object()
        try:
            page = reverse("partnerships:meeting-detail",
                           kwargs={"convener_slug": self.convener.slug, "meeting_id": meeting.pk})
            url = request.build_absolute_uri(page)
        except NoReverseMatch:
            url = ""
        response = HttpResponse(meeting_ics(meeting, url=url), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


# ---------------------------------------------------------------------------------------------------
# Action items
# ---------------------------------------------------------------------------------------------------
class MeetingBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "starts_at"]


class OwnerRepresentativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Representative
        fields = ["id", "full_name", "organization"]


class ActionItemOutputSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)
    meeting = MeetingBriefSerializer(read_only=True, allow_null=True)
    owner_representative = OwnerRepresentativeSerializer(read_only=True, allow_null=True)
    owner_user = UserBriefSerializer(read_only=True, allow_null=True)
    owner_label = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "partnership", "meeting", "title", "details", "owner_representative", "owner_user",
                  "owner_label", "due_on", "status", "completed_on", "is_overdue", "created_at"]

    def get_is_overdue(self, item: ActionItem) -> bool:
        return item.status in filters.OPEN_STATUSES and item.due_on < timezone.localdate()


class ActionItemUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    details = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionItem.Status.choices)
    owner_representative = TenantPrimaryKeyField(Representative, allow_null=True)
    owner_user = MemberUserField(allow_null=True, help_text="A member of this workspace")


class ActionItemCreateSerializer(serializers.Serializer):
    partnership = TenantPrimaryKeyField(Partnership)
    meeting = TenantPrimaryKeyField(Meeting, required=False, allow_null=True,
                                    help_text="The meeting it came from; the due date cannot be before it")
    title = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.DateField()
    owner_representative = TenantPrimaryKeyField(Representative, required=False, allow_null=True)
    owner_user = MemberUserField(required=False, allow_null=True, help_text="A member of this workspace")


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Follow-ups from council meetings, listed across partnerships: filter by status, overdue, owner, meeting."""

    serializer_class = ActionItemOutputSerializer
    filterset_class = filters.ActionItemFilter
    search_fields = ["title", "details"]
    ordering_fields = ["due_on", "created_at", "status"]
    tenant_model = ActionItem
    permissions = {
        "list": Action.ACTION_ITEM_VIEW,
        "retrieve": Action.ACTION_ITEM_VIEW,
        "create": Action.ACTION_ITEM_MANAGE,
        "partial_update": Action.ACTION_ITEM_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.action_item_list(convener=self.convener, membership=self.membership)

    def _output(self, item: ActionItem, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.action_item_get(convener=self.convener, membership=self.membership, action_item_id=item.pk)
        return Response(ActionItemOutputSerializer(fresh).data, status=code)

    @extend_schema(request=ActionItemCreateSerializer, responses={201: ActionItemOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ActionItemCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        item = services.action_item_create(convener=self.convener, actor=self.membership.user, **data.validated_data)
        return self._output(item, status.HTTP_201_CREATED)

    @extend_schema(request=ActionItemUpdateSerializer(partial=True), responses=ActionItemOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        data = ActionItemUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        item = services.action_item_update(
            convener=self.convener, actor=self.membership.user, item=item, **data.validated_data
        )
        return self._output(item)


# ---------------------------------------------------------------------------------------------------
# Engagement (stored figures, recomputed by Celery after attendance changes and nightly)
# ---------------------------------------------------------------------------------------------------
class EngagementOutputSerializer(serializers.ModelSerializer):
    organization = SeatedOrganizationSerializer(read_only=True)
    council = CouncilBriefSerializer(read_only=True)

    class Meta:
        model = EmployerEngagement
        fields = ["id", "organization", "council", "meetings_considered", "meetings_attended", "attendance_rate",
                  "last_activity_on", "is_drifting", "drift_reasons", "computed_at"]


class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Employers' engagement on industry councils: attendance rate over the last N meetings, last activity,
    and whether the employer is drifting away (with the reasons). Drifting employers come first."""

    serializer_class = EngagementOutputSerializer
    filterset_class = filters.EngagementFilter
    ordering_fields = ["attendance_rate", "last_activity_on"]
    tenant_model = EmployerEngagement
    permissions = {"list": Action.ENGAGEMENT_VIEW, "retrieve": Action.ENGAGEMENT_VIEW}

    def get_queryset(self) -> Any:
        return selectors.engagement_list(convener=self.convener)

"""Directory API: organizations, their representatives, partnerships and goals; and the NAICS code search.

Writes go through ``partnerships.services``; rows come from ``partnerships.selectors``. Input serializers
check the shape of a request, the services check the rules, and either way an error is a 400 on its field.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partnerships import selectors, services
from partnerships.api import filters
from partnerships.api.base import TenantViewSet
from partnerships.api.serializers import MemberUserField, OrganizationBriefSerializer, TenantPrimaryKeyField
from partnerships.industry import naics_search, naics_title
from partnerships.models import Organization, Partnership, PartnershipGoal, Representative
from partnerships.permissions import Action
from partnerships.roles import OrganizationType


# ---------------------------------------------------------------------------------------------------
# NAICS 2022 (public reference data: outside any tenant)
# ---------------------------------------------------------------------------------------------------
class NaicsIndustrySerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class NaicsSearchView(APIView):
    """NAICS 2022 industries whose code starts with, or whose title contains, the query (the `naics` package)."""

    permission_classes = [IsAuthenticated]
    MAX_LIMIT = 50

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, help_text="Words of the industry title, or the code's first digits")
        limit = serializers.IntegerField(min_value=1, max_value=50, default=20)
        min_digits = serializers.IntegerField(min_value=2, max_value=6, default=2,
                                              help_text="Only codes this specific or more (6: national industries)")

    @extend_schema(parameters=[QuerySerializer], responses=NaicsIndustrySerializer(many=True))
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = naics_search(query.validated_data["q"].replace("\x00", ""), limit=query.validated_data["limit"],
                            min_digits=query.validated_data["min_digits"])
        return Response(NaicsIndustrySerializer([{"code": c, "title": t} for c, t in hits], many=True).data)


# ---------------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------------
class OrganizationOutputSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    naics_title = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "org_type", "size_band", "naics_code", "naics_title", "ein", "website", "city",
                  "state", "notes", "member_count", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_naics_title(self, organization: Organization) -> str | None:
        return naics_title(organization.naics_code) if organization.naics_code else None


class OrganizationInputSerializer(serializers.Serializer):
    """Shape only: duplicates (same normalized name or EIN), NAICS codes and EINs are checked by the service."""

    name = serializers.CharField(max_length=200)
    org_type = serializers.ChoiceField(choices=OrganizationType.choices)
    size_band = serializers.ChoiceField(choices=Organization.SizeBand.choices, required=False, allow_blank=True)
    naics_code = serializers.CharField(max_length=6, required=False, allow_blank=True,
                                       help_text="NAICS 2022 code (employers); find one with /api/v1/naics/?q=")
    ein = serializers.CharField(max_length=12, required=False, allow_blank=True, help_text="12-3456789")
    website = serializers.URLField(required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The convener's directory of organizations: employers, colleges, agencies, funders..."""

    serializer_class = OrganizationOutputSerializer
    filterset_class = filters.OrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    tenant_model = Organization
    permissions = {
        "list": Action.ORGANIZATION_VIEW,
        "retrieve": Action.ORGANIZATION_VIEW,
        "create": Action.ORGANIZATION_MANAGE,
        "partial_update": Action.ORGANIZATION_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.organization_list(convener=self.convener)

    def _output(self, organization: Organization, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.organization_get(convener=self.convener, organization_id=organization.pk)
        return Response(OrganizationOutputSerializer(fresh).data, status=code)

    @extend_schema(request=OrganizationInputSerializer, responses={201: OrganizationOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = OrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(
            convener=self.convener, actor=self.membership.user, **data.validated_data
        )
        return self._output(organization, status.HTTP_201_CREATED)

    @extend_schema(request=OrganizationInputSerializer(partial=True), responses=OrganizationOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = self.get_object()
        data = OrganizationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organization = services.organization_update(
            convener=self.convener, actor=self.membership.user, organization=organization, **data.validated_data
        )
        return self._output(organization)


# ---------------------------------------------------------------------------------------------------
# Representatives (named contacts of organizations)
# ---------------------------------------------------------------------------------------------------
class RepresentativeOutputSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Representative
        fields = ["id", "organization", "full_name", "title", "email", "phone", "user", "user_email", "is_active",
                  "created_at"]


class RepresentativeUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    user = MemberUserField(required=False, allow_null=True, help_text="The portal user this person signs in as")
    is_active = serializers.BooleanField(required=False)


class RepresentativeCreateSerializer(RepresentativeUpdateSerializer):
    organization = TenantPrimaryKeyField(Organization)


class RepresentativeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """People who represent an organization on councils; a representative may be linked to a portal user."""

    serializer_class = RepresentativeOutputSerializer
    filterset_class = filters.RepresentativeFilter
    search_fields = ["full_name", "email", "title"]
    ordering_fields = ["full_name", "created_at"]
    tenant_model = Representative
    permissions = {
        "list": Action.ORGANIZATION_VIEW,
        "retrieve": Action.ORGANIZATION_VIEW,
        "create": Action.ORGANIZATION_MANAGE,
        "partial_update": Action.ORGANIZATION_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.representative_list(convener=self.convener)

    def _output(self, representative: Representative, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.representative_get(convener=self.convener, representative_id=representative.pk)
        return Response(RepresentativeOutputSerializer(fresh).data, status=code)

    @extend_schema(request=RepresentativeCreateSerializer, responses={201: RepresentativeOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RepresentativeCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        representative = services.representative_create(
            convener=self.convener, actor=self.membership.user, **data.validated_data
        )
        return self._output(representative, status.HTTP_201_CREATED)

    @extend_schema(request=RepresentativeUpdateSerializer(partial=True), responses=RepresentativeOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        representative = self.get_object()
        data = RepresentativeUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        representative = services.representative_update(
            convener=self.convener, actor=self.membership.user, representative=representative, **data.validated_data
        )
        return self._output(representative)


# ---------------------------------------------------------------------------------------------------
# Partnerships, their goals, and the council mix
# ---------------------------------------------------------------------------------------------------
class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnershipGoal
        fields = ["id", "description", "target_value", "unit", "target_date"]


class GoalInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    target_value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)


class PartnershipOutputSerializer(serializers.ModelSerializer):
    """The partnership's profile: what every role that sees the partnership may read, funders included."""

    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "name", "industry_naics", "industry_label", "region", "state", "counties", "metro_area",
                  "status", "start_date", "summary", "engagement_window", "goals", "created_at"]


class PartnershipInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    industry_naics = serializers.CharField(max_length=6, required=False, allow_blank=True,
                                           help_text="NAICS 2022 sector or subsector (2 to 4 digits)")
    industry_label = serializers.CharField(max_length=120, required=False, allow_blank=True)
    region = serializers.CharField(max_length=200, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    counties = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=300)
    metro_area = serializers.CharField(max_length=120, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Partnership.Status.choices, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    engagement_window = serializers.IntegerField(min_value=1, max_value=24, required=False,
                                                 help_text="How many recent meetings an attendance rate covers")


class CouncilMixEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    count = serializers.IntegerField()


class CouncilMixSerializer(serializers.Serializer):
    """Counts only, never names: funders see this."""

    employers_by_size = CouncilMixEntrySerializer(many=True)
    partners_by_type = CouncilMixEntrySerializer(many=True)


GOAL_ID = OpenApiParameter("partnershipgoal_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A goal id")


class PartnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Industry partnerships. Funders see the ones granted to them; partners the ones they sit on."""

    serializer_class = PartnershipOutputSerializer
    filterset_class = filters.PartnershipFilter
    search_fields = ["name", "region", "industry_label"]
    ordering_fields = ["name", "start_date"]
    tenant_model = Partnership
    permissions = {
        "list": Action.PARTNERSHIP_VIEW,
        "retrieve": Action.PARTNERSHIP_VIEW,
        "council_mix": Action.PARTNERSHIP_VIEW,
        "goals": Action.PARTNERSHIP_VIEW,
        "create": Action.PARTNERSHIP_MANAGE,
        "partial_update": Action.PARTNERSHIP_MANAGE,
        "add_goal": Action.PARTNERSHIP_MANAGE,
        "remove_goal": Action.PARTNERSHIP_MANAGE,
    }

    def get_queryset(self) -> Any:
        # Goals are prefetched through the partnership, which pins them to the tenant.
        return selectors.partnership_list(convener=self.convener, membership=self.membership).prefetch_related(
            "goals"
        )

    def _output(self, partnership: Partnership, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=partnership.pk).first()
        return Response(PartnershipOutputSerializer(fresh).data, status=code)

    @extend_schema(request=PartnershipInputSerializer, responses={201: PartnershipOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A partnership, with its industry council and workforce-partners council."""
        data = PartnershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        partnership = services.partnership_create(
            convener=self.convener, actor=self.membership.user, **data.validated_data
        )
        return self._output(partnership, status.HTTP_201_CREATED)

    @extend_schema(request=PartnershipInputSerializer(partial=True), responses=PartnershipOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.get_object()
        data = PartnershipInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        partnership = services.partnership_update(
            convener=self.convener, actor=self.membership.user, partnership=partnership, **data.validated_data
        )
        return self._output(partnership)

    @extend_schema(responses=CouncilMixSerializer)
    @action(detail=True, methods=["get"], url_path="council-mix")
    def council_mix(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Current council members at a glance: employers by size band, partners by type. Counts only."""
        mix = selectors.council_mix(convener=self.convener, partnership=self.get_object())
        return Response(CouncilMixSerializer(mix).data)

    @extend_schema(responses=GoalSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="goals", pagination_class=None)
    def goals(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goals = selectors.goal_list(convener=self.convener, partnership=self.get_object())
        return Response(GoalSerializer(goals, many=True).data)

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    @goals.mapping.post
    def add_goal(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.get_object()
        data = GoalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = services.partnership_goal_add(
            convener=self.convener, actor=self.membership.user, partnership=partnership, **data.validated_data
        )
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[GOAL_ID], request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path="goals/<int:partnershipgoal_id>", url_name="goal")
    def remove_goal(self, request: Request, *args: Any, partnershipgoal_id: int, **kwargs: Any) -> Response:
        partnership = self.get_object()
        goal = selectors.goal_list(convener=self.convener, partnership=partnership).filter(
            pk=partnershipgoal_id
        ).first()
        if goal is None:
            raise NotFound()
        services.partnership_goal_remove(convener=self.convener, actor=self.membership.user, goal=goal)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Employer-demand API: surveys, skill needs, competencies, demand snapshots and runs, CSV export; and the
public SOC occupation search and O*NET skills list.

Rows come from ``employers.selectors`` (which narrow an employer to its own entries and suppress small cells
for employers and funders); writes go through ``employers.services``. Nothing here aggregates.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from employers import selectors, services
from employers.api import filters
from employers.api import serializers as s
from employers.market import market_position, market_wage
from employers.models import Competency, DemandRun, DemandSnapshot, DemandSurvey, SkillNeed
from partnerships.api.base import TenantViewSet
from partnerships.models import Organization, Partnership
from partnerships.permissions import Action
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.selectors import partnership_get

PARTNERSHIP_ID = OpenApiParameter("partnership_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _object_body(request: Request) -> Mapping[str, Any]:
    """The JSON body, which must be an object (an array, string or null is a 400, not a TypeError)."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["Invalid data. Expected an object."]})
    return request.data


# ---------------------------------------------------------------------------------------------------
# Public reference data: SOC occupations and O*NET skills (outside any tenant, signed-in users only)
# ---------------------------------------------------------------------------------------------------
class OccupationSearchView(APIView):
    """Detailed SOC 2018 occupations whose code starts with, or whose title contains, the query."""

    permission_classes = [IsAuthenticated]

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, help_text="Words of the title (welders) or the code (51-41)")
        limit = serializers.IntegerField(min_value=1, max_value=50, default=20)

    @extend_schema(parameters=[QuerySerializer], responses=s.OccupationSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = selectors.occupation_search(query=query.validated_data["q"].replace("\x00", ""),
                                           limit=query.validated_data["limit"])
        return Response(s.OccupationSerializer(hits, many=True).data)


class SkillListView(ListAPIView):
    """O*NET's 35 basic and cross-functional skills (O*NET 30, U.S. Department of Labor, CC BY 4.0)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.SkillSerializer
    filterset_class = filters.SkillFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name"]

    def get_queryset(self) -> Any:
        return selectors.skill_list()


# ---------------------------------------------------------------------------------------------------
# Competencies (each tenant's own)
# ---------------------------------------------------------------------------------------------------
class CompetencyViewSet(mixins.ListModelMixin, TenantViewSet):
    """Competencies the convener defines for its partnerships, used beside O*NET skills in needs."""

    serializer_class = s.CompetencySerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    tenant_model = Competency
    permissions = {"list": Action.NEED_VIEW, "create": Action.SURVEY_MANAGE}

    def get_queryset(self) -> Any:
        return selectors.competency_list(convener=self.convener)

    @extend_schema(request=s.CompetencyInputSerializer, responses={201: s.CompetencySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CompetencyInputSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        competency = services.competency_create(convener=self.convener, actor=self.membership.user,
                                                **data.validated_data)
        return Response(s.CompetencySerializer(competency).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------------
class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Demand survey cycles. Convener staff open and edit them; invited employers see theirs."""

    serializer_class = s.SurveyOutputSerializer
    filterset_class = filters.SurveyFilter
    search_fields = ["title"]
    ordering_fields = ["opens_on", "closes_on"]
    tenant_model = DemandSurvey
    permissions = {
        "list": Action.SURVEY_VIEW,
        "retrieve": Action.SURVEY_VIEW,
        "create": Action.SURVEY_MANAGE,
        "partial_update": Action.SURVEY_MANAGE,
        "responses": Action.SURVEY_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.survey_list(convener=self.convener, membership=self.membership)

    def _output(self, survey: DemandSurvey, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.survey_get(convener=self.convener, membership=self.membership, survey_id=survey.pk)
        return Response(s.SurveyOutputSerializer(fresh).data, status=code)

    @extend_schema(request=s.SurveyCreateSerializer, responses={201: s.SurveyOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a survey cycle; every employer seated on the partnership's industry council is invited."""
        data = s.SurveyCreateSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        survey = services.survey_open(convener=self.convener, actor=self.membership.user, **data.validated_data)
        return self._output(survey, status.HTTP_201_CREATED)

    @extend_schema(request=s.SurveyUpdateSerializer, responses=s.SurveyOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        survey = self.get_object()
        data = s.SurveyUpdateSerializer(data=_object_body(request), partial=True)
        data.is_valid(raise_exception=True)
        survey = services.survey_update(convener=self.convener, actor=self.membership.user, survey=survey,
                                        **data.validated_data)
        return self._output(survey)

    @extend_schema(responses=s.SurveyResponseSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def responses(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Who was invited, who answered (and when) and who did not."""
        rows = selectors.survey_responses(convener=self.convener, survey=self.get_object())
        return Response(s.SurveyResponseSerializer(rows, many=True).data)


# ---------------------------------------------------------------------------------------------------
# Skill needs
# ---------------------------------------------------------------------------------------------------
def _need_input(need: SkillNeed) -> dict[str, Any]:
    """A stored need in the input shape, so a partial update can overlay only what the caller sent."""
    data: dict[str, Any] = {field: getattr(need, field) for field in services.NEED_FIELDS}
    data.update(
        occupation=need.occupation.soc_code,
        quarters=[{"quarter": q.quarter, "new_positions": q.new_positions, "replacements": q.replacements}
                  for q in need.quarters.all()],
        skills=[skill.pk for skill in need.skills.all()],
        competencies=[c.pk for c in need.competencies.all()],
        credentials=[{"name": c.name, "ctdl_type": c.ctdl_type} for c in need.credentials.all()],
    )
    return data


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Skill needs. An employer representative sees and enters its own employer's needs only; convener staff
    see all of them and confirm submitted ones. Funders and partners see the aggregate, never a need."""

    serializer_class = s.NeedOutputSerializer
    filterset_class = filters.NeedFilter
    ordering_fields = ["updated_at", "occupation__soc_code"]
    tenant_model = SkillNeed
    permissions = {
        "list": Action.NEED_VIEW,
        "retrieve": Action.NEED_VIEW,
        "create": Action.NEED_EDIT,
        "partial_update": Action.NEED_EDIT,
        "destroy": Action.NEED_EDIT,
        "submit": Action.NEED_EDIT,
        "confirm": Action.NEED_CONFIRM,
    }

    def get_queryset(self) -> Any:
        return selectors.need_list(convener=self.convener, membership=self.membership)

    def _output(self, need: SkillNeed, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.need_get(convener=self.convener, membership=self.membership, need_id=need.pk)
        return Response(s.NeedOutputSerializer(fresh).data, status=code)

    def _save(self, data: dict[str, Any], *, survey: DemandSurvey, employer: Organization,
              need: SkillNeed | None = None) -> SkillNeed:
        quarters = {q["quarter"]: (q["new_positions"], q["replacements"]) for q in data.pop("quarters")}
        credentials = [(c["name"], c["ctdl_type"]) for c in data.pop("credentials", [])]
        return services.skill_need_save(
            convener=self.convener, actor=self.membership.user, membership=self.membership, survey=survey,
            employer=employer, need=need, quarters=quarters, credentials=credentials, **data,
        )

    @extend_schema(request=s.NeedInputSerializer, responses={201: s.NeedOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.NeedInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        survey = values.pop("survey")
        employer = values.pop("employer", None)
        if employer is None:
            if self.membership.role != Role.EMPLOYER_REP or self.membership.organization is None:
                raise ValidationError({"employer": ["Name the employer this need belongs to."]})
            employer = self.membership.organization
        need = self._save(values, survey=survey, employer=employer)
        return self._output(need, status.HTTP_201_CREATED)

    @extend_schema(request=s.NeedUpdateSerializer(partial=True), responses=s.NeedOutputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        need = self.get_object()
        body = _object_body(request)
        data = s.NeedUpdateSerializer(data={**_need_input(need), **body}, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        need = self._save(dict(data.validated_data), survey=need.survey, employer=need.employer, need=need)
        return self._output(need)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete a draft (convener staff may delete any need)."""
        services.skill_need_delete(convener=self.convener, actor=self.membership.user, membership=self.membership,
                                   need=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.NeedOutputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit a draft to the convener (while the survey is open)."""
        need = services.skill_need_submit(convener=self.convener, actor=self.membership.user,
                                          membership=self.membership, need=self.get_object())
        return self._output(need)

    @extend_schema(request=None, responses=s.NeedOutputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Convener staff confirm a submitted need."""
        need = services.skill_need_confirm(convener=self.convener, actor=self.membership.user,
                                           need=self.get_object())
        return self._output(need)


# ---------------------------------------------------------------------------------------------------
# Demand of one partnership: snapshots (versions), the caller's view of the current one, CSV, runs
# ---------------------------------------------------------------------------------------------------
class CSVRenderer(renderers.BaseRenderer):
    """text/csv for the export; errors (a dict) are written as their text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return str(data if isinstance(data, str) else renderers.JSONRenderer().render(data).decode()).encode()


class PartnershipDemandMixin:
    """The partnership of the URL, as the caller may see it (404 for one it may not)."""

    kwargs: dict[str, Any]

    def partnership(self) -> Partnership:
        cached = getattr(self, "_partnership", None)
        if cached is None:
            cached = partnership_get(convener=self.convener, membership=self.membership,  # type: ignore[attr-defined]
                                     partnership_id=int(self.kwargs["partnership_id"]))
            self._partnership = cached
        return cached


@extend_schema(parameters=[PARTNERSHIP_ID])
class DemandSnapshotViewSet(PartnershipDemandMixin, mixins.ListModelMixin, TenantViewSet):
    """Stored, versioned demand of a partnership. Figures are suppressed below 3 employers for anyone but
    convener staff; an employer never sees another employer's entries here, only aggregates."""

    serializer_class = s.SnapshotSerializer
    ordering_fields = ["version", "computed_at"]
    tenant_model = DemandSnapshot
    permissions = {
        "list": Action.DEMAND_VIEW,
        "retrieve": Action.DEMAND_VIEW,
        "current": Action.DEMAND_VIEW,
        "export": Action.DEMAND_VIEW,
    }

    def get_queryset(self) -> Any:
        return selectors.snapshot_list(convener=self.convener, partnership=self.partnership()).select_related(
            "partnership")

    def _view(self, snapshot: DemandSnapshot | None) -> dict[str, Any]:
        data = selectors.demand_for_viewer(snapshot=snapshot, membership=self.membership)
        if data is None:
            raise NotFound("No demand has been computed for this partnership yet.")
        return data

    @extend_schema(responses=s.DemandViewSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One version's figures, as the caller may see them."""
        snapshot = selectors.snapshot_list(convener=self.convener, partnership=self.partnership()).filter(
            pk=kwargs["pk"]).defer(None).first()
        return Response(self._view(snapshot))

    @extend_schema(responses=s.DemandViewSerializer)
    @action(detail=False, methods=["get"])
    def current(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The latest version's figures, as the caller may see them."""
        snapshot = selectors.snapshot_current(convener=self.convener, partnership=self.partnership())
        return Response(self._view(snapshot))

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")})
    @action(detail=False, methods=["get"], url_path="current/export",
            renderer_classes=[CSVRenderer, renderers.JSONRenderer])
    def export(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The latest version's figures as CSV, exactly as the caller may see them (suppressed cells say so)."""
        from employers.exports import demand_csv

        partnership = self.partnership()
        data = self._view(selectors.snapshot_current(convener=self.convener, partnership=partnership))
        response = HttpResponse(demand_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="demand-{partnership.pk}-v{data["version"]}.csv"'
        return response


@extend_schema(parameters=[PARTNERSHIP_ID])
class DemandRunViewSet(PartnershipDemandMixin, mixins.ListModelMixin, TenantViewSet):
    """Aggregation runs of a partnership (status and progress); convener staff request a fresh one."""

    serializer_class = s.RunSerializer
    filterset_class = filters.RunFilter
    ordering_fields = ["requested_at"]
    tenant_model = DemandRun
    permissions = {
        "list": Action.DEMAND_VIEW,
        "latest": Action.DEMAND_VIEW,
        "refresh": Action.DEMAND_REFRESH,
    }

    def get_queryset(self) -> Any:
        return selectors.run_list(convener=self.convener, partnership=self.partnership())

    def _output(self, run: DemandRun, code: int = status.HTTP_200_OK) -> Response:
        data = s.RunSerializer(run).data
        if self.membership.role not in CONVENER_ROLES:
            data["error"] = ""  # the text of a failure is for convener staff
        return Response(data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        if self.membership.role not in CONVENER_ROLES:
            for row in response.data["results"]:
                row["error"] = ""
        return response

    @extend_schema(responses=s.RunSerializer)
    @action(detail=False, methods=["get"])
    def latest(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The latest run: queued, running (with progress), succeeded, failed or skipped."""
        run = selectors.run_latest(convener=self.convener, partnership=self.partnership())
        if run is None:
            raise NotFound("Demand has never been aggregated for this partnership.")
        return self._output(run)

    @extend_schema(request=None, responses={202: s.RunSerializer})
    @action(detail=False, methods=["post"])
    def refresh(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Aggregate now. A run already queued is reused, so repeated requests give one run."""
        run = services.demand_aggregate_request(convener=self.convener, partnership=self.partnership(),
                                                trigger="api", countdown=0)
        return self._output(run, status.HTTP_202_ACCEPTED)


@extend_schema(parameters=[PARTNERSHIP_ID])
class MarketWageViewSet(PartnershipDemandMixin, TenantViewSet):
    """Where an hourly wage sits among the OEWS wages of an occupation in the partnership's labor-market area."""

    tenant_model = Partnership
    permissions = {"list": Action.DEMAND_VIEW}
    serializer_class = s.MarketWageSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(parameters=[s.MarketWageQuerySerializer], responses=s.MarketWageSerializer)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.partnership()  # first: another tenant's id is a 404 whatever the query says
        query = s.MarketWageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        occupation = selectors.occupation_get(soc_code=query.validated_data["soc"])
        area = partnership.labor_market_area
        if area is None:
            raise NotFound("This partnership has no labor-market area yet; a convener sets one.")
        market = market_wage(area=area, occupation=occupation)
        if market is None:
            raise NotFound(f"OEWS publishes no wages for {occupation.title} in {area.name}.")
        wage: Decimal | None = query.validated_data.get("wage")
        position = market_position(wage=wage, market=market) if wage is not None else None
        return Response(s.MarketWageSerializer({
            "area": area.name, "occupation": occupation,
            **{f: getattr(market, f) for f in ("hourly_p10", "hourly_p25", "hourly_median", "hourly_p75",
                                               "hourly_p90")},
            "wage": wage, "percentile": position.percentile if position else None,
            "below_p10": position.below_p10 if position else None,
            "above_p90": position.above_p90 if position else None,
            "sentence": position.sentence(occupation, area) if position else "",
        }).data)

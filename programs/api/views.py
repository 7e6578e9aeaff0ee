"""Programs API: the catalogue, cohorts with their figures and host employers, session days and attendance,
rosters, credentials and measurable skill gains; and the public list of funding streams.

Who sees what (DOMAIN.md §2) is decided by ``programs.selectors``: convener staff see everything; provider staff
the programs their organization provides, their cohorts and rosters; employer representatives the cohorts they
host, as counts (never a roster); case managers the cohorts open to referrals; funders the catalogue only. The
permission map refuses the rest with 403; a cohort the caller may not see is a 404. Writes go through
``programs.services``, which validate everything before writing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api.base import TenantViewSet
from partnerships.permissions import Action
from partnerships.roles import Role
from programs import selectors, services
from programs.api import filters
from programs.api import serializers as s
from programs.models import (
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    Program,
    SkillGain,
)

COHORT_ID = OpenApiParameter("cohort_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _object_body(request: Request) -> Mapping[str, Any]:
    """The JSON body, which must be an object (an array, string or null is a 400, not a TypeError)."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["Invalid data. Expected an object."]})
    return request.data


def _renamed(exc: DjangoValidationError, names: Mapping[str, str]) -> DjangoValidationError:
    """A service's error with its field keys renamed to the API's (``occupation`` -> ``target_occupations``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


# ---------------------------------------------------------------------------------------------------
# Public reference data: funding streams (outside any tenant, signed-in users only)
# ---------------------------------------------------------------------------------------------------
class FundingStreamListView(ListAPIView):
    """Funding streams (SNAP E&T, TANF, WIOA, Pell...), the codes programs and services are paid from."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.FundingStreamSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["name"]

    def get_queryset(self) -> Any:
        return selectors.funding_stream_list()


# ---------------------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------------------
def _program_input(program: Program) -> dict[str, Any]:
    """A stored program in the input shape, so a partial update can overlay only what the caller sent. The
    credentials, requirements and wage steps are left out: the service keeps them unless new lists are given."""
    data: dict[str, Any] = {field: getattr(program, field) for field in services.PROGRAM_FIELDS}
    data.update(
        provider=program.provider_id,
        other_providers=[o.pk for o in program.other_providers.all()],
        target_occupations=[o.soc_code for o in program.target_occupations.all()],
        funding_streams=[f.code for f in program.funding_streams.all()],
    )
    return data


class ProgramViewSet(mixins.ListModelMixin, TenantViewSet):
    """The catalogue: type, providers, SOC targets, CTDL credentials, CIP code, length, cost, funding streams,
    entry requirements and apprenticeship wage steps. Convener staff keep it."""

    serializer_class = s.ProgramOutputSerializer
    filterset_class = filters.ProgramFilter
    ordering_fields = ["name", "created_at"]
    tenant_model = Program
    permissions = {
        "list": Action.PROGRAM_VIEW,
        "retrieve": Action.PROGRAM_VIEW,
        "create": Action.PROGRAM_MANAGE,
        "partial_update": Action.PROGRAM_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.program_list(convener=self.convener, membership=self.membership)

    def _get(self, pk: int) -> Program:
        return selectors.program_get(convener=self.convener, membership=self.membership, program_id=pk)

    def _output(self, program: Program, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.ProgramDetailSerializer(self._get(program.pk)).data, status=code)

    def _save(self, data: dict[str, Any], program: Program | None = None) -> Program:
        values = dict(data)
        try:
            return services.program_save(
                convener=self.convener, actor=self.membership.user, program=program,
                provider=values.pop("provider"), other_providers=values.pop("other_providers"),
                target_occupations=values.pop("target_occupations"), funding_streams=values.pop("funding_streams"),
                credentials=values.pop("credentials", None), requirements=values.pop("requirements", None),
                wage_steps=values.pop("wage_steps", None), **values,
            )
        except DjangoValidationError as exc:
            raise _renamed(exc, {"occupation": "target_occupations"}) from exc

    @extend_schema(responses=s.ProgramDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One program with its requirements and wage steps."""
        return Response(s.ProgramDetailSerializer(self._get(kwargs["pk"])).data)

    @extend_schema(request=s.ProgramInputSerializer, responses={201: s.ProgramDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ProgramInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._output(self._save(data.validated_data), status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgramInputSerializer(partial=True), responses=s.ProgramDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what is sent; a list sent (credentials, requirements, wage steps...) replaces the stored one."""
        program = self._get(kwargs["pk"])
        body = _object_body(request)
        data = s.ProgramInputSerializer(data={**_program_input(program), **body},
                                        context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._output(self._save(data.validated_data, program))


# ---------------------------------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------------------------------
def _cohort_input(cohort: Cohort) -> dict[str, Any]:
    data: dict[str, Any] = {field: getattr(cohort, field) for field in services.COHORT_FIELDS}
    data.update(program=cohort.program_id, partnership=cohort.partnership_id,
                target_occupation=cohort.target_occupation.soc_code if cohort.target_occupation else None)
    return data


class CohortViewSet(mixins.ListModelMixin, TenantViewSet):
    """Cohorts: runs of a program within a partnership, with seats, dates, schedule and status. The detail adds
    roster and attendance figures (counts only) and the host and partner employers with their commitments."""

    serializer_class = s.CohortOutputSerializer
    filterset_class = filters.CohortFilter
    ordering_fields = ["start_date", "name"]
    tenant_model = Cohort
    permissions = {
        "list": Action.COHORT_VIEW,
        "retrieve": Action.COHORT_VIEW,
        "create": Action.COHORT_MANAGE,
        "partial_update": Action.COHORT_MANAGE,
        "set_status": Action.COHORT_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.cohort_list(convener=self.convener, membership=self.membership)

    def _get(self, pk: int) -> Cohort:
        return selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=pk)

    def _output(self, cohort: Cohort, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._get(cohort.pk)
        rows = selectors.cohort_employers(convener=self.convener, cohort=fresh)
        if self.membership.role == Role.EMPLOYER_REP:
            # Its own row only, and no totals: another host's commitments are that employer's own plans.
            fresh.employer_rows = list(rows.filter(employer_id=self.membership.organization_id))  # type: ignore[attr-defined]
            fresh.commitments = None  # type: ignore[attr-defined]
        else:
            fresh.employer_rows = list(rows)  # type: ignore[attr-defined]
            fresh.commitments = selectors.cohort_commitments(convener=self.convener, cohort=fresh)  # type: ignore[attr-defined]
        fresh.figures = selectors.cohort_figures(convener=self.convener, cohort=fresh)  # type: ignore[attr-defined]
        return Response(s.CohortDetailSerializer(fresh).data, status=code)

    def _save(self, data: dict[str, Any], cohort: Cohort | None = None) -> Cohort:
        values = dict(data)
        employers = values.pop("employers", None)
        try:
            return services.cohort_save(
                convener=self.convener, actor=self.membership.user, cohort=cohort, program=values.pop("program"),
                partnership=values.pop("partnership"), target_occupation=values.pop("target_occupation", None) or None,
                demand_snapshot=values.pop("demand_snapshot", None), employers=employers, **values,
            )
        except DjangoValidationError as exc:
            raise _renamed(exc, {"occupation": "target_occupation"}) from exc

    @extend_schema(responses=s.CohortDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._output(self._get(kwargs["pk"]))

    @extend_schema(request=s.CohortInputSerializer, responses={201: s.CohortDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plan a cohort; its session days are laid out from the weekly pattern between its dates."""
        data = s.CohortInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._output(self._save(data.validated_data), status.HTTP_201_CREATED)

    @extend_schema(request=s.CohortUpdateSerializer(partial=True), responses=s.CohortDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what is sent. Session days follow new dates or a new pattern; days with attendance are kept."""
        cohort = self._get(kwargs["pk"])
        body = _object_body(request)
        data = s.CohortUpdateSerializer(data={**_cohort_input(cohort), **body}, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._output(self._save(data.validated_data, cohort))

    @extend_schema(request=s.CohortStatusSerializer, responses=s.CohortDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move the cohort on: planned, recruiting, in progress, completed (once everyone has completed or
        withdrawn) or cancelled."""
        cohort = self._get(kwargs["pk"])
        data = s.CohortStatusSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        cohort = services.cohort_set_status(convener=self.convener, actor=self.membership.user, cohort=cohort,
                                            status=data.validated_data["status"])
        return self._output(cohort)


class CohortChildMixin:
    """The cohort of the URL, as the caller may see it (404 for one it may not), fetched once per request."""

    kwargs: dict[str, Any]

    def cohort(self) -> Cohort:
        cached = getattr(self, "_cohort", None)
        if cached is None:
            cached = selectors.cohort_get(convener=self.convener, membership=self.membership,  # type: ignore[attr-defined]
                                          cohort_id=int(self.kwargs["cohort_id"]))
            self._cohort = cached
        return cached


# ---------------------------------------------------------------------------------------------------
# Host and partner employers of a cohort
# ---------------------------------------------------------------------------------------------------
@extend_schema(parameters=[COHORT_ID])
class CohortEmployerViewSet(CohortChildMixin, mixins.ListModelMixin, TenantViewSet):
    """The employers that host or partner on a cohort, with what each commits to (guaranteed interviews,
    planned hires, internship and OJT slots, tours, mock interviews). An employer representative sees its own
    row only."""

    serializer_class = s.CohortEmployerSerializer
    tenant_model = CohortEmployer
    permissions = {
        "list": Action.COHORT_VIEW,
        "create": Action.COHORT_MANAGE,
        "partial_update": Action.COHORT_MANAGE,
        "destroy": Action.COHORT_MANAGE,
    }

    def get_queryset(self) -> Any:
        rows = selectors.cohort_employers(convener=self.convener, cohort=self.cohort())
        if self.membership.role == Role.EMPLOYER_REP:
            rows = rows.filter(employer_id=self.membership.organization_id)
        return rows

    def _row(self, pk: int) -> CohortEmployer:
        row = self.get_queryset().filter(pk=pk).first()
        if row is None:
            raise NotFound()
        return row

    @extend_schema(request=s.CohortEmployerInputSerializer, responses={201: s.CohortEmployerSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add an employer to the cohort (or, if it is there already, replace its role and commitments)."""
        cohort = self.cohort()
        data = s.CohortEmployerInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        row = services.cohort_employer_save(convener=self.convener, actor=self.membership.user, cohort=cohort,
                                            **data.validated_data)
        return Response(s.CohortEmployerSerializer(self._row(row.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CohortEmployerUpdateSerializer(partial=True), responses=s.CohortEmployerSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self._row(kwargs["pk"])
        stored = {"kind": row.kind, **{f: getattr(row, f) for f in s.COMMITMENTS}}
        data = s.CohortEmployerUpdateSerializer(data={**stored, **_object_body(request)})
        data.is_valid(raise_exception=True)
        services.cohort_employer_save(convener=self.convener, actor=self.membership.user, cohort=self.cohort(),
                                      employer=row.employer, **data.validated_data)
        return Response(s.CohortEmployerSerializer(self._row(row.pk)).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.cohort_employer_remove(convener=self.convener, actor=self.membership.user,
                                        cohort_employer=self._row(kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------------------------------
# Session days and attendance
# ---------------------------------------------------------------------------------------------------
class AttendanceResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="Marks written or changed")
    marked = serializers.IntegerField(help_text="People with a mark that day")
    present = serializers.IntegerField(help_text="Present or late")


@extend_schema(parameters=[COHORT_ID])
class CohortSessionViewSet(CohortChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """A cohort's session days (laid out from its weekly pattern, plus days added by hand), each with how many
    people were marked and present. Attendance is kept per day by convener staff and the program's providers."""

    serializer_class = s.SessionOutputSerializer
    tenant_model = CohortSession
    permissions = {
        "list": Action.COHORT_VIEW,
        "retrieve": Action.COHORT_VIEW,
        "create": Action.ROSTER_MANAGE,
        "attendance": Action.ROSTER_VIEW,
        "record_attendance": Action.ROSTER_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.session_list(convener=self.convener, cohort=self.cohort())

    def _session(self, pk: int) -> CohortSession:
        session = self.get_queryset().filter(pk=pk).first()
        if session is None:
            raise NotFound()
        session.cohort = self.cohort()
        return session

    @extend_schema(request=s.SessionInputSerializer, responses={201: s.SessionOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a day outside the weekly pattern (a make-up day, a worksite tour), within the cohort's dates."""
        cohort = self.cohort()
        data = s.SessionInputSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        session = services.session_add(convener=self.convener, actor=self.membership.user,
                                       membership=self.membership, cohort=cohort, **data.validated_data)
        return Response(s.SessionOutputSerializer(self._session(session.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AttendanceRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The day's sheet: everyone holding (or who held) a seat that day, with the day's mark or null."""
        session = self._session(kwargs["pk"])
        rows = [{"enrollment": e.pk, "participant": e.participant, "enrollment_status": e.status, "status": mark}
                for e, mark in selectors.attendance_sheet(convener=self.convener, session=session)]
        page: Any = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(s.AttendanceRowSerializer(page, many=True).data)

    @extend_schema(request=s.MarksInputSerializer, responses=AttendanceResultSerializer)
    @attendance.mapping.post
    def record_attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark people present, late, excused or absent on the day, in one go: all the marks are written, or,
        if any is wrong (someone not on the roster, a day outside the cohort's dates or still to come), none."""
        session = self._session(kwargs["pk"])
        data = s.MarksInputSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        marks = data.validated_data["marks"]
        recorded = services.attendance_record_day(
            convener=self.convener, actor=self.membership.user, membership=self.membership, session=session,
            marks={m["enrollment"]: m["status"] for m in marks},
            hours={m["enrollment"]: m.get("hours") for m in marks},
        )
        fresh = self._session(session.pk)
        return Response(AttendanceResultSerializer({"recorded": recorded, "marked": fresh.marked,  # type: ignore[attr-defined]
                                                    "present": fresh.present}).data)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------
# Rosters
# ---------------------------------------------------------------------------------------------------
@extend_schema(parameters=[COHORT_ID])
class CohortEnrollmentViewSet(CohortChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """A cohort's roster: who applied, enrolled, is active, completed or withdrew, with attendance tallies,
    credentials and skill gains. Kept by convener staff and the providers that run the program; only convener
    staff enroll past the seat limit (``override_seats``), which the enrollment records."""

    serializer_class = s.EnrollmentOutputSerializer
    tenant_model = CohortEnrollment
    ordering_fields = ["participant__last_name", "status", "enrolled_on"]
    search_fields = ["participant__first_name", "participant__last_name", "participant__public_id"]
    permissions = {
        "list": Action.ROSTER_VIEW,
        "retrieve": Action.ROSTER_VIEW,
        "create": Action.ROSTER_MANAGE,
        "set_status": Action.ROSTER_MANAGE,
        "candidates": Action.ROSTER_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.roster(convener=self.convener, cohort=self.cohort())

    def _output(self, enrollment: CohortEnrollment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=enrollment.pk)
        return Response(s.EnrollmentOutputSerializer(fresh).data, status=code)

    def _enrollment(self, pk: int) -> CohortEnrollment:
        enrollment = selectors.enrollment_get(convener=self.convener, membership=self.membership,
                                              cohortenrollment_id=pk)
        if enrollment.cohort_id != self.cohort().pk:
            raise NotFound()
        return enrollment

    @extend_schema(request=s.EnrollmentInputSerializer, responses={201: s.EnrollmentOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Put someone on the roster as applied (the waitlist) or enrolled (takes a seat)."""
        cohort = self.cohort()
        data = s.EnrollmentInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        common = {"convener": self.convener, "actor": self.membership.user, "membership": self.membership,
                  "cohort": cohort, "status": values["status"], "override_seats": values["override_seats"]}
        participant = values.get("participant")
        if participant is None:
            enrollment = services.participant_create_for_roster(first_name=values["first_name"],
                                                                last_name=values["last_name"], **common)
            return self._output(enrollment, status.HTTP_201_CREATED)
        reachable = selectors.participant_choices(convener=self.convener, membership=self.membership, cohort=cohort)
        if not reachable.filter(pk=participant.pk).exists() and not self.get_queryset().filter(
                participant=participant).exists():
            # Someone this caller cannot reach reads exactly like someone of another workspace.
            raise ValidationError({"participant": [f"No such object in this workspace: {participant.pk}."]})
        enrollment = services.enrollment_add(participant=participant, on=values.get("on"), **common)
        return self._output(enrollment, status.HTTP_201_CREATED)

    @extend_schema(request=s.EnrollmentStatusSerializer, responses=s.EnrollmentOutputSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move a roster row: enrolled, active, completed (dated, not before the enrollment) or withdrawn (dated,
        with a reason)."""
        enrollment = self._enrollment(kwargs["pk"])
        data = s.EnrollmentStatusSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_set_status(
            convener=self.convener, actor=self.membership.user, membership=self.membership, enrollment=enrollment,
            **data.validated_data,
        )
        return self._output(enrollment)

    @extend_schema(responses=s.ParticipantOnRosterSerializer(many=True))
    @action(detail=False, methods=["get"])
    def candidates(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """People who can be added: convener staff pick anyone; provider staff the people of their own organization
        or already on their programs' rosters. Never the ones on this roster."""
        people = selectors.participant_choices(convener=self.convener, membership=self.membership,
                                               cohort=self.cohort())
        page: Any = self.paginate_queryset(people)
        return self.get_paginated_response(s.ParticipantOnRosterSerializer(page, many=True).data)


# ---------------------------------------------------------------------------------------------------
# Credentials and measurable skill gains
# ---------------------------------------------------------------------------------------------------
class CredentialAwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Credentials people earned on the rosters the caller keeps, typed by CTDL."""

    serializer_class = s.CredentialAwardOutputSerializer
    filterset_class = filters.CredentialAwardFilter
    ordering_fields = ["awarded_on", "name"]
    tenant_model = CredentialAward
    permissions = {
        "list": Action.ROSTER_VIEW,
        "retrieve": Action.ROSTER_VIEW,
        "create": Action.ROSTER_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.credential_award_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.CredentialAwardInputSerializer, responses={201: s.CredentialAwardOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a credential: one of the program's (``program_credential``) or another with its name, issuer
        and CTDL type. It cannot be dated in the future or before the person enrolled."""
        data = s.CredentialAwardInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        award = services.credential_award_record(convener=self.convener, actor=self.membership.user,
                                                 membership=self.membership, **data.validated_data)
        fresh = self.get_queryset().get(pk=award.pk)
        return Response(s.CredentialAwardOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)


class SkillGainViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Measurable skill gains (WIOA) of people on the rosters the caller keeps."""

    serializer_class = s.SkillGainOutputSerializer
    filterset_class = filters.SkillGainFilter
    ordering_fields = ["achieved_on"]
    tenant_model = SkillGain
    permissions = {
        "list": Action.ROSTER_VIEW,
        "retrieve": Action.ROSTER_VIEW,
        "create": Action.ROSTER_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.skill_gain_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.SkillGainInputSerializer, responses={201: s.SkillGainOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a gain: its type and date (not in the future, not before the person enrolled)."""
        data = s.SkillGainInputSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        gain = services.skill_gain_record(convener=self.convener, actor=self.membership.user,
                                          membership=self.membership, **data.validated_data)
        fresh = self.get_queryset().get(pk=gain.pk)
        return Response(s.SkillGainOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)

"""Participants API: the caseload and each person's record, their funding streams (co-enrollment), consents,
supportive services, case notes, placements, retention checks, quarterly wages, and bulk imports; and, for convener
admins only, the export of one person's full record (their data rights).

Who sees what is decided in ``participants.access`` and applied by ``participants.selectors``, exactly as on the
pages: convener staff see everyone; a case manager the people their organization owns plus those whose current
consent names it, and of those only the consented data categories (a section they may not see is null, a row of a
category they may not see is not found); funders, employers and provider staff get 403 (their role never reads a
participant). A person the caller may not read is a 404. Every retrieve of a person is logged by
``services.pii_view_record``; every read across organizations (lists too) writes an audit event. Writes go through
``participants.services``, which check everything before writing anything (a ValidationError is a 400 with the
field; a PermissionDenied, such as a change by a reader who does not own the record, a 403).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from employers.api.views import CSVRenderer
from participants import access, imports, selectors, services
from participants.api import filters
from participants.api import serializers as s
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
)
from partnerships.api.base import TenantViewSet
from partnerships.permissions import Action

VIEW, MANAGE = Action.PARTICIPANT_VIEW, Action.PARTICIPANT_MANAGE


def _object_body(request: Request) -> Mapping[str, Any]:
    """The JSON body, which must be an object (an array, string or null is a 400, not a TypeError)."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["Invalid data. Expected an object."]})
    return request.data


# ---------------------------------------------------------------------------------------------------
# The caseload and one person's record
# ---------------------------------------------------------------------------------------------------
class ParticipantViewSet(mixins.ListModelMixin, TenantViewSet):
    """People in training. The list is the caseload (filters: status, stream, cohort, overdue follow-up, search);
    the detail is the person's record as far as the caller may see it, with running totals of supportive services
    per funding stream. The SSN is write-only; its last four digits and the date of birth are shown to the record's
    owners only."""

    serializer_class = s.ParticipantListSerializer
    tenant_model = Participant
    filter_backends: list[Any] = []  # the caseload's filters are the selector's arguments
    permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "create": MANAGE,
        "partial_update": MANAGE,
        "export_record": Action.PARTICIPANT_DATA_RIGHTS,
    }

    def get_queryset(self) -> Any:
        return selectors.participant_list(convener=self.convener, membership=self.membership)

    @extend_schema(parameters=[filters.ParticipantQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = filters.ParticipantQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        people = selectors.participant_list(
            convener=self.convener, membership=self.membership, status=q.get("status"), stream=q.get("stream"),
            cohort=q.get("cohort"), overdue=q["overdue"], mine=q["mine"], search=q.get("search"),
        ).defer("ssn", "date_of_birth")
        page = list(self.paginate_queryset(people) or [])
        readings = access.readings(convener=self.convener, membership=self.membership, participants=page)
        services.participant_reads_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                          membership=self.membership, participants=page, what="caseload")
        data = s.ParticipantListSerializer(page, many=True, context={**self.get_serializer_context(),
                                                                     "readings": readings}).data
        return self.get_paginated_response(data)

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        person, reading = selectors.participant_get(convener=self.convener, membership=self.membership,
                                                    participant_id=pk)
        convener = self.convener
        streams = None
        if reading.sees("enrollment") or reading.sees("services"):  # one query for both: each stream with its sums
            streams = selectors.stream_enrollments(convener=convener, participant=person)
        if reading.sees("enrollment"):
            person.api_streams = streams  # type: ignore[attr-defined]
            person.api_cohorts = list(selectors.participant_cohorts(convener=convener, participant=person))  # type: ignore[attr-defined]
        if reading.sees("services"):
            person.api_totals = [  # type: ignore[attr-defined]
                {"code": t.code, "stream": t.stream, "amount": t.amount, "count": t.count}
                for t in selectors.service_totals(convener=convener, participant=person, streams=streams)]
        if reading.sees("credentials"):
            person.api_credentials = list(selectors.participant_credentials(convener=convener, participant=person))  # type: ignore[attr-defined]
            person.api_gains = list(selectors.participant_skill_gains(convener=convener, participant=person))  # type: ignore[attr-defined]
        if reading.sees("employment"):
            person.api_next_check = selectors.next_check(convener=convener, participant=person)  # type: ignore[attr-defined]
            person.next_check_due = person.api_next_check.due_on if person.api_next_check else None  # type: ignore[attr-defined]
        services.pii_view_record(convener=convener, actor=self.request.user,  # type: ignore[arg-type]
                                 membership=self.membership, participant=person, what="record",
                                 via_consent=reading.consent_ids[0] if reading.consent_ids else None, source="api")
        context = {**self.get_serializer_context(), "reading": reading}
        return Response(s.ParticipantDetailSerializer(person, context=context).data, status=code)

    @extend_schema(responses=s.ParticipantDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One person's record (the view is audited)."""
        return self._detail(kwargs["pk"])

    @extend_schema(request=s.ParticipantCreateSerializer,
                   responses={201: s.ParticipantDetailSerializer, 409: s.DuplicateSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Intake. A person who may already be on file (the same SSN is refused outright; the same name and date
        of birth is a 409 listing the candidates' public ids) is created only when sent again with
        ``confirm_duplicate``."""
        data = s.ParticipantCreateSerializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = data.service_fields()
        organization = fields.pop("organization", None)
        confirm = fields.pop("confirm_duplicate", False)
        streams = [{"stream": row["stream"], "entry_date": row.get("entry_date")} for row in fields.pop("streams", [])]
        try:
            person = services.participant_intake(
                convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                organization=organization, confirm_duplicate=confirm, streams=streams, **fields)
        except services.DuplicateParticipant as exc:
            readable = access.readings(convener=self.convener, membership=self.membership,
                                       participants=exc.candidates)
            return Response(s.DuplicateSerializer({
                "detail": exc.messages[0],
                "candidates": [{"public_id": c.public_id, "readable": c.pk in readable} for c in exc.candidates],
                "confirm_duplicate": True,
            }).data, status=status.HTTP_409_CONFLICT)
        return self._detail(person.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ParticipantInputSerializer(partial=True), responses=s.ParticipantDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what is sent (the owning organization and convener staff only). An SSN that belongs to another
        record is refused."""
        person, _ = selectors.participant_get(convener=self.convener, membership=self.membership,
                                              participant_id=kwargs["pk"])
        data = s.ParticipantInputSerializer(data=_object_body(request), partial=True,
                                            context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.participant_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                    membership=self.membership, participant=person, **data.service_fields())
        return self._detail(person.pk)

    @extend_schema(responses=s.ParticipantRecordExportSerializer)
    @action(detail=True, methods=["get"], url_path="export")
    def export_record(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The person's full record, for their data-access request (DOMAIN.md §6; convener admins only, every export
        audited): profile, every funding-stream and cohort enrollment, attendance, consent, supportive service, case
        note (confidential ones included), placement, retention check, quarterly wage, credential and skill gain, their
        rows in uploaded import files, and the audit trail of who viewed or changed the record. The SSN is given as
        its last four digits only. The same document as the page's JSON download."""
        person, _ = selectors.participant_get(convener=self.convener, membership=self.membership,
                                              participant_id=kwargs["pk"])
        record = services.participant_export_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                    participant=person, file_format="json", source="api")
        return Response(record, headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------------------------------------------
# Rows of a person's record: one flat list per kind, ?participant=<id> for one person's
# ---------------------------------------------------------------------------------------------------
class PersonRowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Rows about people, read through a selector that keeps to the people and the data categories the caller
    may see. Reading another organization's person (under their consent) is audited, lists included."""

    what: ClassVar[str] = ""
    participant_path: ClassVar[str] = "participant"

    def rows(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        return self.rows()

    def person_of(self, row: Any) -> Participant:
        person = row
        for part in self.participant_path.split("__"):
            person = getattr(person, part)
        return person  # type: ignore[no-any-return]

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def row(self, pk: int) -> Any:
        found = self.rows().filter(pk=pk).first()
        if found is None:
            raise NotFound()
        return found

    def output(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.row(pk)).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        services.participant_reads_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                          membership=self.membership, participants=[self.person_of(r) for r in page],
                                          what=self.what)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.row(kwargs["pk"])
        services.pii_view_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                 membership=self.membership, participant=self.person_of(found), what=self.what,
                                 source="api")
        return Response(self.get_serializer(found).data)

    def input(self, serializer: type[Any], request: Request) -> dict[str, Any]:
        data = serializer(data=_object_body(request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def common(self, request: Request) -> dict[str, Any]:
        return {"convener": self.convener, "actor": request.user, "membership": self.membership}


class StreamEnrollmentViewSet(PersonRowViewSet):
    """Funding-stream enrollments (co-enrollment: one per stream per person), with entry, exit and any WIOA
    exclusion. Readers need the person's enrollment consent."""

    serializer_class = s.StreamEnrollmentSerializer
    filterset_class = filters.StreamEnrollmentFilter
    tenant_model = StreamEnrollment
    what = "stream_enrollments"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE, "exit": MANAGE}

    def rows(self) -> Any:
        return selectors.stream_enrollment_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.StreamEnrollmentInputSerializer, responses={201: s.StreamEnrollmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enroll the person in one more funding stream (SNAP E&T needs SNAP at entry, TANF needs TANF)."""
        values = self.input(s.StreamEnrollmentInputSerializer, request)
        enrollment = services.stream_enroll(**self.common(request), **values)
        return self.output(enrollment.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.StreamExitSerializer, responses=s.StreamEnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the exit from this stream, with its reason (not before the entry, not in the future)."""
        enrollment = self.row(kwargs["pk"])
        values = self.input(s.StreamExitSerializer, request)
        if enrollment.exit_date is not None:
            raise ValidationError({"exit_date": [f"This enrollment already ended on {enrollment.exit_date}."]})
        services.stream_exit_record(**self.common(request), enrollment=enrollment, **values)
        return self.output(enrollment.pk)


class ConsentViewSet(PersonRowViewSet):
    """Consents: which organizations may read which data categories, for which purposes; signed, expiring,
    revoked. Only the record's owners read them (a consent names every recipient)."""

    serializer_class = s.ConsentSerializer
    filterset_class = filters.ConsentFilter
    tenant_model = Consent
    what = "consents"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE, "revoke": MANAGE}

    def rows(self) -> Any:
        return selectors.consent_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.ConsentInputSerializer, responses={201: s.ConsentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a signed consent. It takes effect at once for the organizations it names."""
        values = self.input(s.ConsentInputSerializer, request)
        consent = services.consent_record(**self.common(request), **values)
        return self.output(consent.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsentRevokeSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revoke: the organizations it named stop reading the person on their next request."""
        consent = self.row(kwargs["pk"])
        values = self.input(s.ConsentRevokeSerializer, request)
        services.consent_revoke(**self.common(request), consent=consent, **values)
        return self.output(consent.pk)


class SupportiveServiceViewSet(PersonRowViewSet):
    """Supportive services (transportation, child care, tools...), each paid from a funding stream the person is
    enrolled in on that day. Readers need the person's services consent."""

    serializer_class = s.SupportiveServiceSerializer
    filterset_class = filters.SupportiveServiceFilter
    tenant_model = SupportiveService
    what = "services"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE, "set_status": MANAGE}

    def rows(self) -> Any:
        return selectors.service_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.SupportiveServiceInputSerializer, responses={201: s.SupportiveServiceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = self.input(s.SupportiveServiceInputSerializer, request)
        service = services.service_record(**self.common(request), **values)
        return self.output(service.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ServiceStatusSerializer, responses=s.SupportiveServiceSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve, deny or pay a service (requested -> approved or denied; approved -> paid or denied)."""
        service = self.row(kwargs["pk"])
        values = self.input(s.ServiceStatusSerializer, request)
        services.service_set_status(**self.common(request), service=service, **values)
        return self.output(service.pk)


class CaseNoteViewSet(PersonRowViewSet):
    """Dated case notes with their author. A confidential note is read only inside its author's organization."""

    serializer_class = s.CaseNoteSerializer
    filterset_class = filters.CaseNoteFilter
    tenant_model = CaseNote
    what = "notes"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE}

    def rows(self) -> Any:
        return selectors.note_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.CaseNoteInputSerializer, responses={201: s.CaseNoteSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a note (the owners, or a case manager whose organization a coordination consent names)."""
        values = self.input(s.CaseNoteInputSerializer, request)
        note = services.note_add(**self.common(request), **values)
        return self.output(note.pk, status.HTTP_201_CREATED)


class PlacementViewSet(PersonRowViewSet):
    """Jobs: employer, SOC occupation, start, wage, hours, type, with their 90-, 180- and 365-day retention
    checks. Readers need the person's employment consent."""

    serializer_class = s.PlacementSerializer
    filterset_class = filters.PlacementFilter
    tenant_model = Placement
    what = "placements"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE}

    def rows(self) -> Any:
        return selectors.placement_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.PlacementInputSerializer, responses={201: s.PlacementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a placement; its retention checks are scheduled at once."""
        values = self.input(s.PlacementInputSerializer, request)
        placement = services.placement_record(**self.common(request), **values)
        return self.output(placement.pk, status.HTTP_201_CREATED)


class RetentionCheckViewSet(PersonRowViewSet):
    """Retention checks at 90, 180 and 365 days after a placement (filters: participant, placement, done,
    overdue, due_before); record one with ``record``."""

    serializer_class = s.RetentionCheckSerializer
    filterset_class = filters.RetentionCheckFilter
    tenant_model = RetentionCheck
    what = "retention_checks"
    participant_path = "placement__participant"
    permissions = {"list": VIEW, "retrieve": VIEW, "record": MANAGE}

    def rows(self) -> Any:
        return selectors.retention_check_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.RetentionCheckInputSerializer, responses=s.RetentionCheckSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Still employed? With the same employer, at what wage? (Not before the placement started.)"""
        check = self.row(kwargs["pk"])
        values = self.input(s.RetentionCheckInputSerializer, request)
        services.retention_check_record(**self.common(request), check=check, **values)
        return self.output(check.pk)


class QuarterlyWageViewSet(PersonRowViewSet):
    """Quarterly wage records (UI wage match or supplemental), by hand or imported."""

    serializer_class = s.QuarterlyWageSerializer
    filterset_class = filters.QuarterlyWageFilter
    tenant_model = QuarterlyWage
    what = "wages"
    permissions = {"list": VIEW, "retrieve": VIEW, "create": MANAGE}

    def rows(self) -> Any:
        return selectors.wage_list(convener=self.convener, membership=self.membership)

    @extend_schema(request=s.QuarterlyWageInputSerializer, responses={201: s.QuarterlyWageSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = self.input(s.QuarterlyWageInputSerializer, request)
        wage = services.wage_record(**self.common(request), **values)
        return self.output(wage.pk, status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------------------------------
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Bulk imports of participants, enrollments, placements or quarterly wages (CSV or XLSX): upload a file, then
    follow the job's status, progress and every error by row and column. All or nothing: a file with one bad row
    imports nothing. Convener staff see every job; case managers their own."""

    serializer_class = s.ImportJobSerializer
    filterset_class = filters.ImportJobFilter
    tenant_model = ImportJob
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    permissions = {"list": MANAGE, "retrieve": MANAGE, "create": MANAGE, "template": MANAGE}

    def get_queryset(self) -> Any:
        return selectors.import_job_list(convener=self.convener, membership=self.membership).select_related(
            "organization", "created_by").defer("payload")

    def _output(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        job = self.get_queryset().filter(pk=pk).first()
        if job is None:
            raise NotFound()
        return Response(s.ImportJobSerializer(job).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._output(kwargs["pk"])

    @extend_schema(request={"multipart/form-data": s.ImportJobInputSerializer},
                   responses={202: s.ImportJobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Upload a file; the job is queued and runs in the background (poll the job for its progress)."""
        data = s.ImportJobInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = services.import_start(
            convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
            kind=data.validated_data["kind"], filename=upload.name or "", payload=upload.read(),
            organization=data.validated_data.get("organization"))
        return self._output(job.pk, status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[s.ImportTemplateQuerySerializer],
        responses={(200, "application/json"): s.ImportTemplateSerializer(many=True),
                   (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV template of ``kind``")},
    )
    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, CSVRenderer],
            pagination_class=None)
    def template(self, request: Request, *args: Any, **kwargs: Any) -> Response | HttpResponse:
        """With ``kind``, the CSV template (the columns and one example row); without, the list of templates with
        their columns and download links."""
        query = s.ImportTemplateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind")
        if kind:
            response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
            return response
        link = reverse("participants-api:import-template", kwargs={"convener_slug": self.convener.slug})
        rows = [{"kind": value, "label": label, "columns": imports.TEMPLATES[value],
                 "url": request.build_absolute_uri(f"{link}?kind={value}")} for value, label in ImportJob.Kind.choices]
        return Response(s.ImportTemplateSerializer(rows, many=True).data)

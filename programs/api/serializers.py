"""Serializers of the programs API. Input serializers check shape; programs/services.py checks the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from employers.api.serializers import OccupationSerializer
from employers.models import CredentialType, DemandSnapshot
from participants.models import Participant
from partnerships.api.serializers import (
    CalendarDateField,
    OrganizationBriefSerializer,
    PartnershipBriefSerializer,
    TenantPrimaryKeyField,
)
from partnerships.models import Organization, Partnership
from programs import selectors
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    FundingStream,
    Program,
    ProgramCredential,
    ProgramRequirement,
    SkillGain,
    WageStep,
)

SMALL_INT = 32_767
COMMITMENTS = ("guaranteed_interviews", "planned_hires", "internship_slots", "ojt_slots", "tours", "mock_interviews")


@extend_schema_field(OpenApiTypes.INT)
class RosterEnrollmentField(TenantPrimaryKeyField):
    """A roster row the caller keeps (convener staff: any; provider staff: their programs' cohorts). Anyone
    else's reads as "no such object", exactly like another workspace's."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(CohortEnrollment, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.enrollment_list(convener=self.context["convener"], membership=self.context["membership"])


# ---------------------------------------------------------------------------------------------------
# Public reference data and shared pieces
# ---------------------------------------------------------------------------------------------------
class FundingStreamSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingStream
        fields = ["code", "name", "description"]


class ParticipantBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "public_id", "first_name", "last_name", "preferred_name"]


class CohortBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "name"]


# ---------------------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------------------
class ProgramCredentialSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramCredential
        fields = ["id", "name", "ctdl_type", "issuer"]


class RequirementSerializer(serializers.ModelSerializer):
    employers = OrganizationBriefSerializer(many=True, read_only=True)

    class Meta:
        model = ProgramRequirement
        fields = ["id", "kind", "description", "employers"]


class WageStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = WageStep
        fields = ["step", "after_hours", "hourly_wage"]


class ProgramOutputSerializer(serializers.ModelSerializer):
    provider = OrganizationBriefSerializer(read_only=True)
    other_providers = OrganizationBriefSerializer(many=True, read_only=True)
    target_occupations = OccupationSerializer(many=True, read_only=True)
    funding_streams = FundingStreamSerializer(many=True, read_only=True)
    credentials = ProgramCredentialSerializer(many=True, read_only=True)
    open_cohorts = serializers.IntegerField(read_only=True, help_text="Cohorts planned, recruiting or running")

    class Meta:
        model = Program
        fields = ["id", "name", "program_type", "description", "provider", "other_providers", "target_occupations",
                  "cip_code", "length_weeks", "contact_hours", "cost_per_participant", "funding_streams",
                  "rapids_number", "status", "credentials", "open_cohorts", "created_at", "updated_at"]


class ProgramDetailSerializer(ProgramOutputSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)
    wage_steps = WageStepSerializer(many=True, read_only=True)

    class Meta(ProgramOutputSerializer.Meta):
        fields = [*ProgramOutputSerializer.Meta.fields, "requirements", "wage_steps"]


class CredentialInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=200)
    ctdl_type = serializers.ChoiceField(choices=CredentialType.choices, help_text="CTDL credential class")


class RequirementInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProgramRequirement.Kind.choices, default=ProgramRequirement.Kind.ENTRY)
    description = serializers.CharField(max_length=200)
    employers = TenantPrimaryKeyField(Organization, many=True, required=False, default=list,
                                      help_text="Employers that share this requirement")


class WageStepInputSerializer(serializers.Serializer):
    step = serializers.IntegerField(min_value=1, max_value=SMALL_INT)
    after_hours = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0,
                                           help_text="On-the-job hours completed before this step applies")
    hourly_wage = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, help_text="$/hour")


class ProgramInputSerializer(serializers.Serializer):
    """A program as convener staff enter it. The lists given replace the stored ones."""

    name = serializers.CharField(max_length=200)
    program_type = serializers.ChoiceField(choices=Program.ProgramType.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    provider = TenantPrimaryKeyField(Organization, help_text="The lead training provider")
    other_providers = TenantPrimaryKeyField(Organization, many=True, required=False, default=list)
    target_occupations = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, max_length=20,
        help_text="SOC 2018 codes, e.g. 31-1131 (see /api/v1/occupations/)")
    cip_code = serializers.CharField(max_length=7, required=False, allow_blank=True, default="",
                                     help_text="CIP 2020 code, e.g. 51.3902")
    length_weeks = serializers.IntegerField(min_value=1, max_value=SMALL_INT, required=False, allow_null=True)
    contact_hours = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    cost_per_participant = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, required=False,
                                                    allow_null=True, help_text="$ per participant")
    funding_streams = serializers.SlugRelatedField(
        slug_field="code", queryset=FundingStream.objects.all(), many=True, required=False, default=list,
        help_text="Funding stream codes (see /api/v1/funding-streams/)")
    rapids_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=Program.Status.choices, required=False, default=Program.Status.ACTIVE)
    credentials = serializers.ListField(child=CredentialInputSerializer(), required=False, max_length=50)
    requirements = serializers.ListField(child=RequirementInputSerializer(), required=False, max_length=50)
    wage_steps = serializers.ListField(child=WageStepInputSerializer(), required=False, max_length=50,
                                       help_text="Registered apprenticeships only")


# ---------------------------------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------------------------------
class ProgramBriefSerializer(serializers.ModelSerializer):
    provider = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = Program
        fields = ["id", "name", "program_type", "provider"]


class CohortOutputSerializer(serializers.ModelSerializer):
    program = ProgramBriefSerializer(read_only=True)
    partnership = PartnershipBriefSerializer(read_only=True)
    target_occupation = OccupationSerializer(read_only=True, allow_null=True)
    seated = serializers.IntegerField(read_only=True, help_text="Enrolled, active and completed")
    applied = serializers.IntegerField(read_only=True, help_text="Applied (the waitlist)")
    completed = serializers.IntegerField(read_only=True)
    withdrawn = serializers.IntegerField(read_only=True)
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = ["id", "name", "program", "partnership", "target_occupation", "start_date", "end_date", "seats",
                  "location", "weekly_pattern", "schedule_note", "status", "seated", "applied", "completed",
                  "withdrawn", "seats_left", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_seats_left(self, cohort: Cohort) -> int:
        return max(cohort.seats - getattr(cohort, "seated", 0), 0)


class CohortEmployerSerializer(serializers.ModelSerializer):
    employer = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = CohortEmployer
        fields = ["id", "employer", "kind", *COMMITMENTS]


class FiguresSerializer(serializers.Serializer):
    """Roster, attendance and completion counts (no names)."""

    seats = serializers.IntegerField()
    applied = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    active = serializers.IntegerField()
    completed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    seated = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    started = serializers.IntegerField(help_text="Completion denominator: everyone who started")
    completion_rate = serializers.FloatField(
        allow_null=True,
        help_text="Completed over everyone who started (withdrawn count); null until someone finished or left")
    sessions_held = serializers.IntegerField()
    sessions_total = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True, help_text="Present or late, over days marked")
    credentials = serializers.IntegerField()
    skill_gains = serializers.IntegerField()


class CommitmentsSerializer(serializers.Serializer):
    guaranteed_interviews = serializers.IntegerField()
    planned_hires = serializers.IntegerField()
    internship_slots = serializers.IntegerField()
    ojt_slots = serializers.IntegerField()
    tours = serializers.IntegerField()
    mock_interviews = serializers.IntegerField()


class CohortDetailSerializer(CohortOutputSerializer):
    """A cohort with its figures and its host and partner employers. An employer representative sees its own
    employer's row only, and no totals (with two hosts, a total less its own would give the other away)."""

    figures = FiguresSerializer(read_only=True)
    employers = CohortEmployerSerializer(source="employer_rows", many=True, read_only=True)
    commitments = CommitmentsSerializer(read_only=True, allow_null=True)

    class Meta(CohortOutputSerializer.Meta):
        fields = [*CohortOutputSerializer.Meta.fields, "demand_snapshot", "figures", "employers", "commitments"]


class CohortEmployerInputSerializer(serializers.Serializer):
    employer = TenantPrimaryKeyField(Organization)
    kind = serializers.ChoiceField(choices=CohortEmployer.Kind.choices, default=CohortEmployer.Kind.HOST)
    guaranteed_interviews = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    planned_hires = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    internship_slots = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    ojt_slots = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    tours = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    mock_interviews = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)


class CohortEmployerUpdateSerializer(CohortEmployerInputSerializer):
    """The same, minus the employer, which a row keeps."""

    employer = None  # type: ignore[assignment]


class CohortInputSerializer(serializers.Serializer):
    program = TenantPrimaryKeyField(Program)
    partnership = TenantPrimaryKeyField(Partnership)
    name = serializers.CharField(max_length=200)
    target_occupation = serializers.CharField(
        max_length=10, required=False, allow_blank=True, allow_null=True,
        help_text="SOC 2018 code; the cohort's seats count as pipeline supply against that demand")
    start_date = CalendarDateField()
    end_date = CalendarDateField()
    seats = serializers.IntegerField(min_value=1, max_value=SMALL_INT)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    schedule_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    weekly_pattern = serializers.DictField(
        child=serializers.CharField(max_length=12, allow_blank=True), required=False, default=dict,
        help_text='Weekday (0 = Monday) to kind of session, e.g. {"0": "classroom", "4": "worksite"}')
    demand_snapshot = TenantPrimaryKeyField(DemandSnapshot, required=False, allow_null=True,
                                            help_text="The demand snapshot whose gap this cohort answers")
    employers = serializers.ListField(child=CohortEmployerInputSerializer(), required=False, max_length=100,
                                      help_text="Host and partner employers (on create)")


class CohortUpdateSerializer(CohortInputSerializer):
    employers = None  # type: ignore[assignment]  # through cohorts/{id}/employers/
    demand_snapshot = None  # type: ignore[assignment]  # set when the cohort is created


class CohortStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Cohort.Status.choices)


# ---------------------------------------------------------------------------------------------------
# Sessions and attendance
# ---------------------------------------------------------------------------------------------------
class SessionOutputSerializer(serializers.ModelSerializer):
    marked = serializers.IntegerField(read_only=True, help_text="People with a mark that day")
    present = serializers.IntegerField(read_only=True, help_text="Present or late")

    class Meta:
        model = CohortSession
        fields = ["id", "day", "kind", "hours", "note", "marked", "present"]


class SessionInputSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.ChoiceField(choices=CohortSession.Kind.choices, default=CohortSession.Kind.CLASSROOM)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, default=Decimal("6.00"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AttendanceRowSerializer(serializers.Serializer):
    """One person on the session day's sheet, with that day's mark (null: not marked yet)."""

    enrollment = serializers.IntegerField()
    participant = ParticipantBriefSerializer()
    enrollment_status = serializers.ChoiceField(choices=CohortEnrollment.Status.choices)
    status = serializers.ChoiceField(choices=AttendanceRecord.Status.choices, allow_null=True)


class MarkSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(min_value=1, help_text="A roster row of this cohort")
    status = serializers.ChoiceField(choices=AttendanceRecord.Status.choices)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, max_value=24, required=False,
                                     allow_null=True)


class MarksInputSerializer(serializers.Serializer):
    marks = serializers.ListField(child=MarkSerializer(), allow_empty=False, max_length=1000)

    def validate_marks(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = [m["enrollment"] for m in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Mark each person once.")
        return value


# ---------------------------------------------------------------------------------------------------
# Rosters, credentials, skill gains
# ---------------------------------------------------------------------------------------------------
class ParticipantOnRosterSerializer(ParticipantBriefSerializer):
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta(ParticipantBriefSerializer.Meta):
        fields = [*ParticipantBriefSerializer.Meta.fields, "organization"]


class AwardBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CredentialAward
        fields = ["id", "name", "issuer", "ctdl_type", "awarded_on"]


class GainBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SkillGain
        fields = ["id", "gain_type", "achieved_on", "note"]


class EnrollmentOutputSerializer(serializers.ModelSerializer):
    participant = ParticipantOnRosterSerializer(read_only=True)
    days_marked = serializers.IntegerField(read_only=True)
    days_present = serializers.IntegerField(read_only=True, help_text="Present or late")
    credentials = AwardBriefSerializer(source="credential_awards", many=True, read_only=True)
    skill_gains = GainBriefSerializer(many=True, read_only=True)

    class Meta:
        model = CohortEnrollment
        fields = ["id", "cohort", "participant", "status", "applied_on", "enrolled_on", "completed_on",
                  "withdrawn_on", "withdrawal_reason", "seat_override", "days_marked", "days_present", "credentials",
                  "skill_gains", "updated_at"]


class EnrollmentInputSerializer(serializers.Serializer):
    """Someone already known (``participant``), or a walk-in applicant (``first_name`` and ``last_name``),
    who is created owned by the caller's organization (provider staff) or by the program's provider."""

    participant = TenantPrimaryKeyField(Participant, required=False)
    first_name = serializers.CharField(max_length=80, required=False)
    last_name = serializers.CharField(max_length=80, required=False)
    status = serializers.ChoiceField(choices=CohortEnrollment.Status.choices, default=CohortEnrollment.Status.ENROLLED,
                                     help_text="applied (the waitlist) or enrolled (takes a seat)")
    on = serializers.DateField(required=False, help_text="The date of the application or enrollment; today if "
                                                         "not given")
    override_seats = serializers.BooleanField(default=False,
                                              help_text="Convener staff only: enroll past the seat limit")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        walk_in = attrs.get("first_name") or attrs.get("last_name")
        if attrs.get("participant") is None and not walk_in:
            raise serializers.ValidationError({"participant": ["Choose a participant, or give the first and last "
                                                               "name of a new applicant."]})
        if attrs.get("participant") is not None and walk_in:
            raise serializers.ValidationError({"participant": ["Choose a participant or give a new applicant's "
                                                               "name, not both."]})
        if walk_in and not (attrs.get("first_name") and attrs.get("last_name")):
            field = "last_name" if attrs.get("first_name") else "first_name"
            raise serializers.ValidationError({field: ["Give both the first and the last name."]})
        if walk_in and attrs.get("on") is not None:
            raise serializers.ValidationError({"on": ["A new applicant is added as of today."]})
        return attrs


class EnrollmentStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CohortEnrollment.Status.choices)
    on = serializers.DateField(required=False, help_text="When it happened; today if not given")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="Why the person withdrew (required for withdrawn)")
    override_seats = serializers.BooleanField(default=False,
                                              help_text="Convener staff only: seat the person past the limit")


class CredentialAwardOutputSerializer(serializers.ModelSerializer):
    participant = ParticipantBriefSerializer(read_only=True)
    cohort = CohortBriefSerializer(source="enrollment.cohort", read_only=True, allow_null=True)

    class Meta:
        model = CredentialAward
        fields = ["id", "participant", "enrollment", "cohort", "program_credential", "ctdl_type", "name", "issuer",
                  "awarded_on", "created_at"]


class CredentialAwardInputSerializer(serializers.Serializer):
    """One of the program's credentials (``program_credential``), or another named with its issuer and type."""

    enrollment = RosterEnrollmentField()
    program_credential = TenantPrimaryKeyField(ProgramCredential, required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    ctdl_type = serializers.ChoiceField(choices=CredentialType.choices, required=False, allow_blank=True,
                                        default="")
    awarded_on = serializers.DateField()


class SkillGainOutputSerializer(serializers.ModelSerializer):
    participant = ParticipantBriefSerializer(read_only=True)
    cohort = CohortBriefSerializer(source="enrollment.cohort", read_only=True, allow_null=True)

    class Meta:
        model = SkillGain
        fields = ["id", "participant", "enrollment", "cohort", "gain_type", "achieved_on", "note", "created_at"]


class SkillGainInputSerializer(serializers.Serializer):
    enrollment = RosterEnrollmentField()
    gain_type = serializers.ChoiceField(choices=SkillGain.GainType.choices)
    achieved_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

"""Serializers of the participants API. Input serializers check shape; participants/services.py checks the rules.

Output is cut to what the reader may see, exactly like the pages (participants.access.Reading): a section the
reader's consent does not cover comes back as null, never as the data. The SSN is write-only: reads show its last
four digits, and the date of birth, to the record's owners only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from employers.api.serializers import OccupationSerializer
from participants import access, selectors
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
from partnerships.api.serializers import OrganizationBriefSerializer, TenantPrimaryKeyField
from partnerships.models import Organization
from programs.models import CohortEnrollment, FundingStream

BARRIER_CODES = [f.removeprefix("barrier_") for f in Participant.BARRIERS]
BENEFIT_CODES = [f.removeprefix("benefit_") for f in Participant.BENEFITS]


def _label(field: str) -> str:
    return Participant.label_of(field)


BARRIER_CHOICES = [(code, _label(f"barrier_{code}")) for code in BARRIER_CODES]
BENEFIT_CHOICES = [(code, _label(f"benefit_{code}")) for code in BENEFIT_CODES]
CATEGORY_CHOICES = [(c, str(getattr(Consent._meta.get_field(f"share_{c}"), "verbose_name", c)))
                    for c in Consent.CATEGORIES]
PURPOSE_CHOICES = [(p, str(getattr(Consent._meta.get_field(f"for_{p}"), "verbose_name", p)))
                   for p in Consent.PURPOSES]


@extend_schema_field(OpenApiTypes.INT)
class ReadableParticipantField(TenantPrimaryKeyField):
    """A participant the caller may read. Anyone else's reads as "no such object", exactly like another
    workspace's; whether the caller may change their record is the service's to say (403)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Participant, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.readable_participants(convener=self.context["convener"],
                                               membership=self.context["membership"])


# ---------------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------------
class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "public_id", "display_name"]


class StreamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingStream
        fields = ["code", "name"]


class CohortEnrollmentBriefSerializer(serializers.ModelSerializer):
    cohort = serializers.CharField(source="cohort.name", read_only=True)
    cohort_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = CohortEnrollment
        fields = ["id", "cohort_id", "cohort", "status", "applied_on", "enrolled_on", "completed_on",
                  "withdrawn_on"]


class SectionedSerializer(serializers.ModelSerializer):
    """Fields grouped by the data category they belong to (``sections``); a section the reader may not see is
    null. The reading comes from the context: ``reading`` (one person) or ``readings`` (person id -> Reading)."""

    sections: ClassVar[dict[str, tuple[str, ...]]] = {}

    def reading_of(self, participant: Participant) -> access.Reading:
        one = self.context.get("reading")
        if one is not None:
            return one  # type: ignore[no-any-return]
        # A person listed but without a reading (a consent that lapsed between the two queries) shows no section.
        return self.context["readings"].get(participant.pk) or access.Reading(owner=False,  # type: ignore[no-any-return]
                                                                               categories=frozenset())

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        reading = self.reading_of(instance)
        hidden = {name for section, names in self.sections.items() if not _sees(reading, section) for name in names}
        out: dict[str, Any] = {}
        for field in self._readable_fields:  # type: ignore[attr-defined]
            name: str = field.field_name or ""
            if name in hidden:
                out[name] = None
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            out[name] = None if value is None else field.to_representation(attribute)
        return out


def _sees(reading: access.Reading, section: str) -> bool:
    return reading.owner if section == "owner" else reading.sees(section)


# ---------------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------------
class StreamOnRecordSerializer(serializers.ModelSerializer):
    stream = StreamBriefSerializer(read_only=True)

    class Meta:
        model = StreamEnrollment
        fields = ["id", "stream", "entry_date", "exit_date", "exit_source", "exclusion_reason"]


class ParticipantListSerializer(SectionedSerializer):
    """A caseload row: who, whose, and (as far as the reader's consent goes) streams, cohort and next check."""

    organization = OrganizationBriefSerializer(read_only=True)
    case_manager = serializers.CharField(source="case_manager.full_name", read_only=True, allow_null=True,
                                         default=None)
    owner = serializers.SerializerMethodField(help_text="The caller keeps this record (may change it)")
    sees = serializers.SerializerMethodField(help_text="The data categories the caller may read")
    status = serializers.ChoiceField(choices=Participant.Status.choices, read_only=True, allow_null=True)
    streams = StreamOnRecordSerializer(source="stream_enrollments.all", many=True, read_only=True, allow_null=True,
                                       help_text="Funding streams (co-enrollment); null without enrollment consent")
    current_cohort = serializers.SerializerMethodField()
    next_check_due = serializers.DateField(read_only=True, allow_null=True,
                                           help_text="The next retention check not yet recorded")

    sections: ClassVar[dict[str, tuple[str, ...]]] = {
        "enrollment": ("status", "streams", "current_cohort"),
        "employment": ("next_check_due",),
    }

    class Meta:
        model = Participant
        fields = ["id", "public_id", "first_name", "middle_name", "last_name", "preferred_name", "display_name",
                  "organization", "case_manager", "owner", "sees", "status", "streams", "current_cohort",
                  "next_check_due"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_owner(self, participant: Participant) -> bool:
        return self.reading_of(participant).owner

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CATEGORY_CHOICES)))
    def get_sees(self, participant: Participant) -> list[str]:
        reading = self.reading_of(participant)
        return [c for c in Consent.CATEGORIES if reading.sees(c)]

    @extend_schema_field(CohortEnrollmentBriefSerializer(allow_null=True))
    def get_current_cohort(self, participant: Participant) -> dict[str, Any] | None:
        enrollments = list(participant.cohort_enrollments.all())  # prefetched, newest cohort first
        return CohortEnrollmentBriefSerializer(enrollments[0]).data if enrollments else None


class StreamTotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    stream = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Approved and paid, $")
    count = serializers.IntegerField()


class CredentialBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    issuer = serializers.CharField()
    ctdl_type = serializers.CharField()
    awarded_on = serializers.DateField()


class SkillGainBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    gain_type = serializers.CharField()
    achieved_on = serializers.DateField()


class NextCheckSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="placement.employer_name", read_only=True)

    class Meta:
        model = RetentionCheck
        fields = ["id", "milestone_days", "due_on", "employer_name"]


class ParticipantDetailSerializer(ParticipantListSerializer):
    """One person's record as far as the reader may see it. The view attaches what each section needs (running
    totals per funding stream, cohorts, credentials, the next check) only when the reader may see it."""

    ssn_last4 = serializers.CharField(read_only=True, allow_null=True,
                                      help_text="Last four digits of the SSN, to the record's owners only")
    date_of_birth = serializers.DateField(read_only=True, allow_null=True, help_text="To the record's owners only")
    barriers = serializers.SerializerMethodField()
    streams = StreamOnRecordSerializer(source="api_streams", many=True, read_only=True, allow_null=True)
    cohorts = CohortEnrollmentBriefSerializer(source="api_cohorts", many=True, read_only=True, allow_null=True)
    service_totals = StreamTotalSerializer(source="api_totals", many=True, read_only=True, allow_null=True,
                                           help_text="Approved and paid supportive services, per funding stream")
    credentials = CredentialBriefSerializer(source="api_credentials", many=True, read_only=True, allow_null=True)
    skill_gains = SkillGainBriefSerializer(source="api_gains", many=True, read_only=True, allow_null=True)
    next_check = NextCheckSerializer(source="api_next_check", read_only=True, allow_null=True)
    employment_status_at_entry = serializers.ChoiceField(choices=Participant.EmploymentStatus.choices,
                                                         read_only=True, allow_null=True, allow_blank=True)
    hourly_wage_at_entry = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True,
                                                    allow_null=True)
    prior_quarter_earnings = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True,
                                                      allow_null=True)
    benefits = serializers.SerializerMethodField()
    abawd = serializers.BooleanField(read_only=True, allow_null=True)
    snap_participation = serializers.ChoiceField(choices=Participant.SnapParticipation.choices, read_only=True,
                                                 allow_null=True, allow_blank=True)

    sections: ClassVar[dict[str, tuple[str, ...]]] = {
        "owner": ("ssn_last4", "date_of_birth", "barriers"),
        "enrollment": ("status", "streams", "current_cohort", "cohorts"),
        "services": ("service_totals",),
        "credentials": ("credentials", "skill_gains"),
        "employment": ("next_check_due", "next_check", "employment_status_at_entry", "hourly_wage_at_entry",
                       "prior_quarter_earnings"),
        "benefits": ("benefits", "abawd", "snap_participation"),
    }

    class Meta(ParticipantListSerializer.Meta):
        fields = [*ParticipantListSerializer.Meta.fields, "ssn_last4", "date_of_birth", "email", "phone", "address",
                  "city", "state", "postal_code", "sex", "ethnicity", "race", "veteran", "education_at_entry",
                  "intake_date", "barriers", "cohorts", "service_totals", "credentials", "skill_gains",
                  "next_check", "employment_status_at_entry", "hourly_wage_at_entry", "prior_quarter_earnings",
                  "benefits", "abawd", "snap_participation", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=BARRIER_CHOICES),
                                               allow_null=True))
    def get_barriers(self, participant: Participant) -> list[str]:
        return [code for code in BARRIER_CODES if getattr(participant, f"barrier_{code}")]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=BENEFIT_CHOICES),
                                               allow_null=True))
    def get_benefits(self, participant: Participant) -> list[str]:
        return [code for code in BENEFIT_CODES if getattr(participant, f"benefit_{code}")]

    @extend_schema_field(CohortEnrollmentBriefSerializer(allow_null=True))
    def get_current_cohort(self, participant: Participant) -> dict[str, Any] | None:
        cohorts = getattr(participant, "api_cohorts", None) or []
        return CohortEnrollmentBriefSerializer(cohorts[0]).data if cohorts else None


class StreamEntrySerializer(serializers.Serializer):
    stream = serializers.SlugRelatedField(slug_field="code", queryset=FundingStream.objects.all(),
                                          help_text="Funding stream code (see /api/v1/funding-streams/)")
    entry_date = serializers.DateField(required=False, help_text="Today if not given")


class ParticipantInputSerializer(serializers.Serializer):
    """A person's intake data (DOMAIN.md §3). On update, only the fields sent change; ``barriers`` and
    ``benefits`` sent replace the stored ones."""

    first_name = serializers.CharField(max_length=80)
    middle_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=80)
    preferred_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    ssn = serializers.CharField(max_length=20, required=False, allow_blank=True, write_only=True, trim_whitespace=True,
                                help_text="Nine digits, e.g. 123-45-6789. Stored encrypted and never returned: "
                                          "reads show the last four digits to the record's owners only")
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Participant.Sex.choices, required=False, allow_blank=True)
    ethnicity = serializers.ChoiceField(choices=Participant.Ethnicity.choices, required=False, allow_blank=True)
    race = serializers.ChoiceField(choices=Participant.Race.choices, required=False, allow_blank=True)
    veteran = serializers.BooleanField(required=False)
    education_at_entry = serializers.ChoiceField(choices=Participant.Education.choices, required=False,
                                                 allow_blank=True)
    employment_status_at_entry = serializers.ChoiceField(choices=Participant.EmploymentStatus.choices,
                                                         required=False, allow_blank=True)
    hourly_wage_at_entry = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False,
                                                    allow_null=True)
    prior_quarter_earnings = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, required=False,
                                                      allow_null=True)
    barriers = serializers.ListField(child=serializers.ChoiceField(choices=BARRIER_CHOICES), required=False,
                                     max_length=len(BARRIER_CODES))
    benefits = serializers.ListField(child=serializers.ChoiceField(choices=BENEFIT_CHOICES), required=False,
                                     max_length=len(BENEFIT_CODES), help_text="Benefits at entry")
    abawd = serializers.BooleanField(required=False)
    snap_participation = serializers.ChoiceField(choices=Participant.SnapParticipation.choices, required=False,
                                                 allow_blank=True)
    intake_date = serializers.DateField(required=False, allow_null=True)

    def service_fields(self) -> dict[str, Any]:
        """The validated data as participants.services takes it (barrier and benefit codes as flags)."""
        data = dict(self.validated_data)
        if "barriers" in data:
            chosen = set(data.pop("barriers"))
            data.update({f"barrier_{code}": code in chosen for code in BARRIER_CODES})
        if "benefits" in data:
            chosen = set(data.pop("benefits"))
            data.update({f"benefit_{code}": code in chosen for code in BENEFIT_CODES})
        return data


class ParticipantCreateSerializer(ParticipantInputSerializer):
    organization = TenantPrimaryKeyField(Organization, required=False, allow_null=True,
                                         help_text="Convener staff: the partner organization that owns the record "
                                                   "(a case manager's people belong to their organization)")
    confirm_duplicate = serializers.BooleanField(
        default=False, help_text="Create the record although it may be someone already on file (after a 409)")
    streams = serializers.ListField(child=StreamEntrySerializer(), required=False, max_length=20,
                                    help_text="Funding streams to enroll the person in at once")


class DuplicateCandidateSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    readable = serializers.BooleanField(help_text="The caller may open this record")


class DuplicateSerializer(serializers.Serializer):
    """409: the person may already be on file. Nothing was saved."""

    detail = serializers.CharField()
    candidates = DuplicateCandidateSerializer(many=True)
    confirm_duplicate = serializers.BooleanField(
        help_text="Send the same request again with this flag (true) to create a separate record anyway")


# ---------------------------------------------------------------------------------------------------
# Funding streams
# ---------------------------------------------------------------------------------------------------
class StreamEnrollmentSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)
    stream = StreamBriefSerializer(read_only=True)

    class Meta:
        model = StreamEnrollment
        fields = ["id", "participant", "stream", "entry_date", "exit_date", "exit_source", "exit_reason",
                  "exclusion_reason", "is_open", "updated_at"]


class StreamEnrollmentInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    stream = serializers.SlugRelatedField(slug_field="code", queryset=FundingStream.objects.all(),
                                          help_text="Funding stream code (see /api/v1/funding-streams/)")
    entry_date = serializers.DateField(required=False, help_text="Today if not given")


class StreamExitSerializer(serializers.Serializer):
    exit_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    exclusion_reason = serializers.ChoiceField(choices=StreamEnrollment.Exclusion.choices, required=False,
                                               allow_blank=True, default="",
                                               help_text="A WIOA exclusion from performance, if one applies")


# ---------------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------------
class ConsentSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)
    recipients = OrganizationBriefSerializer(many=True, read_only=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=CATEGORY_CHOICES), read_only=True)
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=PURPOSE_CHOICES), read_only=True)
    current = serializers.SerializerMethodField(help_text="Signed, not expired and not revoked today")
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True, allow_null=True,
                                        default=None)

    class Meta:
        model = Consent
        fields = ["id", "participant", "recipients", "categories", "purposes", "signed_on", "expires_on", "current",
                  "revoked_at", "revocation_note", "recorded_by", "created_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, consent: Consent) -> bool:
        today: date = self.context.get("today") or timezone.localdate()
        return consent.is_current(today)


class ConsentInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    recipients = TenantPrimaryKeyField(Organization, many=True, help_text="Organizations the person agrees to "
                                                                         "share with")
    categories = serializers.ListField(child=serializers.ChoiceField(choices=CATEGORY_CHOICES), max_length=10)
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=PURPOSE_CHOICES), max_length=10)
    signed_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)


class ConsentRevokeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------------
# Supportive services
# ---------------------------------------------------------------------------------------------------
class SupportiveServiceSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)
    stream = StreamBriefSerializer(source="stream_enrollment.stream", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True, allow_null=True,
                                        default=None)

    class Meta:
        model = SupportiveService
        fields = ["id", "participant", "stream_enrollment", "stream", "service_type", "amount", "provided_on",
                  "vendor", "status", "note", "recorded_by", "updated_at"]


class SupportiveServiceInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    stream = serializers.CharField(max_length=40, help_text="Code of a funding stream the person is enrolled in "
                                                            "on that date")
    service_type = serializers.ChoiceField(choices=SupportiveService.ServiceType.choices)
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, help_text="$")
    provided_on = serializers.DateField()
    vendor = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=SupportiveService.Status.choices,
                                     default=SupportiveService.Status.REQUESTED)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ServiceStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupportiveService.Status.choices,
                                     help_text="requested -> approved or denied; approved -> paid or denied")


# ---------------------------------------------------------------------------------------------------
# Case notes
# ---------------------------------------------------------------------------------------------------
class CaseNoteSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)
    author = serializers.CharField(source="author.full_name", read_only=True, allow_null=True, default=None)
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseNote
        fields = ["id", "participant", "author", "organization", "noted_on", "text", "confidential", "created_at"]


class CaseNoteInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    text = serializers.CharField(max_length=10_000)
    noted_on = serializers.DateField(required=False, help_text="Today if not given")
    confidential = serializers.BooleanField(default=False,
                                            help_text="Read only inside the author's organization")


# ---------------------------------------------------------------------------------------------------
# Placements, retention checks, wages
# ---------------------------------------------------------------------------------------------------
class RetentionCheckBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionCheck
        fields = ["id", "milestone_days", "due_on", "checked_on", "employed", "same_employer", "current_wage"]


class PlacementSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)
    employer = OrganizationBriefSerializer(read_only=True, allow_null=True)
    occupation = OccupationSerializer(read_only=True)
    cohort = serializers.CharField(source="cohort_enrollment.cohort.name", read_only=True, allow_null=True,
                                   default=None)
    checks = RetentionCheckBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Placement
        fields = ["id", "participant", "employer", "employer_name", "occupation", "cohort_enrollment", "cohort",
                  "start_date", "hourly_wage", "hours_per_week", "related_to_training", "placement_type", "ended_on",
                  "checks", "created_at"]


class PlacementInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    employer = TenantPrimaryKeyField(Organization, required=False, allow_null=True,
                                     help_text="A partner employer; or give employer_name")
    employer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occupation = serializers.CharField(max_length=10, help_text="SOC 2018 code, e.g. 31-1131")
    start_date = serializers.DateField()
    hourly_wage = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, help_text="$/hour")
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    related_to_training = serializers.BooleanField(default=True)
    placement_type = serializers.ChoiceField(choices=Placement.PlacementType.choices,
                                             default=Placement.PlacementType.UNSUBSIDIZED)
    cohort_enrollment = TenantPrimaryKeyField(CohortEnrollment, required=False, allow_null=True,
                                              help_text="The person's cohort enrollment this job follows")


class RetentionCheckSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(source="placement.participant", read_only=True)
    employer_name = serializers.CharField(source="placement.employer_name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RetentionCheck
        fields = ["id", "placement", "participant", "employer_name", "milestone_days", "due_on", "overdue",
                  "checked_on", "employed", "same_employer", "current_wage", "note"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, check: RetentionCheck) -> bool:
        return check.is_overdue(self.context.get("today") or timezone.localdate())


class RetentionCheckInputSerializer(serializers.Serializer):
    employed = serializers.BooleanField()
    same_employer = serializers.BooleanField(required=False, allow_null=True, default=None)
    current_wage = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False,
                                            allow_null=True, default=None, help_text="$/hour")
    checked_on = serializers.DateField(required=False, help_text="Today if not given")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class QuarterlyWageSerializer(serializers.ModelSerializer):
    participant = PersonBriefSerializer(read_only=True)

    class Meta:
        model = QuarterlyWage
        fields = ["id", "participant", "year", "quarter", "wages", "employer_fein", "source", "created_at"]


class QuarterlyWageInputSerializer(serializers.Serializer):
    participant = ReadableParticipantField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    wages = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="$ in the quarter")
    employer_fein = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a declared field, not Field.source
        choices=QuarterlyWage.Source.choices, default=QuarterlyWage.Source.UI_MATCH)


# ---------------------------------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------------------------------
class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As the spreadsheet numbers it: the header is row 1")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    progress = serializers.IntegerField(read_only=True, help_text="Percent of rows checked")
    errors = ImportErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]  # a field, not .errors
    created_by = serializers.CharField(source="created_by.full_name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "status", "filename", "organization", "total_rows", "processed_rows", "imported_rows",
                  "progress", "errors", "created_by", "created_at", "finished_at"]


class ImportJobInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField(help_text="A .csv (UTF-8) or .xlsx file with the template's columns, 10 MB at most")
    organization = TenantPrimaryKeyField(Organization, required=False, allow_null=True,
                                         help_text="Convener staff: who owns imported participants")


class ImportTemplateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    columns = serializers.ListField(child=serializers.CharField())
    url = serializers.URLField(help_text="Download the CSV template")


class ImportTemplateQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices, required=False,
                                   help_text="The template to download; without it, the list of templates")


# ---------------------------------------------------------------------------------------------------
# Data rights: the full-record export (selectors.participant_record_export). These serializers document its shape in
# the OpenAPI schema; the response is the export dict itself, the same as the page's JSON download (a test keeps the
# two in step, key by key).
# ---------------------------------------------------------------------------------------------------
def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(allow_blank=True, **kwargs)


def _day(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(allow_null=True, **kwargs)


def _moment(**kwargs: Any) -> serializers.DateTimeField:
    return serializers.DateTimeField(allow_null=True, **kwargs)


def _money(help_text: str = "Exact decimal string, e.g. \"17.25\"") -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


def _who() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text="The portal user's name (or email address)")


class ExportOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ExportWorkspaceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ExportParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Internal id")
    public_id = serializers.CharField(help_text="Our own id (P-XXXXXXXX), never the SSN")
    status = serializers.ChoiceField(choices=Participant.Status.choices)
    first_name = serializers.CharField()
    middle_name = _text()
    last_name = serializers.CharField()
    preferred_name = _text()
    ssn_last4 = serializers.CharField(allow_null=True, help_text="The last four digits: the full SSN is never shown")
    ssn_on_file = serializers.BooleanField()
    date_of_birth = _day()
    age_at_entry = serializers.IntegerField(allow_null=True)
    email = _text()
    phone = _text()
    address = _text()
    city = _text()
    state = _text()
    postal_code = _text()
    sex = _text()
    ethnicity = _text()
    race = _text()
    veteran = serializers.BooleanField()
    education_at_entry = _text()
    employment_status_at_entry = _text()
    hourly_wage_at_entry = _money()
    prior_quarter_earnings = _money()
    barrier_low_income = serializers.BooleanField()
    barrier_english_learner = serializers.BooleanField()
    barrier_basic_skills = serializers.BooleanField()
    barrier_single_parent = serializers.BooleanField()
    barrier_homeless = serializers.BooleanField()
    barrier_justice_involved = serializers.BooleanField()
    barrier_long_term_unemployed = serializers.BooleanField()
    barrier_disability = serializers.BooleanField()
    barrier_no_transportation = serializers.BooleanField()
    barrier_child_care = serializers.BooleanField()
    benefit_snap = serializers.BooleanField()
    benefit_tanf = serializers.BooleanField()
    benefit_ssi = serializers.BooleanField()
    benefit_other = serializers.BooleanField()
    abawd = serializers.BooleanField()
    snap_participation = _text()
    organization = ExportOrganizationSerializer(help_text="The partner organization that owns the record")
    case_manager = _who()
    intake_date = _day()
    created_by = _who()
    created_at = _moment()
    updated_at = _moment()


class ExportStreamSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ExportStreamEnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stream = ExportStreamSerializer()
    entry_date = _day()
    exit_date = _day()
    exit_source = _text()
    exit_reason = _text()
    exclusion_reason = _text()
    created_by = _who()
    updated_at = _moment()


class ExportCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    program = serializers.CharField()
    partnership = serializers.CharField()
    start_date = _day()
    end_date = _day()


class ExportCohortEnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cohort = ExportCohortSerializer()
    status = serializers.ChoiceField(choices=CohortEnrollment.Status.choices)
    applied_on = _day()
    enrolled_on = _day()
    completed_on = _day()
    withdrawn_on = _day()
    withdrawal_reason = _text()
    seat_override = serializers.BooleanField()
    created_by = _who()
    updated_at = _moment()


class ExportSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cohort = serializers.CharField()
    day = _day()
    kind = serializers.CharField()


class ExportAttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enrollment = serializers.IntegerField(help_text="Id of the cohort enrollment")
    session = ExportSessionSerializer()
    status = serializers.CharField()
    hours = _money("Exact decimal string")
    recorded_by = _who()
    recorded_at = _moment()


class ExportConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recipients = ExportOrganizationSerializer(many=True)
    share_identity = serializers.BooleanField()
    share_enrollment = serializers.BooleanField()
    share_services = serializers.BooleanField()
    share_credentials = serializers.BooleanField()
    share_employment = serializers.BooleanField()
    share_benefits = serializers.BooleanField()
    for_coordination = serializers.BooleanField()
    for_reporting = serializers.BooleanField()
    for_evaluation = serializers.BooleanField()
    for_employer_interview = serializers.BooleanField()
    signed_on = _day()
    expires_on = _day()
    revoked_at = _moment()
    revoked_by = _who()
    revocation_note = _text()
    recorded_by = _who()
    created_at = _moment()


class ExportServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stream_enrollment = serializers.IntegerField(help_text="Id of the funding-stream enrollment that paid")
    stream = serializers.CharField(help_text="Its stream code")
    service_type = serializers.ChoiceField(choices=SupportiveService.ServiceType.choices)
    amount = _money()
    provided_on = _day()
    vendor = _text()
    status = serializers.ChoiceField(choices=SupportiveService.Status.choices)
    note = _text()
    recorded_by = _who()
    decided_by = _who()
    updated_at = _moment()


class ExportNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    noted_on = _day()
    text = serializers.CharField()
    confidential = serializers.BooleanField()
    author = _who()
    organization = ExportOrganizationSerializer(allow_null=True)
    created_at = _moment()


class ExportOccupationSerializer(serializers.Serializer):
    soc_code = serializers.CharField()
    title = serializers.CharField()


class ExportPlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employer = ExportOrganizationSerializer(allow_null=True)
    employer_name = serializers.CharField()
    occupation = ExportOccupationSerializer()
    cohort_enrollment = serializers.IntegerField(allow_null=True)
    start_date = _day()
    hourly_wage = _money()
    hours_per_week = _money("Exact decimal string")
    related_to_training = serializers.BooleanField()
    placement_type = serializers.ChoiceField(choices=Placement.PlacementType.choices)
    ended_on = _day()
    recorded_by = _who()
    created_at = _moment()


class ExportRetentionCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField()
    milestone_days = serializers.IntegerField()
    due_on = _day()
    checked_on = _day()
    employed = serializers.BooleanField(allow_null=True)
    same_employer = serializers.BooleanField(allow_null=True)
    current_wage = _money()
    note = _text()
    reminded_at = _moment()
    checked_by = _who()


class ExportWageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    wages = _money()
    employer_fein = _text()
    source = serializers.ChoiceField(choices=QuarterlyWage.Source.choices)  # type: ignore[assignment]  # a field named "source" (DRF pops declared fields)
    recorded_by = _who()
    created_at = _moment()


class ExportCredentialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enrollment = serializers.IntegerField(allow_null=True)
    program_credential = serializers.IntegerField(allow_null=True)
    ctdl_type = serializers.CharField()
    name = serializers.CharField()
    issuer = serializers.CharField()
    awarded_on = _day()
    recorded_by = _who()
    created_at = _moment()


class ExportSkillGainSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enrollment = serializers.IntegerField(allow_null=True)
    gain_type = serializers.CharField()
    achieved_on = _day()
    note = _text()
    recorded_by = _who()
    created_at = _moment()


class ExportImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number the import's error report uses (the header is 1)")
    cells = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                  help_text="The row's cells by column; an SSN shows its last four digits only")


class ExportImportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    uploaded_at = _moment()
    uploaded_by = _who()
    rows = ExportImportRowSerializer(many=True)


class ExportAuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = _moment()
    action = serializers.CharField(help_text="e.g. participant.view, participant.update, note.add")
    actor = serializers.CharField(allow_null=True)
    source = serializers.CharField(help_text="app, api, admin, import or task")  # type: ignore[assignment]  # a field named "source" (DRF pops declared fields)
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    metadata = serializers.DictField()


class ParticipantRecordExportSerializer(serializers.Serializer):
    """Everything the portal holds about one person (DOMAIN.md §6), with stable keys: every section is present
    (empty as []), dates are ISO 8601, money is an exact decimal string. Confidential notes are included: the export
    is the person's own record, read by a convener admin."""

    format = serializers.CharField(help_text=f"Always {selectors.EXPORT_FORMAT!r}")
    format_version = serializers.IntegerField()
    exported_at = _moment()
    exported_by = _who()
    workspace = ExportWorkspaceSerializer()
    participant = ExportParticipantSerializer()
    stream_enrollments = ExportStreamEnrollmentSerializer(many=True)
    cohort_enrollments = ExportCohortEnrollmentSerializer(many=True)
    attendance = ExportAttendanceSerializer(many=True)
    consents = ExportConsentSerializer(many=True)
    supportive_services = ExportServiceSerializer(many=True)
    case_notes = ExportNoteSerializer(many=True)
    placements = ExportPlacementSerializer(many=True)
    retention_checks = ExportRetentionCheckSerializer(many=True)
    quarterly_wages = ExportWageSerializer(many=True)
    credentials = ExportCredentialSerializer(many=True)
    skill_gains = ExportSkillGainSerializer(many=True)
    import_files = ExportImportFileSerializer(many=True, help_text="Rows about the person in uploaded import files")
    audit_trail = ExportAuditEventSerializer(many=True, help_text="Who viewed or changed the record, oldest first")

"""Serializers of the employer-demand API. Input serializers check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from employers.models import (
    Competency,
    CredentialType,
    DemandRun,
    DemandSnapshot,
    DemandSurvey,
    Occupation,
    Skill,
    SkillNeed,
    SurveyInvitation,
)
from partnerships.api.serializers import OrganizationBriefSerializer, PartnershipBriefSerializer, TenantPrimaryKeyField
from partnerships.models import Organization, Partnership

MAX_OPENINGS = 100_000
SMALL_INT = 32_767


# ---------------------------------------------------------------------------------------------------
# Public reference data
# ---------------------------------------------------------------------------------------------------
class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["soc_code", "title"]


class SkillSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="basic or cross_functional")

    class Meta:
        model = Skill
        fields = ["id", "onet_id", "name", "kind", "group", "description"]


class CompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "name", "description"]


class CompetencyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


# ---------------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------------
class SurveyOutputSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)
    invited = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = DemandSurvey
        fields = ["id", "partnership", "title", "opens_on", "closes_on", "quarters", "reminder_every_days",
                  "invited", "answered", "created_at"]


class SurveyCreateSerializer(serializers.Serializer):
    partnership = TenantPrimaryKeyField(Partnership)
    title = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    quarters = serializers.ListField(child=serializers.CharField(max_length=6), min_length=4, max_length=8,
                                     help_text='4 to 8 consecutive quarters, e.g. ["2027Q1", "2027Q2", ...]')
    reminder_every_days = serializers.IntegerField(min_value=1, max_value=90, default=7)


class SurveyUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    opens_on = serializers.DateField(required=False)
    closes_on = serializers.DateField(required=False)
    reminder_every_days = serializers.IntegerField(min_value=1, max_value=90, required=False)


class SurveyResponseSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    answered = serializers.SerializerMethodField()
    needs = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyInvitation
        fields = ["id", "organization", "answered", "needs", "invited_at", "responded_at", "reminders_sent",
                  "last_reminded_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_answered(self, invitation: SurveyInvitation) -> bool:
        return invitation.responded_at is not None


# ---------------------------------------------------------------------------------------------------
# Skill needs
# ---------------------------------------------------------------------------------------------------
class QuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField(max_length=6, help_text="e.g. 2027Q1; one of the survey's quarters")
    # No minimum here: the service refuses negative openings with a message naming the quarter.
    new_positions = serializers.IntegerField(max_value=MAX_OPENINGS, default=0)
    replacements = serializers.IntegerField(max_value=MAX_OPENINGS, default=0)


class CredentialSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    ctdl_type = serializers.ChoiceField(choices=CredentialType.choices, help_text="CTDL credential class")


class SkillBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name"]


class NeedOutputSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)
    employer = OrganizationBriefSerializer(read_only=True)
    occupation = OccupationSerializer(read_only=True)
    quarters = QuarterSerializer(many=True, read_only=True)
    skills = SkillBriefSerializer(many=True, read_only=True)
    competencies = CompetencySerializer(many=True, read_only=True)
    credentials = CredentialSerializer(many=True, read_only=True)

    class Meta:
        model = SkillNeed
        fields = ["id", "survey", "partnership", "employer", "occupation", "status", "quarters", "work_location",
                  "skills", "competencies", "credentials", "min_education", "experience_months", "wage_min",
                  "wage_max", "shift", "requires_background_check", "requires_drug_test",
                  "requires_drivers_license", "apprenticeship_slots", "internship_slots", "ojt_slots",
                  "job_shadows", "tours", "mock_interviews", "guaranteed_interviews", "notes", "submitted_at",
                  "confirmed_at", "updated_at"]


class NeedInputSerializer(serializers.Serializer):
    """A need as an employer enters it. ``employer`` defaults to the caller's own employer."""

    survey = TenantPrimaryKeyField(DemandSurvey)
    employer = TenantPrimaryKeyField(Organization, required=False,
                                     help_text="Convener staff only; employer representatives enter their own")
    occupation = serializers.CharField(max_length=10,
                                       help_text="SOC 2018 code, e.g. 51-4121 (see /api/v1/occupations/)")
    quarters = QuarterSerializer(many=True)
    work_location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    skills = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all(), many=True, required=False)
    competencies = TenantPrimaryKeyField(Competency, many=True, required=False)
    credentials = CredentialSerializer(many=True, required=False)
    min_education = serializers.ChoiceField(choices=SkillNeed.Education.choices, required=False)
    experience_months = serializers.IntegerField(min_value=0, max_value=600, required=False)
    wage_min = serializers.DecimalField(max_digits=7, decimal_places=2, help_text="$/hour")
    wage_max = serializers.DecimalField(max_digits=7, decimal_places=2, help_text="$/hour")
    shift = serializers.ChoiceField(choices=SkillNeed.Shift.choices, required=False)
    requires_background_check = serializers.BooleanField(required=False)
    requires_drug_test = serializers.BooleanField(required=False)
    requires_drivers_license = serializers.BooleanField(required=False)
    apprenticeship_slots = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    internship_slots = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    ojt_slots = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    job_shadows = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    tours = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    mock_interviews = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    guaranteed_interviews = serializers.IntegerField(min_value=0, max_value=SMALL_INT, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    submit = serializers.BooleanField(default=False, help_text="Submit the need to the convener now")

    def validate_quarters(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = [q["quarter"] for q in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Give each quarter once.")
        return value


class NeedUpdateSerializer(NeedInputSerializer):
    """The same fields, minus the survey and the employer, which a need keeps."""

    survey = None  # type: ignore[assignment]
    employer = None  # type: ignore[assignment]


# ---------------------------------------------------------------------------------------------------
# Demand: snapshots, runs, the viewer's figures
# ---------------------------------------------------------------------------------------------------
class SnapshotSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)

    class Meta:
        model = DemandSnapshot
        fields = ["id", "partnership", "version", "computed_at", "survey", "run"]


class DemandViewSerializer(serializers.Serializer):
    """A snapshot's figures as the caller may see them. Cells built from fewer than 3 employers carry
    ``suppressed: true`` and null values for employers and funders; convener staff see every figure."""

    version = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    survey = serializers.JSONField(allow_null=True)
    area = serializers.JSONField(allow_null=True)
    suppression = serializers.JSONField()
    totals = serializers.JSONField()
    occupations = serializers.ListField(child=serializers.JSONField())
    by_quarter = serializers.ListField(child=serializers.JSONField())
    skills = serializers.ListField(child=serializers.JSONField())
    competencies = serializers.ListField(child=serializers.JSONField())
    credentials = serializers.ListField(child=serializers.JSONField())
    size_bands = serializers.ListField(child=serializers.JSONField())
    work_based_learning = serializers.JSONField()
    supply_note = serializers.CharField()


class RunSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)

    class Meta:
        model = DemandRun
        fields = ["id", "partnership", "status", "progress", "trigger", "requested_at", "started_at",
                  "finished_at", "error"]


class MarketWageQuerySerializer(serializers.Serializer):
    soc = serializers.CharField(max_length=10, help_text="SOC 2018 code, e.g. 51-4121")
    wage = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False,
                                    help_text="An hourly wage to place among the market percentiles")


class MarketWageSerializer(serializers.Serializer):
    area = serializers.CharField()
    occupation = OccupationSerializer()
    hourly_p10 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    hourly_p25 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    hourly_median = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    hourly_p75 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    hourly_p90 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    wage = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    below_p10 = serializers.BooleanField(allow_null=True)
    above_p90 = serializers.BooleanField(allow_null=True)
    sentence = serializers.CharField(allow_blank=True)

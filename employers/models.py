"""Employer demand: public reference data (SOC occupations, OEWS wages), then surveys and skill needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from partnerships.tenancy import TenantOwnedModel


class LaborMarketArea(models.Model):
    """An OEWS area: the nation, a state, or a metropolitan area. Public reference data, not tenant-owned."""

    class AreaType(models.TextChoices):
        NATIONAL = "N", "National"
        STATE = "S", "State"
        METRO = "M", "Metropolitan area"

    code = models.CharField(max_length=7, unique=True)
    area_type = models.CharField(max_length=1, choices=AreaType.choices)
    state_fips = models.CharField(max_length=2)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["area_type", "name"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """A SOC 2018 occupation or group (code like 51-4121). Public reference data."""

    soc_code = models.CharField("SOC code", max_length=7, unique=True)
    title = models.CharField(max_length=200)
    # 0 major group, 1 minor group, 2 broad occupation, 3 detailed occupation (OEWS display level).
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["soc_code"]
        indexes = [models.Index(fields=["level", "soc_code"], name="occupation_level_code")]

    def __str__(self) -> str:
        return f"{self.soc_code} {self.title}"

    @property
    def is_detailed(self) -> bool:
        return self.level == 3


class OccupationWage(models.Model):
    """OEWS cross-industry employment and wages of one occupation in one area (May 2025 release)."""

    area = models.ForeignKey(LaborMarketArea, on_delete=models.CASCADE, related_name="wages")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="wages")
    release = models.CharField(max_length=8, default="2025A01")
    employment = models.PositiveIntegerField(null=True, blank=True)
    hourly_mean = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p10 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p25 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p75 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p90 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    annual_mean = models.PositiveIntegerField(null=True, blank=True)
    annual_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_p25 = models.PositiveIntegerField(null=True, blank=True)
    annual_median = models.PositiveIntegerField(null=True, blank=True)
    annual_p75 = models.PositiveIntegerField(null=True, blank=True)
    annual_p90 = models.PositiveIntegerField(null=True, blank=True)
    # BLS marks top-coded wages (>= $115/hour) and unreleased estimates; kept so pages can say so.
    footnotes = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "occupation", "release"], name="wage_one_per_area_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.soc_code} in {self.area}"


# ---------------------------------------------------------------------------
# Skills (O*NET, public) and competencies (each tenant's own)
# ---------------------------------------------------------------------------
class Skill(models.Model):
    """One of O*NET's 35 basic and cross-functional skills (O*NET 30, CC BY 4.0, credited in the UI)."""

    class Kind(models.TextChoices):
        BASIC = "basic", "Basic skill"
        CROSS_FUNCTIONAL = "cross_functional", "Cross-functional skill"

    onet_id = models.CharField("O*NET element id", max_length=12, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    group = models.CharField(max_length=60, help_text="O*NET skill group, e.g. Content, Process, Technical Skills")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Competency(TenantOwnedModel):
    """A competency a convener defines for its partnerships (e.g. "Infection control", "MIG welding")."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["convener", "name"], name="competency_unique_per_convener")]

    def __str__(self) -> str:
        return self.name


class CredentialType(models.TextChoices):
    """CTDL (Credential Engine) credential classes."""

    CERTIFICATE = "ceterms:Certificate", "Certificate"
    CERTIFICATION = "ceterms:Certification", "Certification"
    LICENSE = "ceterms:License", "License"
    APPRENTICESHIP_CERTIFICATE = "ceterms:ApprenticeshipCertificate", "Apprenticeship certificate"
    ASSOCIATE_DEGREE = "ceterms:AssociateDegree", "Associate degree"
    DIPLOMA = "ceterms:SecondarySchoolDiploma", "Diploma or GED"
    BADGE = "ceterms:DigitalBadge", "Badge"
    OTHER = "ceterms:Credential", "Other credential"


# ---------------------------------------------------------------------------
# Demand surveys and skill needs (tenant-owned)
# ---------------------------------------------------------------------------
class DemandSurvey(TenantOwnedModel):
    """A demand-planning survey cycle of one partnership (Talent Pipeline Management strategy 3)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    # Quarters asked about, e.g. ["2027Q1", "2027Q2", ...]: 4 to 8 of them, consecutive.
    quarters = models.JSONField(default=list)
    reminder_every_days = models.PositiveSmallIntegerField(default=7)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="survey_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


class SurveyInvitation(TenantOwnedModel):
    """An employer asked to answer a survey; answered once it submits a need."""

    survey = models.ForeignKey(DemandSurvey, on_delete=models.CASCADE, related_name="invitations")
    organization = models.ForeignKey(
        "partnerships.Organization", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "organization"], name="survey_invitation_once_per_employer"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} · {self.survey.title}"


class SkillNeed(TenantOwnedModel):
    """One employer's need for one occupation in one survey cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CONFIRMED = "confirmed", "Confirmed"

    class Education(models.TextChoices):
        NONE = "none", "No formal requirement"
        HIGH_SCHOOL = "high_school", "High school diploma or GED"
        POSTSECONDARY_CERT = "postsecondary_certificate", "Postsecondary certificate"
        SOME_COLLEGE = "some_college", "Some college"
        ASSOCIATE = "associate", "Associate degree"
        BACHELOR = "bachelor", "Bachelor's degree"

    class Shift(models.TextChoices):
        DAY = "day", "Day"
        EVENING = "evening", "Evening"
        NIGHT = "night", "Night"
        ROTATING = "rotating", "Rotating"
        WEEKEND = "weekend", "Weekend"
        FLEXIBLE = "flexible", "Flexible"

    survey = models.ForeignKey(DemandSurvey, on_delete=models.PROTECT, related_name="needs")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="skill_needs")
    employer = models.ForeignKey("partnerships.Organization", on_delete=models.PROTECT, related_name="skill_needs")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="skill_needs")
    work_location = models.CharField(max_length=200, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="skill_needs")
    competencies = models.ManyToManyField(Competency, blank=True, related_name="skill_needs")
    min_education = models.CharField(max_length=32, choices=Education.choices, default=Education.HIGH_SCHOOL)
    experience_months = models.PositiveSmallIntegerField(default=0)
    wage_min = models.DecimalField("starting wage from ($/hour)", max_digits=7, decimal_places=2)
    wage_max = models.DecimalField("starting wage to ($/hour)", max_digits=7, decimal_places=2)
    shift = models.CharField(max_length=12, choices=Shift.choices, default=Shift.DAY)
    requires_background_check = models.BooleanField(default=False)
    requires_drug_test = models.BooleanField(default=False)
    requires_drivers_license = models.BooleanField(default=False)
    apprenticeship_slots = models.PositiveSmallIntegerField(default=0)
    internship_slots = models.PositiveSmallIntegerField(default=0)
    ojt_slots = models.PositiveSmallIntegerField("OJT slots", default=0)
    job_shadows = models.PositiveSmallIntegerField(default=0)
    tours = models.PositiveSmallIntegerField(default=0)
    mock_interviews = models.PositiveSmallIntegerField(default=0)
    guaranteed_interviews = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Sums of the need's quarters, written with them by skill_need_save: the aggregation groups skills,
    # credentials and occupations by need without re-joining every quarter row.
    new_positions_total = models.PositiveIntegerField(default=0, editable=False)
    replacements_total = models.PositiveIntegerField(default=0, editable=False)
    openings_total = models.PositiveIntegerField(default=0, editable=False)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occupation__soc_code", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(wage_max__gte=models.F("wage_min")),
                                   name="need_wage_range_ordered"),
        ]
        indexes = [models.Index(fields=["convener", "partnership", "survey", "status"], name="need_aggregation")]

    def __str__(self) -> str:
        return f"{self.employer.name}: {self.occupation.title}"

    @property
    def wage_midpoint(self) -> Decimal:
        return (self.wage_min + self.wage_max) / 2


class SkillNeedQuarter(TenantOwnedModel):
    """Projected openings of one need in one quarter, split into new positions and replacements."""

    need = models.ForeignKey(SkillNeed, on_delete=models.CASCADE, related_name="quarters")
    quarter = models.CharField(max_length=6)
    new_positions = models.PositiveIntegerField(default=0)
    replacements = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["quarter"]
        constraints = [models.UniqueConstraint(fields=["need", "quarter"], name="need_quarter_once")]

    def __str__(self) -> str:
        return f"{self.need} {self.quarter}: {self.new_positions}+{self.replacements}"


class SkillNeedCredential(TenantOwnedModel):
    """A credential a need requires, typed by its CTDL class."""

    need = models.ForeignKey(SkillNeed, on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=150)
    ctdl_type = models.CharField("CTDL type", max_length=48, choices=CredentialType.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_ctdl_type_display()})"


# ---------------------------------------------------------------------------
# Aggregation runs and stored snapshots (pages read snapshots; they never aggregate)
# ---------------------------------------------------------------------------
class DemandRun(TenantOwnedModel):
    """One aggregation of a partnership's demand: queued, running, done (or failed, or skipped as stale)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (superseded)"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="demand_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100")
    trigger = models.CharField(max_length=40, default="change")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Demand run {self.pk} of {self.partnership.name} ({self.status})"


class DemandSnapshot(TenantOwnedModel):
    """A dated, versioned result of aggregation. ``data`` holds every figure with its employer count."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="demand_snapshots"
    )
    survey = models.ForeignKey(DemandSurvey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    run = models.OneToOneField(DemandRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshot")
    version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="snapshot_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership.name} demand v{self.version} ({self.computed_at:%Y-%m-%d})"

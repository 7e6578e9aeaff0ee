"""Programs and cohorts: the training a partnership buys to answer aggregated demand (DOMAIN.md §3).

A **program** is a convener's catalogue entry (type, providers, target SOC occupations, CTDL credentials,
CIP code, length, cost, funding streams, entry requirements, apprenticeship wage steps). A **cohort** is one
run of a program inside one partnership: dates, seats, schedule and session days, host employers and their
commitments, and a roster of enrollments with attendance, completions, credentials and skill gains.

Every row here is tenant-owned. Writes go through programs/services.py, reads through programs/selectors.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from employers.models import CredentialType
from partnerships.tenancy import TenantOwnedModel

# CIP 2020: a 2-digit series ("48"), a 4-digit series ("48.05") or a 6-digit program code ("48.0508").
CIP_VALIDATOR = RegexValidator(
    r"^\d{2}(\.\d{2}(\d{2})?)?$",
    "Enter a CIP 2020 code such as 48.0508 (or a series such as 48 or 48.05).",
)


class FundingStream(models.Model):
    """A funding stream (DOMAIN.md §3). Public reference data, seeded by migration; not tenant-owned."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    # SNAP E&T 50/50 funds are reimbursed at half; 100% funds are the state's capped grant.
    description = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


FUNDING_STREAMS: list[tuple[str, str, str]] = [
    ("snap_et_100", "SNAP E&T (100% grant)", "Federal SNAP Employment & Training 100 percent funds"),
    ("snap_et_50", "SNAP E&T (50/50 match)", "SNAP E&T funds reimbursed at 50 percent of non-federal spending"),
    ("tanf", "TANF", "Temporary Assistance for Needy Families work activities"),
    ("wioa_adult", "WIOA Adult", "WIOA Title I Adult program"),
    ("wioa_dw", "WIOA Dislocated Worker", "WIOA Title I Dislocated Worker program"),
    ("wioa_youth", "WIOA Youth", "WIOA Title I Youth program"),
    ("pell", "Pell Grant", "Federal Pell Grant (including short-term eligible programs)"),
    ("perkins", "Perkins V", "Carl D. Perkins Career and Technical Education"),
    ("employer_paid", "Employer-paid", "Tuition or wages paid by the hiring employer"),
    ("philanthropy", "Philanthropy", "Foundation or corporate giving"),
    ("state_grant", "State grant", "A state workforce or training grant"),
    ("other", "Other", "Any other source"),
]


class Program(TenantOwnedModel):
    """A training program in the convener's catalogue."""

    class ProgramType(models.TextChoices):
        PRE_EMPLOYMENT = "pre_employment", "Pre-employment training"
        PRE_APPRENTICESHIP = "pre_apprenticeship", "Pre-apprenticeship"
        REGISTERED_APPRENTICESHIP = "registered_apprenticeship", "Registered apprenticeship"
        PAID_INTERNSHIP = "paid_internship", "Paid internship"
        OJT = "ojt", "On-the-job training (OJT)"
        IET = "iet", "Integrated education and training"
        INCUMBENT_WORKER = "incumbent_worker", "Incumbent-worker training"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    program_type = models.CharField("type", max_length=32, choices=ProgramType.choices)
    description = models.TextField(blank=True)
    provider = models.ForeignKey(
        "partnerships.Organization", on_delete=models.PROTECT, related_name="programs_led",
        help_text="The lead training provider.",
    )
    other_providers = models.ManyToManyField(
        "partnerships.Organization", blank=True, related_name="programs_supported",
        help_text="Further providers that deliver part of the program.",
    )
    target_occupations = models.ManyToManyField("employers.Occupation", blank=True, related_name="programs")
    cip_code = models.CharField("CIP 2020 code", max_length=7, blank=True, validators=[CIP_VALIDATOR])
    length_weeks = models.PositiveSmallIntegerField(
        "length (weeks)", validators=[MinValueValidator(1)], null=True, blank=True)
    contact_hours = models.PositiveIntegerField(null=True, blank=True)
    cost_per_participant = models.DecimalField(
        "cost per participant ($)", max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_streams = models.ManyToManyField(FundingStream, blank=True, related_name="programs")
    rapids_number = models.CharField(
        "RAPIDS or registration number", max_length=40, blank=True,
        help_text="Registered apprenticeships: the RAPIDS program number or the state registration number.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["convener", "name"], name="program_name_unique")]
        indexes = [models.Index(fields=["convener", "status", "name"], name="program_catalogue")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_apprenticeship(self) -> bool:
        return self.program_type == self.ProgramType.REGISTERED_APPRENTICESHIP


class ProgramCredential(TenantOwnedModel):
    """A credential a program awards, typed by CTDL, with its issuer."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=200)
    ctdl_type = models.CharField("CTDL type", max_length=48, choices=CredentialType.choices)
    issuer = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class ProgramRequirement(TenantOwnedModel):
    """An entry requirement or a screening criterion, e.g. "must pass a drug test", "6th-grade reading level",
    with the employers that ask for it."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry requirement"
        SCREENING = "screening", "Screening criterion"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ENTRY)
    description = models.CharField(max_length=200)
    employers = models.ManyToManyField(
        "partnerships.Organization", blank=True, related_name="program_requirements",
        help_text="Employers that share this requirement.",
    )

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.description


class WageStep(TenantOwnedModel):
    """One step of a registered apprenticeship's wage progression."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="wage_steps")
    step = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    after_hours = models.PositiveIntegerField(
        "after (on-the-job hours)", default=0, help_text="On-the-job hours completed before this step applies."
    )
    hourly_wage = models.DecimalField("hourly wage ($)", max_digits=7, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["step"]
        constraints = [models.UniqueConstraint(fields=["program", "step"], name="wage_step_once")]

    def __str__(self) -> str:
        return f"{self.program.name} step {self.step}: ${self.hourly_wage}/hour"


class Cohort(TenantOwnedModel):
    """One run of a program within a partnership."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RECRUITING = "recruiting", "Recruiting"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    # Where each status may go next (cohort_set_status enforces it).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "planned": ("recruiting", "in_progress", "cancelled"),
        "recruiting": ("planned", "in_progress", "cancelled"),
        "in_progress": ("completed", "cancelled"),
        "completed": (),
        "cancelled": ("planned",),
    }
    # Statuses whose seats count as pipeline supply in the demand aggregation.
    PIPELINE = ("planned", "recruiting", "in_progress")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    target_occupation = models.ForeignKey(
        "employers.Occupation", on_delete=models.PROTECT, null=True, blank=True, related_name="cohorts",
        help_text="The SOC occupation this cohort trains for; its seats count as supply against that demand.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    seats = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    location = models.CharField(max_length=200, blank=True)
    # Weekly pattern: weekday (0 = Monday) -> kind of day, e.g. {"0": "classroom", ..., "4": "worksite"}.
    weekly_pattern = models.JSONField(default=dict, blank=True)
    schedule_note = models.CharField(
        max_length=300, blank=True, help_text="e.g. 4 classroom days and 1 hospital day a week, 8:30 to 3:30"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True)
    demand_snapshot = models.ForeignKey(
        "employers.DemandSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="cohorts",
        help_text="The demand snapshot whose gap this cohort was started from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="cohort_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["convener", "partnership", "status"], name="cohort_pipeline"),
            models.Index(fields=["convener", "program", "start_date"], name="cohort_by_program"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open_for_roster(self) -> bool:
        return self.status not in (self.Status.CANCELLED,)


class CohortEmployer(TenantOwnedModel):
    """A host or partner employer of a cohort, with what it commits to."""

    class Kind(models.TextChoices):
        HOST = "host", "Host employer"
        PARTNER = "partner", "Partner employer"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="employers")
    employer = models.ForeignKey("partnerships.Organization", on_delete=models.PROTECT, related_name="cohort_roles")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.HOST)
    guaranteed_interviews = models.PositiveSmallIntegerField(default=0)
    planned_hires = models.PositiveSmallIntegerField(default=0)
    internship_slots = models.PositiveSmallIntegerField(default=0)
    ojt_slots = models.PositiveSmallIntegerField("OJT slots", default=0)
    tours = models.PositiveSmallIntegerField(default=0)
    mock_interviews = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "employer__name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "employer"], name="cohort_employer_once")]

    def __str__(self) -> str:
        return f"{self.employer.name} ({self.get_kind_display()})"


class CohortSession(TenantOwnedModel):
    """One session day of a cohort: the unit attendance is kept in."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", "Classroom"
        WORKSITE = "worksite", "Worksite"
        ONLINE = "online", "Online"
        LAB = "lab", "Lab or shop"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CLASSROOM)
    hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("6.00"),
                                validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["cohort", "day"], name="cohort_session_once_a_day")]

    def __str__(self) -> str:
        return f"{self.cohort.name} · {self.day:%a %b %-d}"


class CohortEnrollment(TenantOwnedModel):
    """A participant on a cohort's roster: applied → enrolled → active → completed or withdrawn."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        ENROLLED = "enrolled", "Enrolled"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Statuses that hold a seat.
    SEATED = ("enrolled", "active", "completed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="cohort_enrollments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ENROLLED, db_index=True)
    applied_on = models.DateField(null=True, blank=True)
    enrolled_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=200, blank=True)
    seat_override = models.BooleanField(
        default=False, help_text="Enrolled past the seat limit on a convener's explicit override."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["participant__last_name", "participant__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "participant"], name="enrollment_once_per_cohort"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(enrolled_on__isnull=True)
                | Q(completed_on__gte=F("enrolled_on")),
                name="enrollment_completes_after_enrolling",
            ),
        ]
        # The seat figures of a page of cohorts are counted from this index alone (programs.selectors).
        indexes = [models.Index(fields=["convener", "cohort", "status"], name="enrollment_by_cohort_status")]

    def __str__(self) -> str:
        return f"{self.participant} in {self.cohort}"


class AttendanceRecord(TenantOwnedModel):
    """One participant's attendance on one session day."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        EXCUSED = "excused", "Excused"
        ABSENT = "absent", "Absent"

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(CohortEnrollment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=8, choices=Status.choices)
    hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__day"]
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.enrollment.participant} {self.session.day}: {self.status}"


class CredentialAward(TenantOwnedModel):
    """A credential a participant earned (DOMAIN.md §3), typed by CTDL."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="credential_awards"
    )
    enrollment = models.ForeignKey(
        CohortEnrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="credential_awards"
    )
    program_credential = models.ForeignKey(
        ProgramCredential, on_delete=models.SET_NULL, null=True, blank=True, related_name="awards"
    )
    ctdl_type = models.CharField("CTDL type", max_length=48, choices=CredentialType.choices)
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=200)
    awarded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_on", "name"]
        indexes = [models.Index(fields=["convener", "-awarded_on", "name"], name="credential_award_list_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.awarded_on})"


class SkillGain(TenantOwnedModel):
    """A measurable skill gain (WIOA): its type and date."""

    class GainType(models.TextChoices):
        EFL = "efl", "Educational functioning level"
        SECONDARY_DIPLOMA = "secondary_diploma", "Secondary diploma or equivalent"
        TRANSCRIPT = "transcript", "Secondary or postsecondary transcript"
        TRAINING_MILESTONE = "training_milestone", "Training milestone"
        SKILLS_PROGRESSION = "skills_progression", "Skills progression"

    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="skill_gains")
    enrollment = models.ForeignKey(
        CohortEnrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="skill_gains"
    )
    gain_type = models.CharField(max_length=24, choices=GainType.choices)
    achieved_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-achieved_on"]
        indexes = [models.Index(fields=["convener", "-achieved_on"], name="skill_gain_list_order")]

    def __str__(self) -> str:
        return f"{self.get_gain_type_display()} of {self.participant.display_name} ({self.achieved_on})"


def weekday_label(weekday: int) -> str:
    return date(2024, 1, 1 + weekday).strftime("%A")  # 2024-01-01 was a Monday

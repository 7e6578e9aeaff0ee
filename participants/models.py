"""Participants: the people case managers enroll (DOMAIN.md §3 "Participant", "Funding streams", "Activity and
outcomes", §6 privacy), aligned with the DOL PIRL (ETA-9172) where it names a field.

PII at rest:
- the SSN and the date of birth are encrypted (django-fernet-encrypted-fields: Fernet, key derived from
  SECRET_KEY and FIELD_ENCRYPTION_SALTS; rotation in the README), case notes too;
- the SSN is matched for duplicates through ``ssn_hash``, an HMAC-SHA256 under PII_HASH_KEY, never in clear;
- name + date of birth duplicates match through ``identity_hash`` (same key), so intake can warn without
  decrypting every record.
Pages show the last four SSN digits only, to roles allowed to see PII, and every PII view is audited.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from encrypted_fields.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

from participants.fields import EncryptedBinaryField
from partnerships.tenancy import TenantOwnedModel

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_public_id() -> str:
    """Our own participant id, never the SSN: P- and 8 unambiguous characters."""
    return "P-" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


class Participant(TenantOwnedModel):
    """A person in training. Owned by one partner organization, with an assigned case manager."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_DISCLOSED = "not_disclosed", "Did not self-identify"

    class Ethnicity(models.TextChoices):
        HISPANIC = "hispanic", "Hispanic or Latino"
        NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
        NOT_DISCLOSED = "not_disclosed", "Did not self-identify"

    class Race(models.TextChoices):
        AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
        ASIAN = "asian", "Asian"
        BLACK = "black", "Black or African American"
        PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
        WHITE = "white", "White"
        MULTIPLE = "multiple", "More than one race"
        NOT_DISCLOSED = "not_disclosed", "Did not self-identify"

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", "Employed"
        NOTICE = "employed_notice", "Employed, but received a notice of termination"
        NOT_EMPLOYED = "not_employed", "Not employed"

    class Education(models.TextChoices):
        NONE = "none", "No diploma"
        HSE = "hse", "High school diploma or equivalent"
        SOME_POSTSECONDARY = "some_postsecondary", "Some postsecondary"
        CERTIFICATE = "certificate", "Postsecondary certificate"
        ASSOCIATE = "associate", "Associate degree"
        BACHELOR = "bachelor", "Bachelor's degree or higher"

    class SnapParticipation(models.TextChoices):
        NOT_SNAP = "", "Not a SNAP E&T participant"
        VOLUNTARY = "voluntary", "Voluntary"
        MANDATORY = "mandatory", "Mandatory"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXITED = "exited", "Exited"

    public_id = models.CharField(max_length=12, default=new_public_id, editable=False)
    # Identity
    first_name = models.CharField(max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    ssn = EncryptedCharField("SSN", max_length=11, null=True, blank=True, editable=False)
    ssn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    identity_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Whole years at intake, derived from the encrypted date of birth on every save, so that reports can break
    # outcomes down by age band in SQL without decrypting anyone's birth date.
    age_at_entry = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Contact
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    # Demographics (self-identified)
    sex = models.CharField(max_length=16, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=16, choices=Ethnicity.choices, blank=True)
    race = models.CharField(max_length=20, choices=Race.choices, blank=True)
    veteran = models.BooleanField(default=False)
    education_at_entry = models.CharField(max_length=24, choices=Education.choices, blank=True)
    # Employment at entry
    employment_status_at_entry = models.CharField(max_length=20, choices=EmploymentStatus.choices, blank=True)
    hourly_wage_at_entry = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True,
                                               validators=[MinValueValidator(0)])
    prior_quarter_earnings = models.DecimalField(
        "earnings in the quarter before entry", max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)])
    # Barriers (DOMAIN.md §3)
    barrier_low_income = models.BooleanField("low income", default=False)
    barrier_english_learner = models.BooleanField("English learner", default=False)
    barrier_basic_skills = models.BooleanField("basic-skills deficient", default=False)
    barrier_single_parent = models.BooleanField("single parent", default=False)
    barrier_homeless = models.BooleanField("homeless", default=False)
    barrier_justice_involved = models.BooleanField("justice involved", default=False)
    barrier_long_term_unemployed = models.BooleanField("long-term unemployed (27 weeks or more)", default=False)
    barrier_disability = models.BooleanField("disability", default=False)
    barrier_no_transportation = models.BooleanField("lacks transportation", default=False)
    barrier_child_care = models.BooleanField("needs child care", default=False)
    # Benefits at entry
    benefit_snap = models.BooleanField("SNAP", default=False)
    benefit_tanf = models.BooleanField("TANF", default=False)
    benefit_ssi = models.BooleanField("SSI", default=False)
    benefit_other = models.BooleanField("other benefits", default=False)
    abawd = models.BooleanField("ABAWD (able-bodied adult without dependents)", default=False)
    snap_participation = models.CharField("SNAP E&T participation", max_length=10,
                                          choices=SnapParticipation.choices, blank=True)
    # Case
    organization = models.ForeignKey(
        "partnerships.Organization", on_delete=models.PROTECT, related_name="participants",
        help_text="The partner organization that owns this participant's record.",
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload"
    )
    intake_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    BARRIERS = ("barrier_low_income", "barrier_english_learner", "barrier_basic_skills", "barrier_single_parent",
                "barrier_homeless", "barrier_justice_involved", "barrier_long_term_unemployed", "barrier_disability",
                "barrier_no_transportation", "barrier_child_care")
    BENEFITS = ("benefit_snap", "benefit_tanf", "benefit_ssi", "benefit_other")

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "public_id"], name="participant_public_id_unique"),
        ]
        indexes = [
            # The caseload's order (last name, first name, id) within a workspace, and within one organization:
            # a page is read in index order and stops at its last row, however many people there are.
            models.Index(fields=["convener", "last_name", "first_name", "id"], name="participant_caseload_order"),
            models.Index(fields=["convener", "organization", "last_name", "first_name", "id"],
                         name="participant_by_org"),
            models.Index(fields=["convener", "ssn_hash"], name="participant_ssn_match"),
            models.Index(fields=["convener", "identity_hash"], name="participant_identity_match"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.public_id})"

    def derive_age_at_entry(self) -> None:
        """Set ``age_at_entry`` from the date of birth and the intake date (bulk inserts call this themselves)."""
        dob, entry = self.date_of_birth, self.intake_date
        if dob is None or entry is None:
            self.age_at_entry = None
            return
        years = entry.year - dob.year - ((entry.month, entry.day) < (dob.month, dob.day))
        self.age_at_entry = years if 0 <= years < 130 else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_age_at_entry()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"date_of_birth", "intake_date"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "age_at_entry"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def ssn_last4(self) -> str:
        return self.ssn[-4:] if self.ssn else ""

    @classmethod
    def label_of(cls, name: str) -> str:
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))

    def barrier_labels(self) -> list[str]:
        return [self.label_of(f) for f in self.BARRIERS if getattr(self, f)]

    def benefit_labels(self) -> list[str]:
        return [self.label_of(f) for f in self.BENEFITS if getattr(self, f)]


class StreamEnrollment(TenantOwnedModel):
    """A participant's enrollment in one funding stream (co-enrollment is several of these), with entry, exit
    and an exit exclusion reason (WIOA: exclusions leave both numerator and denominator)."""

    class ExitSource(models.TextChoices):
        DERIVED = "derived", "Derived: 90 days with no participation service and none planned"
        RECORDED = "recorded", "Recorded by staff"

    class Exclusion(models.TextChoices):
        NONE = "", "None"
        INSTITUTIONALIZED = "institutionalized", "Institutionalized"
        HEALTH = "health", "Health or medical condition"
        DECEASED = "deceased", "Deceased"
        RESERVE = "reserve", "Reserve or National Guard called to active duty"
        FOSTER_CARE = "foster_care", "Youth in foster care moved out of the area"
        INELIGIBLE = "ineligible", "Found ineligible after enrollment"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="stream_enrollments")
    stream = models.ForeignKey("programs.FundingStream", on_delete=models.PROTECT, related_name="enrollments")
    entry_date = models.DateField()
    exit_date = models.DateField(null=True, blank=True)
    exit_source = models.CharField(max_length=8, choices=ExitSource.choices, blank=True)
    exit_reason = models.CharField(max_length=200, blank=True)
    exclusion_reason = models.CharField(max_length=20, choices=Exclusion.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry_date", "stream__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "stream"], name="one_enrollment_per_stream"),
            models.CheckConstraint(condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                                   name="stream_exit_after_entry"),
        ]
        indexes = [models.Index(fields=["convener", "stream", "exit_date"], name="stream_enrollment_open")]

    def __str__(self) -> str:
        return f"{self.participant} · {self.stream}"

    @property
    def is_open(self) -> bool:
        return self.exit_date is None


class Consent(TenantOwnedModel):
    """A participant's signed consent to share data categories with named organizations, for purposes.
    Current = signed, not expired, not revoked; revocation takes effect at once."""

    CATEGORIES = ("identity", "enrollment", "services", "credentials", "employment", "benefits")
    PURPOSES = ("coordination", "reporting", "evaluation", "employer_interview")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    recipients = models.ManyToManyField("partnerships.Organization", related_name="consents_received")
    # Data categories (DOMAIN.md §3)
    share_identity = models.BooleanField("identity", default=False)
    share_enrollment = models.BooleanField("enrollment and attendance", default=False)
    share_services = models.BooleanField("services and costs", default=False)
    share_credentials = models.BooleanField("credentials", default=False)
    share_employment = models.BooleanField("employment and wages", default=False)
    share_benefits = models.BooleanField("benefit status", default=False)
    # Purposes
    for_coordination = models.BooleanField("coordination", default=False)
    for_reporting = models.BooleanField("reporting", default=False)
    for_evaluation = models.BooleanField("evaluation", default=False)
    for_employer_interview = models.BooleanField("employer interview", default=False)
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("signed_on")),
                                   name="consent_expires_after_signing"),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.participant} signed {self.signed_on}"

    def is_current(self, today: date) -> bool:
        return (self.revoked_at is None and self.signed_on <= today
                and (self.expires_on is None or self.expires_on >= today))

    def categories(self) -> list[str]:
        return [c for c in self.CATEGORIES if getattr(self, f"share_{c}")]

    def purposes(self) -> list[str]:
        return [p for p in self.PURPOSES if getattr(self, f"for_{p}")]


def current_consent_q(*, today: date, prefix: str = "") -> Q:
    """Q for consents current on ``today`` (prefix e.g. "consents__" from Participant)."""
    return (Q(**{f"{prefix}revoked_at__isnull": True, f"{prefix}signed_on__lte": today})
            & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})))


class SupportiveService(TenantOwnedModel):
    """A supportive service paid (or asked for) from a funding stream the participant is enrolled in."""

    class ServiceType(models.TextChoices):
        TRANSPORTATION = "transportation", "Transportation"
        CHILD_CARE = "child_care", "Child care"
        TOOLS = "tools", "Tools or equipment"
        UNIFORM = "uniform", "Uniform or clothing"
        FINANCIAL_COACHING = "financial_coaching", "Financial coaching"
        TUITION = "tuition", "Tuition or scholarship"
        BOOKS = "books", "Books"
        TESTING_FEE = "testing_fee", "Testing fee"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        DENIED = "denied", "Denied"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="services")
    stream_enrollment = models.ForeignKey(StreamEnrollment, on_delete=models.PROTECT, related_name="services")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    amount = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    provided_on = models.DateField()
    vendor = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Spent (or committed) money: denied and merely requested services are not.
    COUNTED = ("approved", "paid")

    class Meta:
        ordering = ["-provided_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="service_amount_not_negative")]

    def __str__(self) -> str:
        return (f"{self.get_service_type_display()} ${self.amount} for {self.participant.display_name} "
                f"({self.get_status_display()})")


class CaseNote(TenantOwnedModel):
    """A dated note with its author. A confidential note is read only inside the author's organization."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organization = models.ForeignKey(
        "partnerships.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The author's organization (empty for convener staff).",
    )
    noted_on = models.DateField()
    text = EncryptedTextField()
    confidential = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.participant} ({self.noted_on})"


class Placement(TenantOwnedModel):
    """A job: employer (a partner employer or any other), SOC occupation, start, wage, hours, type."""

    class PlacementType(models.TextChoices):
        UNSUBSIDIZED = "unsubsidized", "Unsubsidized employment"
        APPRENTICESHIP = "apprenticeship", "Registered apprenticeship"
        INTERNSHIP = "internship", "Paid internship"
        OJT = "ojt", "On-the-job training (OJT)"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="placements")
    employer = models.ForeignKey("partnerships.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="placements")
    employer_name = models.CharField(max_length=200, help_text="Filled from the partner employer when chosen.")
    occupation = models.ForeignKey("employers.Occupation", on_delete=models.PROTECT, related_name="placements")
    cohort_enrollment = models.ForeignKey("programs.CohortEnrollment", on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="placements")
    start_date = models.DateField()
    hourly_wage = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1,
                                         validators=[MinValueValidator(0), MaxValueValidator(80)])
    related_to_training = models.BooleanField(default=True)
    placement_type = models.CharField(max_length=16, choices=PlacementType.choices,
                                      default=PlacementType.UNSUBSIDIZED)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        # The newest placements of a workspace in list order, without sorting them all (bench/suite.py: the API's
        # first page sorted 560,000 rows on disk, 340 ms).
        indexes = [models.Index(fields=["convener", "-start_date", "-id"], name="placement_list_order")]

    def __str__(self) -> str:
        return f"{self.participant} at {self.employer_name} from {self.start_date}"


class RetentionCheck(TenantOwnedModel):
    """A follow-up at day 90, 180 or 365 after a placement: scheduled with it, reminded when due."""

    MILESTONES = (90, 180, 365)

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checks")
    milestone_days = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    checked_on = models.DateField(null=True, blank=True)
    employed = models.BooleanField(null=True, blank=True)
    same_employer = models.BooleanField(null=True, blank=True)
    current_wage = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    note = models.CharField(max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["placement", "milestone_days"], name="check_once")]
        indexes = [models.Index(fields=["convener", "checked_on", "due_on"], name="check_due")]

    def __str__(self) -> str:
        return f"Day {self.milestone_days} check of {self.placement}"

    @property
    def is_done(self) -> bool:
        return self.checked_on is not None

    def is_overdue(self, today: date) -> bool:
        return self.checked_on is None and self.due_on < today


def milestone_due(start: date, days: int) -> date:
    return start + timedelta(days=days)


class QuarterlyWage(TenantOwnedModel):
    """Wages of one calendar quarter: UI wage-record match or supplemental evidence."""

    class Source(models.TextChoices):
        UI_MATCH = "ui_match", "UI wage record match"
        SUPPLEMENTAL = "supplemental", "Supplemental (pay stub, employer verification)"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="wages")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    wages = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    employer_fein = models.CharField("employer FEIN", max_length=10, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.UI_MATCH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "year", "quarter", "employer_fein"],
                                    name="wage_once_per_quarter_employer"),
        ]
        indexes = [models.Index(fields=["convener", "year", "quarter"], name="wage_by_quarter")]

    def __str__(self) -> str:
        return f"{self.participant} {self.year}Q{self.quarter}: ${self.wages}"


class ImportJob(TenantOwnedModel):
    """A bulk import (CSV or XLSX) of participants, stream enrollments, placements or quarterly wages: checked
    row by row, written all or nothing, in a Celery job with progress."""

    class Kind(models.TextChoices):
        PARTICIPANTS = "participants", "Participants"
        ENROLLMENTS = "enrollments", "Funding-stream enrollments"
        PLACEMENTS = "placements", "Placements"
        WAGES = "wages", "Quarterly wages"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Rejected (nothing imported)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(max_length=200)
    # The uploaded file itself: the worker reads it from the database, so no shared disk is needed. Encrypted at
    # rest like the SSN (participants/fields.py): an import file holds SSNs, benefits and wages.
    payload = EncryptedBinaryField(editable=False)
    organization = models.ForeignKey("partnerships.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", help_text="Owner of imported participants.")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 3, "column": "ssn", "message": "..."}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename} ({self.status})"

    @property
    def progress(self) -> int:
        return 100 if self.status in ("succeeded", "failed") else (
            int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0)

"""Councils of a partnership: seats, representatives, meetings, attendance, action items, engagement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from partnerships.models.core import Organization, Partnership
from partnerships.tenancy import TenantOwnedModel


class Representative(TenantOwnedModel):
    """A named contact of an organization, optionally linked to the portal user they sign in as."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="representatives")
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="representations"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organization.name})"


class PartnershipGoal(TenantOwnedModel):
    """A goal with a target figure, e.g. "80% completion" or "150 hires by June 2027"."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, hires, $/hour, participants")
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        return self.description


class Council(TenantOwnedModel):
    """One of a partnership's two councils: industry (employers) or workforce partners."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", "Industry council"
        WORKFORCE = "workforce", "Workforce-partners council"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="councils")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["partnership_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["partnership", "kind"], name="council_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.partnership.name} · {self.get_kind_display()}"


class CouncilSeat(TenantOwnedModel):
    """An organization's seat on a council, with its role and the people who represent it."""

    class SeatRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        CO_CHAIR = "co_chair", "Co-chair"
        MEMBER = "member", "Member"
        LEAD_PARTNER = "lead_partner", "Lead partner"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="council_seats")
    seat_role = models.CharField(max_length=16, choices=SeatRole.choices, default=SeatRole.MEMBER)
    representatives = models.ManyToManyField(Representative, blank=True, related_name="seats")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["council_id", "organization__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="seat_left_after_joined"
            ),
            # One current seat per organization per council; past seats are history.
            models.UniqueConstraint(
                fields=["council", "organization"], condition=Q(left_on__isnull=True), name="seat_one_current_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} on {self.council}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Meeting(TenantOwnedModel):
    """A meeting of one council: when, where, agenda, and afterwards minutes and decisions."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class MeetingAttendance(TenantOwnedModel):
    """Who came: an organization, and the representative when known."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="attendance")
    representative = models.ForeignKey(
        Representative, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendance"
    )
    present = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization", "representative"], name="attendance_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["meeting", "organization"], condition=Q(representative__isnull=True),
                name="attendance_once_per_org_without_person",
            ),
        ]

    def __str__(self) -> str:
        who = self.representative.full_name if self.representative else self.organization.name
        return f"{who} {'present' if self.present else 'absent'} at {self.meeting}"


class ActionItem(TenantOwnedModel):
    """A follow-up with an owner and a due date; listed across the whole partnership."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    owner_representative = models.ForeignKey(
        Representative, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["convener", "status", "due_on"], name="action_item_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner_representative_id:
            return self.owner_representative.full_name  # type: ignore[union-attr]
        if self.owner_user_id:
            return str(self.owner_user)
        return "Unassigned"


class EmployerEngagement(TenantOwnedModel):
    """Stored engagement of one organization on one council, recomputed by a Celery task (never per request)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="engagement")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="engagement")
    meetings_considered = models.PositiveSmallIntegerField(default=0)
    meetings_attended = models.PositiveSmallIntegerField(default=0)
    attendance_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    last_activity_on = models.DateField(null=True, blank=True)
    is_drifting = models.BooleanField(default=False, db_index=True)
    drift_reasons = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "organization"], name="engagement_one_per_council_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} engagement on {self.council}"

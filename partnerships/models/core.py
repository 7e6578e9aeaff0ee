"""Tenant core: users, conveners (tenants), organizations, partnerships, memberships, invitations, audit."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantOwnedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. Belongs to conveners through memberships."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("platform operator", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]) or self.email


class Convener(models.Model):
    """The tenant: an intermediary (workforce board, chamber, college, funders' collaborative)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    region = models.CharField(max_length=200, blank=True, help_text="e.g. Metro Atlanta, GA")
    # Small-cell suppression threshold (DOMAIN.md §4), settable per tenant.
    suppression_threshold = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:home", kwargs={"convener_slug": self.slug})


class Organization(TenantOwnedModel):
    """An organization known to one convener: employer, college, agency, funder..."""

    class SizeBand(models.TextChoices):
        SMALL = "small", "Small (under 50)"
        MID = "mid", "Mid-size (50–499)"
        LARGE = "large", "Large (500+)"

    name = models.CharField(max_length=200)
    org_type = models.CharField("type", max_length=32, choices=OrganizationType.choices)
    size_band = models.CharField(max_length=8, choices=SizeBand.choices, blank=True)
    naics_code = models.CharField("NAICS 2022 code", max_length=6, blank=True)
    ein = models.CharField("EIN", max_length=10, blank=True)
    website = models.URLField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    # Lower-cased, punctuation and legal suffixes (Inc., LLC, Corp.) removed: the duplicate detector's key.
    normalized_name = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "name"], name="organization_unique_name_per_convener"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "partnerships:organization-detail",
            kwargs={"convener_slug": self.convener.slug, "organization_id": self.pk},
        )


class Partnership(TenantOwnedModel):
    """An industry (sector) partnership run by its lead convener."""

    class Status(models.TextChoices):
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    industry_naics = models.CharField("industry (NAICS sector or subsector)", max_length=6, blank=True)
    industry_label = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    counties = models.JSONField(default=list, blank=True, help_text="County names within the state")
    metro_area = models.CharField(max_length=120, blank=True, help_text="e.g. Atlanta-Sandy Springs-Roswell, GA")
    # The OEWS area every market-wage comparison of this partnership uses (a metro area or a state).
    labor_market_area = models.ForeignKey(
        "employers.LaborMarketArea", on_delete=models.PROTECT, null=True, blank=True, related_name="partnerships"
    )
    # Engagement: an employer's attendance rate is measured over its council's last N held meetings.
    engagement_window = models.PositiveSmallIntegerField(
        "engagement window (meetings)", default=6, help_text="How many recent meetings the attendance rate covers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "name"], name="partnership_unique_name_per_convener"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "partnerships:partnership-detail",
            kwargs={"convener_slug": self.convener.slug, "partnership_id": self.pk},
        )


class Membership(TenantOwnedModel):
    """A user's place in one convener: a role, and the organization (and partnerships) it is bound to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    # Funders only: the partnerships whose outcomes they may see.
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="funder_memberships")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "user"], name="membership_one_per_user_and_convener"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.convener}"


def hash_invitation_token(token: str) -> str:
    """Invitations store only a hash of their token, so a database read cannot be turned into a login."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


class Invitation(TenantOwnedModel):
    """An invitation for an email address to join a convener with a role."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class AuditEvent(TenantOwnedModel):
    """Who did or viewed what, when. Append-only: written by services, never edited."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.EmailField(blank=True, help_text="Kept even if the user is later deleted")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, default="app", help_text="app, api, admin or task")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["convener", "-occurred_at"], name="audit_convener_recent")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only: they are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only: they are never deleted.")

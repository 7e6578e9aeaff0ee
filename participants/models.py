"""Participants: the people case managers enroll (DOMAIN.md §3 "Participant").

This is the core record that cohort rosters point at. The participants issue extends it with encrypted
identity (SSN, date of birth), contact details, demographics, barriers, benefits at entry, funding-stream
enrollments and consent; the public id and the owning organization are already the ones it keeps.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from partnerships.tenancy import TenantOwnedModel

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_public_id() -> str:
    """Our own participant id, never the SSN: P- and 8 unambiguous characters."""
    return "P-" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


class Participant(TenantOwnedModel):
    """A person in training. Owned by one partner organization, with an assigned case manager."""

    public_id = models.CharField(max_length=12, default=new_public_id, editable=False)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    organization = models.ForeignKey(
        "partnerships.Organization", on_delete=models.PROTECT, related_name="participants",
        help_text="The partner organization that owns this participant's record.",
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "public_id"], name="participant_public_id_unique"),
        ]
        indexes = [models.Index(fields=["convener", "organization", "last_name"], name="participant_by_org")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.public_id})"

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

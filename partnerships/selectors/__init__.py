"""Reads of the partnerships app. Import from ``partnerships.selectors``."""

from partnerships.selectors.core import (
    audit_event_list,
    invitation_by_token,
    invitation_get,
    invitation_list,
    membership_get,
    membership_list,
    memberships_of_user,
    organization_get,
    organization_list,
    partnership_get,
    partnership_list,
    tenant_counts,
    tenant_resolve,
)
from partnerships.selectors.councils import (
    action_item_get,
    action_item_list,
    council_get,
    council_list,
    council_mix,
    duplicate_candidates,
    engagement_list,
    goal_list,
    meeting_attendance,
    meeting_get,
    meeting_list,
    meeting_seats,
    representative_get,
    representative_list,
    seat_get,
    sees_contacts,
)

__all__ = [
    "action_item_get", "action_item_list", "audit_event_list", "council_get", "council_list", "council_mix",
    "duplicate_candidates", "engagement_list", "goal_list", "invitation_by_token", "invitation_get",
    "invitation_list", "meeting_attendance", "meeting_get", "meeting_list", "meeting_seats", "membership_get",
    "membership_list", "memberships_of_user", "organization_get", "organization_list", "partnership_get",
    "partnership_list", "representative_get", "representative_list", "seat_get", "sees_contacts",
    "tenant_counts", "tenant_resolve",
]

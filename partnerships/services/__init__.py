"""Writes of the partnerships app. Import from ``partnerships.services``."""

from partnerships.services.core import (
    InvitationError,
    convener_create,
    invitation_accept,
    invitation_accept_new_user,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_grant,
    membership_update,
)
from partnerships.services.councils import (
    action_item_create,
    action_item_update,
    attendance_mark_own,
    council_seat_add,
    council_seat_update,
    engagement_refresh,
    meeting_record_attendance,
    meeting_schedule,
    meeting_update,
)
from partnerships.services.directory import (
    normalize_organization_name,
    organization_create,
    organization_update,
    partnership_create,
    partnership_goal_add,
    partnership_goal_remove,
    partnership_update,
    representative_create,
    representative_update,
)

__all__ = [
    "InvitationError", "action_item_create", "action_item_update", "attendance_mark_own", "convener_create",
    "council_seat_add", "council_seat_update", "engagement_refresh", "invitation_accept",
    "invitation_accept_new_user", "invitation_check", "invitation_create", "invitation_resend",
    "invitation_revoke", "meeting_record_attendance", "meeting_schedule", "meeting_update", "membership_grant",
    "membership_update", "normalize_organization_name", "organization_create", "organization_update",
    "partnership_create", "partnership_goal_add", "partnership_goal_remove", "partnership_update",
    "representative_create", "representative_update",
]

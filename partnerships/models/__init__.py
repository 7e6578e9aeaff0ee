"""Models of the tenant core and of partnerships' councils. Import them from ``partnerships.models``."""

from partnerships.models.core import (
    AuditEvent,
    Convener,
    Invitation,
    Membership,
    Organization,
    Partnership,
    User,
    UserManager,
    default_invitation_expiry,
    hash_invitation_token,
)
from partnerships.models.councils import (
    ActionItem,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    PartnershipGoal,
    Representative,
)

__all__ = [
    "ActionItem",
    "AuditEvent",
    "Convener",
    "Council",
    "CouncilSeat",
    "EmployerEngagement",
    "Invitation",
    "Meeting",
    "MeetingAttendance",
    "Membership",
    "Organization",
    "Partnership",
    "PartnershipGoal",
    "Representative",
    "User",
    "UserManager",
    "default_invitation_expiry",
    "hash_invitation_token",
]

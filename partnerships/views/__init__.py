"""Pages of the partnerships app. Import views from ``partnerships.views``."""

from partnerships.views.core import (
    AuditLogView,
    EntryView,
    InvitationAcceptView,
    InvitationCreateView,
    InvitationResendView,
    InvitationRevokeView,
    MembershipEditView,
    OrganizationListView,
    PartnershipListView,
    PeopleView,
    WorkspacePickerView,
    csrf_failure,
)
from partnerships.views.councils import (
    ActionItemCreateView,
    ActionItemListView,
    ActionItemStatusView,
    MeetingActionItemCreateView,
    MeetingAttendanceView,
    MeetingCalendarView,
    MeetingCreateView,
    MeetingDetailView,
    MeetingEditView,
    MeetingListView,
    MeetingMarkOwnAttendanceView,
    SeatCreateView,
    SeatEditView,
)
from partnerships.views.directory import (
    NaicsSearchView,
    OrganizationCreateView,
    OrganizationDetailView,
    OrganizationDuplicateCheckView,
    OrganizationEditView,
    PartnershipCreateView,
    PartnershipDetailView,
    PartnershipEditView,
    PartnershipGoalCreateView,
    PartnershipGoalRemoveView,
    RepresentativeCreateView,
    RepresentativeEditView,
)
from partnerships.views.home import HomeView

__all__ = [
    "ActionItemCreateView", "ActionItemListView", "ActionItemStatusView", "AuditLogView", "EntryView", "HomeView",
    "InvitationAcceptView", "InvitationCreateView", "InvitationResendView", "InvitationRevokeView",
    "MeetingActionItemCreateView", "MeetingAttendanceView", "MeetingCalendarView", "MeetingCreateView",
    "MeetingDetailView", "MeetingEditView", "MeetingListView", "MeetingMarkOwnAttendanceView",
    "MembershipEditView", "NaicsSearchView", "OrganizationCreateView", "OrganizationDetailView",
    "OrganizationDuplicateCheckView", "OrganizationEditView", "OrganizationListView", "PartnershipCreateView",
    "PartnershipDetailView", "PartnershipEditView", "PartnershipGoalCreateView", "PartnershipGoalRemoveView",
    "PartnershipListView", "PeopleView", "RepresentativeCreateView", "RepresentativeEditView", "SeatCreateView",
    "SeatEditView", "WorkspacePickerView", "csrf_failure",
]

"""Forms of the partnerships app. Choice fields are scoped to the tenant; services enforce the rules."""

from partnerships.forms.core import AcceptInvitationForm, InvitationForm, MembershipForm, OrganizationChoiceField
from partnerships.forms.councils import (
    ActionItemFilterForm,
    ActionItemForm,
    ActionItemStatusForm,
    MeetingForm,
    MeetingUpdateForm,
    SeatForm,
    SeatUpdateForm,
)
from partnerships.forms.directory import (
    OrganizationForm,
    PartnershipForm,
    PartnershipGoalForm,
    RepresentativeForm,
    apply_service_errors,
)

__all__ = [
    "AcceptInvitationForm", "ActionItemFilterForm", "ActionItemForm", "ActionItemStatusForm", "InvitationForm",
    "MeetingForm", "MeetingUpdateForm", "MembershipForm", "OrganizationChoiceField", "OrganizationForm",
    "PartnershipForm", "PartnershipGoalForm", "RepresentativeForm", "SeatForm", "SeatUpdateForm",
    "apply_service_errors",
]

"""The one place that says which role may do which action (DOMAIN.md §2).

Views and API endpoints declare the action each HTTP method (or API action) performs; the tenant base
classes call ``require``. Object-level visibility (an employer's own entries, a case manager's own
participants, a funder's granted partnerships) lives in the selectors, which take the membership.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from partnerships.roles import Role

if TYPE_CHECKING:
    from partnerships.models import Membership


class Action(StrEnum):
    HOME_VIEW = "home.view"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    INVITATION_VIEW = "invitation.view"
    INVITATION_MANAGE = "invitation.manage"
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_MANAGE = "organization.manage"
    PARTNERSHIP_VIEW = "partnership.view"
    PARTNERSHIP_MANAGE = "partnership.manage"
    AUDIT_VIEW = "audit.view"
    COUNCIL_VIEW = "council.view"
    COUNCIL_MANAGE = "council.manage"
    MEETING_VIEW = "meeting.view"
    MEETING_MANAGE = "meeting.manage"
    ATTENDANCE_MARK_OWN = "attendance.mark_own"
    ACTION_ITEM_VIEW = "action_item.view"
    ACTION_ITEM_MANAGE = "action_item.manage"
    ENGAGEMENT_VIEW = "engagement.view"
    SURVEY_VIEW = "survey.view"
    SURVEY_MANAGE = "survey.manage"
    NEED_VIEW = "need.view"
    NEED_EDIT = "need.edit"
    NEED_CONFIRM = "need.confirm"
    DEMAND_VIEW = "demand.view"
    DEMAND_REFRESH = "demand.refresh"
    PROGRAM_VIEW = "program.view"
    PROGRAM_MANAGE = "program.manage"
    COHORT_VIEW = "cohort.view"
    COHORT_MANAGE = "cohort.manage"
    SEAT_OVERRIDE = "cohort.seat_override"
    ROSTER_VIEW = "roster.view"
    ROSTER_MANAGE = "roster.manage"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_MANAGE = "participant.manage"
    PARTICIPANT_DATA_RIGHTS = "participant.data_rights"
    REPORT_VIEW = "report.view"
    REPORT_RUN = "report.run"
    REPORT_INTERNAL = "report.internal"
    REPORT_PIRL_EXPORT = "report.pirl_export"
    REPORT_SETTINGS = "report.settings"


ALL_ROLES = frozenset(Role)
CONVENER = frozenset({Role.CONVENER_ADMIN, Role.CONVENER_STAFF})
ADMIN = frozenset({Role.CONVENER_ADMIN})
# People who sit on councils (through their organization's seat) and see what happens there.
COUNCIL_MEMBERS = CONVENER | {Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF}

POLICY: dict[Action, frozenset[Role]] = {
    Action.HOME_VIEW: ALL_ROLES,
    Action.MEMBER_VIEW: CONVENER,
    Action.MEMBER_MANAGE: ADMIN,
    Action.INVITATION_VIEW: ADMIN,
    Action.INVITATION_MANAGE: ADMIN,
    Action.ORGANIZATION_VIEW: CONVENER,
    Action.ORGANIZATION_MANAGE: CONVENER,
    # Every role sees partnerships; which ones is narrowed by selectors.partnership_list.
    Action.PARTNERSHIP_VIEW: ALL_ROLES,
    Action.PARTNERSHIP_MANAGE: CONVENER,
    Action.AUDIT_VIEW: ADMIN,
    # Councils and meetings: partners see the ones they sit on (selectors narrow it); funders see the
    # partnership profile and council mix only, never names or contact details.
    Action.COUNCIL_VIEW: COUNCIL_MEMBERS,
    Action.COUNCIL_MANAGE: CONVENER,
    Action.MEETING_VIEW: COUNCIL_MEMBERS,
    Action.MEETING_MANAGE: CONVENER,
    Action.ATTENDANCE_MARK_OWN: frozenset({Role.EMPLOYER_REP, Role.CASE_MANAGER}),
    Action.ACTION_ITEM_VIEW: COUNCIL_MEMBERS,
    Action.ACTION_ITEM_MANAGE: CONVENER,
    Action.ENGAGEMENT_VIEW: CONVENER,
    # Demand: employers enter their own needs (selectors/services narrow to their employer); everyone may read
    # the aggregate, which is suppressed below 3 employers for anyone but convener staff.
    Action.SURVEY_VIEW: CONVENER | {Role.EMPLOYER_REP},
    Action.SURVEY_MANAGE: CONVENER,
    Action.NEED_VIEW: CONVENER | {Role.EMPLOYER_REP},
    Action.NEED_EDIT: CONVENER | {Role.EMPLOYER_REP},
    Action.NEED_CONFIRM: CONVENER,
    Action.DEMAND_VIEW: ALL_ROLES,
    Action.DEMAND_REFRESH: CONVENER,
    # Programs and cohorts. The catalogue is public inside the tenant (funders see no people in it). Cohorts:
    # providers see their own programs' cohorts, employers the ones they host (counts only), case managers
    # the ones they refer people to; selectors narrow each. Rosters (people) are kept by convener staff and
    # the providers that run the program; only the convener may enroll past the seat limit.
    Action.PROGRAM_VIEW: ALL_ROLES,
    Action.PROGRAM_MANAGE: CONVENER,
    Action.COHORT_VIEW: CONVENER | {Role.PROVIDER_STAFF, Role.EMPLOYER_REP, Role.CASE_MANAGER},
    Action.COHORT_MANAGE: CONVENER,
    Action.SEAT_OVERRIDE: CONVENER,
    Action.ROSTER_VIEW: CONVENER | {Role.PROVIDER_STAFF},
    Action.ROSTER_MANAGE: CONVENER | {Role.PROVIDER_STAFF},
    # Participants: convener staff and case managers (their organization's people); providers reach the
    # people of their cohorts through the roster.
    Action.PARTICIPANT_VIEW: CONVENER | {Role.CASE_MANAGER},
    Action.PARTICIPANT_MANAGE: CONVENER | {Role.CASE_MANAGER},
    # A person's data rights (DOMAIN.md §6): the full-record export (every category, every organization's rows and
    # the audit trail), corrections with their reason, and erasure. Convener admins only, each audited.
    Action.PARTICIPANT_DATA_RIGHTS: ADMIN,
    # Outcome reports: funders see their granted partnerships' snapshots, suppressed, and may ask for a fresh run
    # of those (selectors and services narrow it); convener staff see every scope unsuppressed, marked internal,
    # with drill-down and the SNAP E&T table. The participant-level PIRL export is for convener admins only.
    Action.REPORT_VIEW: CONVENER | {Role.FUNDER},
    Action.REPORT_RUN: CONVENER | {Role.FUNDER},
    Action.REPORT_INTERNAL: CONVENER,
    Action.REPORT_PIRL_EXPORT: ADMIN,
    Action.REPORT_SETTINGS: ADMIN,
}


def can(membership: Membership | None, action: Action | str) -> bool:
    if membership is None or not membership.is_active:
        return False
    return membership.role in POLICY[Action(action)]


def require(membership: Membership | None, action: Action | str) -> None:
    if not can(membership, action):
        raise PermissionDenied("Your role in this workspace cannot do that.")


def allowed_actions(membership: Membership | None) -> frozenset[str]:
    """Every action the membership may take, for templates (``{% if 'member.manage' in can %}``)."""
    return frozenset(a.value for a in Action if can(membership, a))

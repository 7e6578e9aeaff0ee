"""Services of councils and the directory, with real rows: seats, meetings, attendance, action items,
organizations, partnerships, and the engagement figures that flag an employer drifting away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partnerships import services
from partnerships.models import (
    ActionItem,
    AuditEvent,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    Organization,
    Partnership,
)
from partnerships.roles import OrganizationType, Role
from tests.factories import (
    LOCAL,
    ActionItemFactory,
    CouncilSeatFactory,
    MeetingFactory,
    OrganizationFactory,
    PartnershipFactory,
    RepresentativeFactory,
    council_of,
    held_meetings,
    local_time,
    record_attendance,
    refresh_engagement,
)

EMPLOYER = OrganizationType.EMPLOYER


def counts() -> dict[str, int]:
    """Everything a council write could leave behind."""
    return {
        "seats": CouncilSeat.unscoped.count(),
        "meetings": Meeting.unscoped.count(),
        "attendance": MeetingAttendance.unscoped.count(),
        "action_items": ActionItem.unscoped.count(),
        "organizations": Organization.unscoped.count(),
        "partnerships": Partnership.unscoped.count(),
        "councils": Council.unscoped.count(),
        "audit_events": AuditEvent.unscoped.count(),
    }


def refused(call, **kwargs) -> ValidationError:
    """Run a service that must refuse: the error, and proof that nothing was saved or audited."""
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    assert counts() == before, "a refused write must change nothing"
    return excinfo.value


@pytest.fixture
def alpha(world):
    return world.a


# ---------------------------------------------------------------------------------------------------
# Partnerships and their councils
# ---------------------------------------------------------------------------------------------------
def test_creating_a_partnership_creates_its_industry_and_workforce_partners_councils(alpha):
    partnership = services.partnership_create(
        convener=alpha.convener, actor=alpha.admin, name="Alpha IT Partnership", industry_naics="5415",
        state="or", counties=["Multnomah", "Washington"], start_date=date(2025, 7, 1),
    )
    kinds = sorted(Council.objects.for_convener(alpha.convener).filter(partnership=partnership)
                   .values_list("kind", flat=True))
    assert kinds == [Council.Kind.INDUSTRY, Council.Kind.WORKFORCE]
    assert partnership.state == "OR"
    assert partnership.industry_label == "Computer Systems Design and Related Services"
    assert AuditEvent.objects.for_convener(alpha.convener).filter(action="partnership.create",
                                                                  target_id=str(partnership.pk)).exists()


def test_a_partnership_industry_must_be_a_naics_sector_or_subsector(alpha):
    error = refused(services.partnership_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Hospitals Partnership", industry_naics="622110")
    assert error.message_dict["industry_naics"] == ["Use a code of a sector or subsector (2 to 4 digits) here."]
    error = refused(services.partnership_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Nowhere Partnership", industry_naics="9999")
    assert "not a NAICS 2022 code" in error.message_dict["industry_naics"][0]


def test_two_partnerships_of_one_convener_cannot_share_a_name(alpha):
    error = refused(services.partnership_create, convener=alpha.convener, actor=alpha.admin,
                    name=alpha.granted_partnership.name)
    assert error.message_dict == {"name": [f"{alpha.granted_partnership.name} already exists in this workspace."]}


def test_the_engagement_window_is_between_1_and_24_meetings(alpha):
    error = refused(services.partnership_update, convener=alpha.convener, actor=alpha.admin,
                    partnership=alpha.granted_partnership, engagement_window=0)
    assert error.message_dict == {"engagement_window": ["Measure engagement over 1 to 24 meetings."]}


# ---------------------------------------------------------------------------------------------------
# Organizations: duplicates, NAICS, EIN
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "key"), [
    ("The Boeing Company, Inc.", "boeing"),
    ("BOEING", "boeing"),
    ("Boeing Co.", "boeing"),
    ("Procter & Gamble Co", "procter and gamble"),
    ("Kaiser Permanente, LLC", "kaiser permanente"),
])
def test_organization_names_are_normalized_for_the_duplicate_check(name, key):
    assert services.normalize_organization_name(name) == key


def test_an_organization_whose_normalized_name_is_taken_is_refused_as_a_duplicate(alpha):
    OrganizationFactory(convener=alpha.convener, name="The Boeing Company, Inc.", actor=alpha.admin)
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Boeing", org_type=EMPLOYER)
    assert error.message_dict == {
        "name": ["The Boeing Company, Inc. is already in your directory. Open it instead of adding it twice."]
    }


def test_the_exact_same_name_is_refused_with_the_same_clear_message(alpha):
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Regional Hospital", org_type=EMPLOYER)
    assert error.message_dict == {
        "name": ["Alpha Regional Hospital is already in your directory. Open it instead of adding it twice."]
    }


def test_an_organization_with_an_ein_already_on_file_is_refused(alpha):
    OrganizationFactory(convener=alpha.convener, name="Alpha Steelworks", ein="93-1234567", actor=alpha.admin)
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Steel Holdings", org_type=EMPLOYER, ein="931234567")
    assert error.message_dict == {"ein": ["EIN 93-1234567 already belongs to Alpha Steelworks."]}


def test_the_same_name_in_another_workspace_is_not_a_duplicate(world):
    OrganizationFactory(convener=world.b.convener, name="Boeing", actor=world.b.admin)
    organization = services.organization_create(convener=world.a.convener, actor=world.a.admin,
                                                 name="The Boeing Company", org_type=EMPLOYER)
    assert organization.normalized_name == "boeing"


def test_renaming_an_organization_onto_another_is_refused_and_keeps_the_old_name(alpha):
    college = alpha.orgs[OrganizationType.COLLEGE]
    error = refused(services.organization_update, convener=alpha.convener, actor=alpha.admin,
                    organization=college, name="Alpha Regional Hospital, Inc.")
    assert "already in your directory" in error.message_dict["name"][0]
    college.refresh_from_db()
    assert college.name == "Alpha Community College"


def test_an_employer_naics_code_is_checked_against_the_naics_2022_list(alpha):
    hospital = services.organization_create(convener=alpha.convener, actor=alpha.admin, name="Alpha General",
                                            org_type=EMPLOYER, naics_code="622110", size_band="large")
    assert (hospital.naics_code, hospital.size_band) == ("622110", "large")
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Made Up", org_type=EMPLOYER, naics_code="999999")
    assert error.message_dict == {
        "naics_code": ["999999 is not a NAICS 2022 code. Search by industry name to find the right one."]
    }
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Typo", org_type=EMPLOYER, naics_code="62x1")
    assert error.message_dict == {"naics_code": ["A NAICS code has 2 to 6 digits, e.g. 622110."]}


def test_size_band_describes_employers_only(alpha):
    college = services.organization_create(convener=alpha.convener, actor=alpha.admin, name="Alpha Tech",
                                           org_type=OrganizationType.COLLEGE, size_band="large")
    assert college.size_band == ""


def test_a_malformed_ein_is_refused(alpha):
    error = refused(services.organization_create, convener=alpha.convener, actor=alpha.admin,
                    name="Alpha Bad EIN", org_type=EMPLOYER, ein="12-34")
    assert error.message_dict == {"ein": ["An EIN has 9 digits, written 12-3456789."]}


# ---------------------------------------------------------------------------------------------------
# Seats
# ---------------------------------------------------------------------------------------------------
def test_seating_another_tenants_organization_is_refused_without_confirming_it_exists(world):
    beta_employer = world.b.orgs[EMPLOYER]
    error = refused(services.council_seat_add, convener=world.a.convener, actor=world.a.admin,
                    council=world.a.councils[Council.Kind.INDUSTRY], organization=beta_employer,
                    joined_on=date(2025, 1, 6))
    assert error.message_dict == {"organization": ["Choose an organization of this workspace."]}
    assert "Beta" not in str(error)


def test_a_council_of_another_tenant_cannot_be_used(world):
    error = refused(services.council_seat_add, convener=world.a.convener, actor=world.a.admin,
                    council=world.b.councils[Council.Kind.INDUSTRY], organization=world.a.orgs[EMPLOYER],
                    joined_on=date(2025, 1, 6))
    assert error.messages == ["No such council."]


def test_the_industry_council_seats_employers_and_the_workforce_council_seats_partners(alpha):
    other = alpha.other_partnership
    error = refused(services.council_seat_add, convener=alpha.convener, actor=alpha.admin,
                    council=council_of(other, Council.Kind.INDUSTRY),
                    organization=alpha.orgs[OrganizationType.COLLEGE], joined_on=date(2025, 1, 6))
    assert error.message_dict == {"organization": [
        "Alpha Community College is a community or technical college; the industry council seats employers and "
        "industry associations."
    ]}
    error = refused(services.council_seat_add, convener=alpha.convener, actor=alpha.admin,
                    council=council_of(other, Council.Kind.WORKFORCE), organization=alpha.orgs[EMPLOYER],
                    joined_on=date(2025, 1, 6))
    assert "not employers" in error.message_dict["organization"][0]


def test_an_organization_holds_one_current_seat_per_council_and_may_return_after_leaving(alpha):
    council = alpha.councils[Council.Kind.INDUSTRY]
    employer = alpha.orgs[EMPLOYER]
    error = refused(services.council_seat_add, convener=alpha.convener, actor=alpha.admin, council=council,
                    organization=employer, joined_on=date(2025, 1, 6))
    assert error.message_dict == {"organization": ["Alpha Regional Hospital already has a seat on this council."]}

    seat = CouncilSeat.objects.for_convener(alpha.convener).get(council=council, organization=employer)
    services.council_seat_update(convener=alpha.convener, actor=alpha.admin, seat=seat, seat_role=seat.seat_role,
                                 left_on=date(2025, 6, 30))
    again = services.council_seat_add(convener=alpha.convener, actor=alpha.admin, council=council,
                                      organization=employer, joined_on=date(2025, 9, 1))
    assert again.pk != seat.pk and again.is_current


def test_an_organization_may_sit_on_councils_of_several_partnerships(alpha):
    seat = services.council_seat_add(convener=alpha.convener, actor=alpha.admin,
                                     council=council_of(alpha.other_partnership), organization=alpha.orgs[EMPLOYER],
                                     joined_on=date(2025, 1, 6), seat_role=CouncilSeat.SeatRole.CO_CHAIR)
    assert CouncilSeat.objects.for_convener(alpha.convener).filter(organization=alpha.orgs[EMPLOYER]).count() == 2
    assert seat.get_seat_role_display() == "Co-chair"


def test_representatives_of_a_seat_must_be_people_of_its_organization(alpha):
    error = refused(services.council_seat_add, convener=alpha.convener, actor=alpha.admin,
                    council=council_of(alpha.other_partnership), organization=alpha.orgs[EMPLOYER],
                    joined_on=date(2025, 1, 6),
                    representatives=[alpha.representatives[OrganizationType.COLLEGE]])
    assert error.message_dict == {"representatives": ["Representatives must be people of Alpha Regional Hospital."]}


def test_a_seat_cannot_end_before_it_began(alpha):
    seat = CouncilSeat.objects.for_convener(alpha.convener).get(organization=alpha.orgs[EMPLOYER])
    error = refused(services.council_seat_update, convener=alpha.convener, actor=alpha.admin, seat=seat,
                    seat_role=seat.seat_role, left_on=date(2023, 12, 31))
    assert error.message_dict == {"left_on": ["The seat was taken on Jan 08, 2024; it cannot end before that."]}
    seat.refresh_from_db()
    assert seat.left_on is None


# ---------------------------------------------------------------------------------------------------
# Meetings and attendance
# ---------------------------------------------------------------------------------------------------
def test_a_meeting_must_end_after_it_starts(alpha):
    starts = local_time(date(2025, 5, 1), 10)
    error = refused(services.meeting_schedule, convener=alpha.convener, actor=alpha.admin,
                    council=alpha.councils[Council.Kind.INDUSTRY], title="Alpha backwards meeting",
                    starts_at=starts, ends_at=starts - timedelta(minutes=5))
    assert error.message_dict == {"ends_at": ["The meeting must end after it starts."]}


def test_a_meeting_needs_a_time_zone(alpha):
    error = refused(services.meeting_schedule, convener=alpha.convener, actor=alpha.admin,
                    council=alpha.councils[Council.Kind.INDUSTRY], title="Alpha naive meeting",
                    starts_at=datetime(2025, 5, 1, 10, 0))  # noqa: DTZ001 (the naive time is the point)
    assert error.message_dict == {"starts_at": ["Give the start time with its time zone."]}


def test_a_meeting_defaults_to_ninety_minutes(alpha):
    meeting = services.meeting_schedule(convener=alpha.convener, actor=alpha.admin,
                                        council=alpha.councils[Council.Kind.INDUSTRY], title="Alpha summer meeting",
                                        starts_at=local_time(date(2025, 7, 9), 14))
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
    assert meeting.status == Meeting.Status.SCHEDULED


def _attendance_of(meeting: Meeting) -> list[tuple[int, int | None]]:
    return sorted(MeetingAttendance.objects.for_convener(meeting.convener_id).filter(meeting=meeting)
                  .values_list("organization_id", "representative_id"))


def test_attendance_of_an_organization_not_seated_on_the_council_is_refused_and_changes_nothing(alpha):
    meeting = alpha.meetings[Council.Kind.INDUSTRY]
    before = _attendance_of(meeting)
    error = refused(services.meeting_record_attendance, convener=alpha.convener, actor=alpha.admin,
                    meeting=meeting, present_organizations=[alpha.orgs[OrganizationType.COLLEGE]])
    assert error.message_dict == {
        "attendance": ["Not seated on this council on the meeting date: Alpha Community College."]
    }
    assert _attendance_of(meeting) == before


def test_attendance_of_a_person_of_an_unseated_organization_is_refused(alpha):
    meeting = alpha.meetings[Council.Kind.INDUSTRY]
    error = refused(services.meeting_record_attendance, convener=alpha.convener, actor=alpha.admin,
                    meeting=meeting, present_representatives=[alpha.representatives[OrganizationType.COMMUNITY_ORG]])
    assert "Alpha Casey Navigator" in error.message_dict["attendance"][0]


def test_attendance_of_an_organization_that_joined_after_the_meeting_is_refused(alpha):
    council = council_of(alpha.other_partnership)
    meeting = MeetingFactory(council=council, starts_at=local_time(date(2025, 2, 4)), actor=alpha.admin)
    newcomer = OrganizationFactory(convener=alpha.convener, name="Alpha Newcomer Clinic", actor=alpha.admin)
    CouncilSeatFactory(council=council, organization=newcomer, joined_on=date(2025, 2, 5), actor=alpha.admin)
    error = refused(services.meeting_record_attendance, convener=alpha.convener, actor=alpha.admin,
                    meeting=meeting, present_organizations=[newcomer])
    assert "Alpha Newcomer Clinic" in error.message_dict["attendance"][0]


def test_another_tenants_organization_cannot_be_recorded_as_present(world):
    meeting = world.a.meetings[Council.Kind.INDUSTRY]
    error = refused(services.meeting_record_attendance, convener=world.a.convener, actor=world.a.admin,
                    meeting=meeting, present_organizations=[world.b.orgs[EMPLOYER]])
    assert "attendance" in error.message_dict


def test_recording_attendance_replaces_it_and_marks_a_past_meeting_held(alpha):
    council = alpha.councils[Council.Kind.WORKFORCE]
    meeting = MeetingFactory(council=council, starts_at=local_time(date(2025, 5, 14)), actor=alpha.admin)
    assert meeting.status == Meeting.Status.SCHEDULED
    navigator = alpha.representatives[OrganizationType.COMMUNITY_ORG]
    college = alpha.orgs[OrganizationType.COLLEGE]
    record_attendance(meeting, actor=alpha.admin, representatives=[navigator], organizations=[college])
    assert _attendance_of(meeting) == sorted([(navigator.organization_id, navigator.pk), (college.pk, None)])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    record_attendance(meeting, actor=alpha.admin, organizations=[college])
    assert _attendance_of(meeting) == [(college.pk, None)]


def test_an_employer_representative_marks_their_own_attendance(alpha):
    meeting = MeetingFactory(council=alpha.councils[Council.Kind.INDUSTRY], starts_at=local_time(date(2025, 5, 7)),
                             actor=alpha.admin)
    rep_user = alpha.users[Role.EMPLOYER_REP]
    row = services.attendance_mark_own(convener=alpha.convener, actor=rep_user,
                                       membership=alpha.memberships[Role.EMPLOYER_REP], meeting=meeting, present=True)
    assert row is not None and row.representative == alpha.representatives[EMPLOYER]
    assert _attendance_of(meeting) == [(alpha.orgs[EMPLOYER].pk, alpha.representatives[EMPLOYER].pk)]

    services.attendance_mark_own(convener=alpha.convener, actor=rep_user,
                                 membership=alpha.memberships[Role.EMPLOYER_REP], meeting=meeting, present=False)
    assert _attendance_of(meeting) == []


def test_marking_own_attendance_creates_the_representative_when_there_is_none(alpha):
    rep_user = alpha.users[Role.EMPLOYER_REP]
    services.representative_update(convener=alpha.convener, actor=alpha.admin,
                                   representative=alpha.representatives[EMPLOYER], user=None)
    meeting = alpha.meetings[Council.Kind.INDUSTRY]
    row = services.attendance_mark_own(convener=alpha.convener, actor=rep_user,
                                       membership=alpha.memberships[Role.EMPLOYER_REP], meeting=meeting, present=True)
    assert row is not None and row.representative.user == rep_user
    assert row.representative.full_name == "Alpha Employer representative"


def test_a_case_manager_cannot_mark_attendance_at_a_council_their_organization_does_not_sit_on(alpha):
    meeting = alpha.meetings[Council.Kind.INDUSTRY]
    error = refused(services.attendance_mark_own, convener=alpha.convener, actor=alpha.users[Role.CASE_MANAGER],
                    membership=alpha.memberships[Role.CASE_MANAGER], meeting=meeting, present=True)
    assert error.messages == ["Your organization has no seat on this council."]


# ---------------------------------------------------------------------------------------------------
# Action items
# ---------------------------------------------------------------------------------------------------
def test_an_action_item_due_before_its_meeting_is_refused_and_nothing_is_saved(alpha):
    meeting = alpha.meetings[Council.Kind.INDUSTRY]  # Mar 12, 2025
    error = refused(services.action_item_create, convener=alpha.convener, actor=alpha.admin,
                    partnership=alpha.granted_partnership, meeting=meeting, title="Alpha backdated follow-up",
                    due_on=date(2025, 3, 11))
    assert error.message_dict == {"due_on": ["The due date is before the meeting it came from (Mar 12, 2025)."]}


def test_an_action_item_may_be_due_on_the_day_of_its_meeting(alpha):
    item = ActionItemFactory(partnership=alpha.granted_partnership, meeting=alpha.meetings[Council.Kind.INDUSTRY],
                             due_on=date(2025, 3, 12), actor=alpha.admin)
    assert item.status == ActionItem.Status.OPEN


def test_moving_an_action_item_before_its_meeting_is_refused_and_keeps_the_due_date(alpha):
    item = alpha.action_item
    error = refused(services.action_item_update, convener=alpha.convener, actor=alpha.admin, item=item,
                    due_on=date(2025, 1, 1))
    assert "due_on" in error.message_dict
    item.refresh_from_db()
    assert item.due_on == date(2025, 4, 15)


def test_an_action_item_from_another_partnerships_meeting_is_refused(alpha):
    error = refused(services.action_item_create, convener=alpha.convener, actor=alpha.admin,
                    partnership=alpha.other_partnership, meeting=alpha.meetings[Council.Kind.INDUSTRY],
                    title="Alpha misfiled follow-up", due_on=date(2025, 4, 1))
    assert error.message_dict == {"meeting": ["Choose a meeting of this partnership."]}


def test_an_action_item_owner_must_belong_to_the_workspace(world):
    error = refused(services.action_item_create, convener=world.a.convener, actor=world.a.admin,
                    partnership=world.a.granted_partnership, title="Alpha follow-up", due_on=date(2025, 4, 1),
                    owner_user=world.b.admin)
    assert error.message_dict == {"owner_user": ["Choose a member of this workspace."]}
    error = refused(services.action_item_create, convener=world.a.convener, actor=world.a.admin,
                    partnership=world.a.granted_partnership, title="Alpha follow-up", due_on=date(2025, 4, 1),
                    owner_representative=world.b.representatives[EMPLOYER])
    assert error.message_dict == {"owner_representative": ["Choose a representative of this workspace."]}


def test_completing_an_action_item_records_the_day_and_reopening_clears_it(alpha, frozen_now):
    frozen_now(local_time(date(2025, 4, 10), 12))
    item = services.action_item_update(convener=alpha.convener, actor=alpha.admin, item=alpha.action_item,
                                       status=ActionItem.Status.DONE)
    assert item.completed_on == date(2025, 4, 10)
    item = services.action_item_update(convener=alpha.convener, actor=alpha.admin, item=item,
                                       status=ActionItem.Status.IN_PROGRESS)
    assert item.completed_on is None


# ---------------------------------------------------------------------------------------------------
# Engagement: a known attendance history flags the employer that is drifting away
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze ``django.utils.timezone.now`` (and so ``localdate``) at a given aware datetime."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return freeze


MEETING_DAYS = [date(2025, 1, 14) + n * timedelta(weeks=4) for n in range(6)]  # Jan 14 ... Jun 3, 2025
TODAY = date(2025, 6, 10)


@dataclass
class History:
    partnership: Partnership
    council: Council
    orgs: dict[str, Organization]
    meetings: list[Meeting]
    present: dict[int, list[str]]

    def record_last_meeting(self) -> None:
        record_attendance(self.meetings[5], organizations=[self.orgs[k] for k in self.present[5]])


@pytest.fixture
def history(alpha) -> History:
    """A welding partnership's industry council: 6 held meetings, every 4 weeks from Jan 14 to Jun 3, 2025.

    Steelworks (A) came to all but the third; Fabrication (B) only to the first; Marine (C) joined after the
    fourth and came to both meetings since. Attendance of the first five is recorded as a convener does,
    without running the queued refresh; each test records the sixth and decides when engagement is computed.
    """
    admin = alpha.admin
    partnership = PartnershipFactory(convener=alpha.convener, name="Alpha Welding Partnership", actor=admin)
    council = council_of(partnership)
    names = {"a": "Alpha Steelworks", "b": "Alpha Fabrication", "c": "Alpha Marine Welding"}
    orgs = {key: OrganizationFactory(convener=alpha.convener, name=name, size_band="mid", actor=admin)
            for key, name in names.items()}
    CouncilSeatFactory(council=council, organization=orgs["a"], joined_on=date(2024, 12, 2), actor=admin)
    CouncilSeatFactory(council=council, organization=orgs["b"], joined_on=date(2024, 12, 2), actor=admin)
    CouncilSeatFactory(council=council, organization=orgs["c"], joined_on=date(2025, 4, 20), actor=admin)
    meetings = held_meetings(council, first=MEETING_DAYS[0], count=6, actor=admin, title="welding council")
    assert [timezone_date(m) for m in meetings] == MEETING_DAYS
    present = {0: ["a", "b"], 1: ["a"], 2: [], 3: ["a"], 4: ["a", "c"], 5: ["a", "c"]}
    for index in range(5):
        record_attendance(meetings[index], actor=admin, organizations=[orgs[k] for k in present[index]])
    return History(partnership=partnership, council=council, orgs=orgs, meetings=meetings, present=present)


def timezone_date(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(LOCAL).date()


def engagement_by_name(council: Council) -> dict[str, EmployerEngagement]:
    rows = EmployerEngagement.objects.for_convener(council.convener_id).filter(council=council).select_related(
        "organization")
    return {row.organization.name: row for row in rows}


def test_a_disengaged_employer_is_flagged_from_a_known_attendance_history(history):
    history.record_last_meeting()
    refresh_engagement(history.council, today=TODAY)
    rows = engagement_by_name(history.council)

    steel, fabrication, marine = rows["Alpha Steelworks"], rows["Alpha Fabrication"], rows["Alpha Marine Welding"]
    assert (steel.meetings_attended, steel.meetings_considered, steel.attendance_rate) == (5, 6, Decimal("0.8333"))
    assert (fabrication.meetings_attended, fabrication.meetings_considered, fabrication.attendance_rate) == (
        1, 6, Decimal("0.1667"))
    assert (marine.meetings_attended, marine.meetings_considered, marine.attendance_rate) == (2, 2, Decimal("1.0000"))

    assert fabrication.is_drifting
    assert fabrication.drift_reasons == ["attended 1 of the last 6 meetings", "no activity since Jan 14, 2025"]
    assert fabrication.last_activity_on == date(2025, 1, 14)
    assert not steel.is_drifting and steel.drift_reasons == []
    assert steel.last_activity_on == date(2025, 6, 3)
    assert not marine.is_drifting, "two meetings since joining is too few to judge"


def test_the_engagement_window_of_the_partnership_changes_the_figures(history):
    history.record_last_meeting()
    services.partnership_update(convener=history.partnership.convener, actor=None, partnership=history.partnership,
                                engagement_window=3)
    history.council.refresh_from_db()
    refresh_engagement(history.council, today=TODAY)
    rows = engagement_by_name(history.council)

    # The last 3 meetings (Apr 8, May 6, Jun 3): Steelworks came to all three, Fabrication to none.
    steel, fabrication, marine = rows["Alpha Steelworks"], rows["Alpha Fabrication"], rows["Alpha Marine Welding"]
    assert (steel.meetings_attended, steel.meetings_considered, steel.attendance_rate) == (3, 3, Decimal("1.0000"))
    assert (fabrication.meetings_attended, fabrication.meetings_considered, fabrication.attendance_rate) == (
        0, 3, Decimal("0.0000"))
    assert (marine.meetings_attended, marine.meetings_considered, marine.attendance_rate) == (2, 2, Decimal("1.0000"))
    assert fabrication.is_drifting and fabrication.drift_reasons[0] == "attended 0 of the last 3 meetings"
    assert not steel.is_drifting


def test_meetings_not_held_do_not_count(history):
    council = history.council
    MeetingFactory(council=council, title="Alpha welding council, cancelled", starts_at=local_time(date(2025, 6, 5)),
                   status=Meeting.Status.CANCELLED)
    MeetingFactory(council=council, title="Alpha welding council, next", starts_at=local_time(date(2025, 7, 1)))
    refresh_engagement(council, today=TODAY)
    # The sixth held meeting has no attendance yet; the cancelled and future ones are not counted.
    assert engagement_by_name(council)["Alpha Steelworks"].meetings_considered == 6


def test_an_employer_silent_for_more_than_120_days_is_flagged_even_with_a_perfect_record(alpha):
    council = council_of(alpha.other_partnership)
    quiet = OrganizationFactory(convener=alpha.convener, name="Alpha Quiet Manufacturing", actor=alpha.admin)
    CouncilSeatFactory(council=council, organization=quiet, joined_on=date(2024, 12, 2), actor=alpha.admin)
    meetings = held_meetings(council, first=date(2025, 1, 14), count=3, actor=alpha.admin)
    for meeting in meetings:
        record_attendance(meeting, organizations=[quiet])
    last = date(2025, 3, 11)

    [row] = refresh_engagement(council, today=last + timedelta(days=120))
    assert (row.attendance_rate, row.is_drifting) == (Decimal("1.0000"), False)

    [row] = refresh_engagement(council, today=last + timedelta(days=121))
    assert row.attendance_rate == Decimal("1.0000")
    assert row.is_drifting and row.drift_reasons == ["no activity since Mar 11, 2025"]


def test_an_organization_that_left_the_council_loses_its_engagement_row(history):
    council = history.council
    refresh_engagement(council, today=TODAY)
    seat = CouncilSeat.objects.for_convener(council.convener_id).get(council=council, organization=history.orgs["b"])
    services.council_seat_update(convener=seat.convener, actor=None, seat=seat, seat_role=seat.seat_role,
                                 left_on=TODAY)
    refresh_engagement(council, today=TODAY)
    assert "Alpha Fabrication" not in engagement_by_name(council)


def test_recording_attendance_queues_the_celery_refresh_that_recomputes_engagement(
    history, frozen_now, django_capture_on_commit_callbacks
):
    council = history.council
    frozen_now(local_time(TODAY, 12))
    assert engagement_by_name(council) == {}, "nothing computed until the queued refresh runs"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.meeting_record_attendance(convener=council.convener, actor=None, meeting=history.meetings[5],
                                           present_organizations=[history.orgs[k] for k in history.present[5]])
    assert len(callbacks) == 1

    rows = engagement_by_name(council)
    assert {name: row.attendance_rate for name, row in rows.items()} == {
        "Alpha Steelworks": Decimal("0.8333"), "Alpha Fabrication": Decimal("0.1667"),
        "Alpha Marine Welding": Decimal("1.0000"),
    }
    assert [name for name, row in rows.items() if row.is_drifting] == ["Alpha Fabrication"]


def test_a_meeting_cancelled_after_the_fact_is_dropped_from_the_figures_by_the_queued_refresh(
    history, frozen_now, django_capture_on_commit_callbacks
):
    council = history.council
    frozen_now(local_time(TODAY, 12))
    with django_capture_on_commit_callbacks(execute=True):
        history.record_last_meeting()
    assert engagement_by_name(council)["Alpha Steelworks"].meetings_considered == 6
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(convener=council.convener, actor=None, meeting=history.meetings[2],
                                status=Meeting.Status.CANCELLED)
    steel = engagement_by_name(council)["Alpha Steelworks"]
    assert (steel.meetings_attended, steel.meetings_considered, steel.attendance_rate) == (5, 5, Decimal("1.0000"))


def test_representatives_belong_to_an_organization_of_the_workspace(world):
    error = refused(services.representative_create, convener=world.a.convener, actor=world.a.admin,
                    organization=world.b.orgs[EMPLOYER], full_name="Alpha Pat Smuggler")
    assert error.message_dict == {"organization": ["Choose an organization of this workspace."]}
    rep = RepresentativeFactory(organization=world.a.orgs[EMPLOYER], full_name="Alpha Pat Hiring",
                                actor=world.a.admin)
    assert str(rep) == "Alpha Pat Hiring (Alpha Regional Hospital)"

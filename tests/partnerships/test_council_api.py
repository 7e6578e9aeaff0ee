"""The councils and directory API per role: who sees which councils, meetings and action items; funders get
no names or contacts; bad input is a 400 on its field; another workspace's ids are "not found"; .ics."""

from __future__ import annotations

import json
from datetime import date

import pytest

from partnerships.models import ActionItem, Council, CouncilSeat, Meeting, MeetingAttendance, Organization, Partnership
from partnerships.roles import OrganizationType, Role
from tests.tenancy.harness import tenant_routes

API = "/api/v1/c/alpha"
EMPLOYER = OrganizationType.EMPLOYER
INDUSTRY, WORKFORCE = Council.Kind.INDUSTRY, Council.Kind.WORKFORCE


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def ids(response) -> list[int]:
    return sorted(row["id"] for row in results(response))


def not_found(pk: int) -> list[str]:
    return [f"No such object in this workspace: {pk}."]


@pytest.fixture
def as_role(world, api_client_for):
    """An API client signed in as A's member of ``role``."""
    return lambda role: api_client_for(world.a.users[role])


# ---------------------------------------------------------------------------------------------------
# Councils: convener roles see all; partners the ones their organization sits on; funders none
# ---------------------------------------------------------------------------------------------------
def test_convener_roles_see_every_council_with_its_current_seats_and_people(world, as_role):
    a = world.a
    every = sorted(c.pk for c in Council.objects.for_convener(a.convener))
    for role in (Role.CONVENER_ADMIN, Role.CONVENER_STAFF):
        assert ids(as_role(role).get(f"{API}/councils/")) == every
    industry = as_role(Role.CONVENER_STAFF).get(f"{API}/councils/{a.councils[INDUSTRY].pk}/").json()
    [seat] = industry["seats"]
    assert seat["organization"]["name"] == "Alpha Regional Hospital" and seat["seat_role"] == "chair"
    assert [r["full_name"] for r in seat["representatives"]] == ["Alpha Dana Recruiter"]


@pytest.mark.parametrize(("role", "kind"), [
    (Role.EMPLOYER_REP, INDUSTRY), (Role.CASE_MANAGER, WORKFORCE), (Role.PROVIDER_STAFF, WORKFORCE),
])
def test_partners_see_only_the_councils_their_organization_sits_on(world, as_role, role, kind):
    a = world.a
    client = as_role(role)
    assert ids(client.get(f"{API}/councils/")) == [a.councils[kind].pk]
    other = WORKFORCE if kind == INDUSTRY else INDUSTRY
    assert client.get(f"{API}/councils/{a.councils[other].pk}/").status_code == 404
    assert client.get(f"{API}/councils/{a.councils[kind].pk}/").status_code == 200


def test_funders_get_no_council_meeting_action_item_or_engagement_data(world, as_role):
    client = as_role(Role.FUNDER)
    a = world.a
    for url in (f"{API}/councils/", f"{API}/councils/{a.councils[INDUSTRY].pk}/", f"{API}/meetings/",
                f"{API}/meetings/{a.meetings[INDUSTRY].pk}/", f"{API}/meetings/{a.meetings[INDUSTRY].pk}/ics/",
                f"{API}/meetings/{a.meetings[INDUSTRY].pk}/attendance/", f"{API}/action-items/",
                f"{API}/engagement/", f"{API}/representatives/", f"{API}/organizations/"):
        assert client.get(url).status_code == 403, url


def test_a_funder_sees_the_partnership_profile_and_council_mix_of_its_granted_partnership_only(world, as_role):
    a = world.a
    client = as_role(Role.FUNDER)
    profile = client.get(f"{API}/partnerships/{a.granted_partnership.pk}/").json()
    assert profile["name"] == "Alpha Healthcare Partnership"
    assert [g["description"] for g in profile["goals"]] == ["Alpha: 80% of participants complete training"]
    mix = client.get(f"{API}/partnerships/{a.granted_partnership.pk}/council-mix/")
    assert mix.status_code == 200
    assert mix.json() == {
        "employers_by_size": [{"key": "unknown", "label": "Size not recorded", "count": 1}],
        "partners_by_type": [
            {"key": "college", "label": "Community or technical college", "count": 1},
            {"key": "community_org", "label": "Community-based organization", "count": 1},
        ],
    }
    assert client.get(f"{API}/partnerships/{a.other_partnership.pk}/council-mix/").status_code == 404


def test_the_council_mix_counts_employers_by_size_band(world, as_role):
    a = world.a
    admin = as_role(Role.CONVENER_ADMIN)
    for name, band in [("Alpha Small Clinic", "small"), ("Alpha Mid Clinic", "mid"), ("Alpha Tiny Lab", "small")]:
        org = admin.post(f"{API}/organizations/", {"name": name, "org_type": EMPLOYER, "size_band": band}).json()
        response = admin.post(f"{API}/council-seats/", {"council": a.councils[INDUSTRY].pk, "organization": org["id"],
                                                        "joined_on": "2025-02-01"})
        assert response.status_code == 201, response.content
    mix = admin.get(f"{API}/partnerships/{a.granted_partnership.pk}/council-mix/").json()
    assert {e["key"]: e["count"] for e in mix["employers_by_size"]} == {"mid": 1, "small": 2, "unknown": 1}


def test_a_funder_never_receives_a_representatives_name_or_contact_from_any_api_route(world, api_client_for):
    """Every GET of every tenant API route, as A's funder, with A's own objects: no person of A shows."""
    a = world.a
    client = api_client_for(a.users[Role.FUNDER])
    secrets = []
    for rep in a.representatives.values():
        secrets += [rep.full_name, rep.email]
    seen = []
    for route in tenant_routes():
        if not route.is_api or "GET" not in route.methods:
            continue
        url = route.url(convener_slug="alpha", objects=route.objects_of(a))
        text = client.get(url).content.decode()
        seen.append(url)
        assert not [s for s in secrets if s in text], f"{url} shows a representative to a funder"
    assert f"{API}/partnerships/{a.granted_partnership.pk}/council-mix/" in seen


# ---------------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "kind"), [(Role.EMPLOYER_REP, INDUSTRY), (Role.CASE_MANAGER, WORKFORCE)])
def test_partners_see_only_the_meetings_of_councils_they_sit_on(world, as_role, role, kind):
    a = world.a
    client = as_role(role)
    assert ids(client.get(f"{API}/meetings/")) == [a.meetings[kind].pk]
    other = WORKFORCE if kind == INDUSTRY else INDUSTRY
    assert client.get(f"{API}/meetings/{a.meetings[other].pk}/").status_code == 404
    assert client.get(f"{API}/meetings/{a.meetings[other].pk}/ics/").status_code == 404
    detail = client.get(f"{API}/meetings/{a.meetings[kind].pk}/").json()
    assert detail["council"]["kind"] == kind and detail["status"] == "held"


def test_staff_schedule_a_meeting_and_update_its_minutes(world, as_role):
    a = world.a
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/meetings/", {
        "council": a.councils[INDUSTRY].pk, "title": "Alpha industry council, summer meeting",
        "starts_at": "2025-07-09T14:00:00-04:00", "location": "Alpha Regional Hospital, Room 4",
        "online_link": "https://meet.example/alpha", "agenda": "1. Demand survey results",
    })
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["ends_at"] == "2025-07-09T15:30:00-04:00"
    assert meeting["status"] == "scheduled" and meeting["organizations_present"] == 0

    response = client.patch(f"{API}/meetings/{meeting['id']}/", {"minutes": "Alpha minutes", "decisions": "Go."})
    assert response.status_code == 200, response.content
    assert (response.json()["minutes"], response.json()["decisions"]) == ("Alpha minutes", "Go.")
    assert response.json()["title"] == "Alpha industry council, summer meeting"


def test_partners_cannot_schedule_or_edit_meetings(world, as_role):
    a = world.a
    for role in (Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF, Role.FUNDER):
        client = as_role(role)
        assert client.post(f"{API}/meetings/", {"council": a.councils[INDUSTRY].pk, "title": "x",
                                                "starts_at": "2025-07-09T14:00:00Z"}).status_code == 403
        assert client.patch(f"{API}/meetings/{a.meetings[INDUSTRY].pk}/", {"title": "x"}).status_code == 403


def test_a_meeting_that_ends_before_it_starts_is_a_400_on_ends_at(world, as_role):
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/", {
        "council": world.a.councils[INDUSTRY].pk, "title": "Alpha backwards",
        "starts_at": "2025-07-09T14:00:00Z", "ends_at": "2025-07-09T13:00:00Z",
    })
    assert response.status_code == 400
    assert response.json() == {"ends_at": ["The meeting must end after it starts."]}


def test_malformed_meeting_fields_are_a_400_naming_each_field(world, as_role):
    before = Meeting.unscoped.count()
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/", {
        "council": "industry", "title": "", "starts_at": "next tuesday", "online_link": "not a link",
        "status": "postponed",
    })
    assert response.status_code == 400
    assert set(response.json()) == {"council", "title", "starts_at", "online_link", "status"}
    assert Meeting.unscoped.count() == before


def test_a_meeting_on_another_workspaces_council_is_not_found_in_this_workspace(world, as_role):
    beta_council = world.b.councils[INDUSTRY]
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/", {
        "council": beta_council.pk, "title": "Alpha sneaky", "starts_at": "2025-07-09T14:00:00Z"})
    assert response.status_code == 400
    assert response.json() == {"council": not_found(beta_council.pk)}


def test_the_ics_action_returns_an_icalendar_file(world, as_role):
    meeting = world.a.meetings[INDUSTRY]
    for role in (Role.CONVENER_ADMIN, Role.EMPLOYER_REP):
        response = as_role(role).get(f"{API}/meetings/{meeting.pk}/ics/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
        text = response.content.decode()
        assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
        assert "SUMMARY:Alpha industry council\\, spring meeting" in text
        assert "DTSTART:20250312T130000Z" in text and "DTEND:20250312T143000Z" in text  # 9:00-10:30 EDT
        assert f"/c/alpha/meetings/{meeting.pk}/" in text, "the event links back to the meeting page"


def test_a_calendar_client_asking_for_text_calendar_gets_the_file(world, as_role):
    response = as_role(Role.CONVENER_ADMIN).get(f"{API}/meetings/{world.a.meetings[INDUSTRY].pk}/ics/",
                                                HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")


# ---------------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------------
def test_staff_record_attendance_by_person_and_by_organization(world, as_role):
    a = world.a
    meeting = a.meetings[WORKFORCE]
    navigator = a.representatives[OrganizationType.COMMUNITY_ORG]
    college = a.orgs[OrganizationType.COLLEGE]
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/meetings/{meeting.pk}/attendance/",
                           {"present_representatives": [navigator.pk], "present_organizations": [college.pk]})
    assert response.status_code == 200, response.content
    rows = {(r["organization"]["name"], (r["representative"] or {}).get("full_name")) for r in response.json()}
    assert rows == {("Alpha Goodwill Industries", "Alpha Casey Navigator"), ("Alpha Community College", None)}
    assert client.get(f"{API}/meetings/{meeting.pk}/").json()["organizations_present"] == 2


def test_attendance_of_an_unseated_organization_is_a_400_and_changes_nothing(world, as_role):
    a = world.a
    meeting = a.meetings[INDUSTRY]
    before = list(MeetingAttendance.unscoped.filter(meeting=meeting).values_list("pk", flat=True))
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/{meeting.pk}/attendance/",
                                                 {"present_organizations": [a.orgs[OrganizationType.COLLEGE].pk]})
    assert response.status_code == 400
    assert response.json() == {
        "attendance": ["Not seated on this council on the meeting date: Alpha Community College."]}
    assert list(MeetingAttendance.unscoped.filter(meeting=meeting).values_list("pk", flat=True)) == before


def test_attendance_naming_another_workspaces_people_is_not_found_in_this_workspace(world, as_role):
    beta_rep = world.b.representatives[EMPLOYER]
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/{world.a.meetings[INDUSTRY].pk}/attendance/",
                                                 {"present_representatives": [beta_rep.pk]})
    assert response.status_code == 400
    assert response.json() == {"present_representatives": not_found(beta_rep.pk)}


def test_an_attendance_body_that_says_nothing_is_a_400_not_an_empty_meeting(world, as_role):
    meeting = world.a.meetings[INDUSTRY]
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/meetings/{meeting.pk}/attendance/", {})
    assert response.status_code == 400
    assert "Say who was present" in response.json()["non_field_errors"][0]
    assert MeetingAttendance.unscoped.filter(meeting=meeting).exists()


def test_partners_read_attendance_of_their_meetings_but_cannot_record_it(world, as_role):
    meeting = world.a.meetings[INDUSTRY]
    client = as_role(Role.EMPLOYER_REP)
    rows = results(client.get(f"{API}/meetings/{meeting.pk}/attendance/"))
    assert [r["representative"]["full_name"] for r in rows] == ["Alpha Dana Recruiter"]
    assert client.post(f"{API}/meetings/{meeting.pk}/attendance/", {"present_organizations": []}).status_code == 403


@pytest.mark.parametrize(("role", "kind"), [(Role.EMPLOYER_REP, INDUSTRY), (Role.CASE_MANAGER, WORKFORCE)])
def test_employer_reps_and_case_managers_mark_their_own_attendance(world, as_role, role, kind):
    a = world.a
    meeting = a.meetings[kind]
    client = as_role(role)
    response = client.post(f"{API}/meetings/{meeting.pk}/mark-own-attendance/", {"present": False})
    assert response.status_code == 200, response.content
    assert response.json() == {"meeting": meeting.pk, "present": False, "representative": None}
    user = a.users[role]
    assert not MeetingAttendance.unscoped.filter(meeting=meeting, representative__user=user).exists()

    response = client.post(f"{API}/meetings/{meeting.pk}/mark-own-attendance/", {})
    assert response.status_code == 200
    assert response.json()["present"] is True
    assert response.json()["representative"]["id"] == MeetingAttendance.unscoped.get(
        meeting=meeting, representative__user=user).representative_id


def test_marking_own_attendance_at_a_council_you_do_not_sit_on_is_not_found(world, as_role):
    response = as_role(Role.CASE_MANAGER).post(f"{API}/meetings/{world.a.meetings[INDUSTRY].pk}/mark-own-attendance/",
                                               {"present": True})
    assert response.status_code == 404


def test_marking_own_attendance_after_the_seat_ended_is_a_400(world, as_role):
    a = world.a
    seat = CouncilSeat.unscoped.get(council=a.councils[INDUSTRY], organization=a.orgs[EMPLOYER])
    as_role(Role.CONVENER_ADMIN).patch(f"{API}/council-seats/{seat.pk}/", {"left_on": "2025-12-31"})
    # The seat is no longer current: the council and its meetings drop out of the rep's view.
    assert as_role(Role.EMPLOYER_REP).post(
        f"{API}/meetings/{a.meetings[INDUSTRY].pk}/mark-own-attendance/", {}).status_code == 404


@pytest.mark.parametrize("role", [Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.PROVIDER_STAFF, Role.FUNDER])
def test_other_roles_cannot_mark_own_attendance(world, as_role, role):
    assert as_role(role).post(f"{API}/meetings/{world.a.meetings[WORKFORCE].pk}/mark-own-attendance/",
                              {}).status_code == 403


# ---------------------------------------------------------------------------------------------------
# Action items
# ---------------------------------------------------------------------------------------------------
def test_staff_create_an_action_item_and_filter_the_partnerships_list(world, as_role):
    a = world.a
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/action-items/", {
        "partnership": a.granted_partnership.pk, "meeting": a.meetings[WORKFORCE].pk,
        "title": "Alpha: book the simulation lab", "due_on": "2025-05-01",
        "owner_user": a.users[Role.CONVENER_STAFF].pk,
    })
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["owner_label"] == "Alpha Convener staff" and created["status"] == "open"
    assert created["meeting"]["id"] == a.meetings[WORKFORCE].pk

    listed = ids(client.get(f"{API}/action-items/", {"partnership": a.granted_partnership.pk}))
    assert listed == sorted([a.action_item.pk, created["id"]])
    assert ids(client.get(f"{API}/action-items/", {"meeting": a.meetings[WORKFORCE].pk})) == [created["id"]]
    assert ids(client.get(f"{API}/action-items/", {"owner_representative": a.representatives[EMPLOYER].pk})) == [
        a.action_item.pk]
    assert ids(client.get(f"{API}/action-items/", {"owner_user": a.users[Role.CONVENER_STAFF].pk})) == [created["id"]]
    # Both are past due (the world's dates are in 2025): overdue while open, not once done.
    assert ids(client.get(f"{API}/action-items/", {"overdue": "true"})) == sorted([a.action_item.pk, created["id"]])
    response = client.patch(f"{API}/action-items/{created['id']}/", {"status": "done"})
    assert response.status_code == 200 and response.json()["completed_on"] is not None
    assert ids(client.get(f"{API}/action-items/", {"overdue": "true"})) == [a.action_item.pk]
    assert ids(client.get(f"{API}/action-items/", {"status": "done"})) == [created["id"]]
    assert ids(client.get(f"{API}/action-items/", {"is_open": "true"})) == [a.action_item.pk]


def test_an_action_item_due_before_its_meeting_is_a_400_on_due_on_and_saves_nothing(world, as_role):
    before = ActionItem.unscoped.count()
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/action-items/", {
        "partnership": world.a.granted_partnership.pk, "meeting": world.a.meetings[INDUSTRY].pk,
        "title": "Alpha backdated", "due_on": "2025-03-01",
    })
    assert response.status_code == 400
    assert response.json() == {"due_on": ["The due date is before the meeting it came from (Mar 12, 2025)."]}
    assert ActionItem.unscoped.count() == before


def test_action_item_ids_of_another_workspace_are_not_found_in_this_workspace(world, as_role):
    b = world.b
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/action-items/", {
        "partnership": b.granted_partnership.pk, "meeting": b.meetings[INDUSTRY].pk, "title": "Alpha x",
        "due_on": "2025-05-01", "owner_representative": b.representatives[EMPLOYER].pk, "owner_user": b.admin.pk,
    })
    assert response.status_code == 400
    assert response.json() == {
        "partnership": not_found(b.granted_partnership.pk), "meeting": not_found(b.meetings[INDUSTRY].pk),
        "owner_representative": not_found(b.representatives[EMPLOYER].pk), "owner_user": not_found(b.admin.pk),
    }


def test_partners_read_the_action_items_of_their_partnerships_only_and_cannot_change_them(world, as_role):
    a = world.a
    hidden = ActionItem.unscoped.create(convener=a.convener, partnership=a.other_partnership,
                                        title="Alpha: other partnership item", due_on=date(2025, 5, 1))
    client = as_role(Role.EMPLOYER_REP)
    assert ids(client.get(f"{API}/action-items/")) == [a.action_item.pk]
    assert client.get(f"{API}/action-items/{hidden.pk}/").status_code == 404
    assert client.patch(f"{API}/action-items/{a.action_item.pk}/", {"status": "done"}).status_code == 403


# ---------------------------------------------------------------------------------------------------
# Engagement
# ---------------------------------------------------------------------------------------------------
def test_conveners_list_engagement_and_filter_drifting_employers(world, as_role):
    a = world.a
    client = as_role(Role.CONVENER_STAFF)
    [row] = results(client.get(f"{API}/engagement/", {"partnership": a.granted_partnership.pk}))
    assert row["organization"]["name"] == "Alpha Regional Hospital"
    assert (row["meetings_attended"], row["meetings_considered"], row["attendance_rate"]) == (1, 1, "1.0000")
    assert row["is_drifting"] is False
    assert results(client.get(f"{API}/engagement/", {"drifting": "true"})) == []
    assert ids(client.get(f"{API}/engagement/", {"drifting": "false"})) == [row["id"]]
    assert results(client.get(f"{API}/engagement/", {"partnership": a.other_partnership.pk})) == []


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF, Role.FUNDER])
def test_only_conveners_see_engagement(world, as_role, role):
    assert as_role(role).get(f"{API}/engagement/").status_code == 403


# ---------------------------------------------------------------------------------------------------
# Organizations, NAICS, representatives, seats, partnerships
# ---------------------------------------------------------------------------------------------------
def test_staff_create_an_employer_with_a_naics_code_and_edit_it(world, as_role):
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/organizations/", {
        "name": "Alpha Memorial Hospital", "org_type": EMPLOYER, "size_band": "large", "naics_code": "622110",
        "ein": "931234567", "state": "or",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["naics_title"], body["ein"], body["state"]) == (
        "General Medical and Surgical Hospitals", "93-1234567", "OR")
    response = client.patch(f"{API}/organizations/{body['id']}/", {"size_band": "mid"})
    assert response.status_code == 200 and response.json()["size_band"] == "mid"
    assert response.json()["naics_code"] == "622110"


def test_a_duplicate_organization_is_a_400_on_the_name_or_ein(world, as_role):
    client = as_role(Role.CONVENER_ADMIN)
    before = Organization.unscoped.count()
    response = client.post(f"{API}/organizations/", {"name": "The Alpha Regional Hospital, Inc.", "org_type": EMPLOYER})
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Alpha Regional Hospital is already in your directory. Open it instead of adding it twice."]}
    client.post(f"{API}/organizations/", {"name": "Alpha Steelworks", "org_type": EMPLOYER, "ein": "93-1234567"})
    response = client.post(f"{API}/organizations/", {"name": "Alpha Steel", "org_type": EMPLOYER, "ein": "93-1234567"})
    assert response.status_code == 400
    assert response.json() == {"ein": ["EIN 93-1234567 already belongs to Alpha Steelworks."]}
    assert Organization.unscoped.count() == before + 1


def test_an_unknown_naics_code_is_a_400_on_the_field(world, as_role):
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/organizations/", {
        "name": "Alpha Mystery Works", "org_type": EMPLOYER, "naics_code": "999999"})
    assert response.status_code == 400
    assert response.json() == {
        "naics_code": ["999999 is not a NAICS 2022 code. Search by industry name to find the right one."]}


def test_partners_and_funders_cannot_write_the_directory(world, as_role):
    for role in (Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF, Role.FUNDER):
        assert as_role(role).post(f"{API}/organizations/", {"name": "x", "org_type": EMPLOYER}).status_code == 403
        assert as_role(role).post(f"{API}/representatives/", {}).status_code == 403
        assert as_role(role).post(f"{API}/partnerships/", {"name": "x"}).status_code == 403


def test_the_naics_search_finds_industries_by_words_or_digits(world, api_client_for):
    client = api_client_for(world.a.users[Role.EMPLOYER_REP])
    response = client.get("/api/v1/naics/", {"q": "general hospitals"})
    assert response.status_code == 200
    assert {"code": "622110", "title": "General Medical and Surgical Hospitals"} in response.json()
    codes = [row["code"] for row in client.get("/api/v1/naics/", {"q": "3361", "min_digits": 6}).json()]
    assert codes and all(c.startswith("3361") and len(c) == 6 for c in codes)
    assert client.get("/api/v1/naics/").status_code == 400
    assert client.get("/api/v1/naics/", {"q": "x", "limit": 0}).json() == {
        "limit": ["Ensure this value is greater than or equal to 1."]}
    assert api_client_for(None).get("/api/v1/naics/", {"q": "hospital"}).status_code in (401, 403)


def test_staff_add_a_representative_linked_to_a_member(world, as_role):
    a = world.a
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/representatives/", {
        "organization": a.orgs[EMPLOYER].pk, "full_name": "Alpha Jo Supervisor", "email": "jo@alpha.example",
        "user": a.users[Role.EMPLOYER_REP].pk,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["id"] == a.orgs[EMPLOYER].pk and body["user_email"] == "employer.rep@alpha.example"
    listed = ids(client.get(f"{API}/representatives/", {"organization": a.orgs[EMPLOYER].pk}))
    assert listed == sorted([a.representatives[EMPLOYER].pk, body["id"]])
    response = client.patch(f"{API}/representatives/{body['id']}/", {"is_active": False, "user": None})
    assert response.status_code == 200 and (response.json()["is_active"], response.json()["user"]) == (False, None)


def test_a_representative_cannot_belong_to_or_be_linked_to_another_workspace(world, as_role):
    b = world.b
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/representatives/", {
        "organization": b.orgs[EMPLOYER].pk, "full_name": "Alpha x", "user": b.admin.pk, "email": "nope"})
    assert response.status_code == 400
    assert response.json() == {"organization": not_found(b.orgs[EMPLOYER].pk), "user": not_found(b.admin.pk),
                               "email": ["Enter a valid email address."]}


def test_seating_another_workspaces_organization_is_not_found_in_this_workspace(world, as_role):
    before = CouncilSeat.unscoped.count()
    beta_employer = world.b.orgs[EMPLOYER]
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/council-seats/", {
        "council": world.a.councils[INDUSTRY].pk, "organization": beta_employer.pk})
    assert response.status_code == 400
    assert response.json() == {"organization": not_found(beta_employer.pk)}
    assert CouncilSeat.unscoped.count() == before


def test_seating_the_wrong_type_of_organization_is_a_400_that_says_why(world, as_role):
    response = as_role(Role.CONVENER_ADMIN).post(f"{API}/council-seats/", {
        "council": world.a.councils[INDUSTRY].pk, "organization": world.a.orgs[OrganizationType.COLLEGE].pk})
    assert response.status_code == 400
    assert response.json() == {"organization": [
        "Alpha Community College is a community or technical college; the industry council seats employers and "
        "industry associations."]}


def test_staff_seat_an_organization_then_change_its_role_and_record_that_it_left(world, as_role):
    a = world.a
    client = as_role(Role.CONVENER_STAFF)
    council = council_id = a.councils[INDUSTRY].pk
    clinic = client.post(f"{API}/organizations/", {"name": "Alpha Clinic", "org_type": EMPLOYER}).json()
    rep = client.post(f"{API}/representatives/", {"organization": clinic["id"], "full_name": "Alpha Lee"}).json()
    response = client.post(f"{API}/council-seats/", {"council": council, "organization": clinic["id"],
                                                     "seat_role": "member", "joined_on": "2025-02-01",
                                                     "representatives": [rep["id"]]})
    assert response.status_code == 201, response.content
    seat = response.json()
    assert [r["full_name"] for r in seat["representatives"]] == ["Alpha Lee"]

    response = client.patch(f"{API}/council-seats/{seat['id']}/", {"seat_role": "co_chair"})
    assert response.status_code == 200 and response.json()["seat_role"] == "co_chair"
    assert [r["id"] for r in response.json()["representatives"]] == [rep["id"]], "a partial update keeps the people"

    response = client.patch(f"{API}/council-seats/{seat['id']}/", {"left_on": "2025-01-01"})
    assert response.status_code == 400
    assert response.json() == {"left_on": ["The seat was taken on Feb 01, 2025; it cannot end before that."]}
    response = client.patch(f"{API}/council-seats/{seat['id']}/", {"left_on": "2025-09-30"})
    assert response.status_code == 200 and response.json()["left_on"] == "2025-09-30"
    current = client.get(f"{API}/councils/{council_id}/").json()["seats"]
    assert clinic["id"] not in [s["organization"]["id"] for s in current]


def test_staff_create_a_partnership_with_both_councils_and_goals(world, as_role):
    client = as_role(Role.CONVENER_STAFF)
    response = client.post(f"{API}/partnerships/", {
        "name": "Alpha IT Partnership", "industry_naics": "5415", "state": "or", "counties": ["Multnomah"],
        "metro_area": "Portland-Vancouver-Hillsboro, OR-WA", "start_date": "2025-07-01", "engagement_window": 4,
    })
    assert response.status_code == 201, response.content
    partnership = response.json()
    assert partnership["industry_label"] == "Computer Systems Design and Related Services"
    assert (partnership["state"], partnership["engagement_window"]) == ("OR", 4)
    councils = results(client.get(f"{API}/councils/", {"partnership": partnership["id"]}))
    assert sorted(c["kind"] for c in councils) == [INDUSTRY, WORKFORCE]

    url = f"{API}/partnerships/{partnership['id']}/goals/"
    response = client.post(url, {"description": "Alpha: 40 hires by June 2026", "target_value": "40", "unit": "hires",
                                 "target_date": "2026-06-30"})
    assert response.status_code == 201, response.content
    goal = response.json()
    assert client.get(url).json() == [goal]
    assert client.get(f"{API}/partnerships/{partnership['id']}/").json()["goals"] == [goal]
    assert client.delete(f"{url}{goal['id']}/").status_code == 204
    assert client.get(url).json() == []
    assert client.delete(f"{url}{goal['id']}/").status_code == 404


def test_a_goal_of_another_partnership_cannot_be_removed_through_this_one(world, as_role):
    a = world.a
    goal_id = a.granted_partnership.goals.get().pk
    response = as_role(Role.CONVENER_ADMIN).delete(f"{API}/partnerships/{a.other_partnership.pk}/goals/{goal_id}/")
    assert response.status_code == 404
    assert a.granted_partnership.goals.filter(pk=goal_id).exists()


def test_partnership_errors_are_400s_on_their_fields(world, as_role):
    client = as_role(Role.CONVENER_ADMIN)
    before = Partnership.unscoped.count()
    response = client.post(f"{API}/partnerships/", {"name": "Alpha Healthcare Partnership", "industry_naics": "622110",
                                                    "engagement_window": 99, "counties": "Multnomah"})
    assert response.status_code == 400
    assert set(response.json()) == {"engagement_window", "counties"}
    response = client.post(f"{API}/partnerships/", {"name": "Alpha Healthcare Partnership", "industry_naics": "622110"})
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Alpha Healthcare Partnership already exists in this workspace."],
        "industry_naics": ["Use a code of a sector or subsector (2 to 4 digits) here."],
    }
    response = client.patch(f"{API}/partnerships/{world.a.granted_partnership.pk}/", {"state": "Oregon"})
    assert response.status_code == 400 and set(response.json()) == {"state"}
    assert Partnership.unscoped.count() == before


def test_an_employer_rep_sees_only_the_partnerships_where_their_organization_sits(world, as_role):
    assert ids(as_role(Role.EMPLOYER_REP).get(f"{API}/partnerships/")) == [world.a.granted_partnership.pk]
    assert as_role(Role.EMPLOYER_REP).get(f"{API}/partnerships/{world.a.other_partnership.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------------
# Every new write endpoint: a body of the wrong types is a 400 naming fields, never a 500
# ---------------------------------------------------------------------------------------------------
WRONG_TYPES = {
    "council": {"a": 1}, "organization": [1, 2], "partnership": "x", "meeting": 1.5, "representatives": "x",
    "present_representatives": {"x": 1}, "present_organizations": ["a"], "owner_user": "me",
    "owner_representative": [], "title": {"t": 1}, "starts_at": 5, "due_on": "soon", "joined_on": "later",
    "left_on": 3, "seat_role": "king", "status": "maybe", "present": "perhaps", "name": ["n"], "org_type": "castle",
    "naics_code": 622110.5, "counties": {"c": 1}, "engagement_window": "six", "description": None,
    "target_value": "lots", "full_name": None, "email": "nope", "user": "x", "is_active": "maybe",
}
NEW_WRITES = [
    ("post", "/organizations/"), ("patch", "/organizations/{org}/"), ("post", "/representatives/"),
    ("patch", "/representatives/{rep}/"), ("post", "/partnerships/"), ("patch", "/partnerships/{partnership}/"),
    ("post", "/partnerships/{partnership}/goals/"), ("post", "/council-seats/"), ("patch", "/council-seats/{seat}/"),
    ("post", "/meetings/"), ("patch", "/meetings/{meeting}/"), ("post", "/meetings/{meeting}/attendance/"),
    ("post", "/action-items/"), ("patch", "/action-items/{item}/"),
]


@pytest.mark.parametrize(("method", "path"), NEW_WRITES, ids=[f"{m} {p}" for m, p in NEW_WRITES])
def test_a_body_of_wrong_types_is_a_400_with_field_errors(world, as_role, method, path):
    a = world.a
    seat = CouncilSeat.unscoped.filter(convener=a.convener).first()
    url = API + path.format(org=a.orgs[EMPLOYER].pk, rep=a.representatives[EMPLOYER].pk,
                            partnership=a.granted_partnership.pk, seat=seat.pk, meeting=a.meetings[INDUSTRY].pk,
                            item=a.action_item.pk)
    response = getattr(as_role(Role.CONVENER_ADMIN), method)(url, json.dumps(WRONG_TYPES),
                                                              content_type="application/json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert errors and all(isinstance(v, list | dict) for v in errors.values()), errors
    assert set(errors) <= set(WRONG_TYPES) | {"non_field_errors"}

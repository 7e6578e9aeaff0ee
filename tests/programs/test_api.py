"""The programs API: who may see and do what (employers get counts, never a roster; a provider that does not run
a program cannot even see its roster), writes through the services with their rules (seat limit and the
convener's override, dated completions, attendance inside the cohort's dates, credentials never in the future),
bad input and other tenants' ids are 400s that save nothing, and list endpoints cost a fixed number of queries."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.models import Participant
from partnerships.models import Membership, Organization
from partnerships.roles import OrganizationType, Role
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    Program,
    SkillGain,
)
from tests.conftest import World
from tests.factories import (
    CohortFactory,
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
    award_credential,
    cohort_status,
    enroll,
    mark_attendance,
    record_skill_gain,
)
from tests.oews import load_oews_extract

API = "/api/v1/c/alpha"
CONVENER_ROLES = {Role.CONVENER_ADMIN, Role.CONVENER_STAFF}
ROSTER_KEEPERS = CONVENER_ROLES | {Role.PROVIDER_STAFF}
COHORT_VIEWERS = ROSTER_KEEPERS | {Role.EMPLOYER_REP, Role.CASE_MANAGER}


def cohort_url(world: World, path: str = "") -> str:
    assert world.a.cohort is not None
    return f"{API}/cohorts/{world.a.cohort.pk}/{path}"


def counts(*models: type) -> tuple[int, ...]:
    return tuple(m.unscoped.count() for m in models)  # type: ignore[attr-defined]


def newcomer(world: World, first: str = "Riley", last: str = "Alpha-Nguyen", *, by: Role = Role.CASE_MANAGER
             ) -> Participant:
    """Another participant of Alpha, not on any roster yet, owned by the organization of ``by`` (by default the
    community organization's case manager, whose people the college cannot reach)."""
    return ParticipantFactory(membership=world.a.memberships[by], first_name=first, last_name=last)


@pytest.fixture
def other_provider(world: World) -> Membership:
    """Provider staff of a second Alpha college, which does not run the world's program."""
    a = world.a
    college = OrganizationFactory(convener=a.convener, org_type=OrganizationType.COLLEGE,
                                  name="Alpha Technical Institute", actor=a.admin)
    user = UserFactory(email="other.provider@alpha.example", full_name="Alpha Other Provider")
    return MembershipFactory(convener=a.convener, user=user, role=Role.PROVIDER_STAFF, organization=college)


# ---------------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------------
def role_paths(world: World) -> dict[str, set[str]]:
    """path -> the roles that get 200 (everyone else in the tenant: 403)."""
    a = world.a
    assert a.program and a.session and a.enrollments
    return {
        "programs/": set(Role),
        f"programs/{a.program.pk}/": set(Role),
        "cohorts/": COHORT_VIEWERS,
        cohort_url(world).removeprefix(f"{API}/"): COHORT_VIEWERS,
        cohort_url(world, "employers/").removeprefix(f"{API}/"): COHORT_VIEWERS,
        cohort_url(world, "sessions/").removeprefix(f"{API}/"): COHORT_VIEWERS,
        cohort_url(world, f"sessions/{a.session.pk}/").removeprefix(f"{API}/"): COHORT_VIEWERS,
        cohort_url(world, f"sessions/{a.session.pk}/attendance/").removeprefix(f"{API}/"): ROSTER_KEEPERS,
        cohort_url(world, "enrollments/").removeprefix(f"{API}/"): ROSTER_KEEPERS,
        cohort_url(world, f"enrollments/{a.enrollments[0].pk}/").removeprefix(f"{API}/"): ROSTER_KEEPERS,
        cohort_url(world, "enrollments/candidates/").removeprefix(f"{API}/"): ROSTER_KEEPERS,
        "credential-awards/": ROSTER_KEEPERS,
        f"credential-awards/{a.credential_award.pk}/": ROSTER_KEEPERS,  # type: ignore[union-attr]
        "skill-gains/": ROSTER_KEEPERS,
        f"skill-gains/{a.skill_gain.pk}/": ROSTER_KEEPERS,  # type: ignore[union-attr]
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_what_the_policy_allows(world: World, api_client_for: Any, role: Role) -> None:
    client = api_client_for(world.a.users[role])
    for path, allowed in role_paths(world).items():
        response = client.get(f"{API}/{path}")
        assert response.status_code == (200 if role in allowed else 403), (path, response.status_code)


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.FUNDER])
def test_roles_without_the_roster_never_see_a_participants_name(world: World, api_client_for: Any,
                                                               role: Role) -> None:
    client = api_client_for(world.a.users[role])
    texts = [client.get(f"{API}/{path}").content.decode() for path in role_paths(world)]
    for text in texts:
        for participant in world.a.participants:
            assert participant.last_name not in text
            assert participant.public_id not in text
    # Convener staff do see them, so the check above can fail.
    staff = api_client_for(world.a.users[Role.CONVENER_STAFF]).get(cohort_url(world, "enrollments/")).content
    assert "Alpha-Rivera" in staff.decode()


def test_an_employer_sees_the_cohorts_it_hosts_as_counts_and_its_own_commitments_only(
    world: World, api_client_for: Any
) -> None:
    a = world.a
    rival = OrganizationFactory(convener=a.convener, org_type=OrganizationType.EMPLOYER,
                                name="Alpha Rival Clinic", actor=a.admin)
    staff = api_client_for(a.users[Role.CONVENER_STAFF])
    added = staff.post(cohort_url(world, "employers/"), {"employer": rival.pk, "kind": "partner",
                                                         "planned_hires": 9, "guaranteed_interviews": 4})
    assert added.status_code == 201, added.content
    # A cohort the employer does not host is not there for it at all.
    assert a.program is not None
    unhosted = CohortFactory(program=a.program, partnership=a.granted_partnership, actor=a.admin,
                             name="Alpha Nurse Aide Spring 2025", start_date=date(2025, 4, 7),
                             end_date=date(2025, 6, 27))

    rep = api_client_for(a.users[Role.EMPLOYER_REP])
    listing = rep.get(f"{API}/cohorts/").json()
    assert [c["id"] for c in listing["results"]] == [a.cohort.pk]  # type: ignore[union-attr]
    assert rep.get(f"{API}/cohorts/{unhosted.pk}/").status_code == 404
    assert rep.get(f"{API}/cohorts/{unhosted.pk}/employers/").status_code == 404
    detail = rep.get(cohort_url(world)).json()
    assert detail["figures"]["seated"] == 2 and detail["figures"]["completed"] == 1
    assert detail["figures"]["credentials"] == 1 and detail["figures"]["skill_gains"] == 1
    assert [e["employer"]["name"] for e in detail["employers"]] == ["Alpha Regional Hospital"]
    assert detail["commitments"] is None
    rows = rep.get(cohort_url(world, "employers/")).json()["results"]
    assert [(r["employer"]["name"], r["planned_hires"]) for r in rows] == [("Alpha Regional Hospital", 6)]
    assert "Rival" not in rep.get(cohort_url(world)).content.decode()
    # Roster endpoints are refused outright: the employer is a member without the action.
    assert rep.get(cohort_url(world, "enrollments/")).status_code == 403
    assert rep.post(cohort_url(world, "enrollments/"), {"participant": newcomer(world).pk}).status_code == 403

    full = staff.get(cohort_url(world)).json()
    assert sorted(e["employer"]["name"] for e in full["employers"]) == ["Alpha Regional Hospital",
                                                                       "Alpha Rival Clinic"]
    assert full["commitments"]["planned_hires"] == 6 + 9
    assert full["commitments"]["guaranteed_interviews"] == 10 + 4


def test_a_provider_that_does_not_run_the_program_cannot_see_or_change_its_roster(
    world: World, api_client_for: Any, other_provider: Membership
) -> None:
    a = world.a
    assert a.session and a.enrollments and a.program
    client = api_client_for(other_provider.user)
    assert client.get(f"{API}/cohorts/").json()["results"] == []
    # The catalogue is open to every role (no people in it); the cohort and its roster are not.
    assert len(client.get(f"{API}/programs/").json()["results"]) == 2
    person = newcomer(world)
    before = counts(CohortEnrollment, AttendanceRecord, CredentialAward, SkillGain, CohortSession, Participant)
    for method, path, body in (
        ("get", cohort_url(world), None),
        ("get", cohort_url(world, "enrollments/"), None),
        ("post", cohort_url(world, "enrollments/"), {"participant": person.pk}),
        ("post", cohort_url(world, "enrollments/"), {"first_name": "Walk", "last_name": "In"}),
        ("post", cohort_url(world, f"enrollments/{a.enrollments[1].pk}/status/"),
         {"status": "withdrawn", "on": "2025-02-01", "reason": "moved"}),
        ("post", cohort_url(world, "sessions/"), {"day": "2025-01-07"}),
        ("post", cohort_url(world, f"sessions/{a.session.pk}/attendance/"),
         {"marks": [{"enrollment": a.enrollments[1].pk, "status": "absent"}]}),
    ):
        response = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
        assert response.status_code == 404, (method, path, response.status_code)
    # The flat credential and skill-gain endpoints: the roster row reads like one of another workspace.
    award = client.post(f"{API}/credential-awards/", {"enrollment": a.enrollments[0].pk, "awarded_on": "2025-03-28",
                                                      "name": "CPR", "issuer": "Red Cross",
                                                      "ctdl_type": "ceterms:Certification"})
    assert award.status_code == 400
    assert award.json() == {"enrollment": [f"No such object in this workspace: {a.enrollments[0].pk}."]}
    gain = client.post(f"{API}/skill-gains/", {"enrollment": a.enrollments[0].pk, "gain_type": "efl",
                                                "achieved_on": "2025-02-01"})
    assert gain.status_code == 400
    assert client.get(f"{API}/credential-awards/").json()["results"] == []
    assert counts(CohortEnrollment, AttendanceRecord, CredentialAward, SkillGain, CohortSession,
                  Participant) == before


# ---------------------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------------------
def program_payload(world: World, **overrides: Any) -> dict[str, Any]:
    a = world.a
    payload: dict[str, Any] = {
        "name": "Alpha Medical Assistant Apprenticeship", "program_type": "registered_apprenticeship",
        "provider": a.orgs[OrganizationType.COLLEGE].pk, "target_occupations": ["31-1131"], "cip_code": "51.0801",
        "length_weeks": 52, "contact_hours": 2000, "cost_per_participant": "5200.00",
        "funding_streams": ["wioa_adult", "employer_paid"], "rapids_number": "2026-IN-0042",
        "credentials": [{"name": "Alpha medical assistant certificate", "issuer": "Alpha Community College",
                         "ctdl_type": "ceterms:Certificate"}],
        "requirements": [{"kind": "entry", "description": "High school diploma or GED"},
                         {"kind": "screening", "description": "Drug test",
                          "employers": [a.orgs[OrganizationType.EMPLOYER].pk]}],
        "wage_steps": [{"step": 1, "hourly_wage": "16.00"}, {"step": 2, "after_hours": 1000, "hourly_wage": "17.50"}],
    }
    payload.update(overrides)
    return payload


def test_convener_staff_create_a_program_with_its_credentials_requirements_and_wage_steps(
    world: World, api_client_for: Any
) -> None:
    client = api_client_for(world.a.users[Role.CONVENER_STAFF])
    response = client.post(f"{API}/programs/", program_payload(world))
    assert response.status_code == 201, response.content
    program = response.json()
    assert program["provider"]["name"] == "Alpha Community College"
    assert program["target_occupations"] == [{"soc_code": "31-1131", "title": "Nursing Assistants"}]
    assert sorted(f["code"] for f in program["funding_streams"]) == ["employer_paid", "wioa_adult"]
    assert [(c["name"], c["ctdl_type"]) for c in program["credentials"]] == [
        ("Alpha medical assistant certificate", "ceterms:Certificate")]
    assert [(r["kind"], r["description"], [e["name"] for e in r["employers"]]) for r in program["requirements"]] == [
        ("entry", "High school diploma or GED", []), ("screening", "Drug test", ["Alpha Regional Hospital"])]
    assert program["wage_steps"] == [{"step": 1, "after_hours": 0, "hourly_wage": "16.00"},
                                     {"step": 2, "after_hours": 1000, "hourly_wage": "17.50"}]
    assert (program["cost_per_participant"], program["open_cohorts"]) == ("5200.00", 0)

    # A partial update changes what is sent and keeps the rest, lists included.
    url = f"{API}/programs/{program['id']}/"
    patched = client.patch(url, {"length_weeks": 56, "wage_steps": [{"step": 1, "hourly_wage": "16.50"}]})
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["length_weeks"] == 56
    assert body["wage_steps"] == [{"step": 1, "after_hours": 0, "hourly_wage": "16.50"}]
    for kept in ("credentials", "requirements", "target_occupations", "funding_streams", "provider", "rapids_number"):
        assert body[kept] == program[kept], kept
    assert client.get(url).json()["wage_steps"] == body["wage_steps"]


def test_the_catalogue_filters_by_type_status_occupation_provider_and_search(world: World,
                                                                            api_client_for: Any) -> None:
    a = world.a
    university = OrganizationFactory(convener=a.convener, org_type=OrganizationType.UNIVERSITY,
                                     name="Alpha State University", actor=a.admin)
    welding = ProgramFactory(provider=university, actor=a.admin, name="Alpha Welding Bootcamp",
                             target_occupations=["51-4121"], other_providers=[a.orgs[OrganizationType.COLLEGE]])
    client = api_client_for(a.users[Role.FUNDER])

    def names(**query: Any) -> list[str]:
        response = client.get(f"{API}/programs/", query)
        assert response.status_code == 200, response.content
        return [p["name"] for p in response.json()["results"]]

    everything = ["Alpha Nurse Aide Training", "Alpha Patient Care Technician Apprenticeship",
                  "Alpha Welding Bootcamp"]
    assert names() == everything
    assert names(type="registered_apprenticeship") == ["Alpha Patient Care Technician Apprenticeship"]
    assert names(occupation="51-4121") == ["Alpha Welding Bootcamp"]
    assert names(provider=university.pk) == ["Alpha Welding Bootcamp"]
    assert names(provider=a.orgs[OrganizationType.COLLEGE].pk) == everything  # leads two, supports the third
    assert names(search="nurse aide") == ["Alpha Nurse Aide Training"]
    assert names(status="archived") == []
    assert client.get(f"{API}/programs/", {"type": "degree"}).status_code == 400
    # The funder reads the catalogue only: no cohort and no way to change a program.
    assert client.patch(f"{API}/programs/{welding.pk}/", {"name": "x"}).status_code == 403
    open_counts = {p["name"]: p["open_cohorts"] for p in client.get(f"{API}/programs/").json()["results"]}
    assert open_counts["Alpha Nurse Aide Training"] == 1


BAD_PROGRAMS: list[tuple[str, Any, str]] = [
    ("not an object", [], "non_field_errors"),
    ("null", None, "non_field_errors"),
    ("no name", {"name": ""}, "name"),
    ("a duplicate name", {"name": "Alpha Nurse Aide Training"}, "name"),
    ("an unknown type", {"program_type": "bootcamp"}, "program_type"),
    ("an unknown SOC code", {"target_occupations": ["99-9999"]}, "target_occupations"),
    ("a malformed CIP code", {"cip_code": "51-3902"}, "cip_code"),
    ("a negative cost", {"cost_per_participant": "-1"}, "cost_per_participant"),
    ("an unknown funding stream", {"funding_streams": ["lottery"]}, "funding_streams"),
    ("a foundation as provider", {"provider": "foundation"}, "provider"),
    ("wage steps that fall", {"wage_steps": [{"step": 1, "hourly_wage": "18.00"},
                                             {"step": 2, "hourly_wage": "17.00"}]}, "wage_steps"),
    ("wage steps on a non-apprenticeship", {"program_type": "pre_employment"}, "wage_steps"),
    ("a credential without an issuer", {"credentials": [{"name": "CNA", "ctdl_type": "ceterms:License"}]},
     "credentials"),
    ("credentials as text", {"credentials": "CNA"}, "credentials"),
    ("a provider of another workspace", {"provider": "beta"}, "provider"),
    ("an employer of another workspace", {"requirements": [{"description": "x", "employers": ["beta"]}]},
     "requirements"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_PROGRAMS, ids=[c for c, _, _ in BAD_PROGRAMS])
def test_bad_program_payloads_are_a_400_naming_the_field_and_save_nothing(
    world: World, api_client_for: Any, case: str, change: Any, field: str
) -> None:
    ids = {"foundation": world.a.orgs[OrganizationType.PHILANTHROPY].pk,
           "beta": world.b.orgs[OrganizationType.COLLEGE].pk}
    if isinstance(change, dict):
        change = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
        if "requirements" in change:
            change["requirements"][0]["employers"] = [world.b.orgs[OrganizationType.EMPLOYER].pk]
        payload: Any = program_payload(world, **change)
    else:
        payload = change
    client = api_client_for(world.a.users[Role.CONVENER_ADMIN])
    before = counts(Program)
    response = client.post(f"{API}/programs/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts(Program) == before
    if isinstance(payload, dict) and case != "a duplicate name":
        # The same change to an existing program is refused too, and changes nothing.
        assert world.a.apprenticeship is not None
        url = f"{API}/programs/{world.a.apprenticeship.pk}/"
        stored = client.get(url).json()
        patch = client.patch(url, json.dumps(change if isinstance(change, dict) else payload),
                             content_type="application/json")
        assert patch.status_code == 400, patch.content
        assert client.get(url).json() == stored


# ---------------------------------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------------------------------
def cohort_payload(world: World, **overrides: Any) -> dict[str, Any]:
    a = world.a
    assert a.program is not None
    payload: dict[str, Any] = {
        "program": a.program.pk, "partnership": a.granted_partnership.pk, "name": "Alpha Nurse Aide Fall 2026",
        "target_occupation": "31-1131", "start_date": "2026-09-07", "end_date": "2026-10-30", "seats": 10,
        "location": "Alpha Community College", "schedule_note": "4 classroom days and 1 hospital day a week",
        "weekly_pattern": {"0": "classroom", "1": "classroom", "2": "classroom", "3": "classroom", "4": "worksite"},
        "employers": [{"employer": a.orgs[OrganizationType.EMPLOYER].pk, "guaranteed_interviews": 10,
                       "planned_hires": 5}],
    }
    payload.update(overrides)
    return payload


def test_convener_staff_plan_a_cohort_and_move_it_through_its_statuses(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.users[Role.CONVENER_STAFF])
    response = client.post(f"{API}/cohorts/", cohort_payload(world))
    assert response.status_code == 201, response.content
    cohort = response.json()
    assert cohort["status"] == "planned"
    assert cohort["target_occupation"] == {"soc_code": "31-1131", "title": "Nursing Assistants"}
    assert cohort["figures"]["sessions_total"] == 8 * 5  # eight weeks, five days a week
    assert cohort["figures"]["seats_left"] == 10
    assert [(e["employer"]["name"], e["planned_hires"]) for e in cohort["employers"]] == [
        ("Alpha Regional Hospital", 5)]
    sessions = client.get(f"{API}/cohorts/{cohort['id']}/sessions/").json()
    assert sessions["count"] == 40
    assert [s["kind"] for s in sessions["results"][:5]] == ["classroom"] * 4 + ["worksite"]

    url = f"{API}/cohorts/{cohort['id']}/"
    patched = client.patch(url, {"weekly_pattern": {"0": "classroom", "2": "lab"}, "seats": 14})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["seats"], patched.json()["figures"]["sessions_total"]) == (14, 16)
    assert patched.json()["name"] == cohort["name"]

    assert client.post(f"{url}status/", {"status": "recruiting"}).json()["status"] == "recruiting"
    refused = client.post(f"{url}status/", {"status": "completed"})
    assert refused.status_code == 400
    assert "not to completed" in refused.json()["status"][0]
    assert client.post(f"{url}status/", {"status": "finished"}).status_code == 400
    assert client.get(url).json()["status"] == "recruiting"

    mine = client.get(f"{API}/cohorts/", {"status": "recruiting", "occupation": "31-1131",
                                          "partnership": world.a.granted_partnership.pk,
                                          "program": world.a.program.pk}).json()  # type: ignore[union-attr]
    assert [c["name"] for c in mine["results"]] == ["Alpha Nurse Aide Fall 2026"]
    # Providers see their programs' cohorts but do not plan them.
    provider = api_client_for(world.a.users[Role.PROVIDER_STAFF])
    assert provider.get(url).status_code == 200
    assert provider.post(f"{API}/cohorts/", cohort_payload(world, name="Alpha x")).status_code == 403
    assert provider.post(f"{url}status/", {"status": "planned"}).status_code == 403


BAD_COHORTS: list[tuple[str, dict[str, Any], str]] = [
    ("no name", {"name": " "}, "name"),
    ("an end before the start", {"start_date": "2026-10-30", "end_date": "2026-09-07"}, "end_date"),
    ("no seats", {"seats": 0}, "seats"),
    ("seats as text", {"seats": "twelve"}, "seats"),
    ("an unknown SOC code", {"target_occupation": "99-9999"}, "target_occupation"),
    ("a weekday that does not exist", {"weekly_pattern": {"9": "classroom"}}, "weekly_pattern"),
    ("a pattern as a list", {"weekly_pattern": ["classroom"]}, "weekly_pattern"),
    ("an employer that is a college", {"employers": [{"employer": "college"}]}, "employer"),
    ("a negative commitment", {"employers": [{"employer": "employer", "planned_hires": -1}]}, "employers"),
    ("a program of another workspace", {"program": "beta-program"}, "program"),
    ("a partnership of another workspace", {"partnership": "beta-partnership"}, "partnership"),
    ("an employer of another workspace", {"employers": [{"employer": "beta-employer"}]}, "employers"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_COHORTS, ids=[c for c, _, _ in BAD_COHORTS])
def test_bad_cohort_payloads_are_a_400_naming_the_field_and_save_nothing(
    world: World, api_client_for: Any, case: str, change: dict[str, Any], field: str
) -> None:
    a, b = world.a, world.b
    ids = {"college": a.orgs[OrganizationType.COLLEGE].pk, "employer": a.orgs[OrganizationType.EMPLOYER].pk,
           "beta-program": b.program.pk, "beta-partnership": b.granted_partnership.pk,  # type: ignore[union-attr]
           "beta-employer": b.orgs[OrganizationType.EMPLOYER].pk}

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return ids.get(value, value) if isinstance(value, str) else value

    client = api_client_for(a.users[Role.CONVENER_ADMIN])
    before = counts(Cohort, CohortSession, CohortEmployer)
    response = client.post(f"{API}/cohorts/", cohort_payload(world, **resolve(change)))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts(Cohort, CohortSession, CohortEmployer) == before


def test_a_cohort_cannot_shrink_below_the_seats_already_taken(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.admin)
    response = client.patch(cohort_url(world), {"seats": 1})
    assert response.status_code == 400
    assert response.json() == {"seats": ["2 people already hold seats; give at least 2."]}
    assert client.get(cohort_url(world)).json()["seats"] == 12


def test_host_employers_are_added_changed_and_removed(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.CONVENER_STAFF])
    row = client.get(cohort_url(world, "employers/")).json()["results"][0]
    url = cohort_url(world, f"employers/{row['id']}/")
    patched = client.patch(url, {"ojt_slots": 3})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["ojt_slots"], patched.json()["planned_hires"]) == (3, 6)
    assert client.patch(url, {"tours": -2}).status_code == 400
    assert client.post(cohort_url(world, "employers/"), {"employer": a.orgs[OrganizationType.COLLEGE].pk}).json() == {
        "employer": ["Alpha Community College is not an employer."]}
    assert client.delete(url).status_code == 204
    assert client.get(cohort_url(world, "employers/")).json()["results"] == []
    assert client.delete(url).status_code == 404


# ---------------------------------------------------------------------------------------------------
# Rosters
# ---------------------------------------------------------------------------------------------------
def test_a_provider_keeps_the_roster_of_its_program(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    roster = client.get(cohort_url(world, "enrollments/")).json()["results"]
    assert [(r["participant"]["last_name"], r["status"], r["days_marked"], r["days_present"]) for r in roster] == [
        ("Alpha-Okafor", "active", 1, 1), ("Alpha-Rivera", "completed", 1, 1)]
    rivera = roster[1]
    assert [c["name"] for c in rivera["credentials"]] == ["Alpha state nurse aide certification"]
    assert [g["gain_type"] for g in rivera["skill_gains"]] == ["training_milestone"]
    assert rivera["participant"]["organization"]["name"] == "Alpha Goodwill Industries"

    # The community organization's people can be added; the provider's own walk-in applicant too.
    person = newcomer(world)
    assert client.get(cohort_url(world, "enrollments/candidates/")).json()["results"] == []  # not its own people
    staff = api_client_for(a.users[Role.CONVENER_STAFF])
    candidates = staff.get(cohort_url(world, "enrollments/candidates/")).json()["results"]
    assert [c["id"] for c in candidates] == [person.pk]
    added = staff.post(cohort_url(world, "enrollments/"), {"participant": person.pk, "status": "applied",
                                                           "on": "2025-01-03"})
    assert added.status_code == 201, added.content
    assert (added.json()["status"], added.json()["applied_on"], added.json()["enrolled_on"]) == (
        "applied", "2025-01-03", None)
    walk_in = client.post(cohort_url(world, "enrollments/"), {"first_name": "Casey", "last_name": "Alpha-Walker",
                                                              "status": "applied"})
    assert walk_in.status_code == 201, walk_in.content
    assert walk_in.json()["participant"]["organization"]["name"] == "Alpha Community College"
    assert client.post(cohort_url(world, "enrollments/"), {"participant": person.pk}).json() == {
        "participant": ["Riley Alpha-Nguyen is already on this roster."]}


def test_the_seat_limit_holds_unless_convener_staff_override_it(world: World, api_client_for: Any) -> None:
    a = world.a
    admin = api_client_for(a.admin)
    assert admin.patch(cohort_url(world), {"seats": 2}).status_code == 200
    provider = api_client_for(a.users[Role.PROVIDER_STAFF])
    person = newcomer(world, by=Role.PROVIDER_STAFF)  # the college's own applicant
    before = counts(CohortEnrollment)
    full = provider.post(cohort_url(world, "enrollments/"), {"participant": person.pk})
    assert full.status_code == 400
    assert full.json()["participant"][0].startswith("All 2 seats are taken.")
    forced = provider.post(cohort_url(world, "enrollments/"), {"participant": person.pk, "override_seats": True})
    assert forced.status_code == 403
    assert counts(CohortEnrollment) == before
    # Waitlisted, then seated past the limit by the convener: the enrollment records the override.
    applied = provider.post(cohort_url(world, "enrollments/"), {"participant": person.pk, "status": "applied"})
    assert applied.status_code == 201
    status_url = cohort_url(world, f"enrollments/{applied.json()['id']}/status/")
    assert provider.post(status_url, {"status": "enrolled"}).json() == {"status": ["All 2 seats are taken."]}
    seated = admin.post(status_url, {"status": "enrolled", "override_seats": True, "on": "2025-01-06"})
    assert seated.status_code == 200, seated.content
    assert (seated.json()["status"], seated.json()["seat_override"]) == ("enrolled", True)
    other = newcomer(world, "Drew", "Alpha-Kim")
    direct = admin.post(cohort_url(world, "enrollments/"), {"participant": other.pk, "override_seats": True,
                                                            "on": "2025-01-06"})
    assert direct.status_code == 201 and direct.json()["seat_override"] is True
    assert admin.get(cohort_url(world)).json()["figures"]["seated"] == 4


def test_completion_and_withdrawal_are_dated_and_checked(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    okafor = a.enrollments[1]  # active, enrolled on 2025-01-02
    url = cohort_url(world, f"enrollments/{okafor.pk}/status/")
    early = client.post(url, {"status": "completed", "on": "2024-12-20"})
    assert early.status_code == 400
    assert early.json() == {"on": ["The completion date (Dec 20, 2024) is before the enrollment (Jan 2, 2025)."]}
    future = timezone.localdate() + timedelta(days=1)
    assert "is in the future" in client.post(url, {"status": "completed", "on": future.isoformat()}).json()["on"][0]
    assert client.post(url, {"status": "withdrawn", "on": "2025-02-03"}).json() == {
        "reason": ["Give the reason for withdrawing."]}
    assert client.post(url, {"status": "graduated"}).status_code == 400
    assert client.post(url, ["completed"]).status_code == 400
    okafor.refresh_from_db()
    assert (okafor.status, okafor.completed_on) == ("active", None)
    done = client.post(url, {"status": "completed", "on": "2025-03-28"})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["completed_on"]) == ("completed", "2025-03-28")
    # An enrollment id of another cohort (or another workspace) is not found under this cohort.
    assert world.b.enrollments
    assert client.post(cohort_url(world, f"enrollments/{world.b.enrollments[0].pk}/status/"),
                       {"status": "active"}).status_code == 404


def test_participants_of_another_workspace_or_out_of_reach_are_not_found(world: World, api_client_for: Any) -> None:
    a, b = world.a, world.b
    provider = api_client_for(a.users[Role.PROVIDER_STAFF])
    before = counts(CohortEnrollment)
    foreign = provider.post(cohort_url(world, "enrollments/"), {"participant": b.participants[0].pk})
    assert foreign.status_code == 400
    assert foreign.json() == {"participant": [f"No such object in this workspace: {b.participants[0].pk}."]}
    # Someone of Alpha the provider cannot reach (another organization's person, on no roster of its own) reads
    # exactly the same.
    unreachable = newcomer(world)
    response = provider.post(cohort_url(world, "enrollments/"), {"participant": unreachable.pk})
    assert response.json() == {"participant": [f"No such object in this workspace: {unreachable.pk}."]}
    assert provider.post(cohort_url(world, "enrollments/"), {"participant": "Rivera"}).status_code == 400
    assert provider.post(cohort_url(world, "enrollments/"), {}).json() == {
        "participant": ["Choose a participant, or give the first and last name of a new applicant."]}
    assert provider.post(cohort_url(world, "enrollments/"), {"first_name": "Solo"}).json() == {
        "last_name": ["Give both the first and the last name."]}
    assert counts(CohortEnrollment) == before


# ---------------------------------------------------------------------------------------------------
# Sessions and attendance
# ---------------------------------------------------------------------------------------------------
def test_attendance_for_a_whole_day_in_one_call(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    sessions = client.get(cohort_url(world, "sessions/")).json()
    assert sessions["count"] == 36  # Mon, Wed, Fri for 12 weeks
    second = sessions["results"][1]
    assert (second["day"], second["kind"], second["marked"]) == ("2025-01-08", "classroom", 0)
    url = cohort_url(world, f"sessions/{second['id']}/attendance/")
    sheet = client.get(url).json()
    assert [(r["participant"]["last_name"], r["status"]) for r in sheet["results"]] == [
        ("Alpha-Okafor", None), ("Alpha-Rivera", None)]
    rivera, okafor = a.enrollments
    response = client.post(url, {"marks": [{"enrollment": rivera.pk, "status": "present"},
                                           {"enrollment": okafor.pk, "status": "excused", "hours": "0"}]})
    assert response.status_code == 200, response.content
    assert response.json() == {"recorded": 2, "marked": 2, "present": 1}
    again = client.post(url, {"marks": [{"enrollment": okafor.pk, "status": "late"}]})
    assert again.json() == {"recorded": 1, "marked": 2, "present": 2}
    assert [r["status"] for r in client.get(url).json()["results"]] == ["late", "present"]
    assert client.get(cohort_url(world, f"sessions/{second['id']}/")).json()["present"] == 2


def test_bad_attendance_is_a_400_and_saves_nothing(world: World, api_client_for: Any) -> None:
    a, b = world.a, world.b
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    assert a.session and b.enrollments
    rivera, okafor = a.enrollments
    url = cohort_url(world, f"sessions/{a.session.pk}/attendance/")
    before = list(AttendanceRecord.unscoped.order_by("pk").values_list("pk", "status"))
    for body, field in (
        ({"marks": [{"enrollment": b.enrollments[0].pk, "status": "present"}]}, "marks"),
        ({"marks": [{"enrollment": rivera.pk, "status": "absent"},
                    {"enrollment": b.enrollments[0].pk, "status": "present"}]}, "marks"),
        ({"marks": [{"enrollment": rivera.pk, "status": "asleep"}]}, "marks"),
        ({"marks": [{"enrollment": rivera.pk, "status": "absent"}, {"enrollment": rivera.pk, "status": "late"}]},
         "marks"),
        ({"marks": []}, "marks"),
        ({"marks": {"1": "present"}}, "marks"),
        ({"marks": [{"enrollment": okafor.pk, "status": "absent", "hours": "30"}]}, "marks"),
        ({}, "marks"),
    ):
        response = client.post(url, body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()
    assert client.post(url, [1, 2]).status_code == 400
    assert list(AttendanceRecord.unscoped.order_by("pk").values_list("pk", "status")) == before


def test_only_people_holding_a_seat_that_day_are_marked(world: World, api_client_for: Any) -> None:
    a = world.a
    assert a.session is not None
    staff = a.memberships[Role.CONVENER_STAFF]
    applicant = enroll(a.cohort, newcomer(world), membership=staff, status="applied", on=date(2025, 1, 3))
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    url = cohort_url(world, f"sessions/{a.session.pk}/attendance/")
    response = client.post(url, {"marks": [{"enrollment": applicant.pk, "status": "present"}]})
    assert response.status_code == 400
    assert response.json() == {"marks": ["Riley Alpha-Nguyen held no seat on Jan 6, 2025 (applied only, or withdrawn "
                                         "before it)."]}
    assert not AttendanceRecord.unscoped.filter(enrollment=applicant).exists()


def test_attendance_outside_the_cohorts_dates_or_still_to_come_is_refused(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    # A make-up day added by hand on the last Thursday, kept when the convener then shortens the cohort.
    added = client.post(cohort_url(world, "sessions/"), {"day": "2025-03-27", "kind": "lab", "note": "Make-up lab"})
    assert added.status_code == 201, added.content
    assert added.json()["note"] == "Make-up lab"
    outside = client.post(cohort_url(world, "sessions/"), {"day": "2025-04-01"})
    assert outside.status_code == 400 and "within the cohort's dates" in outside.json()["day"][0]
    assert client.post(cohort_url(world, "sessions/"), {"day": "2025-03-27"}).json() == {
        "day": ["There is already a session that day."]}
    assert api_client_for(a.admin).patch(cohort_url(world), {"end_date": "2025-03-21"}).status_code == 200
    url = cohort_url(world, f"sessions/{added.json()['id']}/attendance/")
    response = client.post(url, {"marks": [{"enrollment": a.enrollments[1].pk, "status": "present"}]})
    assert response.status_code == 400
    assert response.json() == {"session": ["Mar 27, 2025 is outside the cohort's dates (Jan 6 to Mar 21, 2025)."]}

    # A cohort that has not started yet: its days cannot be marked.
    assert a.program is not None
    start = timezone.localdate() + timedelta(days=14)
    future = CohortFactory(program=a.program, partnership=a.granted_partnership, actor=a.admin,
                           name="Alpha Nurse Aide next term", start_date=start, end_date=start + timedelta(days=30),
                           weekly_pattern={str(start.weekday()): "classroom"})
    enrollment = enroll(future, newcomer(world), membership=a.memberships[Role.CONVENER_STAFF])
    day = CohortSession.objects.for_convener(a.convener).filter(cohort=future).order_by("day").first()
    assert day is not None
    early = client.post(f"{API}/cohorts/{future.pk}/sessions/{day.pk}/attendance/",
                        {"marks": [{"enrollment": enrollment.pk, "status": "present"}]})
    assert early.status_code == 400 and "has not happened yet" in early.json()["session"][0]
    assert not AttendanceRecord.unscoped.filter(session__in=[day.pk, added.json()["id"]]).exists()
    # A session of another cohort is not found under this one.
    assert client.get(cohort_url(world, f"sessions/{day.pk}/")).status_code == 404


# ---------------------------------------------------------------------------------------------------
# Credentials and skill gains
# ---------------------------------------------------------------------------------------------------
def test_credentials_and_skill_gains_are_recorded_and_listed(world: World, api_client_for: Any) -> None:
    a = world.a
    client = api_client_for(a.users[Role.PROVIDER_STAFF])
    okafor = a.enrollments[1]
    credential = a.program.credentials.get()  # type: ignore[union-attr]
    award = client.post(f"{API}/credential-awards/", {"enrollment": okafor.pk, "program_credential": credential.pk,
                                                      "awarded_on": "2025-03-28"})
    assert award.status_code == 201, award.content
    body = award.json()
    assert (body["name"], body["issuer"], body["ctdl_type"]) == (
        "Alpha state nurse aide certification", "Alpha State Board of Nursing", "ceterms:License")
    assert body["participant"]["last_name"] == "Alpha-Okafor"
    assert body["cohort"]["name"] == "Alpha Nurse Aide Winter 2025"
    other = client.post(f"{API}/credential-awards/", {"enrollment": okafor.pk, "name": "BLS Provider",
                                                      "issuer": "American Heart Association",
                                                      "ctdl_type": "ceterms:Certification",
                                                      "awarded_on": "2025-02-10"})
    assert other.status_code == 201, other.content
    gain = client.post(f"{API}/skill-gains/", {"enrollment": okafor.pk, "gain_type": "efl",
                                               "achieved_on": "2025-02-20", "note": "Reading level up"})
    assert gain.status_code == 201, gain.content

    listing = client.get(f"{API}/credential-awards/", {"participant": okafor.participant_id}).json()
    assert [r["name"] for r in listing["results"]] == ["Alpha state nurse aide certification", "BLS Provider"]
    assert client.get(f"{API}/credential-awards/", {"cohort": a.cohort.pk}).json()["count"] == 3  # type: ignore[union-attr]
    gains = client.get(f"{API}/skill-gains/", {"enrollment": okafor.pk}).json()["results"]
    assert [(g["gain_type"], g["achieved_on"]) for g in gains] == [("efl", "2025-02-20")]
    assert client.get(f"{API}/skill-gains/", {"gain_type": "efl"}).json()["count"] == 1
    detail = client.get(cohort_url(world)).json()["figures"]
    assert (detail["credentials"], detail["skill_gains"]) == (3, 2)


def test_bad_credentials_and_skill_gains_are_a_400_and_save_nothing(world: World, api_client_for: Any) -> None:
    a, b = world.a, world.b
    client = api_client_for(a.users[Role.CONVENER_STAFF])
    okafor = a.enrollments[1]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    apprenticeship_credential = ProgramFactory(
        provider=a.orgs[OrganizationType.COLLEGE], actor=a.admin, name="Alpha Phlebotomy",
        credentials=[{"name": "Alpha phlebotomy certificate", "issuer": "Alpha Community College",
                      "ctdl_type": "ceterms:Certificate"}]).credentials.get()
    named = {"name": "CPR", "issuer": "Red Cross", "ctdl_type": "ceterms:Certification"}
    before = counts(CredentialAward, SkillGain)
    for body, field in (
        ({"enrollment": okafor.pk, "awarded_on": tomorrow, **named}, "awarded_on"),
        ({"enrollment": okafor.pk, "awarded_on": "2024-12-01", **named}, "awarded_on"),
        ({"enrollment": okafor.pk, "awarded_on": "2025-03-01", "name": "CPR"}, "issuer"),
        ({"enrollment": okafor.pk, "awarded_on": "2025-03-01", **named, "ctdl_type": "ceterms:Trophy"}, "ctdl_type"),
        ({"enrollment": okafor.pk, "awarded_on": "2025-03-01", "program_credential": apprenticeship_credential.pk},
         "program_credential"),
        ({"enrollment": b.enrollments[0].pk, "awarded_on": "2025-03-01", **named}, "enrollment"),
        ({"enrollment": okafor.pk, "awarded_on": "2025-03-01",
          "program_credential": b.program.credentials.get().pk}, "program_credential"),  # type: ignore[union-attr]
        ({"enrollment": okafor.pk, "awarded_on": "last spring", **named}, "awarded_on"),
    ):
        response = client.post(f"{API}/credential-awards/", body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), response.json()
    for body, field in (
        ({"enrollment": okafor.pk, "gain_type": "efl", "achieved_on": tomorrow}, "achieved_on"),
        ({"enrollment": okafor.pk, "gain_type": "efl", "achieved_on": "2024-12-31"}, "achieved_on"),
        ({"enrollment": okafor.pk, "gain_type": "iq", "achieved_on": "2025-02-01"}, "gain_type"),
        ({"enrollment": b.enrollments[0].pk, "gain_type": "efl", "achieved_on": "2025-02-01"}, "enrollment"),
    ):
        response = client.post(f"{API}/skill-gains/", body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), response.json()
    assert client.post(f"{API}/skill-gains/", "null", content_type="application/json").status_code == 400
    assert counts(CredentialAward, SkillGain) == before


def test_an_applicant_cannot_be_awarded_a_credential_yet(world: World, api_client_for: Any) -> None:
    a = world.a
    applicant = enroll(a.cohort, newcomer(world), membership=a.memberships[Role.CONVENER_STAFF], status="applied",
                       on=date(2025, 1, 3))
    response = api_client_for(a.admin).post(f"{API}/credential-awards/", {
        "enrollment": applicant.pk, "awarded_on": "2025-03-01", "name": "CPR", "issuer": "Red Cross",
        "ctdl_type": "ceterms:Certification"})
    assert response.status_code == 400
    assert response.json() == {"enrollment": ["This person has only applied; enroll them first."]}


# ---------------------------------------------------------------------------------------------------
# Public reference data
# ---------------------------------------------------------------------------------------------------
def test_funding_streams_are_listed_for_signed_in_users(db: None, api_client_for: Any) -> None:
    assert api_client_for(None).get("/api/v1/funding-streams/").status_code in (401, 403)
    body = api_client_for(UserFactory()).get("/api/v1/funding-streams/").json()
    assert body["count"] == 12
    assert [s["code"] for s in body["results"][:2]] == ["snap_et_100", "snap_et_50"]
    found = api_client_for(UserFactory()).get("/api/v1/funding-streams/", {"search": "WIOA"}).json()
    assert [s["code"] for s in found["results"]] == ["wioa_adult", "wioa_dw", "wioa_youth"]


# ---------------------------------------------------------------------------------------------------
# Query counts: the same for 1 row as for many
# ---------------------------------------------------------------------------------------------------
MANY = 6
# Signed in with force_authenticate: 1 query resolves the tenant, 1 counts the page's rows; cohort routes 1 more
# for the cohort (a session's sheet 1 more for the session).
EXPECTED_QUERIES = {
    "programs/": 7,  # + providers, SOC targets, credentials, funding streams
    "cohorts/": 3,
    "cohorts/{c}/employers/": 4,
    "cohorts/{c}/sessions/": 4,
    "cohorts/{c}/sessions/{s}/attendance/": 5,  # the marks, the roster
    "cohorts/{c}/enrollments/": 6,  # + credentials, skill gains
    "cohorts/{c}/enrollments/candidates/": 4,
    "credential-awards/": 3,
    "skill-gains/": 3,
}


@pytest.fixture
def gamma(db: None) -> dict[str, Any]:
    """A third tenant that grows: each step adds a program, a cohort, and, on the first cohort, an employer, a
    person on the roster with a day's mark, a credential and a skill gain, and a person off it."""
    load_oews_extract()
    convener = ConvenerFactory(name="Gamma Talent Alliance", slug="gamma")
    admin = UserFactory(email="admin@gamma.example")
    staff = MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    college = OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, actor=admin)
    goodwill = OrganizationFactory(convener=convener, org_type=OrganizationType.COMMUNITY_ORG, actor=admin)
    partnership = PartnershipFactory(convener=convener, actor=admin)
    state: dict[str, Any] = {"admin": admin, "n": 0}

    def grow(count: int) -> None:
        for _ in range(count):
            n = state["n"] = state["n"] + 1
            program = ProgramFactory(
                provider=college, actor=admin, name=f"Gamma program {n}", target_occupations=["31-1131", "51-4121"],
                funding_streams=["tanf", "pell"], other_providers=[goodwill],
                credentials=[{"name": f"Gamma credential {n}", "issuer": "Gamma College",
                              "ctdl_type": "ceterms:Certificate"}])
            cohort = CohortFactory(program=program, partnership=partnership, actor=admin, name=f"Gamma cohort {n}",
                                   target_occupation="31-1131", seats=50, weekly_pattern={"0": "classroom"})
            if "cohort" not in state:
                state["cohort"] = cohort_status(cohort, "in_progress", actor=admin)
                state["session"] = CohortSession.objects.for_convener(convener).filter(cohort=cohort).first()
            main = state["cohort"]
            employer: Organization = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER,
                                                         actor=admin)
            from programs.services import cohort_employer_save

            cohort_employer_save(convener=convener, actor=admin, cohort=main, employer=employer, planned_hires=2)
            person = ParticipantFactory(membership=staff, organization=goodwill, last_name=f"Gamma-{n}")
            ParticipantFactory(membership=staff, organization=goodwill, last_name=f"Gamma-waiting-{n}")
            enrollment = enroll(main, person, membership=staff, on=date(2025, 1, 2))
            mark_attendance(state["session"], {enrollment: "present"}, membership=staff)
            award_credential(enrollment, membership=staff, awarded_on=date(2025, 3, 1),
                             program_credential=main.program.credentials.get())
            record_skill_gain(enrollment, membership=staff, achieved_on=date(2025, 2, 1))

    state["grow"] = grow
    return state


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries)


def test_list_endpoints_cost_a_fixed_number_of_queries(gamma: dict[str, Any], api_client_for: Any) -> None:
    client = api_client_for(gamma["admin"])

    def urls() -> dict[str, str]:
        return {path: "/api/v1/c/gamma/" + path.format(c=gamma["cohort"].pk, s=gamma["session"].pk)
                for path in EXPECTED_QUERIES}

    gamma["grow"](1)
    few = {path: _count(client, url) for path, url in urls().items()}
    gamma["grow"](MANY)
    many = {path: _count(client, url) for path, url in urls().items()}
    assert few == EXPECTED_QUERIES
    assert many == EXPECTED_QUERIES
    sizes = client.get(f"/api/v1/c/gamma/cohorts/{gamma['cohort'].pk}/enrollments/").json()
    assert sizes["count"] == 1 + MANY
    assert _count(client, "/api/v1/funding-streams/") == 2

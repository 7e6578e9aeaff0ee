"""The HTML side of programs and cohorts: the catalogue, the cohort pages, rosters, attendance, completions and
credentials, per role, and the forms' refusals (a clear message, nothing saved).

Built on the two-tenant world (tests/conftest.py) plus, in tenant A, rows made through programs.services: the
college's welding program with a 3-seat spring cohort hosted by the employer (two people enrolled), and a
community organization's program with a cohort the college does not run. "Now" is frozen on Wednesday
2026-03-18, in the cohort's third week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from employers.models import CredentialType, DemandSnapshot
from participants.models import Participant
from partnerships import services as p_services
from partnerships.models import Membership, Organization
from partnerships.roles import OrganizationType, Role
from programs import services
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    Program,
    SkillGain,
    WageStep,
)
from tests.conftest import TenantSide, World
from tests.factories import aggregate, council_of, enter_need

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=EASTERN)  # a Wednesday
TODAY = NOW.date()
START, END = date(2026, 3, 2), date(2026, 4, 24)  # Monday to Friday, 8 weeks
PATTERN = {"0": "classroom", "1": "classroom", "2": "classroom", "3": "classroom", "4": "worksite"}


@dataclass
class Programs:
    side: TenantSide
    welding: Program
    cohort: Cohort
    enrollments: list[CohortEnrollment]
    other_program: Program
    other_cohort: Cohort
    other_enrollment: CohortEnrollment

    @property
    def slug(self) -> str:
        return self.side.convener.slug

    def membership(self, role: str) -> Membership:
        return self.side.memberships[role]

    def user(self, role: str) -> Any:
        return self.side.users[role]

    def session_on(self, day: date, cohort: Cohort | None = None) -> CohortSession:
        return CohortSession.objects.for_convener(self.side.convener).get(cohort=cohort or self.cohort, day=day)


def url(p: Programs, name: str, query: str = "", **kwargs: Any) -> str:
    return reverse(f"programs:{name}", kwargs={"convener_slug": p.slug, **kwargs}) + (f"?{query}" if query else "")


def person(side: TenantSide, membership: Membership, first: str, last: str,
           organization: Organization | None = None) -> Participant:
    return services.participant_create(convener=side.convener, actor=membership.user, membership=membership,
                                       first_name=first, last_name=last, organization=organization)


def build_programs(world: World, *, people: int = 2, seats: int = 3) -> Programs:
    """The college's welding program and spring cohort, with ``people`` enrolled by the college's staff."""
    side = world.a
    convener, admin = side.convener, side.admin
    college, employer = side.orgs[OrganizationType.COLLEGE], side.orgs[OrganizationType.EMPLOYER]
    community = side.orgs[OrganizationType.COMMUNITY_ORG]
    provider = side.memberships[Role.PROVIDER_STAFF]
    welding = services.program_save(
        convener=convener, actor=admin, provider=college, name="Alpha Welding Pre-apprenticeship",
        program_type=Program.ProgramType.PRE_APPRENTICESHIP, length_weeks=8, contact_hours=240,
        cost_per_participant=Decimal("4500.00"), cip_code="48.0508", target_occupations=["51-4121"],
        funding_streams=["wioa_adult", "snap_et_50"],
        credentials=[{"name": "Alpha AWS D1.1 Structural Welding", "issuer": "American Welding Society",
                      "ctdl_type": CredentialType.CERTIFICATION}],
    )
    cohort = services.cohort_save(
        convener=convener, actor=admin, program=welding, partnership=side.granted_partnership,
        name="Alpha Welding Spring 2026", target_occupation="51-4121", start_date=START, end_date=END,
        seats=seats, location="Alpha Community College, Shop 2", weekly_pattern=PATTERN,
        employers=[{"employer": employer, "kind": "host", "guaranteed_interviews": 4, "planned_hires": 2}],
    )
    enrollments = [
        services.enrollment_add(convener=convener, actor=provider.user, membership=provider, cohort=cohort,
                                participant=person(side, provider, f"Avery{i}", f"Alpha-Quill{i}"), on=START)
        for i in range(people)
    ]
    other_program = services.program_save(
        convener=convener, actor=admin, provider=community, name="Alpha Maintenance Bridge",
        program_type=Program.ProgramType.PRE_EMPLOYMENT, target_occupations=["49-9041"])
    other_cohort = services.cohort_save(
        convener=convener, actor=admin, program=other_program, partnership=side.granted_partnership,
        name="Alpha Maintenance Bridge March", start_date=START, end_date=END, seats=10,
        weekly_pattern={"1": "classroom"})
    admin_membership = side.memberships[Role.CONVENER_ADMIN]
    other_enrollment = services.enrollment_add(
        convener=convener, actor=admin, membership=admin_membership, cohort=other_cohort,
        participant=person(side, admin_membership, "Robin", "Alpha-Mechanic", organization=community), on=START)
    return Programs(side=side, welding=welding, cohort=cohort, enrollments=enrollments, other_program=other_program,
                    other_cohort=other_cohort, other_enrollment=other_enrollment)


@pytest.fixture
def programs_world(world: World, monkeypatch: pytest.MonkeyPatch) -> Programs:
    p = build_programs(world)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return p


def text_of(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------
# Pages per role
# ---------------------------------------------------------------------------
def test_every_page_renders_for_convener_staff(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    e = p.enrollments[0]
    session = p.session_on(date(2026, 3, 16))
    pages = {
        url(p, "program-list"): "Alpha Welding Pre-apprenticeship",
        url(p, "program-create"): "New program",
        url(p, "program-detail", program_id=p.welding.pk): "Alpha AWS D1.1 Structural Welding",
        url(p, "program-edit", program_id=p.welding.pk): "American Welding Society",
        url(p, "cohort-list"): "Alpha Welding Spring 2026",
        url(p, "cohort-create", f"program={p.welding.pk}"): "Alpha Welding Pre-apprenticeship",
        url(p, "cohort-detail", cohort_id=p.cohort.pk): "Schedule",
        url(p, "cohort-edit", cohort_id=p.cohort.pk): "Alpha Regional Hospital",
        url(p, "cohort-roster", cohort_id=p.cohort.pk): "Avery0 Alpha-Quill0",
        url(p, "enrollment-detail", cohortenrollment_id=e.pk): "Record a credential",
        url(p, "session-attendance", cohortsession_id=session.pk): "Mark everyone present",
        url(p, "session-add", cohort_id=p.cohort.pk): "Add a session day",
    }
    for page, expected in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert expected in text_of(response), page


def test_the_catalogue_shows_types_providers_occupations_credentials_cost_and_funding(
    programs_world: Programs, client_for: Any
) -> None:
    p = programs_world
    page = text_of(client_for(p.user(Role.FUNDER)).get(url(p, "program-list")))
    card = page.split('id="program-cards"')[1]
    for expected in ("Alpha Welding Pre-apprenticeship", "Pre-apprenticeship", "Alpha Community College", "51-4121",
                     "Welders, Cutters, Solderers, and Brazers", "Alpha AWS D1.1 Structural Welding",
                     "Certification, American Welding Society", "8 weeks", "240 contact hours", "$4,500.00",
                     "WIOA Adult", "SNAP E&amp;T (50/50 match)"):
        assert expected in card, expected
    filtered = text_of(client_for(p.user(Role.CONVENER_STAFF)).get(url(p, "program-list", "occupation=51-4121")))
    assert "Alpha Welding Pre-apprenticeship" in filtered and "Alpha Maintenance Bridge" not in filtered
    searched = text_of(client_for(p.user(Role.CONVENER_STAFF)).get(url(p, "program-list", "q=maintenance")))
    assert "Alpha Maintenance Bridge" in searched and "Alpha Welding Pre-apprenticeship" not in searched


def test_funders_see_the_catalogue_but_no_cohort(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    funder = client_for(p.user(Role.FUNDER))
    assert funder.get(url(p, "program-list")).status_code == 200
    detail = funder.get(url(p, "program-detail", program_id=p.welding.pk))
    assert detail.status_code == 200
    assert "Alpha Welding Spring 2026" not in text_of(detail)
    for page in (url(p, "cohort-list"), url(p, "cohort-detail", cohort_id=p.cohort.pk),
                 url(p, "cohort-roster", cohort_id=p.cohort.pk), url(p, "program-create")):
        assert funder.get(page).status_code == 403, page


def test_provider_staff_keep_the_roster_of_their_own_programs(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    provider = client_for(p.user(Role.PROVIDER_STAFF))
    listing = text_of(provider.get(url(p, "cohort-list")))
    assert "Alpha Welding Spring 2026" in listing and "Alpha Maintenance Bridge March" not in listing
    roster = text_of(provider.get(url(p, "cohort-roster", cohort_id=p.cohort.pk)))
    assert "Avery0 Alpha-Quill0" in roster and "Add a walk-in applicant" in roster
    assert "Enroll past the seat limit" not in roster  # convener staff only
    assert provider.get(url(p, "program-create")).status_code == 403
    assert provider.get(url(p, "cohort-edit", cohort_id=p.cohort.pk)).status_code == 403


def test_a_provider_cannot_see_or_change_the_roster_of_another_providers_cohort(
    programs_world: Programs, client_for: Any
) -> None:
    p = programs_world
    provider = client_for(p.user(Role.PROVIDER_STAFF))
    session = p.session_on(date(2026, 3, 17), cohort=p.other_cohort)
    e = p.other_enrollment
    for page in (url(p, "cohort-detail", cohort_id=p.other_cohort.pk),
                 url(p, "cohort-roster", cohort_id=p.other_cohort.pk),
                 url(p, "enrollment-detail", cohortenrollment_id=e.pk),
                 url(p, "session-attendance", cohortsession_id=session.pk)):
        response = provider.get(page)
        assert response.status_code == 404, page
        assert "Alpha-Mechanic" not in text_of(response)
    posts = {
        url(p, "enrollment-status", cohortenrollment_id=e.pk): {"status-status": "withdrawn",
                                                                 "status-on": "2026-03-10", "status-reason": "x"},
        url(p, "credential-record", cohortenrollment_id=e.pk): {"credential-name": "Forklift",
                                                                 "credential-issuer": "OSHA",
                                                                 "credential-ctdl_type": CredentialType.CERTIFICATE,
                                                                 "credential-awarded_on": "2026-03-10"},
        url(p, "session-attendance", cohortsession_id=session.pk): {f"mark_{e.pk}": "absent"},
        url(p, "roster-walk-in", cohort_id=p.other_cohort.pk): {"walkin-first_name": "Sneaky",
                                                                 "walkin-last_name": "Add", "walkin-status": "applied"},
    }
    for page, data in posts.items():
        assert provider.post(page, data).status_code == 404, page
    e.refresh_from_db()
    assert e.status == CohortEnrollment.Status.ENROLLED
    assert not CredentialAward.objects.for_convener(p.side.convener).filter(enrollment=e).exists()
    assert not AttendanceRecord.objects.for_convener(p.side.convener).filter(enrollment=e).exists()
    assert not Participant.objects.for_convener(p.side.convener).filter(first_name="Sneaky").exists()


def test_a_case_manager_sees_cohort_counts_but_cannot_change_a_roster(programs_world: Programs,
                                                                      client_for: Any) -> None:
    p = programs_world
    case_manager = client_for(p.user(Role.CASE_MANAGER))
    page = case_manager.get(url(p, "cohort-detail", cohort_id=p.cohort.pk))
    assert page.status_code == 200 and "Alpha-Quill0" not in text_of(page)
    e = p.enrollments[0]
    response = case_manager.post(url(p, "enrollment-status", cohortenrollment_id=e.pk),
                                 {"status-status": "withdrawn", "status-on": "2026-03-10", "status-reason": "moved"})
    assert response.status_code == 403
    e.refresh_from_db()
    assert e.status == CohortEnrollment.Status.ENROLLED


def test_employers_see_the_counts_of_a_cohort_they_host_never_the_names(programs_world: Programs,
                                                                         client_for: Any) -> None:
    p = programs_world
    employer = client_for(p.user(Role.EMPLOYER_REP))
    listing = text_of(employer.get(url(p, "cohort-list")))
    assert "Alpha Welding Spring 2026" in listing and "Alpha Maintenance Bridge March" not in listing
    response = employer.get(url(p, "cohort-detail", cohort_id=p.cohort.pk))
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="fig-seated">2<' in page and 'id="fig-seats">3<' in page
    assert "4 guaranteed interviews" in page  # its own commitments
    assert "Alpha-Quill" not in page and "Avery" not in page
    assert "Roster" not in page.split('id="cohort-figures"')[1].split("</section>")[0]
    for name, kwargs in (("cohort-roster", {"cohort_id": p.cohort.pk}),
                         ("enrollment-detail", {"cohortenrollment_id": p.enrollments[0].pk}),
                         ("session-attendance", {"cohortsession_id": p.session_on(date(2026, 3, 16)).pk})):
        assert employer.get(url(p, name, **kwargs)).status_code == 403, name
    assert employer.get(url(p, "cohort-detail", cohort_id=p.other_cohort.pk)).status_code == 404


def test_the_cohort_page_shows_figures_a_calendar_and_the_host_commitments(programs_world: Programs,
                                                                           client_for: Any) -> None:
    p = programs_world
    provider = p.membership(Role.PROVIDER_STAFF)
    e0, e1 = p.enrollments
    services.attendance_record_day(convener=p.side.convener, actor=provider.user, membership=provider,
                                   session=p.session_on(date(2026, 3, 16)), marks={e0.pk: "present", e1.pk: "absent"})
    services.enrollment_set_status(convener=p.side.convener, actor=provider.user, membership=provider, enrollment=e1,
                                   status="withdrawn", on=date(2026, 3, 17), reason="Moved away")
    page = text_of(client_for(p.user(Role.CONVENER_STAFF)).get(url(p, "cohort-detail", cohort_id=p.cohort.pk)))
    assert 'id="fig-seated">1<' in page and 'id="fig-withdrawn">1<' in page
    assert 'id="fig-completion">0%<' in page and 'id="fig-attendance">50%<' in page
    assert "1/2 present" in page  # the tally of March 16 on the calendar
    attendance = url(p, "session-attendance", cohortsession_id=p.session_on(date(2026, 3, 16)).pk)
    assert f'href="{attendance}"' in page
    assert page.count('class="week-label"') == 1 + 8  # the header cell and 8 weeks
    assert "Worksite" in page and "Alpha Regional Hospital" in page
    assert "Start recruiting" in page and "Start the cohort" in page and "Cancel the cohort" in page


def test_the_dashboard_lists_the_largest_gaps_with_a_start_a_cohort_link_for_convener_staff(
    programs_world: Programs, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = programs_world
    side = p.side
    monkeypatch.undo()  # the aggregation picks the survey current on the day it runs: the world's, today
    employers = [side.orgs[OrganizationType.EMPLOYER]]
    for name in ("Alpha Fabrication", "Alpha Steelworks"):  # 3 employers, so employers see the figures too
        org = p_services.organization_create(convener=side.convener, actor=side.admin, name=name,
                                             org_type=OrganizationType.EMPLOYER, size_band="mid", naics_code="332312")
        p_services.council_seat_add(convener=side.convener, actor=side.admin, organization=org,
                                    council=council_of(side.granted_partnership), joined_on=date(2025, 1, 6))
        employers.append(org)
    for employer in employers:
        enter_need(survey=side.survey, membership=side.memberships[Role.CONVENER_ADMIN], employer=employer,
                   occupation="51-4121", quarters=dict.fromkeys(side.survey.quarters, (2, 1)))
    snapshot = aggregate(side.granted_partnership)
    dashboard = reverse("employers:demand-dashboard", kwargs={"convener_slug": p.slug,
                                                              "partnership_id": side.granted_partnership.pk})
    page = text_of(client_for(p.user(Role.CONVENER_STAFF)).get(dashboard))
    panel = page.split('id="unmet-gaps"')[1].split("</section>")[0]
    assert "Welders, Cutters, Solderers, and Brazers" in panel
    assert "<td class=\"text-end fw-semibold\">33</td>" in panel  # 3 x 4 x 3 openings less the cohort's 3 seats
    start = url(p, "cohort-create",
                f"partnership={side.granted_partnership.pk}&amp;soc=51-4121&amp;snapshot={snapshot.pk}")
    assert start in panel
    assert 'id="unmet-gaps"' not in text_of(client_for(p.user(Role.EMPLOYER_REP)).get(dashboard))


# ---------------------------------------------------------------------------
# Programs: the form
# ---------------------------------------------------------------------------
def program_post(p: Programs, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Alpha CNC Machining Academy", "program_type": "pre_employment", "status": "active",
        "description": "", "provider": p.side.orgs[OrganizationType.COLLEGE].pk,
        "other_providers": [p.side.orgs[OrganizationType.COMMUNITY_ORG].pk], "cip_code": "48.0501",
        "length_weeks": "10", "contact_hours": "300", "cost_per_participant": "5200.00",
        "funding_streams": [], "rapids_number": "", "occupation": ["51-4041", ""],
        "cred_0_name": "NIMS Measurement, Materials and Safety", "cred_0_ctdl_type": CredentialType.CERTIFICATION,
        "cred_0_issuer": "NIMS", "cred_1_name": "", "cred_1_ctdl_type": "", "cred_1_issuer": "",
        "req_0_kind": "screening", "req_0_description": "Alpha: pass a drug test",
        "req_0_employers": [p.side.orgs[OrganizationType.EMPLOYER].pk],
        "req_1_kind": "entry", "req_1_description": "",
        "ws_0_after_hours": "", "ws_0_hourly_wage": "",
    }
    data.update(overrides)
    return data


def test_convener_staff_create_a_program_with_providers_occupations_credentials_and_requirements(
    programs_world: Programs, client_for: Any
) -> None:
    p = programs_world
    from programs.models import FundingStream

    streams = [FundingStream.objects.get(code="wioa_adult").pk, FundingStream.objects.get(code="pell").pk]
    response = client_for(p.user(Role.CONVENER_STAFF)).post(url(p, "program-create"),
                                                            program_post(p, funding_streams=streams))
    assert response.status_code == 302, text_of(response)[:3000]
    program = Program.objects.for_convener(p.side.convener).get(name="Alpha CNC Machining Academy")
    assert program.provider == p.side.orgs[OrganizationType.COLLEGE]
    assert list(program.other_providers.all()) == [p.side.orgs[OrganizationType.COMMUNITY_ORG]]
    assert [o.soc_code for o in program.target_occupations.all()] == ["51-4041"]
    assert [(c.name, c.issuer) for c in program.credentials.all()] == [("NIMS Measurement, Materials and Safety",
                                                                          "NIMS")]
    assert {s.code for s in program.funding_streams.all()} == {"wioa_adult", "pell"}
    requirement = program.requirements.get()
    assert requirement.kind == "screening" and list(requirement.employers.all()) == [p.side.orgs["employer"]]
    assert response["Location"] == url(p, "program-detail", program_id=program.pk)


def test_a_registered_apprenticeship_keeps_its_rapids_number_and_wage_steps(programs_world: Programs,
                                                                           client_for: Any) -> None:
    p = programs_world
    data = program_post(p, name="Alpha Welder Apprenticeship", program_type="registered_apprenticeship",
                        rapids_number="2026-IN-0042", ws_0_after_hours="0", ws_0_hourly_wage="18.00",
                        ws_1_after_hours="2000", ws_1_hourly_wage="21.50", ws_2_after_hours="", ws_2_hourly_wage="")
    response = client_for(p.user(Role.CONVENER_ADMIN)).post(url(p, "program-create"), data)
    assert response.status_code == 302, text_of(response)[:3000]
    program = Program.objects.for_convener(p.side.convener).get(name="Alpha Welder Apprenticeship")
    assert program.rapids_number == "2026-IN-0042"
    assert [(s.step, s.after_hours, s.hourly_wage) for s in program.wage_steps.all()] == [
        (1, 0, Decimal("18.00")), (2, 2000, Decimal("21.50"))]


def test_a_program_form_with_bad_input_says_what_is_wrong_and_saves_nothing(programs_world: Programs,
                                                                            client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    before = Program.objects.for_convener(p.side.convener).count()
    response = client.post(url(p, "program-create"), program_post(
        p, cip_code="welding", cred_0_issuer="", occupation=["welders", ""]))
    assert response.status_code == 400
    page = text_of(response)
    assert "The program was not saved" in page and 'role="alert"' in page
    assert "Enter a CIP 2020 code such as 48.0508" in page
    assert 'aria-describedby="id_cred_0_issuer_error"' in page and "Give the issuer" in page
    assert "“welders” is not a SOC code" in page
    # Wage steps on a program that is not a registered apprenticeship: the service refuses, shown on the group.
    response = client.post(url(p, "program-create"), program_post(p, ws_0_after_hours="0", ws_0_hourly_wage="18"))
    assert response.status_code == 400
    assert "Wage progression steps belong to registered apprenticeships." in text_of(response)
    assert 'id="ws-errors"' in text_of(response)
    # A name already in the catalogue.
    response = client.post(url(p, "program-create"), program_post(p, name="alpha welding pre-apprenticeship"))
    assert response.status_code == 400 and "There is already a program called" in text_of(response)
    assert Program.objects.for_convener(p.side.convener).count() == before
    assert not WageStep.objects.for_convener(p.side.convener).filter(program__name__startswith="Alpha CNC").exists()


def test_add_a_row_redisplays_the_form_with_one_more_row_and_saves_nothing(programs_world: Programs,
                                                                          client_for: Any) -> None:
    p = programs_world
    response = client_for(p.user(Role.CONVENER_STAFF)).post(url(p, "program-create"),
                                                            program_post(p, add_row="cred"))
    assert response.status_code == 200
    assert 'name="cred_2_name"' in text_of(response) and "NIMS" in text_of(response)
    assert not Program.objects.for_convener(p.side.convener).filter(name="Alpha CNC Machining Academy").exists()


def test_editing_a_program_keeps_its_rows(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    page = text_of(client.get(url(p, "program-edit", program_id=p.welding.pk)))
    assert 'value="51-4121 Welders, Cutters, Solderers, and Brazers"' in page
    assert 'value="Alpha AWS D1.1 Structural Welding"' in page


# ---------------------------------------------------------------------------
# Cohorts: the form and status changes
# ---------------------------------------------------------------------------
def cohort_post(p: Programs, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "program": p.welding.pk, "partnership": p.side.granted_partnership.pk, "name": "Alpha Welding Summer 2026",
        "occupation": "51-4121", "start_date": "2026-06-01", "end_date": "2026-07-24", "seats": "12",
        "location": "Shop 3", "schedule_note": "", "demand_snapshot": "",
        "day_0": "classroom", "day_1": "classroom", "day_2": "classroom", "day_3": "lab", "day_4": "worksite",
        "day_5": "", "day_6": "",
        "emp_0_employer": p.side.orgs[OrganizationType.EMPLOYER].pk, "emp_0_kind": "host",
        "emp_0_guaranteed_interviews": "12", "emp_0_planned_hires": "5", "emp_0_internship_slots": "",
        "emp_0_ojt_slots": "", "emp_0_tours": "1", "emp_0_mock_interviews": "",
        "emp_1_employer": "", "emp_1_kind": "host",
    }
    data.update(overrides)
    return data


def test_a_cohort_started_from_a_demand_gap_is_prefilled_and_keeps_the_snapshot(programs_world: Programs,
                                                                               client_for: Any) -> None:
    p = programs_world
    side = p.side
    snapshot = DemandSnapshot.objects.for_convener(side.convener).filter(
        partnership=side.granted_partnership).order_by("-version").first()
    assert snapshot is not None
    client = client_for(p.user(Role.CONVENER_STAFF))
    page = text_of(client.get(url(p, "cohort-create", f"partnership={side.granted_partnership.pk}&soc=51-4121"
                                                      f"&snapshot={snapshot.pk}")))
    assert "Starting from a demand gap: Welders, Cutters, Solderers, and Brazers" in page
    assert 'value="51-4121 Welders, Cutters, Solderers, and Brazers"' in page
    assert f'name="demand_snapshot" value="{snapshot.pk}"' in page
    assert f'<option value="{side.granted_partnership.pk}" selected>' in page
    # Programs that train for the SOC are offered first, in their own group.
    group = page.split('label="Programs that train for 51-4121"')[1].split("</optgroup>")[0]
    assert "Alpha Welding Pre-apprenticeship" in group and "Alpha Maintenance Bridge" not in group
    response = client.post(url(p, "cohort-create"), cohort_post(p, demand_snapshot=str(snapshot.pk)))
    assert response.status_code == 302, text_of(response)[:3000]
    cohort = Cohort.objects.for_convener(side.convener).get(name="Alpha Welding Summer 2026")
    assert cohort.demand_snapshot == snapshot and cohort.target_occupation.soc_code == "51-4121"
    assert cohort.weekly_pattern == {"0": "classroom", "1": "classroom", "2": "classroom", "3": "lab",
                                     "4": "worksite"}
    assert cohort.status == Cohort.Status.PLANNED
    assert CohortSession.objects.for_convener(side.convener).filter(cohort=cohort).count() == 8 * 5
    host = CohortEmployer.objects.for_convener(side.convener).get(cohort=cohort)
    assert (host.guaranteed_interviews, host.planned_hires, host.tours) == (12, 5, 1)


def test_a_gap_without_a_program_offers_to_create_one_and_comes_back(programs_world: Programs,
                                                                      client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    start = url(p, "cohort-create", f"partnership={p.side.granted_partnership.pk}&soc=51-4041")
    page = text_of(client.get(start))
    assert "No program of the catalogue trains for" in page
    assert "Create a program for this occupation" in page
    create = text_of(client.get(url(p, "program-create", "soc=51-4041&next=" + start.replace("&", "%26"))))
    assert 'value="51-4041 Machinists"' in create and f'name="next" value="{start.replace("&", "&amp;")}"' in create
    response = client.post(url(p, "program-create"), program_post(p, next=start))
    program = Program.objects.for_convener(p.side.convener).get(name="Alpha CNC Machining Academy")
    assert response.status_code == 302 and response["Location"] == f"{start}&program={program.pk}"
    back = text_of(client.get(response["Location"]))
    assert f'<option value="{program.pk}" selected>Alpha CNC Machining Academy</option>' in back


def test_a_cohort_far_outside_the_calendar_is_refused_with_a_clear_error(programs_world: Programs,
                                                                          client_for: Any) -> None:
    """The end of the calendar: sessions laid out from 9999-12-31 would overflow; the form says what it takes."""
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    before = Cohort.objects.for_convener(p.side.convener).count()
    form = text_of(client.get(url(p, "cohort-create")))
    assert 'min="1900-01-01"' in form and 'max="2199-12-31"' in form  # the date picker is bounded too
    response = client.post(url(p, "cohort-create"), cohort_post(p, start_date="9999-12-01", end_date="9999-12-31"))
    assert response.status_code == 400
    page = text_of(response)
    assert "The cohort was not saved" in page and "Give a date between 1900 and 2199." in page
    assert Cohort.objects.for_convener(p.side.convener).count() == before


def test_a_cohort_form_with_bad_dates_saves_nothing(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    before = Cohort.objects.for_convener(p.side.convener).count()
    response = client_for(p.user(Role.CONVENER_STAFF)).post(
        url(p, "cohort-create"), cohort_post(p, start_date="2026-07-24", end_date="2026-06-01", seats="0"))
    assert response.status_code == 400
    page = text_of(response)
    assert "The cohort was not saved" in page
    assert "The cohort must end on or after the day it starts." in page
    assert 'aria-describedby="id_end_date_error"' in page or 'id_end_date_error' in page
    assert "A cohort has at least one seat." in page
    assert Cohort.objects.for_convener(p.side.convener).count() == before


def test_editing_a_cohort_removes_an_employer_and_changes_its_commitments(programs_world: Programs,
                                                                         client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    page = text_of(client.get(url(p, "cohort-edit", cohort_id=p.cohort.pk)))
    assert 'name="emp_0_remove"' in page
    data = cohort_post(p, name="Alpha Welding Spring 2026", start_date="2026-03-02", end_date="2026-04-24",
                       seats="3", emp_0_remove="on")
    response = client.post(url(p, "cohort-edit", cohort_id=p.cohort.pk), data)
    assert response.status_code == 302, text_of(response)[:3000]
    assert not CohortEmployer.objects.for_convener(p.side.convener).filter(cohort=p.cohort).exists()


def test_status_buttons_follow_the_cohort_transitions(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.CONVENER_STAFF))
    status_url = url(p, "cohort-status", cohort_id=p.cohort.pk)
    assert client.post(status_url, {"status": "completed"}).status_code == 302
    p.cohort.refresh_from_db()
    assert p.cohort.status == Cohort.Status.PLANNED  # planned cannot complete
    page = text_of(client.get(url(p, "cohort-detail", cohort_id=p.cohort.pk), follow=True))
    assert "Mark completed" not in page
    client.post(status_url, {"status": "in_progress"})
    p.cohort.refresh_from_db()
    assert p.cohort.status == Cohort.Status.IN_PROGRESS
    response = client.post(status_url, {"status": "completed"}, follow=True)
    assert "2 people are still enrolled or active" in text_of(response)
    p.cohort.refresh_from_db()
    assert p.cohort.status == Cohort.Status.IN_PROGRESS
    assert client_for(p.user(Role.PROVIDER_STAFF)).post(status_url, {"status": "cancelled"}).status_code == 403


# ---------------------------------------------------------------------------
# Rosters
# ---------------------------------------------------------------------------
def test_enrolling_past_the_seat_limit_is_refused_for_a_provider(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    provider = client_for(p.user(Role.PROVIDER_STAFF))
    third = person(p.side, p.membership(Role.PROVIDER_STAFF), "Casey", "Alpha-Third")
    fourth = person(p.side, p.membership(Role.PROVIDER_STAFF), "Drew", "Alpha-Fourth")
    add = url(p, "roster-add", cohort_id=p.cohort.pk)
    assert provider.post(add, {"participant": third.pk, "status": "enrolled", "on": "2026-03-09"}).status_code == 302
    response = provider.post(add, {"participant": fourth.pk, "status": "enrolled", "on": "2026-03-09",
                                   "override_seats": "on"})
    assert response.status_code == 400
    page = text_of(response)
    assert "All 3 seats are taken" in page and 'role="alert"' in page
    assert 'aria-describedby="id_participant_error"' in page
    assert not CohortEnrollment.objects.for_convener(p.side.convener).filter(participant=fourth).exists()
    # The walk-in form refuses the same way, and creates nobody.
    response = provider.post(url(p, "roster-walk-in", cohort_id=p.cohort.pk),
                             {"walkin-first_name": "Eli", "walkin-last_name": "Alpha-Walkin",
                              "walkin-status": "enrolled"})
    assert response.status_code == 400 and "All 3 seats are taken" in text_of(response)
    assert not Participant.objects.for_convener(p.side.convener).filter(last_name="Alpha-Walkin").exists()
    # As applied (the waitlist) it is fine.
    response = provider.post(add, {"participant": fourth.pk, "status": "applied", "on": "2026-03-09"})
    assert response.status_code == 302


def test_convener_staff_can_enroll_past_the_seat_limit_and_it_is_recorded(programs_world: Programs,
                                                                          client_for: Any) -> None:
    p = programs_world
    staff = client_for(p.user(Role.CONVENER_STAFF))
    third = person(p.side, p.membership(Role.PROVIDER_STAFF), "Casey", "Alpha-Third")
    fourth = person(p.side, p.membership(Role.PROVIDER_STAFF), "Drew", "Alpha-Fourth")
    add = url(p, "roster-add", cohort_id=p.cohort.pk)
    staff.post(add, {"participant": third.pk, "status": "enrolled", "on": "2026-03-09"})
    roster = text_of(staff.get(url(p, "cohort-roster", cohort_id=p.cohort.pk)))
    assert "Enroll past the seat limit" in roster
    refused = staff.post(add, {"participant": fourth.pk, "status": "enrolled", "on": "2026-03-09"})
    assert refused.status_code == 400
    response = staff.post(add, {"participant": fourth.pk, "status": "enrolled", "on": "2026-03-09",
                                "override_seats": "on"})
    assert response.status_code == 302
    enrollment = CohortEnrollment.objects.for_convener(p.side.convener).get(participant=fourth)
    assert enrollment.seat_override and enrollment.status == CohortEnrollment.Status.ENROLLED
    roster = text_of(staff.get(url(p, "cohort-roster", cohort_id=p.cohort.pk)))
    assert "Over limit" in roster and 'id="fig-seated">4<' in roster


def test_a_walk_in_applicant_is_created_and_put_on_the_roster(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    response = client_for(p.user(Role.PROVIDER_STAFF)).post(
        url(p, "roster-walk-in", cohort_id=p.cohort.pk),
        {"walkin-first_name": "Eli", "walkin-last_name": "Alpha-Walkin", "walkin-status": "applied"}, follow=True)
    assert "Added Eli Alpha-Walkin" in text_of(response)
    walk_in = Participant.objects.for_convener(p.side.convener).get(last_name="Alpha-Walkin")
    assert walk_in.organization == p.side.orgs[OrganizationType.COLLEGE]
    assert CohortEnrollment.objects.for_convener(p.side.convener).get(participant=walk_in).status == "applied"


def test_completion_dated_before_enrollment_is_refused(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    e = p.enrollments[0]
    response = client_for(p.user(Role.PROVIDER_STAFF)).post(
        url(p, "enrollment-status", cohortenrollment_id=e.pk),
        {"status-status": "completed", "status-on": "2026-02-20"})
    assert response.status_code == 400
    page = text_of(response)
    assert "The status was not changed." in page
    assert "The completion date (Feb 20, 2026) is before the enrollment (Mar 2, 2026)." in page
    assert 'aria-describedby="id_status-on_helptext id_status-on_error"' in page
    e.refresh_from_db()
    assert e.status == CohortEnrollment.Status.ENROLLED and e.completed_on is None


def test_withdrawing_needs_a_reason_and_then_is_recorded(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    e = p.enrollments[1]
    client = client_for(p.user(Role.PROVIDER_STAFF))
    status_url = url(p, "enrollment-status", cohortenrollment_id=e.pk)
    response = client.post(status_url, {"status-status": "withdrawn", "status-on": "2026-03-12"})
    assert response.status_code == 400 and "Give the reason for withdrawing." in text_of(response)
    response = client.post(status_url, {"status-status": "withdrawn", "status-on": "2026-03-12",
                                        "status-reason": "Found full-time work"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.status, e.withdrawn_on, e.withdrawal_reason) == ("withdrawn", date(2026, 3, 12), "Found full-time work")


def test_a_credential_dated_in_the_future_is_refused(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    e = p.enrollments[0]
    credential = p.welding.credentials.get()
    response = client_for(p.user(Role.PROVIDER_STAFF)).post(
        url(p, "credential-record", cohortenrollment_id=e.pk),
        {"credential-program_credential": credential.pk,
         "credential-awarded_on": (TODAY + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    page = text_of(response)
    assert "The credential was not recorded." in page
    assert "The award date (Mar 19, 2026) is in the future." in page
    assert not CredentialAward.objects.for_convener(p.side.convener).filter(enrollment=e).exists()


def test_credentials_and_skill_gains_are_recorded_and_shown_on_the_roster(programs_world: Programs,
                                                                          client_for: Any) -> None:
    p = programs_world
    e = p.enrollments[0]
    client = client_for(p.user(Role.PROVIDER_STAFF))
    credential = p.welding.credentials.get()
    assert client.post(url(p, "credential-record", cohortenrollment_id=e.pk), {
        "credential-program_credential": credential.pk, "credential-awarded_on": "2026-03-18"}).status_code == 302
    assert client.post(url(p, "credential-record", cohortenrollment_id=e.pk), {
        "credential-program_credential": "", "credential-name": "OSHA 10 General Industry",
        "credential-issuer": "OSHA", "credential-ctdl_type": CredentialType.CERTIFICATE,
        "credential-awarded_on": "2026-03-10"}).status_code == 302
    assert client.post(url(p, "skill-gain-record", cohortenrollment_id=e.pk), {
        "gain-gain_type": SkillGain.GainType.TRAINING_MILESTONE, "gain-achieved_on": "2026-03-13",
        "gain-note": "Passed the flat-position weld test"}).status_code == 302
    awards = CredentialAward.objects.for_convener(p.side.convener).filter(enrollment=e)
    assert {(a.name, a.ctdl_type) for a in awards} == {
        ("Alpha AWS D1.1 Structural Welding", CredentialType.CERTIFICATION),
        ("OSHA 10 General Industry", CredentialType.CERTIFICATE)}
    roster = text_of(client.get(url(p, "cohort-roster", cohort_id=p.cohort.pk)))
    assert "OSHA 10 General Industry" in roster and "Training milestone" in roster
    assert 'id="fig-credentials">2<' in roster
    # "Another credential" without its name says so, and saves nothing.
    response = client.post(url(p, "credential-record", cohortenrollment_id=e.pk), {
        "credential-program_credential": "", "credential-awarded_on": "2026-03-10"})
    assert response.status_code == 400 and "Give the credential&#x27;s name" in text_of(response)
    assert awards.count() == 2


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------
def test_one_form_records_a_whole_day_of_attendance(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    e0, e1 = p.enrollments
    session = p.session_on(date(2026, 3, 17))
    client = client_for(p.user(Role.PROVIDER_STAFF))
    sheet_url = url(p, "session-attendance", cohortsession_id=session.pk)
    sheet = text_of(client.get(sheet_url))
    assert sheet.count('type="radio"') == 2 * 4
    assert '<legend class="visually-hidden">Avery0 Alpha-Quill0, March 17</legend>' in sheet
    response = client.post(sheet_url, {f"mark_{e0.pk}": "present", f"mark_{e1.pk}": "late"}, follow=True)
    assert "Attendance saved for Tuesday, March 17: 1 present, 1 late." in text_of(response)
    marks = dict(AttendanceRecord.objects.for_convener(p.side.convener).filter(session=session)
                 .values_list("enrollment_id", "status"))
    assert marks == {e0.pk: "present", e1.pk: "late"}
    # Correcting one person keeps the other.
    client.post(sheet_url, {f"mark_{e1.pk}": "excused"})
    marks = dict(AttendanceRecord.objects.for_convener(p.side.convener).filter(session=session)
                 .values_list("enrollment_id", "status"))
    assert marks == {e0.pk: "present", e1.pk: "excused"}


def test_attendance_for_a_day_that_has_not_happened_is_refused(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    session = p.session_on(date(2026, 3, 20))
    client = client_for(p.user(Role.PROVIDER_STAFF))
    sheet_url = url(p, "session-attendance", cohortsession_id=session.pk)
    assert "This day has not happened yet" in text_of(client.get(sheet_url))
    response = client.post(sheet_url, {f"mark_{p.enrollments[0].pk}": "present"})
    assert response.status_code == 400 and "has not happened yet" in text_of(response)
    assert not AttendanceRecord.objects.for_convener(p.side.convener).filter(session=session).exists()


def test_attendance_for_a_session_outside_the_cohort_dates_is_refused(programs_world: Programs,
                                                                      client_for: Any) -> None:
    p = programs_world
    admin = p.side.admin
    added = services.session_add(convener=p.side.convener, actor=admin, membership=p.membership(Role.CONVENER_ADMIN),
                                 cohort=p.cohort, day=date(2026, 3, 7), kind="worksite", note="Saturday tour")
    # The cohort is moved to start later; the added Saturday (it has a note) stays, now outside its dates.
    services.cohort_save(convener=p.side.convener, actor=admin, cohort=p.cohort, program=p.welding,
                         partnership=p.side.granted_partnership, target_occupation="51-4121",
                         start_date=date(2026, 3, 9), end_date=END)
    response = client_for(p.user(Role.PROVIDER_STAFF)).post(
        url(p, "session-attendance", cohortsession_id=added.pk), {f"mark_{p.enrollments[0].pk}": "present"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Attendance was not saved." in page
    assert "Mar 7, 2026 is outside the cohort&#x27;s dates (Mar 9 to Apr 24, 2026)." in page
    assert not AttendanceRecord.objects.for_convener(p.side.convener).filter(session=added).exists()


def test_a_session_day_outside_the_cohort_dates_cannot_be_added(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    client = client_for(p.user(Role.PROVIDER_STAFF))
    before = CohortSession.objects.for_convener(p.side.convener).filter(cohort=p.cohort).count()
    response = client.post(url(p, "session-add", cohort_id=p.cohort.pk),
                           {"session-day": "2026-05-02", "session-kind": "worksite", "session-hours": "4"})
    assert response.status_code == 400
    assert "Sessions fall within the cohort&#x27;s dates (Mar 2, 2026 to Apr 24, 2026)." in text_of(response)
    assert 'aria-describedby="id_session-day_error"' in text_of(response)
    assert CohortSession.objects.for_convener(p.side.convener).filter(cohort=p.cohort).count() == before
    response = client.post(url(p, "session-add", cohort_id=p.cohort.pk),
                           {"session-day": "2026-03-14", "session-kind": "worksite", "session-hours": "4",
                            "session-note": "Hospital tour"})
    assert response.status_code == 302
    added = p.session_on(date(2026, 3, 14))
    assert response["Location"] == url(p, "session-attendance", cohortsession_id=added.pk)


def test_a_mark_for_someone_not_on_the_sheet_is_refused(programs_world: Programs, client_for: Any) -> None:
    p = programs_world
    session = p.session_on(date(2026, 3, 17))
    response = client_for(p.user(Role.CONVENER_STAFF)).post(
        url(p, "session-attendance", cohortsession_id=session.pk),
        {f"mark_{p.enrollments[0].pk}": "present", f"mark_{p.other_enrollment.pk}": "present"})
    assert response.status_code == 400
    assert "not on this day&#x27;s sheet" in text_of(response)
    assert not AttendanceRecord.objects.for_convener(p.side.convener).filter(session=session).exists()

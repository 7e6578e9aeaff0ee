"""The program and cohort pages cost the same number of queries for a few rows as for many (STYLE.md).

The roster and the attendance sheet are measured with 5 and with 60 people on the roster (each with two days of
attendance, a credential and a skill gain); the catalogue and the cohort list with a few and with many rows.
Every count is exact: when a page legitimately changes, update the number here in the same commit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employers.models import CredentialType
from partnerships.roles import OrganizationType, Role
from programs import services
from programs.models import CohortSession
from tests.conftest import World
from tests.programs.test_pages import NOW, Programs, build_programs, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("user_read_every_request")]

# Each page pays 2 queries for the session and the user and 1 to resolve the tenant; the rest is its own.
ROSTER_QUERIES = 9  # + the cohort, the figures (1), the roster (3), the days, the people who can be added
ATTENDANCE_QUERIES = 6  # + the day with its cohort, the sheet (2), the cohort's days
COHORT_PAGE_QUERIES = 7  # + the cohort, the figures (1), the days, the employers, their commitment totals
CATALOGUE_QUERIES = 9  # + the provider choices, the count, the programs and 4 prefetches
COHORT_LIST_QUERIES = 6  # + the partnership and program choices, the count, the page of cohorts


def grow_roster(p: Programs) -> None:
    """Two days of attendance for everyone, then a credential and a skill gain each (as the college's staff)."""
    side = p.side
    provider = side.memberships[Role.PROVIDER_STAFF]
    credential = p.welding.credentials.get()
    for day in (date(2026, 3, 16), date(2026, 3, 17)):
        session = CohortSession.objects.for_convener(side.convener).get(cohort=p.cohort, day=day)
        services.attendance_record_day(convener=side.convener, actor=provider.user, membership=provider,
                                       session=session, marks={e.pk: "present" for e in p.enrollments})
    for e in p.enrollments:
        services.credential_award_record(convener=side.convener, actor=provider.user, membership=provider,
                                         enrollment=e, program_credential=credential, awarded_on=date(2026, 3, 18))
        services.skill_gain_record(convener=side.convener, actor=provider.user, membership=provider, enrollment=e,
                                   gain_type="training_milestone", achieved_on=date(2026, 3, 13))


@pytest.fixture(params=[5, 60], ids=["5-people", "60-people"])
def roster_of(request: pytest.FixtureRequest, world: World, monkeypatch: pytest.MonkeyPatch) -> Programs:
    p = build_programs(world, people=request.param, seats=request.param + 5)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    grow_roster(p)
    return p


def queries_for(client: Any, page: str) -> int:
    client.get(page)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    assert response.status_code == 200, page
    return len(captured)


@pytest.mark.parametrize("role", [Role.CONVENER_STAFF, Role.PROVIDER_STAFF])
def test_the_roster_costs_the_same_queries_for_5_and_60_people(roster_of: Programs, role: str, client_for: Any,
                                                               django_assert_num_queries: Any) -> None:
    p = roster_of
    client = client_for(p.side.users[role])
    page = url(p, "cohort-roster", cohort_id=p.cohort.pk)
    client.get(page)
    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(page)
    text = response.content.decode()
    assert text.count("badge-enroll-enrolled") == len(p.enrollments)
    assert "2/2" in text and "Alpha AWS D1.1 Structural Welding" in text and "Training milestone" in text


@pytest.mark.parametrize("role", [Role.CONVENER_STAFF, Role.PROVIDER_STAFF])
def test_the_attendance_sheet_costs_the_same_queries_for_5_and_60_people(
    roster_of: Programs, role: str, client_for: Any, django_assert_num_queries: Any
) -> None:
    p = roster_of
    client = client_for(p.side.users[role])
    session = CohortSession.objects.for_convener(p.side.convener).get(cohort=p.cohort, day=date(2026, 3, 17))
    page = url(p, "session-attendance", cohortsession_id=session.pk)
    client.get(page)
    with django_assert_num_queries(ATTENDANCE_QUERIES):
        response = client.get(page)
    assert response.content.decode().count(' checked><label') == len(p.enrollments)


def test_the_cohort_page_costs_the_same_queries_for_5_and_60_people(roster_of: Programs, client_for: Any,
                                                                    django_assert_num_queries: Any) -> None:
    p = roster_of
    client = client_for(p.side.users[Role.CONVENER_STAFF])
    page = url(p, "cohort-detail", cohort_id=p.cohort.pk)
    client.get(page)
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(page)
    assert f"{len(p.enrollments)}/{len(p.enrollments)} present" in response.content.decode()


def add_programs(p: Programs, count: int) -> None:
    side = p.side
    college, community = side.orgs[OrganizationType.COLLEGE], side.orgs[OrganizationType.COMMUNITY_ORG]
    for n in range(count):
        program = services.program_save(
            convener=side.convener, actor=side.admin, provider=college if n % 2 else community,
            other_providers=[community] if n % 2 else [], name=f"Alpha Grown Program {n}",
            program_type="pre_employment", length_weeks=6, cost_per_participant=Decimal("1500"),
            target_occupations=["51-4121", "51-4041"], funding_streams=["wioa_adult", "pell"],
            credentials=[{"name": f"Alpha Grown Credential {n}", "issuer": "NIMS",
                          "ctdl_type": CredentialType.CERTIFICATION}])
        services.cohort_save(convener=side.convener, actor=side.admin, program=program,
                             partnership=side.granted_partnership, name=f"Alpha Grown Cohort {n}",
                             start_date=date(2026, 4, 6), end_date=date(2026, 5, 29), seats=10,
                             weekly_pattern={"0": "classroom"})


@pytest.mark.parametrize("grown", [0, 18], ids=["few", "many"])
def test_the_catalogue_and_the_cohort_list_cost_the_same_queries_for_few_and_many_rows(
    world: World, grown: int, client_for: Any, django_assert_num_queries: Any
) -> None:
    p = build_programs(world)
    add_programs(p, grown)
    for role in (Role.CONVENER_STAFF, Role.FUNDER):
        client = client_for(p.side.users[role])
        page = url(p, "program-list")
        client.get(page)
        with django_assert_num_queries(CATALOGUE_QUERIES):
            response = client.get(page)
        assert response.status_code == 200
    client = client_for(p.side.users[Role.CONVENER_STAFF])
    for page in (url(p, "cohort-list"), url(p, "cohort-list", "status=pipeline")):
        client.get(page)
        with django_assert_num_queries(COHORT_LIST_QUERIES):
            response = client.get(page)
        assert ("Alpha Grown Cohort 17" in response.content.decode()) == bool(grown)

"""List pages and list endpoints cost the same number of queries for 1 row as for many (STYLE.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Convener, Meeting, Partnership, User
from partnerships.roles import OrganizationType, Role
from tests.factories import (
    ActionItemFactory,
    AuditEventFactory,
    ConvenerFactory,
    CouncilSeatFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PartnershipGoalFactory,
    RepresentativeFactory,
    UserFactory,
    council_of,
    invite,
    local_time,
    record_attendance,
    refresh_engagement,
)

MANY = 12

# The exact cost of each list, signed in as the convener admin. Pages pay 2 queries for the session and
# user and 1 to resolve the tenant; the rest is the list itself. When a page legitimately changes, update
# the number here in the same commit, so that every added query is a decision.
EXPECTED_QUERIES = {
    "/c/gamma/people/": 8,
    "/c/gamma/organizations/": 4,
    "/c/gamma/partnerships/": 4,
    "/c/gamma/audit/": 4,
    "/api/v1/c/gamma/memberships/": 4,
    "/api/v1/c/gamma/invitations/": 4,
    "/api/v1/c/gamma/organizations/": 3,
    "/api/v1/c/gamma/partnerships/": 4,  # + the goals
    "/api/v1/c/gamma/audit-events/": 3,
    "/api/v1/c/gamma/representatives/": 3,
    "/api/v1/c/gamma/councils/": 5,  # + current seats, + their representatives
    "/api/v1/c/gamma/meetings/": 3,
    "/api/v1/c/gamma/action-items/": 3,
    "/api/v1/c/gamma/engagement/": 3,
}


def council_rows(convener: Convener, admin: User, partnership: Partnership, n: int) -> None:
    """One of each council row: a goal, an employer with a representative seated on the industry council, a held
    meeting it attended, an action item from that meeting, and the council's engagement."""
    PartnershipGoalFactory(partnership=partnership, actor=admin)
    employer = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, size_band="small",
                                   actor=admin)
    rep = RepresentativeFactory(organization=employer, actor=admin)
    council = council_of(partnership)
    CouncilSeatFactory(council=council, organization=employer, representatives=[rep], actor=admin)
    meeting = MeetingFactory(council=council, starts_at=local_time(date(2025, 3, 3) + timedelta(days=n)),
                             status=Meeting.Status.HELD, actor=admin)
    record_attendance(meeting, actor=admin, representatives=[rep])
    ActionItemFactory(partnership=partnership, meeting=meeting, owner_representative=rep, owner_user=admin,
                      due_on=date(2025, 6, 30), actor=admin)
    refresh_engagement(council, today=date(2025, 6, 1))


@pytest.fixture
def gamma(db):
    """A tenant holding one row of each kind; ``grow()`` adds many more of every kind."""
    convener = ConvenerFactory(name="Gamma Talent Alliance", slug="gamma")
    admin = UserFactory(email="admin@gamma.example", full_name="Gamma Admin")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)

    def grow() -> None:
        for n in range(MANY):
            employer = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, actor=admin)
            funder_org = OrganizationFactory(convener=convener, org_type=OrganizationType.PHILANTHROPY, actor=admin)
            partnership = PartnershipFactory(convener=convener, actor=admin)
            MembershipFactory(convener=convener, role=Role.EMPLOYER_REP, organization=employer)
            MembershipFactory(convener=convener, role=Role.FUNDER, organization=funder_org, partnerships=[partnership])
            invite(convener=convener, actor=admin, email=f"rep{n}@gamma.example", role=Role.EMPLOYER_REP,
                   organization=employer)
            invite(convener=convener, actor=admin, email=f"funder{n}@gamma.example", role=Role.FUNDER,
                   organization=funder_org, partnerships=[partnership])
            AuditEventFactory(convener=convener, actor=admin, action="test.event", target=partnership)
            council_rows(convener, admin, partnership, n + 1)

    employer = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, actor=admin)
    council_rows(convener, admin, PartnershipFactory(convener=convener, actor=admin), 0)
    invite(convener=convener, actor=admin, email="first@gamma.example", role=Role.EMPLOYER_REP, organization=employer)
    return admin, grow


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(captured)


@pytest.mark.parametrize(("url", "expected"), EXPECTED_QUERIES.items(), ids=list(EXPECTED_QUERIES))
def test_a_list_costs_the_same_number_of_queries_for_one_row_as_for_many(gamma, url, expected, client_for,
                                                                         api_client_for, django_assert_num_queries):
    admin, grow = gamma
    client = api_client_for(admin) if url.startswith("/api/") else client_for(admin)
    client.get(url)  # warm per-process caches (content types, site) so both counts compare like with like
    with_one = queries_for(client, url)

    grow()

    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert response.status_code == 200
    assert with_one == expected, (
        f"{url} now takes {with_one} queries (was {expected}); it is still constant in the number of rows. "
        f"If the extra queries are intended, update EXPECTED_QUERIES in {__name__}."
    )

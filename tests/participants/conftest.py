"""Fixtures of the participants tests: one tenant with two partner organizations, each with a case manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from participants import services
from participants.models import Participant, StreamEnrollment
from partnerships.models import Convener, Membership, Organization, User
from partnerships.roles import OrganizationType, Role
from tests.factories import ConvenerFactory, MembershipFactory, OrganizationFactory, UserFactory

SSN = "123-45-6789"


@dataclass
class Agency:
    convener: Convener
    admin: User
    staff: Membership
    goodwill: Organization
    dhs: Organization
    employer: Organization
    cm: Membership  # Goodwill's case manager
    other_cm: Membership  # DHS's case manager
    funder: Membership


@pytest.fixture
def agency(db: None) -> Agency:
    convener = ConvenerFactory(name="Golf Workforce Board", slug="golf")
    admin = UserFactory(email="admin@golf.example", full_name="Golf Admin")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)

    def org(name: str, kind: str) -> Organization:
        return OrganizationFactory(convener=convener, org_type=kind, name=name, actor=admin)

    goodwill = org("Golf Goodwill", OrganizationType.COMMUNITY_ORG)
    dhs = org("Golf DHS", OrganizationType.HUMAN_SERVICES)
    employer = org("Golf Hospital", OrganizationType.EMPLOYER)
    return Agency(
        convener=convener, admin=admin, staff=MembershipFactory(convener=convener, role=Role.CONVENER_STAFF),
        goodwill=goodwill, dhs=dhs, employer=employer,
        cm=MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=goodwill),
        other_cm=MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=dhs),
        funder=MembershipFactory(convener=convener, role=Role.FUNDER,
                                 organization=org("Golf Foundation", OrganizationType.PHILANTHROPY)),
    )


def intake(agency: Agency, **fields: object) -> Participant:
    data: dict[str, object] = {"first_name": "Dana", "last_name": "Whitfield", "ssn": SSN,
                               "date_of_birth": date(1990, 5, 17), "benefit_snap": True,
                               "snap_participation": "voluntary", "sex": "female", "barrier_single_parent": True}
    data.update(fields)
    return services.participant_intake(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                       **data)  # type: ignore[arg-type]


def enroll(agency: Agency, person: Participant, stream: str, days_ago: int = 30) -> StreamEnrollment:
    return services.stream_enroll(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                  participant=person, stream=stream,
                                  entry_date=timezone.localdate() - timedelta(days=days_ago))

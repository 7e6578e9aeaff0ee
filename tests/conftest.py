"""The two-tenant world every test starts from, and client helpers.

Convener A ("Alpha Workforce Board", slug ``alpha``) and convener B ("Beta Sector Partners", slug
``beta``) each get a user for every role, the organizations those roles are bound to, two partnerships
(one granted to the funder, one not), a pending invitation and audit events. Every A row's str()
contains "Alpha" and every B row's "Beta" (in email addresses, lower case), so a leak
shows up as text. ``stranger`` belongs nowhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from rest_framework.test import APIClient

from partnerships.models import AuditEvent, Convener, Invitation, Membership, Organization, Partnership, User
from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantOwnedModel
from tests.factories import (
    AuditEventFactory,
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    invite,
)
from tests.tenancy.harness import tenant_owned_models


def require_service(name: str, available: bool) -> None:
    """Skip a test whose backing service is missing, except on CI, where a missing service is a failure."""
    if available:
        return
    message = f"{name} is not available"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(message)


# Each role bound to an organization, and the type of organization the world binds it to.
ROLE_ORGANIZATION = {
    Role.EMPLOYER_REP: OrganizationType.EMPLOYER,
    Role.CASE_MANAGER: OrganizationType.COMMUNITY_ORG,
    Role.PROVIDER_STAFF: OrganizationType.COLLEGE,
    Role.FUNDER: OrganizationType.PHILANTHROPY,
}


@dataclass
class TenantSide:
    """One tenant of the world, with a handle on each row the tests need."""

    marker: str
    convener: Convener
    users: dict[str, User]
    memberships: dict[str, Membership]
    orgs: dict[str, Organization]
    partnerships: list[Partnership]
    invitation: Invitation
    invitation_token: str
    audit_events: list[AuditEvent] = field(default_factory=list)

    @property
    def admin(self) -> User:
        return self.users[Role.CONVENER_ADMIN]

    @property
    def granted_partnership(self) -> Partnership:
        """The partnership the funder may see."""
        return self.partnerships[0]

    @property
    def other_partnership(self) -> Partnership:
        """The partnership the funder may not see."""
        return self.partnerships[1]

    def rows(self, model: type[TenantOwnedModel]) -> list[TenantOwnedModel]:
        return list(model.unscoped.filter(convener=self.convener).order_by("pk"))  # type: ignore[attr-defined]

    def all_rows(self) -> list[TenantOwnedModel]:
        return [row for model in tenant_owned_models() for row in self.rows(model)]

    def primary(self, model: type[TenantOwnedModel]) -> TenantOwnedModel:
        """The row a route's object kwarg points at: a well-known one where the world has it."""
        preferred: dict[type, TenantOwnedModel] = {
            Organization: self.orgs[OrganizationType.EMPLOYER],
            Partnership: self.granted_partnership,
            Membership: self.memberships[Role.EMPLOYER_REP],
            Invitation: self.invitation,
        }
        if model in preferred:
            return preferred[model]
        rows = self.rows(model)
        if not rows:
            raise LookupError(
                f"The world has no {model._meta.label} row for {self.convener}: "
                f"add one in tests/conftest.py (build_tenant) through tests/factories.py."
            )
        return rows[0]


@dataclass
class World:
    a: TenantSide
    b: TenantSide
    stranger: User

    def sides(self) -> tuple[TenantSide, TenantSide]:
        return self.a, self.b


ORG_NAMES = {
    OrganizationType.EMPLOYER: "{m} Regional Hospital",
    OrganizationType.COMMUNITY_ORG: "{m} Goodwill Industries",
    OrganizationType.COLLEGE: "{m} Community College",
    OrganizationType.PHILANTHROPY: "{m} Community Foundation",
}


def build_tenant(*, name: str, slug: str) -> TenantSide:
    marker = name.split()[0]
    domain = f"{slug}.example"
    convener = ConvenerFactory(name=name, slug=slug, region=f"{marker} County")
    users = {
        role: UserFactory(email=f"{role.replace('_', '.')}@{domain}", full_name=f"{marker} {role.label}")
        for role in Role
    }
    admin = users[Role.CONVENER_ADMIN]
    orgs = {
        org_type: OrganizationFactory(convener=convener, org_type=org_type, name=pattern.format(m=marker), actor=admin)
        for org_type, pattern in ORG_NAMES.items()
    }
    partnerships = [
        PartnershipFactory(convener=convener, name=f"{marker} Healthcare Partnership", actor=admin),
        PartnershipFactory(convener=convener, name=f"{marker} Advanced Manufacturing Partnership",
                           industry_label="Advanced Manufacturing", actor=admin),
    ]
    memberships = {}
    for role in Role:
        org_type = ROLE_ORGANIZATION.get(role)
        memberships[role] = MembershipFactory(
            convener=convener, user=users[role], role=role,
            organization=orgs[org_type] if org_type else None,
            partnerships=[partnerships[0]] if role == Role.FUNDER else None,
        )
    invitation, token = invite(
        convener=convener, actor=admin, email=f"new.hire@{domain}", role=Role.EMPLOYER_REP,
        organization=orgs[OrganizationType.EMPLOYER],
    )
    # The services above audited their writes; add a membership change as the people page would.
    AuditEventFactory(convener=convener, actor=admin, action="membership.update",
                      target=memberships[Role.EMPLOYER_REP])
    return TenantSide(
        marker=marker, convener=convener, users=users, memberships=memberships, orgs=orgs,
        partnerships=partnerships, invitation=invitation, invitation_token=token,
        audit_events=list(AuditEvent.unscoped.filter(convener=convener).order_by("pk")),
    )


@pytest.fixture
def world(db: None) -> World:
    return World(
        a=build_tenant(name="Alpha Workforce Board", slug="alpha"),
        b=build_tenant(name="Beta Sector Partners", slug="beta"),
        stranger=UserFactory(email="stranger@nowhere.example", full_name="Sam Stranger"),
    )


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A Django test client signed in as ``user`` (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Callable[[User | None], APIClient]:
    """A DRF test client authenticated as ``user`` (anonymous for None)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make

"""How the fail-closed manager decides that a query is scoped (partnerships/tenancy.py)."""

from __future__ import annotations

import pytest
from django.db.models import Q

from partnerships.models import Invitation, Membership, Organization, Partnership
from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantScopeError


def test_filtering_by_a_row_of_one_tenant_scopes_the_query_to_that_tenant(world):
    employer = world.a.orgs[OrganizationType.EMPLOYER]
    assert list(Membership.objects.filter(organization=employer)) == [world.a.memberships[Role.EMPLOYER_REP]]
    assert Membership.objects.filter(organization=employer).is_scoped


def test_filtering_by_the_convener_scopes_the_query(world):
    assert set(Partnership.objects.filter(convener=world.b.convener)) == set(world.b.partnerships)
    assert set(Partnership.objects.filter(convener_id=world.b.convener.pk)) == set(world.b.partnerships)


def test_related_managers_of_a_tenant_row_are_scoped(world):
    funder = world.a.memberships[Role.FUNDER]
    assert list(funder.partnerships.all()) == [world.a.granted_partnership]
    assert list(world.a.granted_partnership.funder_memberships.all()) == [funder]
    assert list(world.a.orgs[OrganizationType.EMPLOYER].memberships.all()) == [world.a.memberships[Role.EMPLOYER_REP]]


def test_prefetching_through_a_scoped_query_works(world):
    scoped = Membership.objects.for_convener(world.a.convener)
    memberships = list(scoped.prefetch_related("partnerships", "organization"))
    funder = next(m for m in memberships if m.role == Role.FUNDER)
    assert list(funder.partnerships.all()) == [world.a.granted_partnership]


def test_rows_of_two_tenants_in_one_filter_do_not_scope_the_query(world):
    both = [world.a.orgs[OrganizationType.EMPLOYER], world.b.orgs[OrganizationType.EMPLOYER]]
    with pytest.raises(TenantScopeError):
        list(Membership.objects.filter(organization__in=both))


@pytest.mark.parametrize("build", [
    lambda w: Organization.objects.filter(name__startswith="Alpha"),
    lambda w: Organization.objects.filter(convener__slug="alpha"),
    lambda w: Organization.objects.exclude(convener=w.b.convener),
    lambda w: Organization.objects.filter(Q(convener=w.a.convener) | Q(convener=w.b.convener)),
    lambda w: Invitation.objects.filter(email=w.a.invitation.email),
    lambda w: Organization.objects.order_by("name").select_related("convener"),
], ids=["by-name", "by-convener-slug", "exclude", "q-objects", "by-email", "ordered"])
def test_filters_that_do_not_name_one_tenant_still_fail_closed(world, build):
    with pytest.raises(TenantScopeError):
        list(build(world))


def test_a_query_scoped_to_one_tenant_cannot_be_widened_by_a_later_filter(world):
    scoped = Organization.objects.for_convener(world.b.convener).filter(pk=world.a.orgs[OrganizationType.EMPLOYER].pk)
    assert not scoped.exists()
    assert not Organization.objects.for_convener(world.b.convener).filter(
        memberships=world.a.memberships[Role.EMPLOYER_REP]).exists()


def test_scoping_needs_a_saved_convener(world):
    from partnerships.models import Convener

    with pytest.raises(TenantScopeError):
        Organization.objects.for_convener(Convener(name="Unsaved", slug="unsaved"))


def test_the_unscoped_manager_is_the_named_bypass(world):
    assert Organization.unscoped.filter(name__startswith="Alpha").count() == len(world.a.orgs)

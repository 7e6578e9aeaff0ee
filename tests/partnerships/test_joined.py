"""partnerships.selectors.joined.with_related: a short related list read with its rows in one LEFT JOIN, answering
``.all()`` from memory as a prefetch does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from partnerships.models import Organization, Representative
from partnerships.roles import OrganizationType
from partnerships.selectors.joined import with_related
from tests.factories import ConvenerFactory, OrganizationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_related_rows_in_one_query_filtered_and_ordered() -> None:
    convener: Any = ConvenerFactory()
    other: Any = ConvenerFactory()
    alone = OrganizationFactory(convener=convener, name="B Alone Works", org_type=OrganizationType.EMPLOYER)
    busy = OrganizationFactory(convener=convener, name="A Busy Clinic", org_type=OrganizationType.EMPLOYER)
    OrganizationFactory(convener=convener, name="C College", org_type=OrganizationType.COLLEGE)
    OrganizationFactory(convener=other, name="A Other Tenant", org_type=OrganizationType.EMPLOYER)
    zed = RepresentativeFactory(organization=busy, full_name="Zed Lee")
    amy = RepresentativeFactory(organization=busy, full_name="Amy Day")
    gone = RepresentativeFactory(organization=busy, full_name="Bo Gone")
    Representative.objects.for_convener(convener).filter(pk=gone.pk).update(is_active=False)

    with CaptureQueriesContext(connection) as captured:
        rows = with_related(
            Organization.objects.for_convener(convener).filter(org_type=OrganizationType.EMPLOYER).order_by("name"),
            "representatives", related_filter=Q(representatives__is_active=True), related_order=["full_name"])
        found = [(o.name, [r.full_name for r in o.representatives.all()]) for o in rows]
        ids = [[r.pk for r in o.representatives.all()] for o in rows]

    assert len(captured) == 1
    assert found == [("A Busy Clinic", ["Amy Day", "Zed Lee"]), ("B Alone Works", [])]
    assert ids == [[amy.pk, zed.pk], []]
    assert rows[1].pk == alone.pk and rows[1]._state.adding is False  # real rows: saving them updates
    assert all(r.organization_id == busy.pk for r in rows[0].representatives.all())


def test_an_unscoped_queryset_still_fails_closed() -> None:
    from partnerships.tenancy import TenantScopeError

    with pytest.raises(TenantScopeError):
        with_related(Organization.objects.all(), "representatives")

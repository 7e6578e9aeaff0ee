"""partnerships.pagination: large counts remembered per query, deferred-join pages identical to plain ones."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from partnerships import pagination
from partnerships.models import Organization
from partnerships.pagination import CountCachingPaginator, DeferredJoinPaginator
from tests.conftest import clear_cache
from tests.factories import ConvenerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "LARGE_COUNT", 3)
    clear_cache()


def test_a_small_count_is_exact_on_every_request() -> None:
    convener = ConvenerFactory()
    OrganizationFactory.create_batch(2, convener=convener)
    rows = Organization.objects.for_convener(convener)
    assert CountCachingPaginator(rows, 10).count == 2
    OrganizationFactory(convener=convener)
    assert CountCachingPaginator(Organization.objects.for_convener(convener), 10).count == 3


def test_a_large_count_is_remembered_for_that_query_only() -> None:
    a, b = ConvenerFactory(), ConvenerFactory()
    OrganizationFactory.create_batch(3, convener=a)
    OrganizationFactory.create_batch(4, convener=b)
    assert CountCachingPaginator(Organization.objects.for_convener(a), 10).count == 3
    OrganizationFactory(convener=a)
    # The same query within the minute: the remembered count; the rows themselves are always read fresh.
    page = CountCachingPaginator(Organization.objects.for_convener(a), 10).page(1)
    assert page.paginator.count == 3 and len(page.object_list) == 4
    # Another workspace, or another filter, is another query with its own count.
    assert CountCachingPaginator(Organization.objects.for_convener(b), 10).count == 4
    assert CountCachingPaginator(Organization.objects.for_convener(a).filter(name__startswith="~"), 10).count == 0
    clear_cache()
    assert CountCachingPaginator(Organization.objects.for_convener(a), 10).count == 4


def test_deferred_join_pages_hold_the_same_rows_in_the_same_order_as_offset_pages() -> None:
    convener = ConvenerFactory()
    OrganizationFactory.create_batch(7, convener=convener)
    rows = Organization.objects.for_convener(convener).order_by("name", "pk")
    for number in (1, 2, 3):
        plain = [o.pk for o in Paginator(rows, 3).page(number)]
        deferred = [o.pk for o in DeferredJoinPaginator(rows, 3).page(number)]
        assert deferred == plain
    assert DeferredJoinPaginator(rows, 3).num_pages == 3


def test_a_filter_that_can_match_nothing_counts_zero_without_a_query(django_assert_num_queries: object) -> None:
    convener = ConvenerFactory()
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert CountCachingPaginator(Organization.objects.for_convener(convener).filter(pk__in=[]), 10).count == 0

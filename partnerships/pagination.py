"""Pagination that stays fast on large tables and deep pages (bench/suite.py measures both).

Counts: ``COUNT(*)`` over a million rows costs 30 to 70 ms on every page of a list, whichever page. Below
``LARGE_COUNT`` rows a count is exact on every request (so every list a test or a small workspace sees is exact);
at or above it, the count of exactly that query (its SQL and parameters, so one workspace, one role's visibility
and one set of filters) is remembered in the cache for ``COUNT_TTL_SECONDS``: "of 1,000,412" may lag a minute
behind, the rows themselves never do.

``OFFSET 10000`` makes PostgreSQL fetch and throw away 10,000 whole rows, with every join and annotation of the
page computed for each. ``DeferredJoinPaginator`` pages over the primary keys alone (an index-only scan when an
index covers the filter and the order, e.g. ``participant_caseload_order``) and then fetches just that page's rows
with everything they need, in the same single statement: ``WHERE id IN (SELECT id ... ORDER BY ... LIMIT n OFFSET
m)``. The query count of a page does not change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

LARGE_COUNT = 10_000
COUNT_TTL_SECONDS = 60


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()``, remembered for a minute when it is LARGE_COUNT or more (see the module docstring)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``): Django would not query either
        return 0
    key = "pagination-count:" + hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    remembered = cache.get(key)
    if remembered is not None:
        return int(remembered)
    counted = queryset.count()
    if counted >= LARGE_COUNT:
        cache.set(key, counted, COUNT_TTL_SECONDS)
    return counted


class CountCachingPaginator(Paginator):
    """Django's Paginator with ``cached_count`` for querysets."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return len(self.object_list)

    def bounds(self, number: Any) -> tuple[int, int, int]:
        """The page number and its slice. As Django's, except that a last page whose count may be a remembered
        one (LARGE_COUNT or more) is not cut at it: rows added within the minute still show."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = top + self.orphans if self.count >= LARGE_COUNT else self.count
        return number, bottom, top

    def page(self, number: Any) -> Page:
        number, bottom, top = self.bounds(number)
        return self._get_page(self.object_list[bottom:top], number, self)  # type: ignore[attr-defined]


class PortalPageNumberPagination(PageNumberPagination):
    """The API's pagination (settings.REST_FRAMEWORK): page numbers, with large counts remembered a minute."""

    django_paginator_class = CountCachingPaginator


class DeferredJoinPaginator(CountCachingPaginator):
    """A Paginator over a QuerySet whose pages are chosen by primary key first (see the module docstring)."""

    def page(self, number: Any) -> Page:
        number, bottom, top = self.bounds(number)
        queryset: QuerySet = self.object_list  # type: ignore[assignment]
        keys = queryset.values("pk")[bottom:top]  # the same filters and order, no joins or annotations selected
        return self._get_page(queryset.filter(pk__in=keys), number, self)  # type: ignore[attr-defined]

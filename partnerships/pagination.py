"""Pagination that stays fast on deep pages of large tables (bench/suite.py measures page 200 of a caseload).

``OFFSET 10000`` makes PostgreSQL fetch and throw away 10,000 whole rows, with every join and annotation of the
page computed for each. ``DeferredJoinPaginator`` pages over the primary keys alone (an index-only scan when an
index covers the filter and the order, e.g. ``participant_caseload_order``) and then fetches just that page's rows
with everything they need, in the same single statement: ``WHERE id IN (SELECT id ... ORDER BY ... LIMIT n OFFSET
m)``. The query count of a page does not change.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    """A Paginator over a QuerySet whose pages are chosen by primary key first (see the module docstring)."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: QuerySet = self.object_list  # type: ignore[assignment]
        keys = queryset.values("pk")[bottom:top]  # the same filters and order, no joins or annotations selected
        return self._get_page(queryset.filter(pk__in=keys), number, self)

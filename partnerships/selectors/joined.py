"""A prefetch in the same query: a short related list read with its rows through one LEFT JOIN.

``prefetch_related`` reads each related list with a second query. For a list of a few rows per parent on a page
that is already near its query budget (a council's candidate organizations and their people, a program's
requirements and the employers that ask for them), one LEFT JOIN that repeats the parent's columns per related
row costs less than the second round trip. The result behaves as a prefetch does: ``parent.<relation>.all()``
answers from memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import FilteredRelation, Model, Q, QuerySet

M = TypeVar("M", bound=Model)
_JOINED = "_joined"


def with_related(queryset: QuerySet[M], relation: str, *, related_filter: Q | None = None,
                 related_order: Sequence[str] = ()) -> list[M]:
    """The rows of ``queryset`` (in its order), each with ``relation`` (a many-to-many field or a reverse foreign
    key, named by its accessor) filled from the same query. ``related_filter`` narrows the related rows (its lookups
    start at the relation, e.g. ``Q(representatives__is_active=True)``); ``related_order`` orders them within a
    parent (field names of the related model). Annotations of ``queryset`` are not kept."""
    model = queryset.model
    related_model: Any = model._meta.get_field(relation).related_model
    parent_names = [f.attname for f in model._meta.concrete_fields]
    child_names = [f.attname for f in related_model._meta.concrete_fields]
    qs: QuerySet[Any] = queryset.annotate(**{_JOINED: FilteredRelation(relation, condition=related_filter or Q())})
    order = [*(queryset.query.order_by or model._meta.ordering or ["pk"]), "pk",
             *(f"{_JOINED}__{name}" for name in related_order)]
    rows = qs.order_by(*order).values_list(*parent_names, *(f"{_JOINED}__{n}" for n in child_names))
    db = queryset.db
    parents: dict[Any, M] = {}
    children: dict[Any, list[Model]] = {}
    pk_index = parent_names.index(model._meta.pk.attname)
    child_pk_index = child_names.index(related_model._meta.pk.attname)
    for row in rows:
        key = row[pk_index]
        if key not in parents:
            parents[key] = model.from_db(db, parent_names, row[:len(parent_names)])
            children[key] = []
        child = row[len(parent_names):]
        if child[child_pk_index] is not None:  # a parent with no related row: one row of NULLs
            children[key].append(related_model.from_db(db, child_names, child))
    for key, parent in parents.items():
        prefetched(parent, relation, children[key])
    return list(parents.values())


def prefetched(parent: Model, relation: str, rows: list[Any]) -> None:
    """Give ``parent.<relation>`` the ``rows`` already read, as ``prefetch_related`` leaves it: ``.all()`` then
    answers from memory."""
    related = getattr(parent, relation).get_queryset()  # lazy: never evaluated, only given its rows
    related._result_cache = rows
    related._prefetch_done = True
    cache = getattr(parent, "_prefetched_objects_cache", None)
    if cache is None:
        cache = parent._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache[relation] = related

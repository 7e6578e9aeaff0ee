"""Tenancy: the fail-closed manager and the abstract base every tenant-owned model inherits.

The rule: a tenant-owned queryset may only be *evaluated* once it is scoped to a convener. Scoping
happens through ``.for_convener(convener)`` or, for related managers and prefetches, by filtering on a
tenant-owned parent instance (``partnership.councils.all()``), which pins the parent's convener too.
Evaluating an unscoped queryset raises ``TenantScopeError``. The bypass is the separately named
``unscoped`` manager, used only by the admin, migrations and explicitly cross-tenant jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from partnerships.models import Convener


class TenantScopeError(RuntimeError):
    """A tenant-owned queryset was evaluated without being scoped to a convener."""


def _convener_id_of(value: Any) -> int | None:
    """The convener id pinned by a filter value, if the value is a convener or a tenant-owned row."""
    from partnerships.models import Convener

    if isinstance(value, Convener):
        return value.pk
    if isinstance(value, TenantOwnedModel):
        return value.convener_id
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        ids = {_convener_id_of(v) for v in value}
        if len(ids) == 1:
            return ids.pop()
    return None


class TenantQuerySet(models.QuerySet):
    """A queryset that refuses to run until it knows its convener."""

    _convener_id: int | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]  # private in django-stubs
        clone._convener_id = self._convener_id
        return clone

    def for_convener(self, convener: Convener | int) -> Self:
        convener_id = convener if isinstance(convener, int) else convener.pk
        if convener_id is None:
            raise TenantScopeError("for_convener() needs a saved convener")
        qs = super().filter(convener_id=convener_id)
        qs._convener_id = convener_id
        return qs

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        qs = super().filter(*args, **kwargs)
        if qs._convener_id is None:
            pinned = self._pinned_convener(kwargs)
            if pinned is not None:
                qs = qs.for_convener(pinned)
        return qs

    def _pinned_convener(self, kwargs: dict[str, Any]) -> int | None:
        for key, value in kwargs.items():
            if key in ("convener", "convener_id", "convener__pk", "convener__id"):
                return value if isinstance(value, int) else _convener_id_of(value)
            if key.endswith("__in") and isinstance(value, Iterable) and not isinstance(value, (str, models.QuerySet)):
                pinned = _convener_id_of(list(value))
            else:
                pinned = _convener_id_of(value)
            if pinned is not None:
                return pinned
        return None

    @property
    def is_scoped(self) -> bool:
        return self._convener_id is not None

    def _require_scope(self) -> None:
        if self._convener_id is None:
            raise TenantScopeError(
                f"{self.model.__name__} query evaluated without .for_convener(); "
                f"use {self.model.__name__}.unscoped only in admin, migrations or cross-tenant jobs."
            )

    # Every path that reaches the database goes through one of these.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)

    def in_bulk(self, *args: Any, **kwargs: Any) -> Any:
        self._require_scope()
        return super().in_bulk(*args, **kwargs)

    def contains(self, obj: models.Model) -> bool:
        self._require_scope()
        return super().contains(obj)

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._require_scope()
        return super().explain(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """Default manager of tenant-owned models: fails closed.

    Django builds related managers (``partnership.memberships``, ``membership.partnerships``) and their
    prefetches as subclasses of this class with ``self.instance`` set; those are pinned to the instance's
    convener. A prefetch across rows of several tenants therefore only finds the first tenant's related
    rows: it fails closed rather than leaking.
    """

    def get_queryset(self) -> TenantQuerySet:
        qs = super().get_queryset()
        instance = getattr(self, "instance", None)
        if instance is not None:
            pinned = _convener_id_of(instance)
            if pinned is not None:
                qs = qs.for_convener(pinned)
        return qs


class TenantOwnedModel(models.Model):
    """Base for every row that belongs to one convener (tenant)."""

    convener = models.ForeignKey(
        "partnerships.Convener", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    # Declaration order matters: the first manager is the default one, and it must fail closed.
    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012 (a manager, though ruff takes it for a field)

    class Meta:
        abstract = True
        # No base_manager_name: Django's base manager stays the plain Manager, so FK access and
        # deletion cascades (which start from a row that already proved its tenant) still work.

    def same_tenant(self, other: TenantOwnedModel | None) -> bool:
        return other is None or other.convener_id == self.convener_id

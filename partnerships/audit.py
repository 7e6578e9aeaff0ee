"""Audit trail: one function that every service calls when something is done or viewed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

from partnerships.models import AuditEvent

if TYPE_CHECKING:
    from partnerships.models import Convener, User


def audit_record(
    *,
    convener: Convener,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    source: str = "app",
    ip_address: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditEvent:
    fields = {
        "convener_id": convener.pk,
        "actor_id": actor.pk if actor is not None and actor.pk else None,
        "actor_email": getattr(actor, "email", "") or "",
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "target_label": str(target)[:200] if target is not None else "",
        "source": source,
        "ip_address": ip_address,
        "metadata": metadata or {},
    }
    captured = _captured.get()
    if captured is not None:
        captured.append(fields)
    return AuditEvent.objects.create(**fields)


# A page kept by partnerships.page_cache is served again without running its view: what the view audited when it
# rendered (a view of a participant's record) is captured with the stored page and recorded again on each serving.
_captured: ContextVar[list[dict[str, Any]] | None] = ContextVar("audit_captured", default=None)


@contextmanager
def capture() -> Iterator[list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    token = _captured.set(events)
    try:
        yield events
    finally:
        _captured.reset(token)


def audit_replay(fields: dict[str, Any]) -> AuditEvent:
    """Record again an event captured when a stored page was rendered; now is when it happened."""
    return AuditEvent.objects.create(**fields)

"""Audit trail: one function that every service calls when something is done or viewed."""

from __future__ import annotations

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
    return AuditEvent.objects.create(
        convener=convener,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        source=source,
        ip_address=ip_address,
        metadata=metadata or {},
    )

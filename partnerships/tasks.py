"""Celery entry points of the tenant core. Tasks take ids and JSON, and call selectors or services."""

from celery import shared_task

from partnerships import rls, selectors
from partnerships.models import Convener


@shared_task(name="partnerships.tenant_summary")
def tenant_summary(convener_id: int) -> dict[str, int]:
    """Headline counts of one convener: used by health checks and to prove a worker reaches the database."""
    convener = Convener.objects.get(pk=convener_id)
    return selectors.tenant_counts(convener=convener)


@shared_task(name="partnerships.engagement_refresh_council")
def engagement_refresh_council(convener_id: int, council_id: int) -> int:
    """Recompute stored engagement for one council (queued after attendance changes)."""
    from partnerships.models import Council
    from partnerships.services import engagement_refresh

    convener = Convener.objects.get(pk=convener_id)
    council = Council.objects.for_convener(convener).filter(pk=council_id).first()
    if council is None:  # deleted since the trigger: a stale trigger is skipped
        return 0
    return len(engagement_refresh(convener=convener, council=council))


@shared_task(name="partnerships.engagement_refresh_all")
def engagement_refresh_all() -> int:
    """Nightly: recompute every council's engagement, so "no activity for 120 days" flags appear on time.
    Cross-tenant by design: it walks each convener and scopes every query to it."""
    from partnerships.models import Council

    total = 0
    for convener in rls.each_convener(Convener.objects.filter(is_active=True)):
        for council_id in Council.objects.for_convener(convener).values_list("pk", flat=True):
            total += engagement_refresh_council(convener.pk, council_id)
    return total


@shared_task(name="partnerships.meeting_reminders_send")
def meeting_reminders_send(now: str | None = None) -> dict[str, int]:
    """Every 15 minutes: remind council members of meetings starting within MEETING_REMINDER_HOURS.
    ``now`` (ISO 8601, with its offset) replays a run for a given moment; beat passes nothing."""
    from datetime import datetime

    from django.utils import timezone

    from partnerships.services.notifications import meeting_reminders_send as send

    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        raise ValueError(f"now={now!r} has no UTC offset; pass e.g. 2026-03-10T08:00:00-05:00")
    return send(now=moment)


@shared_task(name="partnerships.action_items_overdue_digest")
def action_items_overdue_digest(today: str | None = None) -> dict[str, int]:
    """Daily at 07:00: each owner's overdue action items, and a summary to convener admins and staff.
    ``today`` (YYYY-MM-DD) replays a given day; beat passes nothing."""
    from datetime import date

    from partnerships.services.notifications import action_items_overdue_digest as digest

    return digest(today=date.fromisoformat(today) if today else None)

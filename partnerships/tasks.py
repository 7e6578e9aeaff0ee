"""Celery entry points of the tenant core. Tasks take ids and JSON, and call selectors or services."""

from celery import shared_task

from partnerships import selectors
from partnerships.models import Convener


@shared_task(name="partnerships.tenant_summary")
def tenant_summary(convener_id: int) -> dict[str, int]:
    """Headline counts of one convener: used by health checks and to prove a worker reaches the database."""
    convener = Convener.objects.get(pk=convener_id)
    return selectors.tenant_counts(convener=convener)

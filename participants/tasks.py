"""Celery entry points for participants. Tasks take ids; the work is in services, imports and notifications."""

from celery import shared_task
from django.utils import timezone

from participants.models import ImportJob
from partnerships import rls
from partnerships.models import Convener


@shared_task(name="participants.import_run", acks_late=True, reject_on_worker_lost=True)
def import_run(convener_id: int, job_id: int) -> str:
    """A bulk import. All or nothing in one transaction, so a worker lost mid-way leaves nothing written and
    the redelivered task starts again; a finished job is not run twice."""
    from participants.imports import import_execute

    convener = Convener.objects.get(pk=convener_id)
    job = ImportJob.objects.for_convener(convener).filter(pk=job_id).first()
    if job is None:
        return "missing"
    with rls.tenant_context(convener, user_id=job.created_by_id):  # the audit triggers name who uploaded the file
        return import_execute(convener=convener, job=job).status


@shared_task(name="participants.retention_reminders_send")
def retention_reminders_send() -> int:
    """Daily (beat, 07:30): remind case managers of retention checks that are due."""
    from participants.notifications import retention_reminders_send as send

    return send(today=timezone.localdate())


@shared_task(name="participants.exits_derive_all")
def exits_derive_all() -> int:
    """Nightly (beat, 01:30): the 90-day exit rule over every open funding-stream enrollment, per convener
    (cross-tenant by design, every query scoped to the convener it is working on)."""
    from participants.services import exits_derive

    today = timezone.localdate()
    conveners = rls.each_convener(Convener.objects.filter(is_active=True))
    return sum(exits_derive(convener=c, today=today) for c in conveners)

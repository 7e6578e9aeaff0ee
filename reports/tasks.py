"""Celery entry points for outcome reports. Tasks take ids; the work is in reports/services.py."""

from celery import shared_task

from partnerships.models import Convener
from reports.models import ReportRun


@shared_task(name="reports.report_run", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3,
             default_retry_delay=30)
def report_run(self, convener_id: int, run_id: int) -> int | None:  # type: ignore[no-untyped-def]
    """Compute one run. Late acknowledgement: a worker lost mid-run leaves the message on the queue, and the
    next delivery computes the run again (the snapshot is written once, in the final transaction)."""
    from reports.services import report_run_execute

    convener = Convener.objects.get(pk=convener_id)
    run = ReportRun.objects.for_convener(convener).filter(pk=run_id).first()
    if run is None:
        return None
    snapshot = report_run_execute(convener=convener, run=run)
    return snapshot.pk if snapshot is not None else None


@shared_task(name="reports.schedule_monthly")
def schedule_monthly() -> int:
    """Beat, monthly: program year to date and since the start, for every active partnership."""
    from reports.services import reports_schedule

    return reports_schedule(cadence="monthly")


@shared_task(name="reports.schedule_quarterly")
def schedule_quarterly() -> int:
    """Beat, after each quarter closes: that quarter's report for every active partnership."""
    from reports.services import reports_schedule

    return reports_schedule(cadence="quarterly")

"""Celery entry points for employer demand. Tasks take ids; the work is in services and aggregation."""

from celery import shared_task

from employers.aggregation import demand_run_execute
from employers.models import DemandRun
from partnerships import rls
from partnerships.models import Convener, Partnership


@shared_task(name="employers.demand_aggregate", bind=True, max_retries=20, default_retry_delay=15)
def demand_aggregate(self, convener_id: int, run_id: int) -> int | None:  # type: ignore[no-untyped-def]
    convener = Convener.objects.get(pk=convener_id)
    run = DemandRun.objects.for_convener(convener).filter(pk=run_id).first()
    if run is None:
        return None
    snapshot = demand_run_execute(convener=convener, run=run)
    run.refresh_from_db()
    if snapshot is None and run.status == DemandRun.Status.QUEUED:
        # Another run of this partnership is under way: try again shortly (one at a time per partnership).
        raise self.retry()
    return snapshot.version if snapshot else None


@shared_task(name="employers.demand_aggregate_all")
def demand_aggregate_all() -> int:
    """Nightly: aggregate every active partnership, one pass per convener (cross-tenant by design, each
    query scoped to the convener it is working on)."""
    from employers.aggregation import demand_runs_execute_batch

    done = 0
    for convener in rls.each_convener(Convener.objects.filter(is_active=True)):
        partnerships = list(
            Partnership.objects.for_convener(convener).exclude(status=Partnership.Status.CLOSED)
            .select_related("labor_market_area")
        )
        done += len(demand_runs_execute_batch(convener=convener, partnerships=partnerships))
    return done


@shared_task(name="employers.survey_reminders_send")
def survey_reminders_send() -> dict[str, int]:
    """Daily (beat, 08:00): remind invited employers that have not answered an open demand survey."""
    from django.utils import timezone

    from employers.notifications import survey_reminders_send as send

    return send(today=timezone.localdate())

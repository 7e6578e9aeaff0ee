"""Writes of the reports app: asking for a report run, and executing it into a snapshot (once, idempotently).

A run is executed by the Celery task ``reports.report_run`` (acks_late, reject_on_worker_lost). Nothing is
written until the figures are complete: the snapshot and the run's final status are written in ONE transaction
that first locks the run row, so a worker killed mid-run leaves the run queued or running with no snapshot, and
the redelivered task computes it again. A run whose figures equal the latest snapshot of the same inputs points
at that snapshot instead of storing a copy: running twice gives one result.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import Convener, Membership, Partnership, User
from partnerships.roles import Role
from programs.models import Cohort, FundingStream, Program
from reports import periods
from reports.engine import ReportInputs, compute_figures, figures_hash
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope

logger = logging.getLogger(__name__)

# A run left "running" this long ago by a worker that vanished is taken over by the next delivery.
STALE_RUN_SECONDS = 30 * 60


def _scope_object(*, convener: Convener, scope: str, scope_id: int | None) -> Any:
    model = {Scope.PARTNERSHIP: Partnership, Scope.PROGRAM: Program, Scope.COHORT: Cohort}.get(Scope(scope))
    if model is not None:
        obj = model.objects.for_convener(convener).filter(pk=scope_id).first() if scope_id else None
        if obj is None:
            raise ValidationError({"scope_id": [f"Choose a {Scope(scope).label.lower()} of this workspace."]})
        return obj
    if scope == Scope.STREAM:
        stream = FundingStream.objects.filter(pk=scope_id).first() if scope_id else None
        if stream is None:
            raise ValidationError({"scope_id": ["Choose a funding stream."]})
        return stream
    return None


def resolve_period(*, period_kind: str, period_start: date | None = None, period_end: date | None = None,
                   program_year: int | None = None, year: int | None = None, quarter: int | None = None,
                   today: date, started: date | None = None) -> tuple[date, date]:
    """The dates of a period: a program year, a calendar quarter, since the start, or custom dates."""
    errors: dict[str, list[str]] = {}
    if period_kind == PeriodKind.PROGRAM_YEAR:
        start, end = periods.program_year_bounds(program_year or periods.program_year_of(today))
    elif period_kind == PeriodKind.QUARTER:
        y, q = (year, quarter) if year and quarter else periods.last_complete_quarter(today)
        if not 1 <= int(q) <= 4:
            errors["quarter"] = ["A quarter is 1 to 4."]
            raise ValidationError(errors)
        start, end = periods.quarter_bounds(int(y), int(q))
    elif period_kind == PeriodKind.SINCE_START:
        start, end = started or date(2000, 1, 1), today
    elif period_kind == PeriodKind.CUMULATIVE:
        start = started or date(2000, 1, 1)
        end = periods.program_year_bounds(periods.program_year_of(today) - 1)[1]
    elif period_kind == PeriodKind.CUSTOM:
        if period_start is None:
            errors["period_start"] = ["Give the first day of the period."]
        if period_end is None:
            errors["period_end"] = ["Give the last day of the period."]
        if errors:
            raise ValidationError(errors)
        assert period_start is not None and period_end is not None  # noqa: S101 (narrowed above)
        start, end = period_start, period_end
    else:
        raise ValidationError({"period_kind": [f"Unknown period {period_kind!r}."]})
    if end < start:
        raise ValidationError({"period_end": ["The period ends before it starts."]})
    if (end - start).days > 366 * 30:
        raise ValidationError({"period_start": ["A period can cover 30 years at most."]})
    return start, end


def report_run_request(
    *, convener: Convener, actor: User | None, scope: str, scope_id: int | str | None = None,
    membership: Membership | None = None,
    period_kind: str = PeriodKind.PROGRAM_YEAR, period_start: date | None = None, period_end: date | None = None,
    program_year: int | None = None, year: int | None = None, quarter: int | None = None,
    hire_window_days: int = 90, as_of: date | None = None, trigger: str = ReportRun.Trigger.PAGE,
    notify: bool = False, enqueue: bool = True,
) -> ReportRun:
    """Queue a report. The same inputs already queued or running share that run (no duplicate work).

    ``membership`` is the caller's (None for the schedule): a funder may only ask for the partnership reports
    of the partnerships granted to them."""
    if scope not in Scope.values:
        raise ValidationError({"scope": [f"Choose one of: {', '.join(Scope.values)}."]})
    try:
        scope_id = int(scope_id) if scope_id is not None and scope_id != "" else None
    except (TypeError, ValueError):
        raise ValidationError({"scope_id": ["Give the id of what the report is about."]}) from None
    if membership is not None and membership.role == Role.FUNDER:
        granted = set(membership.partnerships.values_list("pk", flat=True))
        if scope != Scope.PARTNERSHIP or scope_id not in granted:
            raise ValidationError({"scope_id": ["Choose a partnership your organization funds."]})
    if not 1 <= int(hire_window_days) <= 730:
        raise ValidationError({"hire_window_days": ["The hiring window is 1 to 730 days."]})
    obj = _scope_object(convener=convener, scope=scope, scope_id=scope_id)
    today = as_of or timezone.localdate()
    started = getattr(obj, "start_date", None) if scope in (Scope.PARTNERSHIP, Scope.COHORT) else None
    start, end = resolve_period(period_kind=period_kind, period_start=period_start, period_end=period_end,
                                program_year=program_year, year=year, quarter=quarter, today=today,
                                started=started or _first_enrollment(convener))
    inputs = ReportInputs(scope=scope, scope_id=obj.pk if obj is not None else None, period_start=start,
                          period_end=end, as_of=today, hire_window_days=int(hire_window_days),
                          period_kind=period_kind)
    from reports.tasks import report_run

    with transaction.atomic():
        pending = (ReportRun.objects.for_convener(convener).select_for_update()
                   .filter(inputs_key=inputs.inputs_key, status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING])
                   .first())
        if pending is not None:
            if notify and not pending.notify:
                pending.notify = True
                pending.save(update_fields=["notify"])
            return pending
        run = ReportRun.objects.create(
            convener=convener, requested_by=actor if actor is not None and actor.pk else None, trigger=trigger,
            notify=notify, **_input_fields(obj, inputs))
        audit_record(convener=convener, actor=actor, action="report.request", target=run,
                     metadata={"scope": scope, "period": [str(start), str(end)], "trigger": trigger})
        if enqueue:  # the demo seed and the test world compute at once instead
            transaction.on_commit(lambda: report_run.delay(convener.pk, run.pk))
    return run


def _first_enrollment(convener: Convener) -> date | None:
    from programs.models import CohortEnrollment

    return (CohortEnrollment.objects.for_convener(convener).filter(enrolled_on__isnull=False)
            .aggregate(first=Min("enrolled_on"))["first"])


def _input_fields(obj: Any, inputs: ReportInputs) -> dict[str, Any]:
    return {
        "scope": inputs.scope,
        "partnership": obj if isinstance(obj, Partnership) else None,
        "program": obj if isinstance(obj, Program) else None,
        "cohort": obj if isinstance(obj, Cohort) else None,
        "stream": obj if isinstance(obj, FundingStream) else None,
        "period_kind": inputs.period_kind, "period_start": inputs.period_start, "period_end": inputs.period_end,
        "as_of": inputs.as_of, "hire_window_days": inputs.hire_window_days, "inputs_key": inputs.inputs_key,
        "series_key": inputs.series_key,
    }


def inputs_of(run: ReportRun | ReportSnapshot) -> ReportInputs:
    scope_id = {Scope.PARTNERSHIP: run.partnership_id, Scope.PROGRAM: run.program_id, Scope.COHORT: run.cohort_id,
                Scope.STREAM: run.stream_id}.get(Scope(run.scope))
    return ReportInputs(scope=run.scope, scope_id=scope_id, period_start=run.period_start, period_end=run.period_end,
                        as_of=run.as_of, hire_window_days=run.hire_window_days, period_kind=run.period_kind)


def progress_key(run_id: int) -> str:
    return f"reports:run:{run_id}:progress"


def report_run_execute(*, convener: Convener, run: ReportRun) -> ReportSnapshot | None:
    """Compute the run and store its snapshot, exactly once. Returns None if the run was already finished."""
    run.refresh_from_db()
    if run.status == ReportRun.Status.SUCCEEDED:
        return run.snapshot
    ReportRun.objects.for_convener(convener).filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now(), attempts=run.attempts + 1, progress=1,
        step="Starting")

    def progress(pct: int, step: str) -> None:
        cache.set(progress_key(run.pk), {"progress": pct, "step": step}, 3600)
        ReportRun.objects.for_convener(convener).filter(pk=run.pk, status=ReportRun.Status.RUNNING).update(
            progress=pct, step=step[:80])

    started = time.perf_counter()
    inputs = inputs_of(run)
    try:
        figures = compute_figures(convener=convener, inputs=inputs, progress=progress)
    except Exception as exc:
        ReportRun.objects.for_convener(convener).filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    duration_ms = int((time.perf_counter() - started) * 1000)
    digest = figures_hash(figures)
    with transaction.atomic():
        locked = ReportRun.objects.for_convener(convener).select_for_update().get(pk=run.pk)
        if locked.status == ReportRun.Status.SUCCEEDED and locked.snapshot_id:
            return locked.snapshot  # another delivery finished it first
        snapshot = (ReportSnapshot.objects.for_convener(convener)
                    .filter(inputs_key=inputs.inputs_key, figures_hash=digest).first())
        if snapshot is None:
            version = (ReportSnapshot.objects.for_convener(convener).filter(series_key=inputs.series_key)
                       .aggregate(v=Max("version"))["v"] or 0) + 1
            snapshot = ReportSnapshot.objects.create(
                convener=convener, run=locked, version=version, figures=figures, figures_hash=digest,
                requested_by=locked.requested_by, computed_at=timezone.now(), duration_ms=duration_ms,
                enrolled=int((figures.get("overall") or {}).get("enrolled") or 0),
                **_input_fields(_scope_object(convener=convener, scope=inputs.scope, scope_id=inputs.scope_id),
                                inputs))
        locked.status = ReportRun.Status.SUCCEEDED
        locked.snapshot = snapshot
        locked.progress = 100
        locked.step = "Ready"
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["status", "snapshot", "progress", "step", "finished_at", "error"])
        if locked.notify and locked.requested_by_id:
            transaction.on_commit(lambda: _notify_ready(convener=convener, run=locked, snapshot=snapshot))
    cache.delete(progress_key(run.pk))
    return snapshot


def _notify_ready(*, convener: Convener, run: ReportRun, snapshot: ReportSnapshot) -> None:
    """Email whoever asked: the report is ready, with a link. Figures and people never go into the email."""
    user = run.requested_by
    if user is None or not user.email:
        return
    link = settings.SITE_URL.rstrip("/") + reverse(
        "reports:snapshot-detail", kwargs={"convener_slug": convener.slug, "reportsnapshot_id": snapshot.pk})
    context = {"convener": convener, "run": run, "snapshot": snapshot, "link": link, "user": user}
    send_mail(
        render_to_string("emails/report_ready_subject.txt", context).strip(),
        render_to_string("emails/report_ready_body.txt", context),
        settings.DEFAULT_FROM_EMAIL, [user.email],
    )


def reports_schedule(*, cadence: str, today: date | None = None) -> int:
    """Beat: queue the scheduled reports of every active partnership of every workspace (cross-tenant by design,
    each query scoped to the workspace it is working on).

    - monthly: the current program year to date, and everything since the partnership began;
    - quarterly: the quarter that just closed, and everything from the start through the last closed program
      year (the cumulative figure funders quote; its retention and wage figures mature as quarters close).
    """
    today = today or timezone.localdate()
    queued = 0
    for convener in rls.each_convener(Convener.objects.filter(is_active=True)):
        partnerships = Partnership.objects.for_convener(convener).exclude(status=Partnership.Status.CLOSED)
        for partnership in partnerships:
            kinds = ([PeriodKind.PROGRAM_YEAR, PeriodKind.SINCE_START] if cadence == "monthly"
                     else [PeriodKind.QUARTER, PeriodKind.CUMULATIVE])
            for kind in kinds:
                report_run_request(convener=convener, actor=None, scope=Scope.PARTNERSHIP, scope_id=partnership.pk,
                                   period_kind=kind, as_of=today,
                                   trigger=ReportRun.Trigger.MONTHLY if cadence == "monthly"
                                   else ReportRun.Trigger.QUARTERLY)
                queued += 1
    return queued


def report_export_record(*, convener: Convener, actor: User, snapshot: ReportSnapshot | None, kind: str,
                         file_format: str, internal: bool, rows: int | None = None, source: str = "app") -> None:
    """Audit an export: every file that leaves the portal is logged, and a participant-level (PIRL) file says so
    loudly (TEGL 39-11: log who exported PII)."""
    audit_record(
        convener=convener, actor=actor, action="report.pii_export" if kind == "pirl" else "report.export",
        target=snapshot, source=source,
        metadata={"kind": kind, "format": file_format, "internal": internal, **({"rows": rows} if rows else {})})


# The small-cell threshold a workspace may choose (DOMAIN.md §4: default 10). Below 5 a published count could point
# at a person; above 50 a small partnership's reports would be all but blank.
THRESHOLD_RANGE = (5, 50)


def suppression_threshold_set(*, convener: Convener, actor: User, threshold: Any) -> Convener:
    """Change the workspace's small-cell threshold (convener admins). Published snapshots are not recomputed:
    the threshold is applied whenever a figure is shown, so every page and export follows it at once."""
    low, high = THRESHOLD_RANGE
    try:
        value = int(threshold)
    except (TypeError, ValueError):
        raise ValidationError({"threshold": ["Give a whole number of people."]}) from None
    if not low <= value <= high:
        raise ValidationError({"threshold": [f"Choose between {low} and {high} people (the default is 10)."]})
    before = convener.suppression_threshold
    if value != before:
        convener.suppression_threshold = value
        convener.save(update_fields=["suppression_threshold"])
        audit_record(convener=convener, actor=actor, action="report.threshold", target=convener,
                     metadata={"from": before, "to": value})
    return convener

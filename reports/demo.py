"""Demo outcome reports (seed_demo's ``seed_reports`` step).

1. Quarterly UI wage records for the demo's exited participants, so the WIOA and SNAP E&T indicators have
   something to count: people placed in a job earn their placement wage (hours x 13 weeks) in each closed
   quarter after exit while their retention checks say they were still employed (the day-180 check stands for
   the 2nd quarter, the day-365 check for the 4th), at their employer's FEIN, or a new employer's when the
   check says they moved. About one in five people who were not placed find other work. Generated, not real.
2. Reports of every partnership, computed at once (no worker needed): from the start through the last closed
   program year (the cumulative figure the case studies quote), as of 90 days ago and as of today (two
   versions of one series, so the dashboard shows a trend); since the start to date; the current and the last
   program year.
Idempotent: wages are added only for people with none; reports only when the workspace has no demo report.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from participants.models import Placement, QuarterlyWage, RetentionCheck, StreamEnrollment
from partnerships.models import Convener, Partnership
from reports import periods
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope
from reports.services import report_run_execute, report_run_request

if TYPE_CHECKING:
    from partnerships.management.commands.seed_demo import SeedContext


def _fein(employer_id: int | None, salt: int = 0) -> str:
    """A made-up FEIN per employer (the demo organizations have none on file)."""
    number = ((employer_id or 0) * 7919 + salt * 104729) % 10_000_000
    return f"{90 + (employer_id or 0) % 9:02d}-{number:07d}"


def seed_wages(ctx: SeedContext, convener: Convener, today: date) -> int:
    with_wages = set(QuarterlyWage.objects.for_convener(convener).values_list("participant_id", flat=True))
    exits: dict[int, date] = {}
    open_people = set()
    for pid, exit_date in StreamEnrollment.objects.for_convener(convener).values_list("participant_id", "exit_date"):
        if exit_date is None:
            open_people.add(pid)
        elif exits.get(pid) is None or exit_date > exits[pid]:
            exits[pid] = exit_date
    people = [pid for pid in exits if pid not in open_people and pid not in with_wages]
    if not people:
        return 0
    placements: dict[int, Placement] = {}
    for placement in Placement.objects.for_convener(convener).filter(participant_id__in=people).order_by("start_date"):
        placements.setdefault(placement.participant_id, placement)
    checks: dict[tuple[int, int], RetentionCheck] = {
        (c.placement_id, c.milestone_days): c
        for c in RetentionCheck.objects.for_convener(convener).filter(
            placement__in=[p.pk for p in placements.values()], checked_on__isnull=False)}
    closed = periods.quarter_index(today) - 1
    rows = []
    for pid in sorted(people):
        rng = random.Random(f"wages|{convener.slug}|{pid}")  # noqa: S311 (demo data)
        exit_q = periods.quarter_index(exits[pid])
        placement = placements.get(pid)
        for n in range(1, 5):
            q = exit_q + n
            if q > closed:
                break
            year, quarter = periods.quarter_of_index(q)
            if placement is not None:
                check = checks.get((placement.pk, 180 if n <= 2 else 365)) or checks.get((placement.pk, 90))
                employed = check.employed if check is not None else rng.random() < 0.85
                if not employed:
                    continue
                moved = check is not None and check.same_employer is False and n >= 2
                wage = (check.current_wage if check is not None and check.current_wage else placement.hourly_wage)
                amount = (Decimal(wage) * placement.hours_per_week * 13).quantize(Decimal("0.01"))
                fein = _fein(placement.employer_id, salt=1 if moved else 0)
            elif rng.random() < 0.2:
                amount = Decimal(rng.randint(3800, 6200))
                fein = _fein(None, salt=rng.randint(1, 50))
            else:
                continue
            rows.append(QuarterlyWage(convener=convener, participant_id=pid, year=year, quarter=quarter,
                                      wages=amount, employer_fein=fein, source=QuarterlyWage.Source.UI_MATCH,
                                      recorded_by=ctx.admin))
    QuarterlyWage.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def seed_reports(ctx: SeedContext) -> None:
    today = ctx.now.date()
    for convener in ctx.conveners.values():
        added = seed_wages(ctx, convener, today)
        if added:
            ctx.changes["quarterly wage record generated"] += added
        if ReportSnapshot.objects.for_convener(convener).filter(run__trigger=ReportRun.Trigger.DEMO).exists():
            continue
        program_year = periods.program_year_of(today)
        for partnership in Partnership.objects.for_convener(convener).order_by("name"):
            asks: list[dict[str, Any]] = [
                {"period_kind": PeriodKind.CUMULATIVE, "as_of": today - timedelta(days=90)},
                {"period_kind": PeriodKind.PROGRAM_YEAR, "program_year": program_year - 1, "as_of": today},
                {"period_kind": PeriodKind.PROGRAM_YEAR, "program_year": program_year, "as_of": today},
                {"period_kind": PeriodKind.SINCE_START, "as_of": today},
                {"period_kind": PeriodKind.CUMULATIVE, "as_of": today},
            ]
            for ask in asks:
                run = report_run_request(convener=convener, actor=ctx.admin, scope=Scope.PARTNERSHIP,
                                         scope_id=partnership.pk, trigger=ReportRun.Trigger.DEMO, enqueue=False,
                                         **ask)
                report_run_execute(convener=convener, run=run)
                ctx.changes["outcome report computed"] += 1


def _rate(n: int, d: int) -> str:
    return f"{n / d:.0%}" if d else "n/a"


def report_summary() -> list[tuple[str, str, str, str, str, str]]:
    """(partnership, period, enrolled, completed (rate), hired (rate), median starting wage) of each partnership's
    latest cumulative report (start to the last closed program year), as the convener sees it."""
    rows = []
    for convener in Convener.objects.order_by("name"):
        latest: dict[int, ReportSnapshot] = {}
        for snap in (ReportSnapshot.objects.for_convener(convener)
                     .filter(scope=Scope.PARTNERSHIP, period_kind=PeriodKind.CUMULATIVE)
                     .select_related("partnership").order_by("-as_of", "-version")):
            latest.setdefault(snap.partnership_id or 0, snap)
        for snap in sorted(latest.values(), key=lambda s: s.scope_label):
            o = snap.figures.get("overall", {})
            rows.append((snap.scope_label, f"{snap.period_start:%b %Y} – {snap.period_end:%b %-d, %Y}",
                         str(o.get("enrolled", 0)),
                         f"{o.get('completed', 0)} ({_rate(o.get('completed', 0), o.get('completion_den', 0))})",
                         f"{o.get('hired', 0)} ({_rate(o.get('hired', 0), o.get('hired_den', 0))})",
                         f"${o['wage_median']:.2f}" if o.get("wage_median") is not None else "n/a"))
    return rows


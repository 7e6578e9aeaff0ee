"""Reads of the reports app. Every function takes the tenant and the caller's membership: funders see the
snapshots and runs of the partnerships they are granted, and nothing of any other scope (a program, cohort or
funding-stream report can mix partnerships)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from partnerships.models import Convener, Membership, Partnership
from partnerships.roles import Role
from partnerships.selectors import partnership_list
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope

# What the dashboard shows first for a partnership: the cumulative picture through the last closed program year
# (what funders quote), then since the start to date, the current program year, a quarter, custom dates.
DASHBOARD_PERIODS = (PeriodKind.CUMULATIVE, PeriodKind.SINCE_START, PeriodKind.PROGRAM_YEAR, PeriodKind.QUARTER,
                     PeriodKind.CUSTOM)


def _narrow(qs: QuerySet, membership: Membership) -> QuerySet:
    if membership.role == Role.FUNDER:
        return qs.filter(scope=Scope.PARTNERSHIP, partnership__in=membership.partnerships.all())
    if membership.role not in (Role.CONVENER_ADMIN, Role.CONVENER_STAFF):
        return qs.none()
    return qs


def snapshot_list(*, convener: Convener, membership: Membership, partnership: Partnership | None = None,
                  scope: str | None = None, period_kind: str | None = None,
                  series_key: str | None = None) -> QuerySet[ReportSnapshot]:
    qs = ReportSnapshot.objects.for_convener(convener).select_related(
        "partnership", "program", "cohort", "stream", "requested_by", "convener")
    qs = _narrow(qs, membership)
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if scope:
        qs = qs.filter(scope=scope)
    if period_kind:
        qs = qs.filter(period_kind=period_kind)
    if series_key:
        qs = qs.filter(series_key=series_key)
    return qs.order_by("-computed_at", "-id")


def snapshot_get(*, convener: Convener, membership: Membership, snapshot_id: int) -> ReportSnapshot:
    snapshot = snapshot_list(convener=convener, membership=membership).filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404("No such report")
    return snapshot


def snapshot_previous(*, convener: Convener, membership: Membership,
                      snapshot: ReportSnapshot) -> ReportSnapshot | None:
    """The version before this one in the same series (same scope, period and window): the trend's baseline."""
    return (snapshot_list(convener=convener, membership=membership, series_key=snapshot.series_key)
            .filter(version__lt=snapshot.version).order_by("-version").first())


def run_list(*, convener: Convener, membership: Membership) -> QuerySet[ReportRun]:
    qs = ReportRun.objects.for_convener(convener).select_related(
        "partnership", "program", "cohort", "stream", "requested_by", "snapshot")
    # A funder sees every run of their granted partnerships' reports (the same inputs asked for twice share one
    # run, so a funder's request may be answered by a run convener staff started); who asked is shown to staff only.
    return _narrow(qs, membership).order_by("-requested_at", "-id")


def run_get(*, convener: Convener, membership: Membership, run_id: int) -> ReportRun:
    run = run_list(convener=convener, membership=membership).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such report run")
    return run


@dataclass
class DashboardEntry:
    partnership: Partnership
    snapshot: ReportSnapshot | None
    previous: ReportSnapshot | None
    periods: list[ReportSnapshot]  # the latest snapshot of each period this partnership has, for the picker


def dashboard(*, convener: Convener, membership: Membership, period_kind: str | None = None,
              partnership_id: int | None = None) -> list[DashboardEntry]:
    """Each visible partnership with its latest partnership-scope snapshot (of the chosen period kind, else the
    first kind it has in DASHBOARD_PERIODS) and the version before it. Three queries, whatever the number of
    partnerships: the partnerships, and their snapshots' latest versions."""
    partnerships = list(partnership_list(convener=convener, membership=membership))
    if partnership_id is not None:
        partnerships = [p for p in partnerships if p.pk == partnership_id]
    # Every version's header, without its figures (they can be large); then the figures of the few shown.
    snapshots = list(snapshot_list(convener=convener, membership=membership, scope=Scope.PARTNERSHIP)
                     .filter(partnership__in=[p.pk for p in partnerships]).defer("figures")
                     .order_by("partnership_id", "series_key", "-version"))
    by_partnership: dict[int, dict[str, list[ReportSnapshot]]] = {}
    for snap in snapshots:
        by_partnership.setdefault(snap.partnership_id or 0, {}).setdefault(snap.series_key, []).append(snap)
    entries = []
    for partnership in partnerships:
        series = by_partnership.get(partnership.pk, {})
        latest_per_series = sorted((versions[0] for versions in series.values()),
                                   key=lambda s: s.computed_at, reverse=True)
        chosen = None
        if period_kind:
            chosen = next((s for s in latest_per_series if s.period_kind == period_kind), None)
        else:  # the first period (in DASHBOARD_PERIODS order) with anyone in it, else the first there is
            ranked = sorted(latest_per_series, key=lambda s: (s.enrolled == 0, DASHBOARD_PERIODS.index(s.period_kind)
                                                              if s.period_kind in DASHBOARD_PERIODS else 99))
            chosen = ranked[0] if ranked else None
        previous = None
        if chosen is not None:
            versions = series[chosen.series_key]
            previous = versions[1] if len(versions) > 1 else None
        entries.append(DashboardEntry(partnership, chosen, previous, latest_per_series))
    shown = [s.pk for e in entries for s in (e.snapshot, e.previous) if s is not None]
    figures = dict(ReportSnapshot.objects.for_convener(convener).filter(pk__in=shown).values_list("pk", "figures"))
    for entry in entries:
        for shown_snapshot in (entry.snapshot, entry.previous):
            if shown_snapshot is not None:
                shown_snapshot.figures = figures.get(shown_snapshot.pk, {})
    return entries

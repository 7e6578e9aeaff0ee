"""Aggregated demand of one partnership, computed in SQL and stored as a versioned snapshot.

Every figure carries the number of distinct employers behind it, so that suppression (fewer than 3
employers) can be applied for whoever looks (partnerships/suppression.py). Pages and the API read the stored
snapshot; nothing here runs during a request.
"""

from __future__ import annotations

from decimal import Decimal
from statistics import median
from typing import Any

from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Max, Min, Q, Sum
from django.utils import timezone

from employers.models import (
    DemandRun,
    DemandSnapshot,
    DemandSurvey,
    OccupationWage,
    SkillNeed,
)
from partnerships.models import Convener, Organization, Partnership
from programs.selectors import pipeline_supply

COUNTED = [SkillNeed.Status.SUBMITTED, SkillNeed.Status.CONFIRMED]
SUPPLY_NOTE = (
    "Pipeline supply counts the seats of planned, recruiting and running cohorts of this partnership that target "
    "the same occupation. The gap is openings less those seats; a negative gap means more seats than openings."
)


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def current_survey(*, convener: Convener, partnership: Partnership) -> DemandSurvey | None:
    return current_surveys(convener=convener, partnerships=[partnership]).get(partnership.pk)


def current_surveys(*, convener: Convener, partnerships: list[Partnership]) -> dict[int, DemandSurvey]:
    """The latest survey cycle of each partnership (one query)."""
    latest: dict[int, DemandSurvey] = {}
    surveys = DemandSurvey.objects.for_convener(convener).filter(partnership__in=[p.pk for p in partnerships])
    for survey in surveys.order_by("partnership_id", "-opens_on", "-id"):
        latest.setdefault(survey.partnership_id, survey)
    return latest


def _by_partnership(rows: Any, key: str = "partnership") -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.pop(key), []).append(row)
    return grouped


class _Counted:
    """The WHERE clause of the needs that count (one convener, the given survey cycles, submitted or confirmed),
    as SQL with its parameters. Every roll-up below JOINs the needs table on it directly: a plain hash join,
    where an ``IN (subquery)`` made PostgreSQL misjudge the row count and pick nested loops and disk sorts."""

    def __init__(self, *, convener: Convener, survey_ids: list[int]) -> None:
        ids = survey_ids or [0]
        self.sql = (f"n.convener_id = %s AND n.survey_id IN ({', '.join(['%s'] * len(ids))}) "
                    f"AND n.status IN ({', '.join(['%s'] * len(COUNTED))})")
        self.params: list[Any] = [convener.pk, *ids, *COUNTED]
        self.convener_id = convener.pk


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Openings are summed per employer first (per_employer), so every "number of employers" below is a COUNT(*)
# over a small set, and the three roll-ups share one scan of the quarter rows.
_QUARTER_SQL = """
WITH per_employer AS (
    SELECT n.partnership_id AS pid, n.occupation_id AS occ, q.quarter AS quarter, n.employer_id AS emp,
           SUM(q.new_positions + q.replacements) AS openings
    FROM employers_skillneedquarter q
    JOIN employers_skillneed n ON n.id = q.need_id
    WHERE q.convener_id = %s AND {needs}
    GROUP BY n.partnership_id, n.occupation_id, q.quarter, n.employer_id
), per_quarter AS (
    SELECT pid, quarter, emp, SUM(openings) AS openings FROM per_employer GROUP BY pid, quarter, emp
), per_band AS (
    SELECT e.pid AS pid, o.size_band AS band, e.emp AS emp, SUM(e.openings) AS openings
    FROM per_employer e JOIN partnerships_organization o ON o.id = e.emp
    GROUP BY e.pid, o.size_band, e.emp
)
SELECT 'occupation_quarter', pid, occ, quarter, NULL, SUM(openings), COUNT(*)
  FROM per_employer GROUP BY pid, occ, quarter
UNION ALL
SELECT 'quarter', pid, NULL, quarter, NULL, SUM(openings), COUNT(*) FROM per_quarter GROUP BY pid, quarter
UNION ALL
SELECT 'band', pid, NULL, NULL, band, SUM(openings), COUNT(*) FROM per_band GROUP BY pid, band
"""


def _quarter_rollups(counted: _Counted) -> tuple[dict[int, list[dict[str, Any]]], ...]:
    """Openings by occupation and quarter, by quarter, and by employer size band, each with its number of
    employers, from ONE scan of the quarter rows."""
    by_occ_quarter: dict[int, list[dict[str, Any]]] = {}
    by_quarter: dict[int, list[dict[str, Any]]] = {}
    size_bands: dict[int, list[dict[str, Any]]] = {}
    rows = _rows(_QUARTER_SQL.format(needs=counted.sql), [counted.convener_id, *counted.params])
    for kind, pid, occ, quarter, band, openings, employers in rows:
        cell = {"openings": int(openings or 0), "employers": int(employers)}
        if kind == "occupation_quarter":
            by_occ_quarter.setdefault(pid, []).append({"occupation": occ, "quarter": quarter, **cell})
        elif kind == "quarter":
            by_quarter.setdefault(pid, []).append({"quarter": quarter, **cell})
        else:
            size_bands.setdefault(pid, []).append({"band": band, **cell})
    for quarter_rows in by_quarter.values():
        quarter_rows.sort(key=lambda r: r["quarter"])
    for band_rows in size_bands.values():
        band_rows.sort(key=lambda r: r["band"] or "")
    return by_occ_quarter, by_quarter, size_bands


# Skills, competencies and credentials: openings and employers per item, summed per employer first.
_SKILL_SQL = """
SELECT per.pid, s.name, s.onet_id, SUM(per.openings), COUNT(*)
FROM (
    SELECT n.partnership_id AS pid, l.skill_id AS item, n.employer_id AS emp, SUM(n.openings_total) AS openings
    FROM {link} l JOIN employers_skillneed n ON n.id = l.skillneed_id
    WHERE {needs}
    GROUP BY n.partnership_id, l.skill_id, n.employer_id
) per
JOIN employers_skill s ON s.id = per.item
GROUP BY per.pid, s.name, s.onet_id
"""
_COMPETENCY_SQL = """
SELECT per.pid, c.name, SUM(per.openings), COUNT(*)
FROM (
    SELECT n.partnership_id AS pid, l.competency_id AS item, n.employer_id AS emp, SUM(n.openings_total) AS openings
    FROM {link} l JOIN employers_skillneed n ON n.id = l.skillneed_id
    WHERE {needs}
    GROUP BY n.partnership_id, l.competency_id, n.employer_id
) per
JOIN employers_competency c ON c.id = per.item AND c.convener_id = %s
GROUP BY per.pid, c.name
"""
_CREDENTIAL_SQL = """
SELECT per.pid, per.name, per.ctdl_type, SUM(per.openings), COUNT(*)
FROM (
    SELECT n.partnership_id AS pid, c.name AS name, c.ctdl_type AS ctdl_type, n.employer_id AS emp,
           SUM(n.openings_total) AS openings
    FROM employers_skillneedcredential c JOIN employers_skillneed n ON n.id = c.need_id
    WHERE c.convener_id = %s AND {needs}
    GROUP BY n.partnership_id, c.name, c.ctdl_type, n.employer_id
) per
GROUP BY per.pid, per.name, per.ctdl_type
"""


def _item_rollups(counted: _Counted) -> tuple[dict[int, list[dict[str, Any]]], ...]:
    """Openings and employers per O*NET skill, per competency and per credential, biggest first."""
    skills: dict[int, list[dict[str, Any]]] = {}
    competencies: dict[int, list[dict[str, Any]]] = {}
    credentials: dict[int, list[dict[str, Any]]] = {}
    skill_link = SkillNeed.skills.through._meta.db_table
    competency_link = SkillNeed.competencies.through._meta.db_table
    for pid, name, onet_id, openings, employers in _rows(
            _SKILL_SQL.format(link=skill_link, needs=counted.sql), counted.params):
        skills.setdefault(pid, []).append(
            {"name": name, "onet_id": onet_id, "openings": int(openings or 0), "employers": int(employers)})
    for pid, name, openings, employers in _rows(
            _COMPETENCY_SQL.format(link=competency_link, needs=counted.sql), [*counted.params, counted.convener_id]):
        competencies.setdefault(pid, []).append(
            {"name": name, "openings": int(openings or 0), "employers": int(employers)})
    for pid, name, ctdl_type, openings, employers in _rows(
            _CREDENTIAL_SQL.format(needs=counted.sql), [counted.convener_id, *counted.params]):
        credentials.setdefault(pid, []).append(
            {"name": name, "ctdl_type": ctdl_type, "openings": int(openings or 0), "employers": int(employers)})
    for grouped in (skills, competencies, credentials):
        for item_rows in grouped.values():
            item_rows.sort(key=lambda r: (-r["openings"], r["name"]))
    return skills, competencies, credentials


def _wage_medians(needs: Any) -> dict[tuple[int, int], Decimal | None]:
    """Median offered wage (midpoint of each need's range) per partnership and occupation."""
    midpoint = (F("wage_min") + F("wage_max")) / 2
    if connection.vendor == "postgresql":
        rows = needs.values("partnership_id", "occupation_id").annotate(m=PercentileCont(midpoint)).values_list(
            "partnership_id", "occupation_id", "m")
        return {(p, occ): Decimal(str(round(m, 2))) if m is not None else None for p, occ, m in rows}
    # SQLite (the embedded demo database) has no percentile function: take the median of the grouped values.
    grouped: dict[tuple[int, int], list[Decimal]] = {}
    for p, occ, mid in needs.annotate(mid=midpoint).values_list("partnership_id", "occupation_id", "mid"):
        grouped.setdefault((p, occ), []).append(Decimal(str(mid)))
    return {key: Decimal(median(values)).quantize(Decimal("0.01")) for key, values in grouped.items()}


WBL_FIELDS = ["apprenticeship_slots", "internship_slots", "ojt_slots", "job_shadows", "tours", "mock_interviews",
              "guaranteed_interviews"]


def compute(*, convener: Convener, partnership: Partnership, survey: DemandSurvey | None) -> dict[str, Any]:
    """The aggregate of one partnership for one survey cycle."""
    surveys = {partnership.pk: survey} if survey is not None else {}
    return compute_many(convener=convener, partnerships=[partnership], surveys=surveys)[partnership.pk]


# The roll-ups group a few hundred thousand rows at once; PostgreSQL's default 4 MB of work_mem spilled the quarter
# roll-up's hash aggregate and sort to disk (bench/suite.py, 100,000 needs in one workspace: 1.03 s -> see README).
AGGREGATION_WORK_MEM = "64MB"


def compute_many(
    *, convener: Convener, partnerships: list[Partnership], surveys: dict[int, DemandSurvey] | None = None
) -> dict[int, dict[str, Any]]:
    """Aggregates of many partnerships of one convener, in a fixed number of grouped SQL queries (~11),
    however many partnerships, employers or needs there are. Each partnership uses its latest survey cycle
    unless ``surveys`` says otherwise. Read in one transaction, with room to group in memory."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{AGGREGATION_WORK_MEM}'")
        return _compute_many(convener=convener, partnerships=partnerships, surveys=surveys)


def _compute_many(
    *, convener: Convener, partnerships: list[Partnership], surveys: dict[int, DemandSurvey] | None
) -> dict[int, dict[str, Any]]:
    if surveys is None:
        surveys = current_surveys(convener=convener, partnerships=partnerships)
    needs = SkillNeed.objects.for_convener(convener).filter(
        survey_id__in=[s.pk for s in surveys.values()], status__in=COUNTED
    )
    counted = _Counted(convener=convener, survey_ids=[s.pk for s in surveys.values()])
    by_occ_quarter, by_quarter, size_bands = _quarter_rollups(counted)
    occupations = _by_partnership(
        needs.values("occupation_id", "occupation__soc_code", "occupation__title", pid=F("partnership_id"))
        .annotate(employers=Count("employer", distinct=True), needs=Count("pk"), wage_min=Min("wage_min"),
                  wage_max=Max("wage_max"), openings=Sum("openings_total"), new=Sum("new_positions_total"),
                  repl=Sum("replacements_total"))
        .order_by(), key="pid"
    )
    medians = _wage_medians(needs)
    skills, competencies, credentials = _item_rollups(counted)
    per_partnership = {
        row.pop("pid"): row for row in needs.values(pid=F("partnership_id")).annotate(
            employers=Count("employer", distinct=True), needs=Count("pk"), openings=Sum("openings_total"),
            # Aliases must not be the field names themselves (Django reads them back as aggregates).
            **{f"{f}_total": Sum(f) for f in WBL_FIELDS},
            **{f"{f}_employers": Count("employer", distinct=True, filter=Q(**{f"{f}__gt": 0}))
               for f in WBL_FIELDS},
        ).order_by()
    }
    area_ids = {p.labor_market_area_id for p in partnerships if p.labor_market_area_id}
    occupation_ids = {row["occupation_id"] for rows in occupations.values() for row in rows}
    market: dict[tuple[Any, Any], OccupationWage] = {
        (w.area_id, w.occupation_id): w
        for w in OccupationWage.objects.filter(area_id__in=area_ids, occupation_id__in=occupation_ids)
    } if area_ids and occupation_ids else {}

    supply_seats = pipeline_supply(convener=convener, partnership_ids=[p.pk for p in partnerships])
    size_labels = dict(Organization.SizeBand.choices)
    results: dict[int, dict[str, Any]] = {}
    for partnership in partnerships:
        pk = partnership.pk
        survey = surveys.get(pk)
        quarter_cells: dict[int, dict[str, Any]] = {}
        for row in by_occ_quarter.get(pk, []):
            quarter_cells.setdefault(row["occupation"], {})[row["quarter"]] = {
                "openings": int(row["openings"]), "employers": row["employers"]}
        occupation_rows = []
        for row in occupations.get(pk, []):
            wage = market.get((partnership.labor_market_area_id, row["occupation_id"]))
            demand = int(row["openings"] or 0)
            supply = supply_seats.get((pk, row["occupation_id"]), 0)
            occupation_rows.append({
                "soc_code": row["occupation__soc_code"], "title": row["occupation__title"],
                "employers": row["employers"], "needs": row["needs"],
                "openings": demand, "new_positions": int(row["new"] or 0), "replacements": int(row["repl"] or 0),
                "by_quarter": dict(sorted(quarter_cells.get(row["occupation_id"], {}).items())),
                "wage_min": _money(row["wage_min"]), "wage_median": _money(medians.get((pk, row["occupation_id"]))),
                "wage_max": _money(row["wage_max"]),
                "market_median": _money(wage.hourly_median) if wage else None,
                "market_p10": _money(wage.hourly_p10) if wage else None,
                "market_p90": _money(wage.hourly_p90) if wage else None,
                "supply_seats": supply, "gap": demand - supply,
            })
        occupation_rows.sort(key=lambda r: (-r["openings"], r["soc_code"]))
        sums = per_partnership.get(pk, {})
        total_openings = int(sums.get("openings") or 0)
        total_supply = sum(r["supply_seats"] for r in occupation_rows)
        area = partnership.labor_market_area
        results[pk] = {
            "survey": {"id": survey.pk, "title": survey.title, "quarters": survey.quarters} if survey else None,
            "area": {"code": area.code, "name": area.name} if area else None,
            "totals": {"openings": total_openings, "employers": sums.get("employers", 0),
                       "needs": sums.get("needs", 0), "supply_seats": total_supply,
                       "gap": total_openings - total_supply},
            "occupations": occupation_rows,
            "by_quarter": [{"quarter": r["quarter"], "openings": int(r["openings"]), "employers": r["employers"]}
                           for r in by_quarter.get(pk, [])],
            "skills": [{**r, "openings": int(r["openings"] or 0)} for r in skills.get(pk, [])],
            "competencies": [{**r, "openings": int(r["openings"] or 0)} for r in competencies.get(pk, [])],
            "credentials": [{**r, "openings": int(r["openings"] or 0)} for r in credentials.get(pk, [])],
            "size_bands": [{"band": r["band"] or "unknown",
                            "label": size_labels.get(r["band"], "Size not recorded"),
                            "openings": int(r["openings"]), "employers": r["employers"]}
                           for r in size_bands.get(pk, [])],
            "work_based_learning": {
                f: {"value": int(sums.get(f"{f}_total") or 0), "employers": sums.get(f"{f}_employers", 0)}
                for f in WBL_FIELDS
            },
            "supply_note": SUPPLY_NOTE,
        }
    return results


def _money(value: Any) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def demand_run_execute(*, convener: Convener, run: DemandRun) -> DemandSnapshot | None:
    """Execute a queued run: one at a time per partnership; a run superseded by a newer one is skipped."""
    with transaction.atomic():
        run = DemandRun.objects.for_convener(convener).select_for_update().get(pk=run.pk)
        if run.status != DemandRun.Status.QUEUED:
            return None
        busy = DemandRun.objects.for_convener(convener).filter(
            partnership=run.partnership_id, status=DemandRun.Status.RUNNING).exclude(pk=run.pk).exists()
        newer = DemandRun.objects.for_convener(convener).filter(
            partnership=run.partnership_id, status=DemandRun.Status.QUEUED, pk__gt=run.pk).exists()
        if newer:
            run.status, run.finished_at = DemandRun.Status.SKIPPED, timezone.now()
            run.save(update_fields=["status", "finished_at"])
            return None
        if busy:
            return None  # the task retries later
        run.status, run.started_at, run.progress = DemandRun.Status.RUNNING, timezone.now(), 10
        run.save(update_fields=["status", "started_at", "progress"])
    try:
        partnership = Partnership.objects.for_convener(convener).select_related("labor_market_area").get(
            pk=run.partnership_id)
        survey = current_survey(convener=convener, partnership=partnership)
        data = compute(convener=convener, partnership=partnership, survey=survey)
        with transaction.atomic():
            last = DemandSnapshot.objects.for_convener(convener).filter(partnership=partnership).order_by(
                "-version").values_list("version", flat=True).first() or 0
            snapshot = DemandSnapshot.objects.create(
                convener=convener, partnership=partnership, survey=survey, run=run, version=last + 1,
                computed_at=timezone.now(), data=data,
            )
            run.status, run.progress, run.finished_at = DemandRun.Status.SUCCEEDED, 100, timezone.now()
            run.save(update_fields=["status", "progress", "finished_at"])
        return snapshot
    except Exception as exc:
        DemandRun.objects.for_convener(convener).filter(pk=run.pk).update(
            status=DemandRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
        raise


def demand_runs_execute_batch(*, convener: Convener, partnerships: list[Partnership], trigger: str = "nightly"
                              ) -> list[DemandSnapshot]:
    """The nightly path: aggregate many partnerships of one convener in one pass (the same grouped queries,
    each grouped by partnership too) and store one snapshot per partnership. Partnerships with a run already
    under way are left to it."""
    now = timezone.now()
    with transaction.atomic():
        busy = set(DemandRun.objects.for_convener(convener).filter(
            partnership__in=[p.pk for p in partnerships], status=DemandRun.Status.RUNNING,
        ).values_list("partnership_id", flat=True))
        todo = [p for p in partnerships if p.pk not in busy]
        # Queued runs of these partnerships are answered by this pass.
        DemandRun.objects.for_convener(convener).filter(
            partnership__in=[p.pk for p in todo], status=DemandRun.Status.QUEUED,
        ).update(status=DemandRun.Status.SKIPPED, finished_at=now)
        runs = DemandRun.objects.bulk_create([
            DemandRun(convener=convener, partnership=p, trigger=trigger, status=DemandRun.Status.RUNNING,
                      started_at=now, progress=10) for p in todo
        ])
    surveys = current_surveys(convener=convener, partnerships=todo)
    data = compute_many(convener=convener, partnerships=todo, surveys=surveys)
    with transaction.atomic():
        versions = dict(
            DemandSnapshot.objects.for_convener(convener).filter(partnership__in=[p.pk for p in todo])
            .values("partnership_id").annotate(v=Max("version")).values_list("partnership_id", "v")
        )
        finished = timezone.now()
        snapshots = DemandSnapshot.objects.bulk_create([
            DemandSnapshot(convener=convener, partnership=p, survey=surveys.get(p.pk), run=run,
                           version=(versions.get(p.pk) or 0) + 1, computed_at=finished, data=data[p.pk])
            for p, run in zip(todo, runs, strict=True)
        ])
        DemandRun.objects.for_convener(convener).filter(pk__in=[r.pk for r in runs]).update(
            status=DemandRun.Status.SUCCEEDED, progress=100, finished_at=finished)
    return snapshots


__all__ = ["compute", "compute_many", "current_survey", "demand_run_execute", "demand_runs_execute_batch"]

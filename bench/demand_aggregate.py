"""Benchmark (not a test): aggregate 100,000 skill-need rows from 2,000 employers in 50 partnerships.

    make bench                       # or: .venv/bin/python bench/demand_aggregate.py
    DATABASE_URL=postgres://... make bench

Uses PostgreSQL (default postgres://postgres@127.0.0.1:5432/portal_bench; created if missing and migrated).
The bench data is generated with bulk_create into a fresh database (--reuse keeps an existing one), timed
separately; then every partnership is aggregated the way the Celery job does it (demand_run_execute: the
SQL aggregation plus the snapshot write), timed with time.perf_counter. --profile prints a cProfile of the
aggregation; --explain prints EXPLAIN ANALYZE of its queries for one partnership.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from time import perf_counter
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"

PARTNERSHIPS = 50
EMPLOYERS = 2_000
NEEDS = 100_000
CONVENERS = 5
BATCH = 5_000


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the benchmark database if missing (dropped first unless --reuse)."""
    import psycopg2  # type: ignore[import-untyped]
    from psycopg2 import sql  # type: ignore[import-untyped]

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def generate() -> float:
    """Bulk-create the bench rows; the seconds it took."""
    from django.db import connection
    from skill_needs import add_needs

    from employers.models import LaborMarketArea, Occupation
    from employers.oews import oews_load
    from partnerships.models import Convener, Organization, Partnership

    if not Occupation.objects.exists():
        oews_load(source=ROOT / "tests" / "fixtures" / "oews-extract.sqlite.gz")
    started = perf_counter()
    areas = list(LaborMarketArea.objects.filter(area_type=LaborMarketArea.AreaType.METRO).values_list("pk", flat=True))
    conveners = Convener.objects.bulk_create(
        [Convener(name=f"Bench convener {i}", slug=f"bench-{i}", region="Bench") for i in range(CONVENERS)])
    per_convener = PARTNERSHIPS // CONVENERS
    partnerships = Partnership.unscoped.bulk_create([
        Partnership(convener=conveners[i // per_convener], name=f"Bench partnership {i}", industry_naics="31",
                    industry_label="Manufacturing", region="Bench", state="IN",
                    labor_market_area_id=areas[i % len(areas)])
        for i in range(PARTNERSHIPS)
    ])
    bands = [Organization.SizeBand.SMALL, Organization.SizeBand.MID, Organization.SizeBand.LARGE]
    per_partnership = EMPLOYERS // PARTNERSHIPS
    employers = Organization.unscoped.bulk_create([
        Organization(convener_id=partnerships[i // per_partnership].convener_id, name=f"Bench employer {i}",
                     org_type="employer", size_band=bands[i % 3], naics_code="332710")
        for i in range(EMPLOYERS)
    ], batch_size=BATCH)
    counts: dict[str, int] = {}
    for k, convener in enumerate(conveners):
        mine = partnerships[k * per_convener:(k + 1) * per_convener]
        for name, n in add_needs(convener_id=convener.pk, partnerships=mine, seed=4 + k, needs=NEEDS // CONVENERS,
                                 employers=employers[k * per_convener * per_partnership:
                                                     (k + 1) * per_convener * per_partnership]).items():
            counts[name] = counts.get(name, 0) + n
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = perf_counter() - started
    say(f"Generated {len(conveners)} conveners, {len(partnerships)} partnerships, {len(employers):,} employers, "
        + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items()) + f" in {elapsed:.1f} s")
    return elapsed


def aggregate_all(*, profile: bool = False) -> None:
    from employers.aggregation import demand_run_execute
    from employers.models import DemandRun
    from partnerships.models import Partnership

    partnerships = list(Partnership.unscoped.filter(convener__slug__startswith="bench-").select_related("convener")
                        .order_by("pk"))
    runs = [(p, DemandRun.unscoped.create(convener=p.convener, partnership=p, trigger="bench")) for p in partnerships]
    timings = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = perf_counter()
    for partnership, run in runs:
        t0 = perf_counter()
        snapshot = demand_run_execute(convener=partnership.convener, run=run)
        timings.append((perf_counter() - t0, partnership, snapshot))
    total = perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    counted = sum(s.data["totals"]["needs"] for _, _, s in timings if s)
    per = sorted(t for t, _, _ in timings)
    say(f"Aggregated {len(timings)} partnerships ({counted:,} submitted or confirmed needs of the 100,000) "
          f"in {total:.2f} s: per partnership min {per[0] * 1000:.0f} ms, median {per[len(per) // 2] * 1000:.0f} ms, "
          f"max {per[-1] * 1000:.0f} ms")
    say(f"Per-partnership job path (after an edit): {total:.2f} s for all 50, one run after another.")
    batch_all()


def batch_all() -> None:
    """The nightly path: every partnership of a convener aggregated in one pass of grouped queries."""
    from employers.aggregation import demand_runs_execute_batch
    from partnerships.models import Convener, Partnership

    started = perf_counter()
    done = 0
    counted = 0
    for convener in Convener.objects.filter(slug__startswith="bench-").order_by("pk"):
        partnerships = list(Partnership.objects.for_convener(convener).select_related("labor_market_area"))
        snapshots = demand_runs_execute_batch(convener=convener, partnerships=partnerships, trigger="bench")
        done += len(snapshots)
        counted += sum(s.data["totals"]["needs"] for s in snapshots)
    total = perf_counter() - started
    say(f"Nightly batch path: aggregated {done} partnerships ({counted:,} submitted or confirmed needs of the "
        f"100,000 rows) and stored {done} snapshots in {total:.2f} s.")
    say(f"Goal: under 2 s. {'Met' if total < 2 else f'Missed by {total - 2:.2f} s'}.")


def explain_one() -> None:
    """EXPLAIN ANALYZE every query compute() runs for one partnership, slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from employers.aggregation import compute, current_survey
    from partnerships.models import Partnership

    partnership = Partnership.unscoped.filter(convener__slug__startswith="bench-").select_related(
        "convener", "labor_market_area").first()
    if partnership is None:
        raise SystemExit("No bench data: run without --reuse first.")
    survey = current_survey(convener=partnership.convener, partnership=partnership)
    with CaptureQueriesContext(connection) as ctx:
        compute(convener=partnership.convener, partnership=partnership, survey=survey)
    queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    with connection.cursor() as cursor:
        for query in queries[:5]:
            say(f"--- {query['time']} s\n{query['sql'][:400]}")
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            say("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the database and its bench data if present")
    parser.add_argument("--profile", action="store_true", help="cProfile the aggregation")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one partnership's queries")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    ensure_database(url, fresh=not args.reuse)

    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    from partnerships.models import Partnership

    if not Partnership.unscoped.filter(convener__slug__startswith="bench-").exists():
        generate()
    aggregate_all(profile=args.profile)
    if args.explain:
        explain_one()


if __name__ == "__main__":
    main()

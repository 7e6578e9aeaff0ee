"""``make bench``: every benchmark of issue 9 in one run, on PostgreSQL and Redis. Not a test.

    make bench                                   # tenants kept from earlier runs are reused
    .venv/bin/python bench/suite.py --fresh      # regenerate the tenants
    .venv/bin/python bench/suite.py --scales 1 --skip-web

1. The large tenants (bench/report_scale.py's deterministic COPY generator, plus bench/skill_needs.py's bulk inserts),
   one per scale: at 1x, 50 partnerships, 2,000 employers, 100,000 skill needs, 1,000 cohorts, 1,000,000
   participants and about 4,090,000 quarterly wage rows; at 1/4 and 1/2, the per-person rows and the skill needs
   scale, so a superlinear cost shows.
2. Background jobs at each scale, each next to a plain SQL scan of the same rows in the same run:
   - the nightly demand aggregation of every partnership (``demand_runs_execute_batch``; goal < 2 s at 100,000
     needs);
   - the whole-workspace outcome report (``reports.engine.compute_figures``; goal < 30 s and within 3x the scan);
   - a participant import through the Celery job's path (``import_execute``) of 10,000 rows times the scale (goal
     < 10 s at 10,000), next to a plain COPY of the same file into an unindexed table.
3. The web benchmark at 1x (bench/web.py): gunicorn with the production settings, wrk at 25 connections, each page
   and API endpoint next to the trivial view.

The table is printed and written to ``var/bench/bench.json`` (with the machine: CPUs, load, PostgreSQL version).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
RESULTS = ROOT / "var" / "bench" / "bench.json"
NEEDS = 100_000  # at scale 1
IMPORT_ROWS = 10_000  # at scale 1


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ensure_tenant(scale: float, *, fresh: bool) -> tuple[int, float | None]:
    """The report_scale tenant of ``scale`` with its skill needs; its convener id and the generation seconds (None
    when reused)."""
    import report_scale
    from django.db import connection, transaction
    from skill_needs import add_needs

    from employers.models import SkillNeed
    from partnerships.models import Convener, Organization, Partnership

    existing = Convener.objects.filter(slug=report_scale.slug_of(scale)).values_list("pk", flat=True).first()
    generated = None
    if existing is not None and fresh:
        with transaction.atomic():
            report_scale.delete_tenant(existing)
        existing = None
    if existing is None:
        existing, generated = report_scale.generate(scale)
    if not SkillNeed.unscoped.filter(convener_id=existing).exists():
        t0 = perf_counter()
        with transaction.atomic():
            counts = add_needs(
                convener_id=existing, needs=round(NEEDS * scale),
                partnerships=list(Partnership.unscoped.filter(convener_id=existing).order_by("pk")),
                employers=list(Organization.unscoped.filter(convener_id=existing, org_type="employer").order_by("pk")))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE employers_skillneed, employers_skillneedquarter, employers_skillneed_skills, "
                           "employers_skillneedcredential")
        seconds = perf_counter() - t0
        say("  skill needs: " + ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items())
            + f" in {seconds:.1f} s")
        generated = (generated or 0) + seconds
    return existing, generated


DEMAND_SCAN_SQL = """
SELECT * FROM
    (SELECT count(*), sum(openings_total), sum(wage_min) FROM employers_skillneed
     WHERE convener_id = %(c)s AND status IN ('submitted', 'confirmed')) n,
    (SELECT count(*), sum(q.new_positions + q.replacements) FROM employers_skillneedquarter q
     JOIN employers_skillneed n ON n.id = q.need_id
     WHERE n.convener_id = %(c)s AND n.status IN ('submitted', 'confirmed')) q,
    (SELECT count(*), count(DISTINCT s.skill_id) FROM employers_skillneed_skills s
     JOIN employers_skillneed n ON n.id = s.skillneed_id
     WHERE n.convener_id = %(c)s AND n.status IN ('submitted', 'confirmed')) s,
    (SELECT count(*), count(DISTINCT c.name) FROM employers_skillneedcredential c
     JOIN employers_skillneed n ON n.id = c.need_id
     WHERE n.convener_id = %(c)s AND n.status IN ('submitted', 'confirmed')) c
"""


def time_demand(convener_id: int) -> dict[str, Any]:
    """The nightly aggregation of every partnership of the tenant, and a plain scan of the same rows."""
    from django.db import connection

    from employers.aggregation import demand_runs_execute_batch
    from partnerships.models import Convener, Partnership

    convener = Convener.objects.get(pk=convener_id)
    partnerships = list(Partnership.objects.for_convener(convener).select_related("labor_market_area"))
    with connection.cursor() as cursor:
        cursor.execute(DEMAND_SCAN_SQL, {"c": convener_id})  # once cold
        t0 = perf_counter()
        cursor.execute(DEMAND_SCAN_SQL, {"c": convener_id})
        row = cursor.fetchone()
        scan = perf_counter() - t0
    t0 = perf_counter()
    snapshots = demand_runs_execute_batch(convener=convener, partnerships=partnerships, trigger="bench")
    seconds = perf_counter() - t0
    counted = sum(s.data["totals"]["needs"] for s in snapshots)
    say(f"  demand aggregation: {len(snapshots)} partnerships, {counted:,} counted needs: {seconds:.2f} s "
        f"(plain scan of the same rows: {scan:.2f} s, {row[0]:,} needs)")
    return {"demand_s": seconds, "demand_scan_s": scan, "demand_needs": counted}


def time_import(rows: int, scale: float) -> dict[str, Any]:
    """A participant import of ``rows`` rows through the job's path, and a plain COPY of the same file."""
    import participant_import
    from django.db import connection, transaction

    seconds = participant_import.time_import(rows, f"s{str(scale).replace('.', '-')}")
    payload = participant_import.make_csv(rows)
    header = payload.split(b"\n", 1)[0].decode().split(",")
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ", ".join(f'"{c}" text' for c in header)
        cursor.execute(f"CREATE TEMP TABLE bench_import_copy ({columns}) ON COMMIT DROP")
        t0 = perf_counter()
        cursor.copy_expert("COPY bench_import_copy FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(payload))
        cursor.execute("SELECT count(*) FROM bench_import_copy")
        copied = cursor.fetchone()[0]
        scan = perf_counter() - t0
    say(f"  participant import, {rows:,} rows: {seconds:.2f} s (plain COPY of the same {copied:,} rows: {scan:.3f} s)")
    return {"import_rows": rows, "import_s": seconds, "import_scan_s": scan}


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import redis
    from django.conf import settings

    redis_version = None
    if getattr(settings, "REDIS_URL", ""):
        redis_version = redis.Redis.from_url(settings.REDIS_URL).info().get("redis_version")
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": pg, "redis": redis_version,
            "platform": platform.platform(), "load_average_1m_at_start": round(os.getloadavg()[0], 2)}


def print_tables(result: dict[str, Any]) -> None:
    say("")
    say("Background jobs (seconds; scan = a plain SQL scan of the same rows in the same run)")
    say("| scale | participants | needs | demand s | scan s | report s | scan s | report/scan | import rows | "
        "import s | COPY s |")
    say("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in result["jobs"]:
        say(f"| {r['scale']:g} | {r['participants']:,} | {r['demand_needs']:,} | {r['demand_s']:.2f} | "
            f"{r['demand_scan_s']:.2f} | {r['report_s']:.1f} | {r['scan_s']:.1f} | {r['report_s'] / r['scan_s']:.1f} | "
            f"{r['import_rows']:,} | {r['import_s']:.2f} | {r['import_scan_s']:.3f} |")
    jobs = result["jobs"]
    if len(jobs) > 1:
        first, last = jobs[0], jobs[-1]
        factor = last["scale"] / first["scale"]
        say(f"Growth over {factor:g}x the data: demand {last['demand_s'] / first['demand_s']:.2f}x, report "
            f"{last['report_s'] / first['report_s']:.2f}x, import {last['import_s'] / first['import_s']:.2f}x")
    if result.get("web"):
        say("")
        say("Web (gunicorn, production settings, wrk 25 connections; ratio = throughput / the trivial view's)")
        say("| what | req/s | p50 ms | p95 ms | p99 ms | ratio | p95 <= 100 | ratio >= 0.3 |")
        say("| --- | ---: | ---: | ---: | ---: | ---: | :---: | :---: |")
        for r in result["web"]:
            say(f"| {r['name']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
                f"{r['ratio_to_trivial']:.2f} | {'yes' if r['meets_p95'] else 'NO'} | "
                f"{'yes' if r['meets_ratio'] else 'NO'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the tenants even if present")
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds per URL")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    import web

    os.environ.update(web.SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import report_scale

    report_scale.ensure_database(url)
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {"measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
                              "machine": machine(), "jobs": [], "web": []}
    started = perf_counter()
    tenants = {}
    for scale in sorted(args.scales):
        say(f"Scale {scale:g}:")
        convener_id, generated = ensure_tenant(scale, fresh=args.fresh)
        tenants[scale] = convener_id
        if args.skip_jobs:
            continue
        counts = report_scale.row_counts(convener_id)
        row: dict[str, Any] = {"scale": scale, "convener_id": convener_id, "generation_s": generated,
                               "participants": counts["participants_participant"],
                               "wage_rows": counts["participants_quarterlywage"], "counts": counts}
        row.update(time_demand(convener_id))
        row.update(report_scale.time_report(convener_id))
        row.update(time_import(round(IMPORT_ROWS * scale), scale))
        row["load_average_1m"] = round(os.getloadavg()[0], 2)
        result["jobs"].append(row)
    if not args.skip_web:
        scale = max(tenants)
        say(f"Web, scale {scale:g}:")
        result["web"] = web.measure(convener_id=tenants[scale], database_url=url, duration=args.duration)
    result["total_s"] = perf_counter() - started
    result["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    print_tables(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    say(f"\nWritten to {RESULTS.relative_to(ROOT)} ({result['total_s']:.0f} s in all)")


if __name__ == "__main__":
    main()

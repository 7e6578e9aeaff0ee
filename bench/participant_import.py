"""Benchmark (not a test): import a 10,000-row participant file, and the same file at 1/4 and 1/2 the size, so a
superlinear cost would show.

    make bench                                  # runs this after the demand benchmark
    .venv/bin/python bench/participant_import.py [--rows 10000]

Uses the PostgreSQL database of the demand benchmark (created and migrated by bench/demand_aggregate.py or
here if missing). Each run imports into a new convener through the same path a Celery job takes
(participants.imports.import_execute: read the CSV, check every row, write all or nothing with bulk inserts),
timed with time.perf_counter. The rows are generated deterministically (random.Random(6)); every SSN is in
the 212-xx range, which is valid in form, and the names are synthetic.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
from pathlib import Path
from time import perf_counter, time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FIRST = ["Ana", "Ben", "Carla", "Dev", "Erin", "Femi", "Gus", "Hana", "Ivan", "Jada", "Kofi", "Lena", "Mo", "Nia"]
LAST = ["Adams", "Baker", "Cruz", "Diaz", "Evans", "Ford", "Garcia", "Hill", "Ito", "Jones", "Khan", "Lee"]
STREAMS = ["snap_et_50", "wioa_adult", "snap_et_50;wioa_adult", "tanf", "wioa_dw", "pell"]


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def make_csv(rows: int, seed: int = 6) -> bytes:
    from participants.imports import TEMPLATES

    rng = random.Random(seed)  # noqa: S311 (bench data)
    columns = TEMPLATES["participants"]
    out = io.StringIO()
    out.write(",".join(columns) + "\n")
    for i in range(rows):
        streams = rng.choice(STREAMS)
        benefits = ["snap"] if "snap" in streams else []
        if "tanf" in streams:
            benefits.append("tanf")
        row = {
            "first_name": rng.choice(FIRST), "last_name": f"{rng.choice(LAST)}-{i}",
            "ssn": f"212-{10 + i // 9000:02d}-{1000 + i % 9000:04d}",
            "date_of_birth": f"{rng.randint(1960, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "email": f"person{i}@example.org", "phone": f"404-555-{i % 10000:04d}", "city": "Atlanta", "state": "GA",
            "postal_code": "30303", "sex": rng.choice(["female", "male", "not_disclosed"]),
            "ethnicity": rng.choice(["hispanic", "not_hispanic"]), "race": rng.choice(["black", "white", "asian"]),
            "veteran": rng.choice(["no", "no", "yes"]), "education_at_entry": rng.choice(["none", "hse"]),
            "employment_status_at_entry": "not_employed", "barriers": rng.choice(["low_income", "single_parent", ""]),
            "benefits": ";".join(benefits), "abawd": "no",
            "snap_participation": "voluntary" if "snap" in streams else "", "intake_date": "2026-09-01",
            "streams": streams,
        }
        out.write(",".join(row.get(c, "") for c in columns) + "\n")
    return out.getvalue().encode()


def time_import(rows: int, label: str) -> float:
    from participants.imports import import_execute
    from participants.models import ImportJob, Participant
    from partnerships.models import Convener, Organization

    stamp = int(time())
    convener = Convener.objects.create(name=f"Import bench {label}", slug=f"import-bench-{label}-{rows}-{stamp}")
    org = Organization.unscoped.create(convener=convener, name="Bench Goodwill", org_type="community_org")
    payload = make_csv(rows)
    job = ImportJob.unscoped.create(convener=convener, kind="participants", filename="bench.csv", payload=payload,
                                    organization=org)
    started = perf_counter()
    done = import_execute(convener=convener, job=job)
    elapsed = perf_counter() - started
    if done.status != "succeeded" or Participant.objects.for_convener(convener).count() != rows:
        raise SystemExit(f"import failed: {done.errors[:3]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from demand_aggregate import ensure_database

    ensure_database(url, fresh=False)
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    results = []
    for fraction, label in ((4, "quarter"), (2, "half"), (1, "full")):
        rows = args.rows // fraction
        seconds = time_import(rows, label)
        results.append((rows, seconds))
        say(f"Participant import, {rows:,} rows (CSV, checked, all or nothing): {seconds:.2f} s "
            f"({rows / seconds:,.0f} rows/s)")
    (small, t_small), (_, _), (big, t_big) = results
    say(f"Growth 1/4 -> 1x: {t_big / t_small:.2f}x time for {big / small:.0f}x rows. Goal for "
        f"{args.rows:,} rows: under 10 s. {'Met' if results[-1][1] < 10 else 'Missed'}.")
    # The bench conveners stay (tenant rows are PROTECTed from a cascading delete); `make bench` starts from a
    # fresh database unless BENCH_ARGS=--reuse.


if __name__ == "__main__":
    main()

"""Benchmark (not a test): one large tenant (1,000,000 participants, about 4,000,000 quarterly wage rows at
--scale 1) and the time the outcome-report engine takes on it, next to one plain SQL scan of the same rows.

    .venv/bin/python bench/report_scale.py                        # --scale 1: generate (or regenerate), time
    .venv/bin/python bench/report_scale.py --scale 0.25 0.5 1     # three tenants, so the growth shows
    .venv/bin/python bench/report_scale.py --scale 1 --reuse      # keep a tenant of that scale if present

Uses PostgreSQL (BENCH_DATABASE_URL, else DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench;
created if missing and migrated, never dropped: the other benchmarks' rows stay). Each scale is its own convener
(slug report-bench-<scale>, e.g. report-bench-0-25) with 50 partnerships, 2,000 employers, 20 partner
organizations, 40 programs and 1,000 cohorts; the per-person rows scale: participants, one cohort enrollment and
one funding-stream enrollment each, placements (~56%), credential awards (~48%), skill gains (~30%) and
quarterly wages (~4 per person, consecutive quarters after exit). The small tables are bulk-created; the
per-person tables are streamed in with COPY from generators (random.Random, fixed seeds: the same rows every
run, only the ids differ), in one transaction with the foreign-key triggers off (the references hold by
construction), then VACUUM (ANALYZE). Without --reuse a tenant of the same scale is deleted first (plain SQL,
foreign-key triggers off for the delete too).

Timed with time.perf_counter: the generation; one plain SQL statement that reads every row of the tenant's
participant tables, joined per person (run once cold, then timed warm; also the same rows read table by table
without a join, the floor); and reports.engine.compute_figures for the whole convener over 2014-07-01..2026-06-30
as of 2026-12-01. The table is printed and written to var/bench/report_scale.json
(rows of other scales from earlier runs are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import traceback
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from time import perf_counter
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
RESULTS = ROOT / "var" / "bench" / "report_scale.json"

PARTICIPANTS = 1_000_000  # at --scale 1
PARTNERSHIPS = 50
EMPLOYERS = 2_000
PARTNERS = 20
PROGRAMS = 40
COHORTS = 1_000
IN_PROGRESS = 50  # the last cohorts still run on the as-of day: their people are active, not exited
CHUNK = 20_000  # COPY rows per chunk handed to psycopg2

PERIOD_START, PERIOD_END, AS_OF = date(2014, 7, 1), date(2026, 6, 30), date(2026, 12, 1)
EPOCH = date(2013, 1, 1)  # day offsets count from here
DAYS = [(EPOCH + timedelta(days=d)).isoformat() for d in range(16 * 366)]
QIDX = [(EPOCH + timedelta(days=d)).year * 4 + ((EPOCH + timedelta(days=d)).month - 1) // 3 for d in range(len(DAYS))]
LAST_QUARTER = AS_OF.year * 4 + (AS_OF.month - 1) // 3 - 1  # the last closed quarter on the as-of day (2026Q3)

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as participants.models: no 0/O, 1/I
PAIRS = [a + b for a in PUBLIC_ID_ALPHABET for b in PUBLIC_ID_ALPHABET]  # 10 bits -> 2 characters
FIRST = ["Ana", "Ben", "Carla", "Dev", "Erin", "Femi", "Gus", "Hana", "Ivan", "Jada", "Kofi", "Lena", "Mo", "Nia",
         "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tia", "Uma", "Vic", "Wes", "Xena", "Yusuf", "Zoe"]
LAST = ["Adams", "Baker", "Cruz", "Diaz", "Evans", "Ford", "Garcia", "Hill", "Ito", "Jones", "Khan", "Lee",
        "Moore", "Nguyen", "Owens", "Patel", "Reyes", "Smith", "Torres", "Usman", "Vega", "Walker", "Young"]
SEX = ["female"] * 9 + ["male"] * 10 + ["not_disclosed"]
RACE = (["black"] * 9 + ["white"] * 7 + ["asian"] * 1 + ["american_indian"] + ["multiple"]
        + ["not_disclosed"] + ["pacific_islander"])
ETHNICITY = ["hispanic"] * 3 + ["not_hispanic"] * 16 + ["not_disclosed"]
EDUCATION = ["none"] * 3 + ["hse"] * 10 + ["some_postsecondary"] * 4 + ["certificate", "associate", "bachelor"]
EMPLOYMENT = ["not_employed"] * 8 + ["employed", "employed_notice"]
BARRIERS = [("barrier_low_income", 0.6), ("barrier_english_learner", 0.08), ("barrier_basic_skills", 0.15),
            ("barrier_single_parent", 0.2), ("barrier_homeless", 0.05), ("barrier_justice_involved", 0.12),
            ("barrier_long_term_unemployed", 0.18), ("barrier_disability", 0.07),
            ("barrier_no_transportation", 0.2), ("barrier_child_care", 0.15)]
STREAMS = ["snap_et_50"] * 8 + ["wioa_adult"] * 6 + ["tanf"] * 2 + ["wioa_dw"] * 2 + ["snap_et_100", "wioa_youth"]
PROGRAM_TYPES = ["pre_employment", "ojt", "pre_apprenticeship", "registered_apprenticeship", "pre_employment",
                 "paid_internship", "iet", "ojt", "incumbent_worker", "pre_employment"]
CREDENTIALS = [("AWS D1.1 Structural Steel Welding", "ceterms:Certification", "American Welding Society"),
               ("Certified Nursing Assistant (CNA)", "ceterms:License", "Georgia Medical Care Foundation"),
               ("NCCER Core Curriculum", "ceterms:Certificate", "NCCER"),
               ("OSHA 10 General Industry", "ceterms:Certificate", "OSHA Training Institute"),
               ("Certified Production Technician", "ceterms:Certification", "MSSC"),
               ("Industrial Maintenance Mechanic", "ceterms:ApprenticeshipCertificate", "U.S. Department of Labor"),
               ("Forklift Operator", "ceterms:Certificate", "National Safety Council"),
               ("CompTIA A+", "ceterms:Certification", "CompTIA")]
PLACEMENT_TYPES = ["unsubsidized"] * 17 + ["ojt", "internship", "apprenticeship"]
GAIN_TYPES = ["training_milestone"] * 3 + ["skills_progression"] * 2 + ["efl", "secondary_diploma", "transcript"]
NAICS = [("31", "Manufacturing", "3361"), ("62", "Health care", "6221"), ("23", "Construction", "2382"),
         ("48", "Transportation and warehousing", "4841"), ("31", "Manufacturing", "3327")]


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def slug_of(scale: float) -> str:
    return f"report-bench-{scale:.2f}".replace(".", "-")


def ein_of(employer: int) -> str:
    return f"{20 + employer % 70:02d}-{3_000_000 + employer:07d}"


def public_id(i: int) -> str:
    """P- and 8 characters, a bijection of the index over 40 bits (odd multiplier): unique, deterministic."""
    x = (i * 0x9E3779B97 + 0x5DEECE66D) & ((1 << 40) - 1)
    return "P-" + PAIRS[x >> 30] + PAIRS[(x >> 20) & 1023] + PAIRS[(x >> 10) & 1023] + PAIRS[x & 1023]


def stamp(day: int, hour: int = 9) -> str:
    return f"{DAYS[day]} {hour:02d}:00:00+00"


# ---------------------------------------------------------------------------------------------------------------
# COPY
# ---------------------------------------------------------------------------------------------------------------
class _Chunks:
    """A file-like object over text chunks: psycopg2's copy_expert calls read() until it returns ""."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks

    def read(self, size: int = -1) -> str:
        return next(self._chunks, "")

    def readline(self, size: int = -1) -> str:  # pragma: no cover - copy_expert only reads
        return self.read(size)


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def table_columns(cursor: Any, table: str) -> dict[str, bool]:
    """column -> True when PostgreSQL fills it by itself (nullable, identity or a column default)."""
    cursor.execute(
        "SELECT column_name, is_nullable = 'YES' OR is_identity = 'YES' OR column_default IS NOT NULL "
        "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position", [table])
    return dict(cursor.fetchall())


def constant_columns(cursor: Any, model: Any, columns: list[str]) -> tuple[list[str], str]:
    """The NOT NULL columns of ``model``'s table the generator leaves out, and the COPY text of their value
    (the field's default, "" for text, the load time for timestamps): a column added later is still filled."""
    from django.db import models

    table = model._meta.db_table
    fields = {f.column: f for f in model._meta.concrete_fields}
    now = datetime.now(tz=UTC).isoformat()
    extra, values = [], []
    for column, fills_itself in table_columns(cursor, table).items():
        if column in columns or fills_itself:
            continue
        field = fields.get(column)
        if field is None:
            raise SystemExit(f"{table}.{column} is NOT NULL and unknown to the model: teach {__file__} to fill it")
        if isinstance(field, models.DateTimeField):
            value: Any = now
        elif field.has_default():
            value = field.get_default()
        elif field.empty_strings_allowed:
            value = ""
        else:
            raise SystemExit(f"{table}.{column} is NOT NULL without a default: teach {__file__} to fill it")
        extra.append(column)
        values.append(_copy_text(value))
    return extra, "".join("\t" + v for v in values)


def copy_rows(model: Any, columns: list[str], rows: Iterable[str]) -> int:
    """COPY tab-separated ``rows`` (the given columns, in order) into ``model``'s table; the rows copied."""
    from django.db import connection

    table = model._meta.db_table
    count = 0

    with connection.cursor() as cursor:
        extra, suffix = constant_columns(cursor, model, columns)
        end = suffix + "\n"

        def chunks() -> Iterator[str]:
            nonlocal count
            it = iter(rows)
            while batch := list(islice(it, CHUNK)):
                count += len(batch)
                yield end.join(batch) + end

        cursor.copy_expert(f"COPY {table} ({', '.join(columns + extra)}) FROM STDIN", _Chunks(chunks()))
    return count


def reserve_ids(model: Any, n: int) -> int:
    """The first of ``n`` consecutive ids taken from the table's identity sequence."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + n])
    return int(first)


# ---------------------------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------------------------
def ensure_database(url: str) -> None:
    from demand_aggregate import ensure_database as create

    create(url, fresh=False)


def delete_tenant(convener_id: int) -> None:
    """Delete a bench convener and every row of it with plain SQL (the ORM would walk 8 million rows)."""
    from django.apps import apps
    from django.db import connection
    from psycopg2 import sql  # type: ignore[import-untyped]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: order does not matter
        for model in apps.get_models():
            if not any(f.column == "convener_id" for f in model._meta.concrete_fields):
                continue
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through._meta  # type: ignore[union-attr]
                if through.auto_created:
                    cursor.execute(sql.SQL("DELETE FROM {} WHERE {} IN (SELECT id FROM {} WHERE convener_id = %s)")
                                   .format(sql.Identifier(through.db_table), sql.Identifier(m2m.m2m_column_name()),
                                           sql.Identifier(model._meta.db_table)), [convener_id])
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                       "AND column_name = 'convener_id'")
        for (table,) in cursor.fetchall():
            cursor.execute(sql.SQL("DELETE FROM {} WHERE convener_id = %s").format(sql.Identifier(table)),
                           [convener_id])
        cursor.execute("DELETE FROM partnerships_convener WHERE id = %s", [convener_id])


class Tenant:
    """The small tables (ORM bulk_create) and what the per-person generators need to know of them."""

    def __init__(self, scale: float, n: int) -> None:
        from employers.models import LaborMarketArea, Occupation
        from employers.oews import oews_load
        from partnerships.models import Convener, Organization, Partnership
        from programs.models import Cohort, FundingStream, Program, ProgramCredential

        if not Occupation.objects.filter(level=3).exists():
            oews_load(source=ROOT / "tests" / "fixtures" / "oews-extract.sqlite.gz")
        rng = random.Random(11)  # noqa: S311 (bench data)
        self.n = n
        occupations = list(Occupation.objects.filter(level=3).order_by("soc_code").values_list("pk", flat=True))
        self.occupations = occupations
        self.streams: dict[str, int] = dict(FundingStream.objects.values_list("code", "pk"))
        areas: list[int | None] = list(LaborMarketArea.objects.filter(area_type=LaborMarketArea.AreaType.METRO)
                                       .order_by("code").values_list("pk", flat=True)) or [None]
        self.convener = Convener.objects.create(name=f"Report bench (scale {scale:g})", slug=slug_of(scale),
                                                region="Bench")
        cid = self.convener.pk
        partnerships = Partnership.unscoped.bulk_create([
            Partnership(convener_id=cid, name=f"Report bench partnership {p:02d}", industry_naics=NAICS[p % 5][0],
                        industry_label=NAICS[p % 5][1], region="Bench", state="GA", start_date=date(2014, 1, 1),
                        labor_market_area_id=areas[p % len(areas)])
            for p in range(PARTNERSHIPS)
        ])
        bands = [Organization.SizeBand.SMALL, Organization.SizeBand.MID, Organization.SizeBand.LARGE]
        employers = Organization.unscoped.bulk_create([
            Organization(convener_id=cid, name=f"Report bench employer {e:04d}", org_type="employer",
                         size_band=bands[e % 3], naics_code=NAICS[(e // (EMPLOYERS // PARTNERSHIPS)) % 5][2],
                         ein=ein_of(e), state="GA", normalized_name=f"report bench employer {e:04d}")
            for e in range(EMPLOYERS)
        ], batch_size=1_000)
        self.employer_ids = [o.pk for o in employers]
        self.employer_names = [o.name for o in employers]
        partners = Organization.unscoped.bulk_create([
            Organization(convener_id=cid, name=f"Report bench {'college' if k % 2 else 'community org'} {k:02d}",
                         org_type="college" if k % 2 else "community_org", state="GA",
                         normalized_name=f"report bench partner {k:02d}")
            for k in range(PARTNERS)
        ])
        programs = Program.unscoped.bulk_create([
            Program(convener_id=cid, name=f"Report bench program {k:02d}", program_type=PROGRAM_TYPES[k % 10],
                    provider=partners[(k * 2 + 1) % PARTNERS], length_weeks=4 + k % 13, contact_hours=120 + 8 * k,
                    cost_per_participant=Decimal(1_500 + (k * 379) % 7_500), cip_code="48.0508")
            for k in range(PROGRAMS)
        ])
        credentials = ProgramCredential.unscoped.bulk_create([
            ProgramCredential(convener_id=cid, program=p, name=CREDENTIALS[k % 8][0],
                              ctdl_type=CREDENTIALS[k % 8][1], issuer=CREDENTIALS[k % 8][2])
            for k, p in enumerate(programs)
        ])
        stream_ids = list(self.streams.values())
        Program.funding_streams.through.objects.bulk_create([
            Program.funding_streams.through(program_id=p.pk, fundingstream_id=s)
            for k, p in enumerate(programs) for s in {stream_ids[k % 4], stream_ids[3]}
        ])
        Program.target_occupations.through.objects.bulk_create([
            Program.target_occupations.through(program_id=p.pk, occupation_id=occupations[k % len(occupations)])
            for k, p in enumerate(programs)
        ])
        # Cohorts: 950 completed, started evenly from 2014-07-01 to 2026-01-31, 4 to 16 weeks long; 50 still in
        # progress on the as-of day. cohort -> (start, end, partnership, program, occupation, owner org).
        first, last = (PERIOD_START - EPOCH).days, (date(2026, 1, 31) - EPOCH).days
        late = (date(2026, 3, 2) - EPOCH).days
        self.cohorts: list[tuple[int, int, int, int, int, int, bool]] = []
        rows = []
        seats = min(32_000, max(1, n * 6 // (COHORTS * 5)))
        for c in range(COHORTS):
            running = c >= COHORTS - IN_PROGRESS
            if running:
                start = late + 2 * (c - COHORTS + IN_PROGRESS)
                end = start + 7 * rng.randint(30, 40)
            else:
                start = first + (last - first) * c // (COHORTS - IN_PROGRESS)
                end = start + 7 * rng.randint(4, 16) - 3
            p, k = c % PARTNERSHIPS, (c * 7) % PROGRAMS
            occupation = occupations[(k + c // PROGRAMS) % len(occupations)]
            self.cohorts.append((start, end, p, k, occupation, partners[c % PARTNERS].pk, running))
            rows.append(Cohort(convener_id=cid, program=programs[k], partnership=partnerships[p],
                               name=f"Report bench cohort {c:04d}", target_occupation_id=occupation,
                               start_date=EPOCH + timedelta(days=start), end_date=EPOCH + timedelta(days=end),
                               seats=seats, status="in_progress" if running else "completed",
                               weekly_pattern={"0": "classroom", "1": "classroom", "2": "classroom",
                                               "3": "classroom", "4": "worksite"}))
        self.cohort_ids = [c.pk for c in Cohort.unscoped.bulk_create(rows)]
        self.credentials = [(c.pk, c.name, c.ctdl_type, c.issuer) for c in credentials]
        # Per person, filled by participant_rows() and read by the other generators.
        self.cohort_of: list[int] = []
        self.outcome: list[int] = []  # 0 completed, 1 withdrawn, 2 active
        self.end_day: list[int] = []  # completed_on or withdrawn_on, -1 while active
        self.exit_day: list[int] = []  # stream exit date, -1 when not exited
        self.stream_of: list[int] = []
        self.employer_of: list[int] = []  # placement employer index, -1 when not placed
        self.wage_cents: list[int] = []

    def participant_rows(self, first_id: int, *, with_age: bool) -> Iterator[str]:
        rng = random.Random(12)  # noqa: S311 (bench data)
        r = rng.random

        def pick(choices: list[str]) -> str:
            return choices[int(r() * len(choices))]

        cid = self.convener.pk
        per_partnership = EMPLOYERS // PARTNERSHIPS
        streams = [self.streams[s] for s in STREAMS]
        snap_ids = {self.streams["snap_et_50"], self.streams["snap_et_100"]}
        tanf_id = self.streams["tanf"]
        for i in range(self.n):
            c = int(r() * COHORTS)
            start, end, p, _k, _occ, org, running = self.cohorts[c]
            intake = start - 3 - int(r() * 40)
            if running:
                outcome, end_day = 2, -1
            elif r() < 0.158:
                outcome, end_day = 1, start + 1 + int(r() * (end - start - 1))
            else:
                outcome, end_day = 0, end
            exit_day = end_day if outcome != 2 and r() >= 0.05 else -1
            stream = streams[int(r() * len(streams))]
            if outcome == 0 and r() < 0.70:
                employer, cents = p * per_partnership + int(r() * per_partnership), 1300 + int(r() * 1201)
            else:
                employer, cents = -1, 0
            self.cohort_of.append(c)
            self.outcome.append(outcome)
            self.end_day.append(end_day)
            self.exit_day.append(exit_day)
            self.stream_of.append(stream)
            self.employer_of.append(employer)
            self.wage_cents.append(cents)
            snap = stream in snap_ids or r() < 0.1
            barriers = "\t".join("t" if r() < share else "f" for _, share in BARRIERS)
            created = stamp(intake)
            age = f"\t{18 + int(r() * 47)}" if with_age else ""
            yield (f"{first_id + i}\t{cid}\t{public_id(i)}\t{pick(FIRST)}\t{pick(LAST)}\t{pick(SEX)}\t{pick(RACE)}\t"
                   f"{pick(ETHNICITY)}\t{'t' if r() < 0.05 else 'f'}\t{pick(EDUCATION)}\t{pick(EMPLOYMENT)}\t"
                   f"{barriers}\t{'t' if snap else 'f'}\t{'t' if stream == tanf_id or r() < 0.03 else 'f'}\t"
                   f"{'t' if r() < 0.02 else 'f'}\t{'t' if r() < 0.05 else 'f'}\t"
                   f"{'t' if snap and r() < 0.3 else 'f'}\t"
                   f"{('mandatory' if r() < 0.2 else 'voluntary') if snap else ''}\t{org}\t{DAYS[intake]}\t"
                   f"{'active' if exit_day < 0 else 'exited'}\t{created}\t{created}\t\t\tAtlanta\tGA{age}")

    def enrollment_rows(self, first_id: int, first_participant: int) -> Iterator[str]:
        cid = self.convener.pk
        for i in range(self.n):
            c = self.cohort_of[i]
            start = self.cohorts[c][0]
            outcome, end_day = self.outcome[i], self.end_day[i]
            if outcome == 0:
                tail = f"completed\t{DAYS[end_day]}\t\\N\t\t{stamp(end_day)}"
            elif outcome == 1:
                tail = f"withdrawn\t\\N\t{DAYS[end_day]}\tFound other work\t{stamp(end_day)}"
            else:
                tail = f"active\t\\N\t\\N\t\t{stamp(start)}"
            yield (f"{first_id + i}\t{cid}\t{self.cohort_ids[c]}\t{first_participant + i}\t"
                   f"{DAYS[start - 10]}\t{DAYS[start]}\tf\t{tail}")

    def stream_rows(self, first_participant: int) -> Iterator[str]:
        r = random.Random(13).random  # noqa: S311 (bench data)
        cid = self.convener.pk
        for i in range(self.n):
            start = self.cohorts[self.cohort_of[i]][0]
            exit_day = self.exit_day[i]
            if exit_day < 0:
                tail = f"\\N\t\t\t{stamp(start)}"
            else:
                tail = f"{DAYS[exit_day]}\tderived\t{'health' if r() < 0.01 else ''}\t{stamp(exit_day + 91)}"
            yield f"{cid}\t{first_participant + i}\t{self.stream_of[i]}\t{DAYS[start]}\t{tail}"

    def placement_rows(self, first_participant: int, first_enrollment: int) -> Iterator[str]:
        r = random.Random(14).random  # noqa: S311 (bench data)
        cid = self.convener.pk
        occupations = self.occupations
        for i in range(self.n):
            employer = self.employer_of[i]
            if employer < 0:
                continue
            day = self.end_day[i] + int(r() * 60)
            occupation = self.cohorts[self.cohort_of[i]][4] if r() < 0.85 else occupations[
                int(r() * len(occupations))]
            cents = self.wage_cents[i]
            yield (f"{cid}\t{first_participant + i}\t{self.employer_ids[employer]}\t{self.employer_names[employer]}\t"
                   f"{occupation}\t{first_enrollment + i}\t{DAYS[day]}\t{cents // 100}.{cents % 100:02d}\t40.0\t"
                   f"{'t' if r() < 0.9 else 'f'}\t{PLACEMENT_TYPES[int(r() * len(PLACEMENT_TYPES))]}\t{stamp(day + 3)}")

    def credential_rows(self, first_participant: int, first_enrollment: int) -> Iterator[str]:
        r = random.Random(15).random  # noqa: S311 (bench data)
        cid = self.convener.pk
        for i in range(self.n):
            if self.outcome[i] != 0 or r() >= 0.6:
                continue
            k = self.cohorts[self.cohort_of[i]][3]
            pk, name, ctdl, issuer = self.credentials[k]
            day = self.end_day[i]
            yield (f"{cid}\t{first_participant + i}\t{first_enrollment + i}\t{pk}\t{ctdl}\t{name}\t{issuer}\t"
                   f"{DAYS[day]}\t{stamp(day + 2)}")

    def skill_gain_rows(self, first_participant: int, first_enrollment: int) -> Iterator[str]:
        r = random.Random(16).random  # noqa: S311 (bench data)
        cid = self.convener.pk
        for i in range(self.n):
            if r() >= 0.3:
                continue
            start, end = self.cohorts[self.cohort_of[i]][:2]
            stop = self.end_day[i] if self.end_day[i] >= 0 else min(end, (AS_OF - EPOCH).days)
            day = start + min(7, stop - start) + int(r() * max(1, stop - start - 7))
            yield (f"{cid}\t{first_participant + i}\t{first_enrollment + i}\t{GAIN_TYPES[int(r() * len(GAIN_TYPES))]}\t"
                   f"{DAYS[day]}\t\t{stamp(day)}")

    def wage_rows(self, first_participant: int) -> Iterator[str]:
        """Consecutive quarters after the exit quarter, up to the last closed quarter: placed people 4 to 8,
        the others 0 to 5; 3% of quarters show a second employer."""
        r = random.Random(17).random  # noqa: S311 (bench data)
        cid = self.convener.pk
        quarter_start = {q: (date(q // 4, 3 * (q % 4) + 1, 1) - EPOCH).days for q in range(2014 * 4, 2028 * 4)}
        for i in range(self.n):
            exit_day = self.exit_day[i]
            if exit_day < 0:
                continue
            employer = self.employer_of[i]
            if employer >= 0:
                quarters, base = 4 + int(r() * 5), self.wage_cents[i] * 40 * 13 / 100
                fein = ein_of(employer)
            else:
                quarters, base = int(r() * 6), 1500 + r() * 7000
                fein = ein_of(int(r() * EMPLOYERS)) if r() < 0.6 else f"99-{int(r() * 10_000_000):07d}"
            pid = first_participant + i
            q0 = QIDX[exit_day]
            for q in range(q0 + 1, min(q0 + quarters, LAST_QUARTER) + 1):
                created = stamp(quarter_start[q] + 150, 6)
                yield f"{cid}\t{pid}\t{q // 4}\t{q % 4 + 1}\t{base * (0.85 + r() * 0.3):.2f}\t{fein}\t{created}"
                if r() < 0.03:
                    yield (f"{cid}\t{pid}\t{q // 4}\t{q % 4 + 1}\t{500 + r() * 2500:.2f}\t"
                           f"98-{int(r() * 10_000_000):07d}\t{created}")


PER_PERSON_TABLES = ["participants_participant", "programs_cohortenrollment", "participants_streamenrollment",
                     "participants_placement", "programs_credentialaward", "programs_skillgain",
                     "participants_quarterlywage"]


def generate(scale: float) -> tuple[int, float]:
    """Create the tenant of ``scale``; its convener id and the seconds it took (VACUUM ANALYZE included)."""
    from django.db import connection, transaction

    from participants.models import Participant, Placement, QuarterlyWage, StreamEnrollment
    from programs.models import CohortEnrollment, CredentialAward, SkillGain

    n = round(PARTICIPANTS * scale)
    started = perf_counter()
    with transaction.atomic():
        tenant = Tenant(scale, n)
        say(f"  {tenant.convener.slug}: convener {tenant.convener.pk}, {PARTNERSHIPS} partnerships, "
            f"{EMPLOYERS:,} employers, {PARTNERS} partner organizations, {PROGRAMS} programs, {COHORTS:,} cohorts "
            f"({perf_counter() - started:.1f} s)")
        with connection.cursor() as cursor:
            with_age = "age_at_entry" in table_columns(cursor, Participant._meta.db_table)
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checking ~10 million references at COMMIT
            # doubles the load time. The rows reference what was created just above, by construction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        p0, e0 = reserve_ids(Participant, n), reserve_ids(CohortEnrollment, n)
        loads = [
            (Participant, ["id", "convener_id", "public_id", "first_name", "last_name", "sex", "race", "ethnicity",
                           "veteran", "education_at_entry", "employment_status_at_entry", *(b for b, _ in BARRIERS),
                           "benefit_snap", "benefit_tanf", "benefit_ssi", "benefit_other", "abawd",
                           "snap_participation", "organization_id", "intake_date", "status", "created_at",
                           "updated_at", "ssn_hash", "identity_hash", "city", "state",
                           *(["age_at_entry"] if with_age else [])],
             lambda: tenant.participant_rows(p0, with_age=with_age)),
            (CohortEnrollment, ["id", "convener_id", "cohort_id", "participant_id", "applied_on", "enrolled_on",
                                "seat_override", "status", "completed_on", "withdrawn_on", "withdrawal_reason",
                                "updated_at"],
             lambda: tenant.enrollment_rows(e0, p0)),
            (StreamEnrollment, ["convener_id", "participant_id", "stream_id", "entry_date", "exit_date",
                                "exit_source", "exclusion_reason", "updated_at"],
             lambda: tenant.stream_rows(p0)),
            (Placement, ["convener_id", "participant_id", "employer_id", "employer_name", "occupation_id",
                         "cohort_enrollment_id", "start_date", "hourly_wage", "hours_per_week", "related_to_training",
                         "placement_type", "created_at"],
             lambda: tenant.placement_rows(p0, e0)),
            (CredentialAward, ["convener_id", "participant_id", "enrollment_id", "program_credential_id", "ctdl_type",
                               "name", "issuer", "awarded_on", "created_at"],
             lambda: tenant.credential_rows(p0, e0)),
            (SkillGain, ["convener_id", "participant_id", "enrollment_id", "gain_type", "achieved_on", "note",
                         "created_at"],
             lambda: tenant.skill_gain_rows(p0, e0)),
            (QuarterlyWage, ["convener_id", "participant_id", "year", "quarter", "wages", "employer_fein",
                             "created_at"],
             lambda: tenant.wage_rows(p0)),
        ]
        for model, columns, rows in loads:
            t0 = perf_counter()
            copied = copy_rows(model, columns, rows())
            say(f"  COPY {model._meta.db_table}: {copied:,} rows in {perf_counter() - t0:.1f} s")
    t0 = perf_counter()
    with connection.cursor() as cursor:
        for table in PER_PERSON_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        # And the small tables this tenant filled (cohorts, programs, organizations...): a production database's
        # autovacuum keeps their statistics, but a machine may run with it off (this one's PostgreSQL does), and
        # planned on no statistics the report read a million enrollments through a thousand index scans (7 s
        # instead of 4 s for that step).
        cursor.execute("ANALYZE")
    say(f"  VACUUM (ANALYZE): {perf_counter() - t0:.1f} s")
    elapsed = perf_counter() - started
    if not with_age:
        say("  (participants_participant has no age_at_entry column yet: not filled)")
    return tenant.convener.pk, elapsed


def row_counts(convener_id: int) -> dict[str, int]:
    from django.db import connection
    from psycopg2 import sql  # type: ignore[import-untyped]

    counts = {}
    with connection.cursor() as cursor:
        for table in PER_PERSON_TABLES:
            cursor.execute(sql.SQL("SELECT count(*) FROM {} WHERE convener_id = %s").format(sql.Identifier(table)),
                           [convener_id])
            counts[table] = cursor.fetchone()[0]
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------------------------
# One statement that reads every row of the tenant's per-person tables: each person joined to their cohort and
# stream enrollments and to per-person sums of placements, credentials, skill gains and wages.
SCAN_SQL = """
SELECT count(*), count(*) FILTER (WHERE ce.status = 'completed'), count(se.exit_date),
       sum(pl.n), sum(pl.wage), sum(ca.n), sum(sg.n), sum(w.n), sum(w.total)
FROM participants_participant p
JOIN programs_cohortenrollment ce ON ce.participant_id = p.id AND ce.convener_id = %(c)s
JOIN participants_streamenrollment se ON se.participant_id = p.id AND se.convener_id = %(c)s
LEFT JOIN (SELECT participant_id, count(*) AS n, sum(hourly_wage) AS wage FROM participants_placement
           WHERE convener_id = %(c)s GROUP BY participant_id) pl ON pl.participant_id = p.id
LEFT JOIN (SELECT participant_id, count(*) AS n FROM programs_credentialaward
           WHERE convener_id = %(c)s GROUP BY participant_id) ca ON ca.participant_id = p.id
LEFT JOIN (SELECT participant_id, count(*) AS n FROM programs_skillgain
           WHERE convener_id = %(c)s GROUP BY participant_id) sg ON sg.participant_id = p.id
LEFT JOIN (SELECT participant_id, count(*) AS n, sum(wages) AS total FROM participants_quarterlywage
           WHERE convener_id = %(c)s GROUP BY participant_id) w ON w.participant_id = p.id
WHERE p.convener_id = %(c)s
"""


# The floor under that: every row read once, table by table, no join.
READ_SQL = """
SELECT * FROM
    (SELECT count(*), sum(organization_id) FROM participants_participant WHERE convener_id = %(c)s) p,
    (SELECT count(*), count(completed_on) FROM programs_cohortenrollment WHERE convener_id = %(c)s) ce,
    (SELECT count(*), count(exit_date) FROM participants_streamenrollment WHERE convener_id = %(c)s) se,
    (SELECT count(*), sum(hourly_wage) FROM participants_placement WHERE convener_id = %(c)s) pl,
    (SELECT count(*) FROM programs_credentialaward WHERE convener_id = %(c)s) ca,
    (SELECT count(*) FROM programs_skillgain WHERE convener_id = %(c)s) sg,
    (SELECT count(*), sum(wages) FROM participants_quarterlywage WHERE convener_id = %(c)s) w
"""


def time_report(convener_id: int) -> dict[str, Any]:
    """Seconds of one plain SQL scan of the tenant's rows (cold, then warm) and of the report engine."""
    from django.db import connection, transaction

    from partnerships.models import Convener

    timings: dict[str, Any] = {}
    # The same session settings as the engine gives itself (reports/engine.py), so the comparison is fair: its
    # work_mem, and the server's jit (both compiled when their cost passes jit_above_cost) without optimization.
    from reports.engine import JIT_OPTIMIZE_ABOVE_COST

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"SET LOCAL jit_optimize_above_cost = {JIT_OPTIMIZE_ABOVE_COST}")
        for key in ("scan_cold_s", "scan_s"):
            t0 = perf_counter()
            cursor.execute(SCAN_SQL, {"c": convener_id})
            row = cursor.fetchone()
            timings[key] = perf_counter() - t0
        t0 = perf_counter()
        cursor.execute(READ_SQL, {"c": convener_id})
        cursor.fetchone()
        timings["read_s"] = perf_counter() - t0
    people, completed, exited, placements, _, awards, gains, wages, _ = row
    say(f"  plain scan: {people:,} people ({completed:,} completed, {exited:,} exited), {placements:,} placements, "
        f"{awards:,} credentials, {gains:,} skill gains, {wages:,} wage rows: {timings['scan_cold_s']:.2f} s cold, "
        f"{timings['scan_s']:.2f} s warm; the same rows read table by table, no join: {timings['read_s']:.2f} s")
    try:
        from reports.engine import ReportInputs, compute_figures
    except Exception as exc:  # the engine is being written: the scan alone still counts
        say(f"  report engine not available ({type(exc).__name__}: {exc})")
        timings["report_s"] = None
        return timings
    convener = Convener.objects.get(pk=convener_id)
    inputs = ReportInputs(scope="convener", period_start=PERIOD_START, period_end=PERIOD_END, as_of=AS_OF)
    t0 = perf_counter()
    try:
        compute_figures(convener=convener, inputs=inputs)
    except Exception:  # print it, keep the scan figures
        traceback.print_exc()
        timings["report_s"] = None
        return timings
    timings["report_s"] = perf_counter() - t0
    say(f"  report engine (convener, {PERIOD_START} to {PERIOD_END}, as of {AS_OF}): {timings['report_s']:.2f} s")
    return timings


def write_results(rows: list[dict[str, Any]]) -> None:
    """Merge this run's rows into var/bench/report_scale.json (one row per scale, the latest kept)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text())["results"] if RESULTS.exists() else []
    by_scale = {r["scale"]: r for r in previous}
    by_scale.update({r["scale"]: r for r in rows})
    RESULTS.write_text(json.dumps({"results": [by_scale[s] for s in sorted(by_scale)]}, indent=2) + "\n")


def previous_generation(scale: float) -> float | None:
    if not RESULTS.exists():
        return None
    for row in json.loads(RESULTS.read_text()).get("results", []):
        if row["scale"] == scale:
            return row.get("generation_s")
    return None


def print_table(rows: list[dict[str, Any]]) -> None:
    def num(value: float | None, digits: int = 2) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    say("| scale | participants | wage rows | generation s | plain scan s | report s | report/scan |")
    say("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        say(f"| {r['scale']:g} | {r['participants']:,} | {r['wage_rows']:,} | {num(r['generation_s'], 1)} | "
            f"{num(r['scan_s'])} | {num(r['report_s'])} | {num(r['ratio'], 1)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0],
                        help="1 = 1,000,000 participants; several values run one after another")
    parser.add_argument("--reuse", action="store_true", help="keep a tenant of the same scale if present")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    ensure_database(url)

    import logging

    import django
    from django.core.management import call_command
    from django.db import connection, transaction

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    from partnerships.models import Convener

    rows = []
    for scale in args.scale:
        say(f"Scale {scale:g} ({round(PARTICIPANTS * scale):,} participants):")
        existing = Convener.objects.filter(slug=slug_of(scale)).values_list("pk", flat=True).first()
        if existing is not None and args.reuse:
            convener_id, generation = existing, previous_generation(scale)
            say(f"  reusing {slug_of(scale)} (convener {convener_id})")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # statistics as autovacuum would keep them (see generate)
        else:
            if existing is not None:
                t0 = perf_counter()
                with transaction.atomic():
                    delete_tenant(existing)
                say(f"  deleted the previous {slug_of(scale)} in {perf_counter() - t0:.1f} s")
            convener_id, generation = generate(scale)
            say(f"  generated in {generation:.1f} s")
        counts = row_counts(convener_id)
        say("  count(*): " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        timings = time_report(convener_id)
        report, scan = timings["report_s"], timings["scan_s"]
        rows.append({
            "scale": scale, "convener_id": convener_id, "slug": slug_of(scale),
            "participants": counts["participants_participant"], "wage_rows": counts["participants_quarterlywage"],
            "counts": counts, "generation_s": generation, **timings,
            "ratio": report / scan if report is not None and scan else None,
            "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine skews every figure
        })
    print_table(rows)
    write_results(rows)
    say(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

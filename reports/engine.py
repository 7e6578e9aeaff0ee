"""The report engine: every outcome measure of DOMAIN.md §4 for one scope and period, computed in the database.

How it works, in a few set-based statements:
1. Per-person steps, each a temporary table: the first enrollment in scope (``pe``), the funding streams and the
   exits (``st``), the wages of the 2nd and 4th quarters after exit (``wg``: the 4,000,000 wage rows are read once,
   filtered to the four quarters that matter), the first job with its employer and its checks (``job``).
2. The *facts*: one row per person in scope, with their breakdown keys and, per measure, whether they count
   (started, completed, hired within the window, retained, credential, exit quarter...). On PostgreSQL a large
   report writes the per-person steps in person order, indexes them, and merge-joins them (no hash table to build).
3. The *cells*: one pass groups the facts by a few columns of small cardinality (``CELL_SETS``), summing every
   count; each breakdown's figures are the sums of its cells. Medians do not add up: a few passes over the facts
   (``percentile_cont`` on PostgreSQL).
4. Small roll-ups: supportive-service dollars by type and stream, work-based learning, hires by occupation.
5. A large workspace (PostgreSQL, over ``PARTS_ABOVE_PEOPLE`` participants) runs 1 to 3 in parts side by side, one
   range of participants per connection (``_compute_in_parts``), and the medians and roll-ups on connections of
   their own: the same statements, on a share of the people each.

PostgreSQL and SQLite run the same SQL, except for date arithmetic and lists of dates (``Dialect``), the grouping
of the cells (``GROUPING SETS`` or a ``UNION ALL``) and medians: SQLite has no ``percentile_cont``, so it reads the
sorted values and takes the same interpolated median in Python. The tests check that both give the same figures.

Definitions (DOMAIN.md §4), all for the people of the scope:
- *started*: their first cohort enrollment in the scope with an enrolment date in the period (applicants who
  never started do not count). Completion, hiring, wages, retention and credentials follow that enrollment.
- *excluded*: a funding-stream enrollment with a WIOA exclusion reason. Excluded people leave numerator and
  denominator of the rates (they still count as enrolled).
- *completion rate*: completed ÷ started people who finished (completed or withdrawn); people still in
  training are reported apart until they finish.
- *hired in industry*: a completer whose first job after starting began no later than ``hire_window_days``
  after completion, in the cohort's target occupation, one of the program's target occupations, or at an
  employer in the partnership's industry (NAICS prefix).
- *starting wage*: the hourly wage of that first job; *retention*: its day-90/180 check says employed (or
  employed by the same employer), over placements whose day has passed by ``as_of`` (an unrecorded check
  counts as not retained).
- *credential attainment*: a credential awarded from the start of training to a year after leaving it, over
  training exiters, OJT-only participants excluded.
- *WIOA*: the exit is the last exit date once every funding stream (of the scope's stream, for a stream
  report) has closed; quarters after exit count calendar quarters (reports/periods.py); a quarter counts once it
  has closed before ``as_of``'s quarter. Employment = wages above zero in that quarter (UI match or
  supplemental); median earnings over those employed; same employer = one FEIN with wages in Q2 and Q4.
- *measurable skill gains*: people in training during the period with a gain dated in it ÷ people in training.
- *SNAP E&T*: participants of a SNAP E&T stream, measured after the SNAP E&T enrollment ended.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from partnerships.models import Convener, Organization, Partnership

SNAP_STREAMS = ("snap_et_100", "snap_et_50")
BARRIERS = ("low_income", "english_learner", "basic_skills", "single_parent", "homeless", "justice_involved",
            "long_term_unemployed", "disability", "no_transportation", "child_care")
AGE_BANDS = (("under_25", "Under 25", None, 24), ("25_34", "25 to 34", 25, 34), ("35_44", "35 to 44", 35, 44),
             ("45_54", "45 to 54", 45, 54), ("55_plus", "55 and over", 55, None))

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportInputs:
    scope: str
    period_start: date
    period_end: date
    as_of: date
    scope_id: int | None = None  # partnership, program, cohort or funding-stream id
    hire_window_days: int = 90
    period_kind: str = "custom"

    def canonical(self, *, with_as_of: bool = True) -> str:
        data = asdict(self)
        data.pop("period_kind")
        if not with_as_of:
            data.pop("as_of")
            if self.period_kind == "since_start":
                data.pop("period_end")  # "since the start" moves its end with as_of: one series over time
        return json.dumps(data, sort_keys=True, default=str)

    @property
    def inputs_key(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    @property
    def series_key(self) -> str:
        return hashlib.sha256(self.canonical(with_as_of=False).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Dialect: the only SQL that differs between PostgreSQL and SQLite
# ---------------------------------------------------------------------------------------------------------------
class Dialect:
    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def qidx(self, expr: str) -> str:
        """Calendar-quarter index (year * 4 + quarter - 1) of a date expression."""
        if self.pg:
            return f"(EXTRACT(YEAR FROM {expr})::int * 4 + (EXTRACT(MONTH FROM {expr})::int - 1) / 3)"
        return f"(CAST(strftime('%%Y', {expr}) AS INTEGER) * 4 + (CAST(strftime('%%m', {expr}) AS INTEGER) - 1) / 3)"

    def plus_days(self, expr: str, days: int) -> str:
        days = int(days)  # never user text: an int from validated inputs
        if self.pg:
            return f"({expr} + {days})"
        return f"date({expr}, '{days:+d} days')"

    def c_text(self, expr: str) -> str:
        """A text key compared byte by byte: grouping and sorting by it skip the locale's collation rules."""
        return f'({expr}) COLLATE "C"' if self.pg else expr

    def real(self, expr: str) -> str:
        """A money or wage column as a float: sums and sorts of float8 are several times cheaper than of numeric,
        and every figure is rounded to cents after (SQLite stores these columns as floats anyway)."""
        return f"CAST({expr} AS {'double precision' if self.pg else 'REAL'})"

    def small(self, expr: str) -> str:
        """A 0/1 column of the facts as a smallint: the facts are written once and read by every grouping pass, and
        some fifty such columns as integers made a quarter of each row. SUM of either is a bigint."""
        return f"({expr})::smallint" if self.pg else expr

    def date_list(self, expr: str) -> str:
        """An aggregate: the group's dates as one value that ``any_between`` reads."""
        return f"array_agg({expr})" if self.pg else f"json_group_array({expr})"

    def any_between(self, dates: str, first: str, last: str) -> str:
        """True if any date of ``dates`` (a ``date_list``) is from ``first`` to ``last``."""
        if self.pg:
            return f"EXISTS (SELECT 1 FROM unnest({dates}) AS listed(day) WHERE listed.day BETWEEN {first} AND {last})"
        return f"EXISTS (SELECT 1 FROM json_each({dates}) WHERE value BETWEEN {first} AND {last})"

    def cents(self, expr: str) -> str:
        """A money or wage column in whole cents: sums of these are exact, whatever the order of adding."""
        return f"CAST(ROUND({expr} * 100) AS {'integer' if self.pg else 'INTEGER'})"

    @property
    def fence(self) -> str:
        """Ends a subquery so that the planner keeps it as one (no pull-up): its computed columns are computed once
        per row, not again in each expression of the outer query that names them."""
        return "OFFSET 0" if self.pg else "LIMIT -1 OFFSET 0"

    def param(self, value: date) -> Any:
        return value if self.pg else value.isoformat()


def _table_prefix() -> str:
    return f"rpt_{uuid.uuid4().hex[:10]}"


def _steps(d: Dialect, inputs: ReportInputs, p: str, *, facts: str = "", persistence: str = "TEMPORARY",
           ranged: bool = False) -> list[tuple[str, str]]:
    """(table, CREATE statement) in order. Each step is one set-based statement over one or two base tables, keyed
    by the participant; PostgreSQL ANALYZEs each, so the next join is planned on real row counts (one big statement
    of CTEs was planned on guesses and ran nested loops and merge sorts).

    The steps are temporary tables named ``{p}_<step>``; the facts table is ``facts`` (default ``{p}_facts``),
    ``persistence`` TEMPORARY or, when other sessions read it, UNLOGGED. ``ranged``: every base table is read for the
    participants from ``%(lo)s`` to ``%(hi)s`` only (one part of a report that several sessions compute)."""
    facts = facts or f"{p}_facts"
    sid = int(inputs.scope_id or 0)

    def part(column: str) -> str:
        return f"AND {column} BETWEEN %(lo)s AND %(hi)s" if ranged else ""

    cohort_filter = {"partnership": f"AND c.partnership_id = {sid}", "program": f"AND c.program_id = {sid}",
                     "cohort": f"AND c.id = {sid}"}.get(inputs.scope, "")
    cohort_filter = f"{cohort_filter} {part('e.participant_id')}"
    stream_filter = f"AND se.stream_id = {sid}" if inputs.scope == "stream" else ""
    stream_filter = f"{stream_filter} {part('se.participant_id')}"
    # Stream enrollments of the people in scope only (a partnership's report never reads the whole workspace's).
    stream_people = (f"AND se.participant_id IN (SELECT pid FROM {p}_pe)"
                     if inputs.scope in ("partnership", "program", "cohort") else "")
    snap = ", ".join(f"'{c}'" for c in SNAP_STREAMS)
    window = int(inputs.hire_window_days)
    age = "CASE " + " ".join(
        f"WHEN p.age_at_entry {'<= ' + str(hi) if lo is None else ('>= ' + str(lo) if hi is None else 'BETWEEN ' + str(lo) + ' AND ' + str(hi))} THEN '{key}'"  # noqa: E501
        for key, _label, lo, hi in AGE_BANDS) + " ELSE 'not_recorded' END"
    barriers = ", ".join(f"{d.small(f'CASE WHEN p.barrier_{b} THEN 1 ELSE 0 END')} AS b_{b}" for b in BARRIERS)
    as_of_q = d.qidx("%(as_of)s")
    # The people of the scope, each join on a plain column (a COALESCE of two ids is a column the planner knows
    # nothing of: it guessed trillions of rows and sized every hash join after the first wrong). The workspace's
    # people are anyone with an enrollment or a funding stream: its participants, each looked up in both.
    people = {"convener": f"participants_participant p LEFT JOIN {p}_pe pe ON pe.pid = p.id "
                          f"LEFT JOIN {p}_st st ON st.pid = p.id",
              "stream": f"{p}_st st JOIN participants_participant p ON p.id = st.pid "
                        f"LEFT JOIN {p}_pe pe ON pe.pid = st.pid"}.get(
        inputs.scope, f"{p}_pe pe JOIN participants_participant p ON p.id = pe.pid "
                      f"LEFT JOIN {p}_st st ON st.pid = pe.pid")
    in_scope = "AND (pe.pid IS NOT NULL OR st.pid IS NOT NULL)" if inputs.scope == "convener" else ""

    def awarded(when: str, first: str, last: str) -> str:
        """1 if, ``when`` true, the person has a credential awarded from ``first`` to ``last`` (most have one)."""
        between = (f"CASE WHEN cr.n = 1 THEN cr.first_award BETWEEN {first} AND {last} "
                   f"WHEN cr.n > 1 THEN {d.any_between('cr.awards', first, last)} ELSE 0 = 1 END")
        return f"CASE WHEN {when} AND ({between}) THEN 1 ELSE 0 END"

    flags = ",\n       ".join(f"{d.small(f'CASE WHEN {cond} THEN 1 ELSE 0 END')} AS f_{key}"
                               for key, cond in COUNT_SQL.items())
    return [
        # One row per person: the first enrollment in scope that started in the period (the anchor of every
        # outcome), and over all their enrollments in scope: OJT only, and in training at some time in the period.
        (f"{p}_pe", f"""
CREATE TEMPORARY TABLE {p}_pe AS
SELECT pid, in_period AS started,
       CASE WHEN in_period = 1 THEN eid END AS eid, CASE WHEN in_period = 1 THEN cohort_id END AS cohort_id,
       CASE WHEN in_period = 1 THEN status END AS status, CASE WHEN in_period = 1 THEN enrolled_on END AS enrolled_on,
       CASE WHEN in_period = 1 THEN completed_on END AS completed_on,
       CASE WHEN in_period = 1 THEN withdrawn_on END AS withdrawn_on,
       CASE WHEN in_period = 1 THEN program_id END AS program_id,
       CASE WHEN in_period = 1 THEN target_occupation_id END AS target_occupation_id,
       CASE WHEN in_period = 1 THEN cost_per_participant END AS cost_per_participant,
       CASE WHEN in_period = 1 THEN industry_naics END AS industry_naics,
       ojt_only, in_training_period
FROM (
    SELECT enr.*,
           ROW_NUMBER() OVER person_enrollments AS rn,
           MIN(CASE WHEN program_type = 'ojt' THEN 1 ELSE 0 END) OVER person_enrollments AS ojt_only,
           MAX(CASE WHEN enrolled_on <= %(end)s AND COALESCE(completed_on, withdrawn_on, %(as_of)s) >= %(start)s
                    THEN 1 ELSE 0 END) OVER person_enrollments AS in_training_period
    FROM (
        -- The enrollments in scope that started (read once, not written to a table of their own).
        SELECT e.participant_id AS pid, e.id AS eid, e.cohort_id, e.status, e.enrolled_on, e.completed_on,
               e.withdrawn_on, c.program_id, c.target_occupation_id, pr.program_type, pr.cost_per_participant,
               pa.industry_naics,
               CASE WHEN e.enrolled_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS in_period
        FROM programs_cohortenrollment e
        JOIN programs_cohort c ON c.id = e.cohort_id
        JOIN programs_program pr ON pr.id = c.program_id
        JOIN partnerships_partnership pa ON pa.id = c.partnership_id
        WHERE e.convener_id = %(cid)s AND c.convener_id = %(cid)s {cohort_filter}
          AND e.enrolled_on IS NOT NULL AND e.status <> 'applied'
    ) enr
    -- One window for all three (one pass over the sorted enrollments, not two): the whole of each person's
    -- enrollments is the frame of MIN and MAX; ROW_NUMBER does not read the frame.
    WINDOW person_enrollments AS (PARTITION BY pid ORDER BY in_period DESC, enrolled_on, eid
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) ranked WHERE rn = 1
ORDER BY pid"""),
        (f"{p}_st", f"""
CREATE TEMPORARY TABLE {p}_st AS
SELECT pid, entry_date, snap_et, snap_entry, excluded, snap_excluded,
       CASE WHEN open_count = 0 THEN last_exit END AS exit_date,
       CASE WHEN open_count = 0 THEN {d.qidx('last_exit')} END AS xq,
       CASE WHEN snap_et = 1 AND snap_open = 0 THEN snap_last_exit END AS snap_exit,
       CASE WHEN snap_et = 1 AND snap_open = 0 THEN {d.qidx('snap_last_exit')} END AS sxq
FROM (
    SELECT se.participant_id AS pid, MIN(se.entry_date) AS entry_date, MAX(se.exit_date) AS last_exit,
           SUM(CASE WHEN se.exit_date IS NULL THEN 1 ELSE 0 END) AS open_count,
           MAX(CASE WHEN se.exclusion_reason <> '' THEN 1 ELSE 0 END) AS excluded,
           MAX(CASE WHEN fs.code IN ({snap}) THEN 1 ELSE 0 END) AS snap_et,
           MIN(CASE WHEN fs.code IN ({snap}) THEN se.entry_date END) AS snap_entry,
           MAX(CASE WHEN fs.code IN ({snap}) THEN se.exit_date END) AS snap_last_exit,
           SUM(CASE WHEN fs.code IN ({snap}) AND se.exit_date IS NULL THEN 1 ELSE 0 END) AS snap_open,
           MAX(CASE WHEN fs.code IN ({snap}) AND se.exclusion_reason <> '' THEN 1 ELSE 0 END) AS snap_excluded
    FROM participants_streamenrollment se JOIN programs_fundingstream fs ON fs.id = se.stream_id
    WHERE se.convener_id = %(cid)s {stream_filter} {stream_people}
    GROUP BY se.participant_id
) streams
ORDER BY pid"""),
        # Wages of the 2nd and 4th quarters after each exit (WIOA, and SNAP E&T's own exit), per employer first
        # so "the same employer in Q2 and Q4" is one comparison. Only those four quarters' rows are read on.
        (f"{p}_wg", f"""
CREATE TEMPORARY TABLE {p}_wg AS
SELECT pid, SUM(q2w) AS q2_wages, SUM(q4w) AS q4_wages, SUM(sq2w) AS sq2_wages, SUM(sq4w) AS sq4_wages,
       MAX(CASE WHEN fein <> '' AND q2w > 0 AND q4w > 0 THEN 1 ELSE 0 END) AS same_q2q4
FROM (
    SELECT x.pid, w.employer_fein AS fein,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.xq + 2 THEN {d.real('w.wages')} ELSE 0 END) AS q2w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.xq + 4 THEN {d.real('w.wages')} ELSE 0 END) AS q4w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.sxq + 2 THEN {d.real('w.wages')} ELSE 0 END) AS sq2w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.sxq + 4 THEN {d.real('w.wages')} ELSE 0 END) AS sq4w
    FROM {p}_st x JOIN participants_quarterlywage w ON w.participant_id = x.pid
    WHERE w.convener_id = %(cid)s AND (x.xq IS NOT NULL OR x.sxq IS NOT NULL) {part("w.participant_id")}
      AND w.year * 4 + w.quarter - 1 IN (x.xq + 2, x.xq + 4, x.sxq + 2, x.sxq + 4)
    GROUP BY x.pid, w.employer_fein
) by_employer GROUP BY pid
ORDER BY pid"""),
        # The first job that began on or after the anchor enrollment started, with its employer's size and
        # industry and its day-90 and day-180 checks (joined here, so that the facts join only on the person).
        (f"{p}_job", f"""
CREATE TEMPORARY TABLE {p}_job AS
WITH jobs AS MATERIALIZED (
    SELECT pid, plid, start_date, hourly_wage, placement_type, occupation_id, employer_id FROM (
        SELECT pl.participant_id AS pid, pl.id AS plid, pl.start_date, pl.hourly_wage, pl.placement_type,
               pl.occupation_id, pl.employer_id,
               ROW_NUMBER() OVER (PARTITION BY pl.participant_id ORDER BY pl.start_date, pl.id) AS rn
        FROM participants_placement pl JOIN {p}_pe a ON a.pid = pl.participant_id
        WHERE pl.convener_id = %(cid)s AND a.started = 1 AND pl.start_date >= a.enrolled_on
              {part("pl.participant_id")}
    ) ranked WHERE rn = 1
), checks AS (
    SELECT rc.placement_id,
           MAX(CASE WHEN rc.milestone_days = 90 AND rc.employed THEN 1 ELSE 0 END) AS emp90,
           MAX(CASE WHEN rc.milestone_days = 90 AND rc.employed AND rc.same_employer THEN 1 ELSE 0 END) AS same90,
           MAX(CASE WHEN rc.milestone_days = 180 AND rc.employed THEN 1 ELSE 0 END) AS emp180,
           MAX(CASE WHEN rc.milestone_days = 180 AND rc.employed AND rc.same_employer THEN 1 ELSE 0 END)
               AS same180
    FROM participants_retentioncheck rc JOIN jobs j ON j.plid = rc.placement_id
    WHERE rc.convener_id = %(cid)s AND rc.milestone_days IN (90, 180)
    GROUP BY rc.placement_id
)
SELECT j.*, o.size_band, o.naics_code,
       COALESCE(ck.emp90, 0) AS emp90, COALESCE(ck.same90, 0) AS same90,
       COALESCE(ck.emp180, 0) AS emp180, COALESCE(ck.same180, 0) AS same180
FROM jobs j
LEFT JOIN partnerships_organization o ON o.id = j.employer_id
LEFT JOIN checks ck ON ck.placement_id = j.plid
ORDER BY j.pid"""),
        (facts, f"""
CREATE {persistence} TABLE {facts} AS
WITH creds AS (
    -- Each person's credential dates, grouped on their own (a join of every award to the enrollments and to the
    -- streams, to compare dates row by row, cost two more hash joins of a million rows); compared in person below.
    SELECT participant_id AS pid, COUNT(*) AS n, MIN(awarded_on) AS first_award, {d.date_list('awarded_on')} AS awards
    FROM programs_credentialaward WHERE convener_id = %(cid)s AND awarded_on IS NOT NULL {part("participant_id")}
    GROUP BY participant_id
), gains AS (
    SELECT participant_id AS pid, COUNT(*) AS gains FROM programs_skillgain
    WHERE convener_id = %(cid)s AND achieved_on BETWEEN %(start)s AND %(end)s {part("participant_id")}
    GROUP BY participant_id
), services AS (
    SELECT participant_id AS pid, SUM({d.real('amount')}) AS dollars FROM participants_supportiveservice
    WHERE convener_id = %(cid)s AND status IN ('approved', 'paid') AND provided_on BETWEEN %(start)s AND %(end)s
          {part("participant_id")}
    GROUP BY participant_id
), person AS (
    SELECT p.id AS pid,
           COALESCE(pe.started, 0) AS started,
           pe.program_id, pe.cohort_id, pe.enrolled_on,
           CASE WHEN pe.started = 1 THEN {d.real('pe.cost_per_participant')} END AS program_cost,
           CASE WHEN pe.status = 'completed' THEN 1 ELSE 0 END AS completed,
           CASE WHEN pe.status IN ('completed', 'withdrawn') THEN 1 ELSE 0 END AS finished,
           CASE WHEN pe.status IN ('enrolled', 'active') THEN 1 ELSE 0 END AS in_training,
           COALESCE(st.excluded, 0) AS excluded,
           COALESCE(pe.ojt_only, 0) AS ojt_only,
           CASE WHEN pe.pid IS NOT NULL THEN 1 ELSE 0 END AS had_training,
           COALESCE(pe.in_training_period, 0) AS in_training_period,
           CASE WHEN st.exit_date BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS exiter,
           CASE WHEN st.xq + 2 < {as_of_q} THEN 1 ELSE 0 END AS q2_closed,
           CASE WHEN st.xq + 4 < {as_of_q} THEN 1 ELSE 0 END AS q4_closed,
           COALESCE(st.snap_et, 0) AS snap_et, COALESCE(st.snap_excluded, 0) AS snap_excluded,
           CASE WHEN st.snap_exit BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS snap_exiter,
           CASE WHEN st.sxq + 2 < {as_of_q} THEN 1 ELSE 0 END AS sq2_closed,
           CASE WHEN st.sxq + 4 < {as_of_q} THEN 1 ELSE 0 END AS sq4_closed,
           {d.c_text("COALESCE(NULLIF(p.sex, ''), 'not_recorded')")} AS sex,
           {d.c_text("COALESCE(NULLIF(p.race, ''), 'not_recorded')")} AS race,
           {d.c_text("COALESCE(NULLIF(p.ethnicity, ''), 'not_recorded')")} AS ethnicity,
           {d.c_text(age)} AS age_band,
           {barriers},
           {d.small("CASE WHEN p.benefit_snap THEN 1 ELSE 0 END")} AS ben_snap,
           {d.small("CASE WHEN p.benefit_tanf THEN 1 ELSE 0 END")} AS ben_tanf,
           {d.c_text("CASE WHEN p.abawd THEN 'abawd' ELSE 'not_abawd' END")} AS abawd,
           {d.c_text("COALESCE(NULLIF(p.snap_participation, ''), 'not_recorded')")} AS snap_participation,
           COALESCE(sv.dollars, 0) AS service_dollars,
           CASE WHEN g.gains > 0 THEN 1 ELSE 0 END AS gained,
           CASE WHEN j.plid IS NOT NULL THEN 1 ELSE 0 END AS placed,
           {d.real('j.hourly_wage')} AS wage, j.placement_type, j.occupation_id, j.employer_id,
           {d.c_text("COALESCE(NULLIF(j.size_band, ''), CASE WHEN j.plid IS NULL THEN 'not_placed' "
                     "ELSE 'not_recorded' END)")} AS size_band,
           CASE WHEN pe.status = 'completed' AND j.plid IS NOT NULL
                     AND j.start_date <= {d.plus_days('pe.completed_on', window)}
                     AND (j.occupation_id = pe.target_occupation_id
                          OR EXISTS (SELECT 1 FROM programs_program_target_occupations pto
                                     WHERE pto.program_id = pe.program_id AND pto.occupation_id = j.occupation_id)
                          OR (pe.industry_naics <> '' AND j.naics_code LIKE pe.industry_naics || '%%'))
                THEN 1 ELSE 0 END AS hired,
           CASE WHEN j.plid IS NOT NULL AND {d.plus_days('j.start_date', 90)} <= %(as_of)s THEN 1 ELSE 0 END
               AS ret90_due,
           CASE WHEN j.plid IS NOT NULL AND {d.plus_days('j.start_date', 180)} <= %(as_of)s THEN 1 ELSE 0 END
               AS ret180_due,
           COALESCE(j.emp90, 0) AS emp90, COALESCE(j.same90, 0) AS same90,
           COALESCE(j.emp180, 0) AS emp180, COALESCE(j.same180, 0) AS same180,
           {awarded("pe.started = 1 AND pe.status IN ('completed', 'withdrawn')", "pe.enrolled_on",
                    d.plus_days("COALESCE(pe.completed_on, pe.withdrawn_on)", 365))} AS cred_training,
           {awarded("st.exit_date IS NOT NULL", "st.entry_date", d.plus_days("st.exit_date", 365))} AS cred_exit,
           {awarded("st.snap_exit IS NOT NULL", "st.snap_entry", d.plus_days("st.snap_exit", 365))} AS cred_snap,
           COALESCE(w.q2_wages, 0) AS q2_wages, COALESCE(w.q4_wages, 0) AS q4_wages,
           COALESCE(w.same_q2q4, 0) AS same_q2q4,
           COALESCE(w.sq2_wages, 0) AS sq2_wages, COALESCE(w.sq4_wages, 0) AS sq4_wages
    FROM {people}
    LEFT JOIN {p}_wg w ON w.pid = p.id
    LEFT JOIN {p}_job j ON j.pid = p.id
    LEFT JOIN creds cr ON cr.pid = p.id
    LEFT JOIN gains g ON g.pid = p.id
    LEFT JOIN services sv ON sv.pid = p.id
    WHERE p.convener_id = %(cid)s {in_scope} {part("p.id")}
    {d.fence}
)
SELECT pid, started, program_id, cohort_id, enrolled_on, occupation_id, employer_id, hired,
       sex, race, ethnicity, age_band, {", ".join(f"b_{b}" for b in BARRIERS)}, ben_snap, ben_tanf, abawd,
       snap_participation, size_band, snap_et,
       COALESCE(program_cost, 0) + service_dollars AS cost, program_cost, service_dollars, wage, q2_wages,
       sq2_wages,
       {flags}
FROM person"""),
    ]


# What each stored count sums over the facts, precomputed per person as 0/1 columns f_<key>. "ok" = started and
# not excluded.
_OK = "started = 1 AND excluded = 0"
_WIOA = "exiter = 1 AND excluded = 0"
_SNAP = "snap_et = 1 AND snap_exiter = 1 AND snap_excluded = 0"
COUNT_SQL: dict[str, str] = {
    "people": "1 = 1",
    "enrolled": "started = 1",
    "in_training": "started = 1 AND in_training = 1",
    "excluded": "started = 1 AND excluded = 1",
    "completed": f"{_OK} AND completed = 1",
    "completion_den": f"{_OK} AND finished = 1",
    "hired": f"{_OK} AND hired = 1",
    "hired_den": f"{_OK} AND completed = 1",
    "placed": "started = 1 AND placed = 1",
    # Retention is a rate: excluded people leave it, like the other rates (the module docstring).
    "ret90": f"{_OK} AND ret90_due = 1 AND emp90 = 1",
    "ret90_same": f"{_OK} AND ret90_due = 1 AND same90 = 1",
    "ret90_den": f"{_OK} AND ret90_due = 1",
    "ret180": f"{_OK} AND ret180_due = 1 AND emp180 = 1",
    "ret180_same": f"{_OK} AND ret180_due = 1 AND same180 = 1",
    "ret180_den": f"{_OK} AND ret180_due = 1",
    "cred": f"{_OK} AND finished = 1 AND ojt_only = 0 AND cred_training = 1",
    "cred_den": f"{_OK} AND finished = 1 AND ojt_only = 0",
    "exiters": "exiter = 1",
    "wioa_excluded": "exiter = 1 AND excluded = 1",
    "emp_q2_n": f"{_WIOA} AND q2_closed = 1 AND q2_wages > 0",
    "emp_q2_den": f"{_WIOA} AND q2_closed = 1",
    "emp_q4_n": f"{_WIOA} AND q4_closed = 1 AND q4_wages > 0",
    "emp_q4_den": f"{_WIOA} AND q4_closed = 1",
    "wioa_cred_n": f"{_WIOA} AND had_training = 1 AND ojt_only = 0 AND cred_exit = 1",
    "wioa_cred_den": f"{_WIOA} AND had_training = 1 AND ojt_only = 0",
    "msg_n": "in_training_period = 1 AND excluded = 0 AND gained = 1",
    "msg_den": "in_training_period = 1 AND excluded = 0",
    "ret_same_n": f"{_WIOA} AND q4_closed = 1 AND q2_wages > 0 AND same_q2q4 = 1",
    "ret_same_den": f"{_WIOA} AND q4_closed = 1 AND q2_wages > 0",
    "snap_exiters": _SNAP,
    "snap_emp_q2_n": f"{_SNAP} AND sq2_closed = 1 AND sq2_wages > 0",
    "snap_emp_q2_den": f"{_SNAP} AND sq2_closed = 1",
    "snap_emp_q4_n": f"{_SNAP} AND sq4_closed = 1 AND sq4_wages > 0",
    "snap_emp_q4_den": f"{_SNAP} AND sq4_closed = 1",
    "snap_cred_n": f"{_SNAP} AND had_training = 1 AND ojt_only = 0 AND cred_snap = 1",
    "snap_cred_den": f"{_SNAP} AND had_training = 1 AND ojt_only = 0",
    "snap_msg_n": "snap_et = 1 AND snap_excluded = 0 AND in_training_period = 1 AND gained = 1",
    "snap_msg_den": "snap_et = 1 AND snap_excluded = 0 AND in_training_period = 1",
}
# (stored key, value column, the 0/1 column of the people it is computed over) for medians and means.
MEDIANS: tuple[tuple[str, str, str], ...] = (
    ("wage_median", "wage", "f_placed"),
    ("earn_q2", "q2_wages", "f_emp_q2_n"),
    ("snap_earn_q2", "sq2_wages", "f_snap_emp_q2_n"),
)
# Means and money sums: each a sum and a count over the cells (see CELL_SETS), kept in whole cents so that adding
# cells gives exactly the figure of the group, whatever the order (a float sum would depend on it).
CELL_PARTS: dict[str, str] = {
    "wage_cents": "SUM(CASE WHEN f_placed = 1 THEN {cents_wage} END)",
    "wage_n": "COUNT(CASE WHEN f_placed = 1 THEN wage END)",
    "program_cost_n": "COUNT(program_cost)",
    "service_cents": "SUM({cents_service})",
    "cost_cents": "SUM({cents_cost})",
}

# Breakdowns. Partitions put each person in exactly one group; flags (barriers, benefits) may put a person in
# several, so complementary suppression applies to partitions only.
PARTITIONS: dict[str, str] = {
    "sex": "sex", "race": "race", "ethnicity": "ethnicity", "age_band": "age_band", "size_band": "size_band",
    "program": "program_id", "cohort": "cohort_id",
}
# Programs and cohorts are those of the enrollment that started in the period: people who did not start then
# (counted only by the WIOA measures) have no program row.
STARTED_ONLY = ("program", "cohort")
FLAGS: dict[str, dict[str, str]] = {
    "barrier": {b: f"b_{b}" for b in BARRIERS},
    "benefit": {"snap": "ben_snap", "tanf": "ben_tanf"},
}
SNAP_PARTITIONS: dict[str, str] = {"race": "race", "ethnicity": "ethnicity", "abawd": "abawd",
                                   "participation": "snap_participation"}


# The figures each family of groups needs: everyone's row keeps every figure; a breakdown keeps what its tables
# show (and the complementary suppression reads); the SNAP E&T breakdowns keep the SNAP measures. Fewer figures per
# group is most of the speed of the grouping pass over a million people.
BREAKDOWN_KEYS = ("people", "enrolled", "in_training", "excluded", "completed", "completion_den", "hired", "hired_den",
                  "placed", "ret180", "ret180_den", "cred", "cred_den", "exiters", "emp_q2_n", "emp_q2_den",
                  "snap_exiters")
SNAP_KEYS = ("people", "enrolled", "snap_exiters", "snap_emp_q2_n", "snap_emp_q2_den", "snap_emp_q4_n",
             "snap_emp_q4_den", "snap_cred_n", "snap_cred_den", "snap_msg_n", "snap_msg_den")
FAMILY_KEYS: dict[str, tuple[str, ...]] = {"all": tuple(COUNT_SQL), "breakdown": BREAKDOWN_KEYS, "snap": SNAP_KEYS}
FAMILY_MEDIANS: dict[str, tuple[str, ...]] = {"all": ("wage_median", "earn_q2", "snap_earn_q2"),
                                              "breakdown": ("wage_median", "earn_q2"), "snap": ("snap_earn_q2",)}


@dataclass(frozen=True)
class Dim:
    """One way of grouping the facts: by the values of ``key`` (or into one group named ``group``), over the rows
    whose ``where`` columns are 1."""

    kind: str
    key: str | None
    where: tuple[str, ...] = ()
    group: str = "all"
    family: str = "breakdown"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.where, *((self.key,) if self.key else ()))


DIMS: tuple[Dim, ...] = (
    Dim("all", None, family="all"),
    *(Dim(kind, column, ("started",) if kind in STARTED_ONLY else ()) for kind, column in PARTITIONS.items()),
    *(Dim(kind, None, (column,), group) for kind, flags in FLAGS.items() for group, column in flags.items()),
    *(Dim(f"snap:{kind}", column, ("snap_et",), family="snap") for kind, column in SNAP_PARTITIONS.items()),
)
MONEY_KEYS = ("wage_mean", "cost_total", "service_dollars")
FIGURE_KEYS = (*COUNT_SQL, *MONEY_KEYS, *(k for k, _c, _f in MEDIANS))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(value), 2)


def _interpolated_median(values: list[float]) -> float | None:
    """percentile_cont(0.5): the middle value, or the mean of the two middle values (statistics.median)."""
    return median(values) if values else None


# Every count and money sum adds up, so the facts are grouped once into *cells*, by a few columns of small
# cardinality (each set of columns is enough for some Dims: a person is in one cell of each set), and each Dim's
# figures are the sums of its cells: a pass over some thousands of cells instead of one over a million people per
# family of groups. Medians do not add up: they are computed from the facts (_aggregate_medians).
CELL_SETS: tuple[tuple[str, ...], ...] = (
    ("sex", "race", "ethnicity", "age_band", "size_band", "snap_et", "abawd", "snap_participation"),
    ("started", "program_id", "cohort_id"),
    tuple(column for flags in FLAGS.values() for column in flags.values()),
)
CELL_COLUMNS = tuple(column for cells in CELL_SETS for column in cells)


def cell_set(dim: Dim) -> int:
    """The first set of cells that has every column of the Dim."""
    return next(i for i, cells in enumerate(CELL_SETS) if set(dim.columns) <= set(cells))


DIM_CELLS = {dim.kind: cell_set(dim) for dim in DIMS}  # fails at import if a Dim has no set


def _cells_step(d: Dialect, facts: str, cells_table: str, persistence: str = "TEMPORARY") -> tuple[str, str]:
    """(table, CREATE statement) of the cells: g (which set), the set's columns (NULL for the others' columns),
    every count summed, and the parts of the means and money sums (CELL_PARTS)."""
    cents = {"cents_wage": d.cents("wage"), "cents_service": d.cents("service_dollars"), "cents_cost": d.cents("cost")}
    sums = ", ".join((*(f"SUM(f_{key}) AS f_{key}" for key in COUNT_SQL),
                      *(f"{sql.format(**cents)} AS {name}" for name, sql in CELL_PARTS.items())))
    if d.pg:
        # One pass, hashed: GROUPING() has a bit set for each column the row's set does not group by.
        def mask(cells: tuple[str, ...]) -> int:
            return sum(1 << (len(CELL_COLUMNS) - 1 - i) for i, c in enumerate(CELL_COLUMNS) if c not in cells)
        which = " ".join(f"WHEN {mask(cells)} THEN {i}" for i, cells in enumerate(CELL_SETS))
        sets = ", ".join(f"({', '.join(cells)})" for cells in CELL_SETS)
        select = (f"SELECT CASE GROUPING({', '.join(CELL_COLUMNS)}) {which} END AS g, {', '.join(CELL_COLUMNS)}, "
                  f"{sums} FROM {facts} GROUP BY GROUPING SETS ({sets})")
    else:
        select = " UNION ALL ".join(
            f"SELECT {i} AS g, {', '.join(c if c in cells else f'NULL AS {c}' for c in CELL_COLUMNS)}, {sums} "
            f"FROM {facts} GROUP BY {', '.join(cells)}" for i, cells in enumerate(CELL_SETS))
    return cells_table, f"CREATE {persistence} TABLE {cells_table} AS {select}"


def _cents(value: Any) -> float | None:
    return _num(Decimal(int(value)) / 100)


def _figures(family: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """A group's figures from its row of sums: the family's counts, then (but for the SNAP E&T family) CELL_PARTS."""
    keys = FAMILY_KEYS[family]
    figures: dict[str, Any] = {key: int(value or 0) for key, value in zip(keys, row, strict=False)}
    if family != "snap":
        wage_cents, wage_n, program_cost_n, service_cents, cost_cents = (int(v or 0) for v in row[len(keys):])
        figures["wage_mean"] = _num(Decimal(wage_cents) / wage_n / 100) if wage_n else None
        # Program cost plus supportive services; unknown when neither is on file.
        figures["cost_total"] = None if program_cost_n == 0 and service_cents == 0 else _cents(cost_cents)
        figures["service_dollars"] = _cents(service_cents)
    for key in FAMILY_MEDIANS[family]:
        figures[key] = None
    return figures


def _medians(family: str) -> list[tuple[str, str, str]]:
    return [m for m in MEDIANS if m[0] in FAMILY_MEDIANS[family]]


def _group(value: Any) -> str:
    return str(value) if value is not None else "none"


Groups = dict[str, dict[str, dict[str, Any]]]
Job = Callable[[Any], None]  # a statement or a few, run on the cursor it is given


def cell_sums(cursor: Any, cells: str) -> Groups:
    """Every count and money figure for every group of every Dim: kind -> group -> figures, the sums of the cells
    (the table or view ``cells``). The medians are None until ``median_jobs`` fill them in."""
    out: Groups = {dim.kind: {} for dim in DIMS}
    for dim in DIMS:
        columns = [*(f"f_{key}" for key in FAMILY_KEYS[dim.family]), *(CELL_PARTS if dim.family != "snap" else ())]
        where = "".join(f" AND {c} = 1" for c in dim.where)
        cursor.execute(f"SELECT {dim.key or repr(dim.group)}, {', '.join(f'SUM({c})' for c in columns)} "
                       f"FROM {cells} WHERE g = {DIM_CELLS[dim.kind]}{where} GROUP BY 1")
        for group, *sums in cursor.fetchall():
            out[dim.kind][_group(group)] = _figures(dim.family, tuple(sums))
    return out


def median_jobs(table: str, d: Dialect, out: Groups) -> list[Job]:
    """Each group's medians, into the groups of ``out`` (``cell_sums``), as independent passes over the facts that
    may run one after the other or side by side on several connections. PostgreSQL: percentile_cont, four passes,
    the two longest first (side by side, the first and third and the second and fourth take about as long); SQLite:
    each group's values read sorted, the median taken in Python (the same interpolation)."""
    if d.pg:
        partitions = {family: [dim for dim in DIMS if dim.family == family and dim.key] for family in FAMILY_KEYS}
        jobs: list[Job] = [
            functools.partial(_medians_partitions, table=table, out=out, dims=partitions["breakdown"],
                              family="breakdown", median=median)
            for median in _medians("breakdown")]
        jobs += [functools.partial(_medians_partitions, table=table, out=out, dims=partitions[family], family=family,
                                   median=median)
                 for family in FAMILY_KEYS if family != "breakdown" and partitions[family]
                 for median in _medians(family)]
        jobs.append(functools.partial(_medians_filtered, table=table, out=out,
                                      dims=[dim for dim in DIMS if dim.key is None]))
        return jobs
    return [functools.partial(_medians_sqlite, table=table, out=out)]


def _medians_sqlite(cursor: Any, *, table: str, out: Groups) -> None:
    for dim in DIMS:
        key = dim.key or f"'{dim.group}'"
        where = " AND ".join(f"{c} = 1" for c in dim.where) or "1 = 1"
        for median_key, col, flag in _medians(dim.family):
            cursor.execute(f"SELECT {key}, {col} FROM {table} WHERE {where} AND {flag} = 1 ORDER BY 1, 2")
            values: dict[str, list[float]] = {}
            for group, value in cursor.fetchall():
                values.setdefault(_group(group), []).append(float(value))
            for group, found in values.items():
                if group in out[dim.kind]:
                    out[dim.kind][group][median_key] = _num(_interpolated_median(found))


def _medians_filtered(cursor: Any, *, table: str, out: Groups, dims: list[Dim]) -> None:
    """PostgreSQL: the medians of everyone and of each flag (barriers, benefits: the people whose one 0/1 column is
    1) in one plain aggregate, each percentile_cont its own sort of only its rows (FILTER)."""
    medians = [(dim, key, f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {col}) "
                          f"FILTER (WHERE {' AND '.join((f'{flag} = 1', *(f'{c} = 1' for c in dim.where)))})")
               for dim in dims for key, col, flag in _medians(dim.family)]
    if not medians:
        return
    cursor.execute(f"SELECT {', '.join(m for _d, _k, m in medians)} FROM {table}")
    for (dim, key, _m), value in zip(medians, cursor.fetchone(), strict=True):
        if dim.group in out[dim.kind]:
            out[dim.kind][dim.group][key] = _num(value)


def _medians_partitions(cursor: Any, *, table: str, out: Groups, dims: list[Dim], family: str,
                        median: tuple[str, str, str]) -> None:
    """PostgreSQL: the partitions of one family, one pass for one median over only the rows that have the value: each
    group's values gathered by hashing (GROUPING SETS; GROUPING() tells which set a row belongs to), then each
    group's own small array sorted by percentile_cont. Several times faster than a sorted GROUPING SETS pass. The
    rows come sorted by the value (one sort), so each group's array is gathered in order and the sort of
    percentile_cont finds it presorted (one comparison per value); the median does not depend on that order."""
    if not dims:
        return
    columns = sorted({c for dim in dims for c in dim.columns})
    # Rows every Dim of the family leaves out (the SNAP E&T breakdowns are over SNAP E&T participants) are not read.
    common = sorted(set.intersection(*(set(dim.where) for dim in dims)))
    position = {c: i for i, c in enumerate(columns)}
    sets = ", ".join("(" + ", ".join(dim.columns) + ")" for dim in dims)
    grouping = f"GROUPING({', '.join(columns)})"
    # GROUPING() sets the bit of each column NOT grouped in the row's set (first column = highest bit).
    by_mask = {sum(1 << (len(columns) - 1 - position[c]) for c in columns if c not in dim.columns): dim
               for dim in dims}
    grouped = ", ".join(columns)
    key, col, flag = median
    wanted = " AND ".join((f"{flag} = 1", *(f"{c} = 1" for c in common)))
    cursor.execute(
        f"SELECT g, {grouped}, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(vals) AS v) "
        f"FROM (SELECT {grouping} AS g, {grouped}, array_agg({col}) AS vals "
        f"FROM (SELECT {grouped}, {col} FROM {table} WHERE {wanted} ORDER BY {col}) by_value "
        f"GROUP BY GROUPING SETS ({sets})) per_group")
    for mask, *values, value in cursor.fetchall():
        dim = by_mask[mask]
        if any(values[position[c]] != 1 for c in dim.where):
            continue  # a started-only or SNAP E&T set's rows of the people it leaves out
        group = _group(values[position[dim.key]]) if dim.key else dim.group
        if group in out[dim.kind]:
            out[dim.kind][group][key] = _num(value)


def _labels(convener: Convener, kind: str, ids: list[str]) -> dict[str, str]:
    from participants.models import Participant
    from programs.models import Cohort, Program

    if kind == "program":
        return {str(pk): name for pk, name in Program.objects.for_convener(convener)
                .filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list("pk", "name")}
    if kind == "cohort":
        return {str(pk): name for pk, name in Cohort.objects.for_convener(convener)
                .filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list("pk", "name")}
    choices: dict[str, dict[str, str]] = {
        "sex": dict(Participant.Sex.choices), "race": dict(Participant.Race.choices),
        "ethnicity": dict(Participant.Ethnicity.choices),
        "age_band": {key: label for key, label, _lo, _hi in AGE_BANDS},
        "size_band": {**dict(Organization.SizeBand.choices), "not_placed": "Not placed in a job"},
        "barrier": {b: str(Participant.label_of(f"barrier_{b}")).capitalize() for b in BARRIERS},
        "benefit": {"snap": "SNAP at entry", "tanf": "TANF at entry"},
        "abawd": {"abawd": "ABAWD", "not_abawd": "Not ABAWD"},
        "participation": {"voluntary": "Voluntary", "mandatory": "Mandatory"},
    }
    table = choices.get(kind, {})
    return {i: str(table.get(i, "Not recorded" if i in ("not_recorded", "none") else i)) for i in ids}


def _rows(convener: Convener, kind: str, groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    labels = _labels(convener, kind, list(groups))
    rows = [{"key": key, "label": labels.get(key, key), **figures} for key, figures in groups.items()]
    rows.sort(key=lambda r: (r["key"] in ("not_recorded", "none", "not_placed"), str(r["label"]).lower()))
    return rows


def compute_figures(*, convener: Convener, inputs: ReportInputs, progress: Progress | None = None) -> dict[str, Any]:
    """Every figure of the report, unsuppressed, with the people behind each (JSON-ready)."""
    say = progress or (lambda pct, step: None)
    d = Dialect(connection.vendor)
    params = {"cid": convener.pk, "start": d.param(inputs.period_start), "end": d.param(inputs.period_end),
              "as_of": d.param(inputs.as_of)}
    parts = _parts(d, convener)
    if parts:
        groups, extras = _compute_in_parts(d, convener, inputs, params, parts, say)
    else:
        groups, extras = _compute_in_one_session(d, convener, inputs, params, say)
    overall = groups["all"].get("all") or {
        **dict.fromkeys(COUNT_SQL, 0), **dict.fromkeys(k for k in FIGURE_KEYS if k not in COUNT_SQL)}
    breakdowns = {kind: _rows(convener, kind, groups[kind]) for kind in (*PARTITIONS, *FLAGS)}
    snap = {kind: _rows(convener, kind, groups[f"snap:{kind}"]) for kind in SNAP_PARTITIONS}
    say(95, "Storing the snapshot")
    return {
        "schema": 1,
        "inputs": {"scope": inputs.scope, "scope_id": inputs.scope_id, "period_start": str(inputs.period_start),
                   "period_end": str(inputs.period_end), "as_of": str(inputs.as_of),
                   "hire_window_days": inputs.hire_window_days, "period_kind": inputs.period_kind},
        "overall": overall,
        "breakdowns": breakdowns,
        "snap_breakdowns": snap,
        **extras,
    }


def _session_settings(cursor: Any, d: Dialect) -> None:
    """The settings of a report's transaction (SET LOCAL: they end with it)."""
    if not d.pg:
        return
    # The joins and groupings of one report fit in memory; the default 4MB spills them to disk.
    cursor.execute("SET LOCAL work_mem = '256MB'")
    # jit: the server's setting. PostgreSQL compiles only statements whose cost passes jit_above_cost: the steps
    # over a million people run 10 to 25% faster compiled (measured, README), a small workspace's report is not
    # compiled at all. LLVM's optimization passes, though, took up to 1.9 s to compile the facts and gained nothing
    # measurable: off.
    cursor.execute(f"SET LOCAL jit_optimize_above_cost = {JIT_OPTIMIZE_ABOVE_COST}")
    # Temporary tables live in local buffers; 8MB by default sends a million rows to disk. Settable only before
    # the session's first temporary table, hence the savepoint and the suppress.
    with contextlib.suppress(DatabaseError), transaction.atomic():
        cursor.execute("SET LOCAL temp_buffers = '512MB'")


def _run_steps(cursor: Any, d: Dialect, steps: list[tuple[str, str]], params: dict[str, Any],
               say: Progress | None = None) -> None:
    """Run the CREATE statements in order; on PostgreSQL, index and analyze each large one."""
    large: set[str] = set()
    for number, (name, sql) in enumerate(steps):
        step = name.rsplit("_", 1)[-1]
        if say:
            say(5 + 55 * number // len(steps), STEP_LABELS.get(step, "Gathering"))
        merge = d.pg and step == "facts" and large >= set(PER_PERSON_STEPS)
        if merge:
            # Every step table is written in person order and indexed on the person: the facts join them all by
            # merging the sorted streams, with no hash table to build (a hash join of a million rows costs more
            # than a second here; the facts were seven). The planner, costing a merge through an index, still
            # prefers hashing, hence the switch, for this statement only.
            cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute(sql, params)
        rows = cursor.rowcount
        if merge:
            cursor.execute("SET LOCAL enable_hashjoin TO DEFAULT")
        if d.pg and rows > ANALYZE_ABOVE_ROWS:
            large.add(step)
            if step in PER_PERSON_STEPS:
                cursor.execute(f"CREATE INDEX ON {name} (pid)")
            cursor.execute(f"ANALYZE {name} ({', '.join(ANALYZE_COLUMNS[step])})")


def _drop(cursor: Any, names: list[str], kind: str = "TABLE") -> None:
    for name in reversed(names):
        try:
            cursor.execute(f"DROP {kind} IF EXISTS {name}")
        except DatabaseError:  # an aborted transaction: the temporary tables go with it
            logger.warning("could not drop %s", name)
            break


def _compute_in_one_session(d: Dialect, convener: Convener, inputs: ReportInputs, params: dict[str, Any],
                            say: Progress) -> tuple[Groups, dict[str, Any]]:
    prefix = _table_prefix()
    facts, cells = f"{prefix}_facts", f"{prefix}_cells"
    steps = [*_steps(d, inputs, prefix), _cells_step(d, facts, cells)]
    # One transaction: SET LOCAL applies to it only, and a failure leaves no temporary table behind.
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            _session_settings(cursor, d)
            _run_steps(cursor, d, steps, params, say)
            say(65, "Counting outcomes for every group")
            groups = cell_sums(cursor, cells)
            _run_jobs(cursor, jobs=median_jobs(facts, d, groups))
            say(88, "Services, work-based learning and employers")
            extras = _extras(cursor, d, convener, inputs, facts, params)
        finally:
            _drop(cursor, [name for name, _sql in steps])
    return groups, extras


# ---------------------------------------------------------------------------------------------------------------
# A large workspace's report in parts, side by side (PostgreSQL)
# ---------------------------------------------------------------------------------------------------------------
# Every per-person step reads only its own person's rows, so a large workspace's report splits by person: each of
# REPORT_WORKERS connections computes the steps, the facts and the cells of one range of participants (about as
# many people in each), on a core of its own. The cells add up across the parts like any cells; the medians read
# all the facts (a view over the parts) in a few passes, also side by side. The parts' facts and cells are read by
# other sessions, so they are not temporary tables but UNLOGGED ones (no WAL: they are scratch), in the schema
# WORK_SCHEMA (the reports migration creates it; the application role may create tables there and nowhere else),
# and are dropped at the end. A worker killed in the middle leaves its tables behind: the next large report drops
# those older than STALE_WORK_SECONDS (the name carries the time it was made).
WORK_SCHEMA = "report_work"
WORK_PREFIX = "rptp_"
STALE_WORK_SECONDS = 6 * 3600
# Below this many participants in the workspace one session is quick enough (a small workspace's report takes well
# under a second, and the parts would cost more connections than they save).
PARTS_ABOVE_PEOPLE = 200_000


def _parts(d: Dialect, convener: Convener) -> list[tuple[int, int]]:
    """The participant-id ranges (first, last) of the parts of a report, or [] to run it in one session."""
    workers = int(getattr(settings, "REPORT_WORKERS", 1))
    # A caller's open transaction (a test, an atomic block) would hide its rows from the other connections.
    if not d.pg or workers < 2 or connection.in_atomic_block:
        return []
    from participants.models import Participant

    if Participant.objects.for_convener(convener).count() <= PARTS_ABOVE_PEOPLE:
        return []
    with connection.cursor() as cursor:
        # The last id of each part but the last: as many people in each part (ids are not evenly spread).
        cursor.execute("SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY id) "
                       "FROM participants_participant WHERE convener_id = %s",
                       [[k / workers for k in range(1, workers)], convener.pk])
        ends = sorted(set(cursor.fetchone()[0]))
    firsts = [0, *(end + 1 for end in ends)]
    lasts = [*ends, 2**63 - 1]
    return list(zip(firsts, lasts, strict=True))


def _in_threads(convener: Convener, jobs: list[Callable[[], Any]], *,
                waiting: Callable[[], None] | None = None) -> list[Any]:
    """Run each job in a thread of its own, on a connection of its own set to the convener (row-level security),
    closed after; ``waiting`` is called every second meanwhile (progress). Returns the results in order, or raises
    the first job's error once all have ended."""
    from partnerships import rls

    def run(job: Callable[[], Any]) -> Any:
        try:
            rls.set_tenant(convener)
            return job()
        finally:
            connection.close()  # the thread's own: its temporary tables and settings go with it

    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="report") as pool:
        futures = [pool.submit(run, job) for job in jobs]
        while wait(futures, timeout=1).not_done:
            if waiting:
                waiting()
    return [future.result() for future in futures]


def _in_transaction(d: Dialect, work: Callable[[Any], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with transaction.atomic(), connection.cursor() as cursor:
            _session_settings(cursor, d)
            return work(cursor)
    return run


def _run_jobs(cursor: Any, *, jobs: list[Job]) -> None:
    for job in jobs:
        job(cursor)


def _sweep_stale_work(cursor: Any) -> None:
    """Drop what killed reports left in WORK_SCHEMA (views first: they name the tables)."""
    cursor.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = %s AND c.relkind IN ('r', 'v') AND c.relname LIKE %s "
                   "AND pg_has_role(c.relowner, 'USAGE') ORDER BY c.relkind DESC",
                   [WORK_SCHEMA, WORK_PREFIX.replace("_", "\\_") + "%"])
    now = time.time()
    for name, kind in cursor.fetchall():
        made = name[len(WORK_PREFIX):].split("_", 1)[0]
        if made.isdigit() and now - int(made) > STALE_WORK_SECONDS:
            _drop(cursor, [f"{WORK_SCHEMA}.{name}"], "VIEW" if kind == "v" else "TABLE")


def _compute_in_parts(d: Dialect, convener: Convener, inputs: ReportInputs, params: dict[str, Any],
                      parts: list[tuple[int, int]], say: Progress) -> tuple[Groups, dict[str, Any]]:
    """Each statement sees what was committed when it began (READ COMMITTED), as the statements of one session do:
    a report is as consistent across its parts as across its steps."""
    shared = f"{WORK_SCHEMA}.{WORK_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:10]}"
    facts, cells = f"{shared}_facts", f"{shared}_cells"
    tables = [f"{shared}_{k}_{step}" for k in range(len(parts)) for step in ("facts", "cells")]

    # Where each part is (its threads write, this one reads): the progress shown is the part furthest behind's.
    steps_at: dict[int, tuple[int, str]] = {}

    def part(k: int, first: int, last: int) -> Callable[[], None]:
        steps = [*_steps(d, inputs, _table_prefix(), facts=f"{shared}_{k}_facts", persistence="UNLOGGED",
                         ranged=True),
                 _cells_step(d, f"{shared}_{k}_facts", f"{shared}_{k}_cells", "UNLOGGED")]

        def at(pct: int, step: str) -> None:
            steps_at[k] = (pct, step)

        # Committed at the end of the part: the facts and cells become visible to the other connections.
        return _in_transaction(d, lambda cursor: _run_steps(cursor, d, steps, {**params, "lo": first, "hi": last},
                                                            at))

    def waiting() -> None:
        if len(steps_at) == len(parts):  # every part has begun: the least of them only grows from here
            pct, step = min(steps_at.values())
            say(pct, f"{step} ({len(parts)} parts side by side)")

    try:
        with connection.cursor() as cursor:
            _sweep_stale_work(cursor)
        say(5, f"Outcomes per person, in {len(parts)} parts side by side")
        _in_threads(convener, [part(k, first, last) for k, (first, last) in enumerate(parts)], waiting=waiting)
        with connection.cursor() as cursor:
            for view, step in ((facts, "facts"), (cells, "cells")):
                cursor.execute(f"CREATE VIEW {view} AS " + " UNION ALL ".join(
                    f"SELECT * FROM {shared}_{k}_{step}" for k in range(len(parts))))
            say(65, "Counting outcomes for every group")
            groups = cell_sums(cursor, cells)
        say(75, "Medians, services, work-based learning and employers")
        # The median passes dealt out over the workers (median_jobs orders them so that this balances), the
        # services, work-based learning and employer side on one more connection beside them.
        jobs = median_jobs(facts, d, groups)
        workers = len(parts)
        batches = [jobs[k::workers] for k in range(workers)]
        results = _in_threads(convener, [
            *(_in_transaction(d, functools.partial(_run_jobs, jobs=batch)) for batch in batches if batch),
            _in_transaction(d, lambda cursor: _extras(cursor, d, convener, inputs, facts, params))])
        extras = results[-1]
    finally:
        with connection.cursor() as cursor:
            _drop(cursor, [facts, cells], "VIEW")
            _drop(cursor, tables)
    return groups, extras


# jit_optimize_above_cost of the report's transaction, and of the benchmark's plain scan beside it: -1, never.
JIT_OPTIMIZE_ABOVE_COST = -1
# The steps written in person order (ORDER BY pid) that the facts join on the person.
PER_PERSON_STEPS = ("pe", "st", "wg", "job")
# Below this many rows the planner's default guess for an un-analyzed table is good enough, and ANALYZE costs more
# than it saves (a small workspace's report, every test's world).
ANALYZE_ABOVE_ROWS = 5_000
# The columns later statements join, filter or group on: statistics of the others would never be read (the facts
# have some eighty columns).
ANALYZE_COLUMNS: dict[str, tuple[str, ...]] = {
    "pe": ("pid", "started", "status", "enrolled_on"),
    "st": ("pid", "xq", "sxq", "exit_date", "snap_exit"),
    "wg": ("pid",),
    "job": ("pid", "plid", "employer_id"),
    "facts": tuple(dict.fromkeys((
        "pid", "started", "snap_et", "hired", "occupation_id", "employer_id", "f_placed", "f_emp_q2_n",
        "f_snap_emp_q2_n", *PARTITIONS.values(), *SNAP_PARTITIONS.values(),
        *(column for flags in FLAGS.values() for column in flags.values())))),
    "cells": ("g",),
}
STEP_LABELS = {"pe": "Enrollments: the first of each person",
               "st": "Funding streams and exits", "wg": "Wages after exit", "job": "First jobs",
               "facts": "Outcomes per person", "cells": "Counting outcomes for every group"}


def _extras(cursor: Any, d: Dialect, convener: Convener, inputs: ReportInputs, table: str,
            params: dict[str, Any]) -> dict[str, Any]:
    from participants.models import Placement, SupportiveService
    from programs.models import FundingStream

    # Supportive services: dollars, services and people by type and funding stream (approved or paid money).
    cursor.execute(f"""
        SELECT ss.service_type, fs.code, SUM(ss.amount), COUNT(*), COUNT(DISTINCT ss.participant_id)
        FROM participants_supportiveservice ss
        JOIN {table} f ON f.pid = ss.participant_id
        JOIN participants_streamenrollment se ON se.id = ss.stream_enrollment_id
        JOIN programs_fundingstream fs ON fs.id = se.stream_id
        WHERE ss.convener_id = %(cid)s AND ss.status IN ('approved', 'paid')
          AND ss.provided_on BETWEEN %(start)s AND %(end)s
        GROUP BY ss.service_type, fs.code""", params)
    type_labels = dict(SupportiveService.ServiceType.choices)
    stream_labels = dict(FundingStream.objects.values_list("code", "name"))
    by_type: dict[str, dict[str, Any]] = {}
    by_stream: dict[str, dict[str, Any]] = {}
    cells = []
    for service_type, code, dollars, count, people in cursor.fetchall():
        amount = Decimal(str(dollars or 0))
        cells.append({"type": service_type, "stream": code, "dollars": _num(amount), "services": count,
                      "people": people})
        for bucket, key, label in ((by_type, service_type, type_labels.get(service_type, service_type)),
                                   (by_stream, code, stream_labels.get(code, code))):
            row = bucket.setdefault(key, {"key": key, "label": str(label), "dollars": Decimal(0), "services": 0})
            row["dollars"] += amount
            row["services"] += count
    # People per type or stream must be distinct people, counted in the database.
    for column, bucket in (("ss.service_type", by_type), ("fs.code", by_stream)):
        cursor.execute(f"""
            SELECT {column}, COUNT(DISTINCT ss.participant_id)
            FROM participants_supportiveservice ss
            JOIN {table} f ON f.pid = ss.participant_id
            JOIN participants_streamenrollment se ON se.id = ss.stream_enrollment_id
            JOIN programs_fundingstream fs ON fs.id = se.stream_id
            WHERE ss.convener_id = %(cid)s AND ss.status IN ('approved', 'paid')
              AND ss.provided_on BETWEEN %(start)s AND %(end)s
            GROUP BY {column}""", params)
        for key, people in cursor.fetchall():
            bucket[key]["people"] = people
    services = {
        "by_type": sorted(({**r, "dollars": _num(r["dollars"])} for r in by_type.values()),
                          key=lambda r: -(r["dollars"] or 0)),
        "by_stream": sorted(({**r, "dollars": _num(r["dollars"])} for r in by_stream.values()),
                            key=lambda r: -(r["dollars"] or 0)),
        "cells": cells,
    }

    # Work-based learning: every apprenticeship, internship and OJT placement of the people who started.
    wbl_types = ("apprenticeship", "internship", "ojt")
    where = (f"p.convener_id = {int(convener.pk)} AND f.started = 1 AND p.start_date >= f.enrolled_on "
             f"AND p.placement_type IN ({', '.join(repr(t) for t in wbl_types)})")
    source = f"participants_placement p JOIN {table} f ON f.pid = p.participant_id"
    # PostgreSQL: the median in the same pass (one join of the placements to the facts, not two).
    median_sql = ", percentile_cont(0.5) WITHIN GROUP (ORDER BY p.hourly_wage)" if d.pg else ""
    cursor.execute(f"SELECT p.placement_type, COUNT(*), COUNT(DISTINCT p.participant_id), AVG(p.hourly_wage)"
                   f"{median_sql} FROM {source} WHERE {where} GROUP BY p.placement_type")
    found = cursor.fetchall()
    counts = {row[0]: tuple(row[1:4]) for row in found}
    medians = ({row[0]: _num(row[4]) for row in found} if d.pg
               else _median_by(cursor, "p.placement_type", "p.hourly_wage", where, source))
    type_names = dict(Placement.PlacementType.choices)
    wbl = [{"key": t, "label": str(type_names[t]), "placements": counts.get(t, (0, 0, None))[0],
            "people": counts.get(t, (0, 0, None))[1], "wage_median": medians.get(t),
            "wage_mean": _num(counts.get(t, (0, 0, None))[2])} for t in wbl_types]

    # Employer side: hires by occupation beside the openings employers asked for, and repeat hiring employers.
    cursor.execute(f"""
        SELECT o.soc_code, o.title, COUNT(*) FROM {table} f JOIN employers_occupation o ON o.id = f.occupation_id
        WHERE f.hired = 1 GROUP BY o.soc_code, o.title""")
    hires = {soc: (title, n) for soc, title, n in cursor.fetchall()}
    cursor.execute(f"""
        SELECT COUNT(*), SUM(CASE WHEN cohorts >= 2 THEN 1 ELSE 0 END) FROM (
            SELECT employer_id, COUNT(DISTINCT cohort_id) AS cohorts FROM {table}
            WHERE hired = 1 AND employer_id IS NOT NULL GROUP BY employer_id) hiring""")
    hiring_employers, repeat_employers = cursor.fetchone()
    openings = _openings(convener, inputs)
    occupations = []
    for soc in sorted(set(hires) | set(openings), key=lambda s: (-hires.get(s, ("", 0))[1], s)):
        title = hires.get(soc, (None, 0))[0] or openings.get(soc, {}).get("title", soc)
        occupations.append({"key": soc, "label": f"{title} ({soc})", "hires": hires.get(soc, (None, 0))[1],
                            "openings": openings.get(soc, {}).get("openings"),
                            "employers": openings.get(soc, {}).get("employers")})
    return {
        "services": services,
        "work_based_learning": wbl,
        "employer_side": {"occupations": occupations, "hiring_employers": int(hiring_employers or 0),
                          "repeat_employers": int(repeat_employers or 0)},
    }


def _median_by(cursor: Any, key_sql: str, col: str, where: str, source: str) -> dict[str, float | None]:
    """SQLite: each group's values read sorted, the interpolated median taken in Python."""
    cursor.execute(f"SELECT {key_sql}, {col} FROM {source} WHERE {where} ORDER BY {key_sql}, {col}")
    grouped: dict[str, list[float]] = {}
    for key, value in cursor.fetchall():
        grouped.setdefault(str(key), []).append(float(value))
    return {k: _num(_interpolated_median(v)) for k, v in grouped.items()}


def _openings(convener: Convener, inputs: ReportInputs) -> dict[str, dict[str, Any]]:
    """Openings by SOC from the latest demand snapshot of each partnership in scope (employers' answers)."""
    from employers.models import DemandSnapshot
    from programs.models import Cohort, Program

    partnerships: list[int]
    if inputs.scope == "partnership":
        partnerships = [int(inputs.scope_id or 0)]
    elif inputs.scope == "cohort":
        partnerships = list(Cohort.objects.for_convener(convener).filter(pk=inputs.scope_id)
                            .values_list("partnership_id", flat=True))
    elif inputs.scope == "program":
        partnerships = list(Cohort.objects.for_convener(convener)
                            .filter(program__in=Program.objects.for_convener(convener).filter(pk=inputs.scope_id))
                            .values_list("partnership_id", flat=True).distinct())
    else:
        partnerships = list(Partnership.objects.for_convener(convener).values_list("pk", flat=True))
    latest = (DemandSnapshot.objects.for_convener(convener).filter(partnership_id__in=partnerships)
              .order_by("partnership_id", "-version"))
    seen: set[int] = set()
    out: dict[str, dict[str, Any]] = {}
    for snapshot in latest.only("partnership_id", "data"):
        if snapshot.partnership_id in seen:
            continue
        seen.add(snapshot.partnership_id)
        for row in (snapshot.data or {}).get("occupations", []):
            cell = out.setdefault(row["soc_code"], {"title": row.get("title", ""), "openings": 0, "employers": 0})
            cell["openings"] += int(row.get("openings") or 0)
            cell["employers"] += int(row.get("employers") or 0)
    return out


def figures_hash(figures: dict[str, Any]) -> str:
    """A stable hash of the figures (not of when they were computed), to recognise an unchanged result."""
    body = {k: v for k, v in figures.items() if k != "inputs"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

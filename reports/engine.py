"""The report engine: every outcome measure of DOMAIN.md §4 for one scope and period, computed in the database.

How it works, in a few set-based statements:
1. One ``CREATE TEMPORARY TABLE ... AS WITH ...`` builds the *facts*: one row per person in scope, with their
   breakdown keys and, per measure, whether they count (started, completed, hired within the window, retained,
   credential, exit quarter, wages in the 2nd and 4th quarters after exit...). Every join is a hash join on
   the participant; the 4,000,000 wage rows are read once, filtered to the four quarters that matter.
2. One grouped ``SELECT`` per breakdown sums those flags (``percentile_cont`` gives the medians on PostgreSQL).
3. Small roll-ups: supportive-service dollars by type and stream, work-based learning, hires by occupation.

PostgreSQL and SQLite run the same SQL, except for date arithmetic (``Dialect``) and medians: SQLite has no
``percentile_cont``, so it reads the sorted values and takes the same interpolated median in Python. The
tests check that both give the same figures.

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

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from django.db import DatabaseError, connection

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

    def param(self, value: date) -> Any:
        return value if self.pg else value.isoformat()


def _table_name() -> str:
    return f"report_facts_{uuid.uuid4().hex[:12]}"


def _scope_filters(inputs: ReportInputs) -> tuple[str, str, str]:
    """SQL fragments: which cohorts count, which stream enrollments count, and who the people are."""
    sid = int(inputs.scope_id or 0)
    cohort_filter = {"partnership": f"AND c.partnership_id = {sid}", "program": f"AND c.program_id = {sid}",
                     "cohort": f"AND c.id = {sid}"}.get(inputs.scope, "")
    stream_filter = f"AND se.stream_id = {sid}" if inputs.scope == "stream" else ""
    if inputs.scope == "convener":
        people = "SELECT pid FROM enr UNION SELECT pid FROM streams"
    elif inputs.scope == "stream":
        people = "SELECT pid FROM streams"
    else:
        people = "SELECT DISTINCT pid FROM enr"
    return cohort_filter, stream_filter, people


def _facts_sql(d: Dialect, inputs: ReportInputs, table: str) -> str:
    cohort_filter, stream_filter, people = _scope_filters(inputs)
    snap = ", ".join(f"'{c}'" for c in SNAP_STREAMS)
    window = int(inputs.hire_window_days)
    age = "CASE " + " ".join(
        f"WHEN p.age_at_entry {'<= ' + str(hi) if lo is None else ('>= ' + str(lo) if hi is None else 'BETWEEN ' + str(lo) + ' AND ' + str(hi))} THEN '{key}'"  # noqa: E501
        for key, _label, lo, hi in AGE_BANDS) + " ELSE 'not_recorded' END"
    barriers = ", ".join(f"CASE WHEN p.barrier_{b} THEN 1 ELSE 0 END AS b_{b}" for b in BARRIERS)
    as_of_q = d.qidx("%(as_of)s")
    return f"""
CREATE TEMPORARY TABLE {table} AS
WITH scope_cohorts AS (
    SELECT c.id, c.program_id, c.target_occupation_id, pr.program_type, pr.cost_per_participant,
           pa.industry_naics
    FROM programs_cohort c
    JOIN programs_program pr ON pr.id = c.program_id
    JOIN partnerships_partnership pa ON pa.id = c.partnership_id
    WHERE c.convener_id = %(cid)s {cohort_filter}
), enr AS (
    SELECT e.participant_id AS pid, e.id AS eid, e.cohort_id, e.status, e.enrolled_on, e.completed_on,
           e.withdrawn_on, sc.program_id, sc.target_occupation_id, sc.program_type, sc.cost_per_participant,
           sc.industry_naics
    FROM programs_cohortenrollment e JOIN scope_cohorts sc ON sc.id = e.cohort_id
    WHERE e.convener_id = %(cid)s AND e.enrolled_on IS NOT NULL AND e.status <> 'applied'
), anchor AS (
    SELECT * FROM (
        SELECT enr.*, ROW_NUMBER() OVER (PARTITION BY pid ORDER BY enrolled_on, eid) AS rn
        FROM enr WHERE enrolled_on BETWEEN %(start)s AND %(end)s
    ) first_start WHERE rn = 1
), training AS (
    SELECT pid, MIN(CASE WHEN program_type = 'ojt' THEN 1 ELSE 0 END) AS ojt_only,
           MAX(CASE WHEN enrolled_on <= %(end)s AND COALESCE(completed_on, withdrawn_on, %(as_of)s) >= %(start)s
                    THEN 1 ELSE 0 END) AS in_training_period
    FROM enr GROUP BY pid
), streams AS (
    SELECT se.participant_id AS pid, MIN(se.entry_date) AS entry_date, MAX(se.exit_date) AS last_exit,
           SUM(CASE WHEN se.exit_date IS NULL THEN 1 ELSE 0 END) AS open_count,
           MAX(CASE WHEN se.exclusion_reason <> '' THEN 1 ELSE 0 END) AS excluded,
           MAX(CASE WHEN fs.code IN ({snap}) THEN 1 ELSE 0 END) AS snap_et,
           MIN(CASE WHEN fs.code IN ({snap}) THEN se.entry_date END) AS snap_entry,
           MAX(CASE WHEN fs.code IN ({snap}) THEN se.exit_date END) AS snap_last_exit,
           SUM(CASE WHEN fs.code IN ({snap}) AND se.exit_date IS NULL THEN 1 ELSE 0 END) AS snap_open,
           MAX(CASE WHEN fs.code IN ({snap}) AND se.exclusion_reason <> '' THEN 1 ELSE 0 END) AS snap_excluded
    FROM participants_streamenrollment se JOIN programs_fundingstream fs ON fs.id = se.stream_id
    WHERE se.convener_id = %(cid)s {stream_filter}
    GROUP BY se.participant_id
), people AS (
    {people}
), exits AS (
    SELECT s.pid,
           CASE WHEN s.open_count = 0 THEN s.last_exit END AS exit_date,
           CASE WHEN s.open_count = 0 THEN {d.qidx('s.last_exit')} END AS xq,
           CASE WHEN s.snap_et = 1 AND s.snap_open = 0 THEN s.snap_last_exit END AS snap_exit,
           CASE WHEN s.snap_et = 1 AND s.snap_open = 0 THEN {d.qidx('s.snap_last_exit')} END AS sxq
    FROM streams s JOIN people pp ON pp.pid = s.pid
), wage_by_fein AS (
    SELECT x.pid, w.employer_fein AS fein,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.xq + 2 THEN w.wages ELSE 0 END) AS q2w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.xq + 4 THEN w.wages ELSE 0 END) AS q4w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.sxq + 2 THEN w.wages ELSE 0 END) AS sq2w,
           SUM(CASE WHEN w.year * 4 + w.quarter - 1 = x.sxq + 4 THEN w.wages ELSE 0 END) AS sq4w
    FROM exits x JOIN participants_quarterlywage w ON w.participant_id = x.pid
    WHERE w.convener_id = %(cid)s
      AND w.year * 4 + w.quarter - 1 IN (x.xq + 2, x.xq + 4, x.sxq + 2, x.sxq + 4)
    GROUP BY x.pid, w.employer_fein
), wages AS (
    SELECT pid, SUM(q2w) AS q2_wages, SUM(q4w) AS q4_wages, SUM(sq2w) AS sq2_wages, SUM(sq4w) AS sq4_wages,
           MAX(CASE WHEN fein <> '' AND q2w > 0 AND q4w > 0 THEN 1 ELSE 0 END) AS same_q2q4
    FROM wage_by_fein GROUP BY pid
), first_job AS (
    SELECT * FROM (
        SELECT p.participant_id AS pid, p.id AS plid, p.start_date, p.hourly_wage, p.placement_type,
               p.occupation_id, p.employer_id,
               ROW_NUMBER() OVER (PARTITION BY p.participant_id ORDER BY p.start_date, p.id) AS rn
        FROM participants_placement p JOIN anchor a ON a.pid = p.participant_id
        WHERE p.convener_id = %(cid)s AND p.start_date >= a.enrolled_on
    ) jobs WHERE rn = 1
), checks AS (
    SELECT rc.placement_id,
           MAX(CASE WHEN rc.milestone_days = 90 AND rc.employed THEN 1 ELSE 0 END) AS emp90,
           MAX(CASE WHEN rc.milestone_days = 90 AND rc.employed AND rc.same_employer THEN 1 ELSE 0 END) AS same90,
           MAX(CASE WHEN rc.milestone_days = 180 AND rc.employed THEN 1 ELSE 0 END) AS emp180,
           MAX(CASE WHEN rc.milestone_days = 180 AND rc.employed AND rc.same_employer THEN 1 ELSE 0 END)
               AS same180
    FROM participants_retentioncheck rc JOIN first_job j ON j.plid = rc.placement_id
    WHERE rc.convener_id = %(cid)s
    GROUP BY rc.placement_id
), creds AS (
    SELECT ca.participant_id AS pid,
           MAX(CASE WHEN a.pid IS NOT NULL AND a.status IN ('completed', 'withdrawn')
                     AND ca.awarded_on >= a.enrolled_on
                     AND ca.awarded_on <= {d.plus_days('COALESCE(a.completed_on, a.withdrawn_on)', 365)}
                    THEN 1 ELSE 0 END) AS cred_training,
           MAX(CASE WHEN x.exit_date IS NOT NULL AND ca.awarded_on >= s.entry_date
                     AND ca.awarded_on <= {d.plus_days('x.exit_date', 365)} THEN 1 ELSE 0 END) AS cred_exit,
           MAX(CASE WHEN x.snap_exit IS NOT NULL AND ca.awarded_on >= s.snap_entry
                     AND ca.awarded_on <= {d.plus_days('x.snap_exit', 365)} THEN 1 ELSE 0 END) AS cred_snap
    FROM programs_credentialaward ca
    JOIN people pp ON pp.pid = ca.participant_id
    LEFT JOIN anchor a ON a.pid = ca.participant_id
    LEFT JOIN streams s ON s.pid = ca.participant_id
    LEFT JOIN exits x ON x.pid = ca.participant_id
    WHERE ca.convener_id = %(cid)s
    GROUP BY ca.participant_id
), gains AS (
    SELECT participant_id AS pid, COUNT(*) AS gains FROM programs_skillgain
    WHERE convener_id = %(cid)s AND achieved_on BETWEEN %(start)s AND %(end)s GROUP BY participant_id
), services AS (
    SELECT participant_id AS pid, SUM(amount) AS dollars FROM participants_supportiveservice
    WHERE convener_id = %(cid)s AND status IN ('approved', 'paid') AND provided_on BETWEEN %(start)s AND %(end)s
    GROUP BY participant_id
)
SELECT pp.pid,
       COALESCE(NULLIF(p.sex, ''), 'not_recorded') AS sex,
       COALESCE(NULLIF(p.race, ''), 'not_recorded') AS race,
       COALESCE(NULLIF(p.ethnicity, ''), 'not_recorded') AS ethnicity,
       {age} AS age_band,
       {barriers},
       CASE WHEN p.benefit_snap THEN 1 ELSE 0 END AS ben_snap,
       CASE WHEN p.benefit_tanf THEN 1 ELSE 0 END AS ben_tanf,
       CASE WHEN p.abawd THEN 'abawd' ELSE 'not_abawd' END AS abawd,
       COALESCE(NULLIF(p.snap_participation, ''), 'not_recorded') AS snap_participation,
       CASE WHEN a.pid IS NOT NULL THEN 1 ELSE 0 END AS started,
       a.program_id, a.cohort_id, a.enrolled_on,
       CASE WHEN a.pid IS NOT NULL THEN COALESCE(a.cost_per_participant, 0) ELSE 0 END AS program_cost,
       COALESCE(sv.dollars, 0) AS service_dollars,
       CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END AS completed,
       CASE WHEN a.status IN ('completed', 'withdrawn') THEN 1 ELSE 0 END AS finished,
       CASE WHEN a.status IN ('enrolled', 'active') THEN 1 ELSE 0 END AS in_training,
       COALESCE(s.excluded, 0) AS excluded,
       COALESCE(t.ojt_only, 0) AS ojt_only,
       CASE WHEN t.pid IS NOT NULL THEN 1 ELSE 0 END AS had_training,
       COALESCE(t.in_training_period, 0) AS in_training_period,
       CASE WHEN g.gains > 0 THEN 1 ELSE 0 END AS gained,
       CASE WHEN j.plid IS NOT NULL THEN 1 ELSE 0 END AS placed,
       j.hourly_wage AS wage, j.placement_type, j.occupation_id, j.employer_id,
       COALESCE(NULLIF(o.size_band, ''), CASE WHEN j.plid IS NULL THEN 'not_placed' ELSE 'not_recorded' END)
           AS size_band,
       CASE WHEN a.status = 'completed' AND j.plid IS NOT NULL
                 AND j.start_date <= {d.plus_days('a.completed_on', window)}
                 AND (j.occupation_id = a.target_occupation_id
                      OR EXISTS (SELECT 1 FROM programs_program_target_occupations pto
                                 WHERE pto.program_id = a.program_id AND pto.occupation_id = j.occupation_id)
                      OR (a.industry_naics <> '' AND o.naics_code LIKE a.industry_naics || '%%'))
            THEN 1 ELSE 0 END AS hired,
       CASE WHEN j.plid IS NOT NULL AND {d.plus_days('j.start_date', 90)} <= %(as_of)s THEN 1 ELSE 0 END
           AS ret90_due,
       CASE WHEN j.plid IS NOT NULL AND {d.plus_days('j.start_date', 180)} <= %(as_of)s THEN 1 ELSE 0 END
           AS ret180_due,
       COALESCE(ck.emp90, 0) AS emp90, COALESCE(ck.same90, 0) AS same90,
       COALESCE(ck.emp180, 0) AS emp180, COALESCE(ck.same180, 0) AS same180,
       COALESCE(cr.cred_training, 0) AS cred_training, COALESCE(cr.cred_exit, 0) AS cred_exit,
       COALESCE(cr.cred_snap, 0) AS cred_snap,
       CASE WHEN x.exit_date BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS exiter,
       CASE WHEN x.xq + 2 < {as_of_q} THEN 1 ELSE 0 END AS q2_closed,
       CASE WHEN x.xq + 4 < {as_of_q} THEN 1 ELSE 0 END AS q4_closed,
       COALESCE(w.q2_wages, 0) AS q2_wages, COALESCE(w.q4_wages, 0) AS q4_wages,
       COALESCE(w.same_q2q4, 0) AS same_q2q4,
       COALESCE(s.snap_et, 0) AS snap_et, COALESCE(s.snap_excluded, 0) AS snap_excluded,
       CASE WHEN x.snap_exit BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS snap_exiter,
       CASE WHEN x.sxq + 2 < {as_of_q} THEN 1 ELSE 0 END AS sq2_closed,
       CASE WHEN x.sxq + 4 < {as_of_q} THEN 1 ELSE 0 END AS sq4_closed,
       COALESCE(w.sq2_wages, 0) AS sq2_wages, COALESCE(w.sq4_wages, 0) AS sq4_wages
FROM people pp
JOIN participants_participant p ON p.id = pp.pid
LEFT JOIN anchor a ON a.pid = pp.pid
LEFT JOIN training t ON t.pid = pp.pid
LEFT JOIN streams s ON s.pid = pp.pid
LEFT JOIN exits x ON x.pid = pp.pid
LEFT JOIN wages w ON w.pid = pp.pid
LEFT JOIN first_job j ON j.pid = pp.pid
LEFT JOIN partnerships_organization o ON o.id = j.employer_id
LEFT JOIN checks ck ON ck.placement_id = j.plid
LEFT JOIN creds cr ON cr.pid = pp.pid
LEFT JOIN gains g ON g.pid = pp.pid
LEFT JOIN services sv ON sv.pid = pp.pid
WHERE p.convener_id = %(cid)s
"""


# What each stored count sums over the facts. "ok" = started and not excluded.
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
# (stored key, value column, which rows) for medians and means.
MEDIANS: tuple[tuple[str, str, str], ...] = (
    ("wage_median", "wage", "started = 1 AND placed = 1"),
    ("earn_q2", "q2_wages", f"{_WIOA} AND q2_closed = 1 AND q2_wages > 0"),
    ("snap_earn_q2", "sq2_wages", f"{_SNAP} AND sq2_closed = 1 AND sq2_wages > 0"),
)
MEANS: tuple[tuple[str, str, str], ...] = (("wage_mean", "wage", "started = 1 AND placed = 1"),)
SUMS: tuple[tuple[str, str], ...] = (("cost_total", "program_cost + service_dollars"),
                                     ("service_dollars", "service_dollars"))

# Breakdowns. Partitions put each person in exactly one group; flags (barriers, benefits) may put a person in
# several, so complementary suppression applies to partitions only.
PARTITIONS: dict[str, str] = {
    "sex": "sex", "race": "race", "ethnicity": "ethnicity", "age_band": "age_band", "size_band": "size_band",
    "program": "program_id", "cohort": "cohort_id",
}
STARTED_ONLY = ("program", "cohort")
FLAGS: dict[str, dict[str, str]] = {
    "barrier": {b: f"b_{b}" for b in BARRIERS},
    "benefit": {"snap": "ben_snap", "tanf": "ben_tanf"},
}
SNAP_PARTITIONS: dict[str, str] = {"race": "race", "ethnicity": "ethnicity", "abawd": "abawd",
                                   "participation": "snap_participation"}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(value), 2)


class _Aggregator:
    def __init__(self, cursor: Any, table: str, dialect: Dialect) -> None:
        self.cursor, self.table, self.d = cursor, table, dialect

    def groups(self, key_sql: str, where: str = "1 = 1") -> dict[str, dict[str, Any]]:
        """Every stored figure per value of ``key_sql`` over the facts rows matching ``where``."""
        parts = [f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in COUNT_SQL.values()]
        parts += [f"AVG(CASE WHEN {cond} THEN {col} END)" for _k, col, cond in MEANS]
        parts += [f"SUM({expr})" for _k, expr in SUMS]
        if self.d.pg:
            parts += [f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {col}) FILTER (WHERE {cond})"
                      for _k, col, cond in MEDIANS]
        self.cursor.execute(f"SELECT {key_sql}, {', '.join(parts)} FROM {self.table} "
                            f"WHERE {where} GROUP BY 1")
        out: dict[str, dict[str, Any]] = {}
        keys = [*COUNT_SQL, *(k for k, _c, _w in MEANS), *(k for k, _e in SUMS)]
        if self.d.pg:
            keys += [k for k, _c, _w in MEDIANS]
        for row in self.cursor.fetchall():
            figures = dict(zip(keys, row[1:], strict=True))
            for key in COUNT_SQL:
                figures[key] = int(figures[key] or 0)
            for key in (*(k for k, _c, _w in MEANS), *(k for k, _e in SUMS), *(k for k, _c, _w in MEDIANS)):
                figures[key] = _num(figures.get(key))
            out[str(row[0]) if row[0] is not None else "none"] = figures
        if not self.d.pg:
            for key, col, cond in MEDIANS:
                for group, values in self._values(key_sql, col, f"({where}) AND {cond}").items():
                    out.setdefault(group, {})[key] = _num(median(values)) if values else None
        return out

    def _values(self, key_sql: str, col: str, where: str) -> dict[str, list[float]]:
        """SQLite: the sorted values behind a median, per group (statistics.median interpolates like
        percentile_cont(0.5))."""
        self.cursor.execute(f"SELECT {key_sql}, {col} FROM {self.table} WHERE {where} "
                            f"ORDER BY 1, 2")
        grouped: dict[str, list[float]] = {}
        for key, value in self.cursor.fetchall():
            grouped.setdefault(str(key) if key is not None else "none", []).append(float(value))
        return grouped

    def median_by(self, key_sql: str, col: str, where: str, source: str) -> dict[str, float | None]:
        if self.d.pg:
            self.cursor.execute(f"SELECT {key_sql}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {col}) "
                                f"FROM {source} WHERE {where} GROUP BY {key_sql}")
            return {str(k): _num(v) for k, v in self.cursor.fetchall()}
        self.cursor.execute(f"SELECT {key_sql}, {col} FROM {source} WHERE {where} ORDER BY {key_sql}, {col}")
        grouped: dict[str, list[float]] = {}
        for key, value in self.cursor.fetchall():
            grouped.setdefault(str(key), []).append(float(value))
        return {k: _num(median(v)) for k, v in grouped.items()}


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
    table = _table_name()
    params = {"cid": convener.pk, "start": d.param(inputs.period_start), "end": d.param(inputs.period_end),
              "as_of": d.param(inputs.as_of)}
    with connection.cursor() as cursor:
        say(5, "Gathering the people in scope")
        cursor.execute(_facts_sql(d, inputs, table), params)
        try:
            if d.pg:
                cursor.execute(f"ANALYZE {table}")
            agg = _Aggregator(cursor, table, d)
            say(40, "Counting outcomes")
            overall = agg.groups("'all'").get("all") or dict.fromkeys(
                [*COUNT_SQL, *(k for k, _c, _w in MEANS), *(k for k, _e in SUMS), *(k for k, _c, _w in MEDIANS)])
            for key in COUNT_SQL:
                overall[key] = overall.get(key) or 0
            if not overall.get("cost_total"):
                overall["cost_total"] = None  # no program cost on file and no services: unknown, not free
            say(50, "Breaking down by group")
            breakdowns: dict[str, list[dict[str, Any]]] = {}
            for kind, column in PARTITIONS.items():
                # Programs and cohorts are those of the enrollment that started in the period: people who did
                # not start then (counted only by the WIOA measures) have no program row.
                where = "started = 1" if kind in STARTED_ONLY else "1 = 1"
                breakdowns[kind] = _rows(convener, kind, agg.groups(column, where))
            say(70, "Barriers and benefits")
            for kind, flags in FLAGS.items():
                groups: dict[str, dict[str, Any]] = {}
                for key, column in flags.items():
                    found = agg.groups("'x'", f"{column} = 1").get("x")
                    if found is not None:
                        groups[key] = found
                breakdowns[kind] = _rows(convener, kind, groups)
            say(80, "SNAP E&T measures")
            snap = {kind: _rows(convener, kind, agg.groups(column, "snap_et = 1"))
                    for kind, column in SNAP_PARTITIONS.items()}
            say(88, "Services, work-based learning and employers")
            extras = _extras(cursor, agg, d, convener, inputs, table, params)
        finally:
            try:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            except DatabaseError:  # an aborted transaction: the temporary table goes with it
                logger.warning("could not drop %s", table)
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


def _extras(cursor: Any, agg: _Aggregator, d: Dialect, convener: Convener, inputs: ReportInputs, table: str,
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
    cursor.execute(f"SELECT p.placement_type, COUNT(*), COUNT(DISTINCT p.participant_id), AVG(p.hourly_wage) "
                   f"FROM {source} WHERE {where} GROUP BY p.placement_type")
    counts = {t: (n, people, mean) for t, n, people, mean in cursor.fetchall()}
    medians = agg.median_by("p.placement_type", "p.hourly_wage", where, source)
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

"""Every figure a report holds, in one registry: what it counts, over whom, and how it is shown.

A snapshot stores, for each group of people (everyone, or a breakdown such as "female" or one cohort), the
counts and denominators below; rates are derived from them when shown, so a rate and its parts never disagree.
Suppression (partnerships/suppression.py) reads ``den`` and ``n`` to decide what a funder may see.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # count | rate | median | mean | money
    n: str | None = None  # numerator count key (rates)
    den: str | None = None  # the people the figure is computed over
    fmt: str = "int"  # int | pct | wage | earnings | dollars
    help: str = ""


PROGRAM: tuple[Measure, ...] = (
    Measure("enrolled", "Enrolled", "count", help="People who started a cohort in the period."),
    Measure("in_training", "Still in training", "count",
            help="Started in the period and neither completed nor withdrawn yet: not in the completion rate yet."),
    Measure("completed", "Completed", "count"),
    Measure("completion_rate", "Completion rate", "rate", n="completed", den="completion_den", fmt="pct",
            help="Completed ÷ people who started and finished training (withdrawn people count; people with a "
                 "WIOA exclusion do not)."),
    Measure("hired", "Hired in industry", "count"),
    Measure("hire_rate", "Hired in industry (of completers)", "rate", n="hired", den="hired_den", fmt="pct",
            help="Completers placed in a target occupation or the partnership's industry within the hiring "
                 "window after completing ÷ completers."),
    Measure("wage_median", "Median starting wage", "median", den="placed", fmt="wage",
            help="Hourly wage at placement (the first job after starting training)."),
    Measure("wage_mean", "Mean starting wage", "mean", den="placed", fmt="wage"),
    Measure("retention_90", "Employed at day 90", "rate", n="ret90", den="ret90_den", fmt="pct",
            help="Still employed at day 90 ÷ placements whose day 90 has passed."),
    Measure("retention_90_same", "Same employer at day 90", "rate", n="ret90_same", den="ret90_den", fmt="pct"),
    Measure("retention_180", "Employed at day 180", "rate", n="ret180", den="ret180_den", fmt="pct",
            help="Still employed at day 180 ÷ placements whose day 180 has passed."),
    Measure("retention_180_same", "Same employer at day 180", "rate", n="ret180_same", den="ret180_den",
            fmt="pct"),
    Measure("credential_rate", "Credential attainment", "rate", n="cred", den="cred_den", fmt="pct",
            help="Earned a credential during training or within a year after leaving it ÷ training exiters, "
                 "OJT-only participants excluded (the WIOA rule)."),
    Measure("cost_per_participant", "Cost per participant", "money", n="cost_total", den="enrolled",
            fmt="dollars", help="Program cost of each enrollment plus supportive services ÷ people enrolled."),
    Measure("cost_per_placement", "Cost per placement", "money", n="cost_total", den="placed", fmt="dollars",
            help="The same cost ÷ people placed in a job."),
)

WIOA: tuple[Measure, ...] = (
    Measure("exiters", "Exiters", "count", help="People whose last funding stream closed in the period."),
    Measure("emp_q2", "Employment rate, 2nd quarter after exit", "rate", n="emp_q2_n", den="emp_q2_den",
            fmt="pct", help="Wages in the 2nd calendar quarter after the quarter of exit ÷ exiters whose 2nd "
                            "quarter has closed; exclusions leave both."),
    Measure("emp_q4", "Employment rate, 4th quarter after exit", "rate", n="emp_q4_n", den="emp_q4_den",
            fmt="pct"),
    Measure("earn_q2", "Median earnings, 2nd quarter after exit", "median", den="emp_q2_n", fmt="earnings",
            help="Median quarterly wages of those employed in the 2nd quarter (zeros not counted)."),
    Measure("wioa_cred", "Credential attainment", "rate", n="wioa_cred_n", den="wioa_cred_den", fmt="pct",
            help="Exiters who were in training, OJT-only excluded, with a credential during participation or "
                 "within a year after exit."),
    Measure("msg", "Measurable skill gains", "rate", n="msg_n", den="msg_den", fmt="pct",
            help="People in training during the period with at least one gain in it ÷ people in training."),
    Measure("ret_same", "Retention with the same employer (Q2 and Q4)", "rate", n="ret_same_n",
            den="ret_same_den", fmt="pct", help="Same employer (FEIN) in both Q2 and Q4 ÷ employed in Q2."),
)

SNAP: tuple[Measure, ...] = (
    Measure("snap_exiters", "SNAP E&T participants who completed", "count"),
    Measure("snap_emp_q2", "Employed, 2nd quarter after completion", "rate", n="snap_emp_q2_n",
            den="snap_emp_q2_den", fmt="pct"),
    Measure("snap_emp_q4", "Employed, 4th quarter after completion", "rate", n="snap_emp_q4_n",
            den="snap_emp_q4_den", fmt="pct"),
    Measure("snap_earn_q2", "Median earnings, 2nd quarter after completion", "median", den="snap_emp_q2_n",
            fmt="earnings"),
    Measure("snap_cred", "Credential attainment", "rate", n="snap_cred_n", den="snap_cred_den", fmt="pct"),
    Measure("snap_msg", "Measurable skill gains", "rate", n="snap_msg_n", den="snap_msg_den", fmt="pct"),
)

ALL: tuple[Measure, ...] = PROGRAM + WIOA + SNAP
BY_KEY: dict[str, Measure] = {m.key: m for m in ALL}

# The funder dashboard's headline tiles, in order.
HEADLINE = ("enrolled", "completed", "hired", "wage_median", "retention_180", "credential_rate",
            "cost_per_placement")

# Count keys that add up across the groups of a partition (sex, race, cohort...): complementary suppression
# protects each of them.
ADDITIVE_COUNTS = ("enrolled", "in_training", "completed", "completion_den", "hired", "hired_den", "placed",
                   "ret90", "ret90_same", "ret90_den", "ret180", "ret180_same", "ret180_den", "cred", "cred_den",
                   "exiters", "emp_q2_n", "emp_q2_den", "emp_q4_n", "emp_q4_den", "wioa_cred_n", "wioa_cred_den",
                   "msg_n", "msg_den", "ret_same_n", "ret_same_den", "snap_exiters", "snap_emp_q2_n",
                   "snap_emp_q2_den", "snap_emp_q4_n", "snap_emp_q4_den", "snap_cred_n", "snap_cred_den",
                   "snap_msg_n", "snap_msg_den")


def value_of(measure: Measure, row: dict) -> float | None:
    """The figure of ``measure`` in a stored group row (rates derived from their parts); None when undefined."""
    if measure.kind == "count":
        return row.get(measure.key)
    if measure.kind in ("median", "mean"):
        return row.get(measure.key)
    n, den = row.get(measure.n or ""), row.get(measure.den or "")
    if n is None or not den:
        return None
    return n / den

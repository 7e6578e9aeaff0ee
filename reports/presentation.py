"""A stored snapshot as one viewer may see it: formatted cells, small-cell suppression for funders, trends.

Pages, exports (CSV, XLSX, PDF) and the API all go through ``present``, so what a funder sees is decided in one
place: convener staff get every figure unsuppressed, marked internal; everyone else gets suppression by the
tenant's threshold (partnerships/suppression.py). Nothing here touches participant rows: it reads the
snapshot's JSON only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from partnerships.models import Membership
from partnerships.roles import CONVENER_ROLES
from partnerships.suppression import DEMAND_MIN_EMPLOYERS, SUPPRESSED_LABEL, complementary_hidden, is_small
from reports import measures
from reports.measures import Measure
from reports.models import ReportSnapshot

# Count measures shown in breakdown tables, protected by complementary suppression within each partition.
SHOWN_COUNTS = ("enrolled", "in_training", "completed", "hired", "exiters", "snap_exiters")

BREAKDOWN_TITLES = {
    "sex": "Sex", "race": "Race", "ethnicity": "Ethnicity", "age_band": "Age at entry",
    "barrier": "Barriers to employment", "benefit": "Benefits at entry", "size_band": "Employer size (placements)",
    "program": "Program", "cohort": "Cohort",
}
PARTITION_KINDS = ("sex", "race", "ethnicity", "age_band", "size_band", "program", "cohort", "abawd",
                   "participation")
SNAP_TITLES = {"race": "Race", "ethnicity": "Ethnicity", "abawd": "ABAWD status",
               "participation": "Voluntary or mandatory"}
# The columns of the breakdown tables.
BREAKDOWN_COLUMNS = ("enrolled", "completed", "completion_rate", "hired", "hire_rate", "wage_median",
                     "retention_180", "credential_rate", "emp_q2", "earn_q2")
SNAP_COLUMNS = ("snap_exiters", "snap_emp_q2", "snap_emp_q4", "snap_earn_q2", "snap_cred", "snap_msg")


# Headline counts that carry their rate.
TILE_RATES = {"completed": ("completion_rate", "of those who finished training"),
              "hired": ("hire_rate", "of completers")}


@dataclass(frozen=True)
class Cell:
    """One figure as shown: its value (None when suppressed or undefined), its text and the people behind it."""

    value: float | int | str | None  # a row's label cell carries its text as the value
    text: str
    suppressed: bool = False
    people: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "text": self.text, "suppressed": self.suppressed, "people": self.people}


@dataclass
class Tile:
    measure: Measure
    cell: Cell
    trend: Cell | None = None
    # The rate behind a count, shown under it ("80% of those who finished"), suppressed by the same rules.
    rate: Cell | None = None
    rate_label: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[Measure]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "columns": [{"key": m.key, "label": m.label}
                                                                   for m in self.columns],
                "rows": [{"label": label, "cells": {m.key: c.as_json() for m, c in zip(self.columns, cells,
                                                                                        strict=True)}}
                         for label, cells in self.rows],
                "note": self.note}


@dataclass
class SimpleTable:
    """A table of plain columns (services, work-based learning, employer side): header labels, formatted rows."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "headers": self.headers,
                "rows": [[c.as_json() for c in row] for row in self.rows], "note": self.note}


@dataclass
class ReportView:
    snapshot: ReportSnapshot
    internal: bool
    threshold: int
    tiles: list[Tile] = field(default_factory=list)
    program_table: Table | None = None
    wioa_table: Table | None = None
    breakdowns: list[Table] = field(default_factory=list)
    snap_tables: list[Table] = field(default_factory=list)
    extras: list[SimpleTable] = field(default_factory=list)
    previous: ReportSnapshot | None = None

    @property
    def tables(self) -> list[Table | SimpleTable]:
        main = [t for t in (self.program_table, self.wioa_table) if t is not None]
        return [*main, *self.breakdowns, *self.snap_tables, *self.extras]

    def as_json(self) -> dict[str, Any]:
        return {
            "snapshot": {"id": self.snapshot.pk, "version": self.snapshot.version,
                         "scope": self.snapshot.scope, "scope_label": self.snapshot.scope_label,
                         "period_kind": self.snapshot.period_kind, "period_label": self.snapshot.period_label,
                         "period_start": str(self.snapshot.period_start), "period_end": str(self.snapshot.period_end),
                         "as_of": str(self.snapshot.as_of), "computed_at": self.snapshot.computed_at.isoformat(),
                         "hire_window_days": self.snapshot.hire_window_days},
            "internal": self.internal,
            "suppression_threshold": None if self.internal else self.threshold,
            "compared_with": ({"id": self.previous.pk, "version": self.previous.version,
                               "computed_at": self.previous.computed_at.isoformat()} if self.previous else None),
            "headline": [{"key": t.measure.key, "label": t.measure.label, **t.cell.as_json(),
                          "trend": t.trend.as_json() if t.trend else None,
                          "rate": {**t.rate.as_json(), "label": t.rate_label} if t.rate else None}
                         for t in self.tiles],
            "tables": [t.as_json() for t in self.tables],
        }


def sees_internal(membership: Membership) -> bool:
    """Convener staff see unsuppressed figures (marked internal); funders and everyone else see suppressed ones."""
    return membership.role in CONVENER_ROLES


# -- formatting ---------------------------------------------------------------------------------------------
def fmt(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.0f}%" if value * 100 == round(value * 100) or value >= 0.1 else f"{value * 100:.1f}%"
    if kind == "wage":
        return f"${value:,.2f}/h"
    if kind in ("earnings", "dollars"):
        return f"${value:,.0f}"
    return f"{int(value):,}"


def _hidden() -> Cell:
    return Cell(None, SUPPRESSED_LABEL, suppressed=True)


def cell_of(m: Measure, row: dict[str, Any], *, internal: bool, threshold: int,
            hidden: set[str] = frozenset()) -> Cell:  # type: ignore[assignment]
    """One measure of one group row, suppressed for non-internal viewers when too few people are behind it."""
    value = measures.value_of(m, row)
    if m.kind == "count":
        count = row.get(m.key)
        if not internal and (m.key in hidden or is_small(count, threshold=threshold)):
            return _hidden()
        return Cell(count, fmt(count, "int"), people=count)
    people = row.get(m.den or "")
    if m.kind == "money":
        total = row.get(m.n or "")
        value = total / people if people and total is not None else None
    if not internal:
        too_small = is_small(people, threshold=threshold) or (m.den in hidden)
        if m.kind == "rate":
            n = row.get(m.n or "")
            too_small = too_small or is_small(n, threshold=threshold) or (m.n in hidden)
        if too_small:
            return _hidden()
    return Cell(value, fmt(value, m.fmt), people=people)


def _partition_hidden(rows: list[dict[str, Any]], *, threshold: int) -> list[set[str]]:
    """Per row, the count keys hidden by complementary suppression within this partition."""
    hidden: list[set[str]] = [set() for _ in rows]
    for key in SHOWN_COUNTS:
        column = {str(i): row.get(key) for i, row in enumerate(rows)}
        for index in complementary_hidden(column, threshold=threshold):
            hidden[int(index)].add(key)
    return hidden


def _table(key: str, title: str, rows: list[dict[str, Any]], columns: tuple[str, ...], *, internal: bool,
           threshold: int, partition: bool) -> Table:
    ms = [measures.BY_KEY[c] for c in columns]
    hidden = _partition_hidden(rows, threshold=threshold) if partition and not internal else [set() for _ in rows]
    return Table(key=key, title=title, columns=ms, rows=[
        (str(row.get("label", row.get("key"))),
         [cell_of(m, row, internal=internal, threshold=threshold, hidden=h) for m in ms])
        for row, h in zip(rows, hidden, strict=True)])


def present(snapshot: ReportSnapshot, *, membership: Membership, previous: ReportSnapshot | None = None,
            internal: bool | None = None) -> ReportView:
    internal = sees_internal(membership) if internal is None else internal
    threshold = snapshot.convener.suppression_threshold
    figures = snapshot.figures or {}
    overall = figures.get("overall", {})
    view = ReportView(snapshot=snapshot, internal=internal, threshold=threshold, previous=previous)
    prev = (previous.figures or {}).get("overall", {}) if previous is not None else None
    for key in measures.HEADLINE:
        m = measures.BY_KEY[key]
        cell = cell_of(m, overall, internal=internal, threshold=threshold)
        trend = None
        if prev is not None:
            before = cell_of(m, prev, internal=internal, threshold=threshold)
            if isinstance(cell.value, (int, float)) and isinstance(before.value, (int, float)):
                delta = cell.value - before.value
                text = ("±0" if abs(delta) < 1e-9 else
                        ("+" if delta > 0 else "−") + fmt(abs(delta), "int" if m.fmt == "int" else m.fmt)
                        .replace("/h", ""))
                if m.fmt == "pct":
                    text = text.replace("%", " pts") if abs(delta) >= 1e-9 else "±0 pts"
                trend = Cell(delta, text)
        rate_key, rate_label = TILE_RATES.get(key, ("", ""))
        rate = cell_of(measures.BY_KEY[rate_key], overall, internal=internal, threshold=threshold) if rate_key else None
        view.tiles.append(Tile(m, cell, trend, rate, rate_label))
    everyone = {**overall, "label": "Everyone in scope"}
    program_cols = tuple(m.key for m in measures.PROGRAM)
    view.program_table = _table("program", "Program outcomes", [everyone], program_cols, internal=internal,
                                threshold=threshold, partition=False)
    wioa_rows = [{**overall, "label": m.label} for m in measures.WIOA]
    view.wioa_table = Table(
        key="wioa", title="WIOA primary indicators", columns=[measures.Measure("value", "Result", "count")],
        rows=[(m.label, [cell_of(m, row, internal=internal, threshold=threshold)])
              for m, row in zip(measures.WIOA, wioa_rows, strict=True)],
        note="20 CFR 677.155. Exits with an exclusion reason leave numerator and denominator; quarters after "
             "exit are calendar quarters after the quarter of exit, counted once they have closed.")
    for kind, rows in (figures.get("breakdowns") or {}).items():
        view.breakdowns.append(_table(kind, BREAKDOWN_TITLES.get(kind, kind), rows, BREAKDOWN_COLUMNS,
                                      internal=internal, threshold=threshold, partition=kind in PARTITION_KINDS))
    snap_overall = {**overall, "label": "All SNAP E&T participants"}
    view.snap_tables.append(_table("snap", "SNAP E&T measures", [snap_overall], SNAP_COLUMNS, internal=internal,
                                   threshold=threshold, partition=False))
    for kind, rows in (figures.get("snap_breakdowns") or {}).items():
        view.snap_tables.append(_table(f"snap_{kind}", f"SNAP E&T by {SNAP_TITLES.get(kind, kind).lower()}", rows,
                                       SNAP_COLUMNS, internal=internal, threshold=threshold,
                                       partition=kind in PARTITION_KINDS))
    view.extras = _extras(figures, internal=internal, threshold=threshold)
    return view


def _count_cell(value: int | None, *, internal: bool, threshold: int, hidden: bool = False) -> Cell:
    if not internal and (hidden or is_small(value, threshold=threshold)):
        return _hidden()
    return Cell(value, fmt(value, "int"), people=value)


def _money_cell(value: float | None, people: int | None, *, internal: bool, threshold: int,
                kind: str = "dollars") -> Cell:
    if not internal and is_small(people, threshold=threshold):
        return _hidden()
    return Cell(value, fmt(value, kind), people=people)


def _openings_cell(row: dict[str, Any], *, internal: bool) -> Cell:
    """Openings are employers' plans: hidden below 3 employers, as on the demand dashboard."""
    if row.get("openings") is None:
        return Cell(None, "—")
    if not internal and (row.get("employers") or 0) < DEMAND_MIN_EMPLOYERS:
        return _hidden()
    return Cell(row["openings"], fmt(row["openings"], "int"))


def _extras(figures: dict[str, Any], *, internal: bool, threshold: int) -> list[SimpleTable]:
    out = []
    services = figures.get("services") or {}
    for key, title in (("by_type", "Supportive services by type"), ("by_stream", "Supportive services by "
                                                                               "funding stream")):
        rows = services.get(key) or []
        hidden = set() if internal else complementary_hidden(
            {r["key"]: r.get("people") for r in rows}, threshold=threshold)
        out.append(SimpleTable(
            key=f"services_{key}", title=title, headers=["", "People", "Services", "Dollars"],
            rows=[[Cell(r["label"], r["label"]),
                   _count_cell(r.get("people"), internal=internal, threshold=threshold, hidden=r["key"] in hidden),
                   _count_cell(r.get("services"), internal=internal, threshold=threshold,
                               hidden=r["key"] in hidden),
                   (_hidden() if not internal and r["key"] in hidden else
                    _money_cell(r.get("dollars"), r.get("people"), internal=internal, threshold=threshold))]
                  for r in rows],
            note="Approved and paid services in the period. Dollars are hidden wherever fewer people than the "
                 "threshold received them." if not internal else "Approved and paid services in the period."))
    overall = figures.get("overall") or {}
    dollars = overall.get("service_dollars")
    out.append(SimpleTable(
        key="services_per", title="Supportive-service dollars per person", headers=["", "Dollars"],
        rows=[[Cell("Per participant", "Per participant"),
               _money_cell(dollars / overall["enrolled"] if dollars and overall.get("enrolled") else None,
                           overall.get("enrolled"), internal=internal, threshold=threshold)],
              [Cell("Per placement", "Per placement"),
               _money_cell(dollars / overall["placed"] if dollars and overall.get("placed") else None,
                           overall.get("placed"), internal=internal, threshold=threshold)]]))
    wbl = figures.get("work_based_learning") or []
    out.append(SimpleTable(
        key="work_based_learning", title="Work-based learning", headers=["", "Placements", "Median wage",
                                                                         "Mean wage"],
        rows=[[Cell(r["label"], r["label"]),
               _count_cell(r.get("placements"), internal=internal, threshold=threshold),
               _money_cell(r.get("wage_median"), r.get("people"), internal=internal, threshold=threshold,
                           kind="wage"),
               _money_cell(r.get("wage_mean"), r.get("people"), internal=internal, threshold=threshold,
                           kind="wage")] for r in wbl]))
    side = figures.get("employer_side") or {}
    out.append(SimpleTable(
        key="employer_side", title="Openings requested and hires made, by occupation",
        headers=["Occupation", "Openings requested", "Hires made"],
        rows=[[Cell(r["label"], r["label"]),
               _openings_cell(r, internal=internal),
               _count_cell(r.get("hires"), internal=internal, threshold=threshold)]
              for r in side.get("occupations", [])],
        note=(f"{side.get('hiring_employers', 0)} employers hired; {side.get('repeat_employers', 0)} of them hired "
              "from more than one cohort. Openings come from the latest demand snapshot.")))
    return out

"""CSV and XLSX of a partnership's demand, exactly as the viewer may see it.

The input is ``selectors.demand_for_viewer(...)``: suppression has already been applied for employers and
funders, and a suppressed cell is written as "Suppressed (fewer than 3 employers)", never as 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

SUPPRESSED_TEXT = "Suppressed (fewer than 3 employers)"
WBL_LABELS = {
    "apprenticeship_slots": "Apprenticeship slots",
    "internship_slots": "Paid internship slots",
    "ojt_slots": "On-the-job training slots",
    "job_shadows": "Job shadows",
    "tours": "Worksite tours",
    "mock_interviews": "Mock interviews",
    "guaranteed_interviews": "Guaranteed interviews",
}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _cell(row: dict[str, Any], key: str) -> Any:
    if row.get("suppressed"):
        return SUPPRESSED_TEXT
    value = row.get(key)
    return "" if value is None else value


def _money(row: dict[str, Any], key: str) -> Any:
    if row.get("suppressed"):
        return SUPPRESSED_TEXT
    value = row.get(key)
    return "" if value is None else float(value)


def demand_tables(data: dict[str, Any]) -> list[Table]:
    """Every figure of the viewer's demand view, as titled tables."""
    quarters: list[str] = ((data.get("survey") or {}).get("quarters")
                           or [r["quarter"] for r in data.get("by_quarter", [])])
    totals = data.get("totals", {})
    summary = Table("Summary", ["Figure", "Value"], [
        ["Partnership survey", (data.get("survey") or {}).get("title", "")],
        ["Snapshot version", data.get("version", "")],
        ["Computed at", data.get("computed_at", "")],
        ["Labor-market area", (data.get("area") or {}).get("name", "Not set")],
        ["Total openings", _cell(totals, "openings")],
        ["Employers answering", _cell(totals, "employers")],
        ["Needs", _cell(totals, "needs")],
        ["Pipeline supply (seats)", _cell(totals, "supply_seats")],
        ["Gap (openings minus seats)", _cell(totals, "gap")],
        ["Supply note", data.get("supply_note", "")],
        ["Suppression", "Cells from fewer than 3 employers are suppressed"
         if (data.get("suppression") or {}).get("applied") else "None (convener staff see every figure)"],
    ])
    occupations = Table("Occupations", [
        "SOC code", "Occupation", "Openings", "New positions", "Replacements", "Employers", "Needs",
        "Offered wage min ($/h)", "Offered wage median ($/h)", "Offered wage max ($/h)", "Market median ($/h)",
        "Pipeline supply (seats)", "Gap",
    ])
    for r in data.get("occupations", []):
        occupations.rows.append([
            r["soc_code"], r["title"], _cell(r, "openings"), _cell(r, "new_positions"), _cell(r, "replacements"),
            _cell(r, "employers"), _cell(r, "needs"), _money(r, "wage_min"), _money(r, "wage_median"),
            _money(r, "wage_max"), "" if r.get("market_median") is None else float(r["market_median"]),
            _cell(r, "supply_seats"), _cell(r, "gap"),
        ])
    by_quarter = Table("Openings by quarter", ["Occupation", *quarters])
    for r in data.get("occupations", []):
        cells = r.get("by_quarter") or {}
        row: list[Any] = [f"{r['soc_code']} {r['title']}"]
        for q in quarters:
            c = cells.get(q)
            row.append(SUPPRESSED_TEXT if r.get("suppressed") or (c and c.get("suppressed"))
                       else (c or {}).get("openings") or 0)
        by_quarter.rows.append(row)
    quarter_totals = {r["quarter"]: r for r in data.get("by_quarter", [])}
    by_quarter.rows.append(["All occupations", *[
        _cell(quarter_totals[q], "openings") if q in quarter_totals else 0 for q in quarters]])
    skills = Table("Skills (O*NET 30, CC BY 4.0)", ["Skill", "Openings", "Employers"],
                   [[r["name"], _cell(r, "openings"), _cell(r, "employers")] for r in data.get("skills", [])])
    competencies = Table("Competencies", ["Competency", "Openings", "Employers"],
                         [[r["name"], _cell(r, "openings"), _cell(r, "employers")]
                          for r in data.get("competencies", [])])
    credentials = Table("Credentials", ["Credential", "CTDL type", "Openings", "Employers"],
                        [[r["name"] if r.get("name") is not None else "Name not shown", r.get("ctdl_type", ""),
                          _cell(r, "openings"), _cell(r, "employers")] for r in data.get("credentials", [])])
    sizes = Table("Employer size bands", ["Size band", "Openings", "Employers"],
                  [[r["label"], _cell(r, "openings"), _cell(r, "employers")] for r in data.get("size_bands", [])])
    wbl = Table("Work-based learning offered", ["Opportunity", "Slots", "Employers"])
    for key, cell in (data.get("work_based_learning") or {}).items():
        employers = cell.get("employers", cell.get("count"))
        wbl.rows.append([WBL_LABELS.get(key, key), _cell(cell, "value"),
                         SUPPRESSED_TEXT if cell.get("suppressed") else employers])
    return [summary, occupations, by_quarter, skills, competencies, credentials, sizes, wbl]


def _safe(value: Any) -> Any:
    """Neutralize spreadsheet formulas in text typed by users (credential names, titles)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def demand_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(demand_tables(data)):
        if i:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def demand_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for table in demand_tables(data):
        title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31]
        sheet = workbook.create_sheet(title)
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(v) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

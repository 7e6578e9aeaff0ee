"""CSV, XLSX and PDF files of outcome reports, written from a ``ReportView`` only: exactly what the page shows.

The input is ``reports.presentation.present(...)``: suppression has already been applied for whoever asked, so a
funder's file holds nothing a funder's page does not. Nothing here reads participant rows or the snapshot's raw
figures; the snapshot is read for its header only (scope, period, as-of date, version, computed time).

Every table of the view goes in: headline figures with their trend, program outcomes, WIOA indicators, every
breakdown, the SNAP E&T tables, supportive services, work-based learning and the employer side. A suppressed cell
is written as "Suppressed", never as 0 or blank. An undefined figure (nobody to compute it over) is written as
"—" in XLSX and PDF, and as an EMPTY cell in CSV: in a CSV an empty cell means undefined and nothing else.
CSV numbers are unformatted: counts as integers, rates as fractions (0.8 = 80%), wages in dollars an hour,
earnings and costs in dollars; changes since the previous version likewise. XLSX numbers are numbers, formatted
as on the page (percent cells as %).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import letter  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import inch  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable  # type: ignore[import-untyped]

from partnerships.suppression import DEMAND_MIN_EMPLOYERS, SUPPRESSED_LABEL
from reports import measures
from reports.measures import Measure
from reports.models import Scope
from reports.presentation import SNAP_TITLES, Cell, ReportView, SimpleTable, Table

SUPPRESSED_TEXT = SUPPRESSED_LABEL
UNDEFINED_TEXT = "—"
INTERNAL_NOTICE = "INTERNAL: unsuppressed figures — do not share outside the convener"
CSV_CONVENTIONS = ("Counts are whole numbers; rates are fractions (0.8 = 80%); wages are dollars an hour; earnings "
                   "and costs are dollars. \"Suppressed\" marks a hidden small cell; an empty cell is a figure "
                   "that is undefined (nobody to compute it over).")
# The first column of the plain tables, where the page leaves its header empty.
FIRST_HEADERS = {"services_by_type": "Service type", "services_by_stream": "Funding stream", "services_per": "",
                 "work_based_learning": "Placement type"}
# Sheet names (31 characters at most) for the tables whose titles are longer.
SHEET_NAMES = {"employer_side": "Openings and hires", "services_by_type": "Services by type",
               "services_by_stream": "Services by funding stream", "services_per": "Service dollars per person",
               "snap_participation": "SNAP E&T by participation"}
NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "wage": '"$"#,##0.00', "dollars": '"$"#,##0'}


def suppression_notice(view: ReportView) -> str:
    if view.internal:
        return INTERNAL_NOTICE
    n = view.threshold
    return f"Small-cell suppression: counts below {n} and figures over fewer than {n} people are suppressed"


# -- the view as plain tables -----------------------------------------------------------------------------------
@dataclass
class Sheet:
    """One table of the view as written to a file: header labels, then rows of a label and its figure cells."""

    key: str
    title: str
    headers: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""
    # Figure columns (0 = the first after the label) written as their text in XLSX: changes such as "+3 pts".
    text_columns: frozenset[int] = field(default_factory=frozenset)


def header_block(view: ReportView) -> list[tuple[str, str]]:
    """What the report is: scope, period, as-of date, version, computed time, and how its figures may be used."""
    snapshot = view.snapshot
    scope = Scope(snapshot.scope)
    rows = [
        ("Workspace", snapshot.convener.name),
        ("Scope", snapshot.scope_label if scope == Scope.CONVENER else f"{scope.label}: {snapshot.scope_label}"),
        ("Period", snapshot.period_label),
        ("As of", f"{snapshot.as_of:%b %-d, %Y}"),
        ("Version", str(snapshot.version)),
        ("Computed", f"{timezone.localtime(snapshot.computed_at):%b %-d, %Y %H:%M %Z}"),
        ("Hiring window", f"{snapshot.hire_window_days} days after completing"),
    ]
    if view.previous is not None:
        rows.append(("Compared with", f"Version {view.previous.version} "
                                      f"({timezone.localtime(view.previous.computed_at):%b %-d, %Y})"))
    rows.append(("Figures", suppression_notice(view)))
    if not view.internal:
        rows.append(("Openings", f"Openings are suppressed where fewer than {DEMAND_MIN_EMPLOYERS} employers "
                                 "stand behind them"))
    return rows


def headline_sheet(view: ReportView) -> Sheet:
    headers = ["Measure", "Value"]
    if view.previous is not None:
        headers.append(f"Change since version {view.previous.version}")
    rows = []
    for tile in view.tiles:
        cells = [tile.cell]
        if view.previous is not None:
            cells.append(tile.trend or Cell(None, UNDEFINED_TEXT))
        rows.append((tile.measure.label, cells))
    return Sheet("headline", "Headline figures", headers, rows, text_columns=frozenset({1}))


def sheets(view: ReportView) -> list[Sheet]:
    """The headline figures, then every table of the view, in the page's order."""
    # The tables of everyone in scope read better one measure a line than as one row of 15 columns.
    everyone = [t for t in (view.program_table, *view.snap_tables[:1]) if t is not None]
    return [headline_sheet(view), *(_sheet(t, transpose=any(t is e for e in everyone)) for t in view.tables)]


def _sheet(table: Table | SimpleTable, *, transpose: bool = False) -> Sheet:
    if isinstance(table, SimpleTable):
        headers = list(table.headers)
        if headers and not headers[0]:
            headers[0] = FIRST_HEADERS.get(table.key, "Group")
        return Sheet(table.key, table.title, headers, [(r[0].text, list(r[1:])) for r in table.rows], table.note)
    if table.key == "wioa":
        return Sheet(table.key, table.title, ["Indicator", *(m.label for m in table.columns)],
                     [(label, list(cells)) for label, cells in table.rows], table.note)
    if transpose and len(table.rows) == 1:
        label, cells = table.rows[0]
        return Sheet(table.key, table.title, ["Measure", label],
                     [(m.label, [c]) for m, c in zip(table.columns, cells, strict=True)], table.note)
    return Sheet(table.key, table.title, [_group_header(table), *(m.label for m in table.columns)],
                 [(label, list(cells)) for label, cells in table.rows], table.note)


def _group_header(table: Table) -> str:
    if table.key.startswith("snap_"):
        return SNAP_TITLES.get(table.key.removeprefix("snap_"), "Group")
    return table.title


def _kind(cell: Cell) -> str:
    """How a figure is shown (the cell keeps its text, not its format): int, pct, wage, dollars or text."""
    if isinstance(cell.value, str):
        return "text"
    if cell.text.endswith("%"):
        return "pct"
    if cell.text.endswith("/h"):
        return "wage"
    if cell.text.startswith("$"):
        return "dollars"
    return "int"


def _safe(value: Any) -> Any:
    """Neutralize spreadsheet formulas in text typed by users (program, cohort and occupation labels)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# -- CSV --------------------------------------------------------------------------------------------------------
def _csv_value(cell: Cell) -> Any:
    if cell.suppressed:
        return SUPPRESSED_TEXT
    value = cell.value
    if value is None:
        return ""  # undefined: the only empty figure cell
    if isinstance(value, str):
        return _safe(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def _csv_view(writer: Any, view: ReportView, *, title: str | None = None) -> None:
    if title:
        writer.writerow([_safe(title)])
    for name, value in header_block(view):
        writer.writerow([name, _safe(value)])
    writer.writerow(["Conventions", CSV_CONVENTIONS])
    for sheet in sheets(view):
        writer.writerow([])
        writer.writerow([sheet.title])
        writer.writerow([_safe(h) for h in sheet.headers])
        for label, cells in sheet.rows:
            writer.writerow([_safe(label), *(_csv_value(c) for c in cells)])
        if sheet.note:
            writer.writerow([f"Note: {sheet.note}"])


def snapshot_csv(view: ReportView) -> bytes:
    out = io.StringIO()
    _csv_view(csv.writer(out), view, title=f"Outcome report: {view.snapshot.scope_label}")
    return out.getvalue().encode("utf-8")


def dashboard_csv(views: Sequence[ReportView], *, title: str) -> bytes:
    """The funder dashboard: one section per partnership report."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(title)])
    if not views:
        writer.writerow(["No partnership reports to show."])
    for view in views:
        writer.writerow([])
        _csv_view(writer, view, title=f"Partnership report: {view.snapshot.scope_label}")
    return out.getvalue().encode("utf-8")


def snap_et_csv(view: ReportView) -> bytes:
    """The SNAP E&T annual measures (7 CFR 273.7): everyone, then each breakdown group, one row each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(f"SNAP E&T measures: {view.snapshot.scope_label}")])
    for name, value in header_block(view):
        writer.writerow([name, _safe(value)])
    writer.writerow(["Conventions", CSV_CONVENTIONS])
    writer.writerow([])
    columns: Iterable[Measure] = view.snap_tables[0].columns if view.snap_tables else measures.SNAP
    writer.writerow(["Breakdown", "Group", *(m.label for m in columns)])
    for table in view.snap_tables:
        breakdown = "All" if table.key == "snap" else SNAP_TITLES.get(table.key.removeprefix("snap_"), table.title)
        for label, cells in table.rows:
            writer.writerow([breakdown, _safe(label), *(_csv_value(c) for c in cells)])
    return out.getvalue().encode("utf-8")


# -- XLSX -------------------------------------------------------------------------------------------------------
def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, 31 characters at most (cut at a word), case-insensitively new."""
    base = "".join(ch for ch in title if ch not in "[]:*?/\\").strip("' ")
    if len(base) > 31:
        base = base[:32].rsplit(" ", 1)[0].rstrip(" ,;-") if " " in base[:32] else base[:31]
    base = base or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _xlsx_write(sheet: Any, row: int, column: int, cell: Cell, *, as_text: bool = False) -> None:
    target = sheet.cell(row=row, column=column)
    if cell.suppressed:
        target.value = SUPPRESSED_TEXT
    elif cell.value is None:
        target.value = UNDEFINED_TEXT
    elif isinstance(cell.value, str):
        target.value = _safe(cell.value)
    elif as_text:
        target.value = cell.text
    else:
        target.value = cell.value
        target.number_format = NUMBER_FORMATS.get(_kind(cell), "General")


def _xlsx_table(sheet: Any, row: int, table: Sheet, *, titled: bool) -> int:
    """Write one table from ``row`` on (its title first if ``titled``); return the next free row."""
    if titled:
        sheet.cell(row=row, column=1, value=_safe(table.title)).font = Font(bold=True, size=12)
        row += 1
    for column, header in enumerate(table.headers, start=1):
        sheet.cell(row=row, column=column, value=_safe(header)).font = Font(bold=True)
    row += 1
    for label, cells in table.rows:
        sheet.cell(row=row, column=1, value=_safe(label))
        for column, cell in enumerate(cells, start=2):
            _xlsx_write(sheet, row, column, cell, as_text=column - 2 in table.text_columns)
        row += 1
    if table.note:
        row += 1
        sheet.cell(row=row, column=1, value=_safe(f"Note: {table.note}")).font = Font(italic=True)
        row += 1
    return row


def _xlsx_header(sheet: Any, row: int, view: ReportView, *, title: str) -> int:
    sheet.cell(row=row, column=1, value=_safe(title)).font = Font(bold=True, size=14)
    row += 1
    for name, value in header_block(view):
        sheet.cell(row=row, column=1, value=name).font = Font(bold=True)
        target = sheet.cell(row=row, column=2, value=_safe(value))
        if name == "Figures" and view.internal:
            target.font = Font(bold=True, color="B00020")
        row += 1
    return row


def _fit_columns(sheet: Any) -> None:
    """Columns as wide as their values (notes under a table may overflow, as notes do)."""
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column
                     if c.value is not None and not str(c.value).startswith("Note: ")), default=0)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)


def _workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot_xlsx(view: ReportView) -> bytes:
    """A "Report" sheet (what the report is), then one sheet per table, each with a bold header row."""
    workbook = Workbook()
    report = workbook.active
    taken: set[str] = set()
    report.title = _sheet_name("Report", taken)
    _xlsx_header(report, 1, view, title=f"Outcome report: {view.snapshot.scope_label}")
    _fit_columns(report)
    for table in sheets(view):
        sheet = workbook.create_sheet(_sheet_name(SHEET_NAMES.get(table.key, table.title), taken))
        _xlsx_table(sheet, 1, table, titled=False)
        sheet.freeze_panes = "B2"
        _fit_columns(sheet)
    return _workbook_bytes(workbook)


def dashboard_xlsx(views: Sequence[ReportView], *, title: str) -> bytes:
    """A summary sheet, then one sheet per partnership report holding all its tables, one under the other."""
    workbook = Workbook()
    summary = workbook.active
    taken: set[str] = set()
    summary.title = _sheet_name("Dashboard", taken)
    summary.cell(row=1, column=1, value=_safe(title)).font = Font(bold=True, size=14)
    headers = ["Partnership", "Period", "As of", "Version", "Figures"]
    for column, header in enumerate(headers, start=1):
        summary.cell(row=3, column=column, value=header).font = Font(bold=True)
    if not views:
        summary.cell(row=4, column=1, value="No partnership reports to show.")
    for row, view in enumerate(views, start=4):
        snapshot = view.snapshot
        for column, value in enumerate((snapshot.scope_label, snapshot.period_label, f"{snapshot.as_of:%b %-d, %Y}",
                                        snapshot.version, suppression_notice(view)), start=1):
            summary.cell(row=row, column=column, value=_safe(value))
    _fit_columns(summary)
    for view in views:
        sheet = workbook.create_sheet(_sheet_name(view.snapshot.scope_label, taken))
        row = _xlsx_header(sheet, 1, view, title=view.snapshot.scope_label) + 1
        for table in sheets(view):
            row = _xlsx_table(sheet, row, table, titled=True) + 1
        _fit_columns(sheet)
    return _workbook_bytes(workbook)


# -- PDF --------------------------------------------------------------------------------------------------------
def _definitions() -> list[tuple[str, str]]:
    """(label, definition) of the program measures and of each WIOA indicator, from reports/measures.py."""
    out: list[tuple[str, str]] = []
    for m in (*measures.PROGRAM, *measures.WIOA):
        text = m.help
        if not text and m.key.endswith("_q4"):  # the 4th-quarter twin of a 2nd-quarter measure
            text = measures.BY_KEY[m.key.replace("_q4", "_q2")].help.replace("2nd", "4th")
        if text and (m.label, text) not in out:
            out.append((m.label, text))
    return out


def _pdf_text(value: Any) -> str:
    """Paragraph markup of plain text in the PDF's base font (WinAnsi: no Unicode minus sign)."""
    return escape(str(value).replace("\u2212", "-"))


class _PdfBuilder:
    """The platypus story of one or several report views, with shared styles."""

    def __init__(self) -> None:
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("ReportTitle", parent=base["Title"], fontSize=17, leading=21, spaceAfter=6,
                                    alignment=0)
        self.h1 = ParagraphStyle("ReportH1", parent=base["Heading1"], fontSize=14, leading=17, spaceBefore=4)
        self.h2 = ParagraphStyle("ReportH2", parent=base["Heading2"], fontSize=11, leading=14, spaceBefore=10,
                                 spaceAfter=4, keepWithNext=1)
        self.body = ParagraphStyle("ReportBody", parent=base["BodyText"], fontSize=9, leading=11.5)
        self.note = ParagraphStyle("ReportNote", parent=self.body, fontSize=7.5, leading=9.5,
                                   textColor=colors.HexColor("#555555"), spaceBefore=3)
        self.cell = ParagraphStyle("ReportCell", parent=self.body, fontSize=8, leading=10)
        self.small_cell = ParagraphStyle("ReportSmallCell", parent=self.cell, fontSize=6.5, leading=8)
        # Figures line up on the right, their headers too.
        self.figure_cell = ParagraphStyle("ReportFigure", parent=self.cell, alignment=2)
        self.small_figure_cell = ParagraphStyle("ReportSmallFigure", parent=self.small_cell, alignment=2)
        self.internal = ParagraphStyle("ReportInternal", parent=self.body, textColor=colors.HexColor("#B00020"),
                                       fontName="Helvetica-Bold", borderColor=colors.HexColor("#B00020"),
                                       borderWidth=1, borderPadding=5, spaceBefore=6, spaceAfter=8)
        self.notice = ParagraphStyle("ReportNotice", parent=self.body, backColor=colors.HexColor("#F1F3F5"),
                                     borderPadding=5, spaceBefore=6, spaceAfter=8)

    def table(self, rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Any:
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D0D4D9")),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if header:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF1")),
                      ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.HexColor("#7A8591"))]
        flowable = PdfTable(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        flowable.setStyle(TableStyle(style))
        return flowable

    def figure(self, cell: Cell, style: Any) -> Any:
        if cell.suppressed:  # looks different from a zero
            return Paragraph(f'<font color="#6C757D"><i>{SUPPRESSED_TEXT}</i></font>', style)
        if cell.value is None:
            return Paragraph(UNDEFINED_TEXT, style)
        return Paragraph(_pdf_text(cell.text), style)

    def view(self, view: ReportView, *, heading: str, width: float, section: bool = False) -> list[Any]:
        """The header block, the suppression notice, then the headline figures and every table of one report."""
        story: list[Any] = [Paragraph(_pdf_text(heading), self.h1 if section else self.title)]
        block = [(name, value) for name, value in header_block(view) if name not in ("Figures", "Openings")]
        story.append(self.table([[Paragraph(f"<b>{_pdf_text(k)}</b>", self.cell), Paragraph(_pdf_text(v), self.cell)]
                                 for k, v in block], [1.3 * inch, width - 1.3 * inch], header=False))
        notice = suppression_notice(view)
        if view.internal:
            story.append(Paragraph(_pdf_text(notice), self.internal))
        else:
            story.append(Paragraph(_pdf_text(f"{notice}. Openings are suppressed where fewer than "
                                              f"{DEMAND_MIN_EMPLOYERS} employers stand behind them."), self.notice))
        for sheet in sheets(view):
            story += [Paragraph(_pdf_text(sheet.title), self.h2), self.sheet(sheet, width)]
            if sheet.note:
                story.append(Paragraph(_pdf_text(sheet.note), self.note))
            story.append(Spacer(1, 4))
        return story

    def sheet(self, sheet: Sheet, width: float) -> Any:
        n = len(sheet.headers)
        style, figure = (self.small_cell, self.small_figure_cell) if n > 6 else (self.cell, self.figure_cell)
        first = width * 0.55 if n == 2 else min(2.2 * inch, width * 0.4) if n <= 4 else 1.05 * inch
        widths = [first, *([(width - first) / (n - 1)] * (n - 1))] if n > 1 else [width]
        rows: list[list[Any]] = [[Paragraph(f"<b>{_pdf_text(h)}</b>", style if i == 0 else figure)
                                  for i, h in enumerate(sheet.headers)]]
        if not sheet.rows:
            rows.append([Paragraph("<i>Nothing to show in this period.</i>", style), *([""] * (n - 1))])
        for label, cells in sheet.rows:
            rows.append([Paragraph(_pdf_text(label), style), *(self.figure(c, figure) for c in cells)])
        # A long table splits across pages, its header row repeated; the title above keeps with its first rows.
        return self.table(rows, widths)

    def definitions(self) -> list[Any]:
        story: list[Any] = [Paragraph("Definitions", self.h1)]
        for label, text in _definitions():
            story.append(Paragraph(f"<b>{_pdf_text(label)}.</b> {_pdf_text(text)}", self.body))
        story.append(Paragraph(_pdf_text(
            "WIOA indicators follow 20 CFR 677.155: exits with an exclusion reason leave numerator and denominator; "
            "quarters after exit are calendar quarters after the quarter of exit, counted once they have closed. "
            "SNAP E&T measures (7 CFR 273.7) are counted after the SNAP E&T enrollment ends."), self.note))
        return story


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that knows the page count when it saves, for "Page 2 of 5" (reportlab's two-pass recipe), and
    writes the footer line on every page."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer.replace("\u2212", "-")
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7)
            self.setFillGray(0.4)
            width, _height = self._pagesize
            page = f"Page {self._pageNumber} of {total}"
            room = width - 1.2 * inch - stringWidth(page, "Helvetica", 7) - 12
            text = self._footer
            while text and stringWidth(text, "Helvetica", 7) > room:
                text = text[:-2].rstrip() + "…"
            self.drawString(0.6 * inch, 0.45 * inch, text)
            self.drawRightString(width - 0.6 * inch, 0.45 * inch, page)
            super().showPage()
        super().save()


def _pdf(story: list[Any], *, title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                            topMargin=0.6 * inch, bottomMargin=0.75 * inch, title=title,
                            author="Partnership Portal", subject="Outcome report")
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def _footer(view: ReportView) -> str:
    snapshot = view.snapshot
    use = "INTERNAL: do not share outside the convener" if view.internal else (
        f"Suppressed below {view.threshold}")
    return f"{snapshot.scope_label} · {snapshot.period_label} · version {snapshot.version} · {use}"


def snapshot_pdf(view: ReportView) -> bytes:
    """The funder-ready report: title, header block, headline figures with trend, every table, definitions."""
    builder = _PdfBuilder()
    width = letter[0] - 1.2 * inch
    title = f"Outcome report: {view.snapshot.scope_label}"
    story = [*builder.view(view, heading=title, width=width), *builder.definitions()]
    return _pdf(story, title=title, footer=_footer(view))


def dashboard_pdf(views: Sequence[ReportView], *, title: str) -> bytes:
    """The funder dashboard: one section per partnership report, each starting on a new page; definitions last."""
    builder = _PdfBuilder()
    width = letter[0] - 1.2 * inch
    story: list[Any] = [Paragraph(_pdf_text(title), builder.title)]
    if not views:
        story.append(Paragraph("No partnership reports to show.", builder.body))
    for i, view in enumerate(views):
        if i:
            story.append(PageBreak())
        story += builder.view(view, heading=view.snapshot.scope_label, width=width, section=True)
    story += [PageBreak(), *builder.definitions()]
    internal = any(v.internal for v in views)
    return _pdf(story, title=title, footer=f"{title} · "
                + ("INTERNAL: do not share outside the convener" if internal else "small cells suppressed"))

"""Pages of outcome reports: the funder dashboard, the report list and request form, a run's progress, a report,
two reports compared, and their exports. Every figure comes from a stored snapshot through
reports.presentation.present, which decides what the viewer may see; nothing aggregates during a request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partnerships.permissions import Action, can
from partnerships.roles import Role
from partnerships.selectors import partnership_list
from partnerships.tenant_views import TenantView
from programs.models import Cohort, FundingStream, Program
from reports import selectors, services
from reports.forms import ReportRequestForm
from reports.models import PeriodKind, ReportRun, ReportSnapshot
from reports.presentation import Cell, ReportView, Table, present

PAGE_SIZE = 25
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# What the dashboard's charts draw for each program or cohort (the same figures are in the table beside).
CHART_SERIES = (("enrolled", "Enrolled"), ("completed", "Completed"), ("hired", "Hired in industry"))


def _url(name: str, slug: str, **kwargs: int) -> str:
    return reverse(f"reports:{name}", kwargs={"convener_slug": slug, **kwargs})


CHART_ROWS = 12


def recent(table: Table | None, *, limit: int = CHART_ROWS) -> Table | None:
    """The table a chart stands beside: the chart's series as columns, and the last ``limit`` rows (programs and
    cohorts sort by name, and cohort names carry their year, so the last are the most recent)."""
    if table is None:
        return None
    keep = [i for i, m in enumerate(table.columns) if m.key in dict(CHART_SERIES)]
    rows = table.rows[-limit:]
    note = (f"The {limit} most recent of {len(table.rows)}; the full report lists them all."
            if len(table.rows) > limit else "")
    return Table(key=table.key, title=table.title, columns=[table.columns[i] for i in keep],
                 rows=[(label, [cells[i] for i in keep]) for label, cells in rows], note=note)


def _short(label: str) -> str:
    """A chart label: a cohort's own part ("2021 #25") rather than its program's name, cut to fit."""
    short = label.rsplit(" · ", 1)[-1]
    return short if len(short) <= 28 else short[:27] + "…"


def bar_chart(table: Table | None, *, limit: int = CHART_ROWS) -> dict[str, Any] | None:
    """Geometry of a grouped horizontal bar chart of CHART_SERIES per row of a breakdown table. A suppressed
    figure is drawn as a hatched placeholder with the word, never as a zero-length bar."""
    if table is None or not table.rows:
        return None
    index = {m.key: i for i, m in enumerate(table.columns)}
    rows = table.rows[-limit:]
    values = [c.value for _label, cells in rows for key, _n in CHART_SERIES
              if isinstance((c := cells[index[key]]).value, (int, float))]
    top = max([v for v in values if v is not None] or [1]) or 1
    left, width, bar_h, gap = 190, 640, 12, 14
    group_h = bar_h * len(CHART_SERIES) + gap
    out_rows = []
    for r, (label, cells) in enumerate(rows):
        y0 = 10 + r * group_h
        bars = []
        for s, (key, series_label) in enumerate(CHART_SERIES):
            cell: Cell = cells[index[key]]
            y = y0 + s * bar_h
            if cell.suppressed:
                bars.append({"series": key, "label": series_label, "suppressed": True, "x": left, "y": y,
                             "w": 90, "h": bar_h - 2, "text": cell.text, "tx": left + 45, "ty": y + bar_h / 2})
            else:
                value = float(cell.value or 0)
                w = max(value / top * (width - left - 60), 1)
                bars.append({"series": key, "label": series_label, "suppressed": False, "x": left, "y": y,
                             "w": w, "h": bar_h - 2, "text": cell.text, "tx": left + w + 4, "ty": y + bar_h / 2})
        out_rows.append({"label": _short(label), "full_label": label,
                         "y": y0 + (bar_h * len(CHART_SERIES)) / 2, "bars": bars})
    return {"width": width, "height": 10 + len(rows) * group_h, "left": left, "rows": out_rows,
            "truncated": len(table.rows) > limit, "series": CHART_SERIES}


def _breakdown(view: ReportView, key: str) -> Table | None:
    return next((t for t in view.breakdowns if t.key == key), None)


def _file(body: bytes, *, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:60] or "report"


# ---------------------------------------------------------------------------------------------------------------
# The dashboard
# ---------------------------------------------------------------------------------------------------------------
class DashboardView(TenantView):
    """Outcome dashboard: each partnership the viewer may see, its headline tiles with the trend against the
    previous snapshot, charts by program and cohort with their tables, and the WIOA indicators. Funders see
    suppressed figures; convener staff see internal ones."""

    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
    permissions = {"GET": Action.REPORT_VIEW}

    def entries(self, request: HttpRequest) -> list[tuple[Any, ReportView | None]]:
        period = request.GET.get("period") or None
        if period not in PeriodKind.values:
            period = None
        try:
            partnership_id = int(request.GET["partnership"]) if request.GET.get("partnership") else None
        except ValueError:
            partnership_id = None
        entries = selectors.dashboard(convener=self.convener, membership=self.membership, period_kind=period,
                                      partnership_id=partnership_id)
        return [(e, present(e.snapshot, membership=self.membership, previous=e.previous) if e.snapshot else None)
                for e in entries]

    def get(self, request: HttpRequest) -> HttpResponse:
        entries = self.entries(request)
        sections = [{"entry": e, "view": v, "program_chart": bar_chart(_breakdown(v, "program")) if v else None,
                     "cohort_chart": bar_chart(_breakdown(v, "cohort")) if v else None,
                     "program_table": recent(_breakdown(v, "program")) if v else None,
                     "cohort_table": recent(_breakdown(v, "cohort")) if v else None} for e, v in entries]
        return render(request, "reports/dashboard.html", self.get_context_data(
            sections=sections, period=request.GET.get("period", ""), period_choices=PeriodKind.choices,
            internal=self.membership.role != Role.FUNDER and can(self.membership, Action.REPORT_INTERNAL),
            threshold=self.convener.suppression_threshold))


class DashboardExportView(DashboardView):
    """The whole dashboard as CSV, XLSX or PDF: the same views as the page, so the same suppression."""

    file_format = "csv"

    def get(self, request: HttpRequest) -> HttpResponse:
        from reports import exports

        views = [v for _e, v in self.entries(request) if v is not None]
        title = f"Outcomes dashboard · {self.convener.name}"
        body = {"csv": exports.dashboard_csv, "xlsx": exports.dashboard_xlsx,
                "pdf": exports.dashboard_pdf}[self.file_format](views, title=title)
        services.report_export_record(convener=self.convener, actor=request.user, snapshot=None,  # type: ignore[arg-type]
                                      kind="dashboard", file_format=self.file_format,
                                      internal=bool(views and views[0].internal))
        return _file(body, file_format=self.file_format,
                     filename=f"outcomes-{self.convener.slug}-{timezone.localdate():%Y-%m-%d}")


# ---------------------------------------------------------------------------------------------------------------
# Reports: list, request, progress
# ---------------------------------------------------------------------------------------------------------------
class ReportListView(TenantView):
    """Every stored report the viewer may see and the runs under way, with the form to ask for one."""

    permissions = {"GET": Action.REPORT_VIEW, "POST": Action.REPORT_RUN}

    def _choices(self) -> dict[str, list[tuple[int, str]]]:
        convener, membership = self.convener, self.membership
        choices: dict[str, list[tuple[int, str]]] = {
            "partnership": list(partnership_list(convener=convener, membership=membership).values_list("pk", "name"))}
        if membership.role != Role.FUNDER:
            choices["program"] = list(Program.objects.for_convener(convener).order_by("name")
                                      .values_list("pk", "name"))
            choices["cohort"] = list(Cohort.objects.for_convener(convener).order_by("-start_date", "name")
                                     .values_list("pk", "name"))
            choices["stream"] = list(FundingStream.objects.values_list("pk", "name"))
        return choices

    def _render(self, request: HttpRequest, form: ReportRequestForm, status: int = 200) -> HttpResponse:
        snapshots = selectors.snapshot_list(convener=self.convener, membership=self.membership).defer("figures")
        partnership = request.GET.get("partnership")
        if partnership and partnership.isdigit():
            snapshots = snapshots.filter(partnership_id=int(partnership))
        page = Paginator(snapshots, PAGE_SIZE).get_page(request.GET.get("page"))
        runs = list(selectors.run_list(convener=self.convener, membership=self.membership)
                    .exclude(status=ReportRun.Status.SUCCEEDED)[:10])
        return render(request, "reports/report_list.html", self.get_context_data(
            snapshots=page, runs=runs, form=form, can_run=can(self.membership, Action.REPORT_RUN),
            threshold_range=services.THRESHOLD_RANGE), status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {}
        for key in ("scope", "partnership", "program", "cohort", "period_kind"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        form = ReportRequestForm(membership=self.membership, choices=self._choices(), initial=initial)
        return self._render(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportRequestForm(request.POST, membership=self.membership, choices=self._choices())
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            run = services.report_run_request(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                              membership=self.membership, **form.service_kwargs())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(request, form, status=400)
        messages.success(request, "Report queued. You can leave this page: "
                                  + ("we will email you when it is ready." if run.notify else "it keeps running."))
        return redirect(_url("run-detail", self.convener.slug, reportrun_id=run.pk))


class RunDetailView(TenantView):
    """A run's progress bar (htmx polls the partial until it is ready, then offers the report)."""

    permissions = {"GET": Action.REPORT_VIEW}

    def get(self, request: HttpRequest, reportrun_id: int) -> HttpResponse:
        run = selectors.run_get(convener=self.convener, membership=self.membership, run_id=reportrun_id)
        context = self.get_context_data(run=run, status_url=_url("run-detail", self.convener.slug,
                                                                 reportrun_id=run.pk))
        if request.headers.get("HX-Request"):
            response = render(request, "reports/_run_progress.html", context)
            if run.status == ReportRun.Status.SUCCEEDED and run.snapshot_id:
                response["HX-Trigger"] = "report-ready"
            return response
        return render(request, "reports/run_detail.html", context)


# ---------------------------------------------------------------------------------------------------------------
# One report, comparisons and exports
# ---------------------------------------------------------------------------------------------------------------
class _SnapshotView(TenantView):
    def snapshot(self, reportsnapshot_id: int) -> ReportSnapshot:
        return selectors.snapshot_get(convener=self.convener, membership=self.membership,
                                      snapshot_id=reportsnapshot_id)


class SnapshotDetailView(_SnapshotView):
    """A stored report: every table; convener staff see it unsuppressed (marked internal) and can drill down
    into a program or cohort, which asks for that scope's report for the same period."""

    permissions = {"GET": Action.REPORT_VIEW}

    def get(self, request: HttpRequest, reportsnapshot_id: int) -> HttpResponse:
        snapshot = self.snapshot(reportsnapshot_id)
        previous = selectors.snapshot_previous(convener=self.convener, membership=self.membership, snapshot=snapshot)
        view = present(snapshot, membership=self.membership, previous=previous)
        others = list(selectors.snapshot_list(convener=self.convener, membership=self.membership)
                      .exclude(pk=snapshot.pk).defer("figures")[:30])
        # Drill-down (convener staff): each program or cohort row opens the request form for that scope's
        # report over the same period.
        drill: dict[str, list[str]] = {}
        if view.internal and can(self.membership, Action.REPORT_RUN):
            base = _url("report-list", self.convener.slug)
            for key in ("program", "cohort"):
                rows = (snapshot.figures.get("breakdowns") or {}).get(key) or []
                drill[key] = [f"{base}?scope={key}&{key}={r['key']}&period_kind={snapshot.period_kind}#request"
                              if str(r.get("key", "")).isdigit() else "" for r in rows]
        return render(request, "reports/snapshot_detail.html", self.get_context_data(
            snapshot=snapshot, view=view, others=others, drill=drill,
            program_chart=bar_chart(_breakdown(view, "program")), program_table=recent(_breakdown(view, "program")),
            internal=view.internal))


class SnapshotCompareView(_SnapshotView):
    """Two stored reports side by side: headline figures, program outcomes and WIOA indicators, with the change."""

    permissions = {"GET": Action.REPORT_VIEW}

    def get(self, request: HttpRequest, reportsnapshot_id: int) -> HttpResponse:
        snapshot = self.snapshot(reportsnapshot_id)
        other_id = request.GET.get("with", "")
        other: ReportSnapshot | None
        if other_id.isdigit():
            other = self.snapshot(int(other_id))
        else:
            other = selectors.snapshot_previous(convener=self.convener, membership=self.membership,
                                                snapshot=snapshot)
            if other is None:
                messages.info(request, "This report has no earlier version yet: choose a report to compare with.")
                return redirect(_url("snapshot-detail", self.convener.slug, reportsnapshot_id=snapshot.pk))
        left = present(snapshot, membership=self.membership)
        right = present(other, membership=self.membership)
        rows = []
        for table_l, table_r in ((left.program_table, right.program_table), (left.wioa_table, right.wioa_table)):
            if table_l is None or table_r is None:
                continue
            if table_l.key == "program":
                pairs = [(m.label, table_l.rows[0][1][i], table_r.rows[0][1][i], m.fmt)
                         for i, m in enumerate(table_l.columns)]
            else:
                pairs = [(label, cells[0], table_r.rows[i][1][0], "pct" if "rate" in label.lower() or "%" in
                          cells[0].text else "int") for i, (label, cells) in enumerate(table_l.rows)]
            rows.append({"title": table_l.title, "rows": [
                {"label": label, "left": a, "right": b, "change": _change(a, b, fmt)} for label, a, b, fmt in pairs]})
        return render(request, "reports/compare.html", self.get_context_data(
            snapshot=snapshot, other=other, left=left, right=right, sections=rows))


def _change(a: Cell, b: Cell, fmt: str) -> str:
    if not isinstance(a.value, (int, float)) or not isinstance(b.value, (int, float)):
        return "—"
    delta = a.value - b.value
    if abs(delta) < 1e-9:
        return "no change"
    sign = "+" if delta > 0 else "−"
    if fmt == "pct":
        return f"{sign}{abs(delta) * 100:.1f} pts"
    if fmt in ("wage",):
        return f"{sign}${abs(delta):,.2f}"
    if fmt in ("earnings", "dollars"):
        return f"{sign}${abs(delta):,.0f}"
    return f"{sign}{abs(delta):,.0f}"


class SnapshotExportView(_SnapshotView):
    """One report as CSV, XLSX or a funder-ready PDF, built from the presented view (same suppression)."""

    permissions = {"GET": Action.REPORT_VIEW}
    file_format = "csv"

    def get(self, request: HttpRequest, reportsnapshot_id: int) -> HttpResponse:
        from reports import exports

        snapshot = self.snapshot(reportsnapshot_id)
        previous = selectors.snapshot_previous(convener=self.convener, membership=self.membership, snapshot=snapshot)
        view = present(snapshot, membership=self.membership, previous=previous)
        body = {"csv": exports.snapshot_csv, "xlsx": exports.snapshot_xlsx,
                "pdf": exports.snapshot_pdf}[self.file_format](view)
        services.report_export_record(convener=self.convener, actor=request.user, snapshot=snapshot,  # type: ignore[arg-type]
                                      kind="report", file_format=self.file_format, internal=view.internal)
        return _file(body, file_format=self.file_format,
                     filename=f"report-{_slug(snapshot.scope_label)}-{snapshot.period_end:%Y-%m-%d}-v{snapshot.version}")


class SnapEtExportView(_SnapshotView):
    """The SNAP E&T annual measures table (aggregate; convener staff)."""

    permissions = {"GET": Action.REPORT_INTERNAL}

    def get(self, request: HttpRequest, reportsnapshot_id: int) -> HttpResponse:
        from reports import exports

        snapshot = self.snapshot(reportsnapshot_id)
        view = present(snapshot, membership=self.membership)
        services.report_export_record(convener=self.convener, actor=request.user, snapshot=snapshot,  # type: ignore[arg-type]
                                      kind="snap_et", file_format="csv", internal=view.internal)
        return _file(exports.snap_et_csv(view), file_format="csv",
                     filename=f"snap-et-measures-{_slug(snapshot.scope_label)}-{snapshot.period_end:%Y-%m-%d}")


class PirlExportView(_SnapshotView):
    """The participant-level PIRL-style file of a report's people: convener admins only, and audited."""

    permissions = {"GET": Action.REPORT_PIRL_EXPORT}

    def get(self, request: HttpRequest, reportsnapshot_id: int) -> HttpResponse:
        from reports.pirl import pirl_csv

        snapshot = self.snapshot(reportsnapshot_id)
        body, rows = pirl_csv(convener=self.convener, snapshot=snapshot)
        services.report_export_record(convener=self.convener, actor=request.user, snapshot=snapshot,  # type: ignore[arg-type]
                                      kind="pirl", file_format="csv", internal=True, rows=rows)
        return _file(body, file_format="csv",
                     filename=f"pirl-{_slug(snapshot.scope_label)}-{snapshot.period_end:%Y-%m-%d}")



class SuppressionSettingsView(TenantView):
    """The workspace's small-cell threshold (convener admins): a number on the report list page."""

    permissions = {"POST": Action.REPORT_SETTINGS}

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.suppression_threshold_set(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                               threshold=request.POST.get("threshold"))
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(_url("report-list", self.convener.slug) + "#suppression")
        messages.success(request, f"Funders and employers now see counts below {self.convener.suppression_threshold}, "
                                  "and figures over fewer people, suppressed.")
        return redirect(_url("report-list", self.convener.slug) + "#suppression")

"""Reports API: report runs (ask for a report, follow its progress) and the stored snapshots they produce, each
presented as the caller may see it, compared with another, or exported as CSV, XLSX or PDF.

Who sees what (DOMAIN.md §2, §4) is decided by ``reports.selectors``: convener staff see every scope; funders the
partnership reports of the partnerships granted to them (anything else is a 404), and may ask for those only
(``reports.services`` refuses anything else with a 400). Figures leave only through
``reports.presentation.present``, so a funder's small cells are suppressed here exactly as on the pages. Lists
carry headers, never figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api.base import TenantViewSet
from partnerships.permissions import Action, can
from partnerships.suppression import SUPPRESSED_LABEL
from reports import selectors, services
from reports.api import filters
from reports.api import serializers as s
from reports.models import ReportRun, ReportSnapshot
from reports.presentation import ReportView, present

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _object_body(request: Request) -> Mapping[str, Any]:
    """The JSON body, which must be an object (an array, string or null is a 400, not a TypeError)."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["Invalid data. Expected an object."]})
    return request.data


# ---------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------
class ReportRunViewSet(mixins.ListModelMixin, TenantViewSet):
    """Report runs: queued, running (with progress and the step it is on), succeeded (with the snapshot that
    answers it) or failed. Funders see the runs they asked for and the scheduled runs of their partnerships."""

    serializer_class = s.ReportRunOutputSerializer
    filterset_class = filters.RunFilter
    ordering_fields = ["requested_at"]
    tenant_model = ReportRun
    permissions = {
        "list": Action.REPORT_VIEW,
        "retrieve": Action.REPORT_VIEW,
        "create": Action.REPORT_RUN,
    }

    def get_queryset(self) -> Any:
        # A run names its snapshot; the snapshot's figures (which can be large) stay in the database.
        return selectors.run_list(convener=self.convener, membership=self.membership).defer("snapshot__figures")

    @extend_schema(responses=s.ReportRunOutputSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One run: its status, progress and step, when it was asked for, started and finished, and once it
        succeeded the snapshot's id and URL."""
        run = selectors.run_get(convener=self.convener, membership=self.membership, run_id=kwargs["pk"])
        return Response(s.ReportRunOutputSerializer(run, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ReportRunInputSerializer, responses={202: s.ReportRunOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask for a report; it is computed in the background (follow the run's URL). The same report already
        queued or running is shared, not asked for twice. Funders ask for their partnerships' reports only."""
        data = s.ReportRunInputSerializer(data=_object_body(request))
        data.is_valid(raise_exception=True)
        run = services.report_run_request(convener=self.convener, actor=self.membership.user,
                                          membership=self.membership, trigger=ReportRun.Trigger.API,
                                          **data.validated_data)
        response = Response(s.ReportRunOutputSerializer(run, context=self.get_serializer_context()).data,
                            status=status.HTTP_202_ACCEPTED)
        response["Location"] = request.build_absolute_uri(reverse(
            "reports-api:report-run-detail", kwargs={"convener_slug": self.convener.slug, "pk": run.pk}))
        return response


# ---------------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------------
class FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's type in Accept. The file itself is sent as is; an error (data) is sent
    as JSON, labelled so."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(FileRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


class PDFRenderer(FileRenderer):
    media_type = CONTENT_TYPES["pdf"]
    format = "pdf"


class ReportSnapshotViewSet(mixins.ListModelMixin, TenantViewSet):
    """Stored, versioned outcome reports. The list gives what each is about and when it was computed; a snapshot
    gives its figures as the caller may see them: convener staff every figure (``internal: true``), funders small
    cells suppressed (``value: null``, ``suppressed: true``, text "Suppressed")."""

    serializer_class = s.ReportSnapshotSerializer
    filterset_class = filters.SnapshotFilter
    ordering_fields = ["computed_at", "version"]
    tenant_model = ReportSnapshot
    permissions = {
        "list": Action.REPORT_VIEW,
        "retrieve": Action.REPORT_VIEW,
        "compare": Action.REPORT_VIEW,
        "export": Action.REPORT_VIEW,
    }

    def get_queryset(self) -> Any:
        # Headers only: the figures can be large, and a list never shows them.
        return selectors.snapshot_list(convener=self.convener, membership=self.membership).defer("figures")

    def _get(self, pk: int) -> ReportSnapshot:
        return selectors.snapshot_get(convener=self.convener, membership=self.membership, snapshot_id=pk)

    def _present(self, snapshot: ReportSnapshot, previous: ReportSnapshot | None) -> ReportView:
        return present(snapshot, membership=self.membership, previous=previous,
                       internal=can(self.membership, Action.REPORT_INTERNAL))

    def _previous(self, snapshot: ReportSnapshot) -> ReportSnapshot | None:
        return selectors.snapshot_previous(convener=self.convener, membership=self.membership, snapshot=snapshot)

    def _detail(self, view: ReportView) -> dict[str, Any]:
        presented = view.as_json()
        presented.pop("snapshot")  # the header below says the same, in the list's words
        return {**s.ReportSnapshotSerializer(view.snapshot, context=self.get_serializer_context()).data,
                **presented}

    @extend_schema(responses=s.ReportSnapshotDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One snapshot's figures as the caller may see them, with trends since the version before it."""
        snapshot = self._get(kwargs["pk"])
        return Response(self._detail(self._present(snapshot, self._previous(snapshot))))

    @extend_schema(parameters=[s.ReportCompareQuerySerializer], responses=s.ReportCompareSerializer)
    @action(detail=True, methods=["get"])
    def compare(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Two snapshots side by side, and per headline measure the difference (this one minus the other) where
        the caller may see both figures. Either snapshot the caller may not see is a 404."""
        snapshot = self._get(kwargs["pk"])  # first: someone else's id is a 404 whatever the query says
        query = s.ReportCompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        other = self._get(query.validated_data["with"])
        view, other_view = self._present(snapshot, other), self._present(other, None)
        differences = []
        for tile, other_tile in zip(view.tiles, other_view.tiles, strict=True):
            hidden = tile.cell.suppressed or other_tile.cell.suppressed
            # present() measures a trend only where both figures show: the same rule a difference needs.
            differences.append({
                "key": tile.measure.key, "label": tile.measure.label,
                "value": tile.trend.value if tile.trend else None,
                "text": tile.trend.text if tile.trend else (SUPPRESSED_LABEL if hidden else "—"),
                "suppressed": hidden,
            })
        return Response({"snapshot": self._detail(view), "other": self._detail(other_view),
                         "differences": differences})

    @extend_schema(
        # DRF's own ?format= only picks a renderer; the file is chosen by file_format.
        parameters=[s.ReportExportQuerySerializer, OpenApiParameter("format", exclude=True)],
        responses={(200, media): OpenApiResponse(OpenApiTypes.BINARY, description=label)
                   for media, label in ((CSVRenderer.media_type, "CSV"), (XLSXRenderer.media_type, "Excel workbook"),
                                        (PDFRenderer.media_type, "PDF"))},
    )
    @action(detail=True, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, CSVRenderer, XLSXRenderer, PDFRenderer])
    def export(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The snapshot as a file, exactly as the caller may see it (suppressed cells say so). Every export is
        audited."""
        from reports import exports  # written alongside; imported here so the API loads without it

        snapshot = self._get(kwargs["pk"])
        query = s.ReportExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["file_format"]
        view = self._present(snapshot, self._previous(snapshot))
        build = {"csv": exports.snapshot_csv, "xlsx": exports.snapshot_xlsx, "pdf": exports.snapshot_pdf}
        content = build[file_format](view)
        services.report_export_record(convener=self.convener, actor=self.membership.user, snapshot=snapshot,
                                      kind="report", file_format=file_format, internal=view.internal, source="api")
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = (f'attachment; filename="report-{snapshot.pk}-v{snapshot.version}.'
                                           f'{file_format}"')
        response["Cache-Control"] = "no-store"
        return response

"""Serializers of the reports API. Input serializers check shape; reports/services.py checks the rules.

Figures never pass through a model serializer: a snapshot's figures leave the API only as
``reports.presentation.present(...).as_json()``, which suppresses small cells for funders. The serializers of
presented views below describe that JSON for the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.api.serializers import CalendarDateField, UserBriefSerializer
from partnerships.permissions import Action, can
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope

FILE_FORMATS = (("csv", "CSV"), ("xlsx", "Excel workbook"), ("pdf", "PDF"))


def _scope_id(row: ReportRun | ReportSnapshot) -> int | None:
    return {Scope.PARTNERSHIP: row.partnership_id, Scope.PROGRAM: row.program_id, Scope.COHORT: row.cohort_id,
            Scope.STREAM: row.stream_id}.get(Scope(row.scope))


def snapshot_url(context: dict[str, Any], snapshot_id: int) -> str:
    path = reverse("reports-api:report-snapshot-detail",
                   kwargs={"convener_slug": context["convener"].slug, "pk": snapshot_id})
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# ---------------------------------------------------------------------------------------------------
# Snapshots: the header (lists), and the presented view (detail, compare)
# ---------------------------------------------------------------------------------------------------
class ReportSnapshotSerializer(serializers.ModelSerializer):
    """What a snapshot is about and when it was computed; never its figures."""

    scope_id = serializers.SerializerMethodField(help_text="The partnership, program, cohort or funding stream "
                                                           "id; null for the whole workspace")
    scope_label = serializers.CharField(read_only=True)
    period_label = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportSnapshot
        fields = ["id", "url", "version", "scope", "scope_id", "scope_label", "period_kind", "period_label",
                  "period_start", "period_end", "as_of", "hire_window_days", "computed_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_scope_id(self, snapshot: ReportSnapshot) -> int | None:
        return _scope_id(snapshot)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, snapshot: ReportSnapshot) -> str:
        return snapshot_url(self.context, snapshot.pk)


class ReportCellSerializer(serializers.Serializer):
    """One figure as the caller may see it. A suppressed cell has ``value: null``, ``suppressed: true`` and the
    text "Suppressed" (never 0); an undefined one (nobody to compute it over) has ``value: null``, text "—"."""

    value = serializers.FloatField(allow_null=True)
    text = serializers.CharField()
    suppressed = serializers.BooleanField()
    people = serializers.IntegerField(allow_null=True, help_text="The people behind the figure")


class ReportHeadlineSerializer(ReportCellSerializer):
    key = serializers.CharField(help_text="The measure, e.g. enrolled, hire_rate, wage_median")
    label = serializers.CharField()  # type: ignore[assignment]  # the measure's label, not the field's
    trend = ReportCellSerializer(allow_null=True, help_text="The change since the version compared with")


class ReportComparedWithSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    computed_at = serializers.DateTimeField()


class ReportSnapshotDetailSerializer(ReportSnapshotSerializer):
    """The header, and the figures as the caller may see them: convener staff get every figure unsuppressed
    (``internal: true``); funders get small cells suppressed by the workspace's threshold."""

    internal = serializers.BooleanField(help_text="Unsuppressed figures, for convener staff only")
    suppression_threshold = serializers.IntegerField(allow_null=True,
                                                     help_text="Null when the figures are internal")
    compared_with = ReportComparedWithSerializer(allow_null=True, help_text="The version the trends are measured from")
    headline = ReportHeadlineSerializer(many=True)
    tables = serializers.ListField(
        child=serializers.JSONField(),
        help_text="Program outcomes, WIOA indicators, breakdowns, SNAP E&T, services, work-based learning and "
                  "the employer side; each cell as in headline")

    class Meta(ReportSnapshotSerializer.Meta):
        fields = [*ReportSnapshotSerializer.Meta.fields, "internal", "suppression_threshold", "compared_with",
                  "headline", "tables"]


class ReportDifferenceSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the measure's label, not the field's
    value = serializers.FloatField(allow_null=True,
                                   help_text="This snapshot's figure minus the other's; null unless both show")
    text = serializers.CharField()
    suppressed = serializers.BooleanField(help_text="Either figure is suppressed for the caller")


class ReportCompareSerializer(serializers.Serializer):
    snapshot = ReportSnapshotDetailSerializer(help_text="This snapshot, its trends measured from the other")
    other = ReportSnapshotDetailSerializer(help_text="The snapshot given as ?with=")
    differences = ReportDifferenceSerializer(many=True, help_text="Per headline measure")


class ReportCompareQuerySerializer(serializers.Serializer):
    """``?with=<id>``: a field named after a Python keyword, hence built in get_fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {"with": serializers.IntegerField(min_value=1, help_text="The id of the snapshot to compare with")}


class ReportExportQuerySerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=FILE_FORMATS, default="csv",
                                          help_text="Not ``format``, which DRF keeps for its own renderers")


# ---------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------
class ReportRunOutputSerializer(serializers.ModelSerializer):
    scope_id = serializers.SerializerMethodField(help_text="Null for the whole workspace")
    scope_label = serializers.CharField(read_only=True)
    period_label = serializers.CharField(read_only=True)
    requested_by = UserBriefSerializer(read_only=True, allow_null=True)
    snapshot_url = serializers.SerializerMethodField(help_text="The result, once the run succeeded")

    class Meta:
        model = ReportRun
        fields = ["id", "status", "progress", "step", "scope", "scope_id", "scope_label", "period_kind",
                  "period_label", "period_start", "period_end", "as_of", "hire_window_days", "trigger", "notify",
                  "requested_by", "requested_at", "started_at", "finished_at", "error", "snapshot", "snapshot_url"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_scope_id(self, run: ReportRun) -> int | None:
        return _scope_id(run)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_snapshot_url(self, run: ReportRun) -> str | None:
        return snapshot_url(self.context, run.snapshot_id) if run.snapshot_id else None

    def to_representation(self, run: ReportRun) -> dict[str, Any]:
        data = super().to_representation(run)
        membership = self.context.get("membership")
        if not can(membership, Action.REPORT_INTERNAL):
            data["error"] = ""  # the text of a failure is for convener staff
            if run.requested_by_id != getattr(membership, "user_id", None):
                data["requested_by"] = None  # who else asked is the workspace's business, not a funder's
        return data


class ReportRunInputSerializer(serializers.Serializer):
    """What to report on and over which period; the service resolves the period's dates."""

    scope = serializers.ChoiceField(choices=Scope.choices)
    scope_id = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                        help_text="The partnership, program, cohort or funding stream id; "
                                                  "omitted for the whole workspace")
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.PROGRAM_YEAR)
    program_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True,
                                            help_text="program_year: the year it starts (2025 = July 2025 to "
                                                      "June 2026); the current one if omitted")
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True,
                                    help_text="quarter: the calendar year")
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True,
                                       help_text="quarter: 1 to 4; with year, or neither for the last quarter "
                                                 "that closed")
    period_start = CalendarDateField(required=False, allow_null=True, help_text="custom: the first day")
    period_end = CalendarDateField(required=False, allow_null=True, help_text="custom: the last day")
    hire_window_days = serializers.IntegerField(
        min_value=1, max_value=730, default=90,
        help_text="A completer counts as hired when placed within this many days of completing")
    notify = serializers.BooleanField(default=False, help_text="Email the caller when the report is ready")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("period_kind") == PeriodKind.QUARTER and (attrs.get("year") is None) != (
                attrs.get("quarter") is None):
            field = "quarter" if attrs.get("quarter") is None else "year"
            raise serializers.ValidationError({field: ["Give both the year and the quarter, or neither for the "
                                                       "last quarter that closed."]})
        return attrs

"""Outcome reports (DOMAIN.md §4): a requested run, and the stored, versioned snapshot of figures it produced.

A **run** is one request to compute a report for a scope (the convener, a partnership, a program, a cohort or a
funding stream) and a period; a Celery job computes it (reports/engine.py) and stores a **snapshot**. Pages,
exports and the API read snapshots only: nothing aggregates during a request. Snapshots hold the unsuppressed
figures with the number of people behind each; suppression is applied for whoever looks
(partnerships/suppression.py), so one snapshot serves convener staff (internal figures) and funders alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from partnerships.tenancy import TenantOwnedModel


class Scope(models.TextChoices):
    CONVENER = "convener", "Whole workspace"
    PARTNERSHIP = "partnership", "Partnership"
    PROGRAM = "program", "Program"
    COHORT = "cohort", "Cohort"
    STREAM = "stream", "Funding stream"


class PeriodKind(models.TextChoices):
    PROGRAM_YEAR = "program_year", "Program year (July 1 to June 30)"
    QUARTER = "quarter", "Quarter"
    CUMULATIVE = "cumulative", "Since the start, through the last closed program year"
    SINCE_START = "since_start", "Since the start, to date"
    CUSTOM = "custom", "Custom dates"


class ReportInputsFields(TenantOwnedModel):
    """What a report is about: shared by the run that asks and the snapshot that answers."""

    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.PARTNERSHIP)
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stream = models.ForeignKey("programs.FundingStream", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    period_kind = models.CharField(max_length=16, choices=PeriodKind.choices, default=PeriodKind.PROGRAM_YEAR)
    period_start = models.DateField()
    period_end = models.DateField()
    as_of = models.DateField(help_text="Figures count what was on file up to this day (retention days passed, "
                                       "wage quarters closed).")
    hire_window_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="A completer counts as hired when placed within this many days of completing.")
    # sha256 of the canonical inputs (scope, its object, period, window, as_of): the run's identity.
    inputs_key = models.CharField(max_length=64, db_index=True, editable=False)
    # The same without as_of: snapshots of one series are versions of one report over time.
    series_key = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        abstract = True

    @property
    def scope_object(self) -> models.Model | None:
        return {Scope.PARTNERSHIP: self.partnership, Scope.PROGRAM: self.program, Scope.COHORT: self.cohort,
                Scope.STREAM: self.stream}.get(Scope(self.scope))

    @property
    def scope_label(self) -> str:
        obj = self.scope_object
        return str(obj) if obj is not None else "Whole workspace"

    @property
    def period_label(self) -> str:
        from reports.periods import period_label

        return period_label(self.period_kind, self.period_start, self.period_end)


class ReportRun(ReportInputsFields):
    """One request to compute a report: queued, running, succeeded or failed. Progress lives here too."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        PAGE = "page", "Asked for on a page"
        API = "api", "Asked for through the API"
        MONTHLY = "monthly", "Monthly schedule"
        QUARTERLY = "quarterly", "Quarterly schedule"
        DEMO = "demo", "Demo data"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100")
    step = models.CharField(max_length=80, blank=True)
    trigger = models.CharField(max_length=12, choices=Trigger.choices, default=Trigger.PAGE)
    notify = models.BooleanField(default=False, help_text="Email whoever asked when the report is ready.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    snapshot = models.ForeignKey("ReportSnapshot", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="runs", help_text="The snapshot that answers this run.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["convener", "inputs_key", "status"], name="report_run_inputs")]

    def __str__(self) -> str:
        return f"Report run {self.pk}: {self.scope_label}, {self.period_label} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ReportSnapshot(ReportInputsFields):
    """A stored, versioned result: the inputs, every figure (unsuppressed, with its denominators), who asked and
    when it ran. Versions count per series (same scope, period and window); a run whose figures equal the
    latest version of its inputs reuses it, so running twice gives one result."""

    run = models.ForeignKey(ReportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            help_text="The run that computed it.")
    version = models.PositiveIntegerField()
    figures = models.JSONField(default=dict)
    figures_hash = models.CharField(max_length=64, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # People who started in the period: lets lists and the dashboard's default skip empty reports without
    # loading the figures.
    enrolled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["convener", "series_key", "version"], name="report_snapshot_version"),
            models.UniqueConstraint(fields=["convener", "inputs_key", "figures_hash"],
                                    name="report_snapshot_once_per_result"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="report_snapshot_period_order"),
        ]
        indexes = [
            models.Index(fields=["convener", "partnership", "-computed_at"], name="report_snapshot_partnership"),
            models.Index(fields=["convener", "series_key", "-version"], name="report_snapshot_series"),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} · {self.period_label} · v{self.version} ({self.computed_at:%Y-%m-%d})"

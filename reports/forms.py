"""The form that asks for a report: what it is about, the period, and the hiring window."""

from __future__ import annotations

from typing import Any

from django import forms

from partnerships.forms.fields import CalendarDateField
from partnerships.models import Membership
from partnerships.roles import Role
from reports.models import PeriodKind, Scope

PROGRAM_YEARS = range(2014, 2031)


class ReportRequestForm(forms.Form):
    scope = forms.ChoiceField(label="Report on", choices=Scope.choices, initial=Scope.PARTNERSHIP)
    partnership = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    program = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    cohort = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    stream = forms.TypedChoiceField(label="Funding stream", coerce=int, required=False, empty_value=None)
    period_kind = forms.ChoiceField(label="Period", choices=PeriodKind.choices, initial=PeriodKind.PROGRAM_YEAR)
    program_year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Program year",
        choices=[("", "Current")] + [(y, f"PY{y} (Jul {y} – Jun {y + 1})") for y in reversed(PROGRAM_YEARS)],
        help_text="July 1 to June 30.")
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label="Year",
                              help_text="For a quarter; empty: the last quarter that closed.")
    quarter = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Quarter",
                                     choices=[("", "—"), (1, "Q1 (Jan–Mar)"), (2, "Q2 (Apr–Jun)"),
                                              (3, "Q3 (Jul–Sep)"), (4, "Q4 (Oct–Dec)")])
    period_start = CalendarDateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = CalendarDateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    hire_window_days = forms.IntegerField(
        label="Hiring window (days)", initial=90, min_value=1, max_value=730,
        help_text="A completer counts as hired in industry when placed within this many days of completing.")
    notify = forms.BooleanField(label="Email me when it is ready", required=False, initial=True)

    def __init__(self, *args: Any, membership: Membership, choices: dict[str, list[tuple[int, str]]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("partnership", "program", "cohort", "stream"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
            field.choices = [("", "—"), *choices.get(name, [])]
        if membership.role == Role.FUNDER:
            # Funders ask only for the partnerships they fund.
            scope_field = self.fields["scope"]
            assert isinstance(scope_field, forms.ChoiceField)  # noqa: S101 (declared above)
            scope_field.choices = [(Scope.PARTNERSHIP, Scope.PARTNERSHIP.label)]
            for name in ("program", "cohort", "stream"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope and scope != Scope.CONVENER and not data.get(scope):
            self.add_error(scope if scope in self.fields else "scope",
                           f"Choose the {Scope(scope).label.lower()} the report is about.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        scope = data["scope"]
        return {
            "scope": scope, "scope_id": data.get(scope) if scope != Scope.CONVENER else None,
            "period_kind": data["period_kind"], "program_year": data.get("program_year"),
            "year": data.get("year"), "quarter": data.get("quarter"), "period_start": data.get("period_start"),
            "period_end": data.get("period_end"), "hire_window_days": data["hire_window_days"],
            "notify": data.get("notify", False),
        }

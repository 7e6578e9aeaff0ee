"""Forms of the program and cohort pages. Choices are scoped to the tenant; the services enforce the rules.

Repeating rows (target occupations, credentials, requirements, wage steps, host employers) are indexed fields
(``cred_0_name``, ``cred_1_name``…): a form is built with as many rows as the data carries, plus spare blank
ones, and a "Add a row" button re-renders it with one more, so nothing needs JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from employers.forms import OccupationInput
from employers.models import CredentialType
from partnerships.forms.fields import CalendarDateField
from partnerships.models import Convener, Organization, Partnership
from partnerships.roles import OrganizationType
from programs.models import (
    CIP_VALIDATOR,
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    FundingStream,
    Program,
    ProgramCredential,
    ProgramRequirement,
    SkillGain,
)
from programs.selectors import WEEKDAYS
from programs.services import PROVIDER_TYPES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_NEGATIVE = {"min_value": "Cannot be negative."}
COMMITMENTS = (
    ("guaranteed_interviews", "Guaranteed interviews"),
    ("planned_hires", "Planned hires"),
    ("internship_slots", "Internship slots"),
    ("ojt_slots", "OJT slots"),
    ("tours", "Worksite tours"),
    ("mock_interviews", "Mock interviews"),
)


def apply_service_errors(form: forms.BaseForm, exc: ValidationError, aliases: Mapping[str, str] | None = None,
                         ) -> None:
    """Put a service's errors next to the field they name (through ``aliases`` where the names differ), on a
    group of rows (``form.group_errors``) for row lists, and on top of the form otherwise."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    groups: dict[str, list[str]] | None = getattr(form, "group_errors", None)
    for name, errors in exc.error_dict.items():
        target = (aliases or {}).get(name, name)
        messages = [m for e in errors for m in e.messages]
        if groups is not None and target in groups:
            groups[target].extend(messages)
        elif target in form.fields:
            form.add_error(target, messages)
        else:
            form.add_error(None, messages)


def redisplay(form: forms.BaseForm) -> None:
    """Show the posted values again (with one more blank row) without checking them: nothing is saved."""
    setattr(form, "_errors", ErrorDict())  # noqa: B010 (a private attribute of BaseForm)


def row_count(data: Mapping[str, Any] | None, prefix: str, *, existing: int = 0, minimum: int = 1,
              spare: int = 1, add: bool = False) -> int:
    """How many rows of ``prefix`` to show: every row the posted data carries (or the saved ones plus spare
    blank rows), at least ``minimum``, and one more when the person asked for another row."""
    if data is not None:
        pattern = re.compile(rf"^{re.escape(prefix)}_(\d+)_")
        indexes = [int(m.group(1)) for key in data for m in [pattern.match(key)] if m]
        count = max(indexes) + 1 if indexes else 0
    else:
        count = existing + spare
    return max(count, minimum) + (1 if add else 0)


def saved_rows(initial: Mapping[str, Any], prefix: str) -> int:
    """How many rows of ``prefix`` the initial values fill."""
    pattern = re.compile(rf"^{re.escape(prefix)}_(\d+)_")
    return len({m.group(1) for key in initial for m in [pattern.match(key)] if m})


def providers_of(convener: Convener) -> Any:
    return Organization.objects.for_convener(convener).filter(org_type__in=PROVIDER_TYPES).order_by("name")


def employers_of(convener: Convener) -> Any:
    return Organization.objects.for_convener(convener).filter(org_type=OrganizationType.EMPLOYER).order_by("name")


# ---------------------------------------------------------------------------
# Filters (GET forms: a bad value drops that one filter)
# ---------------------------------------------------------------------------
class ProgramFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=80)
    program_type = forms.ChoiceField(label="Type", required=False,
                                     choices=[("", "Any type"), *Program.ProgramType.choices])
    occupation = OccupationInput(label="Occupation (SOC code)", required=False, max_length=200)
    provider = forms.TypedChoiceField(label="Provider", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("active", "Active"), ("archived", "Archived"), ("all", "Active and archived")])

    def __init__(self, *args: Any, providers: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Any provider"), *providers]  # type: ignore[attr-defined]
        for field in self.fields.values():
            is_choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_choice else "form-control form-control-sm"
        self.fields["q"].widget.attrs.update(placeholder="Program name", type="search")
        self.fields["occupation"].widget.attrs.update(placeholder="e.g. 51-4121", spellcheck="false")

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        occupation = data.get("occupation") or ""
        data["occupation"] = occupation if re.fullmatch(r"\d{2}-\d{4}", occupation) else (
            f"{occupation[:2]}-{occupation[2:]}" if re.fullmatch(r"\d{6}", occupation) else None)
        data["status"] = data.get("status") or "active"
        return data


class CohortFilterForm(forms.Form):
    partnership = forms.TypedChoiceField(label="Partnership", required=False, coerce=int, empty_value=None)
    program = forms.TypedChoiceField(label="Program", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), ("pipeline", "Planned, recruiting or running"),
                                        *Cohort.Status.choices])

    def __init__(self, *args: Any, partnerships: Iterable[tuple[int, str]], programs: Iterable[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [("", "All partnerships"), *partnerships]  # type: ignore[attr-defined]
        self.fields["program"].choices = [("", "All programs"), *programs]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        return dict(getattr(self, "cleaned_data", {}))


# ---------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------
class ProgramForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. Maritime Welding Pre-apprenticeship")
    program_type = forms.ChoiceField(label="Type", choices=[("", "Choose a type…"), *Program.ProgramType.choices])
    status = forms.ChoiceField(choices=Program.Status.choices, initial=Program.Status.ACTIVE)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    provider = forms.ModelChoiceField(label="Lead training provider", queryset=Organization.objects.none(),
                                      empty_label="Choose the lead provider…")
    other_providers = forms.ModelMultipleChoiceField(
        label="Other providers", required=False, queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple, help_text="Organizations that deliver part of the program.")
    cip_code = forms.CharField(label="CIP 2020 code", required=False, max_length=7, validators=[CIP_VALIDATOR],
                               help_text="e.g. 48.0508 (Welding Technology/Welder), or a series such as 48.05.")
    length_weeks = forms.IntegerField(label="Length (weeks)", required=False, min_value=1, max_value=520,
                                      error_messages={"min_value": "A program lasts at least a week."})
    contact_hours = forms.IntegerField(label="Contact hours", required=False, min_value=0, max_value=100000,
                                       error_messages=NOT_NEGATIVE)
    cost_per_participant = forms.DecimalField(label="Cost per participant ($)", required=False, min_value=0,
                                              max_digits=9, decimal_places=2, error_messages=NOT_NEGATIVE)
    funding_streams = forms.ModelMultipleChoiceField(
        label="Funding streams", required=False, queryset=FundingStream.objects.all(),
        widget=forms.CheckboxSelectMultiple, help_text="Streams that may pay for a participant's place.")
    rapids_number = forms.CharField(label="RAPIDS or registration number", required=False, max_length=40,
                                    help_text="The RAPIDS program number or the state registration number.")

    GROUPS = ("target_occupations", "credentials", "requirements", "wage_steps")

    def __init__(self, data: Mapping[str, Any] | None = None, *, convener: Convener,
                 program: Program | None = None, initial: dict[str, Any] | None = None,
                 add_row: str = "", **kwargs: Any) -> None:
        if initial is None:
            initial = self.initial_for(program) if program is not None else {}
        if isinstance(data, QueryDict) and "occupation" in data:
            # The target-occupation inputs are all named "occupation" (the SOC picker's parameter): number them.
            data = data.copy()
            for i, value in enumerate(data.getlist("occupation")):
                data[f"occ_{i}_soc"] = value
        super().__init__(data, initial=initial, **kwargs)
        self.group_errors: dict[str, list[str]] = {g: [] for g in self.GROUPS}
        # One read of the organizations for all three pickers (employers are among the possible providers); the
        # querysets stay for validating what is posted.
        providers = list(providers_of(convener))
        for name in ("provider", "other_providers"):
            field = self.fields[name]
            field.queryset = providers_of(convener)  # type: ignore[attr-defined]
            blank = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []  # type: ignore[attr-defined]
            field.choices = [*blank, *((o.pk, field.label_from_instance(o)) for o in providers)]  # type: ignore[attr-defined]
        self.employer_choices = [(e.pk, e.name) for e in providers if e.org_type == OrganizationType.EMPLOYER]
        self.rows = {
            prefix: row_count(data, prefix, existing=saved_rows(initial, prefix), minimum=minimum, spare=1,
                              add=add_row == prefix)
            for prefix, minimum in (("occ", 2), ("cred", 2), ("req", 2), ("ws", 3))
        }
        for i in range(self.rows["occ"]):
            self.fields[f"occ_{i}_soc"] = OccupationInput(label=f"Target occupation {i + 1}", required=False,
                                                          max_length=200)
        for i in range(self.rows["cred"]):
            self.fields[f"cred_{i}_name"] = forms.CharField(label=f"Credential {i + 1} name", required=False,
                                                            max_length=200)
            self.fields[f"cred_{i}_ctdl_type"] = forms.ChoiceField(
                label=f"Credential {i + 1} type (CTDL)", required=False,
                choices=[("", "Type…"), *CredentialType.choices])
            self.fields[f"cred_{i}_issuer"] = forms.CharField(label=f"Credential {i + 1} issuer", required=False,
                                                              max_length=200)
        for i in range(self.rows["req"]):
            self.fields[f"req_{i}_kind"] = forms.ChoiceField(label=f"Requirement {i + 1} kind", required=False,
                                                             choices=ProgramRequirement.Kind.choices)
            self.fields[f"req_{i}_description"] = forms.CharField(label=f"Requirement {i + 1}", required=False,
                                                                  max_length=200)
            self.fields[f"req_{i}_employers"] = forms.TypedMultipleChoiceField(
                label=f"Requirement {i + 1}: employers that ask for it", required=False, coerce=int,
                choices=self.employer_choices)
        for i in range(self.rows["ws"]):
            self.fields[f"ws_{i}_after_hours"] = forms.IntegerField(
                label=f"Step {i + 1}: after on-the-job hours", required=False, min_value=0, max_value=100000,
                error_messages=NOT_NEGATIVE)
            self.fields[f"ws_{i}_hourly_wage"] = forms.DecimalField(
                label=f"Step {i + 1}: hourly wage ($)", required=False, min_value=0, max_digits=7, decimal_places=2,
                error_messages=NOT_NEGATIVE)
        self.fields["cost_per_participant"].widget.attrs.update(step="0.01", inputmode="decimal")
        self.fields["program_type"].widget.attrs["data-program-type"] = ""
        for i in range(self.rows["req"]):
            self.fields[f"req_{i}_employers"].widget.attrs["size"] = min(max(len(self.employer_choices), 2), 4)

    # --- initial values --------------------------------------------------------------------------------
    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(program, name) for name in (
                "name", "program_type", "status", "description", "cip_code", "length_weeks", "contact_hours",
                "cost_per_participant", "rapids_number")
        }
        initial["provider"] = program.provider_id
        initial["other_providers"] = [o.pk for o in program.other_providers.all()]
        initial["funding_streams"] = [s.pk for s in program.funding_streams.all()]
        for i, occ in enumerate(program.target_occupations.all()):
            initial[f"occ_{i}_soc"] = f"{occ.soc_code} {occ.title}"
        for i, cred in enumerate(program.credentials.all()):
            initial.update({f"cred_{i}_name": cred.name, f"cred_{i}_ctdl_type": cred.ctdl_type,
                            f"cred_{i}_issuer": cred.issuer})
        for i, req in enumerate(program.requirements.all()):
            initial.update({f"req_{i}_kind": req.kind, f"req_{i}_description": req.description,
                            f"req_{i}_employers": [e.pk for e in req.employers.all()]})
        for i, step in enumerate(program.wage_steps.all()):
            initial.update({f"ws_{i}_after_hours": step.after_hours, f"ws_{i}_hourly_wage": step.hourly_wage})
        return initial

    @property
    def refused(self) -> bool:
        return bool(self.errors) or any(self.group_errors.values())

    # --- layout helpers for the template ---------------------------------------------------------------
    def occupation_rows(self) -> list[forms.BoundField]:
        return [self[f"occ_{i}_soc"] for i in range(self.rows["occ"])]

    def credential_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [(self[f"cred_{i}_name"], self[f"cred_{i}_ctdl_type"], self[f"cred_{i}_issuer"])
                for i in range(self.rows["cred"])]

    def requirement_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [(self[f"req_{i}_kind"], self[f"req_{i}_description"], self[f"req_{i}_employers"])
                for i in range(self.rows["req"])]

    def wage_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(i + 1, self[f"ws_{i}_after_hours"], self[f"ws_{i}_hourly_wage"]) for i in range(self.rows["ws"])]

    def row_errors(self, prefix: str) -> list[str]:
        return [str(e) for name in self.fields if name.startswith(f"{prefix}_") for e in self.errors.get(name, [])]

    def apprenticeship_has_values(self) -> bool:
        if self.is_bound:
            return any(str(self.data.get(name) or "").strip() for name in self.fields
                       if name.startswith("ws_") or name == "rapids_number")
        return bool(self.initial.get("rapids_number")) or any(k.startswith("ws_") for k in self.initial)

    # --- checks and values for the service --------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(self.rows["occ"]):
            soc = cleaned.get(f"occ_{i}_soc") or ""
            if soc and not re.fullmatch(r"\d{2}-?\d{4}", soc):
                self.add_error(f"occ_{i}_soc", f"“{soc}” is not a SOC code. Pick one of the matches that appear as "
                                               "you type, or type a code such as 51-4121.")
        for i in range(self.rows["cred"]):
            name, issuer = cleaned.get(f"cred_{i}_name"), cleaned.get(f"cred_{i}_issuer")
            if name or issuer or cleaned.get(f"cred_{i}_ctdl_type"):
                if not name:
                    self.add_error(f"cred_{i}_name", "Give the credential's name.")
                if not issuer:
                    self.add_error(f"cred_{i}_issuer", "Give the issuer, e.g. American Welding Society.")
                if not cleaned.get(f"cred_{i}_ctdl_type"):
                    self.add_error(f"cred_{i}_ctdl_type", "Choose the credential's CTDL type.")
        for i in range(self.rows["req"]):
            if cleaned.get(f"req_{i}_employers") and not cleaned.get(f"req_{i}_description"):
                self.add_error(f"req_{i}_description", "Describe the requirement, e.g. “Pass a drug test”.")
        for i in range(self.rows["ws"]):
            if cleaned.get(f"ws_{i}_after_hours") is not None and cleaned.get(f"ws_{i}_hourly_wage") is None:
                self.add_error(f"ws_{i}_hourly_wage", "Give this step's hourly wage.")
        return cleaned

    def service_kwargs(self, convener: Convener) -> dict[str, Any]:
        data = self.cleaned_data
        employers = {o.pk: o for o in employers_of(convener)}
        fields = {name: data[name] for name in ("name", "program_type", "status", "description", "cip_code",
                                                "length_weeks", "contact_hours", "cost_per_participant",
                                                "rapids_number")}
        occupations = list(dict.fromkeys(
            s.replace("-", "")[:2] + "-" + s.replace("-", "")[2:]
            for s in (data.get(f"occ_{i}_soc") for i in range(self.rows["occ"])) if s))
        credentials = [{"name": data.get(f"cred_{i}_name") or "", "issuer": data.get(f"cred_{i}_issuer") or "",
                        "ctdl_type": data.get(f"cred_{i}_ctdl_type") or ""} for i in range(self.rows["cred"])]
        requirements = [{"kind": data.get(f"req_{i}_kind") or ProgramRequirement.Kind.ENTRY,
                         "description": data.get(f"req_{i}_description") or "",
                         "employers": [employers[pk] for pk in data.get(f"req_{i}_employers") or [] if pk in employers]}
                        for i in range(self.rows["req"])]
        steps = [(data.get(f"ws_{i}_after_hours"), data.get(f"ws_{i}_hourly_wage")) for i in range(self.rows["ws"])]
        wage_steps = [{"step": n, "after_hours": after or 0, "hourly_wage": wage}
                      for n, (after, wage) in enumerate([s for s in steps if s[1] is not None], start=1)]
        return {
            **fields, "provider": data["provider"], "other_providers": list(data["other_providers"]),
            "target_occupations": occupations, "funding_streams": list(data["funding_streams"]),
            "credentials": credentials, "requirements": requirements, "wage_steps": wage_steps,
        }


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------
KIND_CHOICES = [("", "No session"), *CohortSession.Kind.choices]


class CohortForm(forms.Form):
    program = forms.TypedChoiceField(coerce=int, empty_value=None)
    partnership = forms.TypedChoiceField(coerce=int, empty_value=None)
    name = forms.CharField(label="Cohort name", max_length=200, help_text="e.g. Spring 2027 day cohort")
    # Named "occupation" so the SOC picker of the need form (employers:occupation-search) serves it as is.
    occupation = OccupationInput(
        label="Target occupation", required=False, max_length=200,
        help_text="The SOC occupation it trains for: its seats count as supply against that demand. Type a title "
                  "(e.g. welders) or a code (e.g. 51-4121).")
    start_date = CalendarDateField(label="Starts on", widget=DATE_INPUT)
    end_date = CalendarDateField(label="Ends on", widget=DATE_INPUT)
    seats = forms.IntegerField(min_value=1, max_value=10000,
                               error_messages={"min_value": "A cohort has at least one seat."})
    location = forms.CharField(required=False, max_length=200, help_text="Campus, room or worksite address.")
    schedule_note = forms.CharField(label="Schedule note", required=False, max_length=300,
                                    help_text="e.g. 4 classroom days and 1 hospital day a week, 8:30 to 3:30")
    demand_snapshot = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Mapping[str, Any] | None = None, *, programs: list[Program],
                 partnerships: list[Partnership], employers: list[Organization], soc: str | None = None,
                 cohort: Cohort | None = None, cohort_employers: list[CohortEmployer] | None = None,
                 initial: dict[str, Any] | None = None, add_row: bool = False, **kwargs: Any) -> None:
        initial = dict(initial or {})
        if cohort is not None:
            initial.update(self.initial_for(cohort, cohort_employers or []))
        super().__init__(data, initial=initial, **kwargs)
        self.cohort = cohort
        self.programs = {p.pk: p for p in programs}
        self.partnerships = {p.pk: p for p in partnerships}
        self.employers = {e.pk: e for e in employers}
        self.existing_employers = {row.employer_id: row for row in cohort_employers or []}
        program_field: forms.TypedChoiceField = self.fields["program"]  # type: ignore[assignment]
        matching = [p for p in programs if soc and soc in getattr(p, "target_socs", ())]
        others = [p for p in programs if p not in matching]
        if matching:
            program_field.choices = [("", "Choose a program…"),
                                     (f"Programs that train for {soc}", [(p.pk, p.name) for p in matching]),
                                     ("Other programs", [(p.pk, p.name) for p in others])]
        else:
            program_field.choices = [("", "Choose a program…"), *[(p.pk, p.name) for p in programs]]
        self.fields["partnership"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a partnership…"), *[(p.pk, p.name) for p in partnerships]]
        for value, label in WEEKDAYS:
            self.fields[f"day_{value}"] = forms.ChoiceField(label=label, required=False, choices=KIND_CHOICES)
        existing_rows = len(self.existing_employers)
        self.employer_rows = row_count(data, "emp", existing=existing_rows, minimum=2, spare=1, add=add_row)
        for i in range(self.employer_rows):
            self.fields[f"emp_{i}_employer"] = forms.TypedChoiceField(
                label=f"Employer {i + 1}", required=False, coerce=int, empty_value=None,
                choices=[("", "Choose an employer…"), *[(e.pk, e.name) for e in employers]])
            self.fields[f"emp_{i}_kind"] = forms.ChoiceField(label=f"Employer {i + 1} role", required=False,
                                                             choices=CohortEmployer.Kind.choices)
            for key, label in COMMITMENTS:
                self.fields[f"emp_{i}_{key}"] = forms.IntegerField(
                    label=f"Employer {i + 1}: {label.lower()}", required=False, min_value=0, max_value=10000,
                    error_messages=NOT_NEGATIVE, widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}))
            if i < existing_rows:
                self.fields[f"emp_{i}_remove"] = forms.BooleanField(label=f"Remove employer {i + 1}", required=False)

    @staticmethod
    def initial_for(cohort: Cohort, employers: list[CohortEmployer]) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(cohort, name) for name in (
            "name", "start_date", "end_date", "seats", "location", "schedule_note")}
        initial["program"] = cohort.program_id
        initial["partnership"] = cohort.partnership_id
        if cohort.target_occupation is not None:
            initial["occupation"] = f"{cohort.target_occupation.soc_code} {cohort.target_occupation.title}"
        for day, kind in (cohort.weekly_pattern or {}).items():
            initial[f"day_{day}"] = kind
        for i, row in enumerate(employers):
            initial.update({f"emp_{i}_employer": row.employer_id, f"emp_{i}_kind": row.kind,
                            **{f"emp_{i}_{key}": getattr(row, key) for key, _ in COMMITMENTS}})
        return initial

    # --- layout helpers ----------------------------------------------------------------------------------
    def weekday_fields(self) -> list[forms.BoundField]:
        return [self[f"day_{value}"] for value, _ in WEEKDAYS]

    def employer_rows_fields(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(self.employer_rows):
            rows.append({
                "number": i + 1, "employer": self[f"emp_{i}_employer"], "kind": self[f"emp_{i}_kind"],
                "commitments": [self[f"emp_{i}_{key}"] for key, _ in COMMITMENTS],
                "remove": self[f"emp_{i}_remove"] if f"emp_{i}_remove" in self.fields else None,
            })
        return rows

    # --- checks and values for the service ----------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("program") is not None and cleaned["program"] not in self.programs:
            self.add_error("program", "Choose a program from the list.")
        if cleaned.get("partnership") is not None and cleaned["partnership"] not in self.partnerships:
            self.add_error("partnership", "Choose a partnership from the list.")
        soc = cleaned.get("occupation") or ""
        if soc and not re.fullmatch(r"\d{2}-?\d{4}", soc):
            self.add_error("occupation", f"“{soc}” is not a SOC code. Pick one of the matches that appear "
                                                "as you type, or type a code such as 51-4121.")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The cohort must end on or after the day it starts.")
        seen: set[int] = set()
        for i in range(self.employer_rows):
            employer = cleaned.get(f"emp_{i}_employer")
            if employer is None:
                if any(cleaned.get(f"emp_{i}_{key}") for key, _ in COMMITMENTS):
                    self.add_error(f"emp_{i}_employer", "Choose the employer these commitments come from.")
                continue
            if employer in seen:
                self.add_error(f"emp_{i}_employer", "This employer is already listed above.")
            seen.add(employer)
        return cleaned

    def pattern(self) -> dict[str, str]:
        data = self.cleaned_data
        return {value: data[f"day_{value}"] for value, _ in WEEKDAYS if data.get(f"day_{value}")}

    def employer_changes(self) -> tuple[list[dict[str, Any]], list[CohortEmployer]]:
        """Rows to save (employer + kind + commitments) and existing rows to remove."""
        data = self.cleaned_data
        keep, remove = [], []
        listed: set[int] = set()
        for i in range(self.employer_rows):
            pk = data.get(f"emp_{i}_employer")
            if pk is None or pk not in self.employers:
                continue
            listed.add(pk)
            if data.get(f"emp_{i}_remove"):
                if pk in self.existing_employers:
                    remove.append(self.existing_employers[pk])
                continue
            keep.append({"employer": self.employers[pk], "kind": data.get(f"emp_{i}_kind") or "host",
                         **{key: data.get(f"emp_{i}_{key}") or 0 for key, _ in COMMITMENTS}})
        # A row whose employer was changed to another one drops the old employer.
        remove += [row for pk, row in self.existing_employers.items() if pk not in listed]
        return keep, remove

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        soc = data.get("occupation") or ""
        digits = soc.replace("-", "")
        return {
            "program": self.programs[data["program"]], "partnership": self.partnerships[data["partnership"]],
            "target_occupation": f"{digits[:2]}-{digits[2:]}" if digits else None,
            "name": data["name"], "start_date": data["start_date"], "end_date": data["end_date"],
            "seats": data["seats"], "location": data["location"], "schedule_note": data["schedule_note"],
            "weekly_pattern": self.pattern(),
        }


# ---------------------------------------------------------------------------
# Rosters, attendance, credentials and skill gains
# ---------------------------------------------------------------------------
ADD_STATUSES = [(CohortEnrollment.Status.ENROLLED.value, "Enrolled (takes a seat)"),
                (CohortEnrollment.Status.APPLIED.value, "Applied (waitlist, no seat yet)")]


class _OverrideMixin(forms.Form):
    def __init__(self, *args: Any, can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_override:
            self.fields["override_seats"] = forms.BooleanField(
                label="Enroll past the seat limit", required=False,
                help_text="Convener staff only. Recorded on the enrollment and in the audit log.")


class RosterAddForm(_OverrideMixin):
    participant = forms.TypedChoiceField(label="Person", coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Add as", choices=ADD_STATUSES, initial="enrolled", widget=forms.RadioSelect)
    on = CalendarDateField(label="Date", widget=DATE_INPUT, help_text="When they applied or enrolled.")

    def __init__(self, *args: Any, participants: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a person…"),
            *[(p.pk, f"{p.last_name}, {p.preferred_name or p.first_name} · {p.public_id} · {p.organization.name}")
              for p in participants]]


class WalkInForm(_OverrideMixin):
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name", max_length=80)
    status = forms.ChoiceField(label="Add as", choices=ADD_STATUSES, initial="applied", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "walkin")
        super().__init__(*args, **kwargs)


STATUS_CHANGES = [
    (CohortEnrollment.Status.ENROLLED.value, "Enrolled"),
    (CohortEnrollment.Status.ACTIVE.value, "Active (attending)"),
    (CohortEnrollment.Status.COMPLETED.value, "Completed"),
    (CohortEnrollment.Status.WITHDRAWN.value, "Withdrawn"),
]


class EnrollmentStatusForm(_OverrideMixin):
    status = forms.ChoiceField(label="New status", choices=[("", "Choose…"), *STATUS_CHANGES])
    on = CalendarDateField(label="Date", widget=DATE_INPUT,
                         help_text="The day they enrolled, completed or withdrew. Not in the future.")
    reason = forms.CharField(label="Reason for withdrawing", required=False, max_length=200,
                             help_text="Needed when withdrawing, e.g. “found full-time work”.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)


class CredentialAwardForm(forms.Form):
    program_credential = forms.TypedChoiceField(label="Credential", coerce=int, empty_value=None, required=False)
    name = forms.CharField(label="Other credential: name", required=False, max_length=200)
    issuer = forms.CharField(label="Other credential: issuer", required=False, max_length=200)
    ctdl_type = forms.ChoiceField(label="Other credential: type (CTDL)", required=False,
                                  choices=[("", "Type…"), *CredentialType.choices])
    awarded_on = CalendarDateField(label="Awarded on", widget=DATE_INPUT)

    def __init__(self, *args: Any, credentials: Iterable[ProgramCredential], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "credential")
        super().__init__(*args, **kwargs)
        self.credentials = {c.pk: c for c in credentials}
        self.fields["program_credential"].choices = [  # type: ignore[attr-defined]
            *[(c.pk, f"{c.name} ({c.get_ctdl_type_display()}, {c.issuer})") for c in self.credentials.values()],
            ("", "Another credential (enter it below)"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("program_credential")
        if chosen is not None and chosen not in self.credentials:
            self.add_error("program_credential", "Choose one of the program's credentials.")
        if chosen is None:
            if not cleaned.get("name"):
                self.add_error("name", "Give the credential's name, or pick one of the program's credentials.")
            if not cleaned.get("issuer"):
                self.add_error("issuer", "Give the issuer.")
            if not cleaned.get("ctdl_type"):
                self.add_error("ctdl_type", "Choose the CTDL type.")
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = data.get("program_credential")
        if chosen is not None:
            return {"program_credential": self.credentials[chosen], "awarded_on": data["awarded_on"]}
        return {"name": data["name"], "issuer": data["issuer"], "ctdl_type": data["ctdl_type"],
                "awarded_on": data["awarded_on"]}


class SkillGainForm(forms.Form):
    gain_type = forms.ChoiceField(label="Type of gain", choices=[("", "Choose…"), *SkillGain.GainType.choices])
    achieved_on = CalendarDateField(label="Achieved on", widget=DATE_INPUT)
    note = forms.CharField(required=False, max_length=200, help_text="e.g. passed the TABE reading level 4 test")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "gain")
        super().__init__(*args, **kwargs)


class SessionAddForm(forms.Form):
    day = CalendarDateField(widget=DATE_INPUT)
    kind = forms.ChoiceField(label="Kind of day", choices=CohortSession.Kind.choices)
    hours = forms.DecimalField(min_value=0, max_value=24, max_digits=4, decimal_places=2, initial=6,
                               error_messages={"min_value": "Between 0 and 24 hours.",
                                               "max_value": "Between 0 and 24 hours."})
    note = forms.CharField(required=False, max_length=200, help_text="e.g. make-up day, hospital tour")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "session")
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update(step="0.25", inputmode="decimal")


ATTENDANCE_CHOICES = AttendanceRecord.Status.choices


def attendance_marks(data: Mapping[str, Any], allowed: Iterable[int]) -> tuple[dict[int, str], list[str]]:
    """The marks of an attendance sheet post (``mark_<enrollment id>`` -> status), and what was not understood."""
    allowed = set(allowed)
    marks: dict[int, str] = {}
    problems: list[str] = []
    for key, value in data.items():
        match = re.fullmatch(r"mark_(\d+)", key)
        if not match or value in (None, ""):
            continue
        pk = int(match.group(1))
        if pk not in allowed:
            problems.append("Some of the people marked are not on this day's sheet. Reload the page and mark again.")
        elif value not in AttendanceRecord.Status.values:
            problems.append("Mark each person present, late, excused or absent.")
        else:
            marks[pk] = value
    return marks, sorted(set(problems))


def default_date(today: date) -> dict[str, date]:
    return {"on": today, "awarded_on": today, "achieved_on": today}


__all__ = [
    "ATTENDANCE_CHOICES", "COMMITMENTS", "CohortFilterForm", "CohortForm", "CredentialAwardForm",
    "EnrollmentStatusForm", "ProgramFilterForm", "ProgramForm", "RosterAddForm", "SessionAddForm", "SkillGainForm",
    "WalkInForm", "apply_service_errors", "attendance_marks", "row_count",
]

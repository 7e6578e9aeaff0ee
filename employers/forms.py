"""Forms of the employer-demand pages. Choice fields are scoped to the tenant; services enforce the rules."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from employers.models import Competency, CredentialType, DemandSurvey, Skill, SkillNeed
from employers.selectors import competency_list, skill_list
from partnerships.forms.fields import CalendarDateField
from partnerships.models import Convener, Organization
from partnerships.roles import OrganizationType

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CREDENTIAL_ROWS = 4
NOT_NEGATIVE = {"min_value": "Cannot be negative."}


def quarter_choices(today: date, count: int = 12) -> list[tuple[str, str]]:
    """The current quarter and the next ones, e.g. ("2027Q1", "2027 Q1 (Jan-Mar)")."""
    months = {1: "Jan–Mar", 2: "Apr–Jun", 3: "Jul–Sep", 4: "Oct–Dec"}
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append((f"{year}Q{q}", f"{year} Q{q} ({months[q]})"))
        q += 1
        if q == 5:
            year, q = year + 1, 1
    return out


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. 2027 hiring outlook")
    opens_on = CalendarDateField(label="Opens on", widget=DATE_INPUT)
    closes_on = CalendarDateField(label="Closes on", widget=DATE_INPUT)
    first_quarter = forms.ChoiceField(label="First quarter asked about")
    quarter_count = forms.TypedChoiceField(
        label="Number of quarters", coerce=int, initial=4,
        choices=[(n, f"{n} quarters") for n in range(4, 9)],
        help_text="Employers project openings for each of these quarters (4 to 8).",
    )
    reminder_every_days = forms.IntegerField(
        label="Remind employers who have not answered every (days)", min_value=1, max_value=60, initial=7)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = quarter_choices(today)
        self.fields["first_quarter"].choices = choices  # type: ignore[attr-defined]
        self.fields["first_quarter"].initial = choices[1][0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The survey must close on or after the day it opens.")
        return cleaned


class OccupationInput(forms.CharField):
    """A typed SOC code, or a picked "51-4121 Welders, …" line: the code is what counts."""

    def to_python(self, value: Any) -> str:
        text = (super().to_python(value) or "").strip()
        match = re.match(r"^(\d{2}-?\d{4})\b", text)
        return match.group(1) if match else text


class _EvaluatedChoiceIterator(ModelChoiceIterator):
    """Iterates the field's queryset itself rather than ``.iterator()``: once evaluated, the same rows serve the
    template's "any?" test and the options (one query instead of two)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class EvaluatedMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _EvaluatedChoiceIterator


class NeedForm(forms.Form):
    employer = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label="Choose an employer…")
    occupation = OccupationInput(
        label="Occupation", max_length=200,
        help_text="Type a title (e.g. welders) or a SOC 2018 code (e.g. 51-4121), then pick a match.",
    )
    work_location = forms.CharField(label="Work location", max_length=200, required=False,
                                    help_text="Site, city or county.")
    skills = forms.ModelMultipleChoiceField(queryset=Skill.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    competencies = EvaluatedMultipleChoiceField(queryset=Competency.objects.none(), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    min_education = forms.ChoiceField(label="Minimum education", choices=SkillNeed.Education.choices,
                                      initial=SkillNeed.Education.HIGH_SCHOOL)
    experience_months = forms.IntegerField(label="Experience (months)", min_value=0, max_value=600, initial=0,
                                           error_messages=NOT_NEGATIVE)
    wage_min = forms.DecimalField(label="Starting wage from ($/hour)", max_digits=7, decimal_places=2,
                                  min_value=0, error_messages=NOT_NEGATIVE)
    wage_max = forms.DecimalField(label="Starting wage to ($/hour)", max_digits=7, decimal_places=2,
                                  min_value=0, error_messages=NOT_NEGATIVE)
    shift = forms.ChoiceField(choices=SkillNeed.Shift.choices, initial=SkillNeed.Shift.DAY)
    requires_background_check = forms.BooleanField(label="Background check", required=False)
    requires_drug_test = forms.BooleanField(label="Drug test", required=False)
    requires_drivers_license = forms.BooleanField(label="Driver's license", required=False)
    apprenticeship_slots = forms.IntegerField(label="Apprenticeship slots", min_value=0, initial=0,
                                              error_messages=NOT_NEGATIVE)
    internship_slots = forms.IntegerField(label="Paid internship slots", min_value=0, initial=0,
                                          error_messages=NOT_NEGATIVE)
    ojt_slots = forms.IntegerField(label="On-the-job training slots", min_value=0, initial=0,
                                   error_messages=NOT_NEGATIVE)
    job_shadows = forms.IntegerField(label="Job shadows", min_value=0, initial=0, error_messages=NOT_NEGATIVE)
    tours = forms.IntegerField(label="Worksite tours", min_value=0, initial=0, error_messages=NOT_NEGATIVE)
    mock_interviews = forms.IntegerField(label="Mock interviews", min_value=0, initial=0,
                                         error_messages=NOT_NEGATIVE)
    guaranteed_interviews = forms.IntegerField(label="Guaranteed interviews", min_value=0, initial=0,
                                               error_messages=NOT_NEGATIVE)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    WBL = ("apprenticeship_slots", "internship_slots", "ojt_slots", "job_shadows", "tours", "mock_interviews",
           "guaranteed_interviews")
    SCREENING = ("requires_background_check", "requires_drug_test", "requires_drivers_license")

    def __init__(self, *args: Any, convener: Convener, survey: DemandSurvey, employer_fixed: Organization | None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.employer_fixed = employer_fixed
        employer_field: forms.ModelChoiceField = self.fields["employer"]  # type: ignore[assignment]
        employer_field.queryset = Organization.objects.for_convener(convener).filter(
            org_type=OrganizationType.EMPLOYER).order_by("name")
        if employer_fixed is not None:
            # An employer representative answers for their own employer; the service refuses any other.
            employer_field.widget = forms.HiddenInput()
            employer_field.initial = employer_fixed.pk
        skills_field: forms.ModelMultipleChoiceField = self.fields["skills"]  # type: ignore[assignment]
        skills_field.queryset = skill_list()
        comp_field: forms.ModelMultipleChoiceField = self.fields["competencies"]  # type: ignore[assignment]
        comp_field.queryset = competency_list(convener=convener)
        list(comp_field.queryset)  # the template asks whether there are any, then lists them: one query for both
        for quarter in survey.quarters:
            for part, label in (("new", "New positions"), ("repl", "Replacements")):
                self.fields[f"q_{quarter}_{part}"] = forms.IntegerField(
                    label=f"{label}, {quarter}", min_value=0, max_value=100000, required=False,
                    error_messages=NOT_NEGATIVE, widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
                )
        for i in range(CREDENTIAL_ROWS):
            self.fields[f"cred_{i}_name"] = forms.CharField(label=f"Credential {i + 1}", max_length=150,
                                                            required=False)
            self.fields[f"cred_{i}_type"] = forms.ChoiceField(
                label=f"Credential {i + 1} type (CTDL)", required=False,
                choices=[("", "Type…"), *CredentialType.choices])
        for name in ("wage_min", "wage_max"):
            self.fields[name].widget.attrs.update(step="0.01", inputmode="decimal")

    # --- layout helpers for the template ------------------------------------------------------------
    def quarter_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(q, self[f"q_{q}_new"], self[f"q_{q}_repl"]) for q in self.survey.quarters]

    def credential_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"cred_{i}_name"], self[f"cred_{i}_type"]) for i in range(CREDENTIAL_ROWS)]

    def skill_groups(self) -> list[tuple[str, list[tuple[Skill, bool]]]]:
        field: forms.ModelMultipleChoiceField = self.fields["skills"]  # type: ignore[assignment]
        chosen = {str(v) for v in (self["skills"].value() or [])}
        groups: dict[str, list[tuple[Skill, bool]]] = {}
        for skill in field.queryset:  # type: ignore[union-attr]
            groups.setdefault(skill.group, []).append((skill, str(skill.pk) in chosen))
        return list(groups.items())

    def wbl_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.WBL]

    def screening_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.SCREENING]

    def quarter_errors(self) -> list[Any]:
        return [e for q in self.survey.quarters for part in ("new", "repl")
                for e in self.errors.get(f"q_{q}_{part}", [])]

    # --- values for the service -------------------------------------------------------------------------
    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        quarters = {q: (data.get(f"q_{q}_new") or 0, data.get(f"q_{q}_repl") or 0) for q in self.survey.quarters}
        credentials = [(data.get(f"cred_{i}_name") or "", data.get(f"cred_{i}_type") or "")
                       for i in range(CREDENTIAL_ROWS)]
        fields = {name: data[name] for name in (
            "work_location", "min_education", "experience_months", "wage_min", "wage_max", "shift", "notes",
            *self.WBL, *self.SCREENING)}
        return {"employer": data["employer"], "occupation": data["occupation"], "quarters": quarters,
                "skills": data["skills"], "competencies": data["competencies"], "credentials": credentials,
                **fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(CREDENTIAL_ROWS):
            if cleaned.get(f"cred_{i}_name") and not cleaned.get(f"cred_{i}_type"):
                self.add_error(f"cred_{i}_type", "Choose the credential's type.")
        low, high = cleaned.get("wage_min"), cleaned.get("wage_max")
        if low is not None and high is not None and low > high:
            self.add_error("wage_max", f"The top of the range (${high}) is below its bottom (${low}).")
        return cleaned

    @classmethod
    def initial_for(cls, need: SkillNeed) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "employer": need.employer_id, "occupation": f"{need.occupation.soc_code} {need.occupation.title}",
            "skills": [s.pk for s in need.skills.all()], "competencies": [c.pk for c in need.competencies.all()],
        }
        for name in ("work_location", "min_education", "experience_months", "wage_min", "wage_max", "shift",
                     "notes", *cls.WBL, *cls.SCREENING):
            initial[name] = getattr(need, name)
        for row in need.quarters.all():
            initial[f"q_{row.quarter}_new"] = row.new_positions
            initial[f"q_{row.quarter}_repl"] = row.replacements
        for i, cred in enumerate(list(need.credentials.all())[:CREDENTIAL_ROWS]):
            initial[f"cred_{i}_name"] = cred.name
            initial[f"cred_{i}_type"] = cred.ctdl_type
        return initial

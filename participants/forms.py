"""Forms of the participant pages. They coerce types and offer tenant-scoped choices; the rules (and most of the
messages people see) live in participants.services, whose errors ``apply_service_errors`` puts next to the field
they name. Money is typed as text ("$1,200.00" is fine) and parsed by the services."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst

from employers.forms import OccupationInput
from participants.models import (
    Consent,
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    StreamEnrollment,
    SupportiveService,
)
from participants.services import PROFILE_FIELDS
from partnerships.forms.fields import CalendarDateField
from partnerships.models import Organization
from programs.forms import DATE_INPUT
from programs.models import FUNDING_STREAMS, Cohort, CohortEnrollment

STREAM_NAMES = {code: name for code, name, _ in FUNDING_STREAMS}


def _label(model: Any, name: str) -> str:
    return str(capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name))))


CATEGORY_LABELS = {c: _label(Consent, f"share_{c}") for c in Consent.CATEGORIES}
PURPOSE_LABELS = {p: _label(Consent, f"for_{p}") for p in Consent.PURPOSES}
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _not_future(value: date | None, label: str) -> date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"The {label} ({value:%b %-d, %Y}) is in the future.")
    return value


# ---------------------------------------------------------------------------
# The caseload's filters (GET: a bad value drops that one filter)
# ---------------------------------------------------------------------------
class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=80)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Participant.Status.choices])
    stream = forms.ChoiceField(label="Funding stream", required=False,
                               choices=[("", "Any stream"), *((c, n) for c, n, _ in FUNDING_STREAMS)])
    cohort = forms.TypedChoiceField(label="Cohort", required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label="Overdue follow-up", required=False)
    mine = forms.BooleanField(label="My caseload", required=False)

    def __init__(self, *args: Any, cohorts: Iterable[tuple[int, str]], show_mine: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "Any cohort"), *cohorts]  # type: ignore[attr-defined]
        if not show_mine:
            del self.fields["mine"]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field, forms.ChoiceField):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"
            field.widget.attrs.setdefault("id", f"filter-{name}")
        self.fields["q"].widget.attrs.update(type="search", placeholder="Name or P-XXXXXXXX", spellcheck="false")

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}


# ---------------------------------------------------------------------------
# Intake and the profile
# ---------------------------------------------------------------------------
_MODEL_FIELDS = forms.fields_for_model(Participant, fields=[f for f in PROFILE_FIELDS if f != "intake_date"]
                                       + ["date_of_birth"])

PROFILE_GROUPS: list[tuple[str, str, list[str]]] = [
    ("identity", "Identity", ["first_name", "middle_name", "last_name", "preferred_name", "ssn", "date_of_birth"]),
    ("contact", "Contact", ["email", "phone", "address", "city", "state", "postal_code"]),
    ("demographics", "Demographics (self-identified)", ["sex", "ethnicity", "race", "veteran", "education_at_entry"]),
    ("employment", "Employment at entry", ["employment_status_at_entry", "hourly_wage_at_entry",
                                           "prior_quarter_earnings"]),
    ("barriers", "Barriers to employment", list(Participant.BARRIERS)),
    ("benefits", "Benefits at entry", [*Participant.BENEFITS, "abawd", "snap_participation"]),
]
HELP = {
    "preferred_name": "Used on every page when given.",
    "ssn": "Nine digits. Stored encrypted and matched through a keyed hash; pages show the last four digits only.",
    "date_of_birth": "Stored encrypted. With the name, it warns of a record already on file.",
    "state": "Two letters, e.g. GA.",
    "hourly_wage_at_entry": "Leave empty when not employed.",
    "prior_quarter_earnings": "Total earnings in the calendar quarter before entry.",
    "abawd": "Able-bodied adult without dependents, subject to the SNAP time limit.",
    "snap_participation": "For SNAP E&T reporting: voluntary or mandatory participant.",
}


class ProfileForm(forms.Form):
    """Every field of DOMAIN.md §3 "Participant", in the groups the page shows."""

    groups = PROFILE_GROUPS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in _MODEL_FIELDS.items():
            self.fields[name] = copy.deepcopy(field)
        self.fields["ssn"] = forms.CharField(label="Social Security number", required=False, max_length=11)
        self.fields["ssn"].widget.attrs.update(autocomplete="off", inputmode="numeric", spellcheck="false",
                                               placeholder="###-##-####")
        self.fields["date_of_birth"] = CalendarDateField(label="Date of birth", required=False, widget=DATE_INPUT)
        for name, field in self.fields.items():
            if name in HELP:
                field.help_text = HELP[name]
            if isinstance(field, forms.ChoiceField):
                options: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
                field.choices = [("", "Not recorded") if value == "" and name != "snap_participation"
                                 else (value, label) for value, label in options]
            if isinstance(field, forms.BooleanField):
                field.label = (field.label or "")[:1].upper() + (field.label or "")[1:]
        self.fields["abawd"].label = "ABAWD"
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["state"].widget.attrs.update({"maxlength": "2", "class": "text-uppercase"})  # no style=: CSP
        for name in ("hourly_wage_at_entry", "prior_quarter_earnings"):
            self.fields[name].widget.attrs.update(inputmode="decimal", step="0.01")
        self.fields["phone"].widget.attrs["type"] = "tel"

    def grouped(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(key, title, [self[name] for name in names if name in self.fields])
                for key, title, names in self.groups]

    def clean_date_of_birth(self) -> date | None:
        return _not_future(self.cleaned_data.get("date_of_birth"), "date of birth")

    def clean_state(self) -> str:
        return (self.cleaned_data.get("state") or "").upper()

    def profile_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {name: data.get(name) for name in PROFILE_FIELDS if name in self.fields}
        for name, value in out.items():
            if value is None and isinstance(self.fields[name], forms.CharField):
                out[name] = ""
        out["date_of_birth"] = data.get("date_of_birth")
        if data.get("ssn"):
            out["ssn"] = data["ssn"]
        return out


class IntakeForm(ProfileForm):
    """A new person: the profile, the organization that owns the record (convener staff choose it), the funding
    streams they enter, and, after a duplicate warning, the confirmation that this is someone else."""

    def __init__(self, *args: Any, organizations: Iterable[Organization] | None = None,
                 duplicates: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"] = forms.ModelChoiceField(
                label="Owning partner organization", queryset=organizations,  # type: ignore[arg-type]
                empty_label="Choose the partner organization…",
                help_text="The organization whose case managers keep this record.")
        self.fields["intake_date"] = CalendarDateField(label="Intake date", widget=DATE_INPUT,
                                                     initial=timezone.localdate)
        self.fields["streams"] = forms.MultipleChoiceField(
            label="Streams the person enters", required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(c, n) for c, n, _ in FUNDING_STREAMS],
            help_text="Co-enrollment: tick every stream the person enters. SNAP E&T needs SNAP at entry, "
                      "TANF needs TANF.")
        self.fields["entry_date"] = CalendarDateField(label="Entry date", widget=DATE_INPUT, initial=timezone.localdate,
                                                    help_text="The day they entered the streams ticked above.")
        if duplicates:
            self.fields["confirm_duplicate"] = forms.BooleanField(
                label="This is a different person — create anyway", required=False)

    def clean_intake_date(self) -> date | None:
        return _not_future(self.cleaned_data.get("intake_date"), "intake date")

    def streams_kwargs(self) -> list[dict[str, Any]]:
        entry = self.cleaned_data.get("entry_date")
        return [{"stream": code, "entry_date": entry} for code in self.cleaned_data.get("streams") or []]

    def profile_kwargs(self) -> dict[str, Any]:
        out = super().profile_kwargs()
        out["intake_date"] = self.cleaned_data.get("intake_date") or timezone.localdate()
        return out


class ProfileEditForm(ProfileForm):
    """Corrections to a record. The SSN is never shown back: leave it empty to keep it."""

    def __init__(self, *args: Any, has_ssn: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_ssn:
            self.fields["ssn"].help_text = "Leave empty to keep the SSN on file; type a new one to correct it."
            self.fields["clear_ssn"] = forms.BooleanField(label="Remove the SSN on file", required=False)

    def profile_kwargs(self) -> dict[str, Any]:
        out = super().profile_kwargs()
        if self.cleaned_data.get("clear_ssn") and not self.cleaned_data.get("ssn"):
            out["ssn"] = ""
        return out


def profile_initial(participant: Participant) -> dict[str, Any]:
    initial = {name: getattr(participant, name) for name in PROFILE_FIELDS}
    initial["date_of_birth"] = participant.date_of_birth
    return initial


# ---------------------------------------------------------------------------
# Funding streams
# ---------------------------------------------------------------------------
class StreamEnrollForm(forms.Form):
    stream = forms.ChoiceField(label="Funding stream")
    entry_date = CalendarDateField(label="Entry date", widget=DATE_INPUT)

    def __init__(self, *args: Any, enrolled: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "enroll")
        kwargs.setdefault("initial", {"entry_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        taken = set(enrolled)
        self.fields["stream"].choices = [("", "Choose a stream…"),  # type: ignore[attr-defined]
                                         *((c, n) for c, n, _ in FUNDING_STREAMS if c not in taken)]


class StreamExitForm(forms.Form):
    exit_date = CalendarDateField(label="Exit date", widget=DATE_INPUT)
    reason = forms.CharField(label="Reason", required=False, max_length=200,
                             help_text="e.g. “completed training and employed”.")
    exclusion_reason = forms.ChoiceField(
        label="Exclusion from performance", required=False,
        choices=[("", "None (counts in the measures)"), *StreamEnrollment.Exclusion.choices[1:]],
        help_text="WIOA: an excluded exit leaves both numerator and denominator.")

    def __init__(self, *args: Any, enrollment: StreamEnrollment, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"exit{enrollment.pk}")
        kwargs.setdefault("initial", {"exit_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------
class ConsentForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label="Organizations the person agrees to share with", queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(label="Data they may read", required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           choices=list(CATEGORY_LABELS.items()))
    purposes = forms.MultipleChoiceField(label="For", required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=list(PURPOSE_LABELS.items()))
    signed_on = CalendarDateField(label="Signed on", widget=DATE_INPUT)
    expires_on = CalendarDateField(label="Expires on", required=False, widget=DATE_INPUT,
                                 help_text="Leave empty for a consent without an end date.")

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "consent")
        kwargs.setdefault("initial", {"signed_on": timezone.localdate(), "categories": ["identity"],
                                      "purposes": ["coordination"]})
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["recipients"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.name} · {o.get_org_type_display()}")
        self.fields["categories"].help_text = "Identity is needed for them to see the person at all."
        self.fields["purposes"].help_text = ("“Employer interview” lets a named employer see the person's name on a "
                                             "cohort they host, once the person has completed it.")


class ConsentRevokeForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=200,
                           help_text="e.g. “revoked by phone, call of May 2”.")

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"revoke{consent.pk}")
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------------------
# Supportive services
# ---------------------------------------------------------------------------
class ServiceForm(forms.Form):
    stream = forms.ChoiceField(label="Paid from", help_text="A funding stream the person is enrolled in.")
    service_type = forms.ChoiceField(label="Service",
                                     choices=[("", "Choose…"), *SupportiveService.ServiceType.choices])
    amount = forms.CharField(label="Amount ($)", max_length=20)
    provided_on = CalendarDateField(label="Date", widget=DATE_INPUT)
    vendor = forms.CharField(required=False, max_length=150, help_text="e.g. MARTA, Bright Horizons")
    status = forms.ChoiceField(choices=SupportiveService.Status.choices, initial=SupportiveService.Status.REQUESTED)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, streams: Iterable[StreamEnrollment], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "service")
        kwargs.setdefault("initial", {"provided_on": timezone.localdate(), "status": "requested"})
        super().__init__(*args, **kwargs)
        options = [(s.stream.code, s.stream.name + ("" if s.is_open else " (exited)")) for s in streams]
        self.fields["stream"].choices = [("", "Choose a stream…"), *options]  # type: ignore[attr-defined]
        enrolled = ", ".join(name for _, name in options) or "none yet"
        self.fields["stream"].error_messages["invalid_choice"] = (
            f"The person is not enrolled in that stream. Pay from a stream they are enrolled in ({enrolled}), or "
            "co-enroll them first.")
        self.fields["amount"].widget.attrs.update(inputmode="decimal")


# ---------------------------------------------------------------------------
# Case notes
# ---------------------------------------------------------------------------
class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, required=False)
    noted_on = CalendarDateField(label="Date", widget=DATE_INPUT)
    confidential = forms.BooleanField(
        label="Confidential", required=False,
        help_text="Only your organization will read it, whatever the person's consent says.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        kwargs.setdefault("initial", {"noted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------------------
# Placements, retention checks and wages
# ---------------------------------------------------------------------------
class PlacementForm(forms.Form):
    employer = forms.ModelChoiceField(label="Partner employer", queryset=Organization.objects.none(), required=False,
                                      empty_label="Another employer (type its name)")
    employer_name = forms.CharField(label="Employer's name", required=False, max_length=200,
                                    help_text="When it is not a partner employer.")
    occupation = OccupationInput(label="Occupation", max_length=200,
                                 help_text="Type a title (e.g. nursing assistants) or a SOC 2018 code (e.g. 31-1131).")
    start_date = CalendarDateField(label="Start date", widget=DATE_INPUT)
    hourly_wage = forms.CharField(label="Hourly wage ($)", max_length=12)
    hours_per_week = forms.CharField(label="Hours per week", max_length=6)
    related_to_training = forms.BooleanField(label="Related to the training", required=False, initial=True)
    placement_type = forms.ChoiceField(label="Type", choices=Placement.PlacementType.choices)
    cohort_enrollment = forms.TypedChoiceField(label="After the cohort", coerce=int, empty_value=None,
                                               required=False)

    def __init__(self, *args: Any, employers: Any, cohorts: Iterable[CohortEnrollment], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "placement")
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.cohort_enrollments = {e.pk: e for e in cohorts}
        self.fields["cohort_enrollment"].choices = [  # type: ignore[attr-defined]
            ("", "Not linked to a cohort"),
            *((e.pk, f"{e.cohort.name} ({e.get_status_display().lower()})") for e in self.cohort_enrollments.values())]
        self.fields["hourly_wage"].widget.attrs.update(inputmode="decimal")
        self.fields["hours_per_week"].widget.attrs.update(inputmode="decimal")

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["cohort_enrollment"] = self.cohort_enrollments.get(data.get("cohort_enrollment") or 0)
        return data


class RetentionCheckForm(forms.Form):
    employed = forms.ChoiceField(label="Still employed?", choices=YES_NO, widget=forms.RadioSelect)
    same_employer = forms.ChoiceField(label="With the same employer?", choices=YES_NO, widget=forms.RadioSelect,
                                      required=False)
    current_wage = forms.CharField(label="Current hourly wage ($)", required=False, max_length=12)
    checked_on = CalendarDateField(label="Checked on", widget=DATE_INPUT)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, check_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"check{check_id}")
        kwargs.setdefault("initial", {"checked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["current_wage"].widget.attrs.update(inputmode="decimal")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"employed": bool(_yes_no(data["employed"])), "same_employer": _yes_no(data.get("same_employer") or ""),
                "current_wage": data.get("current_wage") or None, "checked_on": data["checked_on"],
                "note": data.get("note") or ""}


class WageForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(coerce=int, choices=[(1, "Q1 (Jan–Mar)"), (2, "Q2 (Apr–Jun)"),
                                                          (3, "Q3 (Jul–Sep)"), (4, "Q4 (Oct–Dec)")])
    wages = forms.CharField(label="Wages in the quarter ($)", max_length=14)
    employer_fein = forms.CharField(label="Employer FEIN", required=False, max_length=10,
                                    help_text="Nine digits, e.g. 58-1234567.")
    source = forms.ChoiceField(choices=QuarterlyWage.Source.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "wage")
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year, "quarter": (today.month - 1) // 3 + 1})
        super().__init__(*args, **kwargs)
        self.fields["wages"].widget.attrs.update(inputmode="decimal")


# ---------------------------------------------------------------------------
# Cohorts (programs.services: enrollment_add, enrollment_set_status, credential_award_record)
# ---------------------------------------------------------------------------
class CohortPlaceForm(forms.Form):
    cohort = forms.TypedChoiceField(label="Cohort", coerce=int, empty_value=None,
                                    error_messages={"required": "Choose a cohort from the list."})
    status = forms.ChoiceField(label="As", widget=forms.RadioSelect, initial="enrolled",
                               choices=[("enrolled", "Enrolled (takes a seat)"), ("applied", "Applied (waitlist)")])
    on = CalendarDateField(label="Date", widget=DATE_INPUT, help_text="When they applied or enrolled.")

    def __init__(self, *args: Any, cohorts: Iterable[Cohort], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "place")
        kwargs.setdefault("initial", {"on": timezone.localdate(), "status": "enrolled"})
        super().__init__(*args, **kwargs)
        self.cohorts = {c.pk: c for c in cohorts}
        self.fields["cohort"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a cohort…"),
            *((c.pk, f"{c.name} · {c.program.provider.name} · {c.start_date:%b %-d}–{c.end_date:%b %-d, %Y}"
               f" · {max(c.seats - c.seated, 0)} of {c.seats} seats left")  # type: ignore[attr-defined]
              for c in self.cohorts.values())]

    def clean_cohort(self) -> Cohort:
        cohort = self.cohorts.get(self.cleaned_data.get("cohort") or 0)
        if cohort is None:
            raise forms.ValidationError("Choose a cohort from the list.")
        return cohort


# ---------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------
class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="The file holds", choices=ImportJob.Kind.choices, widget=forms.RadioSelect,
                             initial=ImportJob.Kind.PARTICIPANTS)
    file = forms.FileField(label="File (.csv or .xlsx, 10 MB at most)", allow_empty_file=True)

    def __init__(self, *args: Any, organizations: Any | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if organizations is not None:
            self.fields["organization"] = forms.ModelChoiceField(
                label="Owning partner organization", queryset=organizations, required=False,
                empty_label="Choose the partner organization…",
                help_text="Imported participants belong to it. Not needed for the other kinds of file.")

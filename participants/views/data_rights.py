"""A person's data rights (DOMAIN.md §6), for convener admins: the full record as a JSON download and as a readable,
printable page; corrections with their reason; and erasure behind a typed confirmation. Every step is audited by
participants.services; other roles get 403 (404 when their role never reads a participant, like any record page)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, ClassVar

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.decorators import method_decorator

from participants import selectors, services
from participants.forms import ProfileEditForm, profile_initial
from participants.models import ImportJob, Participant
from participants.views._common import RecordPage, url
from partnerships.models import AuditEvent
from partnerships.permissions import Action
from programs.forms import apply_service_errors

RIGHTS = Action.PARTICIPANT_DATA_RIGHTS
NO_STORE = "no-store"


class DataRightsPage(RecordPage):
    """A record page only a convener admin reaches. It reads the person as any record page does (404 when missing or
    in another workspace), so the isolation harness covers it like the rest."""

    tab = "data-rights"
    permissions: ClassVar[dict[str, Action]] = {"GET": RIGHTS}


# ---------------------------------------------------------------------------
# Export: the JSON download and the readable page (one document: selectors.participant_record_export)
# ---------------------------------------------------------------------------
def _filename(person: Participant, extension: str) -> str:
    return f"participant-record-{person.public_id}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except Exception:  # FieldDoesNotExist, or a reverse relation: no label or choices to borrow
        return None


def _label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    text = str(getattr(field, "verbose_name", "") or key.replace("_", " "))
    return text[:1].upper() + text[1:]


def _display(model: type[models.Model] | None, key: str, value: Any) -> str:
    """One exported value as a reader reads it: labels for codes, dates spelled out, yes/no, names of nested rows."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):  # a nested row: its name and descriptions (ids and codes are in the JSON)
        return " · ".join(_display(None, k, v) for k, v in value.items() if k not in ("id", "code")
                          and v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_display(None, key, v) for v in value)
    field = _field(model, key)
    choices = dict(getattr(field, "choices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return f"{date.fromisoformat(value):%b %-d, %Y}"
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return f"{moment:%b %-d, %Y %H:%M}"
    return str(value)


def _rows(model: type[models.Model] | None, record: dict[str, Any],
          skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(_label(model, key), _display(model, key, value)) for key, value in record.items() if key not in skip]


# The profile's groups on the readable page (every key of the export's "participant" object is in one of them).
PROFILE_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Identity", ("id", "public_id", "status", "first_name", "middle_name", "last_name", "preferred_name",
                  "ssn_last4", "ssn_on_file", "date_of_birth", "age_at_entry")),
    ("Contact", ("email", "phone", "address", "city", "state", "postal_code")),
    ("Demographics (self-identified)", ("sex", "ethnicity", "race", "veteran", "education_at_entry")),
    ("Employment at entry", ("employment_status_at_entry", "hourly_wage_at_entry", "prior_quarter_earnings")),
    ("Barriers", Participant.BARRIERS),
    ("Benefits at entry", (*Participant.BENEFITS, "abawd", "snap_participation")),
    ("Case", ("organization", "case_manager", "intake_date", "created_by", "created_at", "updated_at")),
]
PROFILE_LABELS = {"id": "Internal id", "public_id": "Public id", "ssn_last4": "SSN, last four digits",
                  "ssn_on_file": "SSN on file"}
SECTION_TITLES = {
    "stream_enrollments": "Funding-stream enrollments", "cohort_enrollments": "Cohort enrollments",
    "attendance": "Attendance", "consents": "Consents", "supportive_services": "Supportive services",
    "case_notes": "Case notes", "placements": "Placements", "retention_checks": "Retention checks",
    "quarterly_wages": "Quarterly wages", "credentials": "Credentials", "skill_gains": "Measurable skill gains",
}


def present_record(record: dict[str, Any]) -> dict[str, Any]:
    """The export laid out for reading: the profile in groups, each section's rows as label/value lists, the import
    rows and the audit trail as tables."""
    person = record["participant"]
    profile = [(title, [(PROFILE_LABELS.get(k) or _label(Participant, k), _display(Participant, k, person[k]))
                        for k in keys]) for title, keys in PROFILE_GROUPS]
    sections = []
    for model, key in selectors.EXPORT_SECTIONS.items():
        sections.append({"key": key, "title": SECTION_TITLES[key],
                         "rows": [{"id": row["id"], "fields": _rows(model, row, skip=("id",))} for row in record[key]]})
    imports = [{**f, "uploaded_at": _display(None, "", f["uploaded_at"]),
                "kind": _display(ImportJob, "kind", f["kind"])} for f in record["import_files"]]
    trail = [{**e, "occurred_at": _display(AuditEvent, "occurred_at", e["occurred_at"]),
              "metadata": json.dumps(e["metadata"], ensure_ascii=False, sort_keys=True) if e["metadata"] else ""}
             for e in record["audit_trail"]]
    return {"profile": profile, "sections": sections, "imports": imports, "trail": trail}


class RecordExportView(DataRightsPage):
    """The full record as a readable page laid out for printing (or saving as PDF from the browser), and with
    ``?format=json`` as a JSON file (machine-readable, stable keys: the same document as the API's export)."""

    template_name = "participants/data_rights_record.html"

    def get(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        as_json = request.GET.get("format") == "json"
        record = services.participant_export_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                    participant=person, file_format="json" if as_json else "html")
        if as_json:
            response = HttpResponse(json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                                    content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
        else:
            response = render(request, self.template_name, self.get_context_data(
                person=person, record=record, exported_at=_display(None, "", record["exported_at"]),
                **present_record(record)))
        response["Cache-Control"] = NO_STORE
        return response


# ---------------------------------------------------------------------------
# Correction
# ---------------------------------------------------------------------------
REASON_HELP = ("Why, and on whose request (e.g. “the participant asked on Mar 3 by phone”). Kept in the audit trail "
               "with the names of the fields changed: don't write the old or new values here.")


class CorrectionForm(ProfileEditForm):
    """The profile form, with the reason the correction is made (rendered below the profile's groups)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label="Reason", max_length=services.REASON_MAX, help_text=REASON_HELP,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": "Give the reason for the correction."})


class CorrectionView(DataRightsPage):
    """Correct the person's data on their request: every profile field, with a required reason; only the fields
    whose value changes are saved and named in the audit trail."""

    template_name = "participants/data_rights_correct.html"
    permissions: ClassVar[dict[str, Action]] = {"GET": RIGHTS, "POST": RIGHTS}

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        return {"form": forms.get("form") or CorrectionForm(initial=profile_initial(self.participant),
                                                            has_ssn=bool(self.participant.ssn))}

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        form = CorrectionForm(request.POST, has_ssn=bool(person.ssn))
        if form.is_valid():
            try:
                changed = services.participant_correct(
                    convener=self.convener, actor=request.user, participant=person,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"], **form.profile_kwargs())
            except ValidationError as exc:
                person.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                labels = ", ".join(_label(Participant, name).lower() if name != "ssn" else "SSN" for name in changed)
                messages.success(request, f"Corrected the record of {person.display_name}: {labels}. The correction "
                                          "and its reason are in the audit trail.")
                return redirect(url("record", self.convener.slug, participant_id=person.pk))
        return self.page(400, form=form)


# ---------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------
class EraseForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the participant's public id to confirm", max_length=20,
        error_messages={"required": "Type the public id to confirm."})
    reason = forms.CharField(
        label="Reason", max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why, and on whose request (e.g. “the participant's written request of Mar 3”). Kept in the audit "
                  "trail; anything in it that names the person is removed.",
        error_messages={"required": "Give the reason for deleting this record."})

    def __init__(self, *args: Any, public_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.public_id = public_id
        self.fields["confirmation"].widget.attrs.update(autocomplete="off", spellcheck="false",
                                                        placeholder=public_id)

    def clean_confirmation(self) -> str:
        typed = (self.cleaned_data.get("confirmation") or "").strip()
        if typed.upper() != self.public_id.upper():
            raise forms.ValidationError(f"That is not {self.public_id}: type the public id exactly as shown.")
        return typed


class EraseView(DataRightsPage):
    """Delete the person's personal data, after showing what goes and what stays and asking for the public id to be
    typed and a reason. Published reports keep their figures.

    It cannot be undone, so the admin confirms their password first, unless they did in the last few minutes
    (allauth's reauthentication, as for changing a second factor): a session left open on an unattended desk cannot
    erase anyone. allauth keeps the POST and replays it once the password is confirmed."""

    template_name = "participants/data_rights_erase.html"
    permissions: ClassVar[dict[str, Action]] = {"GET": RIGHTS, "POST": RIGHTS}

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        return {"form": forms.get("form") or EraseForm(public_id=self.participant.public_id),
                "preview": selectors.participant_erase_preview(convener=self.convener, participant=self.participant)}

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        form = EraseForm(request.POST, public_id=person.public_id)
        if not form.is_valid():
            return self.page(400, form=form)
        return self._erase(request, person, form)

    # Asked once the person is found and the form is right, so another workspace's id is a 404 and a mistyped id
    # is shown at once; the replayed POST comes back through ``post``.
    @method_decorator(reauthentication_required)
    def _erase(self, request: HttpRequest, person: Participant, form: EraseForm) -> HttpResponse:
        public_id, pk = person.public_id, person.pk
        try:
            counts = services.participant_erase(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                participant=person, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.page(400, form=form)
        rows = sum(counts.values())
        messages.success(request, f"Deleted the personal data of {public_id} ({rows} row{pluralize(rows)} in all). "
                                  f"The audit trail keeps the erasure under internal id {pk}; published reports keep "
                                  "their figures.")
        return redirect(url("caseload", self.convener.slug))

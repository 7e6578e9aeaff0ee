"""One person's record, tab by tab, and the changes made from each tab. A change is a POST to its own URL; a refused
change re-renders the tab with the form's errors next to their fields (400) and saves nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from participants import access, selectors, services
from participants.forms import (
    CATEGORY_LABELS,
    PURPOSE_LABELS,
    CohortPlaceForm,
    ConsentForm,
    ConsentRevokeForm,
    NoteForm,
    PlacementForm,
    RetentionCheckForm,
    ServiceForm,
    StreamEnrollForm,
    StreamExitForm,
    WageForm,
)
from participants.models import Consent, RetentionCheck, StreamEnrollment, SupportiveService
from participants.views._common import RecordPage, url
from partnerships.models import Organization
from partnerships.permissions import Action
from partnerships.roles import OrganizationType
from programs import selectors as program_selectors
from programs import services as program_services
from programs.forms import CredentialAwardForm, EnrollmentStatusForm, SkillGainForm, apply_service_errors
from programs.models import Cohort, CohortEnrollment, ProgramCredential

MANAGE = {"POST": Action.PARTICIPANT_MANAGE}
CHECK_OPENS_DAYS_BEFORE = 14


def _sections(participant: Any, reading: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The profile as label/value rows, by section, limited to what the reader may see."""
    p = participant
    out: list[tuple[str, list[tuple[str, str]]]] = []
    contact = [("Email", p.email), ("Phone", p.phone),
               ("Address", ", ".join(x for x in (p.address, p.city, f"{p.state} {p.postal_code}".strip()) if x))]
    out.append(("Contact", [(k, v) for k, v in contact if v]))
    demographics = [("Sex", p.get_sex_display()), ("Ethnicity", p.get_ethnicity_display()),
                    ("Race", p.get_race_display()), ("Veteran", "Yes" if p.veteran else ""),
                    ("Education at entry", p.get_education_at_entry_display())]
    out.append(("Demographics", [(k, v) for k, v in demographics if v]))
    if reading.sees("employment"):
        wage = f"${p.hourly_wage_at_entry:,.2f}/hour" if p.hourly_wage_at_entry is not None else ""
        prior = f"${p.prior_quarter_earnings:,.2f}" if p.prior_quarter_earnings is not None else ""
        rows = [("Status", p.get_employment_status_at_entry_display()), ("Wage", wage),
                ("Earnings, quarter before entry", prior)]
        out.append(("Employment at entry", [(k, v) for k, v in rows if v]))
    if reading.sees("benefits"):
        benefits = p.benefit_labels() + (["ABAWD"] if p.abawd else [])
        rows = [("Benefits", ", ".join(benefits)), ("SNAP E&T", p.get_snap_participation_display()
                                                    if p.snap_participation else "")]
        out.append(("Benefits at entry", [(k, v) for k, v in rows if v]))
    if reading.owner:
        out.append(("Barriers", [("", ", ".join(p.barrier_labels()))] if p.barrier_labels() else []))
    return out


# ---------------------------------------------------------------------------
# Overview: header, co-enrollment, profile, timeline
# ---------------------------------------------------------------------------
class RecordView(RecordPage):
    """The person's overview: funding streams side by side (co-enrollment at a glance), their profile as far as the
    reader may see it, the next retention check, and the timeline of everything."""

    tab = "overview"
    template_name = "participants/record_overview.html"

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        reading = self.reading
        context: dict[str, Any] = {
            "timeline": selectors.participant_timeline(convener=self.convener, membership=self.membership,
                                                       participant=self.participant, reading=reading),
            "timeline_limit": selectors.TIMELINE_LIMIT,
            "sections": _sections(self.participant, reading),
            "next_check": selectors.next_check(convener=self.convener, participant=self.participant)
            if reading.sees("employment") else None,
            "checks_open_until": timezone.localdate() + timedelta(days=CHECK_OPENS_DAYS_BEFORE),
        }
        if self.owner:
            streams = self.streams
            exit_forms = forms.pop("exit_forms", {})
            context["enroll_form"] = forms.pop("enroll_form", None) or StreamEnrollForm(
                enrolled=[s.stream.code for s in streams])
            context["exit_forms"] = {s.pk: exit_forms.get(s.pk) or StreamExitForm(enrollment=s)
                                     for s in streams if s.is_open}
        context.update(forms)
        return context


class StreamEnrollView(RecordView):
    """Co-enroll the person in one more funding stream."""

    permissions = MANAGE

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = StreamEnrollForm(request.POST, enrolled=[s.stream.code for s in self.streams])
        if form.is_valid():
            try:
                enrollment = services.stream_enroll(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    participant=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{person.display_name} is now enrolled in {enrollment.stream.name} "
                                          f"from {enrollment.entry_date:%b %-d, %Y}.")
                return redirect(url("record", self.convener.slug, participant_id=person.pk) + "#streams")
        return self.page(400, enroll_form=form)


class StreamExitView(RecordView):
    """Record an exit from one stream, with its reason (the 90-day rule also derives exits every night)."""

    permissions = MANAGE

    def post(self, request: HttpRequest, streamenrollment_id: int) -> HttpResponse:
        enrollment = self.load_part(StreamEnrollment, streamenrollment_id)
        self.require_owner()
        form = StreamExitForm(request.POST, enrollment=enrollment)
        if enrollment.exit_date is not None:
            form.add_error(None, f"{enrollment.stream.name} already ended on {enrollment.exit_date:%b %-d, %Y}.")
        elif form.is_valid():
            try:
                services.stream_exit_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, **form.cleaned_data)
            except ValidationError as exc:
                enrollment.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Recorded the exit from {enrollment.stream.name} on "
                                          f"{enrollment.exit_date:%b %-d, %Y}.")
                return redirect(url("record", self.convener.slug, participant_id=self.participant.pk) + "#streams")
        return self.page(400, exit_forms={enrollment.pk: form})


# ---------------------------------------------------------------------------
# Training: cohorts, completions, credentials, skill gains
# ---------------------------------------------------------------------------
class TrainingView(RecordPage):
    """Cohorts the person applied to or attends, their status, credentials and skill gains; the owner places them
    in a cohort and records their progress (programs.services)."""

    tab = "training"
    template_name = "participants/record_training.html"
    permissions = {"GET": Action.PARTICIPANT_VIEW, "POST": Action.PARTICIPANT_MANAGE}

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        reading, c, person = self.reading, self.convener, self.participant
        cohorts = list(selectors.participant_cohorts(convener=c, participant=person)) \
            if reading.sees("enrollment") else []
        context: dict[str, Any] = {
            "cohorts": cohorts,
            "credentials": list(selectors.participant_credentials(convener=c, participant=person))
            if reading.sees("credentials") else [],
            "skill_gains": list(selectors.participant_skill_gains(convener=c, participant=person))
            if reading.sees("credentials") else [],
        }
        if self.owner:
            taken = {e.cohort_id for e in cohorts}
            open_cohorts = [k for k in program_selectors.cohort_list(convener=c, membership=self.membership)
                            if k.pk not in taken and k.status in Cohort.PIPELINE]
            context["place_form"] = forms.get("place_form") or CohortPlaceForm(cohorts=open_cohorts)
            credentials = self._program_credentials(cohorts)
            bound = forms.get("bound", {})
            context["progress"] = {
                e.pk: {
                    "status": bound.get(("status", e.pk)) or EnrollmentStatusForm(
                        prefix=f"status{e.pk}", initial={"on": timezone.localdate(), "status": _next_status(e)}),
                    "credential": bound.get(("credential", e.pk)) or CredentialAwardForm(
                        prefix=f"credential{e.pk}", credentials=credentials.get(e.cohort.program_id, []),
                        initial={"awarded_on": timezone.localdate()}),
                    "gain": bound.get(("gain", e.pk)) or SkillGainForm(prefix=f"gain{e.pk}",
                                                                       initial={"achieved_on": timezone.localdate()}),
                }
                for e in cohorts if e.status != CohortEnrollment.Status.WITHDRAWN
            }
        return context

    def _program_credentials(self, cohorts: list[CohortEnrollment]) -> dict[int, list[ProgramCredential]]:
        programs = {e.cohort.program_id for e in cohorts}
        out: dict[int, list[ProgramCredential]] = {pk: [] for pk in programs}
        if programs:
            for credential in ProgramCredential.objects.for_convener(self.convener).filter(
                    program__in=programs).order_by("name"):
                out[credential.program_id].append(credential)
        return out

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        """Place the person in a cohort (applied or enrolled)."""
        person = self.load(participant_id)
        self.require_owner()
        taken = set(selectors.participant_cohorts(convener=self.convener, participant=person)
                    .values_list("cohort_id", flat=True))
        choices = [k for k in program_selectors.cohort_list(convener=self.convener, membership=self.membership)
                   if k.pk not in taken and k.status in Cohort.PIPELINE]
        form = CohortPlaceForm(request.POST, cohorts=choices)
        if form.is_valid():
            try:
                enrollment = program_services.enrollment_add(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    cohort=form.cleaned_data["cohort"], participant=person, status=form.cleaned_data["status"],
                    on=form.cleaned_data["on"])
            except ValidationError as exc:
                apply_service_errors(form, exc, {"participant": "cohort"})
            else:
                messages.success(request, f"{person.display_name} is {enrollment.get_status_display().lower()} in "
                                          f"{enrollment.cohort.name}.")
                return redirect(url("record-training", self.convener.slug, participant_id=person.pk) + "#cohorts")
        return self.page(400, place_form=form)


def _next_status(enrollment: CohortEnrollment) -> str:
    return {"applied": "enrolled", "enrolled": "active", "active": "completed"}.get(enrollment.status, "")


class _CohortEnrollmentChange(TrainingView):
    permissions = MANAGE
    kind = "status"

    def _enrollment(self, cohortenrollment_id: int) -> CohortEnrollment:
        enrollment: CohortEnrollment = self.load_part(CohortEnrollment, cohortenrollment_id)
        self.require_owner()
        return enrollment

    def _done(self, enrollment: CohortEnrollment, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(url("record-training", self.convener.slug, participant_id=self.participant.pk)
                        + f"#cohort-{enrollment.pk}")


class CohortProgressView(_CohortEnrollmentChange):
    """Enrolled, active, completed (dated) or withdrawn (dated, with a reason)."""

    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:  # type: ignore[override]
        enrollment = self._enrollment(cohortenrollment_id)
        form = EnrollmentStatusForm(request.POST, prefix=f"status{enrollment.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                program_services.enrollment_set_status(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, status=data["status"], on=data["on"], reason=data["reason"])
            except ValidationError as exc:
                enrollment.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                return self._done(enrollment, f"{self.participant.display_name} is now "
                                              f"{enrollment.get_status_display().lower()} in {enrollment.cohort.name} "
                                              f"({data['on']:%b %-d, %Y}).")
        return self.page(400, bound={("status", enrollment.pk): form})


class CredentialRecordView(_CohortEnrollmentChange):
    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:  # type: ignore[override]
        enrollment = self._enrollment(cohortenrollment_id)
        credentials = list(program_selectors.program_credentials(convener=self.convener,
                                                                 program=enrollment.cohort.program_id))
        form = CredentialAwardForm(request.POST, prefix=f"credential{enrollment.pk}", credentials=credentials)
        if form.is_valid():
            try:
                award = program_services.credential_award_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc, {"enrollment": "__all__"})
            else:
                return self._done(enrollment, f"Recorded {award.name} for {self.participant.display_name}.")
        return self.page(400, bound={("credential", enrollment.pk): form})


class SkillGainRecordView(_CohortEnrollmentChange):
    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:  # type: ignore[override]
        enrollment = self._enrollment(cohortenrollment_id)
        form = SkillGainForm(request.POST, prefix=f"gain{enrollment.pk}")
        if form.is_valid():
            try:
                gain = program_services.skill_gain_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return self._done(enrollment, f"Recorded a skill gain ({gain.get_gain_type_display().lower()}) for "
                                              f"{self.participant.display_name}.")
        return self.page(400, bound={("gain", enrollment.pk): form})


# ---------------------------------------------------------------------------
# Supportive services
# ---------------------------------------------------------------------------
class ServicesView(RecordPage):
    """Supportive services with the running total per funding stream; the owner records one (POST) and moves it
    through requested → approved → paid (or denied)."""

    tab = "services"
    template_name = "participants/record_services.html"
    permissions = {"GET": Action.PARTICIPANT_VIEW, "POST": Action.PARTICIPANT_MANAGE}

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        streams = self.streams
        rows = list(selectors.participant_services(convener=self.convener, participant=self.participant))
        for row in rows:
            row.next_statuses = [(s, SupportiveService.Status(s).label)  # type: ignore[attr-defined]
                                 for s in services.SERVICE_TRANSITIONS.get(row.status, ())]
        context: dict[str, Any] = {
            "services": rows, "stream_totals": streams,
            "total_spent": sum((s.spent for s in streams), start=0),  # type: ignore[attr-defined]
            "requested_total": sum((r.amount for r in rows if r.status == "requested"), start=0),
        }
        if self.owner:
            context["service_form"] = forms.get("service_form") or ServiceForm(streams=streams)
        return context

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = ServiceForm(request.POST, streams=self.streams)
        if form.is_valid():
            try:
                service = services.service_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    participant=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Recorded {service.get_service_type_display().lower()} of "
                                          f"${service.amount:,.2f} from {service.stream_enrollment.stream.name} "
                                          f"({service.get_status_display().lower()}).")
                return redirect(url("record-services", self.convener.slug, participant_id=person.pk))
        return self.page(400, service_form=form)


class ServiceStatusView(ServicesView):
    permissions = MANAGE

    def post(self, request: HttpRequest, supportiveservice_id: int) -> HttpResponse:  # type: ignore[override]
        service = self.load_part(SupportiveService, supportiveservice_id)
        self.require_owner()
        try:
            services.service_set_status(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                        membership=self.membership, service=service,
                                        status=request.POST.get("status", ""))
        except ValidationError as exc:
            messages.error(request, "The status was not changed: " + " ".join(exc.messages))
            return self.page(400)
        messages.success(request, f"The {service.get_service_type_display().lower()} of ${service.amount:,.2f} is now "
                                  f"{service.get_status_display().lower()}.")
        return redirect(url("record-services", self.convener.slug, participant_id=self.participant.pk)
                        + f"#service-{service.pk}")


# ---------------------------------------------------------------------------
# Employment: placements, retention checks, quarterly wages
# ---------------------------------------------------------------------------
class EmploymentView(RecordPage):
    """Placements with their day 90, 180 and 365 checks (scheduled with the placement), and quarterly wages."""

    tab = "employment"
    template_name = "participants/record_employment.html"

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        c, person = self.convener, self.participant
        placements = list(selectors.participant_placements(convener=c, participant=person))
        context: dict[str, Any] = {
            "placements": placements,
            "wages": list(selectors.participant_wages(convener=c, participant=person)),
        }
        if self.owner:
            check_forms = forms.get("check_forms", {})
            # A check can be recorded once it falls due (two weeks ahead, like the reminders), not months early.
            horizon = timezone.localdate() + timedelta(days=CHECK_OPENS_DAYS_BEFORE)
            context["check_forms"] = {ch.pk: check_forms.get(ch.pk) or RetentionCheckForm(check_id=ch.pk)
                                      for p in placements for ch in p.checks.all()
                                      if ch.checked_on is None and (ch.due_on <= horizon or ch.pk in check_forms)}
            context["placement_form"] = forms.get("placement_form") or self._placement_form()
            context["wage_form"] = forms.get("wage_form") or WageForm()
            context["occupation_search_url"] = url("occupation-search", c.slug)
        return context

    def _placement_form(self, data: Any = None) -> PlacementForm:
        employers = Organization.objects.for_convener(self.convener).filter(
            org_type=OrganizationType.EMPLOYER).order_by("name")
        cohorts = [e for e in selectors.participant_cohorts(convener=self.convener, participant=self.participant)
                   if e.status != CohortEnrollment.Status.WITHDRAWN]
        initial = {"start_date": timezone.localdate(), "related_to_training": True, "placement_type": "unsubsidized"}
        latest = next((e for e in cohorts if e.cohort.target_occupation_id), None)
        if latest is not None:
            initial["cohort_enrollment"] = latest.pk
        form = PlacementForm(data, employers=employers, cohorts=cohorts, initial=initial)
        form.fields["occupation"].widget.attrs.update({
            "hx-get": url("occupation-search", self.convener.slug), "hx-trigger": "input changed delay:250ms, search",
            "hx-target": "#occupation-results", "hx-swap": "innerHTML", "hx-sync": "this:replace",
            "autocomplete": "off", "spellcheck": "false", "data-naics-input": "occupation-results",
            "aria-controls": "occupation-results",
        })
        return form


class PlacementRecordView(EmploymentView):
    permissions = MANAGE

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = self._placement_form(request.POST)
        if form.is_valid():
            try:
                placement = services.placement_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    participant=person, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                first = placement.start_date + timedelta(days=90)
                messages.success(request, f"Recorded the placement at {placement.employer_name}. The day 90 check is "
                                          f"due on {first:%b %-d, %Y}; 180 and 365 follow.")
                return redirect(url("record-employment", self.convener.slug, participant_id=person.pk)
                                + f"#placement-{placement.pk}")
        return self.page(400, placement_form=form)


class RetentionCheckRecordView(EmploymentView):
    permissions = MANAGE

    def post(self, request: HttpRequest, retentioncheck_id: int) -> HttpResponse:
        check: RetentionCheck = self.load_part(RetentionCheck, retentioncheck_id, "placement__participant")
        self.require_owner()
        form = RetentionCheckForm(request.POST, check_id=check.pk)
        if form.is_valid():
            try:
                services.retention_check_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    check=check, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Recorded the day {check.milestone_days} check.")
                return redirect(url("record-employment", self.convener.slug, participant_id=self.participant.pk)
                                + f"#placement-{check.placement_id}")
        return self.page(400, check_forms={check.pk: form})


class WageRecordView(EmploymentView):
    permissions = MANAGE

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = WageForm(request.POST)
        if form.is_valid():
            try:
                row = services.wage_record(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                           membership=self.membership, participant=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Recorded {row.year} Q{row.quarter} wages of ${row.wages:,.2f}.")
                return redirect(url("record-employment", self.convener.slug, participant_id=person.pk) + "#wages")
        return self.page(400, wage_form=form)


# ---------------------------------------------------------------------------
# Case notes
# ---------------------------------------------------------------------------
class NotesView(RecordPage):
    """Dated notes with their author. A confidential note is read inside its author's organization only."""

    tab = "notes"
    template_name = "participants/record_notes.html"
    permissions = {"GET": Action.PARTICIPANT_VIEW, "POST": Action.PARTICIPANT_MANAGE}

    def _may_write(self) -> bool:
        try:
            access.require_note_writer(membership=self.membership, participant=self.participant,
                                       convener=self.convener)
        except PermissionDenied:  # the page simply shows no form
            return False
        return True

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        context: dict[str, Any] = {
            "notes": list(selectors.notes_visible(convener=self.convener, membership=self.membership,
                                                  participant=self.participant)),
        }
        if self._may_write():
            context["note_form"] = forms.get("note_form") or NoteForm()
        return context

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        access.require_note_writer(membership=self.membership, participant=person, convener=self.convener)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_add(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                  membership=self.membership, participant=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Note added." + (" Only your organization can read it."
                                                           if form.cleaned_data["confidential"] else ""))
                return redirect(url("record-notes", self.convener.slug, participant_id=person.pk))
        return self.page(400, note_form=form)


# ---------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------
class ConsentView(RecordPage):
    """The person's consents (the owner's tab): which organizations may read which data, for what; record a new one
    (POST) or revoke one, which takes effect on the next request."""

    tab = "consent"
    template_name = "participants/record_consent.html"
    permissions = {"GET": Action.PARTICIPANT_VIEW, "POST": Action.PARTICIPANT_MANAGE}

    def _organizations(self) -> Any:
        return Organization.objects.for_convener(self.convener).exclude(
            pk=self.participant.organization_id).order_by("name")

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        today = timezone.localdate()
        consents = list(selectors.participant_consents(convener=self.convener, participant=self.participant))
        for consent in consents:
            consent.current = consent.is_current(today)  # type: ignore[attr-defined]
            consent.category_labels = [CATEGORY_LABELS[c] for c in consent.categories()]  # type: ignore[attr-defined]
            consent.purpose_labels = [PURPOSE_LABELS[p] for p in consent.purposes()]  # type: ignore[attr-defined]
        context: dict[str, Any] = {"consents": consents}
        if self.owner:
            revoke_forms = forms.get("revoke_forms", {})
            context["revoke_forms"] = {c.pk: revoke_forms.get(c.pk) or ConsentRevokeForm(consent=c)
                                       for c in consents if c.revoked_at is None}
            context["consent_form"] = forms.get("consent_form") or ConsentForm(organizations=self._organizations())
        return context

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = ConsentForm(request.POST, organizations=self._organizations())
        if form.is_valid():
            try:
                consent = services.consent_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    participant=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                names = ", ".join(o.name for o in form.cleaned_data["recipients"])
                shared = ", ".join(CATEGORY_LABELS[c] for c in consent.categories())
                messages.success(request, f"Recorded the consent signed on {consent.signed_on:%b %-d, %Y}: {names} "
                                          f"may now read {shared}.")
                return redirect(url("record-consent", self.convener.slug, participant_id=person.pk))
        return self.page(400, consent_form=form)


class ConsentRevokeView(ConsentView):
    permissions = MANAGE

    def post(self, request: HttpRequest, consent_id: int) -> HttpResponse:  # type: ignore[override]
        consent: Consent = self.load_part(Consent, consent_id)
        self.require_owner()
        form = ConsentRevokeForm(request.POST, consent=consent)
        if form.is_valid():
            try:
                services.consent_revoke(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                        membership=self.membership, consent=consent, note=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_service_errors(form, exc, {"consent": "__all__"})
            else:
                messages.success(request, f"Revoked the consent signed on {consent.signed_on:%b %-d, %Y}. The "
                                          "organizations it named can no longer read this record.")
                return redirect(url("record-consent", self.convener.slug, participant_id=self.participant.pk))
        return self.page(400, revoke_forms={consent.pk: form})


__all__ = [
    "CohortProgressView", "ConsentRevokeView", "ConsentView", "CredentialRecordView",
    "EmploymentView", "NotesView", "PlacementRecordView", "RecordView", "RetentionCheckRecordView",
    "ServiceStatusView", "ServicesView", "SkillGainRecordView", "StreamEnrollView", "StreamExitView",
    "TrainingView", "WageRecordView",
]

"""Rosters: the roster tab of a cohort, adding people (an existing participant or a walk-in applicant), one
person's record (status changes, credentials, skill gains), session days and the attendance sheet of a day.

Only convener staff and the providers that run the program reach these pages (ROSTER_VIEW/ROSTER_MANAGE, and
selectors narrow provider staff to their own programs' cohorts, 404 otherwise). Employers never see names.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from partnerships.permissions import Action, can
from partnerships.tenant_views import TenantView
from programs import selectors, services
from programs.forms import (
    ATTENDANCE_CHOICES,
    CredentialAwardForm,
    EnrollmentStatusForm,
    RosterAddForm,
    SessionAddForm,
    SkillGainForm,
    WalkInForm,
    apply_service_errors,
    attendance_marks,
)
from programs.models import Cohort, CohortEnrollment, CohortSession
from programs.views._common import safe_next, url
from programs.views.cohorts import cohort_header

ENROLLMENT_ERROR_ALIASES = {"cohort": "__all__", "enrollment": "__all__"}


def _can_override(view: TenantView) -> bool:
    return can(view.membership, Action.SEAT_OVERRIDE)


# ---------------------------------------------------------------------------
# The roster tab
# ---------------------------------------------------------------------------
class _RosterPage(TenantView):
    template_name = "programs/cohort_roster.html"

    def _cohort(self, cohort_id: int) -> Cohort:
        return selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=cohort_id)

    def _render(self, cohort: Cohort, *, add_form: RosterAddForm | None = None, walk_in: WalkInForm | None = None,
                status: int = 200) -> HttpResponse:
        context = cohort_header(self, cohort)
        today = context["today"]
        rows = list(selectors.roster(convener=self.convener, cohort=cohort))
        sessions = list(selectors.session_list(convener=self.convener, cohort=cohort))
        held = [s for s in sessions if s.day <= today]
        if context["manages_roster"]:
            participants = selectors.participant_choices(convener=self.convener, membership=self.membership,
                                                         cohort=cohort)
            add_form = add_form or RosterAddForm(participants=participants, can_override=_can_override(self),
                                                 initial={"on": today, "status": "enrolled"})
            walk_in = walk_in or WalkInForm(can_override=_can_override(self), initial={"status": "applied"})
        context.update(
            rows=rows, sessions=sessions, held=held,
            status_counts=[(label.lower(), n) for value, label in CohortEnrollment.Status.choices
                           if (n := sum(1 for r in rows if r.status == value))],
            latest_held=held[-1] if held else None, next_session=next((s for s in sessions if s.day > today), None),
            add_form=add_form, walk_in=walk_in, tab="roster",
        )
        return render(self.request, self.template_name, self.get_context_data(**context), status=status)


class RosterView(_RosterPage):
    """Everyone on the roster: status, dates, attendance days present/marked, credentials and skill gains."""

    permissions = {"GET": Action.ROSTER_VIEW}
    tenant_model = Cohort

    def get(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        return self._render(self._cohort(cohort_id))


class RosterAddView(_RosterPage):
    """Put someone already known to the workspace on the roster, as applied or enrolled."""

    permissions = {"POST": Action.ROSTER_MANAGE}
    tenant_model = Cohort

    def post(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = self._cohort(cohort_id)
        participants = list(selectors.participant_choices(convener=self.convener, membership=self.membership,
                                                          cohort=cohort))
        form = RosterAddForm(request.POST, participants=participants, can_override=_can_override(self))
        if form.is_valid():
            person = {p.pk: p for p in participants}.get(form.cleaned_data["participant"])
            if person is None:
                form.add_error("participant", "Choose a person from the list.")
            else:
                try:
                    enrollment = services.enrollment_add(
                        convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                        cohort=cohort, participant=person, status=form.cleaned_data["status"],
                        on=form.cleaned_data["on"], override_seats=bool(form.cleaned_data.get("override_seats")))
                except ValidationError as exc:
                    apply_service_errors(form, exc, ENROLLMENT_ERROR_ALIASES)
                else:
                    over = " past the seat limit" if enrollment.seat_override else ""
                    messages.success(request, f"Added {person.display_name} as "
                                              f"{enrollment.get_status_display().lower()}{over}.")
                    return redirect(url("cohort-roster", self.convener.slug, cohort_id=cohort.pk))
        return self._render(cohort, add_form=form, status=400)


class RosterWalkInView(_RosterPage):
    """A walk-in applicant: create the person and put them on the roster in one step."""

    permissions = {"POST": Action.ROSTER_MANAGE}
    tenant_model = Cohort

    def post(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = self._cohort(cohort_id)
        form = WalkInForm(request.POST, can_override=_can_override(self))
        if form.is_valid():
            try:
                enrollment = services.participant_create_for_roster(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    cohort=cohort, first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"], status=form.cleaned_data["status"],
                    override_seats=bool(form.cleaned_data.get("override_seats")))
            except ValidationError as exc:
                apply_service_errors(form, exc, {**ENROLLMENT_ERROR_ALIASES, "participant": "__all__",
                                                 "organization": "__all__"})
            else:
                messages.success(request, f"Added {enrollment.participant.display_name} "
                                          f"({enrollment.participant.public_id}) as "
                                          f"{enrollment.get_status_display().lower()}.")
                return redirect(url("cohort-roster", self.convener.slug, cohort_id=cohort.pk))
        return self._render(cohort, walk_in=form, status=400)


# ---------------------------------------------------------------------------
# One person's record
# ---------------------------------------------------------------------------
class _EnrollmentPage(TenantView):
    template_name = "programs/enrollment_detail.html"
    tenant_model = CohortEnrollment

    def _enrollment(self, cohortenrollment_id: int) -> CohortEnrollment:
        return selectors.enrollment_get(convener=self.convener, membership=self.membership,
                                        cohortenrollment_id=cohortenrollment_id)

    def _render(self, enrollment: CohortEnrollment, status: int = 200, **forms: Any) -> HttpResponse:
        today = timezone.localdate()
        manages = can(self.membership, Action.ROSTER_MANAGE)
        credentials = list(selectors.program_credentials(convener=self.convener, program=enrollment.cohort.program_id))
        if manages:
            forms.setdefault("status_form", EnrollmentStatusForm(
                can_override=_can_override(self), initial={"on": today, "status": _next_status(enrollment)}))
            forms.setdefault("credential_form", CredentialAwardForm(credentials=credentials, initial={
                "awarded_on": today, "program_credential": credentials[0].pk if credentials else ""}))
            forms.setdefault("gain_form", SkillGainForm(initial={"achieved_on": today}))
        record = selectors.enrollment_record(convener=self.convener, enrollment=enrollment)
        return render(self.request, self.template_name, self.get_context_data(
            enrollment=enrollment, cohort=enrollment.cohort, person=enrollment.participant, record=record,
            manages_roster=manages, today=today, **forms), status=status)


def _next_status(enrollment: CohortEnrollment) -> str:
    return {"applied": "enrolled", "enrolled": "active", "active": "completed"}.get(enrollment.status, "")


class EnrollmentDetailView(_EnrollmentPage):
    permissions = {"GET": Action.ROSTER_VIEW}

    def get(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:
        return self._render(self._enrollment(cohortenrollment_id))


class EnrollmentStatusView(_EnrollmentPage):
    """Enroll, activate, complete (dated, not before enrolling) or withdraw (dated, with a reason)."""

    permissions = {"POST": Action.ROSTER_MANAGE}

    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:
        enrollment = self._enrollment(cohortenrollment_id)
        form = EnrollmentStatusForm(request.POST, can_override=_can_override(self))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.enrollment_set_status(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, status=data["status"], on=data["on"], reason=data["reason"],
                    override_seats=bool(data.get("override_seats")))
            except ValidationError as exc:
                enrollment.refresh_from_db()
                apply_service_errors(form, exc, ENROLLMENT_ERROR_ALIASES)
            else:
                messages.success(request, f"{enrollment.participant.display_name} is now "
                                          f"{enrollment.get_status_display().lower()} ({data['on']:%b %-d, %Y}).")
                return redirect(safe_next(request, url("enrollment-detail", self.convener.slug,
                                                       cohortenrollment_id=enrollment.pk)))
        return self._render(enrollment, status=400, status_form=form)


class CredentialRecordView(_EnrollmentPage):
    permissions = {"POST": Action.ROSTER_MANAGE}

    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:
        enrollment = self._enrollment(cohortenrollment_id)
        credentials = list(selectors.program_credentials(convener=self.convener, program=enrollment.cohort.program_id))
        form = CredentialAwardForm(request.POST, credentials=credentials)
        if form.is_valid():
            try:
                award = services.credential_award_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc, ENROLLMENT_ERROR_ALIASES)
            else:
                messages.success(request, f"Recorded {award.name} for {enrollment.participant.display_name}.")
                return redirect(url("enrollment-detail", self.convener.slug, cohortenrollment_id=enrollment.pk))
        return self._render(enrollment, status=400, credential_form=form)


class SkillGainRecordView(_EnrollmentPage):
    permissions = {"POST": Action.ROSTER_MANAGE}

    def post(self, request: HttpRequest, cohortenrollment_id: int) -> HttpResponse:
        enrollment = self._enrollment(cohortenrollment_id)
        form = SkillGainForm(request.POST)
        if form.is_valid():
            try:
                gain = services.skill_gain_record(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    enrollment=enrollment, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc, ENROLLMENT_ERROR_ALIASES)
            else:
                messages.success(request, f"Recorded a skill gain ({gain.get_gain_type_display().lower()}) for "
                                          f"{enrollment.participant.display_name}.")
                return redirect(url("enrollment-detail", self.convener.slug, cohortenrollment_id=enrollment.pk))
        return self._render(enrollment, status=400, gain_form=form)


# ---------------------------------------------------------------------------
# Session days and attendance
# ---------------------------------------------------------------------------
class SessionAddView(TenantView):
    """A session day outside the weekly pattern (a make-up day, a worksite tour)."""

    permissions = {"GET": Action.ROSTER_MANAGE, "POST": Action.ROSTER_MANAGE}
    tenant_model = Cohort
    template_name = "programs/session_form.html"

    def _cohort(self, cohort_id: int) -> Cohort:
        return selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=cohort_id)

    def _render(self, cohort: Cohort, form: SessionAddForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(cohort=cohort, form=form),
                      status=status)

    def get(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = self._cohort(cohort_id)
        return self._render(cohort, SessionAddForm(initial={"day": timezone.localdate()}))

    def post(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = self._cohort(cohort_id)
        form = SessionAddForm(request.POST)
        if form.is_valid():
            try:
                session = services.session_add(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    cohort=cohort, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Added a {session.get_kind_display().lower()} day on "
                                          f"{session.day:%A, %B %-d}.")
                if session.day <= timezone.localdate():
                    return redirect(url("session-attendance", self.convener.slug, cohortsession_id=session.pk))
                return redirect(url("cohort-detail", self.convener.slug, cohort_id=cohort.pk) + "#schedule")
        return self._render(cohort, form, status=400)


class SessionAttendanceView(TenantView):
    """The attendance sheet of one session day: one form for everyone holding a seat that day."""

    permissions = {"GET": Action.ROSTER_VIEW, "POST": Action.ROSTER_MANAGE}
    tenant_model = CohortSession
    template_name = "programs/session_attendance.html"

    def _session(self, cohortsession_id: int) -> CohortSession:
        return selectors.session_get(convener=self.convener, membership=self.membership,
                                     cohortsession_id=cohortsession_id)

    def _render(self, session: CohortSession, *, posted: dict[int, str] | None = None, errors: list[str] | None = None,
                status: int = 200) -> HttpResponse:
        today = timezone.localdate()
        sheet = selectors.attendance_sheet(convener=self.convener, session=session)
        sessions = list(selectors.session_list(convener=self.convener, cohort=session.cohort))
        position = next((i for i, s in enumerate(sessions) if s.pk == session.pk), 0)
        labels = dict(ATTENDANCE_CHOICES)
        rows = [{"enrollment": e, "mark": (posted or {}).get(e.pk, mark if posted is None else None),
                 "saved": mark, "saved_label": labels.get(mark or "", "")} for e, mark in sheet]
        tally = Counter(mark for _, mark in sheet if mark)
        manages = can(self.membership, Action.ROSTER_MANAGE) and session.cohort.is_open_for_roster
        return render(self.request, self.template_name, self.get_context_data(
            session=session, cohort=session.cohort, rows=rows, marked=sum(tally.values()),
            tally_rows=[(value, label, tally[value]) for value, label in ATTENDANCE_CHOICES],
            choices=ATTENDANCE_CHOICES, errors=errors or [], manages_roster=manages,
            in_future=session.day > today, today=today,
            previous=sessions[position - 1] if position > 0 else None,
            following=sessions[position + 1] if position + 1 < len(sessions) else None,
            session_form=SessionAddForm(initial={"day": today}) if manages else None,
        ), status=status)

    def get(self, request: HttpRequest, cohortsession_id: int) -> HttpResponse:
        return self._render(self._session(cohortsession_id))

    def post(self, request: HttpRequest, cohortsession_id: int) -> HttpResponse:
        session = self._session(cohortsession_id)
        sheet_ids = [e.pk for e, _ in selectors.attendance_sheet(convener=self.convener, session=session)]
        marks, problems = attendance_marks(request.POST, sheet_ids)
        if not problems and not marks:
            problems = ["Mark at least one person before saving."]
        if not problems:
            try:
                saved = services.attendance_record_day(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    session=session, marks=marks)
            except ValidationError as exc:
                problems = list(exc.messages)
            else:
                tally = Counter(marks.values())
                summary = ", ".join(f"{tally[value]} {label.lower()}" for value, label in ATTENDANCE_CHOICES
                                    if tally[value])
                messages.success(request, f"Attendance saved for {session.day:%A, %B %-d}: {summary}"
                                          f"{'' if saved else ' (no changes)'}.")
                return redirect(url("session-attendance", self.convener.slug, cohortsession_id=session.pk))
        return self._render(session, posted=marks, errors=problems, status=400)


__all__ = [
    "CredentialRecordView", "EnrollmentDetailView", "EnrollmentStatusView", "RosterAddView",
    "RosterView", "RosterWalkInView", "SessionAddView", "SessionAttendanceView", "SkillGainRecordView",
]

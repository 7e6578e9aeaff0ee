"""Cohorts: the list, the create/edit form (from a program or from a demand gap), status changes, and the
cohort page (figures, schedule calendar, host employers and their commitments)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from employers.models import DemandSnapshot, Occupation
from participants import selectors as participant_selectors
from participants.models import Participant
from partnerships import selectors as p_selectors
from partnerships.audit import audit_record
from partnerships.models import Partnership
from partnerships.permissions import Action, can
from partnerships.roles import Role
from partnerships.tenant_views import TenantView
from programs import selectors, services
from programs.forms import (
    COMMITMENTS,
    CohortFilterForm,
    CohortForm,
    SessionAddForm,
    apply_service_errors,
    employers_of,
    redisplay,
)
from programs.models import Cohort, CohortEmployer, Program
from programs.views._common import PAGE_SIZE, occupation_search_url, url

COHORT_ERROR_ALIASES = {"weekly_pattern": "__all__"}
# What the status buttons say, by the status they move to.
STATUS_ACTIONS = {
    "planned": "Back to planned",
    "recruiting": "Start recruiting",
    "in_progress": "Start the cohort",
    "completed": "Mark completed",
    "cancelled": "Cancel the cohort",
}


def status_actions(cohort: Cohort) -> list[tuple[str, str]]:
    return [(status, STATUS_ACTIONS[status]) for status in Cohort.TRANSITIONS[cohort.status]]


class CohortListView(TenantView):
    """Cohorts the member may see (selectors narrow by role), with seat figures, filtered and paginated."""

    permissions = {"GET": Action.COHORT_VIEW}
    tenant_model = Cohort

    def get(self, request: HttpRequest) -> HttpResponse:
        convener, membership = self.convener, self.membership
        partnerships = list(p_selectors.partnership_list(convener=convener, membership=membership)
                            .values_list("pk", "name"))
        programs = list(Program.objects.for_convener(convener).filter(
            pk__in=selectors.program_list(convener=convener, membership=membership).values("pk"))
            .order_by("name").values_list("pk", "name"))
        filters = CohortFilterForm(request.GET, partnerships=partnerships, programs=programs)
        chosen = filters.cleaned()
        status = chosen.get("status") or None
        cohorts = selectors.cohort_list(
            convener=convener, membership=membership, partnership=chosen.get("partnership"),
            program=chosen.get("program"), status=status if status in Cohort.Status.values else None)
        if status == "pipeline":
            cohorts = cohorts.filter(status__in=Cohort.PIPELINE)
        page = Paginator(cohorts, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "programs/cohort_list.html", self.get_context_data(
            cohorts=page, filters=filters,
            filtered=any(request.GET.get(k) for k in ("partnership", "program", "status")),
            is_employer=membership.role == Role.EMPLOYER_REP))


# ---------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------
def _gap_row(snapshot: DemandSnapshot | None, soc: str | None) -> dict[str, Any] | None:
    if snapshot is None or not soc:
        return None
    return next((o for o in snapshot.data.get("occupations", []) if o.get("soc_code") == soc), None)


class _CohortFormView(TenantView):
    template_name = "programs/cohort_form.html"

    def _choices(self, cohort: Cohort | None = None) -> dict[str, Any]:
        convener, membership = self.convener, self.membership
        programs = list(selectors.program_list(convener=convener, membership=membership))
        programs = [p for p in programs if p.status == Program.Status.ACTIVE or (cohort and p.pk == cohort.program_id)]
        for program in programs:
            program.target_socs = [o.soc_code for o in program.target_occupations.all()]  # type: ignore[attr-defined]
        return {
            "programs": programs,
            "partnerships": list(p_selectors.partnership_list(convener=convener, membership=membership)),
            "employers": list(employers_of(convener)),
        }

    def _render(self, form: CohortForm, cohort: Cohort | None, status: int = 200, **extra: Any) -> HttpResponse:
        search_url = occupation_search_url(self.convener.slug)
        form.fields["occupation"].widget.attrs.update({
            "hx-get": search_url, "hx-trigger": "input changed delay:250ms, search", "hx-target": "#occupation-results",
            "hx-swap": "innerHTML", "hx-sync": "this:replace", "autocomplete": "off", "spellcheck": "false",
            "data-naics-input": "occupation-results", "aria-controls": "occupation-results", "inputmode": "search",
        })
        return render(self.request, self.template_name, self.get_context_data(
            form=form, cohort=cohort, search_url=search_url,
            commitment_labels=[label for _, label in COMMITMENTS], **extra), status=status)

    def _write(self, form: CohortForm, cohort: Cohort | None, snapshot: DemandSnapshot | None) -> Cohort | None:
        keep, remove = form.employer_changes()
        try:
            with transaction.atomic():
                for row in remove:
                    services.cohort_employer_remove(convener=self.convener, actor=self.request.user,  # type: ignore[arg-type]
                                                    cohort_employer=row)
                return services.cohort_save(
                    convener=self.convener, actor=self.request.user, cohort=cohort,  # type: ignore[arg-type]
                    demand_snapshot=snapshot, employers=keep, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc, COHORT_ERROR_ALIASES)
            return None


class CohortCreateView(_CohortFormView):
    """A new cohort, from a program (``?program=``) or from a demand gap (``?partnership=&soc=&snapshot=``):
    the gap prefills the partnership, target occupation and snapshot, and lists programs for that SOC first."""

    permissions = {"GET": Action.COHORT_MANAGE, "POST": Action.COHORT_MANAGE}

    def _prefill(self, source: Any, partnerships: list[Partnership]) -> dict[str, Any]:
        def number(key: str) -> int | None:
            value = str(source.get(key) or "")
            return int(value) if value.isdigit() else None

        partnership = next((p for p in partnerships if p.pk == number("partnership")), None)
        soc = (source.get("soc") or "").strip()
        occupation = Occupation.objects.filter(soc_code=soc, level=3).first() if soc else None
        snapshot = None
        snapshot_id = number("snapshot") or number("demand_snapshot")
        if partnership is not None and snapshot_id:
            snapshot = DemandSnapshot.objects.for_convener(self.convener).filter(
                pk=snapshot_id, partnership=partnership).first()
        return {"partnership": partnership, "occupation": occupation, "snapshot": snapshot,
                "program": number("program")}

    def get(self, request: HttpRequest) -> HttpResponse:
        choices = self._choices()
        pre = self._prefill(request.GET, choices["partnerships"])
        occupation, snapshot = pre["occupation"], pre["snapshot"]
        gap = _gap_row(snapshot, occupation.soc_code if occupation else None)
        program = next((p for p in choices["programs"] if p.pk == pre["program"]), None)
        initial: dict[str, Any] = {"day_0": "classroom", "day_1": "classroom", "day_2": "classroom",
                                   "day_3": "classroom"}
        if pre["partnership"] is not None:
            initial["partnership"] = pre["partnership"].pk
        if occupation is not None:
            initial["occupation"] = f"{occupation.soc_code} {occupation.title}"
        elif program is not None and program.target_socs:  # type: ignore[attr-defined]
            first = program.target_occupations.all()[0]
            initial["occupation"] = f"{first.soc_code} {first.title}"
        if snapshot is not None:
            initial["demand_snapshot"] = snapshot.pk
        if program is not None:
            initial["program"] = program.pk
            initial["name"] = f"{program.name}, {timezone.localdate():%B %Y}"
        if gap and (gap.get("gap") or 0) > 0:
            initial["seats"] = min(int(gap["gap"]), 30)
        soc = occupation.soc_code if occupation else None
        form = CohortForm(soc=soc, initial=initial, **choices)
        matching = [p for p in choices["programs"] if soc and soc in p.target_socs]  # type: ignore[attr-defined]
        return self._render(form, None, occupation=occupation, gap=gap, snapshot=snapshot,
                            partnership=pre["partnership"], matching_programs=matching,
                            gap_query=request.GET.urlencode())

    def post(self, request: HttpRequest) -> HttpResponse:
        choices = self._choices()
        soc_text = (request.POST.get("occupation") or "").split(" ")[0]
        form = CohortForm(request.POST, soc=soc_text or None, add_row="add_row" in request.POST, **choices)
        if "add_row" in request.POST:
            redisplay(form)
            return self._render(form, None)
        if form.is_valid():
            partnership = form.partnerships[form.cleaned_data["partnership"]]
            snapshot = None
            if form.cleaned_data.get("demand_snapshot"):
                snapshot = DemandSnapshot.objects.for_convener(self.convener).filter(
                    pk=form.cleaned_data["demand_snapshot"], partnership=partnership).first()
            cohort = self._write(form, None, snapshot)
            if cohort is not None:
                messages.success(request, f"Created “{cohort.name}” with {cohort.sessions.count()} session days. "
                                          "Its seats now count as pipeline supply.")
                return redirect(url("cohort-detail", self.convener.slug, cohort_id=cohort.pk))
        return self._render(form, None, status=400)


class CohortEditView(_CohortFormView):
    permissions = {"GET": Action.COHORT_MANAGE, "POST": Action.COHORT_MANAGE}
    tenant_model = Cohort

    def _cohort(self, cohort_id: int) -> tuple[Cohort, list[CohortEmployer]]:
        cohort = selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=cohort_id)
        return cohort, list(selectors.cohort_employers(convener=self.convener, cohort=cohort))

    def get(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort, employers = self._cohort(cohort_id)
        form = CohortForm(cohort=cohort, cohort_employers=employers, **self._choices(cohort))
        return self._render(form, cohort)

    def post(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort, employers = self._cohort(cohort_id)
        form = CohortForm(request.POST, cohort=cohort, cohort_employers=employers, add_row="add_row" in request.POST,
                          **self._choices(cohort))
        if "add_row" in request.POST:
            redisplay(form)
            return self._render(form, cohort)
        if form.is_valid():
            saved = self._write(form, cohort, cohort.demand_snapshot)
            if saved is not None:
                messages.success(request, f"Saved “{saved.name}”.")
                return redirect(url("cohort-detail", self.convener.slug, cohort_id=saved.pk))
        return self._render(form, cohort, status=400)


class CohortStatusView(TenantView):
    """Move a cohort along Cohort.TRANSITIONS (the buttons on the cohort page)."""

    permissions = {"POST": Action.COHORT_MANAGE}
    tenant_model = Cohort

    def post(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=cohort_id)
        try:
            services.cohort_set_status(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                       cohort=cohort, status=request.POST.get("status", ""))
        except ValidationError as exc:
            messages.error(request, "The status was not changed: " + " ".join(exc.messages))
        else:
            messages.success(request, f"“{cohort.name}” is now {cohort.get_status_display().lower()}.")
        return redirect(url("cohort-detail", self.convener.slug, cohort_id=cohort.pk))


# ---------------------------------------------------------------------------
# The cohort page
# ---------------------------------------------------------------------------
def cohort_header(view: TenantView, cohort: Cohort) -> dict[str, Any]:
    """What the cohort pages share: figures (1 query), and what the member may do."""
    membership = view.membership
    return {
        "cohort": cohort,
        "figures": selectors.cohort_figures(convener=view.convener, cohort=cohort),
        "sees_roster": can(membership, Action.ROSTER_VIEW),
        "manages_roster": can(membership, Action.ROSTER_MANAGE) and cohort.is_open_for_roster,
        "manages_cohort": can(membership, Action.COHORT_MANAGE),
        "status_actions": status_actions(cohort) if can(membership, Action.COHORT_MANAGE) else [],
        "today": timezone.localdate(),
    }


class CohortDetailView(TenantView):
    """Figures, the schedule as a calendar of weeks, host employers with their commitments. People appear only
    on the roster tab (roster roles); employers and case managers see counts."""

    permissions = {"GET": Action.COHORT_VIEW}
    tenant_model = Cohort

    def get(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        cohort = selectors.cohort_get(convener=self.convener, membership=self.membership, cohort_id=cohort_id)
        context = cohort_header(self, cohort)
        sessions = list(selectors.session_list(convener=self.convener, cohort=cohort))
        employers = list(selectors.cohort_employers(convener=self.convener, cohort=cohort))
        is_employer = self.membership.role == Role.EMPLOYER_REP
        # Weekend columns only when the cohort meets on weekends.
        show_weekend = any(s.day.weekday() >= 5 for s in sessions)
        context.update(
            weeks=selectors.cohort_calendar(cohort=cohort, sessions=sessions), show_weekend=show_weekend,
            weekdays=selectors.WEEKDAYS if show_weekend else selectors.WEEKDAYS[:5], sessions_count=len(sessions),
            kinds=sorted({s.kind for s in sessions}),
            employers=employers, commitments=selectors.cohort_commitments(convener=self.convener, cohort=cohort),
            commitment_fields=COMMITMENTS, is_employer=is_employer,
            own_org_id=self.membership.organization_id if is_employer else None,
            session_form=SessionAddForm(initial={"day": context["today"]}) if context["manages_roster"] else None,
            tab="overview", interview_candidates=self._interview_candidates(cohort) if is_employer else [],
        )
        return render(request, "programs/cohort_detail.html", self.get_context_data(**context))

    def _interview_candidates(self, cohort: Cohort) -> list[Participant]:
        """Graduates who consented to share their name with this employer for an interview; each name shown is a
        read across organizations, so each is audited."""
        people = participant_selectors.interview_candidates(convener=self.convener, membership=self.membership,
                                                            cohort=cohort)
        for person in people:
            audit_record(convener=self.convener, actor=self.request.user,  # type: ignore[arg-type]
                         action="participant.view_cross_org", target=person,
                         metadata={"purpose": "employer_interview", "cohort": cohort.pk,
                                   "role": self.membership.role, "what": "name"})
        return people

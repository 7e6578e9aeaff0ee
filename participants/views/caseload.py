"""The caseload (the people a member may see, filtered and paginated, with the checks falling due) and the SOC
picker of the placement form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from employers import selectors as employer_selectors
from employers.models import Occupation
from participants import selectors
from participants.forms import CaseloadFilterForm
from participants.models import Participant
from partnerships.pagination import DeferredJoinPaginator
from partnerships.permissions import Action
from partnerships.roles import Role
from partnerships.tenant_views import TenantView
from programs.models import Cohort

DUE_SHOWN = 8
COHORT_FILTER_DAYS = 365
CASELOAD_PAGE_SIZE = 50  # a caseload is worked down a long list; 50 names fit two screens


class CaseloadView(TenantView):
    """Name and public id, owning organization, funding streams as badges (co-enrollment at a glance), current
    cohort and status, and the next retention check, overdue ones highlighted. No other PII on this page."""

    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
    permissions = {"GET": Action.PARTICIPANT_VIEW}
    tenant_model = Participant

    def get(self, request: HttpRequest) -> HttpResponse:
        convener, membership = self.convener, self.membership
        # The cohort filter offers the cohorts a caseload is working with: planned, running, or ended within the
        # last year (a workspace of ten years has a thousand cohorts, too many for one list), and the one chosen.
        chosen_cohort = request.GET.get("cohort") or ""
        recent = timezone.localdate() - timedelta(days=COHORT_FILTER_DAYS)
        cohorts = list(Cohort.objects.for_convener(convener).exclude(status=Cohort.Status.CANCELLED)
                       .filter(Q(end_date__gte=recent)
                               | Q(status__in=[Cohort.Status.PLANNED, Cohort.Status.IN_PROGRESS])
                               | Q(pk=int(chosen_cohort) if chosen_cohort.isdigit() else None))
                       .order_by("-start_date", "name").values_list("pk", "name"))
        is_case_manager = membership.role == Role.CASE_MANAGER
        filters = CaseloadFilterForm(request.GET, cohorts=cohorts, show_mine=is_case_manager)
        chosen = filters.cleaned()
        people = selectors.participant_list(
            convener=convener, membership=membership, status=chosen.get("status"), stream=chosen.get("stream"),
            cohort=chosen.get("cohort"), overdue=bool(chosen.get("overdue")), mine=bool(chosen.get("mine")),
            search=chosen.get("q"))
        page = DeferredJoinPaginator(people, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
        for person in page:
            enrollments = list(person.cohort_enrollments.all())
            person.current_cohort = enrollments[0] if enrollments else None  # type: ignore[attr-defined]
        due = list(selectors.checks_due(convener=convener, membership=membership)[:DUE_SHOWN + 1])
        return render(request, "participants/caseload.html", self.get_context_data(
            people=page, filters=filters, filtered=bool(chosen), is_case_manager=is_case_manager,
            checks_due=due[:DUE_SHOWN], more_due=len(due) > DUE_SHOWN, today=timezone.localdate()))


class OccupationSearchView(TenantView):
    """SOC 2018 search for the placement form: htmx gets the list of matches, a plain GET a whole page."""

    permissions = {"GET": Action.PARTICIPANT_MANAGE}

    def get(self, request: HttpRequest) -> HttpResponse:
        keys = [k for k in request.GET if k in ("q", "occupation") or k.endswith("-occupation")]
        query = next((value for value in (request.GET.get(k) or "" for k in keys) if value), "")
        query = query.replace("\x00", "").strip()[:80]
        code = query.split(" ")[0].replace("-", "")
        exact = None
        if code.isdigit() and len(code) == 6:
            exact = Occupation.objects.filter(level=3, soc_code=f"{code[:2]}-{code[2:]}").first()
        matches = [] if exact or not query else list(employer_selectors.occupation_search(query=query, limit=12))
        context: dict[str, Any] = {"query": query, "matches": matches, "exact": exact}
        if getattr(request, "htmx", False):
            return render(request, "employers/_occupation_results.html", context)
        return render(request, "participants/occupation_search.html", self.get_context_data(**context))

"""The program catalogue: list with filters, detail with its cohorts, and the create/edit form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from employers.models import Occupation
from partnerships.models import Organization
from partnerships.permissions import Action, can
from partnerships.tenant_views import TenantView
from programs import selectors, services
from programs.forms import ProgramFilterForm, ProgramForm, apply_service_errors, redisplay
from programs.models import Program
from programs.views._common import PAGE_SIZE, occupation_search_url, safe_next, url

# Service error names that the form calls differently.
PROGRAM_ERROR_ALIASES = {"occupation": "target_occupations"}


class ProgramListView(TenantView):
    """The catalogue: type, providers, target occupations, credentials, length, cost, funding, open cohorts."""

    permissions = {"GET": Action.PROGRAM_VIEW}
    tenant_model = Program

    def get(self, request: HttpRequest) -> HttpResponse:
        providers = list(
            Organization.objects.for_convener(self.convener)
            .filter(Q(programs_led__isnull=False) | Q(programs_supported__isnull=False))
            .distinct().order_by("name").values_list("pk", "name")
        )
        filters = ProgramFilterForm(request.GET, providers=providers)
        chosen = filters.cleaned()
        programs = selectors.program_list(
            convener=self.convener, membership=self.membership, program_type=chosen.get("program_type") or None,
            status=None if chosen["status"] == "all" else chosen["status"], occupation=chosen["occupation"],
            provider=chosen.get("provider"), search=chosen.get("q") or None,
        )
        page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
        filtered = any(request.GET.get(k) for k in ("q", "program_type", "occupation", "provider")) or (
            chosen["status"] != "active")
        return render(request, "programs/program_list.html", self.get_context_data(
            programs=page, filters=filters, filtered=filtered, sees_cohorts=can(self.membership, Action.COHORT_VIEW)))


class ProgramDetailView(TenantView):
    permissions = {"GET": Action.PROGRAM_VIEW}
    tenant_model = Program

    def get(self, request: HttpRequest, program_id: int) -> HttpResponse:
        program = selectors.program_get(convener=self.convener, membership=self.membership, program_id=program_id)
        cohorts = None
        if can(self.membership, Action.COHORT_VIEW):
            cohorts = list(selectors.cohort_list(convener=self.convener, membership=self.membership, program=program))
        return render(request, "programs/program_detail.html", self.get_context_data(
            program=program, cohorts=cohorts, requirements=list(program.requirements.all()),
            wage_steps=list(program.wage_steps.all())))


class _ProgramFormView(TenantView):
    template_name = "programs/program_form.html"

    def _render(self, form: ProgramForm, program: Program | None, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(
            form=form, program=program, next=safe_next(self.request),
            search_url=occupation_search_url(self.convener.slug),
        ), status=status)

    def _save(self, request: HttpRequest, program: Program | None) -> HttpResponse:
        add_row = request.POST.get("add_row", "")
        form = ProgramForm(request.POST, convener=self.convener, program=program, add_row=add_row)
        if add_row:
            # "Add a row" re-shows the form with one more blank row; nothing is checked or saved yet.
            redisplay(form)
            return self._render(form, program)
        if form.is_valid():
            try:
                saved = services.program_save(
                    convener=self.convener, actor=request.user, program=program,  # type: ignore[arg-type]
                    **form.service_kwargs(self.convener))
            except ValidationError as exc:
                apply_service_errors(form, exc, PROGRAM_ERROR_ALIASES)
            else:
                messages.success(request, f"Saved “{saved.name}”.")
                target = safe_next(request)
                if target:
                    joiner = "&" if "?" in target else "?"
                    return redirect(f"{target}{joiner}{urlencode({'program': saved.pk})}")
                return redirect(url("program-detail", self.convener.slug, program_id=saved.pk))
        return self._render(form, program, status=400)


class ProgramCreateView(_ProgramFormView):
    """A new catalogue entry. ``?soc=51-4121`` prefills the first target occupation (from a demand gap) and
    ``?next=`` brings the person back (to the cohort form) with the new program chosen."""

    permissions = {"GET": Action.PROGRAM_MANAGE, "POST": Action.PROGRAM_MANAGE}

    def get(self, request: HttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {"status": Program.Status.ACTIVE}
        soc = (request.GET.get("soc") or "").strip()
        occupation = Occupation.objects.filter(soc_code=soc, level=3).first() if soc else None
        if occupation is not None:
            initial["occ_0_soc"] = f"{occupation.soc_code} {occupation.title}"
        return self._render(ProgramForm(convener=self.convener, initial=initial), None)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._save(request, None)


class ProgramEditView(_ProgramFormView):
    permissions = {"GET": Action.PROGRAM_MANAGE, "POST": Action.PROGRAM_MANAGE}
    tenant_model = Program

    def _program(self, program_id: int) -> Program:
        return selectors.program_get(convener=self.convener, membership=self.membership, program_id=program_id)

    def get(self, request: HttpRequest, program_id: int) -> HttpResponse:
        program = self._program(program_id)
        return self._render(ProgramForm(convener=self.convener, program=program), program)

    def post(self, request: HttpRequest, program_id: int) -> HttpResponse:
        return self._save(request, self._program(program_id))

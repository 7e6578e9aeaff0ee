"""Pages of employer demand: survey cycles, skill needs, the demand dashboard and its exports.

Object kwargs are ``<model_name>_id`` (demandsurvey_id, skillneed_id, partnership_id) so the isolation
harness resolves them. Pages read stored snapshots; nothing here aggregates during a request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from employers import selectors, services
from employers.exports import SUPPRESSED_TEXT, WBL_LABELS, demand_csv, demand_xlsx
from employers.forms import NeedForm, SurveyForm
from employers.market import market_position, market_wage
from employers.models import DemandRun, DemandSurvey, Occupation, SkillNeed, SurveyInvitation
from employers.views.charts import quarter_chart, share, wage_chart
from partnerships import selectors as p_selectors
from partnerships.audit import audit_record
from partnerships.models import Partnership
from partnerships.permissions import Action
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.tenant_views import TenantView
from programs.selectors import demand_gaps

ACTIVE_RUN = (DemandRun.Status.QUEUED, DemandRun.Status.RUNNING)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _apply_errors(form: NeedForm | SurveyForm, exc: ValidationError, hidden: tuple[str, ...] = ()) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        visible = field in form.fields and field not in hidden
        form.add_error(field if visible else None, errors)


# ---------------------------------------------------------------------------
# Survey cycles
# ---------------------------------------------------------------------------
class SurveyListView(TenantView):
    """Convener staff: every cycle. Employer representatives: "Your surveys", open ones first."""

    permissions = {"GET": Action.SURVEY_VIEW}

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        queryset = selectors.survey_list(convener=self.convener, membership=self.membership).annotate(
            is_open=Case(When(opens_on__lte=today, closes_on__gte=today, then=Value(True)),
                         default=Value(False), output_field=BooleanField()),
        ).order_by("-is_open", "-opens_on", "-id")
        surveys = list(queryset)
        responded: dict[int, Any] = {}
        my_needs: dict[int, int] = {}
        if self.membership.role == Role.EMPLOYER_REP:
            responded = dict(
                SurveyInvitation.objects.for_convener(self.convener)
                .filter(organization_id=self.membership.organization_id).values_list("survey_id", "responded_at"))
            my_needs = dict(
                selectors.need_list(convener=self.convener, membership=self.membership).order_by()
                .values("survey_id").annotate(n=Count("pk")).values_list("survey_id", "n"))
        rows = [{"survey": s, "responded_at": responded.get(s.pk), "my_needs": my_needs.get(s.pk, 0)}
                for s in surveys]
        partnerships = []
        if self.membership.role in CONVENER_ROLES:
            partnerships = list(p_selectors.partnership_list(convener=self.convener, membership=self.membership))
        return render(request, "employers/survey_list.html", self.get_context_data(
            rows=rows, today=today, partnerships=partnerships, is_employer=self.membership.role == Role.EMPLOYER_REP))


class SurveyCreateView(TenantView):
    permissions = {"GET": Action.SURVEY_MANAGE, "POST": Action.SURVEY_MANAGE}
    tenant_model = Partnership
    template_name = "employers/survey_form.html"

    def _partnership(self, partnership_id: int) -> Partnership:
        return p_selectors.partnership_get(convener=self.convener, membership=self.membership,
                                           partnership_id=partnership_id)

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        today = timezone.localdate()
        form = SurveyForm(today=today, initial={"opens_on": today, "closes_on": today + timedelta(days=21)})
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership))

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        form = SurveyForm(request.POST, today=timezone.localdate())
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.survey_open(
                    convener=self.convener, actor=request.user, partnership=partnership,  # type: ignore[arg-type]
                    title=data["title"], opens_on=data["opens_on"], closes_on=data["closes_on"],
                    quarters=services.quarters_from(data["first_quarter"], data["quarter_count"]),
                    reminder_every_days=data["reminder_every_days"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                invited = survey.invitations.count()
                messages.success(request, f"“{survey.title}” is open; {invited} employer"
                                          f"{'' if invited == 1 else 's'} of the industry council invited.")
                return redirect("employers:survey-detail", convener_slug=self.convener.slug,
                                demandsurvey_id=survey.pk)
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership),
                      status=400)


class SurveyDetailView(TenantView):
    """Convener staff: who answered and who did not, and every need with Confirm. Employers: their own needs."""

    permissions = {"GET": Action.SURVEY_VIEW}
    tenant_model = DemandSurvey

    def get(self, request: HttpRequest, demandsurvey_id: int) -> HttpResponse:
        survey = selectors.survey_get(convener=self.convener, membership=self.membership, survey_id=demandsurvey_id)
        sees_all = self.membership.role in CONVENER_ROLES
        needs = list(selectors.need_list(convener=self.convener, membership=self.membership, survey=survey))
        for need in needs:
            need.openings = sum(q.new_positions + q.replacements for q in need.quarters.all())  # type: ignore[attr-defined]
        responses = list(selectors.survey_responses(convener=self.convener, survey=survey)) if sees_all else []
        today = timezone.localdate()
        return render(request, "employers/survey_detail.html", self.get_context_data(
            survey=survey, needs=needs, responses=responses, sees_all=sees_all,
            answered=[r for r in responses if r.responded_at], unanswered=[r for r in responses if not r.responded_at],
            is_open=survey.is_open_on(today), today=today,
            can_enter=self.membership.role == Role.EMPLOYER_REP or sees_all,
        ))


# ---------------------------------------------------------------------------
# Skill needs
# ---------------------------------------------------------------------------
class _NeedFormView(TenantView):
    template_name = "employers/need_form.html"

    def _form(self, survey: DemandSurvey, data: Any = None, initial: dict[str, Any] | None = None) -> NeedForm:
        fixed = self.membership.organization if self.membership.role == Role.EMPLOYER_REP else None
        form = NeedForm(data=data, initial=initial, convener=self.convener, survey=survey, employer_fixed=fixed)
        search_url = reverse("employers:occupation-search", kwargs={"convener_slug": self.convener.slug})
        form.fields["occupation"].widget.attrs.update({
            "hx-get": search_url, "hx-trigger": "input changed delay:250ms, search", "hx-target": "#occupation-results",
            "hx-swap": "innerHTML", "hx-sync": "this:replace", "autocomplete": "off", "spellcheck": "false",
            "data-naics-input": "occupation-results", "aria-controls": "occupation-results", "inputmode": "search",
        })
        return form

    def _render(self, form: NeedForm, survey: DemandSurvey, need: SkillNeed | None, status: int = 200
                ) -> HttpResponse:
        today = timezone.localdate()
        market = _market_context(survey, form["occupation"].value(), form["wage_min"].value(),
                                 form["wage_max"].value(), known=need.occupation if need is not None else None)
        return render(self.request, self.template_name, self.get_context_data(
            form=form, survey=survey, need=need, is_open=survey.is_open_on(today), today=today,
            employer_fixed=form.employer_fixed, market=market,
            market_url=reverse("employers:market-position", kwargs={"convener_slug": self.convener.slug,
                                                                    "demandsurvey_id": survey.pk}),
            search_url=reverse("employers:occupation-search", kwargs={"convener_slug": self.convener.slug}),
        ), status=status)

    def _save(self, request: HttpRequest, survey: DemandSurvey, need: SkillNeed | None) -> HttpResponse:
        form = self._form(survey, data=request.POST)
        hidden = ("employer",) if form.employer_fixed is not None else ()
        if form.is_valid():
            kwargs = form.service_kwargs()
            if need is not None and kwargs["employer"].pk != need.employer_id:
                form.add_error(None, "A need stays with the employer that entered it.")
                return self._render(form, survey, need, status=400)
            submit = "submit" in request.POST
            try:
                saved = services.skill_need_save(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    survey=survey, need=need, submit=submit, **kwargs)
            except ValidationError as exc:
                _apply_errors(form, exc, hidden)
            else:
                what = f"{saved.occupation.title} ({saved.occupation.soc_code})"
                if saved.status == SkillNeed.Status.DRAFT:
                    messages.success(request, f"Saved {what} as a draft. Submit it when it is ready.")
                else:
                    messages.success(request, f"Submitted {what}. Thank you — the partnership's demand is updated "
                                              f"shortly.")
                return redirect("employers:survey-detail", convener_slug=self.convener.slug,
                                demandsurvey_id=survey.pk)
        return self._render(form, survey, need, status=400)


class NeedCreateView(_NeedFormView):
    permissions = {"GET": Action.NEED_EDIT, "POST": Action.NEED_EDIT}
    tenant_model = DemandSurvey

    def _survey(self, demandsurvey_id: int) -> DemandSurvey:
        return selectors.survey_get(convener=self.convener, membership=self.membership, survey_id=demandsurvey_id)

    def get(self, request: HttpRequest, demandsurvey_id: int) -> HttpResponse:
        survey = self._survey(demandsurvey_id)
        return self._render(self._form(survey), survey, None)

    def post(self, request: HttpRequest, demandsurvey_id: int) -> HttpResponse:
        return self._save(request, self._survey(demandsurvey_id), None)


class NeedEditView(_NeedFormView):
    permissions = {"GET": Action.NEED_VIEW, "POST": Action.NEED_EDIT}
    tenant_model = SkillNeed

    def _need(self, skillneed_id: int) -> SkillNeed:
        return selectors.need_get(convener=self.convener, membership=self.membership, need_id=skillneed_id)

    def get(self, request: HttpRequest, skillneed_id: int) -> HttpResponse:
        need = self._need(skillneed_id)
        return self._render(self._form(need.survey, initial=NeedForm.initial_for(need)), need.survey, need)

    def post(self, request: HttpRequest, skillneed_id: int) -> HttpResponse:
        need = self._need(skillneed_id)
        return self._save(request, need.survey, need)


class NeedConfirmView(TenantView):
    permissions = {"POST": Action.NEED_CONFIRM}
    tenant_model = SkillNeed

    def post(self, request: HttpRequest, skillneed_id: int) -> HttpResponse:
        need = selectors.need_get(convener=self.convener, membership=self.membership, need_id=skillneed_id)
        try:
            services.skill_need_confirm(convener=self.convener, actor=request.user, need=need)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Confirmed {need.employer.name}'s need for {need.occupation.title}.")
        return redirect(reverse("employers:survey-detail", kwargs={
            "convener_slug": self.convener.slug, "demandsurvey_id": need.survey_id}) + "#needs")


class NeedDeleteView(TenantView):
    permissions = {"POST": Action.NEED_EDIT}
    tenant_model = SkillNeed

    def post(self, request: HttpRequest, skillneed_id: int) -> HttpResponse:
        need = selectors.need_get(convener=self.convener, membership=self.membership, need_id=skillneed_id)
        survey_id = need.survey_id
        try:
            services.skill_need_delete(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                       membership=self.membership, need=need)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Draft deleted.")
        return redirect("employers:survey-detail", convener_slug=self.convener.slug, demandsurvey_id=survey_id)


class OccupationSearchView(TenantView):
    """SOC 2018 search by title or code: htmx gets the list of matches, a plain GET a whole page."""

    permissions = {"GET": Action.NEED_VIEW}

    def get(self, request: HttpRequest) -> HttpResponse:
        query = (request.GET.get("q") or request.GET.get("occupation") or "").replace("\x00", "").strip()[:80]
        code = query.split(" ")[0]
        exact = None
        if code.replace("-", "").isdigit() and len(code.replace("-", "")) == 6:
            digits = code.replace("-", "")
            exact = Occupation.objects.filter(level=3, soc_code=f"{digits[:2]}-{digits[2:]}").first()
        matches = [] if exact else list(selectors.occupation_search(query=query, limit=12))
        context = self.get_context_data(query=query, matches=matches, exact=exact)
        template = "employers/_occupation_results.html" if _is_htmx(request) else "employers/occupation_search.html"
        return render(request, template, context)


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _market_context(survey: DemandSurvey, occupation: Any, wage_min: Any, wage_max: Any,
                    known: Occupation | None = None) -> dict[str, Any]:
    """The regional market position of the offered wage(s), for the partnership's labor-market area. ``known``: an
    occupation already loaded (the need's own), used when the typed code is its code."""
    area = survey.partnership.labor_market_area
    text = str(occupation or "").strip()
    code = text.split(" ")[0].replace("-", "")
    occ = None
    if code.isdigit() and len(code) == 6:
        soc = f"{code[:2]}-{code[2:]}"
        if known is not None and known.soc_code == soc and known.level == 3:
            occ = known
        else:
            occ = Occupation.objects.filter(level=3, soc_code=soc).first()
    context: dict[str, Any] = {"area": area, "occupation": occ, "sentences": [], "wage_given": False}
    wages = [w for w in (_decimal(wage_min), _decimal(wage_max)) if w is not None]
    wages = list(dict.fromkeys(wages))
    context["wage_given"] = bool(wages)
    if area is None or occ is None or not wages:
        return context
    market = market_wage(area=area, occupation=occ)
    context["market"] = market
    if market is None:
        return context
    for i, wage in enumerate(wages):
        position = market_position(wage=wage, market=market)
        if position is not None:
            sentence = position.sentence(occ, area)
            context["sentences"].append(("Your " if i == 0 else "") + sentence)
    return context


class MarketPositionView(TenantView):
    """htmx: where the typed wage sits among the area's OEWS percentiles for the chosen occupation."""

    permissions = {"GET": Action.NEED_VIEW}
    tenant_model = DemandSurvey

    def get(self, request: HttpRequest, demandsurvey_id: int) -> HttpResponse:
        survey = selectors.survey_get(convener=self.convener, membership=self.membership, survey_id=demandsurvey_id)
        survey.partnership = Partnership.objects.for_convener(self.convener).select_related(
            "labor_market_area").get(pk=survey.partnership_id)
        market = _market_context(survey, request.GET.get("occupation"), request.GET.get("wage_min"),
                                 request.GET.get("wage_max"))
        return render(request, "employers/_market_position.html", self.get_context_data(market=market))


# ---------------------------------------------------------------------------
# Demand dashboard (reads the stored snapshot only)
# ---------------------------------------------------------------------------
class _PartnershipDemandView(TenantView):
    tenant_model = Partnership

    def _partnership(self, partnership_id: int) -> Partnership:
        return p_selectors.partnership_get(convener=self.convener, membership=self.membership,
                                           partnership_id=partnership_id)

    def _data(self, partnership: Partnership) -> dict[str, Any] | None:
        snapshot = selectors.snapshot_current(convener=self.convener, partnership=partnership)
        return selectors.demand_for_viewer(snapshot=snapshot, membership=self.membership)


def _status_url(convener_slug: str, partnership_id: int) -> str:
    return reverse("employers:demand-status", kwargs={"convener_slug": convener_slug,
                                                      "partnership_id": partnership_id})


class DemandDashboardView(_PartnershipDemandView):
    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
    permissions = {"GET": Action.DEMAND_VIEW}

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        snapshot = selectors.snapshot_current(convener=self.convener, partnership=partnership)
        data = selectors.demand_for_viewer(snapshot=snapshot, membership=self.membership)
        run = selectors.run_latest(convener=self.convener, partnership=partnership)
        context: dict[str, Any] = {"partnership": partnership, "data": data, "run": run,
                                   "run_active": run is not None and run.status in ACTIVE_RUN,
                                   "sees_all": selectors.sees_all_demand(self.membership),
                                   "suppressed_text": SUPPRESSED_TEXT,
                                   "status_url": _status_url(self.convener.slug, partnership.pk)}
        if data:
            context["computed_at"] = datetime.fromisoformat(data["computed_at"])
            occupations = data.get("occupations", [])
            quarters = (data.get("survey") or {}).get("quarters") or [r["quarter"] for r in data.get("by_quarter", [])]
            by_quarter = {r["quarter"]: r for r in data.get("by_quarter", [])}
            quarter_rows = [by_quarter.get(q, {"quarter": q, "openings": 0, "employers": 0, "suppressed": False})
                            for q in quarters]
            context["quarters"] = quarters
            context["quarter_rows"] = quarter_rows
            context["quarter_chart"] = quarter_chart(quarter_rows)
            context["occupation_quarters"] = [
                {"occ": o, "cells": [None if o.get("suppressed") else (o.get("by_quarter") or {}).get(q)
                                     for q in quarters]}
                for o in occupations
            ]
            context["wage_chart"] = wage_chart(occupations[:12])
            for key in ("skills", "competencies", "credentials", "size_bands"):
                rows = data.get(key, [])
                top = max([r["openings"] for r in rows if r.get("openings") is not None] or [0])
                context[f"{key}_rows"] = [{**r, "share": share(r.get("openings"), top)} for r in rows]
            visible = [o["openings"] for o in occupations if o.get("openings") is not None]
            top = max(visible or [0])
            context["supply_rows"] = [{**o, "demand_share": share(o.get("openings"), top),
                                       "supply_share": share(o.get("supply_seats"), top)} for o in occupations]
            if context["sees_all"] and snapshot is not None:
                # Convener staff: the occupations with the largest unmet gap, each a "Start a cohort" link.
                context["gaps"] = demand_gaps(snapshot=snapshot)
                context["snapshot_id"] = snapshot.pk
            context["wbl_rows"] = [
                {"label": WBL_LABELS.get(k, k), "value": c.get("value"), "suppressed": c.get("suppressed", False),
                 "employers": c.get("employers", c.get("count"))}
                for k, c in (data.get("work_based_learning") or {}).items()
            ]
        return render(request, "employers/demand_dashboard.html", self.get_context_data(**context))


class DemandStatusView(_PartnershipDemandView):
    """htmx poll: the latest run's progress. When a run that was under way finishes, the page reloads its figures."""

    permissions = {"GET": Action.DEMAND_VIEW}

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        run = selectors.run_latest(convener=self.convener, partnership=partnership)
        active = run is not None and run.status in ACTIVE_RUN
        response = render(request, "employers/_run_status.html", self.get_context_data(
            partnership=partnership, run=run, run_active=active,
            status_url=_status_url(self.convener.slug, partnership.pk)))
        if request.GET.get("polling") and not active:
            response["HX-Trigger"] = "demand-updated"
        return response


class DemandRefreshView(_PartnershipDemandView):
    permissions = {"POST": Action.DEMAND_REFRESH}

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        services.demand_aggregate_request(convener=self.convener, partnership=partnership, trigger="manual",
                                          countdown=0)
        messages.info(request, "Recomputing the partnership's demand. The figures update when the run finishes.")
        return redirect("employers:demand-dashboard", convener_slug=self.convener.slug,
                        partnership_id=partnership.pk)


class DemandExportView(_PartnershipDemandView):
    """CSV or XLSX of exactly what this viewer may see (suppressed for employers and funders)."""

    permissions = {"GET": Action.DEMAND_VIEW}
    fmt = "csv"

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        data = self._data(partnership)
        if data is None:
            messages.info(request, "There is no computed demand to export yet.")
            return redirect("employers:demand-dashboard", convener_slug=self.convener.slug,
                            partnership_id=partnership.pk)
        stem = f"demand-{partnership.pk}-v{data['version']}"
        audit_record(convener=self.convener, actor=request.user, action="demand.export",  # type: ignore[arg-type]
                     target=partnership, metadata={"format": self.fmt, "version": data["version"],
                                                   "suppressed": data["suppression"]["applied"]})
        if self.fmt == "xlsx":
            response = HttpResponse(
                demand_xlsx(data),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            response = HttpResponse(demand_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.{self.fmt}"'
        response["Cache-Control"] = "no-store"
        return response


__all__ = [
    "DemandDashboardView", "DemandExportView", "DemandRefreshView", "DemandStatusView", "MarketPositionView",
    "NeedConfirmView", "NeedCreateView", "NeedDeleteView", "NeedEditView", "OccupationSearchView",
    "SurveyCreateView", "SurveyDetailView", "SurveyListView",
]

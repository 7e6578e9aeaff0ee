"""Pages of a convener's directory: organizations and their representatives, partnerships and their goals.

Also the two htmx helpers of those forms: the NAICS picker and the duplicate-organization check. Each of
them answers a plain GET with a whole page too, so the forms keep working without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView

from partnerships import selectors, services
from partnerships.forms import (
    OrganizationForm,
    PartnershipForm,
    PartnershipGoalForm,
    RepresentativeForm,
    SeatForm,
    apply_service_errors,
)
from partnerships.industry import naics_search, naics_title, validate_naics
from partnerships.models import (
    CouncilSeat,
    EmployerEngagement,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
)
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES
from partnerships.selectors.joined import with_related
from partnerships.services.councils import COUNCIL_ORGANIZATION_TYPES
from partnerships.tenant_views import TenantView, TenantViewMixin

UPCOMING_ON_PAGE = 5
PAST_ON_PAGE = 5
ACTION_ITEMS_ON_PAGE = 8


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# ---------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------
class OrganizationCreateView(TenantView):
    template_name = "partnerships/organization_form.html"
    permissions = {"GET": Action.ORGANIZATION_MANAGE, "POST": Action.ORGANIZATION_MANAGE}

    def get(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationForm(convener=self.convener, initial={"org_type": request.GET.get("type", "")})
        return render(request, self.template_name, self.get_context_data(form=form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationForm(request.POST, convener=self.convener)
        if form.is_valid():
            try:
                organization = services.organization_create(
                    convener=self.convener, actor=request.user, **form.cleaned_data  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{organization.name} was added to your directory.")
                return redirect(organization.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class OrganizationEditView(TenantView):
    template_name = "partnerships/organization_form.html"
    permissions = {"GET": Action.ORGANIZATION_MANAGE, "POST": Action.ORGANIZATION_MANAGE}
    tenant_model = Organization

    def _organization(self, organization_id: int) -> Organization:
        return selectors.organization_get(convener=self.convener, organization_id=organization_id)

    def get(self, request: HttpRequest, organization_id: int) -> HttpResponse:
        organization = self._organization(organization_id)
        form = OrganizationForm.for_organization(organization)
        return render(request, self.template_name, self.get_context_data(form=form, organization=organization))

    def post(self, request: HttpRequest, organization_id: int) -> HttpResponse:
        organization = self._organization(organization_id)
        form = OrganizationForm.for_organization(organization, data=request.POST)
        if form.is_valid():
            try:
                services.organization_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                             organization=organization, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved {organization.name}.")
                return redirect(organization.get_absolute_url())
            organization.refresh_from_db()  # the heading shows the saved name, not the refused one
        return render(request, self.template_name, self.get_context_data(form=form, organization=organization),
                      status=400)


class OrganizationDetailView(TenantViewMixin, TemplateView):
    """An organization: its people, its seats across partnerships, and its engagement."""

    template_name = "partnerships/organization_detail.html"
    permissions = {"GET": Action.ORGANIZATION_VIEW}
    tenant_model = Organization

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = selectors.organization_get(convener=self.convener, organization_id=kwargs["organization_id"])
        context.update(
            organization=organization,
            members=selectors.membership_list(convener=self.convener).filter(organization=organization),
            representatives=selectors.representative_list(convener=self.convener, organization=organization),
            seats=(
                CouncilSeat.objects.for_convener(self.convener)
                .filter(organization=organization)
                .select_related("council__partnership")
                .prefetch_related("representatives")
                .order_by("left_on", "council__partnership__name", "council__kind")
            ),
            engagement=(
                EmployerEngagement.objects.for_convener(self.convener)
                .filter(organization=organization)
                .select_related("council__partnership")
                .order_by("council__partnership__name")
            ),
            naics_label=naics_title(organization.naics_code) if organization.naics_code else "",
            representative_form=RepresentativeForm(convener=self.convener),
        )
        return context


class RepresentativeCreateView(TenantView):
    template_name = "partnerships/representative_form.html"
    permissions = {"GET": Action.ORGANIZATION_MANAGE, "POST": Action.ORGANIZATION_MANAGE}
    tenant_model = Organization

    def get(self, request: HttpRequest, organization_id: int) -> HttpResponse:
        organization = selectors.organization_get(convener=self.convener, organization_id=organization_id)
        form = RepresentativeForm(convener=self.convener)
        return render(request, self.template_name, self.get_context_data(form=form, organization=organization))

    def post(self, request: HttpRequest, organization_id: int) -> HttpResponse:
        organization = selectors.organization_get(convener=self.convener, organization_id=organization_id)
        form = RepresentativeForm(request.POST, convener=self.convener)
        if form.is_valid():
            try:
                representative = services.representative_create(
                    convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                    organization=organization, **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{representative.full_name} now represents {organization.name}.")
                return redirect(organization.get_absolute_url() + "#representatives")
        return render(request, self.template_name, self.get_context_data(form=form, organization=organization),
                      status=400)


class RepresentativeEditView(TenantView):
    template_name = "partnerships/representative_form.html"
    permissions = {"GET": Action.ORGANIZATION_MANAGE, "POST": Action.ORGANIZATION_MANAGE}
    tenant_model = Representative

    def get(self, request: HttpRequest, representative_id: int) -> HttpResponse:
        representative = selectors.representative_get(convener=self.convener, representative_id=representative_id)
        form = RepresentativeForm.for_representative(representative)
        return render(request, self.template_name, self.get_context_data(
            form=form, organization=representative.organization, representative=representative))

    def post(self, request: HttpRequest, representative_id: int) -> HttpResponse:
        representative = selectors.representative_get(convener=self.convener, representative_id=representative_id)
        form = RepresentativeForm.for_representative(representative, data=request.POST)
        if form.is_valid():
            try:
                services.representative_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                               representative=representative, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                representative.refresh_from_db()
            else:
                messages.success(request, f"Saved {representative.full_name}.")
                return redirect(representative.organization.get_absolute_url() + "#representatives")
        return render(request, self.template_name, self.get_context_data(
            form=form, organization=representative.organization, representative=representative), status=400)


class OrganizationDuplicateCheckView(TenantView):
    """As a name or EIN is typed: "looks like an existing organization". A whole page without htmx."""

    permissions = {"GET": Action.ORGANIZATION_MANAGE}

    def get(self, request: HttpRequest) -> HttpResponse:
        name = (request.GET.get("name") or "").replace("\x00", "")[:200]
        ein = (request.GET.get("ein") or "").replace("\x00", "")[:12]
        exclude = request.GET.get("exclude", "")
        candidates: list[Organization] = []
        if name.strip() or ein.strip():
            candidates = list(selectors.duplicate_candidates(
                convener=self.convener, name=name, ein=ein,
                exclude_id=int(exclude) if exclude.isdigit() else None)[:5])
        context = self.get_context_data(candidates=candidates, name=name, ein=ein, checked=bool(name or ein))
        if _is_htmx(request):
            return render(request, "partnerships/_duplicate_check.html", context)
        return render(request, "partnerships/organization_duplicates.html", context)


class NaicsSearchView(TenantView):
    """Search NAICS 2022 by code or words. htmx gets the list of matches; a plain GET a whole page."""

    permissions = {"GET": Action.ORGANIZATION_MANAGE}
    LIMIT = 12

    def get(self, request: HttpRequest) -> HttpResponse:
        query = (request.GET.get("q") or request.GET.get("naics_code") or request.GET.get("industry_naics") or "")
        query = query.replace("\x00", "").strip()[:80]
        digits = request.GET.get("digits", "6")
        max_digits = int(digits) if digits in {"2", "3", "4", "5", "6"} else 6
        matches = [
            (code, title) for code, title in naics_search(query, limit=2500)
            if len(code.replace("-", "")) <= max_digits
        ][: self.LIMIT]
        exact = naics_title(query) if not validate_naics(query, max_digits=max_digits) and query else None
        context = self.get_context_data(query=query, matches=matches, exact=exact, max_digits=max_digits)
        if _is_htmx(request):
            return render(request, "partnerships/_naics_results.html", context)
        return render(request, "partnerships/naics_search.html", context)


# ---------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------
def _partnership_fields(cleaned: dict[str, Any], *, previous_naics: str | None = None) -> dict[str, Any]:
    fields = dict(cleaned)
    if not fields.get("industry_label") and fields.get("industry_naics") and (
        previous_naics is None or fields["industry_naics"] != previous_naics
    ):
        fields["industry_label"] = naics_title(fields["industry_naics"]) or ""
    return fields


class PartnershipCreateView(TenantView):
    template_name = "partnerships/partnership_form.html"
    permissions = {"GET": Action.PARTNERSHIP_MANAGE, "POST": Action.PARTNERSHIP_MANAGE}

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PartnershipForm(convener=self.convener, initial={"state": self.convener.region[-2:]
                               if self.convener.region[-3:-2] == " " else ""})
        return render(request, self.template_name, self.get_context_data(form=form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PartnershipForm(request.POST, convener=self.convener)
        if form.is_valid():
            try:
                partnership = services.partnership_create(
                    convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                    **_partnership_fields(form.cleaned_data),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{partnership.name} was created with its industry council and "
                                          f"workforce-partners council. Seat their members below.")
                return redirect(partnership.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class PartnershipEditView(TenantView):
    template_name = "partnerships/partnership_form.html"
    permissions = {"GET": Action.PARTNERSHIP_MANAGE, "POST": Action.PARTNERSHIP_MANAGE}
    tenant_model = Partnership

    def _partnership(self, partnership_id: int) -> Partnership:
        return selectors.partnership_get(convener=self.convener, membership=self.membership,
                                         partnership_id=partnership_id)

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        return render(request, self.template_name, self.get_context_data(
            form=PartnershipForm.for_partnership(partnership), partnership=partnership))

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        form = PartnershipForm.for_partnership(partnership, data=request.POST)
        if form.is_valid():
            try:
                services.partnership_update(
                    convener=self.convener, actor=request.user, partnership=partnership,  # type: ignore[arg-type]
                    **_partnership_fields(form.cleaned_data, previous_naics=partnership.industry_naics),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved {partnership.name}.")
                return redirect(partnership.get_absolute_url())
            partnership.refresh_from_db()
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership),
                      status=400)


class PartnershipGoalCreateView(TenantView):
    template_name = "partnerships/goal_form.html"
    permissions = {"GET": Action.PARTNERSHIP_MANAGE, "POST": Action.PARTNERSHIP_MANAGE}
    tenant_model = Partnership

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = selectors.partnership_get(convener=self.convener, membership=self.membership,
                                                partnership_id=partnership_id)
        return render(request, self.template_name,
                      self.get_context_data(form=PartnershipGoalForm(), partnership=partnership))

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = selectors.partnership_get(convener=self.convener, membership=self.membership,
                                                partnership_id=partnership_id)
        form = PartnershipGoalForm(request.POST)
        if form.is_valid():
            try:
                goal = services.partnership_goal_add(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                     partnership=partnership, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Goal added: {goal.description}.")
                return redirect(partnership.get_absolute_url() + "#goals")
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership),
                      status=400)


class PartnershipGoalRemoveView(TenantView):
    permissions = {"POST": Action.PARTNERSHIP_MANAGE}
    tenant_model = PartnershipGoal

    def post(self, request: HttpRequest, partnershipgoal_id: int) -> HttpResponse:
        goal = (
            PartnershipGoal.objects.for_convener(self.convener)
            .select_related("partnership").filter(pk=partnershipgoal_id).first()
        )
        if goal is None:
            raise Http404("No such goal")
        partnership = goal.partnership
        services.partnership_goal_remove(convener=self.convener, actor=request.user, goal=goal)  # type: ignore[arg-type]
        messages.success(request, f"Goal removed: {goal.description}.")
        return redirect(partnership.get_absolute_url() + "#goals")


class PartnershipDetailView(TenantViewMixin, TemplateView):
    """Profile, goals and council mix for everyone who may see the partnership; councils, meetings and
    action items for the people who sit on them; engagement for the convener. A fixed number of queries."""

    template_name = "partnerships/partnership_detail.html"
    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
    permissions = {"GET": Action.PARTNERSHIP_VIEW}
    tenant_model = Partnership

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        convener, membership = self.convener, self.membership
        partnership = selectors.partnership_get(convener=convener, membership=membership,
                                                partnership_id=kwargs["partnership_id"])
        mix = selectors.council_mix(convener=convener, partnership=partnership)
        context.update(
            partnership=partnership,
            goals=list(selectors.goal_list(convener=convener, partnership=partnership)),
            mix=mix,
            mix_employers_total=sum(int(r["count"]) for r in mix["employers_by_size"]),  # type: ignore[call-overload]
            mix_partners_total=sum(int(r["count"]) for r in mix["partners_by_type"]),  # type: ignore[call-overload]
            sees_contacts=selectors.sees_contacts(membership),
            is_convener=membership.role in CONVENER_ROLES,
        )
        if can(membership, Action.COUNCIL_VIEW):
            # Chairs first; partners get only the councils their organization sits on (both in the selector).
            context["councils"] = list(
                selectors.council_list(convener=convener, membership=membership, partnership=partnership)
            )
        if can(membership, Action.MEETING_VIEW):
            context["upcoming_meetings"] = list(selectors.meeting_list(
                convener=convener, membership=membership, partnership=partnership, upcoming=True)[:UPCOMING_ON_PAGE])
            context["past_meetings"] = list(selectors.meeting_list(
                convener=convener, membership=membership, partnership=partnership, upcoming=False)[:PAST_ON_PAGE])
        if can(membership, Action.ACTION_ITEM_VIEW):
            context["open_items"] = list(selectors.action_item_list(
                convener=convener, membership=membership, partnership=partnership,
                status="open")[:ACTION_ITEMS_ON_PAGE])
        if can(membership, Action.ENGAGEMENT_VIEW):
            context["engagement"] = list(selectors.engagement_list(convener=convener, partnership=partnership))
        if can(membership, Action.COUNCIL_MANAGE) and context.get("councils"):
            for council, form in zip(context["councils"], self._seat_forms(context["councils"]), strict=True):
                council.seat_form = form
        if can(membership, Action.PARTNERSHIP_MANAGE):
            context["goal_form"] = PartnershipGoalForm()
        context["today"] = timezone.localdate()
        return context

    def _seat_forms(self, councils: list[Any]) -> list[SeatForm]:
        """One "seat an organization" form per council, sharing a single fetch of organizations and people."""
        types = set().union(*(COUNCIL_ORGANIZATION_TYPES[c.kind] for c in councils))
        # The candidate organizations with their active people, in one query (partnerships/selectors/joined.py).
        organizations = with_related(
            Organization.objects.for_convener(self.convener).filter(org_type__in=types).order_by("name"),
            "representatives", related_filter=Q(representatives__is_active=True), related_order=["full_name"])
        people = []
        for organization in organizations:
            for person in organization.representatives.all():
                person.organization = organization  # the form labels each person with their organization
                people.append(person)
        seated = {c.pk: {s.organization_id for s in c.current_seats} for c in councils}
        return [
            SeatForm(convener=self.convener, council=c, initial={"joined_on": timezone.localdate()},
                     organizations=[o for o in organizations if o.pk not in seated[c.pk]], representatives=people)
            for c in councils
        ]


"""Pages of the tenant core: workspace picker, invitation acceptance, people, lists, audit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from partnerships import selectors, services
from partnerships.forms import AcceptInvitationForm, InvitationForm, MembershipForm
from partnerships.models import Invitation, Membership
from partnerships.pagination import CountCachingPaginator
from partnerships.permissions import Action
from partnerships.roles import OrganizationType, Role
from partnerships.tenant_views import TenantView, TenantViewMixin

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: Any) -> Any:
    return CountCachingPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------------------
# Outside any tenant
# ---------------------------------------------------------------------------
class EntryView(View):
    """``/``: sign in, or go to the only workspace, or choose one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("account_login")
        memberships = list(selectors.memberships_of_user(user=request.user))  # type: ignore[arg-type]
        if len(memberships) == 1:
            return redirect(memberships[0].convener)
        return render(request, "partnerships/workspace_picker.html", {"memberships": memberships})


class WorkspacePickerView(LoginRequiredMixin, TemplateView):
    template_name = "partnerships/workspace_picker.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs),
                "memberships": selectors.memberships_of_user(user=self.request.user)}  # type: ignore[arg-type]


class InvitationAcceptView(View):
    """Open an invitation link: set a password (new user) or confirm (signed-in user), then land home."""

    template_name = "partnerships/invitation_accept.html"

    def _invitation_or_problem(self, request: HttpRequest, token: str) -> Invitation | HttpResponse:
        try:
            return services.invitation_check(invitation=selectors.invitation_by_token(token=token))
        except services.InvitationError as exc:
            status = 404 if exc.code == "invalid" else 410
            return render(request, "partnerships/invitation_problem.html",
                          {"message": exc.message, "code": exc.code}, status=status)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation_or_problem(request, token)
        if isinstance(invitation, HttpResponse):
            return invitation
        return self._render(request, invitation, AcceptInvitationForm(email=invitation.email))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation_or_problem(request, token)
        if isinstance(invitation, HttpResponse):
            return invitation
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(invitation=invitation, user=request.user)  # type: ignore[arg-type]
            else:
                form = AcceptInvitationForm(request.POST, email=invitation.email)
                if not form.is_valid():
                    return self._render(request, invitation, form, status=400)
                membership = services.invitation_accept_new_user(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="partnerships.security.backends.ModelBackend")
        except services.InvitationError as exc:
            return render(request, "partnerships/invitation_problem.html",
                          {"message": exc.message, "code": exc.code}, status=409)
        messages.success(request, f"Welcome to {membership.convener.name}.")
        return redirect(membership.convener)

    def _render(self, request: HttpRequest, invitation: Invitation, form: AcceptInvitationForm,
                status: int = 200) -> HttpResponse:
        account_exists = False
        if not request.user.is_authenticated:
            from partnerships.models import User

            account_exists = User.objects.filter(email__iexact=invitation.email).exists()
        return render(request, self.template_name, {
            "invitation": invitation, "form": form, "account_exists": account_exists,
            "wrong_user": request.user.is_authenticated
            and request.user.email.lower() != invitation.email.lower(),  # type: ignore[union-attr]
        }, status=status)


# ---------------------------------------------------------------------------
# Tenant pages
# ---------------------------------------------------------------------------
class PeopleView(TenantViewMixin, TemplateView):
    """Members and invitations of the workspace."""

    template_name = "partnerships/people.html"
    permissions = {"GET": Action.MEMBER_VIEW}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        role = self.request.GET.get("role") or None
        search = self.request.GET.get("q") or None
        members = selectors.membership_list(convener=self.convener, role=role, search=search)
        context["members"] = _page(self.request, members)
        context["role_choices"] = Role.choices
        context["role_filter"] = role or ""
        context["search"] = search or ""
        if "invitation.view" in context["can"]:
            context["invitations"] = selectors.invitation_list(
                convener=self.convener, status=Invitation.Status.PENDING)
            closed = selectors.invitation_list(convener=self.convener).exclude(
                pk__in=context["invitations"].values("pk")
            )
            context["closed_invitations"] = list(closed[:10])
        return context


class InvitationCreateView(TenantView):
    template_name = "partnerships/invitation_form.html"
    permissions = {"GET": Action.INVITATION_MANAGE, "POST": Action.INVITATION_MANAGE}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation_ttl_days=settings.INVITATION_TTL_DAYS, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = InvitationForm(convener=self.convener, initial={"role": request.GET.get("role", "")})
        return render(request, self.template_name, self.get_context_data(form=form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InvitationForm(request.POST, convener=self.convener)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    convener=self.convener, actor=request.user, request=request,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}. The link is valid for "
                                          f"{(invitation.expires_at - invitation.created_at).days} days.")
                return redirect("partnerships:people", convener_slug=self.convener.slug)
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class _InvitationActionView(TenantView):
    permissions = {"POST": Action.INVITATION_MANAGE}
    tenant_model = Invitation

    def post(self, request: HttpRequest, invitation_id: int) -> HttpResponse:
        invitation = selectors.invitation_get(convener=self.convener, invitation_id=invitation_id)
        try:
            self.act(invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("partnerships:people", convener_slug=self.convener.slug)

    def act(self, invitation: Invitation) -> None:
        raise NotImplementedError


class InvitationRevokeView(_InvitationActionView):
    def act(self, invitation: Invitation) -> None:
        services.invitation_revoke(convener=self.convener, actor=self.request.user, invitation=invitation)  # type: ignore[arg-type]
        messages.success(self.request, f"Invitation for {invitation.email} revoked; its link no longer works.")


class InvitationResendView(_InvitationActionView):
    def act(self, invitation: Invitation) -> None:
        services.invitation_resend(convener=self.convener, actor=self.request.user,  # type: ignore[arg-type]
                                   invitation=invitation, request=self.request)
        messages.success(self.request, f"A new invitation link was sent to {invitation.email}.")


class MembershipEditView(TenantView):
    template_name = "partnerships/membership_form.html"
    permissions = {"GET": Action.MEMBER_MANAGE, "POST": Action.MEMBER_MANAGE}
    tenant_model = Membership

    def get(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        member = selectors.membership_get(convener=self.convener, membership_id=membership_id)
        return render(request, self.template_name,
                      self.get_context_data(form=MembershipForm.for_membership(member), member=member))

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        member = selectors.membership_get(convener=self.convener, membership_id=membership_id)
        form = MembershipForm.for_membership(member, data=request.POST)
        if form.is_valid():
            try:
                services.membership_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                           membership=member, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Saved {member.user}.")
                return redirect("partnerships:people", convener_slug=self.convener.slug)
        return render(request, self.template_name, self.get_context_data(form=form, member=member), status=400)


class OrganizationListView(TenantViewMixin, TemplateView):
    template_name = "partnerships/organization_list.html"
    permissions = {"GET": Action.ORGANIZATION_VIEW}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        org_type = self.request.GET.get("type") or None
        search = self.request.GET.get("q") or None
        context["organizations"] = _page(
            self.request, selectors.organization_list(convener=self.convener, org_type=org_type, search=search))
        context["type_choices"] = OrganizationType.choices
        context["type_filter"] = org_type or ""
        context["search"] = search or ""
        return context


class PartnershipListView(TenantViewMixin, TemplateView):
    template_name = "partnerships/partnership_list.html"
    permissions = {"GET": Action.PARTNERSHIP_VIEW}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partnerships"] = _page(
            self.request, selectors.partnership_list(convener=self.convener, membership=self.membership))
        return context


class AuditLogView(TenantViewMixin, TemplateView):
    template_name = "partnerships/audit_log.html"
    permissions = {"GET": Action.AUDIT_VIEW}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action") or None
        context["events"] = _page(self.request, selectors.audit_event_list(convener=self.convener, action=action))
        context["action_filter"] = action or ""
        return context


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    return render(request, "403_csrf.html", {"reason": reason}, status=403)



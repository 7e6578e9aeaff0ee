"""The HTML side of tenancy: one mixin resolves the convener and membership and checks the role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase
from django.views import View

from partnerships import page_cache
from partnerships.models import Convener, Membership
from partnerships.permissions import Action, allowed_actions, require
from partnerships.security.middleware import mfa_setup_response, tenant_gate
from partnerships.selectors import tenant_resolve


class TenantViewMixin(LoginRequiredMixin):
    """Resolve ``convener_slug`` once; 404 for non-members; check the action mapped to the HTTP method.

    Subclasses declare ``permissions = {"GET": Action.X, "POST": Action.Y}`` (like Sentry's scope_map).
    A method missing from the map is answered 405, but only after membership is proven, so a stranger
    sees a uniform 404 whatever the method.
    """

    permissions: ClassVar[dict[str, Action]] = {}
    # The tenant-owned model a ``pk``-style URL kwarg refers to (read by the isolation harness).
    tenant_model: ClassVar[type | None] = None
    # A busy read-only page: its GET renderings are kept per reader until anything is written
    # (partnerships/page_cache.py). Only after membership, MFA and the permission have been checked, as always.
    page_cache: ClassVar[bool] = False
    convener: Convener
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        convener_slug = kwargs.pop("convener_slug")
        self.convener, self.membership = tenant_resolve(user=request.user, convener_slug=convener_slug)
        request.convener = self.convener  # type: ignore[attr-defined]
        request.membership = self.membership  # type: ignore[attr-defined]
        if tenant_gate(request, self.membership):  # a role that needs MFA, granted since this session signed in
            return mfa_setup_response(request)
        action = self.permissions.get(request.method or "GET")
        if action is None and request.method == "HEAD":
            action = self.permissions.get("GET")
        if action is None:
            return self.http_method_not_allowed(request, *args, **kwargs)  # type: ignore[attr-defined]
        require(self.membership, action)
        if self.page_cache and request.method == "GET":
            return page_cache.serve(
                request, lambda: super(TenantViewMixin, self).dispatch(request, *args, **kwargs))  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(convener=self.convener, membership=self.membership, can=allowed_actions(self.membership))
        return context


class TenantView(TenantViewMixin, View):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {"convener": self.convener, "membership": self.membership,
                "can": allowed_actions(self.membership), **kwargs}



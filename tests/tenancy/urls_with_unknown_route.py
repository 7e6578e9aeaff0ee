"""A URLconf with two tenant routes the isolation harness cannot cover (used by test_isolation.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views import View

from config.urls import urlpatterns as project_urlpatterns
from partnerships.permissions import Action
from partnerships.tenant_views import TenantView


class GadgetView(TenantView):
    """Uses the mixin, but its object kwarg names no tenant-owned model."""

    permissions = {"GET": Action.HOME_VIEW}

    def get(self, request: HttpRequest, gadget_id: int) -> HttpResponse:
        return HttpResponse(f"gadget {gadget_id}")


class PlainTenantPage(View):
    """Takes a convener slug but never resolves membership: exactly what the harness must catch."""

    def get(self, request: HttpRequest, convener_slug: str) -> HttpResponse:
        return HttpResponse(convener_slug)


urlpatterns = [
    *project_urlpatterns,
    path("c/<slug:convener_slug>/gadgets/<int:gadget_id>/", GadgetView.as_view(), name="gadget-detail"),
    path("c/<slug:convener_slug>/plain/", PlainTenantPage.as_view(), name="plain-tenant-page"),
]

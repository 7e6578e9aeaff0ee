"""Root URLs. Tenant pages live under /c/<convener_slug>/, tenant API under /api/v1/c/<convener_slug>/."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import ApiDocsView, ApiRedocView
from employers.api.views import OccupationSearchView, SkillListView
from partnerships import views as core_views
from partnerships.api.directory import NaicsSearchView
from partnerships.api.views import MeView
from partnerships.security.api import TokenLoginView
from programs.api.views import FundingStreamListView


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


tenant_pages = [
    path("", include("partnerships.urls")),
    path("", include("employers.urls")),
    path("", include("programs.urls")),
    path("", include("participants.urls")),
    path("", include("reports.urls")),
]
tenant_api = [
    path("", include("partnerships.api.urls")),
    path("", include("employers.api.urls")),
    path("", include("programs.api.urls")),
    path("", include("participants.api.urls")),
    path("", include("reports.api.urls")),
]

# The admin's own login page is replaced by allauth's: the same failed-login limits and two-factor step. Before
# ``admin.site.urls`` is read below, which binds the login view.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.EntryView.as_view(), name="home"),
    path("workspaces/", core_views.WorkspacePickerView.as_view(), name="workspace-picker"),
    path("invitations/<str:token>/", core_views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("accounts/", include("allauth.urls")),
    path("c/<slug:convener_slug>/", include(tenant_pages)),
    # API
    path("api/v1/me/", MeView.as_view(), name="api-me"),
    # Password, the failed-login limits and the second factor, as on the sign-in page.
    path("api/v1/auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("api/v1/naics/", NaicsSearchView.as_view(), name="api-naics"),  # public reference data, not a tenant's
    path("api/v1/occupations/", OccupationSearchView.as_view(), name="api-occupations"),  # SOC 2018, public
    path("api/v1/skills/", SkillListView.as_view(), name="api-skills"),  # O*NET skills, public
    path("api/v1/funding-streams/", FundingStreamListView.as_view(), name="api-funding-streams"),  # public
    path("api/v1/c/<slug:convener_slug>/", include(tenant_api)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]

admin.site.site_header = "Partnership Portal operations"
admin.site.site_title = "Partnership Portal operations"

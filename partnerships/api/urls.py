"""API routes of the tenant core, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from partnerships.api import views

router = SimpleRouter(use_regex_path=False)
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

app_name = "partnerships-api"
urlpatterns = router.urls

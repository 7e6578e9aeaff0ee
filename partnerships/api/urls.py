"""API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from partnerships.api import councils, directory, views

router = SimpleRouter(use_regex_path=False)
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("organizations", directory.OrganizationViewSet, basename="organization")
router.register("representatives", directory.RepresentativeViewSet, basename="representative")
router.register("partnerships", directory.PartnershipViewSet, basename="partnership")
router.register("councils", councils.CouncilViewSet, basename="council")
router.register("council-seats", councils.CouncilSeatViewSet, basename="council-seat")
router.register("meetings", councils.MeetingViewSet, basename="meeting")
router.register("action-items", councils.ActionItemViewSet, basename="action-item")
router.register("engagement", councils.EngagementViewSet, basename="engagement")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

app_name = "partnerships-api"
urlpatterns = router.urls

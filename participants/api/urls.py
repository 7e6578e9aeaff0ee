"""Participants API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from participants.api import views

router = SimpleRouter(use_regex_path=False)
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("stream-enrollments", views.StreamEnrollmentViewSet, basename="stream-enrollment")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("services", views.SupportiveServiceViewSet, basename="service")
router.register("notes", views.CaseNoteViewSet, basename="note")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("retention-checks", views.RetentionCheckViewSet, basename="retention-check")
router.register("wages", views.QuarterlyWageViewSet, basename="wage")
router.register("imports", views.ImportJobViewSet, basename="import")

app_name = "participants-api"
urlpatterns = router.urls

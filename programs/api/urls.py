"""Programs API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from programs.api import views

router = SimpleRouter(use_regex_path=False)
router.register("programs", views.ProgramViewSet, basename="program")
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("cohorts/<int:cohort_id>/employers", views.CohortEmployerViewSet, basename="cohort-employer")
router.register("cohorts/<int:cohort_id>/sessions", views.CohortSessionViewSet, basename="cohort-session")
router.register("cohorts/<int:cohort_id>/enrollments", views.CohortEnrollmentViewSet, basename="cohort-enrollment")
router.register("credential-awards", views.CredentialAwardViewSet, basename="credential-award")
router.register("skill-gains", views.SkillGainViewSet, basename="skill-gain")

app_name = "programs-api"
urlpatterns = router.urls

"""Employer-demand API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from employers.api import views

router = SimpleRouter(use_regex_path=False)
router.register("demand-surveys", views.SurveyViewSet, basename="demand-survey")
router.register("skill-needs", views.NeedViewSet, basename="skill-need")
router.register("competencies", views.CompetencyViewSet, basename="competency")
router.register("partnerships/<int:partnership_id>/demand-snapshots", views.DemandSnapshotViewSet,
                basename="demand-snapshot")
router.register("partnerships/<int:partnership_id>/demand-runs", views.DemandRunViewSet, basename="demand-run")
router.register("partnerships/<int:partnership_id>/market-wage", views.MarketWageViewSet, basename="market-wage")

app_name = "employers-api"
urlpatterns = router.urls

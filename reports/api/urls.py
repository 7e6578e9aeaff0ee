"""Reports API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter(use_regex_path=False)
router.register("report-runs", views.ReportRunViewSet, basename="report-run")
router.register("report-snapshots", views.ReportSnapshotViewSet, basename="report-snapshot")

app_name = "reports-api"
urlpatterns = router.urls

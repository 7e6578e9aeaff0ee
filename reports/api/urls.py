"""Reports API routes of a tenant, mounted under /api/v1/c/<convener_slug>/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(use_regex_path=False)

app_name = "reports-api"
urlpatterns = router.urls

"""Pages of outcome reports, mounted under /c/<convener_slug>/.

Every object kwarg is ``<model_name>_id``, so the isolation harness (tests/tenancy) can resolve it.
"""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("outcomes/", views.DashboardView.as_view(), name="dashboard"),
    path("outcomes/export/csv/", views.DashboardExportView.as_view(file_format="csv"), name="dashboard-export-csv"),
    path("outcomes/export/xlsx/", views.DashboardExportView.as_view(file_format="xlsx"),
         name="dashboard-export-xlsx"),
    path("outcomes/export/pdf/", views.DashboardExportView.as_view(file_format="pdf"), name="dashboard-export-pdf"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/suppression/", views.SuppressionSettingsView.as_view(), name="suppression-settings"),
    path("reports/runs/<int:reportrun_id>/", views.RunDetailView.as_view(), name="run-detail"),
    path("reports/<int:reportsnapshot_id>/", views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("reports/<int:reportsnapshot_id>/compare/", views.SnapshotCompareView.as_view(), name="snapshot-compare"),
    path("reports/<int:reportsnapshot_id>/export/csv/", views.SnapshotExportView.as_view(file_format="csv"),
         name="snapshot-export-csv"),
    path("reports/<int:reportsnapshot_id>/export/xlsx/", views.SnapshotExportView.as_view(file_format="xlsx"),
         name="snapshot-export-xlsx"),
    path("reports/<int:reportsnapshot_id>/export/pdf/", views.SnapshotExportView.as_view(file_format="pdf"),
         name="snapshot-export-pdf"),
    path("reports/<int:reportsnapshot_id>/snap-et.csv", views.SnapEtExportView.as_view(), name="snapshot-snap-et"),
    path("reports/<int:reportsnapshot_id>/pirl.csv", views.PirlExportView.as_view(), name="snapshot-pirl"),
]

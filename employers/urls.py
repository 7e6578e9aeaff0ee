"""Pages of employer demand, mounted under /c/<convener_slug>/.

Every object kwarg is ``<model_name>_id``, so the isolation harness (tests/tenancy) can resolve it.
"""

from django.urls import path

from employers import views

app_name = "employers"
urlpatterns = [
    # Survey cycles
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("partnerships/<int:partnership_id>/surveys/new/", views.SurveyCreateView.as_view(), name="survey-create"),
    path("surveys/<int:demandsurvey_id>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    # Skill needs
    path("surveys/<int:demandsurvey_id>/needs/new/", views.NeedCreateView.as_view(), name="need-create"),
    path("surveys/<int:demandsurvey_id>/market-position/", views.MarketPositionView.as_view(),
         name="market-position"),
    path("needs/<int:skillneed_id>/", views.NeedEditView.as_view(), name="need-edit"),
    path("needs/<int:skillneed_id>/confirm/", views.NeedConfirmView.as_view(), name="need-confirm"),
    path("needs/<int:skillneed_id>/delete/", views.NeedDeleteView.as_view(), name="need-delete"),
    path("occupations/", views.OccupationSearchView.as_view(), name="occupation-search"),
    # Demand dashboard
    path("partnerships/<int:partnership_id>/demand/", views.DemandDashboardView.as_view(), name="demand-dashboard"),
    path("partnerships/<int:partnership_id>/demand/status/", views.DemandStatusView.as_view(),
         name="demand-status"),
    path("partnerships/<int:partnership_id>/demand/refresh/", views.DemandRefreshView.as_view(),
         name="demand-refresh"),
    path("partnerships/<int:partnership_id>/demand/export.csv", views.DemandExportView.as_view(fmt="csv"),
         name="demand-export-csv"),
    path("partnerships/<int:partnership_id>/demand/export.xlsx", views.DemandExportView.as_view(fmt="xlsx"),
         name="demand-export-xlsx"),
]

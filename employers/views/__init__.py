"""Pages of employer demand (mounted under /c/<convener_slug>/ by config/urls.py)."""

from employers.views.pages import (
    DemandDashboardView,
    DemandExportView,
    DemandRefreshView,
    DemandStatusView,
    MarketPositionView,
    NeedConfirmView,
    NeedCreateView,
    NeedDeleteView,
    NeedEditView,
    OccupationSearchView,
    SurveyCreateView,
    SurveyDetailView,
    SurveyListView,
)

__all__ = [
    "DemandDashboardView", "DemandExportView", "DemandRefreshView", "DemandStatusView", "MarketPositionView",
    "NeedConfirmView", "NeedCreateView", "NeedDeleteView", "NeedEditView", "OccupationSearchView",
    "SurveyCreateView", "SurveyDetailView", "SurveyListView",
]

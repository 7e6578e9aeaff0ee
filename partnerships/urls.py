"""Pages of the tenant core, mounted under /c/<convener_slug>/."""

from django.urls import path

from partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.InvitationCreateView.as_view(), name="invitation-create"),
    path("people/<int:membership_id>/edit/", views.MembershipEditView.as_view(), name="membership-edit"),
    path("invitations/<int:invitation_id>/revoke/", views.InvitationRevokeView.as_view(), name="invitation-revoke"),
    path("invitations/<int:invitation_id>/resend/", views.InvitationResendView.as_view(), name="invitation-resend"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<int:organization_id>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    path("partnerships/<int:partnership_id>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
]

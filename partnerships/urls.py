"""Pages of the partnerships app, mounted under /c/<convener_slug>/.

Every object kwarg is ``<model_name>_id``, so the isolation harness (tests/tenancy) can resolve it.
"""

from django.urls import path

from partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # People
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.InvitationCreateView.as_view(), name="invitation-create"),
    path("people/<int:membership_id>/edit/", views.MembershipEditView.as_view(), name="membership-edit"),
    path("invitations/<int:invitation_id>/revoke/", views.InvitationRevokeView.as_view(), name="invitation-revoke"),
    path("invitations/<int:invitation_id>/resend/", views.InvitationResendView.as_view(), name="invitation-resend"),
    # Organizations and their representatives
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/duplicates/", views.OrganizationDuplicateCheckView.as_view(),
         name="organization-duplicates"),
    path("organizations/<int:organization_id>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<int:organization_id>/edit/", views.OrganizationEditView.as_view(),
         name="organization-edit"),
    path("organizations/<int:organization_id>/representatives/new/", views.RepresentativeCreateView.as_view(),
         name="representative-create"),
    path("representatives/<int:representative_id>/edit/", views.RepresentativeEditView.as_view(),
         name="representative-edit"),
    path("naics/", views.NaicsSearchView.as_view(), name="naics-search"),
    # Partnerships, goals, councils and seats
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    path("partnerships/new/", views.PartnershipCreateView.as_view(), name="partnership-create"),
    path("partnerships/<int:partnership_id>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("partnerships/<int:partnership_id>/edit/", views.PartnershipEditView.as_view(), name="partnership-edit"),
    path("partnerships/<int:partnership_id>/goals/new/", views.PartnershipGoalCreateView.as_view(),
         name="goal-create"),
    path("goals/<int:partnershipgoal_id>/remove/", views.PartnershipGoalRemoveView.as_view(), name="goal-remove"),
    path("councils/<int:council_id>/seats/new/", views.SeatCreateView.as_view(), name="seat-create"),
    path("seats/<int:councilseat_id>/edit/", views.SeatEditView.as_view(), name="seat-edit"),
    # Meetings
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("partnerships/<int:partnership_id>/meetings/new/", views.MeetingCreateView.as_view(),
         name="meeting-create"),
    path("meetings/<int:meeting_id>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:meeting_id>/edit/", views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:meeting_id>/attendance/", views.MeetingAttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<int:meeting_id>/attendance/mine/", views.MeetingMarkOwnAttendanceView.as_view(),
         name="meeting-attendance-mine"),
    path("meetings/<int:meeting_id>/action-items/new/", views.MeetingActionItemCreateView.as_view(),
         name="meeting-action-item-create"),
    path("meetings/<int:meeting_id>/calendar.ics", views.MeetingCalendarView.as_view(), name="meeting-ics"),
    # Action items
    path("action-items/", views.ActionItemListView.as_view(), name="action-item-list"),
    path("partnerships/<int:partnership_id>/action-items/", views.ActionItemListView.as_view(),
         name="partnership-action-items"),
    path("partnerships/<int:partnership_id>/action-items/new/", views.ActionItemCreateView.as_view(),
         name="action-item-create"),
    path("action-items/<int:actionitem_id>/status/", views.ActionItemStatusView.as_view(),
         name="action-item-status"),
    # Audit
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
]

"""Pages of programs and cohorts, mounted under /c/<convener_slug>/.

Every object kwarg is ``<model_name>_id``, so the isolation harness (tests/tenancy) can resolve it.
"""

from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    # The catalogue
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/new/", views.ProgramCreateView.as_view(), name="program-create"),
    path("programs/<int:program_id>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("programs/<int:program_id>/edit/", views.ProgramEditView.as_view(), name="program-edit"),
    # Cohorts
    path("cohorts/", views.CohortListView.as_view(), name="cohort-list"),
    path("cohorts/new/", views.CohortCreateView.as_view(), name="cohort-create"),
    path("cohorts/<int:cohort_id>/", views.CohortDetailView.as_view(), name="cohort-detail"),
    path("cohorts/<int:cohort_id>/edit/", views.CohortEditView.as_view(), name="cohort-edit"),
    path("cohorts/<int:cohort_id>/status/", views.CohortStatusView.as_view(), name="cohort-status"),
    path("cohorts/<int:cohort_id>/sessions/new/", views.SessionAddView.as_view(), name="session-add"),
    # Rosters
    path("cohorts/<int:cohort_id>/roster/", views.RosterView.as_view(), name="cohort-roster"),
    path("cohorts/<int:cohort_id>/roster/add/", views.RosterAddView.as_view(), name="roster-add"),
    path("cohorts/<int:cohort_id>/roster/walk-in/", views.RosterWalkInView.as_view(), name="roster-walk-in"),
    path("enrollments/<int:cohortenrollment_id>/", views.EnrollmentDetailView.as_view(), name="enrollment-detail"),
    path("enrollments/<int:cohortenrollment_id>/status/", views.EnrollmentStatusView.as_view(),
         name="enrollment-status"),
    path("enrollments/<int:cohortenrollment_id>/credentials/", views.CredentialRecordView.as_view(),
         name="credential-record"),
    path("enrollments/<int:cohortenrollment_id>/skill-gains/", views.SkillGainRecordView.as_view(),
         name="skill-gain-record"),
    # Attendance
    path("sessions/<int:cohortsession_id>/attendance/", views.SessionAttendanceView.as_view(),
         name="session-attendance"),
]

"""Pages of participants, mounted under /c/<convener_slug>/.

Every object kwarg is ``<model_name>_id``, so the isolation harness (tests/tenancy) can resolve it.
"""

from django.urls import path

from participants import views

app_name = "participants"
urlpatterns = [
    # The caseload, intake, imports
    path("participants/", views.CaseloadView.as_view(), name="caseload"),
    path("participants/new/", views.IntakeView.as_view(), name="intake"),
    path("participants/occupations/", views.OccupationSearchView.as_view(), name="occupation-search"),
    path("participants/imports/", views.ImportListView.as_view(), name="import-list"),
    path("participants/imports/<int:importjob_id>/", views.ImportDetailView.as_view(), name="import-detail"),
    # One person's record, tab by tab
    path("participants/<int:participant_id>/", views.RecordView.as_view(), name="record"),
    path("participants/<int:participant_id>/edit/", views.ProfileEditView.as_view(), name="record-edit"),
    path("participants/<int:participant_id>/training/", views.TrainingView.as_view(), name="record-training"),
    path("participants/<int:participant_id>/services/", views.ServicesView.as_view(), name="record-services"),
    path("participants/<int:participant_id>/employment/", views.EmploymentView.as_view(), name="record-employment"),
    path("participants/<int:participant_id>/notes/", views.NotesView.as_view(), name="record-notes"),
    path("participants/<int:participant_id>/consent/", views.ConsentView.as_view(), name="record-consent"),
    # Changes made from the tabs
    path("participants/<int:participant_id>/streams/", views.StreamEnrollView.as_view(), name="stream-enroll"),
    path("participants/streams/<int:streamenrollment_id>/exit/", views.StreamExitView.as_view(), name="stream-exit"),
    path("participants/cohort-enrollments/<int:cohortenrollment_id>/status/", views.CohortProgressView.as_view(),
         name="cohort-progress"),
    path("participants/cohort-enrollments/<int:cohortenrollment_id>/credentials/",
         views.CredentialRecordView.as_view(), name="credential-record"),
    path("participants/cohort-enrollments/<int:cohortenrollment_id>/skill-gains/",
         views.SkillGainRecordView.as_view(), name="skill-gain-record"),
    path("participants/services/<int:supportiveservice_id>/status/", views.ServiceStatusView.as_view(),
         name="service-status"),
    path("participants/<int:participant_id>/placements/", views.PlacementRecordView.as_view(),
         name="placement-record"),
    path("participants/checks/<int:retentioncheck_id>/", views.RetentionCheckRecordView.as_view(),
         name="check-record"),
    path("participants/<int:participant_id>/wages/", views.WageRecordView.as_view(), name="wage-record"),
    path("participants/consents/<int:consent_id>/revoke/", views.ConsentRevokeView.as_view(), name="consent-revoke"),
    # The person's data rights (convener admins): the full record as a page and as JSON (?format=json),
    # correction, erasure
    path("participants/<int:participant_id>/data-rights/record/", views.RecordExportView.as_view(),
         name="record-export"),
    path("participants/<int:participant_id>/data-rights/correct/", views.CorrectionView.as_view(),
         name="record-correct"),
    path("participants/<int:participant_id>/data-rights/erase/", views.EraseView.as_view(), name="record-erase"),
]

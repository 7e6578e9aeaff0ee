"""Pages of participants, mounted under /c/<convener_slug>/participants/: the caseload and the SOC picker
(caseload.py), intake and profile corrections (profile.py), one person's record tab by tab with the changes made
from it (record.py), bulk imports (imports.py), and a person's data rights: full-record export, correction, erasure
(data_rights.py)."""

from participants.views.caseload import CaseloadView, OccupationSearchView
from participants.views.data_rights import CorrectionView, EraseView, RecordExportView
from participants.views.imports import ImportDetailView, ImportListView
from participants.views.profile import IntakeView, ProfileEditView
from participants.views.record import (
    CohortProgressView,
    ConsentRevokeView,
    ConsentView,
    CredentialRecordView,
    EmploymentView,
    NotesView,
    PlacementRecordView,
    RecordView,
    RetentionCheckRecordView,
    ServiceStatusView,
    ServicesView,
    SkillGainRecordView,
    StreamEnrollView,
    StreamExitView,
    TrainingView,
    WageRecordView,
)

__all__ = [
    "CaseloadView", "CohortProgressView", "ConsentRevokeView", "ConsentView", "CorrectionView", "CredentialRecordView",
    "EmploymentView", "EraseView", "ImportDetailView", "ImportListView", "IntakeView", "NotesView",
    "OccupationSearchView", "PlacementRecordView", "ProfileEditView", "RecordExportView", "RecordView",
    "RetentionCheckRecordView", "ServiceStatusView", "ServicesView", "SkillGainRecordView", "StreamEnrollView",
    "StreamExitView", "TrainingView", "WageRecordView",
]

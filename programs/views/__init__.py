"""Pages of programs and cohorts, mounted under /c/<convener_slug>/: the catalogue (catalogue.py), cohorts with
their schedule and host employers (cohorts.py), and rosters, attendance, completions and credentials
(rosters.py)."""

from programs.views.catalogue import ProgramCreateView, ProgramDetailView, ProgramEditView, ProgramListView
from programs.views.cohorts import (
    CohortCreateView,
    CohortDetailView,
    CohortEditView,
    CohortListView,
    CohortStatusView,
)
from programs.views.rosters import (
    CredentialRecordView,
    EnrollmentDetailView,
    EnrollmentStatusView,
    RosterAddView,
    RosterView,
    RosterWalkInView,
    SessionAddView,
    SessionAttendanceView,
    SkillGainRecordView,
)

__all__ = [
    "CohortCreateView", "CohortDetailView", "CohortEditView", "CohortListView", "CohortStatusView",
    "CredentialRecordView", "EnrollmentDetailView", "EnrollmentStatusView", "ProgramCreateView",
    "ProgramDetailView", "ProgramEditView", "ProgramListView", "RosterAddView", "RosterView", "RosterWalkInView",
    "SessionAddView", "SessionAttendanceView", "SkillGainRecordView",
]

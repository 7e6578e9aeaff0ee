"""Reads for programs and cohorts, narrowed per role (DOMAIN.md §2):

- convener staff: everything in the tenant;
- training provider staff: the programs (and their cohorts) their organization provides;
- employer representatives: the cohorts they host or partner on, as counts, never a roster;
- case managers: cohorts open to referrals (the participants issue adds their own people's enrollments);
- funders: the catalogue only.

Lists are built in a fixed number of queries, whatever the number of rows (tests assert the counts).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from employers.models import DemandSnapshot
from participants.models import Participant
from partnerships.models import Convener, Membership, Partnership
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.selectors.joined import prefetched, with_related
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    FundingStream,
    Program,
    ProgramCredential,
    ProgramRequirement,
    SkillGain,
)

E = CohortEnrollment.Status


def funding_stream_list() -> QuerySet[FundingStream]:
    return FundingStream.objects.all()


# ---------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------
def _provider_filter(membership: Membership, prefix: str = "") -> Q:
    org = membership.organization_id
    return Q(**{f"{prefix}provider_id": org}) | Q(**{f"{prefix}other_providers": org})


def program_list(
    *, convener: Convener, membership: Membership, program_type: str | None = None, status: str | None = None,
    occupation: str | None = None, provider: int | None = None, search: str | None = None,
) -> QuerySet[Program]:
    """The catalogue, with providers, SOC targets, credentials and funding streams prefetched (5 queries),
    and each program's number of cohorts in the pipeline."""
    # The catalogue is open to every role of the workspace (no people in it); cohorts and rosters are narrowed.
    qs = Program.objects.for_convener(convener)
    if program_type:
        qs = qs.filter(program_type=program_type)
    if status:
        qs = qs.filter(status=status)
    if occupation:
        qs = qs.filter(target_occupations__soc_code=occupation)
    if provider:
        qs = qs.filter(Q(provider_id=provider) | Q(other_providers=provider))
    if search:
        for word in search.split():
            qs = qs.filter(name__icontains=word)
    return (
        qs.distinct().select_related("provider")
        .prefetch_related("other_providers", "target_occupations", "credentials", "funding_streams")
        .annotate(open_cohorts=Count("cohorts", filter=Q(cohorts__status__in=Cohort.PIPELINE), distinct=True))
        .order_by("name")
    )


def program_get(*, convener: Convener, membership: Membership, program_id: int) -> Program:
    """One program with everything its page shows: the catalogue's lists, its wage steps, and its requirements with
    the employers that ask for each (one joined query, partnerships/selectors/joined.py)."""
    program = (
        program_list(convener=convener, membership=membership)
        .prefetch_related("wage_steps")
        .filter(pk=program_id).first()
    )
    if program is None:
        raise Http404("No such program")
    prefetched(program, "requirements", with_related(
        ProgramRequirement.objects.for_convener(convener).filter(program=program), "employers",
        related_order=["name"]))
    return program


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------
def _enrolled(convener: Convener, statuses: Any) -> Coalesce:
    """How many of a cohort's enrollments have one of ``statuses``: a correlated count, not a JOIN and GROUP BY,
    so a page of cohorts counts only its own enrollments, from the enrollment_by_cohort_status index, after the
    page is chosen (a tenant with a million enrollments: 7.2 s for the first page of the API -> milliseconds)."""
    return _count_in(CohortEnrollment.objects.for_convener(convener).filter(cohort=OuterRef("pk"),
                                                                          status__in=statuses))


def cohort_list(
    *, convener: Convener, membership: Membership, partnership: Partnership | int | None = None,
    program: Program | int | None = None, status: str | None = None, occupation: str | None = None,
) -> QuerySet[Cohort]:
    """Cohorts the membership may see, with seat figures, in one query."""
    qs = Cohort.objects.for_convener(convener)
    if membership.role in CONVENER_ROLES:
        pass
    elif membership.role == Role.PROVIDER_STAFF:
        qs = qs.filter(program__in=Program.objects.for_convener(convener).filter(_provider_filter(membership))
                       .values("pk"))
    elif membership.role == Role.EMPLOYER_REP:
        qs = qs.filter(Exists(CohortEmployer.objects.for_convener(convener).filter(
            cohort=OuterRef("pk"), employer_id=membership.organization_id)))
    elif membership.role == Role.CASE_MANAGER:
        qs = qs.exclude(status=Cohort.Status.CANCELLED)
    else:
        return qs.none()
    if partnership:
        qs = qs.filter(partnership=partnership)
    if program:
        qs = qs.filter(program=program)
    if status:
        qs = qs.filter(status=status)
    if occupation:
        qs = qs.filter(target_occupation__soc_code=occupation)
    return (
        qs.select_related("program", "program__provider", "partnership", "target_occupation")
        .annotate(
            seated=_enrolled(convener, CohortEnrollment.SEATED),
            completed=_enrolled(convener, [E.COMPLETED]),
            withdrawn=_enrolled(convener, [E.WITHDRAWN]),
            applied=_enrolled(convener, [E.APPLIED]),
        )
        .order_by("-start_date", "name")
    )


def cohort_get(*, convener: Convener, membership: Membership, cohort_id: int) -> Cohort:
    cohort = cohort_list(convener=convener, membership=membership).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404("No such cohort")
    return cohort


def cohort_employers(*, convener: Convener, cohort: Cohort) -> QuerySet[CohortEmployer]:
    return CohortEmployer.objects.for_convener(convener).filter(cohort=cohort).select_related("employer")


def cohort_commitments(*, convener: Convener, cohort: Cohort) -> dict[str, int]:
    """Totals of the host and partner employers' commitments."""
    fields = ["guaranteed_interviews", "planned_hires", "internship_slots", "ojt_slots", "tours", "mock_interviews"]
    sums = cohort_employers(convener=convener, cohort=cohort).aggregate(**{f: Sum(f) for f in fields})
    return {f: int(sums[f] or 0) for f in fields}


@dataclass
class CohortFigures:
    seats: int
    applied: int = 0
    enrolled: int = 0
    active: int = 0
    completed: int = 0
    withdrawn: int = 0
    sessions_held: int = 0
    sessions_total: int = 0
    attendance_rate: float | None = None
    credentials: int = 0
    skill_gains: int = 0

    @property
    def seated(self) -> int:
        return self.enrolled + self.active + self.completed

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.seated, 0)

    @property
    def started(self) -> int:
        """Completion denominator: everyone who started (withdrawn people count)."""
        return self.enrolled + self.active + self.completed + self.withdrawn

    @property
    def completion_rate(self) -> float | None:
        """DOMAIN.md §4: completed over everyone who started (withdrawn people count). None until somebody
        has finished or left, so a cohort in its first week does not read as 0%."""
        if not self.completed + self.withdrawn:
            return None
        return self.completed / self.started if self.started else None


def _count_in(qs: QuerySet[Any]) -> Coalesce:
    """``qs.count()`` as a scalar subquery of one cohort's query (``qs`` filters on ``OuterRef("pk")``)."""
    # COUNT(*): no column to read, so an index that covers the filter answers it alone (index-only scan).
    counted = qs.order_by().values("convener").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cohort_figures(*, convener: Convener, cohort: Cohort, today: date | None = None) -> CohortFigures:
    """Roster, attendance and completion figures of one cohort, counted in the database (one query)."""
    today = today or timezone.localdate()
    enrollments = CohortEnrollment.objects.for_convener(convener).filter(cohort=OuterRef("pk"))
    sessions = CohortSession.objects.for_convener(convener).filter(cohort=OuterRef("pk"))
    marks = AttendanceRecord.objects.for_convener(convener).filter(session__cohort=OuterRef("pk"))
    awards = CredentialAward.objects.for_convener(convener).filter(enrollment__cohort=OuterRef("pk"))
    gains = SkillGain.objects.for_convener(convener).filter(enrollment__cohort=OuterRef("pk"))
    counts = {  # prefixed: annotations may not shadow the cohort's own fields
        **{f"n_{status}": _count_in(enrollments.filter(status=status)) for status in E.values},
        "n_sessions_total": _count_in(sessions),
        "n_sessions_held": _count_in(sessions.filter(day__lte=today)),
        "n_marked": _count_in(marks),
        "n_present": _count_in(marks.filter(status__in=["present", "late"])),
        "n_credentials": _count_in(awards),
        "n_skill_gains": _count_in(gains),
    }
    row = Cohort.objects.for_convener(convener).filter(pk=cohort.pk).annotate(**counts).values(*counts).first()
    n = {name.removeprefix("n_"): int(row[name]) if row else 0 for name in counts}
    return CohortFigures(
        seats=cohort.seats, applied=n[E.APPLIED], enrolled=n[E.ENROLLED], active=n[E.ACTIVE],
        completed=n[E.COMPLETED], withdrawn=n[E.WITHDRAWN], sessions_held=n["sessions_held"],
        sessions_total=n["sessions_total"], attendance_rate=(n["present"] / n["marked"]) if n["marked"] else None,
        credentials=n["credentials"], skill_gains=n["skill_gains"],
    )


def roster(*, convener: Convener, cohort: Cohort) -> QuerySet[CohortEnrollment]:
    """The roster with each person's attendance tally, credentials and skill gains (3 queries)."""
    return (
        CohortEnrollment.objects.for_convener(convener).filter(cohort=cohort)
        .select_related("participant", "participant__organization")
        .annotate(
            days_marked=Count("attendance", distinct=True),
            days_present=Count("attendance", filter=Q(attendance__status__in=["present", "late"]), distinct=True),
        )
        .prefetch_related(
            Prefetch("credential_awards", queryset=CredentialAward.objects.for_convener(convener)
                     .order_by("awarded_on")),
            Prefetch("skill_gains", queryset=SkillGain.objects.for_convener(convener).order_by("achieved_on")),
        )
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


def session_list(*, convener: Convener, cohort: Cohort) -> QuerySet[CohortSession]:
    return CohortSession.objects.for_convener(convener).filter(cohort=cohort).annotate(
        marked=Count("attendance"),
        present=Count("attendance", filter=Q(attendance__status__in=["present", "late"])),
    ).order_by("day")


def session_get(*, convener: Convener, membership: Membership, cohortsession_id: int) -> CohortSession:
    session = CohortSession.objects.for_convener(convener).filter(
        pk=cohortsession_id, cohort__in=cohort_list(convener=convener, membership=membership).values("pk"),
    ).select_related("cohort", "cohort__program").first()
    if session is None:
        raise Http404("No such session")
    return session


def attendance_sheet(*, convener: Convener, session: CohortSession) -> list[tuple[CohortEnrollment, str | None]]:
    """Everyone on the roster who holds (or held) a seat on the session day, with that day's mark (2 queries)."""
    marks = dict(AttendanceRecord.objects.for_convener(convener).filter(session=session)
                 .values_list("enrollment_id", "status"))
    rows = (
        CohortEnrollment.objects.for_convener(convener).filter(cohort=session.cohort_id)
        .exclude(status=E.APPLIED)
        .exclude(status=E.WITHDRAWN, withdrawn_on__lt=session.day)
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    return [(e, marks.get(e.pk)) for e in rows]


def enrollment_get(*, convener: Convener, membership: Membership, cohortenrollment_id: int) -> CohortEnrollment:
    if membership.role not in CONVENER_ROLES and membership.role != Role.PROVIDER_STAFF:
        raise Http404("No such enrollment")
    enrollment = CohortEnrollment.objects.for_convener(convener).filter(
        pk=cohortenrollment_id, cohort__in=cohort_list(convener=convener, membership=membership).values("pk"),
    ).select_related("cohort", "cohort__program", "participant").first()
    if enrollment is None:
        raise Http404("No such enrollment")
    return enrollment


@dataclass
class EnrollmentRecord:
    """One person's record on one roster: attendance day by day, credentials and skill gains."""

    attendance: list[AttendanceRecord]
    credentials: list[CredentialAward]
    skill_gains: list[SkillGain]

    @property
    def days_present(self) -> int:
        return sum(1 for r in self.attendance if r.status in ("present", "late"))


def enrollment_record(*, convener: Convener, enrollment: CohortEnrollment) -> EnrollmentRecord:
    """The history of one roster row (3 queries)."""
    return EnrollmentRecord(
        attendance=list(AttendanceRecord.objects.for_convener(convener).filter(enrollment=enrollment)
                        .select_related("session").order_by("session__day")),
        credentials=list(CredentialAward.objects.for_convener(convener).filter(enrollment=enrollment)
                         .order_by("awarded_on", "pk")),
        skill_gains=list(SkillGain.objects.for_convener(convener).filter(enrollment=enrollment)
                         .order_by("achieved_on", "pk")),
    )


def program_credentials(*, convener: Convener, program: Program | int) -> QuerySet[ProgramCredential]:
    return ProgramCredential.objects.for_convener(convener).filter(program=program).order_by("name")


@dataclass
class CalendarWeek:
    start: date
    days: list[tuple[date, CohortSession | None, bool]] = field(default_factory=list)


def cohort_calendar(*, cohort: Cohort, sessions: list[CohortSession]) -> list[CalendarWeek]:
    """Monday-to-Sunday weeks from the cohort's start to its end, each day with its session (no queries)."""
    by_day = {s.day: s for s in sessions}
    start = cohort.start_date - timedelta(days=cohort.start_date.weekday())
    weeks: list[CalendarWeek] = []
    day = start
    while day <= cohort.end_date:
        week = CalendarWeek(start=day)
        for offset in range(7):
            d = day + timedelta(days=offset)
            week.days.append((d, by_day.get(d), cohort.start_date <= d <= cohort.end_date))
        weeks.append(week)
        day += timedelta(days=7)
    return weeks


WEEKDAYS = [(str(i), calendar.day_name[i]) for i in range(7)]


# ---------------------------------------------------------------------------
# Roster rows, credentials and skill gains across cohorts (the API's flat lists)
# ---------------------------------------------------------------------------
def enrollment_list(*, convener: Convener, membership: Membership) -> QuerySet[CohortEnrollment]:
    """Every roster row the membership keeps: convener staff all of them, provider staff those of the cohorts of
    their programs; anyone else none."""
    qs = CohortEnrollment.objects.for_convener(convener)
    if membership.role in CONVENER_ROLES:
        return qs
    if membership.role == Role.PROVIDER_STAFF:
        return qs.filter(cohort__in=cohort_list(convener=convener, membership=membership).values("pk"))
    return qs.none()


def credential_award_list(*, convener: Convener, membership: Membership) -> QuerySet[CredentialAward]:
    """Credentials earned on the rosters the membership keeps (1 query); convener staff also see the ones
    recorded outside a cohort."""
    qs = CredentialAward.objects.for_convener(convener)
    if membership.role not in CONVENER_ROLES:
        qs = qs.filter(enrollment__in=enrollment_list(convener=convener, membership=membership).values("pk"))
    return qs.select_related("participant", "enrollment__cohort").order_by("-awarded_on", "name", "pk")


def skill_gain_list(*, convener: Convener, membership: Membership) -> QuerySet[SkillGain]:
    """Measurable skill gains on the rosters the membership keeps (1 query), as credential_award_list."""
    qs = SkillGain.objects.for_convener(convener)
    if membership.role not in CONVENER_ROLES:
        qs = qs.filter(enrollment__in=enrollment_list(convener=convener, membership=membership).values("pk"))
    return qs.select_related("participant", "enrollment__cohort").order_by("-achieved_on", "pk")


# ---------------------------------------------------------------------------
# Participants reachable from a roster
# ---------------------------------------------------------------------------
def participant_choices(*, convener: Convener, membership: Membership, cohort: Cohort) -> QuerySet[Participant]:
    """People who can be added to this roster: convener staff pick anyone in the tenant; provider staff pick
    the people of their own organization or already on their programs' rosters. Never the ones already on it."""
    qs = Participant.objects.for_convener(convener).exclude(
        pk__in=CohortEnrollment.objects.for_convener(convener).filter(cohort=cohort).values("participant_id"))
    if membership.role not in CONVENER_ROLES:
        own_cohorts = cohort_list(convener=convener, membership=membership).values("pk")
        qs = qs.filter(
            Q(organization_id=membership.organization_id)
            | Q(pk__in=CohortEnrollment.objects.for_convener(convener).filter(cohort__in=own_cohorts)
                .values("participant_id"))
        )
    return qs.select_related("organization").order_by("last_name", "first_name")


# ---------------------------------------------------------------------------
# Demand -> supply
# ---------------------------------------------------------------------------
def pipeline_supply(*, convener: Convener, partnership_ids: list[int]) -> dict[tuple[int, int], int]:
    """Seats of planned, recruiting and running cohorts, per (partnership, target occupation): the pipeline
    supply the demand aggregation sets against openings. One grouped query."""
    rows = (
        Cohort.objects.for_convener(convener)
        .filter(partnership__in=partnership_ids, status__in=Cohort.PIPELINE, target_occupation__isnull=False)
        .values("partnership_id", "target_occupation_id").annotate(seats=Sum("seats")).order_by()
        .values_list("partnership_id", "target_occupation_id", "seats")
    )
    return {(p, occ): int(seats or 0) for p, occ, seats in rows}


def demand_gaps(*, snapshot: DemandSnapshot | None, limit: int = 10) -> list[dict[str, Any]]:
    """Occupations of a stored demand snapshot with the largest unmet gap (openings less pipeline seats)."""
    if snapshot is None:
        return []
    rows = [r for r in snapshot.data.get("occupations", []) if (r.get("gap") or 0) > 0]
    rows.sort(key=lambda r: (-(r.get("gap") or 0), r.get("soc_code", "")))
    return rows[:limit]

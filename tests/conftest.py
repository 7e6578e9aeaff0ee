"""The two-tenant world every test starts from, and client helpers.

Convener A ("Alpha Workforce Board", slug ``alpha``) and convener B ("Beta Sector Partners", slug
``beta``) each get a user for every role, the organizations those roles are bound to, two partnerships
(one granted to the funder, one not), a pending invitation and audit events. The granted partnership
also has its councils filled: the employer sits on the industry council, the case manager's and the
provider's organizations on the workforce-partners council, each with a named representative linked to
its portal user; each council held one meeting with attendance and an action item, and the industry
council has stored engagement. The other partnership has no seats, so partners do not see it.
The granted partnership also runs a cohort of the college's nurse aide program (a second program, an
apprenticeship, has wage steps), hosted by the employer, with two of the community organization's participants
on its roster, one day of attendance, a completion with its credential and a skill gain.
The first participant has a full intake (SSN, date of birth, demographics, SNAP at entry), is co-enrolled in
SNAP E&T 50/50 and WIOA Adult, consented to share with the college (coordination) and with the employer (an
employer interview), received a supportive service from each stream, has two case notes (one confidential), a
placement at the employer with its retention checks (day 90 recorded) and a quarterly wage; a small wage import
finished for the second.
Every A row's str() contains "Alpha" and every B row's "Beta" (in email addresses, lower case), so a
leak shows up as text. ``stranger`` belongs nowhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from employers.models import Competency, CredentialType, DemandRun, DemandSnapshot, DemandSurvey, Skill, SkillNeed
from employers.services import competency_create
from participants.models import (
    CaseNote,
    Consent,
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
)
from partnerships import rls
from partnerships.models import (
    ActionItem,
    AuditEvent,
    Convener,
    Council,
    CouncilSeat,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Partnership,
    Representative,
    User,
)
from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantOwnedModel
from programs.models import (
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    Program,
    ProgramCredential,
    SkillGain,
)
from reports.models import ReportRun, ReportSnapshot
from reports.services import report_run_execute, report_run_request
from tests.factories import (
    ActionItemFactory,
    AuditEventFactory,
    CohortFactory,
    ConvenerFactory,
    CouncilSeatFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    PartnershipGoalFactory,
    ProgramFactory,
    RepresentativeFactory,
    UserFactory,
    add_note,
    aggregate,
    award_credential,
    cohort_status,
    council_of,
    enroll,
    enroll_stream,
    enrollment_status,
    enter_need,
    intake_details,
    invite,
    local_time,
    mark_attendance,
    open_survey,
    record_attendance,
    record_check,
    record_consent,
    record_placement,
    record_service,
    record_skill_gain,
    record_wage,
    refresh_engagement,
    run_import,
    set_labor_market_area,
)
from tests.oews import load_oews_extract
from tests.tenancy.harness import tenant_owned_models
from tests.world_cache import cached_world

LAFAYETTE_IN = "0029200"  # OEWS metro area: Lafayette-West Lafayette, IN
ATLANTA = "0012060"


def require_service(name: str, available: bool) -> None:
    """Skip a test whose backing service is missing, except on CI, where a missing service is a failure."""
    if available:
        return
    message = f"{name} is not available"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(message)


def clear_cache() -> None:
    """Forget this test process's cache entries, and only those.

    ``cache.clear()`` on Redis is FLUSHDB: it would also drop the other xdist worker's entries (both workers' test
    worlds have the same ids, so each keeps its keys under its own KEY_PREFIX, see config/settings/test.py).
    """
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if not hasattr(client, "get_client"):  # local memory: private to this process already
        cache.clear()
        return
    redis = client.get_client(write=True)
    keys = list(redis.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        redis.delete(*keys)


# Each role bound to an organization, and the type of organization the world binds it to.
ROLE_ORGANIZATION = {
    Role.EMPLOYER_REP: OrganizationType.EMPLOYER,
    Role.CASE_MANAGER: OrganizationType.COMMUNITY_ORG,
    Role.PROVIDER_STAFF: OrganizationType.COLLEGE,
    Role.FUNDER: OrganizationType.PHILANTHROPY,
}


@dataclass
class TenantSide:
    """One tenant of the world, with a handle on each row the tests need."""

    marker: str
    convener: Convener
    users: dict[str, User]
    memberships: dict[str, Membership]
    orgs: dict[str, Organization]
    partnerships: list[Partnership]
    invitation: Invitation
    invitation_token: str
    # Keyed by the organization type, like ``orgs``: the named person of each seated organization.
    representatives: dict[str, Representative] = field(default_factory=dict)
    # The granted partnership's councils, by kind, and one held meeting of each.
    councils: dict[str, Council] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    action_item: ActionItem | None = None
    audit_events: list[AuditEvent] = field(default_factory=list)
    # Demand (issue 4) on the granted partnership: a survey the employer was invited to and answered with a
    # submitted need (quarters, a credential, a skill, a competency), and one aggregation run and snapshot.
    competency: Competency | None = None
    survey: DemandSurvey | None = None
    need: SkillNeed | None = None
    run: DemandRun | None = None
    snapshot: DemandSnapshot | None = None
    # Programs (issue 5) on the granted partnership: the college's nurse aide program (a credential, a screening
    # requirement) and its apprenticeship (wage steps); a cohort in progress (2025-01-06..2025-03-28, sessions
    # Mon/Wed/Fri) hosted by the employer; two participants of the community organization on its roster
    # (the first completed, the second active), attendance on the first session, a credential and a skill gain.
    program: Program | None = None
    apprenticeship: Program | None = None
    program_credential: ProgramCredential | None = None
    cohort: Cohort | None = None
    cohort_employer: CohortEmployer | None = None
    session: CohortSession | None = None
    participants: list[Participant] = field(default_factory=list)
    enrollments: list[CohortEnrollment] = field(default_factory=list)
    credential_award: CredentialAward | None = None
    skill_gain: SkillGain | None = None
    # Participants (issue 6), all about participants[0] unless said otherwise, written by the community
    # organization's case manager: SSN 123-45-67NN (``ssn``), ``date_of_birth``; stream enrollments in SNAP E&T 50/50
    # and WIOA Adult (co-enrollment), keyed by stream code; the college's consent (identity, enrollment,
    # credentials; coordination) and the employer's (identity; employer interview); a paid service from each stream
    # (keyed by stream code); a shared and a confidential case note (texts in ``note_texts``); a placement at the
    # employer (SOC 31-1131) and its three checks (day 90 recorded); a UI wage record; and a finished import of one
    # wage row for participants[1].
    ssn: str = ""
    date_of_birth: date | None = None
    stream_enrollments: dict[str, StreamEnrollment] = field(default_factory=dict)
    college_consent: Consent | None = None
    employer_consent: Consent | None = None
    services: dict[str, SupportiveService] = field(default_factory=dict)
    note: CaseNote | None = None
    confidential_note: CaseNote | None = None
    placement: Placement | None = None
    retention_checks: list[RetentionCheck] = field(default_factory=list)
    wage: QuarterlyWage | None = None
    import_job: ImportJob | None = None
    # Outcome reports (issue 7): one report of the granted partnership (program year 2024-25, as of 2026-01-15),
    # asked for by the admin and computed: its run and its snapshot. Built on first use (``report``, ``report_run``,
    # ``primary(ReportSnapshot)``): computing a report is a dozen statements, and most tests never look at one.
    _reports: dict[str, Any] = field(default_factory=dict)

    @property
    def report(self) -> ReportSnapshot:
        if not self._reports:
            self._reports.update(build_reports(admin=self.admin, partnership=self.granted_partnership))
        return self._reports["report"]

    @property
    def report_run(self) -> ReportRun:
        self.report  # noqa: B018 (builds both)
        return self._reports["report_run"]

    @property
    def note_texts(self) -> list[str]:
        return [n.text for n in (self.note, self.confidential_note) if n is not None]

    @property
    def admin(self) -> User:
        return self.users[Role.CONVENER_ADMIN]

    @property
    def granted_partnership(self) -> Partnership:
        """The partnership the funder may see."""
        return self.partnerships[0]

    @property
    def other_partnership(self) -> Partnership:
        """The partnership the funder may not see."""
        return self.partnerships[1]

    def rows(self, model: type[TenantOwnedModel]) -> list[TenantOwnedModel]:
        return list(model.unscoped.filter(convener=self.convener).order_by("pk"))  # type: ignore[attr-defined]

    def all_rows(self) -> list[TenantOwnedModel]:
        return [row for model in tenant_owned_models() for row in self.rows(model)]

    def primary(self, model: type[TenantOwnedModel]) -> TenantOwnedModel:
        """The row a route's object kwarg points at: a well-known one where the world has it."""
        preferred: dict[type, TenantOwnedModel] = {
            Organization: self.orgs[OrganizationType.EMPLOYER],
            Partnership: self.granted_partnership,
            Membership: self.memberships[Role.EMPLOYER_REP],
            Invitation: self.invitation,
            Representative: self.representatives[OrganizationType.EMPLOYER],
            Council: self.councils[Council.Kind.INDUSTRY],
            Meeting: self.meetings[Council.Kind.INDUSTRY],
        }
        if self.action_item is not None:
            preferred[ActionItem] = self.action_item
        for demand_model, demand_row in ((Competency, self.competency), (DemandSurvey, self.survey),
                                         (SkillNeed, self.need), (DemandRun, self.run),
                                         (DemandSnapshot, self.snapshot)):
            if demand_row is not None:
                preferred[demand_model] = demand_row
        program_rows: tuple[tuple[type, Any], ...] = (
            (Program, self.program), (Cohort, self.cohort), (CohortEmployer, self.cohort_employer),
            (CohortSession, self.session), (CredentialAward, self.credential_award), (SkillGain, self.skill_gain),
            (Participant, self.participants[0] if self.participants else None),
            (CohortEnrollment, self.enrollments[0] if self.enrollments else None),
            (ProgramCredential, self.program_credential),
        )
        for program_model, program_row in program_rows:
            if program_row is not None:
                preferred[program_model] = program_row
        participant_rows: tuple[tuple[type, Any], ...] = (
            (StreamEnrollment, self.stream_enrollments.get("snap_et_50")), (Consent, self.college_consent),
            (SupportiveService, self.services.get("snap_et_50")), (CaseNote, self.note),
            (Placement, self.placement), (RetentionCheck, self.retention_checks[0] if self.retention_checks else None),
            (QuarterlyWage, self.wage), (ImportJob, self.import_job),
        )
        for participant_model, participant_row in participant_rows:
            if participant_row is not None:
                preferred[participant_model] = participant_row
        if model is ReportRun:
            return self.report_run
        if model is ReportSnapshot:
            return self.report
        if model in preferred:
            return preferred[model]
        rows = self.rows(model)
        if not rows:
            raise LookupError(
                f"The world has no {model._meta.label} row for {self.convener}: "
                f"add one in tests/conftest.py (build_tenant) through tests/factories.py."
            )
        return rows[0]


@dataclass
class World:
    a: TenantSide
    b: TenantSide
    stranger: User

    def sides(self) -> tuple[TenantSide, TenantSide]:
        return self.a, self.b


ORG_NAMES = {
    OrganizationType.EMPLOYER: "{m} Regional Hospital",
    OrganizationType.COMMUNITY_ORG: "{m} Goodwill Industries",
    OrganizationType.COLLEGE: "{m} Community College",
    OrganizationType.PHILANTHROPY: "{m} Community Foundation",
}


def build_tenant(*, name: str, slug: str) -> TenantSide:
    marker = name.split()[0]
    domain = f"{slug}.example"
    convener = ConvenerFactory(name=name, slug=slug, region=f"{marker} County")
    users = {
        role: UserFactory(email=f"{role.replace('_', '.')}@{domain}", full_name=f"{marker} {role.label}")
        for role in Role
    }
    admin = users[Role.CONVENER_ADMIN]
    rls.set_tenant(convener, user_id=admin.pk)  # PostgreSQL's audit triggers name the admin as the builder
    orgs = {
        org_type: OrganizationFactory(convener=convener, org_type=org_type, name=pattern.format(m=marker), actor=admin)
        for org_type, pattern in ORG_NAMES.items()
    }
    partnerships = [
        PartnershipFactory(convener=convener, name=f"{marker} Healthcare Partnership", actor=admin),
        PartnershipFactory(convener=convener, name=f"{marker} Advanced Manufacturing Partnership",
                           industry_label="Advanced Manufacturing", actor=admin),
    ]
    memberships = {}
    for role in Role:
        org_type = ROLE_ORGANIZATION.get(role)
        memberships[role] = MembershipFactory(
            convener=convener, user=users[role], role=role,
            organization=orgs[org_type] if org_type else None,
            partnerships=[partnerships[0]] if role == Role.FUNDER else None,
        )
    invitation, token = invite(
        convener=convener, actor=admin, email=f"new.hire@{domain}", role=Role.EMPLOYER_REP,
        organization=orgs[OrganizationType.EMPLOYER],
    )
    # The services above audited their writes; add a membership change as the people page would.
    AuditEventFactory(convener=convener, actor=admin, action="membership.update",
                      target=memberships[Role.EMPLOYER_REP])
    representatives, councils, meetings, action_item = build_councils(
        marker=marker, domain=domain, admin=admin, users=users, orgs=orgs, partnership=partnerships[0]
    )
    # Programs first: the cohort's seats are pipeline supply, and the aggregation below runs the request it made.
    programs = build_programs(marker=marker, admin=admin, memberships=memberships, orgs=orgs,
                              partnership=partnerships[0])
    demand = build_demand(marker=marker, admin=admin, memberships=memberships, partnership=partnerships[0])
    people = build_participants(marker=marker, memberships=memberships, orgs=orgs,
                                participants=programs["participants"], enrollments=programs["enrollments"])
    return TenantSide(
        marker=marker, convener=convener, users=users, memberships=memberships, orgs=orgs,
        partnerships=partnerships, invitation=invitation, invitation_token=token,
        representatives=representatives, councils=councils, meetings=meetings, action_item=action_item,
        audit_events=list(AuditEvent.unscoped.filter(convener=convener).order_by("pk")), **demand, **programs,
        **people,
    )


def build_reports(*, admin: User, partnership: Partnership) -> dict[str, Any]:
    """One computed outcome report of the granted partnership, through the services a page uses."""
    run = report_run_request(convener=partnership.convener, actor=admin, scope="partnership",
                             scope_id=partnership.pk, period_kind="program_year", program_year=2024,
                             as_of=date(2026, 1, 15), enqueue=False)
    snapshot = report_run_execute(convener=partnership.convener, run=run)
    run.refresh_from_db()
    return {"report_run": run, "report": snapshot}


def build_programs(*, marker: str, admin: User, memberships: dict[str, Membership], orgs: dict[str, Organization],
                   partnership: Partnership) -> dict[str, Any]:
    """The college's programs and a cohort of the granted partnership, with a roster kept by the college."""
    college, employer = orgs[OrganizationType.COLLEGE], orgs[OrganizationType.EMPLOYER]
    provider = memberships[Role.PROVIDER_STAFF]
    program = ProgramFactory(
        provider=college, actor=admin, name=f"{marker} Nurse Aide Training", program_type="pre_employment",
        cip_code="51.3902", length_weeks=12, contact_hours=160, cost_per_participant=Decimal("2400.00"),
        target_occupations=["31-1131"], funding_streams=["snap_et_50", "wioa_adult"],
        credentials=[{"name": f"{marker} state nurse aide certification", "issuer": f"{marker} State Board of Nursing",
                      "ctdl_type": CredentialType.LICENSE}],
        requirements=[{"kind": "screening", "description": f"{marker}: pass a background check",
                       "employers": [employer]}],
    )
    apprenticeship = ProgramFactory(
        provider=college, actor=admin, name=f"{marker} Patient Care Technician Apprenticeship",
        program_type="registered_apprenticeship", length_weeks=52, target_occupations=["31-1131"],
        rapids_number="2025-IN-0001",
        wage_steps=[{"step": 1, "after_hours": 0, "hourly_wage": "17.00"},
                    {"step": 2, "after_hours": 1000, "hourly_wage": "18.50"}],
    )
    cohort = CohortFactory(
        program=program, partnership=partnership, actor=admin, name=f"{marker} Nurse Aide Winter 2025",
        target_occupation="31-1131", start_date=date(2025, 1, 6), end_date=date(2025, 3, 28), seats=12,
        location=f"{marker} Community College, Health Sciences 104",
        weekly_pattern={"0": "classroom", "2": "classroom", "4": "worksite"},
        employers=[{"employer": employer, "kind": "host", "guaranteed_interviews": 10, "planned_hires": 6}],
    )
    cohort = cohort_status(cohort, Cohort.Status.IN_PROGRESS, actor=admin)
    case_manager = memberships[Role.CASE_MANAGER]  # the community organization owns its people's records
    participants = [ParticipantFactory(membership=case_manager, first_name=first, last_name=f"{marker}-{last}")
                    for first, last in (("Jordan", "Rivera"), ("Sam", "Okafor"))]
    enrollments = [enroll(cohort, p, membership=provider, on=date(2025, 1, 2)) for p in participants]
    session = CohortSession.objects.for_convener(cohort.convener).filter(cohort=cohort).order_by("day").first()
    mark_attendance(session, {enrollments[0]: "present", enrollments[1]: "late"}, membership=provider)
    enrollments[1] = enrollment_status(enrollments[1], "active", membership=provider, on=date(2025, 1, 6))
    enrollments[0] = enrollment_status(enrollments[0], "completed", membership=provider, on=date(2025, 3, 28))
    credential = ProgramCredential.objects.for_convener(program.convener).get(program=program)
    award = award_credential(enrollments[0], membership=provider, awarded_on=date(2025, 3, 28),
                             program_credential=credential)
    gain = record_skill_gain(enrollments[0], membership=provider, achieved_on=date(2025, 2, 14),
                             note=f"{marker}: skills check-off passed")
    return {
        "program": program, "apprenticeship": apprenticeship, "program_credential": credential, "cohort": cohort,
        "cohort_employer": CohortEmployer.objects.for_convener(cohort.convener).get(cohort=cohort),
        "session": session, "participants": participants, "enrollments": enrollments,
        "credential_award": award, "skill_gain": gain,
    }


# Per tenant, so that one tenant's SSN or birth date never matches the other's by accident.
WORLD_SSN = {"Alpha": "123-45-6701", "Beta": "123-45-6702"}
WORLD_BIRTH_DATE = {"Alpha": date(1990, 5, 14), "Beta": date(1988, 11, 23)}


def build_participants(*, marker: str, memberships: dict[str, Membership], orgs: dict[str, Organization],
                       participants: list[Participant], enrollments: list[CohortEnrollment]) -> dict[str, Any]:
    """The case manager's daily work on the first person of the cohort, through participants.services."""
    cm = memberships[Role.CASE_MANAGER]
    person = intake_details(
        participants[0], membership=cm, ssn=WORLD_SSN[marker], date_of_birth=WORLD_BIRTH_DATE[marker],
        intake_date=date(2025, 1, 2), email=f"jordan.rivera@{marker.lower()}-mail.example", phone="765-555-0142",
        city=f"{marker}ville", state="IN", postal_code="47901", sex="female", ethnicity="hispanic", race="white",
        education_at_entry="hse", employment_status_at_entry="not_employed", barrier_low_income=True,
        barrier_single_parent=True, barrier_child_care=True, benefit_snap=True, snap_participation="voluntary",
    )
    streams = {code: enroll_stream(person, code, membership=cm, entry_date=day)
               for code, day in (("snap_et_50", date(2025, 1, 2)), ("wioa_adult", date(2025, 1, 6)))}
    college_consent = record_consent(
        person, membership=cm, recipients=[orgs[OrganizationType.COLLEGE]],
        categories=["identity", "enrollment", "credentials"], purposes=["coordination"], signed_on=date(2025, 1, 2))
    employer_consent = record_consent(
        person, membership=cm, recipients=[orgs[OrganizationType.EMPLOYER]], categories=["identity"],
        purposes=["employer_interview"], signed_on=date(2025, 3, 3))
    services = {
        "snap_et_50": record_service(person, membership=cm, stream="snap_et_50", service_type="transportation",
                                     amount="45.00", provided_on=date(2025, 1, 10),
                                     vendor=f"{marker} Transit Authority"),
        "wioa_adult": record_service(person, membership=cm, stream="wioa_adult", service_type="child_care",
                                     amount="320.00", provided_on=date(2025, 1, 17),
                                     vendor=f"{marker} Little Learners Child Care"),
    }
    note = add_note(person, membership=cm, noted_on=date(2025, 1, 6),
                    text=f"{marker}: bus pass issued; on track for the clinical rotation.")
    confidential = add_note(person, membership=cm, noted_on=date(2025, 1, 13), confidential=True,
                            text=f"{marker}: disclosed a housing emergency; referred to the shelter hotline.")
    placement = record_placement(person, membership=cm, employer=orgs[OrganizationType.EMPLOYER],
                                 occupation="31-1131", start_date=date(2025, 4, 14), hourly_wage="17.25",
                                 hours_per_week="36", cohort_enrollment=enrollments[0])
    checks = list(RetentionCheck.objects.for_convener(person.convener).filter(placement=placement)
                  .order_by("milestone_days"))
    checks[0] = record_check(checks[0], membership=cm, employed=True, same_employer=True, current_wage="17.75",
                             checked_on=date(2025, 7, 14))
    wage = record_wage(person, membership=cm, year=2025, quarter=3, wages="8970.00", employer_fein="35-1234567")
    job = run_import(membership=cm, kind=ImportJob.Kind.WAGES, filename=f"{marker.lower()}-wages-2025q2.csv",
                     rows=[[participants[1].public_id, "2025", "2", "1040.00", "", "supplemental"]])
    person.refresh_from_db()
    participants[0] = person
    return {
        "ssn": WORLD_SSN[marker], "date_of_birth": WORLD_BIRTH_DATE[marker], "stream_enrollments": streams,
        "college_consent": college_consent, "employer_consent": employer_consent, "services": services,
        "note": note, "confidential_note": confidential, "placement": placement, "retention_checks": checks,
        "wage": wage, "import_job": job,
    }


def build_demand(*, marker: str, admin: User, memberships: dict[str, Membership],
                 partnership: Partnership) -> dict[str, Any]:
    """Demand on the granted partnership (Lafayette, IN metro): the seated employer answers the open survey."""
    set_labor_market_area(partnership, LAFAYETTE_IN)
    convener = partnership.convener
    competency = competency_create(convener=convener, actor=admin, name=f"{marker} infection control")
    survey = open_survey(partnership, actor=admin, title=f"{marker} 2027 hiring outlook")
    need = enter_need(
        survey=survey, membership=memberships[Role.EMPLOYER_REP], occupation="31-1131",
        quarters={"2027Q1": (3, 2), "2027Q2": (1, 1)}, wage_min="17.00", wage_max="19.50",
        work_location=f"{marker} main campus", skills=list(Skill.objects.filter(name="Service Orientation")),
        competencies=[competency], credentials=[(f"{marker} state nurse aide certification", CredentialType.LICENSE)],
        internship_slots=2,
    )
    snapshot = aggregate(partnership)
    return {"competency": competency, "survey": survey, "need": need, "run": snapshot.run, "snapshot": snapshot}


# Who represents each seated organization: (organization type, name after the marker, the role whose user it is).
REPRESENTATIVES = {
    OrganizationType.EMPLOYER: ("Dana Recruiter", Role.EMPLOYER_REP, "Talent Acquisition Manager"),
    OrganizationType.COMMUNITY_ORG: ("Casey Navigator", Role.CASE_MANAGER, "Career Navigator"),
    OrganizationType.COLLEGE: ("Morgan Dean", Role.PROVIDER_STAFF, "Dean of Workforce Education"),
}
SEATS = {
    OrganizationType.EMPLOYER: (Council.Kind.INDUSTRY, CouncilSeat.SeatRole.CHAIR),
    OrganizationType.COMMUNITY_ORG: (Council.Kind.WORKFORCE, CouncilSeat.SeatRole.LEAD_PARTNER),
    OrganizationType.COLLEGE: (Council.Kind.WORKFORCE, CouncilSeat.SeatRole.MEMBER),
}


def build_councils(
    *, marker: str, domain: str, admin: User, users: dict[str, User], orgs: dict[str, Organization],
    partnership: Partnership,
) -> tuple[dict[str, Representative], dict[str, Council], dict[str, Meeting], ActionItem]:
    """Seats, representatives, a goal, one held meeting per council with attendance, an action item, engagement."""
    representatives = {
        org_type: RepresentativeFactory(
            organization=orgs[org_type], full_name=f"{marker} {name}", title=title, user=users[role],
            email=f"{name.split()[0].lower()}@{domain}", phone="503-555-0100", actor=admin,
        )
        for org_type, (name, role, title) in REPRESENTATIVES.items()
    }
    councils = {kind: council_of(partnership, kind) for kind in Council.Kind.values}
    for org_type, (kind, seat_role) in SEATS.items():
        CouncilSeatFactory(council=councils[kind], organization=orgs[org_type], seat_role=seat_role,
                           representatives=[representatives[org_type]], joined_on=date(2024, 1, 8), actor=admin)
    PartnershipGoalFactory(partnership=partnership, description=f"{marker}: 80% of participants complete training",
                           target_value=80, unit="%", target_date=date(2027, 6, 30), actor=admin)
    meetings = {
        Council.Kind.INDUSTRY: MeetingFactory(
            council=councils[Council.Kind.INDUSTRY], title=f"{marker} industry council, spring meeting",
            starts_at=local_time(date(2025, 3, 12)), status=Meeting.Status.HELD,
            agenda="1. Hiring outlook\n2. Clinical placements", actor=admin),
        Council.Kind.WORKFORCE: MeetingFactory(
            council=councils[Council.Kind.WORKFORCE], title=f"{marker} workforce partners, spring meeting",
            starts_at=local_time(date(2025, 3, 19)), status=Meeting.Status.HELD, actor=admin),
    }
    record_attendance(meetings[Council.Kind.INDUSTRY], actor=admin,
                      representatives=[representatives[OrganizationType.EMPLOYER]])
    record_attendance(meetings[Council.Kind.WORKFORCE], actor=admin,
                      representatives=[representatives[OrganizationType.COMMUNITY_ORG]],
                      organizations=[orgs[OrganizationType.COLLEGE]])
    action_item = ActionItemFactory(
        partnership=partnership, meeting=meetings[Council.Kind.INDUSTRY],
        title=f"{marker}: share Q3 hiring projections", due_on=date(2025, 4, 15),
        owner_representative=representatives[OrganizationType.EMPLOYER], actor=admin)
    refresh_engagement(councils[Council.Kind.INDUSTRY], today=date(2025, 4, 1))
    return representatives, councils, meetings, action_item


@pytest.fixture
def world(db: None) -> World:
    return cached_world(build_world)  # built once per test process on PostgreSQL, then copied in (world_cache.py)


def build_world() -> World:
    load_oews_extract()  # public reference data (SOC occupations, OEWS wages): 10 areas, about 15 ms
    world = World(
        a=build_tenant(name="Alpha Workforce Board", slug="alpha"),
        b=build_tenant(name="Beta Sector Partners", slug="beta"),
        stranger=UserFactory(email="stranger@nowhere.example", full_name="Sam Stranger"),
    )
    rls.reset()  # tests start with no tenant on the connection, as a request does
    return world


@pytest.fixture
def user_read_every_request(settings: Any) -> None:
    """Query counts that include reading the signed-in user on every request, whatever the order of the requests:
    the cache that usually spares it (partnerships/security/backends.py) is tested in
    tests/partnerships/test_auth_cache.py and counted in tests/perf/test_query_counts.py."""
    settings.AUTH_USER_CACHE_SECONDS = 0


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A Django test client signed in as ``user`` (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Callable[[User | None], APIClient]:
    """A DRF test client authenticated as ``user`` (anonymous for None)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def pytest_configure(config: pytest.Config) -> None:
    """The attack suite's run id, chosen before any xdist worker starts (tests/security/attack_report.py)."""
    from tests.security.attack_report import configure_run

    configure_run(config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Sum the attack suite's per-item counts (written by any worker) into var/security/attack_suite.json; a leak, or
    a whole suite of fewer than 2,000 attempts, fails the run."""
    from tests.security.attack_report import finish_run

    finish_run(session)

"""The report engine against a small fixture computed by hand, measure by measure (DOMAIN.md §4).

One convener ("Gamma Workforce Board") runs one healthcare partnership (NAICS 62). Every row is written through
the services users go through (tests/factories.py); the services' clock is pinned to 2026-09-01 (their "not in
the future" checks) and every report passes ``as_of=2026-09-01`` (2026Q3: quarters up to 2026Q2 have closed).
The report is program year 2024 (2024-07-01..2025-06-30) unless a test says otherwise.

Programs and cohorts (college provider):
- Nurse Aide Training: pre-employment, $2,400 per participant, targets SOC 31-1131, one credential.
  C0 spring 2024 (before the period), C1 fall 2024 (2024-09-09..2024-12-13), C2 spring 2025 (2025-02-03..05-02).
- Medical Assistant OJT: type "ojt", $1,500 per participant, targets 31-9092. C3 (2024-10-01..2025-03-28).
Employers: Hospital (NAICS 622110, large, FEIN A), Clinic (621111, small, FEIN B), Family Practice (621111, mid,
FEIN C); Dee's diner is no partner organization (FEIN D).

The people (WIOA Adult stream unless said; "Q2"/"Q4" = calendar quarters after the quarter of exit):
- Ana   F black  C1 completed 12-13; credential 12-13; gain 10-15; Hospital 31-1131 $17.00 from 2025-01-06 (day 90
                  and 180: same employer); exit 2025-03-14 (2025Q1): Q2 2025Q3 A $8,840, Q4 2026Q1 A $8,840.
- Ben   M white  C1 completed; credential 2025-02-10 (after training, within the year); Clinic 31-1131 $18.50
                  from 2025-01-13 (day 90 same, day 180 employed elsewhere); exit 2025-06-30 (THE JUNE EXIT, 2025Q2):
                  Q1 2025Q3 B $4,000 (not a measured quarter), Q2 2025Q4 B $9,000, Q4 2026Q2 A $9,500 (CHANGE OF
                  EMPLOYER: employed in Q4, not retained with the same employer).
- Cy    M asian  C1 completed; credential 2025-12-20 (more than a year after training: not counted); Hospital
                  31-1131 $16.00 from 2025-04-14 (after the 90-day window: not hired); day 90 not employed; exit
                  2025-07-01 (THE JULY EXIT, PY2025): Q2 2026Q1 A $8,320.
- Dee   F black  C1 WITHDRAWN 2024-10-18; diner 37-2011 $15.50 from 2024-10-21 (day 90 same, day 180 not employed);
                  exit 2024-10-18 (2024Q4): Q2 2025Q2 D $4,000 + supplemental (no FEIN) $2,500 = $6,500, Q3 2025Q3
                  D $3,000 (not measured), Q4 2025Q4 nothing (EMPLOYED IN Q2, NOT IN Q4).
- Eve   F white  C1 withdrawn 2024-11-01; gain 10-01; Clinic 31-1131 $16.50 from 2025-01-06 (days 90 and 180 same);
                  exit 2024-11-01 with the WIOA EXCLUSION "health"; Q2 2025Q2 B $3,000. Enrolled, an exiter, and
                  in no rate.
- Fay   F asian  OJT-ONLY: C3 completed 2025-03-28; a CPR credential 2025-02-01 (she leaves the credential rates
                  anyway); OJT placement at Family Practice 31-9092 $15.00 from 2024-10-01 (days 90/180 same);
                  exit 2025-04-30 (2025Q2): Q2 2025Q4 C $7,800, Q4 2026Q2 C $7,800.
- Gus   M black  C2 active (still in training); gain 2025-04-01; paid internship at the Hospital $14.00 from
                  2025-03-03 (day 90 same, day 180 unrecorded); stream open (no exit).
- Hal   M white  Started BEFORE the period: C0 2024-03-04..05-31; credential 2024-08-15; exit 2024-09-30
                  (2024Q3, an exiter of PY2024 who did not start in it): Q2 2025Q1 A $7,000, Q4 2025Q3 A $7,000.
- Ivy   F black  Applied to C2 only: never started, in no figure (she does not make the black cell 10).
- Jo    F black  SNAP (mandatory, ABAWD). C2 completed 05-02; credential 05-02; gain 03-03; Hospital 31-1131 $17.50
                  from 2025-06-02 (days 90/180 same). Co-enrolled: SNAP E&T 100% exit 2025-05-30 (SNAP exiter,
                  2025Q2), WIOA Adult exit 2025-08-29 (so her WIOA exit is in PY2025); SNAP Q2 2025Q4 A $6,000,
                  SNAP Q4 2026Q2 A $6,000.
- Kim   M white  SNAP (voluntary). C2 completed; Hospital as a janitor (37-2011, not a target occupation, but a
                  NAICS 62 employer: hired in the industry) $15.20 from 2025-05-19 (day 90 employed elsewhere);
                  only stream SNAP E&T 50/50, exit 2025-05-30 (2025Q2): Q2 2025Q4 no FEIN $5,000, Q4 nothing.
- 21 fillers in C2, completed, nothing else: 5 black women, 8 white men, 8 asian people with no sex recorded.
Race of the 30 people who started: black 9 (the cell of nine), white 11, asian 10.

Supportive services (in the period, approved or paid): Ana transportation $60 (WIOA), Eve transportation $25
(WIOA), Hal books $80 (WIOA), Jo child care $300 (SNAP 100%) and transportation $40 (WIOA), Kim tools $120
approved (SNAP 50/50) = $625. Left out: Hal tuition $200 on 2024-04-01 (before), Kim uniform $50 (requested),
Cy uniform $45 on 2025-07-01 (after).

The same expected values are asserted whatever the database: the suite runs on SQLite by default and on
PostgreSQL when DATABASE_URL says so (CI), so passing on both is the check that both backends agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection

from employers.models import CredentialType
from participants.models import Participant, Placement, RetentionCheck, StreamEnrollment
from participants.services import stream_exit_record
from partnerships.models import Convener, Membership, Organization
from partnerships.roles import OrganizationType, Role
from partnerships.suppression import suppress_cells
from programs.models import Cohort, CohortEnrollment, Program, ProgramCredential
from reports import engine
from reports.engine import ReportInputs, compute_figures
from reports.periods import program_year_bounds, program_year_of, quarter_after_exit, quarter_bounds
from tests.factories import (
    CohortFactory,
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    ProgramFactory,
    award_credential,
    enroll,
    enroll_stream,
    enrollment_status,
    intake_details,
    record_check,
    record_placement,
    record_service,
    record_skill_gain,
    record_wage,
)
from tests.oews import load_oews_extract

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
AS_OF = date(2026, 9, 1)  # 2026Q3: every quarter up to 2026Q2 has closed
PY2024 = (date(2024, 7, 1), date(2025, 6, 30))
PY2025 = (date(2025, 7, 1), date(2026, 6, 30))
FEIN_A, FEIN_B, FEIN_C, FEIN_D = "35-1111111", "35-2222222", "35-3333333", "35-4444444"

FILLERS = (("black", "female", 5), ("white", "male", 8), ("asian", "", 8))


@dataclass
class Gamma:
    convener: Convener
    admin: Membership
    case_manager: Membership
    provider: Membership
    employers: dict[str, Organization]
    nurse_aide: Program
    ojt: Program
    cohorts: dict[str, Cohort]
    people: dict[str, Participant] = field(default_factory=dict)
    enrollments: dict[str, CohortEnrollment] = field(default_factory=dict)
    streams: dict[tuple[str, str], StreamEnrollment] = field(default_factory=dict)


@pytest.fixture
def gamma(db: None, monkeypatch: pytest.MonkeyPatch) -> Gamma:
    # The services refuse dates "in the future" of the machine's clock: pin it, so nothing depends on today.
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    load_oews_extract()  # SOC occupations (31-1131, 31-9092, 37-2011)
    return build_gamma()


def build_gamma() -> Gamma:
    convener = ConvenerFactory(name="Gamma Workforce Board", slug="gamma")
    admin = MembershipFactory(convener=convener, role=Role.CONVENER_ADMIN)
    actor = admin.user
    college = OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, name="Gamma College",
                                  actor=actor)
    agency = OrganizationFactory(convener=convener, org_type=OrganizationType.COMMUNITY_ORG, name="Gamma Goodwill",
                                 actor=actor)
    employers = {
        key: OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, name=name, naics_code=naics,
                                 size_band=size, ein=fein, actor=actor)
        for key, name, naics, size, fein in (
            ("hospital", "Gamma Hospital", "622110", "large", FEIN_A),
            ("clinic", "Gamma Clinic", "621111", "small", FEIN_B),
            ("practice", "Gamma Family Practice", "621111", "mid", FEIN_C),
        )
    }
    partnership = PartnershipFactory(convener=convener, name="Gamma Healthcare Partnership", industry_naics="62",
                                     actor=actor)
    provider = MembershipFactory(convener=convener, role=Role.PROVIDER_STAFF, organization=college)
    case_manager = MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=agency)
    nurse_aide = ProgramFactory(
        provider=college, actor=actor, name="Gamma Nurse Aide Training", program_type="pre_employment",
        cost_per_participant="2400.00", target_occupations=["31-1131"], funding_streams=["wioa_adult"],
        credentials=[{"name": "State nurse aide certification", "issuer": "Gamma State Board of Nursing",
                      "ctdl_type": CredentialType.LICENSE}],
    )
    ojt = ProgramFactory(provider=college, actor=actor, name="Gamma Medical Assistant OJT", program_type="ojt",
                         cost_per_participant="1500.00", target_occupations=["31-9092"])
    cohorts = {
        key: CohortFactory(program=program, partnership=partnership, actor=actor, name=name, target_occupation=soc,
                           start_date=start, end_date=end, seats=30)
        for key, program, name, soc, start, end in (
            ("C0", nurse_aide, "Nurse Aide Spring 2024", "31-1131", date(2024, 3, 4), date(2024, 5, 31)),
            ("C1", nurse_aide, "Nurse Aide Fall 2024", "31-1131", date(2024, 9, 9), date(2024, 12, 13)),
            ("C2", nurse_aide, "Nurse Aide Spring 2025", "31-1131", date(2025, 2, 3), date(2025, 5, 2)),
            ("C3", ojt, "Medical Assistant OJT 2024", "31-9092", date(2024, 10, 1), date(2025, 3, 28)),
        )
    }
    g = Gamma(convener=convener, admin=admin, case_manager=case_manager, provider=provider, employers=employers,
              nurse_aide=nurse_aide, ojt=ojt, cohorts=cohorts)
    build_people(g)
    return g


# -- small helpers, each one service call as a case manager or the provider would make it ----------------------
def person(g: Gamma, name: str, *, race: str, sex: str = "", **intake: Any) -> Participant:
    p = ParticipantFactory(membership=g.case_manager, first_name=name, last_name="Gamma")
    p = intake_details(p, membership=g.case_manager, race=race, sex=sex, **intake)
    g.people[name] = p
    return p


def start(g: Gamma, name: str, cohort: str, on: date) -> CohortEnrollment:
    e = enroll(g.cohorts[cohort], g.people[name], membership=g.provider, on=on)
    g.enrollments[name] = e
    return e


def finish(g: Gamma, name: str, status: str, on: date, reason: str = "") -> CohortEnrollment:
    e = enrollment_status(g.enrollments[name], status, membership=g.provider, on=on, reason=reason)
    g.enrollments[name] = e
    return e


def credential(g: Gamma, who: str, on: date, **kwargs: Any) -> None:
    e = g.enrollments[who]
    if not kwargs:
        kwargs["program_credential"] = ProgramCredential.objects.for_convener(g.convener).get(program=g.nurse_aide)
    award_credential(e, membership=g.provider, awarded_on=on, **kwargs)


def gain(g: Gamma, name: str, on: date) -> None:
    record_skill_gain(g.enrollments[name], membership=g.provider, achieved_on=on)


def stream(g: Gamma, name: str, code: str, entry: date) -> None:
    g.streams[(name, code)] = enroll_stream(g.people[name], code, membership=g.case_manager, entry_date=entry)


def exit_stream(g: Gamma, name: str, code: str, on: date, exclusion: str = "") -> None:
    # No factory helper records an exit: the service a case manager uses does (it also takes the exclusion).
    g.streams[(name, code)] = stream_exit_record(
        convener=g.convener, actor=g.case_manager.user, membership=g.case_manager,
        enrollment=g.streams[(name, code)], exit_date=on, reason="" if exclusion else "Entered employment",
        exclusion_reason=exclusion)


def job(g: Gamma, name: str, *, soc: str, on: date, wage: str, at: str | None = None, **kwargs: Any) -> Placement:
    employer = {"employer": g.employers[at]} if at else {"employer_name": "Main Street Diner"}
    return record_placement(g.people[name], membership=g.case_manager, occupation=soc, start_date=on,
                            hourly_wage=wage, **employer, **kwargs)


def checks(g: Gamma, placement: Placement, **days: tuple[bool, bool]) -> None:
    """``day90=(employed, same_employer)``; a milestone not given stays unrecorded."""
    rows = {c.milestone_days: c for c in RetentionCheck.objects.for_convener(g.convener).filter(placement=placement)}
    for key, (employed, same) in days.items():
        check = rows[int(key.removeprefix("day"))]
        record_check(check, membership=g.case_manager, employed=employed, same_employer=same if employed else None,
                     current_wage=str(placement.hourly_wage) if employed else None, checked_on=check.due_on)


def wage(g: Gamma, name: str, year: int, quarter: int, amount: str, fein: str = "") -> None:
    record_wage(g.people[name], membership=g.case_manager, year=year, quarter=quarter, wages=amount,
                employer_fein=fein, source="ui_match" if fein else "supplemental")


def service(g: Gamma, name: str, code: str, kind: str, amount: str, on: date, status: str = "paid") -> None:
    record_service(g.people[name], membership=g.case_manager, stream=code, service_type=kind, amount=amount,
                   provided_on=on, status=status)


def build_people(g: Gamma) -> None:
    # Ana: completes C1 with the credential, hired at the Hospital, retained; exits 2025-03-14.
    person(g, "Ana", race="black", sex="female")
    stream(g, "Ana", "wioa_adult", date(2024, 9, 3))
    start(g, "Ana", "C1", date(2024, 9, 9))
    service(g, "Ana", "wioa_adult", "transportation", "60.00", date(2024, 9, 20))
    gain(g, "Ana", date(2024, 10, 15))
    finish(g, "Ana", "completed", date(2024, 12, 13))
    credential(g, "Ana", date(2024, 12, 13))
    p = job(g, "Ana", soc="31-1131", on=date(2025, 1, 6), wage="17.00", at="hospital")
    checks(g, p, day90=(True, True), day180=(True, True))
    exit_stream(g, "Ana", "wioa_adult", date(2025, 3, 14))
    wage(g, "Ana", 2025, 3, "8840.00", FEIN_A)
    wage(g, "Ana", 2026, 1, "8840.00", FEIN_A)

    # Ben: the June exit, and the change of employer between Q2 and Q4.
    person(g, "Ben", race="white", sex="male")
    stream(g, "Ben", "wioa_adult", date(2024, 9, 3))
    start(g, "Ben", "C1", date(2024, 9, 9))
    finish(g, "Ben", "completed", date(2024, 12, 13))
    credential(g, "Ben", date(2025, 2, 10))
    p = job(g, "Ben", soc="31-1131", on=date(2025, 1, 13), wage="18.50", at="clinic")
    checks(g, p, day90=(True, True), day180=(True, False))
    exit_stream(g, "Ben", "wioa_adult", date(2025, 6, 30))
    wage(g, "Ben", 2025, 3, "4000.00", FEIN_B)  # Q1 after exit: measured by nothing
    wage(g, "Ben", 2025, 4, "9000.00", FEIN_B)
    wage(g, "Ben", 2026, 2, "9500.00", FEIN_A)

    # Cy: the July exit; hired too late; a credential too late.
    person(g, "Cy", race="asian", sex="male")
    stream(g, "Cy", "wioa_adult", date(2024, 9, 3))
    start(g, "Cy", "C1", date(2024, 9, 9))
    finish(g, "Cy", "completed", date(2024, 12, 13))
    credential(g, "Cy", date(2025, 12, 20))
    p = job(g, "Cy", soc="31-1131", on=date(2025, 4, 14), wage="16.00", at="hospital")
    checks(g, p, day90=(False, False))
    service(g, "Cy", "wioa_adult", "uniform", "45.00", date(2025, 7, 1))
    exit_stream(g, "Cy", "wioa_adult", date(2025, 7, 1))
    wage(g, "Cy", 2026, 1, "8320.00", FEIN_A)

    # Dee: the withdrawal; employed in Q2 after exit but not in Q4.
    person(g, "Dee", race="black", sex="female")
    stream(g, "Dee", "wioa_adult", date(2024, 9, 3))
    start(g, "Dee", "C1", date(2024, 9, 9))
    finish(g, "Dee", "withdrawn", date(2024, 10, 18), reason="Took a full-time job")
    p = job(g, "Dee", soc="37-2011", on=date(2024, 10, 21), wage="15.50")
    checks(g, p, day90=(True, True), day180=(False, False))
    exit_stream(g, "Dee", "wioa_adult", date(2024, 10, 18))
    wage(g, "Dee", 2025, 2, "4000.00", FEIN_D)
    wage(g, "Dee", 2025, 2, "2500.00")  # supplemental, no FEIN: still employment, never "same employer"
    wage(g, "Dee", 2025, 3, "3000.00", FEIN_D)  # Q3 after exit: measured by nothing

    # Eve: the WIOA exclusion (health). She still counts as enrolled and as an exiter.
    person(g, "Eve", race="white", sex="female")
    stream(g, "Eve", "wioa_adult", date(2024, 9, 3))
    start(g, "Eve", "C1", date(2024, 9, 9))
    service(g, "Eve", "wioa_adult", "transportation", "25.00", date(2024, 9, 15))
    gain(g, "Eve", date(2024, 10, 1))
    finish(g, "Eve", "withdrawn", date(2024, 11, 1), reason="Medical leave")
    p = job(g, "Eve", soc="31-1131", on=date(2025, 1, 6), wage="16.50", at="clinic")
    checks(g, p, day90=(True, True), day180=(True, True))
    exit_stream(g, "Eve", "wioa_adult", date(2024, 11, 1), exclusion="health")
    wage(g, "Eve", 2025, 2, "3000.00", FEIN_B)

    # Fay: OJT only.
    person(g, "Fay", race="asian", sex="female")
    stream(g, "Fay", "wioa_adult", date(2024, 10, 1))
    start(g, "Fay", "C3", date(2024, 10, 1))
    p = job(g, "Fay", soc="31-9092", on=date(2024, 10, 1), wage="15.00", at="practice", placement_type="ojt")
    credential(g, "Fay", date(2025, 2, 1), name="CPR", issuer="Red Cross", ctdl_type=CredentialType.CERTIFICATION)
    finish(g, "Fay", "completed", date(2025, 3, 28))
    checks(g, p, day90=(True, True), day180=(True, True))
    exit_stream(g, "Fay", "wioa_adult", date(2025, 4, 30))
    wage(g, "Fay", 2025, 4, "7800.00", FEIN_C)
    wage(g, "Fay", 2026, 2, "7800.00", FEIN_C)

    # Gus: still in training; a paid internship.
    person(g, "Gus", race="black", sex="male")
    stream(g, "Gus", "wioa_adult", date(2025, 2, 3))
    start(g, "Gus", "C2", date(2025, 2, 3))
    finish(g, "Gus", "active", date(2025, 2, 3))
    gain(g, "Gus", date(2025, 4, 1))
    p = job(g, "Gus", soc="31-1131", on=date(2025, 3, 3), wage="14.00", at="hospital", placement_type="internship")
    checks(g, p, day90=(True, True))

    # Hal: started before the period, exits inside it.
    person(g, "Hal", race="white", sex="male")
    stream(g, "Hal", "wioa_adult", date(2024, 3, 1))
    start(g, "Hal", "C0", date(2024, 3, 4))
    service(g, "Hal", "wioa_adult", "tuition", "200.00", date(2024, 4, 1))
    finish(g, "Hal", "completed", date(2024, 5, 31))
    credential(g, "Hal", date(2024, 8, 15))
    service(g, "Hal", "wioa_adult", "books", "80.00", date(2024, 8, 1))
    exit_stream(g, "Hal", "wioa_adult", date(2024, 9, 30))
    wage(g, "Hal", 2025, 1, "7000.00", FEIN_A)
    wage(g, "Hal", 2025, 3, "7000.00", FEIN_A)

    # Ivy: applied, never started.
    person(g, "Ivy", race="black", sex="female")
    enroll(g.cohorts["C2"], g.people["Ivy"], membership=g.provider, status="applied", on=date(2025, 1, 20))

    # Jo: SNAP E&T (mandatory, ABAWD) co-enrolled in WIOA Adult, which she leaves later.
    person(g, "Jo", race="black", sex="female", benefit_snap=True, snap_participation="mandatory", abawd=True)
    stream(g, "Jo", "snap_et_100", date(2025, 1, 27))
    stream(g, "Jo", "wioa_adult", date(2025, 1, 27))
    start(g, "Jo", "C2", date(2025, 2, 3))
    service(g, "Jo", "snap_et_100", "child_care", "300.00", date(2025, 2, 10))
    service(g, "Jo", "wioa_adult", "transportation", "40.00", date(2025, 2, 10))
    gain(g, "Jo", date(2025, 3, 3))
    finish(g, "Jo", "completed", date(2025, 5, 2))
    credential(g, "Jo", date(2025, 5, 2))
    exit_stream(g, "Jo", "snap_et_100", date(2025, 5, 30))
    p = job(g, "Jo", soc="31-1131", on=date(2025, 6, 2), wage="17.50", at="hospital")
    checks(g, p, day90=(True, True), day180=(True, True))
    exit_stream(g, "Jo", "wioa_adult", date(2025, 8, 29))
    wage(g, "Jo", 2025, 4, "6000.00", FEIN_A)
    wage(g, "Jo", 2026, 2, "6000.00", FEIN_A)

    # Kim: SNAP E&T (voluntary) only; hired in the industry, not in a target occupation.
    person(g, "Kim", race="white", sex="male", benefit_snap=True, snap_participation="voluntary")
    stream(g, "Kim", "snap_et_50", date(2025, 1, 27))
    start(g, "Kim", "C2", date(2025, 2, 3))
    service(g, "Kim", "snap_et_50", "tools", "120.00", date(2025, 2, 5), status="approved")
    service(g, "Kim", "snap_et_50", "uniform", "50.00", date(2025, 2, 12), status="requested")
    finish(g, "Kim", "completed", date(2025, 5, 2))
    p = job(g, "Kim", soc="37-2011", on=date(2025, 5, 19), wage="15.20", at="hospital")
    checks(g, p, day90=(True, False))
    exit_stream(g, "Kim", "snap_et_50", date(2025, 5, 30))
    wage(g, "Kim", 2025, 4, "5000.00")

    # 21 people who complete C2 and nothing else.
    for race, sex, count in FILLERS:
        for n in range(count):
            name = f"{race}-{n}"
            person(g, name, race=race, sex=sex)
            start(g, name, "C2", date(2025, 2, 3))
            finish(g, name, "completed", date(2025, 5, 2))


def report(g: Gamma, period: tuple[date, date] = PY2024) -> dict[str, Any]:
    inputs = ReportInputs(scope="convener", period_start=period[0], period_end=period[1], as_of=AS_OF)
    return compute_figures(convener=g.convener, inputs=inputs)


def rows_by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in rows}


# Every stored figure of "overall" for program year 2024, computed by hand from the people above.
# "started" = the 30 people whose first enrollment began in the period: everyone but Hal (C0, March 2024) and
# Ivy (applied only). "ok" = started and not excluded (Eve is excluded).
EXPECTED_PY2024: dict[str, Any] = {
    # people in scope: 10 named with an enrollment or a stream (Ivy has neither) + 21 fillers = 31
    "people": 31,
    # Ana Ben Cy Dee Eve (C1) + Fay (C3) + Gus Jo Kim (C2) + 21 fillers = 30; Hal began before the period
    "enrolled": 30,
    # Gus (active)
    "in_training": 1,
    # Eve (exclusion reason "health")
    "excluded": 1,
    # Ana Ben Cy Fay Jo Kim + 21 fillers = 27
    "completed": 27,
    # the 27 completers + Dee (withdrawn counts) = 28; Eve is excluded, Gus is still in training
    "completion_den": 28,
    # Ana (31-1131, 24 days after completing), Ben (31-1131, 31 days), Fay (31-9092, C3's target), Jo (31-1131,
    # 31 days), Kim (37-2011 at a NAICS 622110 employer, 17 days) = 5; Cy started 122 days after completing
    "hired": 5,
    # completers = 27
    "hired_den": 27,
    # first jobs after starting: Ana Ben Cy Dee Eve Fay Gus Jo Kim = 9 (Eve still counts: a count, not a rate)
    "placed": 9,
    # every placement's day 90 and day 180 has passed by 2026-09-01 (the last, Jo's, on 2025-11-29); Eve leaves
    # the rates, as excluded people leave every rate: Ana Ben Cy Dee Fay Gus Jo Kim = 8
    "ret90_den": 8,
    # employed at day 90: all but Cy = 7
    "ret90": 7,
    # ... with the same employer: Ana Ben Dee Fay Gus Jo = 6 (Kim had moved)
    "ret90_same": 6,
    "ret180_den": 8,
    # employed at day 180: Ana Ben Fay Jo = 4 (Dee not employed; Cy, Gus, Kim unrecorded count as not retained)
    "ret180": 4,
    # ... with the same employer: Ana Fay Jo = 3 (Ben had moved)
    "ret180_same": 3,
    # finished, not excluded, not OJT-only: completion_den 28 - Fay (OJT only) = 27
    "cred_den": 27,
    # Ana (on completion), Ben (2 months after), Jo (on completion) = 3; Cy's came 372 days after completing
    "cred": 3,
    # last stream closed in PY2024: Ana (03-14) Ben (06-30) Dee (2024-10-18) Eve (2024-11-01) Fay (04-30)
    # Hal (2024-09-30) Kim (05-30) = 7. Not Cy (2025-07-01), not Jo (WIOA open until 2025-08-29), not Gus (open)
    "exiters": 7,
    # Eve
    "wioa_excluded": 1,
    # exiters - Eve = 6, every Q2 closed (the latest, Ben's/Fay's/Kim's 2025Q4, < 2026Q3)
    "emp_q2_den": 6,
    # wages in Q2: Ana 8,840 (2025Q3), Ben 9,000 (2025Q4), Dee 4,000 + 2,500 (2025Q2), Fay 7,800 (2025Q4),
    # Hal 7,000 (2025Q1), Kim 5,000 (2025Q4) = 6
    "emp_q2_n": 6,
    # every Q4 closed (the latest, 2026Q2, < 2026Q3) = 6
    "emp_q4_den": 6,
    # wages in Q4: Ana (2026Q1), Ben (2026Q2, another employer), Fay (2026Q2), Hal (2025Q3) = 4; Dee and Kim none
    "emp_q4_n": 4,
    # Q4 closed and employed in Q2: the same 6
    "ret_same_den": 6,
    # one FEIN in both Q2 and Q4: Ana (A), Fay (C), Hal (A) = 3; Ben went from B to A, Dee and Kim have no Q4
    "ret_same_n": 3,
    # exiters not excluded, with training, not OJT-only: Ana Ben Dee Hal Kim = 5 (Fay is OJT-only)
    "wioa_cred_den": 5,
    # a credential from stream entry to a year after exit: Ana (2024-12-13), Ben (2025-02-10), Hal (2024-08-15) = 3
    "wioa_cred_n": 3,
    # in training at some point of the period, not excluded: Ana Ben Cy Dee Fay Gus Jo Kim + 21 fillers = 29
    # (Hal finished in May 2024, Eve is excluded)
    "msg_den": 29,
    # a gain dated in the period: Ana (2024-10-15), Gus (2025-04-01), Jo (2025-03-03) = 3 (Eve's is excluded)
    "msg_n": 3,
    # SNAP E&T stream closed in PY2024, not excluded: Jo and Kim (both 2025-05-30, 2025Q2) = 2
    "snap_exiters": 2,
    # SNAP Q2 = 2025Q4, closed: Jo 6,000 (A), Kim 5,000 (no FEIN) = 2 of 2
    "snap_emp_q2_den": 2,
    "snap_emp_q2_n": 2,
    # SNAP Q4 = 2026Q2, closed: Jo 6,000 = 1 of 2
    "snap_emp_q4_den": 2,
    "snap_emp_q4_n": 1,
    # both were in (non-OJT) training; a credential from SNAP entry to a year after the SNAP exit: Jo = 1 of 2
    "snap_cred_den": 2,
    "snap_cred_n": 1,
    # both in training during the period; Jo has a gain = 1 of 2
    "snap_msg_den": 2,
    "snap_msg_n": 1,
    # starting wages, sorted: 14.00 (Gus) 15.00 (Fay) 15.20 (Kim) 15.50 (Dee) 16.00 (Cy) 16.50 (Eve) 17.00 (Ana)
    # 17.50 (Jo) 18.50 (Ben): the 5th of 9 is 16.00
    "wage_median": 16.0,
    # sum 145.20 / 9 = 16.1333..., stored rounded to cents
    "wage_mean": 16.13,
    # Q2 earnings of the 6 employed, sorted: 5,000 6,500 7,000 7,800 8,840 9,000 -> (7,000 + 7,800) / 2
    "earn_q2": 7400.0,
    # SNAP Q2 earnings: 5,000 and 6,000 -> 5,500
    "snap_earn_q2": 5500.0,
    # services approved or paid in the period: 60 + 25 + 80 + 300 + 40 + 120 = 625 (of everyone in scope:
    # Hal's $80 counts although Hal did not start in the period)
    "service_dollars": 625.0,
    # program cost of each starter's first enrollment: 29 nurse aides x 2,400 = 69,600 + Fay's OJT 1,500 = 71,100;
    # + 625 of services = 71,725
    "cost_total": 71725.0,
}


@pytest.mark.django_db
def test_every_overall_figure_of_program_year_2024_is_the_hand_computed_one(gamma: Gamma) -> None:
    overall = report(gamma)["overall"]
    assert overall == EXPECTED_PY2024


@pytest.mark.django_db
def test_the_path_of_a_large_workspace_gives_the_same_figures(gamma: Gamma, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ANALYZE_ABOVE_ROWS rows, PostgreSQL analyzes each step, indexes the per-person ones and merge-joins the
    facts (no hash join): a path no small fixture takes on its own, so here every step counts as large."""
    monkeypatch.setattr(engine, "ANALYZE_ABOVE_ROWS", 0)
    assert report(gamma)["overall"] == EXPECTED_PY2024


@pytest.mark.django_db
def test_a_person_with_several_credentials_counts_when_any_one_falls_in_the_window(gamma: Gamma) -> None:
    """Most people hold one credential, and the engine compares that one date directly; with several, any one
    awarded from the start of training to a year after leaving it counts, not only the first."""
    # Hal's credential (2024-08-15) came from his spring 2024 cohort. He comes back for C2, in the period.
    start(gamma, "Hal", "C2", date(2025, 2, 3))
    finish(gamma, "Hal", "completed", date(2025, 5, 2))
    before = report(gamma)["overall"]
    # He is a finisher of the credential rate now, without a credential of this training: his one is older.
    assert (before["cred"], before["cred_den"]) == (EXPECTED_PY2024["cred"], EXPECTED_PY2024["cred_den"] + 1)
    credential(gamma, "Hal", date(2025, 5, 2))  # his second: not his first, and it counts
    after = report(gamma)["overall"]
    assert (after["cred"], after["cred_den"]) == (EXPECTED_PY2024["cred"] + 1, EXPECTED_PY2024["cred_den"] + 1)


@pytest.mark.django_db
def test_sqlite_and_postgresql_give_the_same_hand_computed_snapshot(gamma: Gamma) -> None:
    """SQLite (medians in Python) and PostgreSQL (percentile_cont) must give one and the same snapshot.

    This test asserts the one hand-computed expectation, whichever backend the suite runs on: the default run
    is SQLite, CI runs it on PostgreSQL (DATABASE_URL). Both passing is the agreement. The interpolated
    medians (earn_q2, snap_earn_q2), the rounded mean and the money sums are where the backends could drift.
    """
    figures = report(gamma)
    vendor = connection.vendor
    assert vendor in ("sqlite", "postgresql")
    backend_view = {
        "overall": figures["overall"],
        "sex": {r["key"]: (r["enrolled"], r["completed"], r["wage_median"]) for r in figures["breakdowns"]["sex"]},
        "snap_abawd": {r["key"]: (r["snap_exiters"], r["snap_earn_q2"])
                       for r in figures["snap_breakdowns"]["abawd"]},
        "services": [(r["key"], r["dollars"], r["services"], r["people"]) for r in figures["services"]["by_type"]],
        "wbl": [(r["key"], r["placements"], r["wage_median"], r["wage_mean"]) for r in figures["work_based_learning"]],
    }
    assert backend_view == {
        "overall": EXPECTED_PY2024,
        # female starters: Ana Dee Eve Fay Jo + 5 fillers = 10; completed Ana Fay Jo + 5 = 8; wages of Ana 17.00,
        # Dee 15.50, Eve 16.50, Fay 15.00, Jo 17.50 -> 16.50. Male starters: Ben Cy Gus Kim + 8 = 12; completed
        # Ben Cy Kim + 8 = 11; wages 18.50, 16.00, 14.00, 15.20 -> (15.20 + 16.00) / 2 = 15.60.
        # Not recorded: the 8 asian fillers, no job.
        "sex": {"female": (10, 8, 16.5), "male": (12, 11, 15.6), "not_recorded": (8, 8, None)},
        # ABAWD: Jo (Q2 6,000); not ABAWD: Kim (Q2 5,000)
        "snap_abawd": {"abawd": (1, 6000.0), "not_abawd": (1, 5000.0)},
        "services": [("child_care", 300.0, 1, 1), ("transportation", 125.0, 3, 3), ("tools", 120.0, 1, 1),
                     ("books", 80.0, 1, 1)],
        "wbl": [("apprenticeship", 0, None, None), ("internship", 1, 14.0, 14.0), ("ojt", 1, 15.0, 15.0)],
    }, f"on {vendor}"


@pytest.mark.django_db
def test_the_june_exit_counts_in_program_year_2024_and_the_july_exit_in_2025(gamma: Gamma) -> None:
    assert program_year_bounds(2025) == PY2025
    overall = report(gamma, PY2025)["overall"]
    assert {key: overall[key] for key in (
        "enrolled", "exiters", "emp_q2_den", "emp_q2_n", "earn_q2", "emp_q4_den", "emp_q4_n", "ret_same_den",
        "wioa_cred_den", "wioa_cred_n", "snap_exiters", "msg_den", "msg_n",
    )} == {
        # nobody started between 2025-07-01 and 2026-06-30
        "enrolled": 0,
        # Cy (2025-07-01) and Jo (WIOA Adult closed 2025-08-29, her last stream); Ben (06-30) is PY2024's
        "exiters": 2,
        # both exits are in 2025Q3: Q2 = 2026Q1, closed; Cy earned 8,320 in it, Jo nothing
        "emp_q2_den": 2,
        "emp_q2_n": 1,
        "earn_q2": 8320.0,
        # Q4 = 2026Q3 is the quarter of as_of: not closed yet, so nobody is measured
        "emp_q4_den": 0,
        "emp_q4_n": 0,
        "ret_same_den": 0,
        # Cy's credential (2025-12-20) is within a year of his exit; Jo's (2025-05-02) came during participation
        "wioa_cred_den": 2,
        "wioa_cred_n": 2,
        # Jo's SNAP E&T enrollment closed in PY2024
        "snap_exiters": 0,
        # only Gus is still in training in PY2025, without a gain in it
        "msg_den": 1,
        "msg_n": 0,
    }


@pytest.mark.django_db
def test_breakdowns_by_sex_cohort_program_and_employer_size_add_up_to_the_overall_counts(gamma: Gamma) -> None:
    figures = report(gamma)
    breakdowns = figures["breakdowns"]
    sex = rows_by_key(breakdowns["sex"])
    assert [r["key"] for r in breakdowns["sex"]] == ["female", "male", "not_recorded"]
    assert {k: (r["people"], r["enrolled"], r["completed"], r["completion_den"], r["in_training"], r["exiters"])
            for k, r in sex.items()} == {
        # Ana Dee Eve Fay Jo + 5; completion_den adds Dee (Eve excluded); exiters Ana Dee Eve Fay
        "female": (10, 10, 8, 9, 0, 4),
        # Ben Cy Gus Hal Kim + 8 people (Hal did not start); Gus in training; exiters Ben Hal Kim
        "male": (13, 12, 11, 11, 1, 3),
        "not_recorded": (8, 8, 8, 8, 0, 0),
    }
    c = gamma.cohorts
    cohort = rows_by_key(breakdowns["cohort"])
    assert {k: (r["label"], r["enrolled"], r["completed"], r["completion_den"], r["excluded"], r["hired"],
                r["placed"], r["cred_den"], r["cred"]) for k, r in cohort.items()} == {
        # Ana Ben Cy Dee Eve; completed Ana Ben Cy; + Dee; Eve excluded; hired Ana Ben; all five placed;
        # credentials Ana Ben (Cy's too late)
        str(c["C1"].pk): ("Nurse Aide Fall 2024", 5, 3, 4, 1, 2, 5, 4, 2),
        # Gus Jo Kim + 21; Gus in training; hired Jo Kim; placed Gus Jo Kim; credential Jo
        str(c["C2"].pk): ("Nurse Aide Spring 2025", 24, 23, 23, 0, 2, 3, 23, 1),
        # Fay: completed, hired in the OJT's target occupation, out of the credential rate
        str(c["C3"].pk): ("Medical Assistant OJT 2024", 1, 1, 1, 0, 1, 1, 0, 0),
        # no row for Hal: in scope (an exiter), but his only enrollment began before the period
    }
    program = rows_by_key(breakdowns["program"])
    assert {k: (r["enrolled"], r["cost_total"]) for k, r in program.items()} == {
        # 29 x 2,400 + services of Ana 60, Eve 25, Jo 340, Kim 120
        str(gamma.nurse_aide.pk): (29, 70145.0),
        str(gamma.ojt.pk): (1, 1500.0),
        # no row for Hal (his $80 of books is in the overall cost only)
    }
    size = rows_by_key(breakdowns["size_band"])
    assert {k: (r["placed"], r["wage_median"]) for k, r in size.items()} == {
        "large": (5, 16.0),  # Hospital: Gus 14.00, Kim 15.20, Cy 16.00, Ana 17.00, Jo 17.50
        "small": (2, 17.5),  # Clinic: Eve 16.50, Ben 18.50
        "mid": (1, 15.0),  # Family Practice: Fay 15.00
        "not_recorded": (1, 15.5),  # the diner is no partner organization: Dee
        "not_placed": (0, None),  # the 21 fillers (and Hal)
    }
    for kind in ("sex", "race", "cohort", "program", "size_band"):
        assert sum(r["enrolled"] for r in breakdowns[kind]) == figures["overall"]["enrolled"], kind


@pytest.mark.django_db
def test_snap_breakdowns_and_the_benefit_flag_cover_only_snap_recipients(gamma: Gamma) -> None:
    figures = report(gamma)
    benefit = rows_by_key(figures["breakdowns"]["benefit"])
    assert set(benefit) == {"snap"}  # nobody had TANF at entry
    assert (benefit["snap"]["enrolled"], benefit["snap"]["snap_exiters"]) == (2, 2)
    snap = figures["snap_breakdowns"]
    assert {k: (r["snap_exiters"], r["snap_emp_q2_n"], r["snap_emp_q4_n"], r["snap_cred_n"])
            for k, r in rows_by_key(snap["participation"]).items()} == {
        "mandatory": (1, 1, 1, 1),  # Jo: Q2 6,000, Q4 6,000, credential
        "voluntary": (1, 1, 0, 0),  # Kim: Q2 5,000 only
    }
    assert {k: r["snap_exiters"] for k, r in rows_by_key(snap["race"]).items()} == {"black": 1, "white": 1}


@pytest.mark.django_db
def test_the_race_cell_of_nine_is_stored_with_its_count(gamma: Gamma) -> None:
    race = rows_by_key(report(gamma)["breakdowns"]["race"])
    # black: Ana Dee Gus Jo + 5 fillers = 9 (Ivy only applied); white: Ben Eve Kim + 8 = 11 (Hal did not start);
    # asian: Cy Fay + 8 = 10
    assert {k: r["enrolled"] for k, r in race.items()} == {"black": 9, "white": 11, "asian": 10}
    assert race["black"]["people"] == 9
    assert race["white"]["people"] == 12


@pytest.mark.django_db
def test_suppression_hides_the_cell_of_nine_and_one_complementary_cell(gamma: Gamma) -> None:
    rows = report(gamma)["breakdowns"]["race"]
    shown = rows_by_key(suppress_cells(rows, count_key="enrolled", threshold=10,
                                       value_keys=["completed", "completion_den", "wage_median"]))
    # black (9) is below 10; asian (10) is the smallest cell left, hidden so that 30 - 11 cannot give it back
    assert {k: r["suppressed"] for k, r in shown.items()} == {"black": True, "asian": True, "white": False}
    assert shown["black"]["enrolled"] is None
    assert shown["asian"]["enrolled"] is None
    assert shown["white"]["enrolled"] == 11


@pytest.mark.django_db
def test_supportive_service_dollars_by_type_and_by_stream(gamma: Gamma) -> None:
    services = report(gamma)["services"]
    assert services["by_type"] == [
        {"key": "child_care", "label": "Child care", "dollars": 300.0, "services": 1, "people": 1},  # Jo
        {"key": "transportation", "label": "Transportation", "dollars": 125.0, "services": 3,
         "people": 3},  # Ana 60 + Eve 25 + Jo 40
        {"key": "tools", "label": "Tools or equipment", "dollars": 120.0, "services": 1, "people": 1},  # Kim
        {"key": "books", "label": "Books", "dollars": 80.0, "services": 1, "people": 1},  # Hal
    ]
    assert services["by_stream"] == [
        {"key": "snap_et_100", "label": "SNAP E&T (100% grant)", "dollars": 300.0, "services": 1, "people": 1},
        # Ana 60 + Eve 25 + Hal 80 + Jo 40
        {"key": "wioa_adult", "label": "WIOA Adult", "dollars": 205.0, "services": 4, "people": 4},
        {"key": "snap_et_50", "label": "SNAP E&T (50/50 match)", "dollars": 120.0, "services": 1, "people": 1},
    ]
    assert sorted((c["type"], c["stream"], c["dollars"], c["services"], c["people"]) for c in services["cells"]) == [
        ("books", "wioa_adult", 80.0, 1, 1),
        ("child_care", "snap_et_100", 300.0, 1, 1),
        ("tools", "snap_et_50", 120.0, 1, 1),
        ("transportation", "wioa_adult", 125.0, 3, 3),
    ]


@pytest.mark.django_db
def test_work_based_learning_counts_the_ojt_placement_and_the_internship(gamma: Gamma) -> None:
    wbl = report(gamma)["work_based_learning"]
    assert wbl == [
        {"key": "apprenticeship", "label": "Registered apprenticeship", "placements": 0, "people": 0,
         "wage_median": None, "wage_mean": None},
        {"key": "internship", "label": "Paid internship", "placements": 1, "people": 1, "wage_median": 14.0,
         "wage_mean": 14.0},  # Gus
        {"key": "ojt", "label": "On-the-job training (OJT)", "placements": 1, "people": 1, "wage_median": 15.0,
         "wage_mean": 15.0},  # Fay
    ]


@pytest.mark.django_db
def test_employer_side_counts_hires_by_occupation_and_repeat_hiring_employers(gamma: Gamma) -> None:
    side = report(gamma)["employer_side"]
    # hires: Ana Ben Jo (31-1131), Fay (31-9092), Kim (37-2011); no demand survey, so no openings
    assert [(o["key"], o["hires"], o["openings"]) for o in side["occupations"]] == [
        ("31-1131", 3, None), ("31-9092", 1, None), ("37-2011", 1, None)]
    # Hospital (Ana in C1; Jo, Kim in C2: two cohorts, a repeat employer), Clinic (Ben), Family Practice (Fay)
    assert (side["hiring_employers"], side["repeat_employers"]) == (3, 1)


def test_quarters_after_exit_count_calendar_quarters_after_the_quarter_of_exit() -> None:
    # DOMAIN.md §4: an exit on 2017-06-01 gives Q2 = Oct-Dec 2017 and Q4 = Apr-Jun 2018
    assert quarter_after_exit(date(2017, 6, 1), 2) == (2017, 4)
    assert quarter_after_exit(date(2017, 6, 1), 4) == (2018, 2)
    assert quarter_bounds(2017, 4) == (date(2017, 10, 1), date(2017, 12, 31))
    assert quarter_bounds(2018, 2) == (date(2018, 4, 1), date(2018, 6, 30))
    # the fixture's June and July exits
    assert [quarter_after_exit(date(2025, 6, 30), n) for n in (2, 4)] == [(2025, 4), (2026, 2)]
    assert [quarter_after_exit(date(2025, 7, 1), n) for n in (2, 4)] == [(2026, 1), (2026, 3)]
    assert quarter_after_exit(date(2024, 12, 31), 1) == (2025, 1)


def test_a_program_year_runs_from_july_1_to_june_30_and_is_named_by_its_first_year() -> None:
    assert program_year_bounds(2024) == PY2024
    assert program_year_of(date(2025, 6, 30)) == 2024
    assert program_year_of(date(2025, 7, 1)) == 2025
    assert program_year_of(date(2024, 7, 1)) == 2024

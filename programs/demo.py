"""Demo programs and cohorts of the four seed partnerships (seed_demo's ``seed_programs`` step).

The programs follow the shapes the case studies publish (seeds/001): Atlanta's 8-week Environmental Services
Technician pre-employment training (four classroom days and one hospital day a week, SNAP E&T or WIOA, leading
to CHEST after 6 months of employment), PCC's Maritime Welding pathway in Vigor's shipyards (two stackable
Career Pathway Certificates), S&B's 12-week hire-then-learn craft program for women in construction, and the
Advancing Manufacturing Partnership's Ready to Work pre-employment training with 4- to 12-week paid internships.
Costs, seat counts, RAPIDS numbers and every participant are illustrative ("demo"), not published figures.

Everything is written through programs.services, so the demo exercises the same rules as the pages. Idempotent:
programs are keyed by name, cohorts by (program, name); a cohort's roster is built only when it is created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from employers.models import CredentialType as CTDL
from participants.models import Participant
from partnerships.models import Convener, Membership, Organization
from programs import services
from programs.models import Cohort, CohortEnrollment, CohortSession, Program, ProgramCredential

if TYPE_CHECKING:
    from partnerships.management.commands.seed_demo import SeedContext

T = Program.ProgramType
MON_THU_CLASS_FRI_SITE = {"0": "classroom", "1": "classroom", "2": "classroom", "3": "classroom", "4": "worksite"}


@dataclass(frozen=True)
class CohortSpec:
    name: str
    target: str
    start_offset_days: int  # from the seed's today; negative = already started
    weeks: int
    seats: int
    location: str
    pattern: dict[str, str]
    schedule_note: str
    roster: int = 0  # people on the roster (past and running cohorts)
    hosts: tuple[tuple[str, dict[str, int]], ...] = ()
    outcome: str = "running"  # running | completed | upcoming


@dataclass(frozen=True)
class ProgramSpec:
    convener_slug: str
    partnership: str
    name: str
    program_type: str
    provider: str
    description: str
    targets: tuple[str, ...]
    credentials: tuple[tuple[str, str, str], ...]  # name, CTDL type, issuer
    funding: tuple[str, ...]
    weeks: int
    hours: int | None = None
    cost: str | None = None
    cip: str = ""
    other_providers: tuple[str, ...] = ()
    requirements: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # kind, description, employers
    rapids: str = ""
    wage_steps: tuple[tuple[int, int, str], ...] = ()
    cohorts: tuple[CohortSpec, ...] = field(default_factory=tuple)
    case_manager_org: str = ""


ATLANTA = "Metro Atlanta Healthcare Industry Partnership"
PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        "metro-atlanta", ATLANTA, "Environmental Services Technician pre-employment training", T.PRE_EMPLOYMENT,
        "Atlanta Technical College",
        "Eight weeks: four classroom days and one day a week on the hospital floor, shadowing workers, applying "
        "techniques learned in class or meeting hospital administrators. Goodwill of North Georgia, the lead "
        "partner, counsels participants during training and for ten months after it. Graduates get guaranteed "
        "interviews with industry-council members and can sit for CHEST after six months of employment.",
        targets=("37-2011",),
        credentials=(("CHEST (Certified Health Care Environmental Services Technician)", CTDL.CERTIFICATION,
                      "Association for the Health Care Environment (AHE)"),
                     ("OSHA 10-Hour General Industry", CTDL.CERTIFICATE, "OSHA Training Institute")),
        funding=("snap_et_50", "wioa_adult"), weeks=8, hours=256, cost="3200.00", cip="51.2699",
        other_providers=("Goodwill of North Georgia",),
        requirements=(("entry", "Eligible for SNAP E&T or WIOA Adult services", ()),
                      ("screening", "Passes a background check and drug screen",
                       ("Peachtree Regional Medical Center (demo)", "Sweet Auburn Rehabilitation Hospital (demo)")),
                      ("screening", "Current immunizations (hepatitis B, flu, TB test)",
                       ("Peachtree Regional Medical Center (demo)",))),
        case_manager_org="Goodwill of North Georgia",
        cohorts=(
            CohortSpec("EVS cohort 1 (summer)", "37-2011", -150, 8, 12, "Atlanta Technical College, Building F",
                       MON_THU_CLASS_FRI_SITE, "Monday to Thursday in class, Friday on the hospital floor",
                       roster=12, outcome="completed",
                       hosts=(("Peachtree Regional Medical Center (demo)",
                               {"guaranteed_interviews": 12, "planned_hires": 6, "tours": 2, "mock_interviews": 12}),)),
            CohortSpec("EVS cohort 2 (fall)", "37-2011", -24, 8, 14, "Atlanta Technical College, Building F",
                       MON_THU_CLASS_FRI_SITE, "Monday to Thursday in class, Friday on the hospital floor",
                       roster=13,
                       hosts=(("Peachtree Regional Medical Center (demo)",
                               {"guaranteed_interviews": 14, "planned_hires": 8, "mock_interviews": 14}),
                              ("Sweet Auburn Rehabilitation Hospital (demo)",
                               {"guaranteed_interviews": 6, "planned_hires": 3, "tours": 1}))),
            CohortSpec("EVS cohort 3 (winter)", "37-2011", 45, 8, 14, "Atlanta Technical College, Building F",
                       MON_THU_CLASS_FRI_SITE, "Monday to Thursday in class, Friday on the hospital floor",
                       outcome="upcoming"),
        ),
    ),
    ProgramSpec(
        "pcc-omic", "OMIC Training", "Maritime Welding", T.PRE_EMPLOYMENT, "Portland Community College",
        "Taught on site in Vigor's shipyards by faculty who work in the industry. Employers give class "
        "presentations, tours and mock interviews; graduates meet hiring employers at a career fair. Culminates "
        "in two stackable Career Pathway Certificates and industry-recognized welding certifications. Published "
        "results: 80% completion, 78% of completers hired in the industry, $19 an hour starting wage.",
        targets=("51-4121",),
        credentials=(("Welding Career Pathway Certificate I", CTDL.CERTIFICATE, "Portland Community College"),
                     ("Welding Career Pathway Certificate II", CTDL.CERTIFICATE, "Portland Community College"),
                     ("AWS D1.1 Structural Welding (limited thickness)", CTDL.CERTIFICATION,
                      "American Welding Society")),
        funding=("snap_et_50", "pell", "wioa_adult"), weeks=22, hours=440, cip="48.0508",
        requirements=(("entry", "Reads at a 6th-grade level or above (placement test)", ()),
                      ("screening", "Must pass a drug test", ("Vigor",))),
        case_manager_org="Oregon Department of Human Services",
        cohorts=(
            CohortSpec("Maritime Welding, Vigor Swan Island (fall)", "51-4121", -35, 22, 16,
                       "Vigor shipyard, Swan Island, Portland", {"0": "lab", "1": "lab", "2": "classroom",
                                                                 "3": "lab"},
                       "Three shop days and one classroom day a week", roster=15,
                       hosts=(("Vigor", {"tours": 2, "mock_interviews": 15, "planned_hires": 10,
                                         "guaranteed_interviews": 15}),)),
        ),
    ),
    ProgramSpec(
        "pcc-omic", "OMIC Training", "OMIC Training machinist apprenticeship", T.REGISTERED_APPRENTICESHIP,
        "Portland Community College",
        "Registered apprenticeship at the Oregon Manufacturing Innovation Center: related instruction at OMIC "
        "Training, on-the-job learning with the sponsoring employer. Wage steps are illustrative (demo).",
        targets=("51-4041",),
        credentials=(("Journeyworker certificate: Machinist", CTDL.APPRENTICESHIP_CERTIFICATE,
                      "Oregon Bureau of Labor and Industries"),),
        funding=("employer_paid", "wioa_adult"), weeks=208, hours=576, cip="48.0501", rapids="DEMO-OR-2019-0417",
        wage_steps=((1, 0, "19.00"), (2, 2000, "21.50"), (3, 4000, "24.25"), (4, 6000, "27.00")),
    ),
    ProgramSpec(
        "upskill-houston", "UpSkill Houston", "S&B women in construction: hire-then-learn craft training", T.OJT,
        "S&B Engineers and Constructors",
        "S&B hires first, then teaches: twelve weeks of craft training for pipefitting and welding at its craft "
        "education center. United Way THRIVE partners teach financial literacy and employability skills and "
        "recruit with Workforce Solutions Gulf Coast.",
        targets=("47-2152", "51-4121"),
        credentials=(("NCCER Core Curriculum", CTDL.CERTIFICATE, "NCCER"),
                     ("NCCER Pipefitting Level 1", CTDL.CERTIFICATE, "NCCER")),
        funding=("employer_paid", "wioa_adult", "tanf"), weeks=12, hours=480,
        other_providers=("United Way of Greater Houston",),
        requirements=(("screening", "Passes a drug test and a basic-skills assessment",
                       ("S&B Engineers and Constructors",)),),
        case_manager_org="United Way of Greater Houston",
        cohorts=(
            CohortSpec("Women in construction, spring cohort", "47-2152", 70, 12, 20, "S&B craft education center",
                       {"0": "lab", "1": "lab", "2": "lab", "3": "classroom", "4": "worksite"},
                       "Paid from day one: shop, classroom and jobsite days", outcome="upcoming",
                       hosts=(("S&B Engineers and Constructors", {"planned_hires": 20, "ojt_slots": 20}),
                              ("TDIndustries", {"guaranteed_interviews": 5, "tours": 1}))),
        ),
    ),
    ProgramSpec(
        "region-4-indiana", "Advancing Manufacturing Partnership", "Ready to Work: manufacturing pre-employment",
        T.PRE_EMPLOYMENT, "Ivy Tech Community College Lafayette",
        "Pre-employment training for long-term unemployed adults, first funded by the DOL Ready to Work grant. "
        "Since 2014: 723 completers, 686 hired, 125 in structured on-the-job training with their employer.",
        targets=("51-2090", "51-4041"),
        credentials=(("MSSC Certified Production Technician (CPT)", CTDL.CERTIFICATION,
                      "Manufacturing Skill Standards Council"),
                     ("OSHA 10-Hour General Industry", CTDL.CERTIFICATE, "OSHA Training Institute")),
        funding=("wioa_adult", "wioa_dw", "other"), weeks=6, hours=180, cost="2800.00", cip="15.0613",
        other_providers=("WorkOne West Central Indiana",),
        requirements=(("entry", "Unemployed 27 weeks or more, or underemployed", ()),),
        case_manager_org="North Central Indiana Community Action (demo)",
        cohorts=(
            CohortSpec("Ready to Work, Lafayette (fall)", "51-2090", -20, 6, 18, "Ivy Tech Lafayette, Room 112",
                       {"0": "classroom", "1": "classroom", "2": "lab", "3": "classroom"},
                       "Mornings, Monday to Thursday", roster=16,
                       hosts=(("Subaru of Indiana Automotive", {"guaranteed_interviews": 16, "tours": 1}),
                              ("Caterpillar", {"guaranteed_interviews": 8, "planned_hires": 4}))),
        ),
    ),
    ProgramSpec(
        "region-4-indiana", "Advancing Manufacturing Partnership", "Advancing Manufacturing paid internships",
        T.PAID_INTERNSHIP, "WorkOne West Central Indiana",
        "Four- to twelve-week paid internships with the employer that means to hire, wages subsidized by the "
        "partnership. Published average starting wage: $14 an hour.",
        targets=("51-2090",),
        credentials=(), funding=("wioa_adult", "wioa_youth"), weeks=12, hours=480,
        case_manager_org="North Central Indiana Community Action (demo)",
    ),
)

FIRST = ("Aaliyah", "Marcus", "Tanisha", "DeShawn", "Maria", "Jamal", "Keisha", "Luis", "Brianna", "Andre",
         "Jasmine", "Tyrone", "Carmen", "Darnell", "Imani", "Hector", "Latoya", "Terrell", "Rosa", "Kendrick",
         "Monique", "Javier", "Ebony", "Curtis", "Yolanda", "Dmitri", "Shanice", "Tomas", "Precious", "Raymond")
LAST = ("Washington", "Johnson", "Ramirez", "Okafor", "Nguyen", "Brooks", "Hernandez", "Coleman", "Patel",
        "Jenkins", "Alvarez", "Mitchell", "Reyes", "Foster", "Kowalski", "Bennett", "Tran", "Hayes", "Castillo",
        "Simmons")
WITHDRAWAL_REASONS = ("Found full-time work outside the industry", "Child care fell through",
                      "Moved out of the region", "Health reasons")


def seed_programs(ctx: SeedContext) -> None:
    today = ctx.now.date()
    for spec in PROGRAMS:
        convener = ctx.conveners[spec.convener_slug]
        orgs = {o.name: o for o in Organization.objects.for_convener(convener)}
        program = Program.objects.for_convener(convener).filter(name=spec.name).first()
        if program is None:
            program = services.program_save(
                convener=convener, actor=ctx.admin, provider=orgs[spec.provider], name=spec.name,
                program_type=spec.program_type, description=spec.description, cip_code=spec.cip,
                length_weeks=spec.weeks, contact_hours=spec.hours, cost_per_participant=spec.cost,
                rapids_number=spec.rapids, other_providers=[orgs[n] for n in spec.other_providers],
                target_occupations=list(spec.targets), funding_streams=list(spec.funding),
                credentials=[{"name": n, "ctdl_type": t, "issuer": i} for n, t, i in spec.credentials],
                requirements=[{"kind": k, "description": d, "employers": [orgs[e] for e in emps]}
                              for k, d, emps in spec.requirements],
                wage_steps=[{"step": s, "after_hours": h, "hourly_wage": w} for s, h, w in spec.wage_steps] or None,
            )
            ctx.changes["program created"] += 1
        for cohort_spec in spec.cohorts:
            if Cohort.objects.for_convener(convener).filter(program=program, name=cohort_spec.name).exists():
                continue
            _seed_cohort(ctx, convener, spec, program, cohort_spec, orgs, today)
            ctx.changes["cohort created"] += 1
            # Its seats are pipeline supply: the partnership's demand is aggregated again by the next step.
            ctx.demand_changed[spec.convener_slug] = True


def _seed_cohort(ctx: SeedContext, convener: Convener, spec: ProgramSpec, program: Program, c: CohortSpec,
                 orgs: dict[str, Organization], today: date) -> None:
    start = today + timedelta(days=c.start_offset_days)
    start -= timedelta(days=start.weekday())  # cohorts start on a Monday
    end = start + timedelta(days=c.weeks * 7 - 3)  # and end on a Friday
    partnership = ctx.partnerships[spec.convener_slug, spec.partnership]
    cohort = services.cohort_save(
        convener=convener, actor=ctx.admin, program=program, partnership=partnership, target_occupation=c.target,
        name=c.name, start_date=start, end_date=end, seats=c.seats, location=c.location, weekly_pattern=c.pattern,
        schedule_note=c.schedule_note,
        employers=[{"employer": orgs[name], "kind": "host" if i == 0 else "partner", **commitments}
                   for i, (name, commitments) in enumerate(c.hosts)],
    )
    if c.outcome == "upcoming":
        services.cohort_set_status(convener=convener, actor=ctx.admin, cohort=cohort, status="recruiting")
        return
    services.cohort_set_status(convener=convener, actor=ctx.admin, cohort=cohort, status="in_progress")
    membership = Membership.objects.for_convener(convener).get(user=ctx.admin)
    owner = orgs.get(spec.case_manager_org) or program.provider
    rng = random.Random(f"{convener.slug}|{c.name}")  # noqa: S311 (demo data)
    enrollments = []
    for i in range(c.roster):
        person = Participant.objects.for_convener(convener).filter(
            first_name=FIRST[(i * 7 + len(c.name)) % len(FIRST)], last_name=LAST[(i * 3 + len(c.name)) % len(LAST)],
            organization=owner).first() or services.participant_create(
            convener=convener, actor=ctx.admin, membership=membership, organization=owner,
            first_name=FIRST[(i * 7 + len(c.name)) % len(FIRST)], last_name=LAST[(i * 3 + len(c.name)) % len(LAST)])
        enrollments.append(services.enrollment_add(convener=convener, actor=ctx.admin, membership=membership,
                                                   cohort=cohort, participant=person, on=start))
    ctx.changes["roster row created"] += len(enrollments)
    sessions = list(CohortSession.objects.for_convener(convener).filter(cohort=cohort, day__lte=today)
                    .order_by("day"))
    # Who leaves, and when: about one in seven, partway through.
    leavers = {e.pk: sessions[min(len(sessions) - 1, rng.randint(3, max(4, len(sessions) - 2)))].day
               for e in rng.sample(enrollments, k=max(1, len(enrollments) // 7))} if sessions else {}
    for session in sessions:
        marks: dict[int, Any] = {}
        for e in enrollments:
            if e.pk in leavers and session.day > leavers[e.pk]:
                continue
            roll = rng.random()
            marks[e.pk] = ("present" if roll < 0.86 else "late" if roll < 0.92
                           else "excused" if roll < 0.96 else "absent")
        services.attendance_record_day(convener=convener, actor=ctx.admin, membership=membership, session=session,
                                       marks=marks)
    for e in enrollments:
        if e.pk in leavers:
            services.enrollment_set_status(convener=convener, actor=ctx.admin, membership=membership, enrollment=e,
                                           status="withdrawn", on=leavers[e.pk],
                                           reason=rng.choice(WITHDRAWAL_REASONS))
        else:
            services.enrollment_set_status(convener=convener, actor=ctx.admin, membership=membership, enrollment=e,
                                           status="active", on=start)
    if sessions:
        services.skill_gain_record(convener=convener, actor=ctx.admin, membership=membership,
                                   enrollment=next(e for e in enrollments if e.pk not in leavers),
                                   gain_type="training_milestone", achieved_on=sessions[len(sessions) // 2].day,
                                   note="Mid-program skills check passed")
    if c.outcome != "completed":
        return
    credentials = list(ProgramCredential.objects.for_convener(convener).filter(program=program).order_by("name"))
    # Credentials earned during training (CHEST itself comes after 6 months of employment).
    during = [cr for cr in credentials if "CHEST" not in cr.name]
    for e in CohortEnrollment.objects.for_convener(convener).filter(cohort=cohort, status="active"):
        services.enrollment_set_status(convener=convener, actor=ctx.admin, membership=membership, enrollment=e,
                                       status="completed", on=end)
        for credential in during:
            services.credential_award_record(convener=convener, actor=ctx.admin, membership=membership, enrollment=e,
                                             awarded_on=end - timedelta(days=rng.randint(0, 10)),
                                             program_credential=credential)
    services.cohort_set_status(convener=convener, actor=ctx.admin, cohort=cohort, status="completed")

"""Demo data: the four partnerships of the case studies, their organizations, and a login for every role.

Idempotent: every row is looked up by its natural key (convener slug, organization or partnership name
within a convener, user email) and only written when it is missing or differs, so a second run changes
nothing. Later issues extend the demo by appending a step function to ``STEPS``.

Councils (issue 3): both councils of each partnership with the members the case studies name, a year of
meetings with attendance, minutes and action items, upcoming meetings, goals, and the engagement figures
that flag the employers drifting away.
"""

from __future__ import annotations

import logging
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from employers import services as employer_services
from employers.aggregation import demand_run_execute
from employers.models import (
    Competency,
    CredentialType,
    DemandSnapshot,
    DemandSurvey,
    LaborMarketArea,
    Occupation,
    OccupationWage,
    Skill,
    SkillNeed,
)
from employers.oews import oews_load
from employers.services import competency_create, quarters_from, survey_open
from participants.demo import seed_participants
from partnerships import services
from partnerships.audit import audit_record
from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
    User,
)
from partnerships.roles import OrganizationType, Role
from partnerships.security.policy import MFA_REQUIRED_ROLES
from partnerships.security.totp import totp_enroll
from programs.demo import seed_programs
from reports.demo import report_summary, seed_reports

# A published demo password; the demo accounts exist only in the seeded local database.
DEMO_PASSWORD = "partnership-demo-2026"  # noqa: S105
DEMO_DOMAIN = "demo.partnershipportal.org"
# Published too: the authenticator-app key of every demo login whose role requires two-factor authentication
# (convener admin and staff, case manager, platform operator). Add it to any authenticator app, or print the
# current code with `manage.py demo_totp <email>`. Demo accounts only; real accounts set up their own.
DEMO_TOTP_SECRET = "PARTNERSHIPPORTALDEMOTOTPSECRET2"  # noqa: S105

ORG = OrganizationType
SIZE = Organization.SizeBand


# ---------------------------------------------------------------------------
# The data (from seeds/001_8b7bad9cc855a5ab.txt; "(demo)" marks organizations we made up)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    org_type: str
    city: str = ""
    state: str = ""
    size_band: str = ""
    naics_code: str = ""
    website: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "org_type": self.org_type,
            "city": self.city,
            "state": self.state,
            "size_band": self.size_band,
            "naics_code": self.naics_code,
            "website": self.website,
        }


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    industry_naics: str
    industry_label: str
    region: str
    state: str
    start_date: date
    summary: str
    status: str = Partnership.Status.ACTIVE

    def fields(self) -> dict[str, Any]:
        return {
            "industry_naics": self.industry_naics,
            "industry_label": self.industry_label,
            "region": self.region,
            "state": self.state,
            "start_date": self.start_date,
            "summary": self.summary,
            "status": self.status,
        }


@dataclass(frozen=True)
class ConvenerSpec:
    slug: str
    name: str
    region: str
    organizations: tuple[OrganizationSpec, ...]
    partnerships: tuple[PartnershipSpec, ...]


METRO_ATLANTA = ConvenerSpec(
    slug="metro-atlanta",
    name="WorkSource Metro Atlanta",
    region="Metro Atlanta, GA",
    organizations=(
        # The case study names no hospital: these employers are fictional.
        OrganizationSpec(
            "Peachtree Regional Medical Center (demo)", ORG.EMPLOYER, "Atlanta", "GA", SIZE.LARGE, "622110"
        ),
        OrganizationSpec("Chattahoochee Community Hospital (demo)", ORG.EMPLOYER, "Marietta", "GA", SIZE.MID, "622110"),
        OrganizationSpec(
            "Sweet Auburn Rehabilitation Hospital (demo)", ORG.EMPLOYER, "Atlanta", "GA", SIZE.MID, "622310"
        ),
        OrganizationSpec("Decatur Skilled Nursing Center (demo)", ORG.EMPLOYER, "Decatur", "GA", SIZE.SMALL, "623110"),
        OrganizationSpec("Metro Atlanta Healthcare Association (demo)", ORG.INDUSTRY_ASSOCIATION, "Atlanta", "GA"),
        OrganizationSpec(
            "Goodwill of North Georgia", ORG.COMMUNITY_ORG, "Decatur", "GA", website="https://goodwillng.org"
        ),
        OrganizationSpec(
            "Atlanta CareerRise", ORG.PHILANTHROPY, "Atlanta", "GA", website="https://atlantacareerrise.org"
        ),
        OrganizationSpec("Atlanta Technical College", ORG.COLLEGE, "Atlanta", "GA", website="https://atlantatech.edu"),
        OrganizationSpec("Georgia Department of Human Services", ORG.HUMAN_SERVICES, "Atlanta", "GA"),
    ),
    partnerships=(
        PartnershipSpec(
            name="Metro Atlanta Healthcare Industry Partnership",
            industry_naics="62",
            industry_label="Health care and social assistance",
            region="Metro Atlanta (five local workforce areas)",
            state="GA",
            start_date=date(2016, 1, 1),
            summary=(
                "Convened by WorkSource Metro Atlanta, a coalition of five workforce boards, with Atlanta "
                "CareerRise, a regional funders' collaborative. An industry council of health care employers "
                "and a workforce partners council of colleges, community organizations and more than eighteen "
                "state agencies, including the TANF and SNAP administrators. With Goodwill of North Georgia as "
                "lead partner, the Environmental Services Technician pre-employment program runs 8 weeks: four "
                "classroom days and one hospital day a week, paid by SNAP E&T or WIOA. Graduates get guaranteed "
                "interviews, 10 months of counseling after the program, and can sit for the CHEST certificate "
                "after 6 months of employment."
            ),
        ),
    ),
)

PCC_OMIC = ConvenerSpec(
    slug="pcc-omic",
    name="Portland Community College",
    region="Portland metro and Columbia County, OR",
    organizations=(
        OrganizationSpec("Vigor", ORG.EMPLOYER, "Portland", "OR", SIZE.LARGE, "336611", "https://vigor.net"),
        OrganizationSpec("Boeing", ORG.EMPLOYER, "Gresham", "OR", SIZE.LARGE, "336411", "https://www.boeing.com"),
        OrganizationSpec("Scappoose Precision Machining (demo)", ORG.EMPLOYER, "Scappoose", "OR", SIZE.SMALL, "332710"),
        OrganizationSpec("Portland Community College", ORG.COLLEGE, "Portland", "OR", website="https://www.pcc.edu"),
        OrganizationSpec("Oregon Department of Human Services", ORG.HUMAN_SERVICES, "Salem", "OR"),
    ),
    partnerships=(
        PartnershipSpec(
            name="OMIC Training",
            industry_naics="336",
            industry_label="Advanced manufacturing (transportation equipment)",
            region="Oregon Manufacturing Innovation Center, Scappoose (Portland metro)",
            state="OR",
            start_date=date(2017, 1, 1),
            summary=(
                "An industry partnership training center led by Portland Community College and modeled on "
                "Boeing's training center in the United Kingdom, with Boeing, Vigor and small and mid-sized "
                "manufacturers. Recruits SNAP recipients through the Oregon Community College SNAP 50/50 "
                "Consortium (fourteen colleges and the state Department of Human Services). The Maritime "
                "Welding pathway, taught in Vigor's shipyards: 80% completion rate, 78% of completers hired "
                "in the industry, $19 an hour starting wage."
            ),
        ),
    ),
)

UPSKILL_HOUSTON = ConvenerSpec(
    slug="upskill-houston",
    name="Greater Houston Partnership",
    region="Greater Houston, TX",
    organizations=(
        OrganizationSpec(
            "S&B Engineers and Constructors",
            ORG.EMPLOYER,
            "Houston",
            "TX",
            SIZE.LARGE,
            "236210",
            "https://www.sbec.com",
        ),
        OrganizationSpec(
            "TDIndustries", ORG.EMPLOYER, "Houston", "TX", SIZE.LARGE, "238220", "https://www.tdindustries.com"
        ),
        OrganizationSpec("Bayou City Mechanical (demo)", ORG.EMPLOYER, "Pasadena", "TX", SIZE.SMALL, "238220"),
        OrganizationSpec(
            "United Way of Greater Houston",
            ORG.COMMUNITY_ORG,
            "Houston",
            "TX",
            website="https://www.unitedwayhouston.org",
        ),
        OrganizationSpec("Workforce Solutions Gulf Coast", ORG.WORKFORCE_BOARD, "Houston", "TX"),
    ),
    partnerships=(
        PartnershipSpec(
            name="UpSkill Houston",
            industry_naics="23",
            industry_label="Construction",
            region="Greater Houston",
            state="TX",
            start_date=date(2014, 1, 1),
            summary=(
                "Launched in 2014 by the Greater Houston Partnership with the support of its 1,200 business "
                "members, as the backbone of industry councils in the region's in-demand industries. Women in "
                "construction: S&B Engineers and Constructors' twelve-week hire-then-learn program (2017) for "
                "pipefitting and welding; United Way THRIVE partners teach financial literacy and employability "
                "skills and recruit with the local workforce board; replicated with TDIndustries."
            ),
        ),
    ),
)

REGION_4_INDIANA = ConvenerSpec(
    slug="region-4-indiana",
    name="Region 4 Workforce Board",
    region="North Central Indiana (Lafayette, Kokomo, Monticello)",
    organizations=(
        OrganizationSpec("Subaru of Indiana Automotive", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "336110"),
        OrganizationSpec(
            "Kirby Risk", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "423610", "https://www.kirbyrisk.com"
        ),
        OrganizationSpec("AdKev", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "332710"),
        OrganizationSpec("Ball Corporation", ORG.EMPLOYER, "", "IN", SIZE.LARGE, "332431", "https://www.ball.com"),
        OrganizationSpec(
            "Caterpillar", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "333120", "https://www.caterpillar.com"
        ),
        OrganizationSpec("Purdue Polytechnic", ORG.UNIVERSITY, "West Lafayette", "IN"),
        OrganizationSpec("Ivy Tech Community College Lafayette", ORG.COLLEGE, "Lafayette", "IN"),
        OrganizationSpec("Ivy Tech Community College Kokomo", ORG.COLLEGE, "Kokomo", "IN"),
        OrganizationSpec("WorkOne West Central Indiana", ORG.WORKFORCE_BOARD, "Lafayette", "IN"),
        # Funder of Ready to Work (the partnership's DOL grant).
        OrganizationSpec("US Department of Labor", ORG.GOVERNMENT, "Washington", "DC", website="https://www.dol.gov"),
    ),
    partnerships=(
        PartnershipSpec(
            name="Advancing Manufacturing Partnership",
            industry_naics="31",
            industry_label="Advanced manufacturing",
            region="Indiana Region 4 (Lafayette, Kokomo, Monticello)",
            state="IN",
            start_date=date(2012, 1, 1),
            summary=(
                "Launched in 2012 by Indiana's Region 4 Workforce Board with more than twenty advanced "
                "manufacturers, among them Subaru of Indiana Automotive, Kirby Risk, AdKev, Ball Corporation "
                "and Caterpillar; Purdue Polytechnic and Ivy Tech Lafayette and Kokomo teach. Ready to Work "
                "(DOL): since 2014, 723 participants completed pre-employment training, 686 were hired and 125 "
                "received structured on-the-job training. Paid internships of 4 to 12 weeks start at $14 an "
                "hour on average."
            ),
        ),
    ),
)

CONVENERS: tuple[ConvenerSpec, ...] = (METRO_ATLANTA, PCC_OMIC, UPSKILL_HOUSTON, REGION_4_INDIANA)


@dataclass(frozen=True)
class GrantSpec:
    convener_slug: str
    role: str
    organization: str = ""
    partnerships: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoUserSpec:
    local_part: str
    full_name: str
    grants: tuple[GrantSpec, ...]
    operator: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


ATLANTA_PARTNERSHIP = METRO_ATLANTA.partnerships[0].name

DEMO_USERS: tuple[DemoUserSpec, ...] = (
    # In every workspace, so signing in shows the workspace picker.
    DemoUserSpec("admin", "Dana Whitfield", tuple(GrantSpec(c.slug, Role.CONVENER_ADMIN) for c in CONVENERS)),
    DemoUserSpec("staff", "Marcus Bell", (GrantSpec("metro-atlanta", Role.CONVENER_STAFF),)),
    DemoUserSpec(
        "employer",
        "Priya Raman",
        (GrantSpec("metro-atlanta", Role.EMPLOYER_REP, "Peachtree Regional Medical Center (demo)"),),
    ),
    DemoUserSpec(
        "casemanager", "Keisha Moore", (GrantSpec("metro-atlanta", Role.CASE_MANAGER, "Goodwill of North Georgia"),)
    ),
    DemoUserSpec(
        "trainer", "Luis Ortega", (GrantSpec("metro-atlanta", Role.PROVIDER_STAFF, "Atlanta Technical College"),)
    ),
    DemoUserSpec(
        "funder",
        "Evelyn Park",
        (
            GrantSpec("metro-atlanta", Role.FUNDER, "Atlanta CareerRise", (ATLANTA_PARTNERSHIP,)),
            # The state SNAP agency pays for OMIC's SNAP 50/50 training; DOL funded Ready to Work.
            GrantSpec("pcc-omic", Role.FUNDER, "Oregon Department of Human Services", ("OMIC Training",)),
            GrantSpec("region-4-indiana", Role.FUNDER, "US Department of Labor",
                      ("Advancing Manufacturing Partnership",)),
        ),
    ),
    # Platform operator: Django admin only, no membership in any workspace.
    DemoUserSpec("operator", "Jordan Lee", (), operator=True),
)


@dataclass(frozen=True)
class InvitationSpec:
    convener_slug: str
    local_part: str
    role: str
    organization: str = ""

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


DEMO_INVITATIONS: tuple[InvitationSpec, ...] = (
    InvitationSpec("metro-atlanta", "new.casemanager", Role.CASE_MANAGER, "Goodwill of North Georgia"),
    InvitationSpec(
        "region-4-indiana", "ivytech.instructor", Role.PROVIDER_STAFF, "Ivy Tech Community College Lafayette"
    ),
)


# ---------------------------------------------------------------------------
# Councils, meetings, action items and goals (issue 3)
#
# Meetings fall on a fixed calendar (every six weeks from EPOCH), so the seed is stable from day to day:
# a meeting's natural key is council + title + date, and a later run only adds the meetings that came
# due since. Attendance follows a fixed pattern per organization (see SeatSpec.misses), so the demo's
# attendance rates are the ones written here, not an accident of a random draw.
# ---------------------------------------------------------------------------
SEAT = CouncilSeat.SeatRole
EPOCH = date(2024, 1, 9)  # a Tuesday; every council's meeting calendar counts from it
CADENCE_DAYS = 42  # every six weeks: missing one meeting never leaves an employer silent for DRIFT_INACTIVE_DAYS
HISTORY_DAYS = 365  # meetings over the past year...
UPCOMING_DAYS = 90  # ...and the ones scheduled for the next three months
DRIFT_STOPPED_DAYS = 230  # a drifting employer came until about this long ago: at most 1 of the last 6 meetings


@dataclass(frozen=True)
class SeatSpec:
    organization: str
    seat_role: str = SEAT.MEMBER
    # Meetings missed in every ten, spread evenly: 0 is always there, 2 is 80%, 4 is 60%.
    misses: int = 2
    # Came as often as the others, then stopped: at most 1 of the last 6 meetings, nothing for 4+ months.
    drifting: bool = False
    # A recent member, seated this many days before the first seeding; None: a founding member.
    joined_days_ago: int | None = None
    representatives: int = 1


@dataclass(frozen=True)
class TopicSpec:
    """One meeting's business: what the agenda says and what the minutes record."""

    title: str
    agenda: tuple[str, ...]
    minutes: str
    decisions: str
    action_items: tuple[str, ...]


@dataclass(frozen=True)
class GoalSpec:
    description: str
    target_value: Decimal
    unit: str


@dataclass(frozen=True)
class CouncilsSpec:
    convener_slug: str
    partnership: str
    time_zone: str
    area_code: str
    place: str
    online_link: str
    weekday_offset: int  # days after EPOCH's Tuesday: each partnership meets on its own weekday
    organizations: tuple[OrganizationSpec, ...]  # added to the convener's directory
    industry: tuple[SeatSpec, ...]
    workforce: tuple[SeatSpec, ...]
    industry_topics: tuple[TopicSpec, ...]
    workforce_topics: tuple[TopicSpec, ...]
    goals: tuple[GoalSpec, ...]


OPENING = "Welcome and introductions"
CLOSING = "Action items and next meeting"

ATLANTA_COUNCILS = CouncilsSpec(
    convener_slug="metro-atlanta",
    partnership=ATLANTA_PARTNERSHIP,
    time_zone="America/New_York",
    area_code="404",
    place="Goodwill of North Georgia, Decatur Career Center, Decatur, GA",
    online_link="https://meet.example.org/atl-healthcare-partnership",
    weekday_offset=0,
    organizations=(
        # Hospitals and care providers are fictional: the case study names no employer.
        OrganizationSpec("Buckhead Heights Medical Center (demo)", ORG.EMPLOYER, "Atlanta", "GA", SIZE.LARGE, "622110"),
        OrganizationSpec("Gwinnett Valley Hospital (demo)", ORG.EMPLOYER, "Lawrenceville", "GA", SIZE.LARGE, "622110"),
        OrganizationSpec(
            "Stone Mountain Senior Living (demo)", ORG.EMPLOYER, "Stone Mountain", "GA", SIZE.MID, "623311"
        ),
        OrganizationSpec("Cobb Home Health Partners (demo)", ORG.EMPLOYER, "Marietta", "GA", SIZE.SMALL, "621610"),
        OrganizationSpec("Clayton Family Health Clinic (demo)", ORG.EMPLOYER, "Jonesboro", "GA", SIZE.SMALL, "621498"),
        # WorkSource Metro Atlanta's five local workforce development boards.
        OrganizationSpec("Atlanta Regional Workforce Development Board", ORG.WORKFORCE_BOARD, "Atlanta", "GA"),
        OrganizationSpec("WorkSource Atlanta", ORG.WORKFORCE_BOARD, "Atlanta", "GA"),
        OrganizationSpec("WorkSource DeKalb", ORG.WORKFORCE_BOARD, "Decatur", "GA"),
        OrganizationSpec("WorkSource Fulton", ORG.WORKFORCE_BOARD, "Atlanta", "GA"),
        OrganizationSpec("CobbWorks", ORG.WORKFORCE_BOARD, "Marietta", "GA"),
        # Technical College System of Georgia colleges serving the region (Atlanta Technical College is
        # already in the directory).
        OrganizationSpec("Gwinnett Technical College", ORG.COLLEGE, "Lawrenceville", "GA"),
        OrganizationSpec("Chattahoochee Technical College", ORG.COLLEGE, "Marietta", "GA"),
        OrganizationSpec("Lanier Technical College", ORG.COLLEGE, "Gainesville", "GA"),
        OrganizationSpec("Georgia Piedmont Technical College", ORG.COLLEGE, "Clarkston", "GA"),
        OrganizationSpec("West Georgia Technical College", ORG.COLLEGE, "Carrollton", "GA"),
        OrganizationSpec("Southern Crescent Technical College", ORG.COLLEGE, "Griffin", "GA"),
        OrganizationSpec("Athens Technical College", ORG.COLLEGE, "Athens", "GA"),
        # Seven school districts.
        OrganizationSpec("Atlanta Public Schools", ORG.K12, "Atlanta", "GA"),
        OrganizationSpec("Fulton County Schools", ORG.K12, "Atlanta", "GA"),
        OrganizationSpec("DeKalb County School District", ORG.K12, "Stone Mountain", "GA"),
        OrganizationSpec("Cobb County School District", ORG.K12, "Marietta", "GA"),
        OrganizationSpec("Gwinnett County Public Schools", ORG.K12, "Suwanee", "GA"),
        OrganizationSpec("Clayton County Public Schools", ORG.K12, "Jonesboro", "GA"),
        OrganizationSpec("Henry County Schools", ORG.K12, "McDonough", "GA"),
        # Atlanta CareerRise is part of the United Way of Greater Atlanta; state agency partners.
        OrganizationSpec("United Way of Greater Atlanta", ORG.COMMUNITY_ORG, "Atlanta", "GA"),
        OrganizationSpec("Georgia Department of Labor", ORG.GOVERNMENT, "Atlanta", "GA"),
    ),
    industry=(
        SeatSpec("Peachtree Regional Medical Center (demo)", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("Metro Atlanta Healthcare Association (demo)", SEAT.CO_CHAIR, misses=1),
        SeatSpec("Chattahoochee Community Hospital (demo)", misses=2, representatives=2),
        SeatSpec("Sweet Auburn Rehabilitation Hospital (demo)", misses=3),
        SeatSpec("Decatur Skilled Nursing Center (demo)", drifting=True),
        SeatSpec("Buckhead Heights Medical Center (demo)", misses=1, representatives=2),
        SeatSpec("Gwinnett Valley Hospital (demo)", misses=2),
        SeatSpec("Stone Mountain Senior Living (demo)", misses=4),
        SeatSpec("Cobb Home Health Partners (demo)", misses=3),
        SeatSpec("Clayton Family Health Clinic (demo)", misses=0, joined_days_ago=100),
    ),
    workforce=(
        SeatSpec("Goodwill of North Georgia", SEAT.LEAD_PARTNER, misses=0, representatives=2),
        SeatSpec("Atlanta Regional Workforce Development Board", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("Atlanta CareerRise", SEAT.CO_CHAIR, misses=1),
        SeatSpec("WorkSource Atlanta", misses=1),
        SeatSpec("WorkSource DeKalb", misses=2),
        SeatSpec("WorkSource Fulton", misses=1),
        SeatSpec("CobbWorks", misses=2),
        SeatSpec("Atlanta Technical College", misses=1, representatives=2),
        SeatSpec("Gwinnett Technical College", misses=2),
        SeatSpec("Chattahoochee Technical College", misses=2),
        SeatSpec("Lanier Technical College", misses=3),
        SeatSpec("Georgia Piedmont Technical College", misses=2),
        SeatSpec("West Georgia Technical College", misses=4),
        SeatSpec("Southern Crescent Technical College", misses=3),
        SeatSpec("Athens Technical College", misses=4),
        SeatSpec("Atlanta Public Schools", misses=2),
        SeatSpec("Fulton County Schools", misses=3),
        SeatSpec("DeKalb County School District", misses=3),
        SeatSpec("Cobb County School District", misses=4),
        SeatSpec("Gwinnett County Public Schools", misses=3),
        SeatSpec("Clayton County Public Schools", misses=4),
        SeatSpec("Henry County Schools", misses=4),
        SeatSpec("Georgia Department of Human Services", misses=1, representatives=2),
        SeatSpec("Georgia Department of Labor", misses=3),
        SeatSpec("United Way of Greater Atlanta", misses=3),
    ),
    industry_topics=(
        TopicSpec(
            "Hiring outlook: EVS technicians and CNAs",
            (OPENING, "Hiring outlook for environmental services technicians and CNAs, next two quarters",
             "Update on the current EVS cohort (Goodwill of North Georgia)", CLOSING),
            "Members compared hiring plans for Environmental Services Technicians and Certified Nursing "
            "Assistants. Night-shift openings remain the hardest to fill. Goodwill reported on the current "
            "8-week EVS cohort: four classroom days and one hospital day a week.",
            "Pool EVS and CNA projections across members for the next demand survey.",
            ("Share next-quarter EVS and CNA openings", "Confirm hospital-day hosts for the next EVS cohort"),
        ),
        TopicSpec(
            "EVS curriculum and screening criteria",
            (OPENING, "Review of the infection-control module of the EVS curriculum",
             "Screening criteria: background checks, drug tests, immunizations", CLOSING),
            "Hospitals walked through their screening requirements so the program can prepare applicants "
            "before the guaranteed interviews. Two members asked for more time on floor-care equipment.",
            "Adopt one shared screening checklist for EVS applicants.",
            ("Send current screening requirements to Goodwill", "Comment on the draft infection-control module"),
        ),
        TopicSpec(
            "Mock interviews and the CHEST pathway",
            (OPENING, "Mock interviews for the graduating cohort",
             "Supporting hires toward the CHEST certificate after 6 months of employment", CLOSING),
            "Members volunteered interviewers for the graduating cohort. Goodwill described its coaching and "
            "scholarships for hires who sit the Certified Health Environment Services Technician exam after "
            "six months on the job.",
            "Every EVS graduate keeps a guaranteed interview with council members.",
            ("Nominate two mock interviewers", "Report six-month retention of EVS hires"),
        ),
        TopicSpec(
            "Patient care pathways: CNA, PCT and LPN",
            (OPENING, "Demand for CNAs, patient care technicians and LPNs",
             "Two pre-employment programs and two apprenticeships: design choices", CLOSING),
            "The council reviewed demand for patient care roles and the plan for two pre-employment training "
            "programs and two apprenticeship programs. Larger hospitals can host apprentices; smaller "
            "providers prefer pooled pre-employment training.",
            "Draft a patient care technician apprenticeship with two hospital sponsors.",
            ("Estimate apprenticeship slots for patient care technicians",),
        ),
    ),
    workforce_topics=(
        TopicSpec(
            "SNAP E&T referral pathway",
            (OPENING, "SNAP E&T: referrals from DFCS offices to Goodwill of North Georgia",
             "Co-enrollment with WIOA Adult through the five boards", CLOSING),
            "The Department of Human Services and Goodwill walked through referral and participant "
            "reimbursement under SNAP E&T. The boards agreed to check WIOA co-enrollment at intake so that "
            "training costs land on the right funding stream.",
            "Use one referral form across the five workforce areas.",
            ("Map the SNAP E&T referral path from DFCS offices to Goodwill",
             "Circulate the WIOA and SNAP E&T co-enrollment checklist"),
        ),
        TopicSpec(
            "Technical college calendars and cohort starts",
            (OPENING, "Term calendars of the eight technical colleges", "Cohort start dates for the next year",
             CLOSING),
            "Colleges shared term dates so that EVS graduates can move on to CNA and PCT programs without "
            "waiting a term. Three colleges can add evening sections if employers commit to interviews.",
            "Publish one calendar of healthcare program starts across the colleges.",
            ("Align cohort start dates with technical college terms", "List each college's healthcare programs"),
        ),
        TopicSpec(
            "K-12 healthcare pathways",
            (OPENING, "Healthcare CTE pathway enrollment by district", "Hospital tours and job shadows for students",
             CLOSING),
            "Districts reported healthcare science pathway enrollment and asked employers for tours and job "
            "shadows. Hospitals can host small groups on non-clinical floors.",
            "Offer two hospital tours per semester to CTE students.",
            ("Share healthcare pathway enrollment by district", "Schedule hospital tours for CTE students"),
        ),
        TopicSpec(
            "Supportive services for night shifts",
            (OPENING, "Child care and transportation for night-shift hires", "Funding streams for supports",
             CLOSING),
            "Case managers reported that child care during night shifts is the most common barrier to "
            "retention. Partners compared what SNAP E&T, TANF and WIOA can pay for.",
            "Keep a shared list of child care providers with night hours.",
            ("Compile child care providers with night hours",),
        ),
    ),
    goals=(
        GoalSpec("Environmental Services Technician pre-employment training length", Decimal("8"), "weeks"),
        GoalSpec("Career counseling after the program", Decimal("10"), "months"),
        GoalSpec("Employment before graduates may sit for the CHEST certificate", Decimal("6"), "months"),
    ),
)

AMP_PARTNERSHIP = REGION_4_INDIANA.partnerships[0].name

AMP_COUNCILS = CouncilsSpec(
    convener_slug="region-4-indiana",
    partnership=AMP_PARTNERSHIP,
    time_zone="America/Indiana/Indianapolis",
    area_code="765",
    place="Ivy Tech Community College, Lafayette campus, Lafayette, IN",
    online_link="https://meet.example.org/amp-region-4",
    weekday_offset=1,
    organizations=(
        # The case study names five of "more than twenty" manufacturers; these make up the rest.
        OrganizationSpec(
            "Wabash Valley Precision Castings (demo)", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "331523"
        ),
        OrganizationSpec("Kokomo Drivetrain Components (demo)", ORG.EMPLOYER, "Kokomo", "IN", SIZE.LARGE, "336350"),
        OrganizationSpec("Tippecanoe Plastics Molding (demo)", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "326199"),
        OrganizationSpec("Monticello Tool & Die (demo)", ORG.EMPLOYER, "Monticello", "IN", SIZE.SMALL, "333514"),
        OrganizationSpec("Howard County Fabrication (demo)", ORG.EMPLOYER, "Kokomo", "IN", SIZE.SMALL, "332312"),
        OrganizationSpec(
            "Frankfort Food Processing Equipment (demo)", ORG.EMPLOYER, "Frankfort", "IN", SIZE.MID, "333241"
        ),
        OrganizationSpec("Wildcat Creek Electronics (demo)", ORG.EMPLOYER, "Kokomo", "IN", SIZE.MID, "334418"),
        OrganizationSpec("Logansport Metal Stampings (demo)", ORG.EMPLOYER, "Logansport", "IN", SIZE.MID, "336370"),
        OrganizationSpec(
            "Crawfordsville Wire Products (demo)", ORG.EMPLOYER, "Crawfordsville", "IN", SIZE.MID, "332618"
        ),
        OrganizationSpec("Battle Ground Hydraulics (demo)", ORG.EMPLOYER, "Battle Ground", "IN", SIZE.SMALL, "333995"),
        OrganizationSpec("Shadeland Coatings (demo)", ORG.EMPLOYER, "Lafayette", "IN", SIZE.SMALL, "332812"),
        OrganizationSpec(
            "West Lafayette Aerostructures (demo)", ORG.EMPLOYER, "West Lafayette", "IN", SIZE.MID, "336413"
        ),
        OrganizationSpec("Carroll County Ag Equipment (demo)", ORG.EMPLOYER, "Delphi", "IN", SIZE.SMALL, "333111"),
        OrganizationSpec("Tipton Gear Works (demo)", ORG.EMPLOYER, "Tipton", "IN", SIZE.SMALL, "333612"),
        OrganizationSpec("Peru Precision Machining (demo)", ORG.EMPLOYER, "Peru", "IN", SIZE.SMALL, "332710"),
        OrganizationSpec("Wabash River Packaging (demo)", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "322211"),
        OrganizationSpec(
            "Sagamore Pharmaceutical Packaging (demo)", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "325412"
        ),
        OrganizationSpec("Prairie Creek Electric Motors (demo)", ORG.EMPLOYER, "Kokomo", "IN", SIZE.MID, "335312"),
        OrganizationSpec("Flora Precision Springs (demo)", ORG.EMPLOYER, "Flora", "IN", SIZE.SMALL, "332613"),
        # City governments, economic development and community groups named by the case study.
        OrganizationSpec("City of Kokomo", ORG.GOVERNMENT, "Kokomo", "IN"),
        OrganizationSpec("City of Lafayette", ORG.GOVERNMENT, "Lafayette", "IN"),
        OrganizationSpec("City of Monticello", ORG.GOVERNMENT, "Monticello", "IN"),
        OrganizationSpec("Greater Lafayette Commerce", ORG.ECONOMIC_DEVELOPMENT, "Lafayette", "IN"),
        OrganizationSpec("Greater Kokomo Economic Development Alliance", ORG.ECONOMIC_DEVELOPMENT, "Kokomo", "IN"),
        OrganizationSpec("White County Economic Development (demo)", ORG.ECONOMIC_DEVELOPMENT, "Monticello", "IN"),
        OrganizationSpec("North Central Indiana Community Action (demo)", ORG.COMMUNITY_ORG, "Kokomo", "IN"),
    ),
    industry=(
        SeatSpec("Subaru of Indiana Automotive", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("AdKev", SEAT.CO_CHAIR, misses=1),
        SeatSpec("Kirby Risk", misses=1, representatives=2),
        SeatSpec("Ball Corporation", misses=3),
        SeatSpec("Caterpillar", misses=2, representatives=2),
        SeatSpec("Wabash Valley Precision Castings (demo)", misses=2),
        SeatSpec("Kokomo Drivetrain Components (demo)", misses=1, representatives=2),
        SeatSpec("Tippecanoe Plastics Molding (demo)", misses=3),
        SeatSpec("Monticello Tool & Die (demo)", misses=2),
        SeatSpec("Howard County Fabrication (demo)", drifting=True),
        SeatSpec("Frankfort Food Processing Equipment (demo)", misses=3),
        SeatSpec("Wildcat Creek Electronics (demo)", misses=2),
        SeatSpec("Logansport Metal Stampings (demo)", misses=4),
        SeatSpec("Crawfordsville Wire Products (demo)", misses=3),
        SeatSpec("Battle Ground Hydraulics (demo)", misses=1),
        SeatSpec("Shadeland Coatings (demo)", misses=4),
        SeatSpec("West Lafayette Aerostructures (demo)", misses=2),
        SeatSpec("Carroll County Ag Equipment (demo)", misses=3),
        SeatSpec("Tipton Gear Works (demo)", misses=2),
        SeatSpec("Peru Precision Machining (demo)", misses=3),
        SeatSpec("Wabash River Packaging (demo)", misses=2),
        SeatSpec("Sagamore Pharmaceutical Packaging (demo)", misses=0, joined_days_ago=120),
        SeatSpec("Prairie Creek Electric Motors (demo)", misses=1),
        SeatSpec("Flora Precision Springs (demo)", drifting=True),
    ),
    workforce=(
        SeatSpec("WorkOne West Central Indiana", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("Ivy Tech Community College Lafayette", SEAT.LEAD_PARTNER, misses=0, representatives=2),
        SeatSpec("Ivy Tech Community College Kokomo", misses=1),
        SeatSpec("Purdue Polytechnic", misses=2, representatives=2),
        SeatSpec("City of Kokomo", misses=3),
        SeatSpec("City of Lafayette", misses=2),
        SeatSpec("City of Monticello", misses=4),
        SeatSpec("Greater Lafayette Commerce", misses=1),
        SeatSpec("Greater Kokomo Economic Development Alliance", misses=2),
        SeatSpec("White County Economic Development (demo)", misses=3),
        SeatSpec("North Central Indiana Community Action (demo)", misses=2),
    ),
    industry_topics=(
        TopicSpec(
            "Ready to Work pipeline and hiring forecast",
            (OPENING, "Production and maintenance openings, next two quarters",
             "Ready to Work: the current pre-employment cohort", CLOSING),
            "Members updated their hiring forecasts; production technician and maintenance roles lead. "
            "WorkOne reported on the Ready to Work cohort of long-term unemployed adults and on the OJT "
            "contracts available to employers who hire graduates.",
            "Aggregate production technician demand across members before the next cohort is sized.",
            ("Submit production technician openings for the next two quarters",
             "Confirm OJT slots for Ready to Work graduates"),
        ),
        TopicSpec(
            "Paid internships of 4 to 12 weeks",
            (OPENING, "Internship hosts and wages (subsidized by the partnership)", "From internship to hire",
             CLOSING),
            "Hosts compared internship lengths (four to twelve weeks) and wages, about $14 an hour to start. "
            "Smaller shops asked for help with mentoring; two larger members offered to train mentors.",
            "Keep the wage subsidy for internships that lead to a job offer.",
            ("Confirm internship host slots and starting wages", "Nominate mentors for the mentor workshop"),
        ),
        TopicSpec(
            "Maintenance technician skills gap",
            (OPENING, "Skills checklist for industrial maintenance", "Ivy Tech and Purdue Polytechnic course fit",
             CLOSING),
            "Members agreed a shared checklist of maintenance skills (electrical troubleshooting, PLCs, "
            "hydraulics). Ivy Tech will map it to its industrial technology certificate.",
            "Use the shared checklist in the next demand survey.",
            ("Share the maintenance skills checklist with Ivy Tech", "Offer plant tours for the next cohort"),
        ),
    ),
    workforce_topics=(
        TopicSpec(
            "Co-enrollment in WIOA and supportive services",
            (OPENING, "Co-enrolling Ready to Work participants under WIOA", "Transportation subsidies and gear",
             CLOSING),
            "WorkOne co-enrolls training participants under its DOL grants and WIOA, so individual training "
            "accounts and support services (transportation, work gear) can be used.",
            "Check WIOA eligibility at intake for every cohort.",
            ("Confirm ITA funding for the next cohort", "Share transportation subsidy guidelines"),
        ),
        TopicSpec(
            "Course schedules at Ivy Tech and Purdue Polytechnic",
            (OPENING, "Next year's course calendar", "Evening sections for incumbent workers", CLOSING),
            "The colleges shared calendars; Kokomo can add an evening section of the production technician "
            "course if enough employers send incumbent workers.",
            "Publish one course calendar for the partnership.",
            ("Publish the joint course calendar", "Count incumbent workers interested in evening sections"),
        ),
        TopicSpec(
            "City and county economic development priorities",
            (OPENING, "Kokomo, Lafayette and Monticello: expansions and new employers", "Outcome goals", CLOSING),
            "City representatives and the economic development organizations described expected expansions, "
            "so the partnership can plan training ahead of new hiring.",
            "Invite new employers to the industry council as they arrive.",
            ("List expected expansions for the next year",),
        ),
    ),
    goals=(
        GoalSpec("Participants completing Ready to Work pre-employment training (since 2014)", Decimal("723"),
                 "participants"),
        GoalSpec("Ready to Work completers hired after training", Decimal("686"), "hires"),
        GoalSpec("Hires receiving structured on-the-job training", Decimal("125"), "participants"),
        GoalSpec("Average starting wage in paid internships", Decimal("14.00"), "$/hour"),
    ),
)

OMIC_COUNCILS = CouncilsSpec(
    convener_slug="pcc-omic",
    partnership="OMIC Training",
    time_zone="America/Los_Angeles",
    area_code="503",
    place="OMIC Training Center, 33500 SW Chinook Plaza, Scappoose, OR",
    online_link="https://meet.example.org/omic-training",
    weekday_offset=2,
    organizations=(
        OrganizationSpec("Columbia River Composites (demo)", ORG.EMPLOYER, "Scappoose", "OR", SIZE.MID, "336413"),
        OrganizationSpec("St. Helens Metal Works (demo)", ORG.EMPLOYER, "St. Helens", "OR", SIZE.SMALL, "332710"),
        OrganizationSpec("Multnomah Aerostructures (demo)", ORG.EMPLOYER, "Portland", "OR", SIZE.MID, "336413"),
        OrganizationSpec("Tualatin Valley Tooling (demo)", ORG.EMPLOYER, "Tualatin", "OR", SIZE.SMALL, "333514"),
        OrganizationSpec(
            "Willamette Welding & Fabrication (demo)", ORG.EMPLOYER, "Portland", "OR", SIZE.SMALL, "332312"
        ),
        OrganizationSpec("Gresham CNC Components (demo)", ORG.EMPLOYER, "Gresham", "OR", SIZE.MID, "332710"),
        OrganizationSpec("Scappoose School District", ORG.K12, "Scappoose", "OR"),
        OrganizationSpec("St. Helens School District", ORG.K12, "St. Helens", "OR"),
        OrganizationSpec("Portland Public Schools", ORG.K12, "Portland", "OR"),
        OrganizationSpec("Oregon State University", ORG.UNIVERSITY, "Corvallis", "OR"),
        OrganizationSpec("Portland State University", ORG.UNIVERSITY, "Portland", "OR"),
        OrganizationSpec("Oregon Institute of Technology", ORG.UNIVERSITY, "Klamath Falls", "OR"),
        OrganizationSpec("Columbia-Pacific Machinists JATC (demo)", ORG.LABOR, "Portland", "OR"),
        OrganizationSpec("Worksystems", ORG.WORKFORCE_BOARD, "Portland", "OR"),
        OrganizationSpec("Columbia County Community Action (demo)", ORG.COMMUNITY_ORG, "St. Helens", "OR"),
    ),
    industry=(
        SeatSpec("Boeing", SEAT.CHAIR, misses=1, representatives=2),
        SeatSpec("Vigor", SEAT.CO_CHAIR, misses=0, representatives=2),
        SeatSpec("Scappoose Precision Machining (demo)", misses=2),
        SeatSpec("Columbia River Composites (demo)", misses=1),
        SeatSpec("St. Helens Metal Works (demo)", misses=3),
        SeatSpec("Multnomah Aerostructures (demo)", misses=2),
        SeatSpec("Tualatin Valley Tooling (demo)", drifting=True),
        SeatSpec("Willamette Welding & Fabrication (demo)", misses=3),
        SeatSpec("Gresham CNC Components (demo)", misses=2),
    ),
    workforce=(
        SeatSpec("Portland Community College", SEAT.LEAD_PARTNER, misses=0, representatives=2),
        SeatSpec("Worksystems", SEAT.CO_CHAIR, misses=1),
        SeatSpec("Oregon Department of Human Services", misses=2, representatives=2),
        SeatSpec("Scappoose School District", misses=2),
        SeatSpec("St. Helens School District", misses=3),
        SeatSpec("Portland Public Schools", misses=4),
        SeatSpec("Oregon State University", misses=3),
        SeatSpec("Portland State University", misses=3),
        SeatSpec("Oregon Institute of Technology", misses=4),
        SeatSpec("Columbia-Pacific Machinists JATC (demo)", misses=1),
        SeatSpec("Columbia County Community Action (demo)", misses=2),
    ),
    industry_topics=(
        TopicSpec(
            "Maritime welding pathway and hiring",
            (OPENING, "Maritime Welding: completion and hiring", "Welder openings, next two quarters", CLOSING),
            "PCC reported an 80 percent completion rate, with 78 percent of completers hired in the industry "
            "at about $19 an hour to start. Vigor described the next cohort taught in its shipyards.",
            "Extend the pathway toward apprenticeship for certified welders.",
            ("Share welder openings for the next two quarters", "Host a shipyard tour for the next cohort"),
        ),
        TopicSpec(
            "Apprenticeships at OMIC Training",
            (OPENING, "Draft machinist and welder apprenticeship standards", "Small-employer sponsorship", CLOSING),
            "Members reviewed draft apprenticeship standards modeled on Boeing's training center in the UK. "
            "Small shops asked for a group sponsor so they can take one apprentice each.",
            "Ask the JATC to act as group sponsor for small employers.",
            ("Review the draft machinist apprenticeship standards", "Count apprentice slots per employer"),
        ),
        TopicSpec(
            "Career fair and class presentations",
            (OPENING, "Career fair after graduation", "Class presentations, tours and mock interviews", CLOSING),
            "Employers signed up for class presentations and mock interviews, and for the career fair after "
            "graduation.",
            "Hold the career fair in the OMIC training hall.",
            ("Sign up for class presentations",),
        ),
    ),
    workforce_topics=(
        TopicSpec(
            "SNAP 50/50 recruitment for OMIC Training",
            (OPENING, "Oregon Community College SNAP 50/50 Consortium: coaching and scholarships",
             "Referrals from community organizations", CLOSING),
            "PCC aligned SNAP 50/50 coaching and scholarships (tuition, books, tools and equipment) with the "
            "OMIC start dates. The Department of Human Services confirmed the referral route.",
            "Recruit the next cohort through the SNAP 50/50 consortium.",
            ("Align SNAP 50/50 coaching with the next start date", "Share the referral form with DHS offices"),
        ),
        TopicSpec(
            "K-12 and university pathways",
            (OPENING, "High school manufacturing pathways", "Transfer routes to Oregon Tech, OSU and PSU", CLOSING),
            "Districts asked for tours of the training center; the universities described transfer routes for "
            "graduates who continue in engineering technology.",
            "Offer tours to district CTE classes each term.",
            ("Schedule OMIC tours for district CTE classes", "Publish transfer routes to the universities"),
        ),
        TopicSpec(
            "Pre-apprenticeship bridge with the JATC",
            (OPENING, "Bridge course for certified welders", "Entry requirements for apprenticeship", CLOSING),
            "The JATC and PCC outlined a bridge course that takes certified welders to the level needed for "
            "apprenticeship, widening access for SNAP 50/50 students.",
            "Pilot the bridge course with one cohort.",
            ("Draft the bridge course outline",),
        ),
    ),
    goals=(
        GoalSpec("Maritime Welding completion rate", Decimal("80"), "%"),
        GoalSpec("Completers hired in the industry", Decimal("78"), "%"),
        GoalSpec("Starting wage of completers", Decimal("19.00"), "$/hour"),
    ),
)

HOUSTON_COUNCILS = CouncilsSpec(
    convener_slug="upskill-houston",
    partnership="UpSkill Houston",
    time_zone="America/Chicago",
    area_code="713",
    place="Greater Houston Partnership, 701 Avenida de las Americas, Houston, TX",
    online_link="https://meet.example.org/upskill-houston-construction",
    weekday_offset=0,
    organizations=(
        OrganizationSpec(
            "Ship Channel Industrial Contractors (demo)", ORG.EMPLOYER, "Pasadena", "TX", SIZE.MID, "237120"
        ),
        OrganizationSpec("Katy Electrical Services (demo)", ORG.EMPLOYER, "Katy", "TX", SIZE.SMALL, "238210"),
        OrganizationSpec("Pasadena Scaffolding (demo)", ORG.EMPLOYER, "Pasadena", "TX", SIZE.SMALL, "238190"),
        OrganizationSpec("Harris County Concrete (demo)", ORG.EMPLOYER, "Houston", "TX", SIZE.MID, "238110"),
        OrganizationSpec("Energy Corridor Constructors (demo)", ORG.EMPLOYER, "Houston", "TX", SIZE.LARGE, "236210"),
        OrganizationSpec("Associated Builders and Contractors of Greater Houston", ORG.INDUSTRY_ASSOCIATION,
                         "Houston", "TX"),
        OrganizationSpec("Houston Community College", ORG.COLLEGE, "Houston", "TX"),
        OrganizationSpec("San Jacinto College", ORG.COLLEGE, "Pasadena", "TX"),
        OrganizationSpec("Lee College", ORG.COLLEGE, "Baytown", "TX"),
        OrganizationSpec("Houston Independent School District", ORG.K12, "Houston", "TX"),
        OrganizationSpec("Texas Health and Human Services Commission", ORG.HUMAN_SERVICES, "Austin", "TX"),
    ),
    industry=(
        SeatSpec("S&B Engineers and Constructors", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("TDIndustries", SEAT.CO_CHAIR, misses=1, representatives=2),
        SeatSpec("Associated Builders and Contractors of Greater Houston", misses=1),
        SeatSpec("Bayou City Mechanical (demo)", misses=2),
        SeatSpec("Ship Channel Industrial Contractors (demo)", misses=2),
        SeatSpec("Katy Electrical Services (demo)", misses=3),
        SeatSpec("Pasadena Scaffolding (demo)", drifting=True),
        SeatSpec("Harris County Concrete (demo)", misses=3),
        SeatSpec("Energy Corridor Constructors (demo)", misses=1),
    ),
    workforce=(
        SeatSpec("Workforce Solutions Gulf Coast", SEAT.CHAIR, misses=0, representatives=2),
        SeatSpec("United Way of Greater Houston", SEAT.LEAD_PARTNER, misses=0, representatives=2),
        SeatSpec("Houston Community College", misses=1, representatives=2),
        SeatSpec("San Jacinto College", misses=2),
        SeatSpec("Lee College", misses=3),
        SeatSpec("Houston Independent School District", misses=3),
        SeatSpec("Texas Health and Human Services Commission", misses=4),
    ),
    industry_topics=(
        TopicSpec(
            "Craft workforce demand: pipefitters and welders",
            (OPENING, "Craft openings by trade, next four quarters", "Cost of bringing in workers from elsewhere",
             CLOSING),
            "Members compared demand for pipefitters, welders and electricians. Hiring locally saves the "
            "travel and per-diem costs of crews brought in from other regions.",
            "Run the next demand survey by craft and quarter.",
            ("Submit craft openings by trade and quarter", "Share entry-level pay scales by craft"),
        ),
        TopicSpec(
            "Women in construction: hire then learn",
            (OPENING, "S&B's twelve-week hire-then-learn program: results", "Replicating it at TDIndustries",
             CLOSING),
            "S&B reported on its twelve-week hire-then-learn program for women and Houston-area residents, "
            "now taught at its craft education and skills enhancement center. TDIndustries described its "
            "replication for mechanical trades.",
            "Open the next cohort to incumbent workers of other member companies.",
            ("Identify incumbent workers for training at the S&B center", "Share the replication playbook"),
        ),
        TopicSpec(
            "Incumbent workers as classroom instructors",
            (OPENING, "Craft professionals teaching in K-12 and college classrooms", "Scheduling and release time",
             CLOSING),
            "Members agreed to release experienced craft workers to teach occasional classes at HCC and in "
            "district CTE programs.",
            "Start with one instructor per member company per semester.",
            ("Name one craft instructor per company",),
        ),
    ),
    workforce_topics=(
        TopicSpec(
            "Recruiting and screening with United Way THRIVE",
            (OPENING, "THRIVE partners: financial literacy and employability skills",
             "Recruiting and screening with the workforce board", CLOSING),
            "United Way and Workforce Solutions described joint recruiting and screening of participants "
            "with barriers to employment, and the services that help them succeed in member training "
            "programs.",
            "Use one screening rubric for the women in construction cohorts.",
            ("Circulate the joint screening rubric", "Report referrals by THRIVE partner"),
        ),
        TopicSpec(
            "Craft training capacity at the colleges",
            (OPENING, "Welding and pipefitting seats at HCC, San Jacinto and Lee College",
             "Evening and weekend classes", CLOSING),
            "The colleges compared seats in welding and pipefitting programs against the industry council's "
            "demand and proposed weekend sections.",
            "Add a weekend welding section if demand holds.",
            ("Compare college seats with the craft demand survey",),
        ),
        TopicSpec(
            "Supportive services for construction trainees",
            (OPENING, "Child care, transportation and tools", "Who pays for what", CLOSING),
            "Partners listed the supports trainees need most (child care for early shifts, transportation "
            "to job sites, tools and boots) and which funding stream covers each.",
            "Keep one list of supports and their funding streams.",
            ("Publish the supports and funding list",),
        ),
    ),
    goals=(
        GoalSpec("Length of the women in construction hire-then-learn program", Decimal("12"), "weeks"),
    ),
)

COUNCILS: tuple[CouncilsSpec, ...] = (ATLANTA_COUNCILS, AMP_COUNCILS, OMIC_COUNCILS, HOUSTON_COUNCILS)

# Demo users who are also named council representatives of the organization they are bound to.
LINKED_REPRESENTATIVES: dict[tuple[str, str], tuple[str, str]] = {
    # (convener slug, organization): (demo user's local part, their title)
    ("metro-atlanta", "Peachtree Regional Medical Center (demo)"): ("employer", "Director of Talent Acquisition"),
    ("metro-atlanta", "Goodwill of North Georgia"): ("casemanager", "Career Navigator"),
    ("metro-atlanta", "Atlanta Technical College"): ("trainer", "Dean of Health Sciences"),
}

FIRST_NAMES = (
    "Aaliyah", "Adrian", "Alicia", "Andre", "Angela", "Ben", "Brianna", "Carlos", "Carmen", "Chloe", "Darnell",
    "Deborah", "Diego", "Elena", "Emeka", "Farah", "Gloria", "Grant", "Hannah", "Hector", "Imani", "Isaac",
    "Jamal", "Janet", "Jasmine", "Kareem", "Karen", "Kenji", "Laura", "Leon", "Lydia", "Malik", "Maria",
    "Megan", "Miguel", "Monique", "Nadia", "Nathan", "Olivia", "Omar", "Paula", "Quentin", "Rachel", "Raj",
    "Renee", "Rosa", "Samuel", "Sandra", "Tamika", "Terrence", "Tomás", "Valerie", "Victor", "Wendy", "Xavier",
    "Yolanda", "Zach",
)
LAST_NAMES = (
    "Abernathy", "Alvarez", "Bailey", "Bennett", "Brooks", "Castillo", "Chen", "Coleman", "Delgado", "Dixon",
    "Ellison", "Fischer", "Foster", "Garcia", "Grant", "Hall", "Hayes", "Holloway", "Ibarra", "Jackson",
    "Jensen", "Kaur", "Kim", "Lawson", "Lindqvist", "Marsh", "McBride", "Mendoza", "Morales", "Nguyen",
    "Okafor", "Ortiz", "Patel", "Pierce", "Quinn", "Ramirez", "Reyes", "Robinson", "Sanders", "Schultz",
    "Singh", "Sullivan", "Tran", "Turner", "Underwood", "Vasquez", "Walker", "Washington", "Whitaker",
    "Yamamoto", "Young", "Zimmerman",
)
TITLES: dict[str, tuple[str, ...]] = {
    ORG.EMPLOYER: ("HR Director", "Talent Acquisition Manager", "Plant Manager", "Training Manager",
                   "VP of Operations", "Workforce Development Manager"),
    ORG.WORKFORCE_BOARD: ("Business Services Manager", "Executive Director", "Sector Strategies Lead"),
    ORG.COLLEGE: ("Dean of Workforce Development", "Director of Economic Development", "Program Chair"),
    ORG.UNIVERSITY: ("Associate Dean for Industry Partnerships", "Director of Corporate Relations"),
    ORG.K12: ("CTE Director", "Career Pathways Coordinator"),
    ORG.COMMUNITY_ORG: ("Director of Workforce Programs", "Program Manager"),
    ORG.HUMAN_SERVICES: ("SNAP E&T Program Manager", "TANF Employment Services Director"),
    ORG.LABOR: ("Training Coordinator", "Apprenticeship Director"),
    ORG.ECONOMIC_DEVELOPMENT: ("President", "VP of Business Retention"),
    ORG.INDUSTRY_ASSOCIATION: ("VP of Workforce", "Director of Education"),
    ORG.PHILANTHROPY: ("Program Officer", "Senior Director, Workforce"),
    ORG.GOVERNMENT: ("Economic Development Director", "Workforce Liaison"),
}


# ---------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------
@dataclass
class SeedContext:
    """What the steps have built so far, by natural key, and what they changed."""

    conveners: dict[str, Convener] = field(default_factory=dict)
    organizations: dict[tuple[str, str], Organization] = field(default_factory=dict)
    partnerships: dict[tuple[str, str], Partnership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    councils: dict[tuple[str, str], Council] = field(default_factory=dict)
    seats: dict[tuple[str, str], list[SeatState]] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)
    # Facts worth printing that are not changes: who the engagement figures flag.
    drifting: list[str] = field(default_factory=list)
    # Per convener: whether this run created skill needs (then the partnership is aggregated again).
    demand_changed: dict[str, bool] = field(default_factory=dict)
    # One clock for the whole run, so every step agrees on what is past and what is upcoming.
    now: datetime = field(default_factory=lambda: timezone.now())

    @property
    def admin(self) -> User:
        return self.users[f"admin@{DEMO_DOMAIN}"]


def _sync(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the fields that differ and save only those; the names of the changed fields."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return changed


def _audit_sync(ctx: SeedContext, convener: Convener, instance: models.Model, changed: list[str]) -> None:
    if changed:
        audit_record(
            convener=convener,
            actor=None,
            action=f"{instance._meta.model_name}.update",
            target=instance,
            source="seed",
            metadata={"fields": changed},
        )
        ctx.changes[f"{instance._meta.model_name} updated"] += 1


def seed_conveners(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        convener = Convener.objects.filter(slug=spec.slug).first()
        if convener is None:
            convener = services.convener_create(name=spec.name, slug=spec.slug, region=spec.region)
            ctx.changes["convener created"] += 1
        elif _sync(convener, {"name": spec.name, "region": spec.region, "is_active": True}):
            ctx.changes["convener updated"] += 1
        ctx.conveners[spec.slug] = convener


def seed_organizations(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        for org in spec.organizations:
            _ensure_organization(ctx, spec.slug, org)


def seed_partnerships(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        convener = ctx.conveners[spec.slug]
        for item in spec.partnerships:
            partnership = Partnership.objects.for_convener(convener).filter(name=item.name).first()
            if partnership is None:
                partnership = services.partnership_create(
                    convener=convener, actor=None, name=item.name, **item.fields()
                )
                ctx.changes["partnership created"] += 1
            else:
                _audit_sync(ctx, convener, partnership, _sync(partnership, item.fields()))
            ctx.partnerships[spec.slug, item.name] = partnership


def _verify_email(user: User) -> bool:
    """Mark the address verified and primary, so allauth's mandatory verification lets the user in."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return True
    return bool(_sync(address, {"verified": True, "primary": True}))


def seed_users(ctx: SeedContext) -> None:
    for spec in DEMO_USERS:
        wanted = {
            "full_name": spec.full_name,
            "is_active": True,
            "is_staff": spec.operator,
            "is_superuser": spec.operator,
        }
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            user = User.objects.create_user(email=spec.email, password=DEMO_PASSWORD, **wanted)
            ctx.changes["user created"] += 1
        else:
            changed = _sync(user, wanted)
            # Put the documented password back if someone changed it while trying the demo.
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                changed.append("password")
            if changed:
                ctx.changes["user updated"] += 1
        if _verify_email(user):
            ctx.changes["email address verified"] += 1
        ctx.users[spec.email] = user


def needs_mfa(spec: DemoUserSpec) -> bool:
    return spec.operator or any(grant.role in MFA_REQUIRED_ROLES for grant in spec.grants)


def seed_authenticators(ctx: SeedContext) -> None:
    """Demo logins that must use two-factor authentication get an authenticator app with DEMO_TOTP_SECRET (and
    recovery codes), so a visitor can sign in; a key changed while trying the demo is put back."""
    from allauth.mfa.models import Authenticator

    for spec in DEMO_USERS:
        if not needs_mfa(spec):
            continue
        user = ctx.users[spec.email]
        before = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).values_list("pk", flat=True)
        before_pk = before.first()
        authenticator, _ = totp_enroll(user, DEMO_TOTP_SECRET)
        if before_pk is None:
            ctx.changes["authenticator app set up"] += 1
        elif before_pk != authenticator.pk:
            ctx.changes["authenticator app reset"] += 1


def _membership_state(convener: Convener, user: User) -> tuple[Any, ...] | None:
    membership = Membership.objects.for_convener(convener).filter(user=user).first()
    if membership is None:
        return None
    partnership_ids = frozenset(membership.partnerships.values_list("pk", flat=True))
    return (membership.role, membership.organization_id, membership.is_active, partnership_ids)


def seed_memberships(ctx: SeedContext) -> None:
    for spec in DEMO_USERS:
        user = ctx.users[spec.email]
        for grant in spec.grants:
            convener = ctx.conveners[grant.convener_slug]
            before = _membership_state(convener, user)
            services.membership_grant(
                convener=convener,
                actor=None,
                user=user,
                role=grant.role,
                organization=ctx.organizations[grant.convener_slug, grant.organization] if grant.organization else None,
                partnerships=[ctx.partnerships[grant.convener_slug, name] for name in grant.partnerships],
            )
            if before is None:
                ctx.changes["membership created"] += 1
            elif before != _membership_state(convener, user):
                ctx.changes["membership updated"] += 1


def seed_invitations(ctx: SeedContext) -> None:
    """A pending invitation or two, so the People page shows one. Skipped while one is pending."""
    for spec in DEMO_INVITATIONS:
        convener = ctx.conveners[spec.convener_slug]
        pending = Invitation.objects.for_convener(convener).filter(
            email__iexact=spec.email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        member = Membership.objects.for_convener(convener).filter(user__email__iexact=spec.email).exists()
        if member or pending.exists():
            continue
        services.invitation_create(
            convener=convener,
            actor=ctx.admin,
            email=spec.email,
            role=spec.role,
            organization=ctx.organizations[spec.convener_slug, spec.organization] if spec.organization else None,
        )
        ctx.changes["invitation created"] += 1


# ---------------------------------------------------------------------------
# Council steps (issue 3): seats and representatives, meetings with attendance and action items, goals,
# and finally the stored engagement figures.
# ---------------------------------------------------------------------------
@dataclass
class SeatState:
    """A seeded seat, with what the attendance pattern needs."""

    spec: SeatSpec
    seat: CouncilSeat
    organization: Organization
    representatives: list[Representative]


def _ensure_organization(ctx: SeedContext, convener_slug: str, spec: OrganizationSpec) -> Organization:
    convener = ctx.conveners[convener_slug]
    organization = Organization.objects.for_convener(convener).filter(name=spec.name).first()
    if organization is None:
        organization = services.organization_create(convener=convener, actor=None, name=spec.name, **spec.fields())
        ctx.changes["organization created"] += 1
    else:
        _audit_sync(ctx, convener, organization, _sync(organization, spec.fields()))
    ctx.organizations[convener_slug, spec.name] = organization
    return organization


def seed_council_organizations(ctx: SeedContext) -> None:
    for plan in COUNCILS:
        for spec in plan.organizations:
            _ensure_organization(ctx, plan.convener_slug, spec)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _wanted_representatives(
    ctx: SeedContext, plan: CouncilsSpec, seat: SeatSpec, organization: Organization, used: set[str]
) -> list[dict[str, Any]]:
    """The people who represent an organization: a linked demo user first, then made-up names.

    Names come from a generator seeded with the organization's name, so they are the same on every run.
    """
    rng = random.Random(f"{plan.convener_slug}|{organization.name}|people")  # noqa: S311 (demo data)
    titles = list(TITLES.get(organization.org_type, ("Representative",)))
    rng.shuffle(titles)
    wanted: list[dict[str, Any]] = []
    linked = LINKED_REPRESENTATIVES.get((plan.convener_slug, organization.name))
    if linked:
        user = ctx.users[f"{linked[0]}@{DEMO_DOMAIN}"]
        wanted.append({"full_name": user.full_name, "title": linked[1], "email": user.email, "user": user})
    while len(wanted) < seat.representatives:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        full_name = f"{first} {last}"
        if full_name in used:
            continue
        used.add(full_name)
        wanted.append({
            "full_name": full_name,
            "title": titles[len(wanted) % len(titles)],
            "email": _ascii(f"{first}.{last}@example.org").lower(),
            "user": None,
        })
    for person in wanted:
        person["phone"] = f"({plan.area_code}) 555-01{rng.randrange(100):02d}"  # 555-01xx: fictional numbers
    return wanted


def _ensure_representatives(
    ctx: SeedContext, convener: Convener, organization: Organization, wanted: list[dict[str, Any]]
) -> list[Representative]:
    existing = {r.full_name: r for r in Representative.objects.for_convener(convener).filter(organization=organization)}
    people = []
    for person in wanted:
        values = {key: value for key, value in person.items() if key != "full_name"} | {"is_active": True}
        representative = existing.get(person["full_name"])
        if representative is None:
            representative = services.representative_create(
                convener=convener, actor=None, organization=organization, **person
            )
            ctx.changes["representative created"] += 1
        else:
            changed = {key: value for key, value in values.items() if getattr(representative, key) != value}
            if changed:
                services.representative_update(
                    convener=convener, actor=None, representative=representative, **changed
                )
                ctx.changes["representative updated"] += 1
        people.append(representative)
    return people


def _ensure_seat(
    ctx: SeedContext, convener: Convener, council: Council, spec: SeatSpec, organization: Organization,
    representatives: list[Representative], partnership: Partnership,
) -> CouncilSeat:
    seat = CouncilSeat.objects.for_convener(convener).filter(
        council=council, organization=organization, left_on__isnull=True
    ).first()
    if seat is None:
        founded = partnership.start_date or EPOCH
        joined_on = (
            timezone.localdate(ctx.now) - timedelta(days=spec.joined_days_ago) if spec.joined_days_ago else founded
        )
        seat = services.council_seat_add(
            convener=convener, actor=None, council=council, organization=organization, joined_on=joined_on,
            seat_role=spec.seat_role, representatives=representatives,
        )
        ctx.changes["council seat created"] += 1
    elif seat.seat_role != spec.seat_role or set(seat.representatives.values_list("pk", flat=True)) != {
        r.pk for r in representatives
    }:
        services.council_seat_update(
            convener=convener, actor=None, seat=seat, seat_role=spec.seat_role, representatives=representatives
        )
        ctx.changes["council seat updated"] += 1
    return seat


def seed_council_seats(ctx: SeedContext) -> None:
    for plan in COUNCILS:
        convener = ctx.conveners[plan.convener_slug]
        partnership = ctx.partnerships[plan.convener_slug, plan.partnership]
        councils = {c.kind: c for c in Council.objects.for_convener(convener).filter(partnership=partnership)}
        used_names: set[str] = set()
        for kind, seats in ((Council.Kind.INDUSTRY, plan.industry), (Council.Kind.WORKFORCE, plan.workforce)):
            council = councils[kind]
            ctx.councils[plan.convener_slug, kind] = council
            states = []
            for spec in seats:
                organization = ctx.organizations[plan.convener_slug, spec.organization]
                wanted = _wanted_representatives(ctx, plan, spec, organization, used_names)
                representatives = _ensure_representatives(ctx, convener, organization, wanted)
                seat = _ensure_seat(ctx, convener, council, spec, organization, representatives, partnership)
                states.append(SeatState(spec, seat, organization, representatives))
            ctx.seats[plan.convener_slug, kind] = states


def _meeting_slots(plan: CouncilsSpec, kind: str, today: date) -> list[tuple[int, date]]:
    """(slot number, date) of the council's meetings from a year ago to three months ahead."""
    first = EPOCH + timedelta(days=plan.weekday_offset + (CADENCE_DAYS // 2 if kind == Council.Kind.WORKFORCE else 0))
    start, end = today - timedelta(days=HISTORY_DAYS), today + timedelta(days=UPCOMING_DAYS)
    slot = max(0, (start - first).days // CADENCE_DAYS)
    slots = []
    while (day := first + timedelta(days=slot * CADENCE_DAYS)) <= end:
        if day >= start:
            slots.append((slot, day))
        slot += 1
    return slots


def _attends(plan: CouncilsSpec, state: SeatState, slot: int, day: date, today: date) -> bool:
    """Whether the organization came: ``misses`` in every ten meetings, spread evenly (so any six meetings
    in a row hold the same share, give or take one). A drifting employer stopped coming a while ago."""
    if day < state.seat.joined_on:
        return False
    if state.spec.drifting and day >= today - timedelta(days=DRIFT_STOPPED_DAYS):
        return False
    misses = 2 if state.spec.drifting else state.spec.misses
    offset = random.Random(f"{plan.convener_slug}|{state.organization.name}|attendance").randrange(10)  # noqa: S311
    return (slot * misses + offset) % 10 >= misses


def _staff_user(ctx: SeedContext, convener_slug: str) -> User:
    """Who keeps the council's books: the staff login in Metro Atlanta, the admin elsewhere."""
    return ctx.users[f"staff@{DEMO_DOMAIN}"] if convener_slug == "metro-atlanta" else ctx.admin


def _agenda(topic: TopicSpec) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(topic.agenda, start=1))


def _ensure_meeting(
    ctx: SeedContext, plan: CouncilsSpec, council: Council, slot: int, day: date
) -> tuple[Meeting, TopicSpec]:
    convener = ctx.conveners[plan.convener_slug]
    industry = council.kind == Council.Kind.INDUSTRY
    topics = plan.industry_topics if industry else plan.workforce_topics
    topic = topics[slot % len(topics)]
    title = f"{'Industry council' if industry else 'Workforce partners council'}: {topic.title}"
    zone = ZoneInfo(plan.time_zone)
    starts_at = datetime.combine(day, time(9, 30) if industry else time(14, 0), tzinfo=zone)
    ends_at = starts_at + timedelta(hours=1, minutes=30)
    day_start = datetime.combine(day, time.min, tzinfo=zone)
    meeting = Meeting.objects.for_convener(convener).filter(
        council=council, title=title, starts_at__gte=day_start, starts_at__lt=day_start + timedelta(days=1)
    ).first()
    past = ends_at <= ctx.now
    record = {"minutes": topic.minutes, "decisions": topic.decisions, "status": Meeting.Status.HELD} if past else {}
    if meeting is None:
        meeting = services.meeting_schedule(
            convener=convener, actor=_staff_user(ctx, plan.convener_slug), council=council, title=title,
            starts_at=starts_at, ends_at=ends_at, location=plan.place, online_link=plan.online_link,
            agenda=_agenda(topic), **record,
        )
        ctx.changes["meeting created"] += 1
    elif past and meeting.status == Meeting.Status.SCHEDULED:
        # Scheduled by an earlier run, held since: the demo writes its minutes.
        services.meeting_update(convener=convener, actor=_staff_user(ctx, plan.convener_slug), meeting=meeting,
                                **record)
        ctx.changes["meeting held"] += 1
    return meeting, topic


def _record_attendance(ctx: SeedContext, plan: CouncilsSpec, kind: str, meeting: Meeting, slot: int) -> None:
    convener = ctx.conveners[plan.convener_slug]
    if meeting.status != Meeting.Status.HELD or meeting.attendance.exists():
        return  # upcoming, cancelled, or attendance already taken (by an earlier run or by hand)
    today = timezone.localdate(ctx.now)
    day = timezone.localdate(meeting.starts_at, ZoneInfo(plan.time_zone))
    present: list[Representative] = []
    for state in ctx.seats[plan.convener_slug, kind]:
        if not _attends(plan, state, slot, day, today):
            continue
        first, *others = state.representatives
        present.append(first)
        rng = random.Random(f"{plan.convener_slug}|{state.organization.name}|{slot}")  # noqa: S311
        present += [person for person in others if rng.random() < 0.4]
    services.meeting_record_attendance(
        convener=convener, actor=_staff_user(ctx, plan.convener_slug), meeting=meeting,
        present_representatives=present,
    )
    ctx.changes["attendance recorded"] += 1


def _ensure_action_items(
    ctx: SeedContext, plan: CouncilsSpec, kind: str, meeting: Meeting, topic: TopicSpec, slot: int
) -> None:
    """The meeting's follow-ups: most of those past their date are done, the rest are overdue; most of the
    recent ones are open and not yet due. Status is set when an item is first seeded; later runs leave it
    alone, so open items fall overdue as the days pass, as they do in real life."""
    if meeting.status != Meeting.Status.HELD:
        return
    convener = ctx.conveners[plan.convener_slug]
    partnership = ctx.partnerships[plan.convener_slug, plan.partnership]
    existing = set(
        ActionItem.objects.for_convener(convener).filter(meeting=meeting).values_list("title", flat=True)
    )
    today = timezone.localdate(ctx.now)
    staff = _staff_user(ctx, plan.convener_slug)
    day = timezone.localdate(meeting.starts_at, ZoneInfo(plan.time_zone))
    owners = [s for s in ctx.seats[plan.convener_slug, kind] if not s.spec.drifting and s.seat.joined_on <= day]
    for number, title in enumerate(topic.action_items):
        if title in existing:
            continue
        rng = random.Random(f"{plan.convener_slug}|{kind}|{slot}|{number}")  # noqa: S311
        due_on = day + timedelta(days=21 + 14 * number)
        owner_representative = rng.choice(owners).representatives[0] if number % 2 == 0 else None
        item = services.action_item_create(
            convener=convener, actor=staff, partnership=partnership, meeting=meeting, title=title,
            due_on=due_on, owner_representative=owner_representative,
            owner_user=None if owner_representative else staff,
        )
        ctx.changes["action item created"] += 1
        draw = rng.random()
        # Long past due: nearly all done; recently due: most done; not yet due: still open.
        age = (today - due_on).days
        if draw < (0.9 if age > 90 else 0.65 if age > 0 else 0.0):
            status = ActionItem.Status.DONE
        else:  # past its date, an item still open is overdue
            status = ActionItem.Status.IN_PROGRESS if rng.random() < 0.4 else ActionItem.Status.OPEN
        if status != ActionItem.Status.OPEN:
            services.action_item_update(convener=convener, actor=staff, item=item, status=status)
        if status == ActionItem.Status.DONE:
            # The service stamps today's date; the demo's items were finished around their due date.
            completed_on = max(day, min(due_on - timedelta(days=rng.randrange(0, 10)), today))
            ActionItem.objects.for_convener(convener).filter(pk=item.pk).update(completed_on=completed_on)


def seed_meetings(ctx: SeedContext) -> None:
    today = timezone.localdate(ctx.now)
    for plan in COUNCILS:
        for kind in (Council.Kind.INDUSTRY, Council.Kind.WORKFORCE):
            council = ctx.councils[plan.convener_slug, kind]
            for slot, day in _meeting_slots(plan, kind, today):
                meeting, topic = _ensure_meeting(ctx, plan, council, slot, day)
                _record_attendance(ctx, plan, kind, meeting, slot)
                _ensure_action_items(ctx, plan, kind, meeting, topic, slot)


def seed_goals(ctx: SeedContext) -> None:
    for plan in COUNCILS:
        convener = ctx.conveners[plan.convener_slug]
        partnership = ctx.partnerships[plan.convener_slug, plan.partnership]
        existing = {
            goal.description: goal
            for goal in PartnershipGoal.objects.for_convener(convener).filter(partnership=partnership)
        }
        for spec in plan.goals:
            goal = existing.get(spec.description)
            if goal is None:
                services.partnership_goal_add(
                    convener=convener, actor=None, partnership=partnership, description=spec.description,
                    target_value=spec.target_value, unit=spec.unit,
                )
                ctx.changes["goal created"] += 1
            else:
                _audit_sync(ctx, convener, goal, _sync(goal, {"target_value": spec.target_value, "unit": spec.unit}))


def seed_engagement(ctx: SeedContext) -> None:
    """Recompute every seeded council's engagement now, rather than waiting for the nightly job.

    Not counted as a change: the figures follow from the meetings, and a later day may flag someone new.
    """
    today = timezone.localdate(ctx.now)
    for (convener_slug, _kind), council in sorted(ctx.councils.items()):
        rows = services.engagement_refresh(convener=ctx.conveners[convener_slug], council=council, today=today)
        ctx.drifting += [row.organization.name for row in rows if row.is_drifting]


# ---------------------------------------------------------------------------
# Employer demand (issue 4): OEWS reference data, labor-market areas, surveys, skill needs, a snapshot
# ---------------------------------------------------------------------------
CTDL = CredentialType


@dataclass(frozen=True)
class NeedProfile:
    """What one kind of hire looks like: occupation, credentials, skills, and the openings of a typical firm."""

    soc_code: str
    label: str
    skills: tuple[str, ...]
    credentials: tuple[tuple[str, str], ...] = ()
    competencies: tuple[str, ...] = ()
    openings: tuple[int, int] = (2, 6)  # per quarter, for a mid-sized employer
    education: str = SkillNeed.Education.HIGH_SCHOOL
    experience_months: int = 0
    shift: str = SkillNeed.Shift.DAY
    wbl: tuple[str, ...] = ("job_shadows", "tours", "guaranteed_interviews")
    drivers_license: bool = False


@dataclass(frozen=True)
class DemandSpec:
    convener_slug: str
    partnership: str
    area_code: str  # OEWS area: every market-wage comparison of the partnership uses it
    competencies: tuple[str, ...]
    profiles: dict[str, NeedProfile]
    # employer -> ((profile key, status), ...); status "c" confirmed, "s" submitted, "d" draft.
    # Industry-council employers missing here are invited and do not answer.
    answers: dict[str, tuple[tuple[str, str], ...]]
    # Answered the previous (closed) cycle, all confirmed.
    past: dict[str, tuple[str, ...]]


HEALTH = ("Service Orientation", "Active Listening", "Social Perceptiveness", "Monitoring")
ATLANTA_DEMAND = DemandSpec(
    convener_slug="metro-atlanta",
    partnership=ATLANTA_PARTNERSHIP,
    area_code="0012060",  # Atlanta-Sandy Springs-Roswell, GA
    competencies=("Infection control", "Bloodborne pathogens safety", "Patient privacy (HIPAA)",
                  "Safe patient handling and mobility"),
    profiles={
        "evs": NeedProfile(
            "37-2011", "Environmental Services Technician", ("Service Orientation", "Time Management", "Monitoring"),
            (("CHEST (Certified Health Care Environmental Services Technician)", CTDL.CERTIFICATION),),
            ("Infection control", "Bloodborne pathogens safety"), (4, 10), SkillNeed.Education.NONE,
            shift=SkillNeed.Shift.EVENING, wbl=("job_shadows", "tours", "mock_interviews", "guaranteed_interviews"),
        ),
        "cna": NeedProfile(
            "31-1131", "Certified Nursing Assistant", HEALTH,
            (("Georgia Certified Nursing Assistant (CNA)", CTDL.CERTIFICATION),
             ("BLS Provider (American Heart Association)", CTDL.CERTIFICATE)),
            ("Safe patient handling and mobility", "Infection control"), (3, 8),
            shift=SkillNeed.Shift.ROTATING, wbl=("ojt_slots", "job_shadows", "guaranteed_interviews"),
        ),
        "pct": NeedProfile(
            "31-1131", "Patient Care Technician", (*HEALTH, "Critical Thinking"),
            (("Certified Patient Care Technician (CPCT/A)", CTDL.CERTIFICATION),
             ("Georgia Certified Nursing Assistant (CNA)", CTDL.CERTIFICATION),
             ("BLS Provider (American Heart Association)", CTDL.CERTIFICATE)),
            ("Safe patient handling and mobility", "Patient privacy (HIPAA)"), (3, 9),
            SkillNeed.Education.POSTSECONDARY_CERT, shift=SkillNeed.Shift.NIGHT,
            wbl=("internship_slots", "job_shadows", "guaranteed_interviews"),
        ),
        "lpn": NeedProfile(
            "29-2061", "Licensed Practical Nurse", ("Critical Thinking", "Monitoring", "Speaking", "Coordination"),
            (("Georgia Licensed Practical Nurse (LPN) license", CTDL.LICENSE),
             ("BLS Provider (American Heart Association)", CTDL.CERTIFICATE)),
            ("Patient privacy (HIPAA)", "Infection control"), (1, 4), SkillNeed.Education.POSTSECONDARY_CERT, 6,
            SkillNeed.Shift.ROTATING, ("internship_slots", "mock_interviews"),
        ),
        "emt": NeedProfile(
            "29-2042", "Emergency Medical Technician", ("Critical Thinking", "Coordination", "Service Orientation"),
            (("NREMT Emergency Medical Technician", CTDL.CERTIFICATION),
             ("Georgia EMT license", CTDL.LICENSE)),
            ("Bloodborne pathogens safety",), (1, 4), SkillNeed.Education.POSTSECONDARY_CERT,
            shift=SkillNeed.Shift.ROTATING, wbl=("ojt_slots", "job_shadows", "guaranteed_interviews"),
            drivers_license=True,
        ),
        "paramedic": NeedProfile(
            "29-2043", "Paramedic", ("Critical Thinking", "Judgment and Decision Making", "Coordination"),
            (("NREMT Paramedic", CTDL.CERTIFICATION), ("Georgia Paramedic license", CTDL.LICENSE)),
            ("Bloodborne pathogens safety",), (1, 3), SkillNeed.Education.ASSOCIATE, 12,
            SkillNeed.Shift.ROTATING, ("apprenticeship_slots", "mock_interviews"), drivers_license=True,
        ),
    },
    answers={
        "Peachtree Regional Medical Center (demo)": (("evs", "c"), ("pct", "c"), ("lpn", "c"), ("emt", "s"),
                                                     ("paramedic", "s")),
        "Chattahoochee Community Hospital (demo)": (("evs", "c"), ("pct", "s"), ("emt", "s")),
        "Sweet Auburn Rehabilitation Hospital (demo)": (("evs", "s"), ("cna", "c"), ("lpn", "s")),
        "Buckhead Heights Medical Center (demo)": (("evs", "c"), ("pct", "c"), ("lpn", "s"), ("emt", "c"),
                                                   ("paramedic", "c")),
        "Gwinnett Valley Hospital (demo)": (("evs", "s"), ("pct", "s"), ("emt", "s"), ("paramedic", "d")),
        "Stone Mountain Senior Living (demo)": (("cna", "s"), ("lpn", "d")),
        "Clayton Family Health Clinic (demo)": (("lpn", "s"),),
        # Decatur Skilled Nursing Center and Cobb Home Health Partners have not answered.
    },
    past={
        "Peachtree Regional Medical Center (demo)": ("evs", "pct", "lpn"),
        "Chattahoochee Community Hospital (demo)": ("evs", "pct"),
        "Buckhead Heights Medical Center (demo)": ("evs", "pct", "emt"),
        "Decatur Skilled Nursing Center (demo)": ("cna",),
        "Gwinnett Valley Hospital (demo)": ("evs", "emt"),
    },
)

WELD = ("Operation and Control", "Quality Control Analysis", "Monitoring")
MACHINE = ("Operation and Control", "Mathematics", "Quality Control Analysis", "Troubleshooting")
OMIC_DEMAND = DemandSpec(
    convener_slug="pcc-omic",
    partnership="OMIC Training",
    area_code="0038900",  # Portland-Vancouver-Hillsboro, OR-WA
    competencies=("GMAW and FCAW welding", "Blueprint reading and GD&T", "Precision measurement",
                  "Shipyard safety (OSHA 10 Maritime)"),
    profiles={
        "welder": NeedProfile(
            "51-4121", "Maritime welder", WELD,
            (("AWS D1.1 Structural Steel Welding certification", CTDL.CERTIFICATION),
             ("OSHA 10 Maritime", CTDL.CERTIFICATE)),
            ("GMAW and FCAW welding", "Shipyard safety (OSHA 10 Maritime)"), (3, 8),
            wbl=("apprenticeship_slots", "ojt_slots", "tours", "guaranteed_interviews"),
        ),
        "machinist": NeedProfile(
            "51-4041", "Machinist", MACHINE,
            (("NIMS Machining Level I: Measurement, Materials and Safety", CTDL.CERTIFICATION),),
            ("Blueprint reading and GD&T", "Precision measurement"), (2, 5), experience_months=6,
            wbl=("apprenticeship_slots", "job_shadows", "mock_interviews"),
        ),
        "cnc": NeedProfile(
            "51-9161", "CNC operator", (*MACHINE, "Programming"),
            (("NIMS CNC Milling: Operations", CTDL.CERTIFICATION), ("PCC CNC Machining certificate", CTDL.CERTIFICATE)),
            ("Blueprint reading and GD&T", "Precision measurement"), (2, 6), SkillNeed.Education.POSTSECONDARY_CERT,
            shift=SkillNeed.Shift.EVENING, wbl=("internship_slots", "ojt_slots", "guaranteed_interviews"),
        ),
        "assembler": NeedProfile(
            "51-2090", "Aerostructures assembler", ("Operation and Control", "Quality Control Analysis",
                                                     "Active Learning"),
            (("Aerospace Manufacturing Technician certificate", CTDL.CERTIFICATE),),
            ("Blueprint reading and GD&T",), (3, 10), wbl=("ojt_slots", "tours", "guaranteed_interviews"),
        ),
    },
    answers={
        "Vigor": (("welder", "c"), ("machinist", "c")),
        "Boeing": (("cnc", "c"), ("machinist", "s"), ("assembler", "c")),
        "Scappoose Precision Machining (demo)": (("machinist", "s"), ("cnc", "s")),
        "St. Helens Metal Works (demo)": (("welder", "s"), ("cnc", "d")),
        "Multnomah Aerostructures (demo)": (("cnc", "s"), ("assembler", "s")),
        "Willamette Welding & Fabrication (demo)": (("welder", "c"),),
        "Gresham CNC Components (demo)": (("cnc", "s"), ("machinist", "s")),
        "Columbia River Composites (demo)": (("assembler", "d"),),
        # Tualatin Valley Tooling has not answered.
    },
    past={
        "Vigor": ("welder",),
        "Boeing": ("cnc", "assembler"),
        "Scappoose Precision Machining (demo)": ("machinist",),
        "Willamette Welding & Fabrication (demo)": ("welder",),
        "Tualatin Valley Tooling (demo)": ("cnc",),
    },
)

CRAFT = ("Installation", "Equipment Selection", "Troubleshooting", "Coordination")
HOUSTON_DEMAND = DemandSpec(
    convener_slug="upskill-houston",
    partnership="UpSkill Houston",
    area_code="0026420",  # Houston-Pasadena-The Woodlands, TX
    competencies=("OSHA 10 construction safety", "Rigging and signaling", "Isometric and blueprint reading",
                  "Confined space awareness"),
    profiles={
        "pipefitter": NeedProfile(
            "47-2152", "Pipefitter", CRAFT,
            (("NCCER Core Curriculum", CTDL.CERTIFICATE), ("NCCER Pipefitting Level 2", CTDL.CERTIFICATION)),
            ("Isometric and blueprint reading", "Rigging and signaling", "OSHA 10 construction safety"), (4, 12),
            wbl=("apprenticeship_slots", "ojt_slots", "guaranteed_interviews"),
        ),
        "welder": NeedProfile(
            "51-4121", "Pipe welder", WELD,
            (("AWS D1.1 Structural Steel Welding certification", CTDL.CERTIFICATION),
             ("NCCER Welding Level 1", CTDL.CERTIFICATION)),
            ("OSHA 10 construction safety", "Confined space awareness"), (3, 10),
            wbl=("apprenticeship_slots", "ojt_slots", "tours", "guaranteed_interviews"),
        ),
        "electrician": NeedProfile(
            "47-2111", "Electrician", ("Installation", "Troubleshooting", "Mathematics", "Reading Comprehension"),
            (("Texas Apprentice Electrician license (TDLR)", CTDL.LICENSE),
             ("NCCER Electrical Level 1", CTDL.CERTIFICATION)),
            ("OSHA 10 construction safety",), (2, 8),
            wbl=("apprenticeship_slots", "mock_interviews", "guaranteed_interviews"), drivers_license=True,
        ),
        "hvac": NeedProfile(
            "49-9021", "HVAC technician", ("Installation", "Repairing", "Troubleshooting"),
            (("EPA Section 608 Technician certification", CTDL.CERTIFICATION),),
            ("OSHA 10 construction safety",), (1, 4), SkillNeed.Education.POSTSECONDARY_CERT,
            wbl=("apprenticeship_slots", "ojt_slots"), drivers_license=True,
        ),
        "laborer": NeedProfile(
            "47-2061", "Construction laborer", ("Operation and Control", "Coordination", "Monitoring"),
            (("OSHA 10 Construction", CTDL.CERTIFICATE),),
            ("OSHA 10 construction safety",), (4, 12), SkillNeed.Education.NONE,
            wbl=("ojt_slots", "guaranteed_interviews"),
        ),
    },
    answers={
        "S&B Engineers and Constructors": (("pipefitter", "c"), ("welder", "c"), ("electrician", "s")),
        "TDIndustries": (("pipefitter", "c"), ("electrician", "c"), ("hvac", "s")),
        "Bayou City Mechanical (demo)": (("pipefitter", "s"), ("welder", "s"), ("hvac", "d")),
        "Ship Channel Industrial Contractors (demo)": (("pipefitter", "s"), ("welder", "s")),
        "Katy Electrical Services (demo)": (("electrician", "d"),),
        "Harris County Concrete (demo)": (("laborer", "s"),),
        "Energy Corridor Constructors (demo)": (("pipefitter", "s"), ("welder", "c"), ("electrician", "s")),
        # Pasadena Scaffolding has not answered.
    },
    past={
        "S&B Engineers and Constructors": ("pipefitter", "welder"),
        "TDIndustries": ("pipefitter", "electrician"),
        "Bayou City Mechanical (demo)": ("pipefitter",),
        "Energy Corridor Constructors (demo)": ("welder",),
    },
)

PRODUCTION = ("Operation and Control", "Quality Control Analysis", "Monitoring", "Active Learning")
AMP_DEMAND = DemandSpec(
    convener_slug="region-4-indiana",
    partnership="Advancing Manufacturing Partnership",
    area_code="0029200",  # Lafayette-West Lafayette, IN
    competencies=("Lean manufacturing and 5S", "PLC troubleshooting", "Blueprint reading and GD&T",
                  "Forklift operation"),
    profiles={
        "assembler": NeedProfile(
            "51-2090", "Production assembler", PRODUCTION,
            (("MSSC Certified Production Technician (CPT)", CTDL.CERTIFICATION),
             ("OSHA 10 General Industry", CTDL.CERTIFICATE)),
            ("Lean manufacturing and 5S",), (4, 14), shift=SkillNeed.Shift.ROTATING,
            wbl=("internship_slots", "tours", "guaranteed_interviews"),
        ),
        "cnc": NeedProfile(
            "51-9161", "CNC operator", (*MACHINE, "Programming"),
            (("NIMS Measurement, Materials and Safety", CTDL.CERTIFICATION),
             ("Ivy Tech Machine Tool Technology certificate", CTDL.CERTIFICATE)),
            ("Blueprint reading and GD&T",), (2, 6), SkillNeed.Education.POSTSECONDARY_CERT,
            shift=SkillNeed.Shift.EVENING, wbl=("internship_slots", "ojt_slots", "guaranteed_interviews"),
        ),
        "maintenance": NeedProfile(
            "49-9041", "Maintenance technician", ("Repairing", "Equipment Maintenance", "Troubleshooting",
                                                  "Complex Problem Solving"),
            (("Industrial Maintenance Mechanic (registered apprenticeship)", CTDL.APPRENTICESHIP_CERTIFICATE),
             ("Ivy Tech Industrial Technology technical certificate", CTDL.CERTIFICATE)),
            ("PLC troubleshooting",), (1, 4), SkillNeed.Education.POSTSECONDARY_CERT, 12,
            SkillNeed.Shift.ROTATING, ("apprenticeship_slots", "internship_slots", "mock_interviews"),
        ),
        "welder": NeedProfile(
            "51-4121", "Welder", WELD,
            (("AWS D1.1 Structural Steel Welding certification", CTDL.CERTIFICATION),),
            ("Blueprint reading and GD&T",), (2, 6), wbl=("ojt_slots", "tours", "guaranteed_interviews"),
        ),
        "machinist": NeedProfile(
            "51-4041", "Machinist", MACHINE,
            (("NIMS Machining Level I: Measurement, Materials and Safety", CTDL.CERTIFICATION),),
            ("Blueprint reading and GD&T",), (1, 3), experience_months=12,
            wbl=("apprenticeship_slots", "job_shadows"),
        ),
        "supervisor": NeedProfile(
            "51-1011", "Production supervisor", ("Management of Personnel Resources", "Coordination",
                                                 "Judgment and Decision Making", "Time Management"),
            (("SME Lean Bronze certification", CTDL.CERTIFICATION),),
            ("Lean manufacturing and 5S",), (1, 2), SkillNeed.Education.ASSOCIATE, 36,
            wbl=("mock_interviews",),
        ),
    },
    answers={
        "Subaru of Indiana Automotive": (("assembler", "c"), ("maintenance", "c"), ("welder", "c"),
                                         ("supervisor", "s")),
        "AdKev": (("cnc", "c"), ("machinist", "s"), ("welder", "s")),
        "Kirby Risk": (("assembler", "s"), ("maintenance", "s")),
        "Ball Corporation": (("maintenance", "c"), ("assembler", "s")),
        "Caterpillar": (("assembler", "c"), ("cnc", "c"), ("welder", "c"), ("maintenance", "s")),
        "Wabash Valley Precision Castings (demo)": (("cnc", "s"), ("maintenance", "d")),
        "Kokomo Drivetrain Components (demo)": (("assembler", "c"), ("cnc", "s"), ("supervisor", "s")),
        "Tippecanoe Plastics Molding (demo)": (("assembler", "s"),),
        "Monticello Tool & Die (demo)": (("machinist", "s"), ("cnc", "s")),
        "Frankfort Food Processing Equipment (demo)": (("welder", "s"), ("assembler", "d")),
        "Wildcat Creek Electronics (demo)": (("assembler", "s"),),
        "Logansport Metal Stampings (demo)": (("maintenance", "s"), ("assembler", "s")),
        "Crawfordsville Wire Products (demo)": (("maintenance", "s"),),
        "Battle Ground Hydraulics (demo)": (("machinist", "c"), ("cnc", "s")),
        "West Lafayette Aerostructures (demo)": (("cnc", "s"), ("assembler", "s"), ("supervisor", "d")),
        "Carroll County Ag Equipment (demo)": (("welder", "s"),),
        "Tipton Gear Works (demo)": (("machinist", "s"),),
        "Peru Precision Machining (demo)": (("cnc", "d"),),
        "Wabash River Packaging (demo)": (("maintenance", "s"),),
        "Sagamore Pharmaceutical Packaging (demo)": (("assembler", "s"), ("maintenance", "s")),
        "Prairie Creek Electric Motors (demo)": (("assembler", "s"),),
        # Howard County Fabrication, Shadeland Coatings and Flora Precision Springs have not answered.
    },
    past={
        "Subaru of Indiana Automotive": ("assembler", "maintenance"),
        "AdKev": ("cnc",),
        "Caterpillar": ("assembler", "welder"),
        "Kokomo Drivetrain Components (demo)": ("assembler",),
        "Ball Corporation": ("maintenance",),
        "Howard County Fabrication (demo)": ("welder",),
        "Monticello Tool & Die (demo)": ("machinist",),
    },
)

DEMAND: tuple[DemandSpec, ...] = (ATLANTA_DEMAND, OMIC_DEMAND, HOUSTON_DEMAND, AMP_DEMAND)
SIZE_SCALE: dict[str, float] = {SIZE.SMALL: 0.4, SIZE.MID: 1.0, SIZE.LARGE: 2.0}


def seed_oews(ctx: SeedContext) -> None:
    """Load the bundled BLS OEWS May 2025 file once (about 10 s on SQLite); skipped when wages are there."""
    if OccupationWage.objects.exists():
        return
    result = oews_load()
    ctx.changes["OEWS wage rows loaded"] += result.wages


def seed_labor_market_areas(ctx: SeedContext) -> None:
    for spec in DEMAND:
        convener = ctx.conveners[spec.convener_slug]
        partnership = ctx.partnerships[spec.convener_slug, spec.partnership]
        area = LaborMarketArea.objects.get(code=spec.area_code)
        _audit_sync(ctx, convener, partnership, _sync(partnership, {"labor_market_area": area}))


def seed_competencies(ctx: SeedContext) -> None:
    for spec in DEMAND:
        convener = ctx.conveners[spec.convener_slug]
        existing = set(Competency.objects.for_convener(convener).values_list("name", flat=True))
        for name in spec.competencies:
            if name not in existing:
                competency_create(convener=convener, actor=None, name=name)
                ctx.changes["competency created"] += 1


def _quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _next_quarter(day: date) -> str:
    return quarters_from(_quarter_of(day), 2)[1]


def _ensure_survey(ctx: SeedContext, spec: DemandSpec, title: str, opens_on: date, closes_on: date,
                   quarters: list[str]) -> DemandSurvey:
    convener = ctx.conveners[spec.convener_slug]
    partnership = ctx.partnerships[spec.convener_slug, spec.partnership]
    survey = DemandSurvey.objects.for_convener(convener).filter(partnership=partnership, title=title).first()
    if survey is None:
        survey = survey_open(convener=convener, actor=ctx.admin, partnership=partnership, title=title,
                             opens_on=opens_on, closes_on=closes_on, quarters=quarters)
        ctx.changes["demand survey created"] += 1
    return survey


def _market_median(area_code: str, soc_code: str) -> Decimal:
    median = (
        OccupationWage.objects.filter(area__code=area_code, occupation__soc_code=soc_code)
        .values_list("hourly_median", flat=True).first()
    )
    return median or Decimal("20.00")


def _quarter_dollars(value: float) -> Decimal:
    return (Decimal(round(value * 4)) / 4).quantize(Decimal("0.01"))


def _ensure_need(
    ctx: SeedContext, spec: DemandSpec, survey: DemandSurvey, employer: Organization, key: str, status: str,
    existing: set[tuple[int, int]], scale: float = 1.0,
) -> bool:
    """One employer's need for one occupation in one survey, keyed by (employer, occupation); True if created."""
    profile = spec.profiles[key]
    occupation = Occupation.objects.get(soc_code=profile.soc_code)
    if (employer.pk, occupation.pk) in existing:
        return False
    convener = ctx.conveners[spec.convener_slug]
    rng = random.Random(f"{survey.title}|{employer.name}|{key}")  # noqa: S311 (demo data)
    size = SIZE_SCALE.get(employer.size_band, 1.0) * scale
    low, high = profile.openings
    quarters = {}
    for quarter in survey.quarters:
        total = max(0, round(rng.randint(low, high) * size))
        new = round(total * rng.uniform(0.2, 0.6))
        quarters[quarter] = (new, total - new)
    if not any(sum(pair) for pair in quarters.values()):
        quarters[survey.quarters[0]] = (1, 0)
    # Starting wages around the market median; about half the offers start below it.
    market = float(_market_median(spec.area_code, profile.soc_code))
    wage_min = _quarter_dollars(market * rng.uniform(0.78, 1.04))
    wage_max = _quarter_dollars(float(wage_min) * rng.uniform(1.08, 1.22))
    skill_names = list(profile.skills)
    rng.shuffle(skill_names)
    skills = list(Skill.objects.filter(name__in=skill_names[: max(2, len(skill_names) - 1)]))
    competencies = list(Competency.objects.for_convener(convener).filter(name__in=profile.competencies))
    first = sum(quarters[survey.quarters[0]])
    wbl: dict[str, Any] = {name: max(1, round(first * rng.uniform(0.3, 0.8))) for name in profile.wbl}
    membership = Membership.objects.for_convener(convener).get(user=ctx.admin)
    need = employer_services.skill_need_save(
        convener=convener, actor=ctx.admin, membership=membership, survey=survey, employer=employer,
        occupation=occupation, quarters=quarters, skills=skills, competencies=competencies,
        credentials=profile.credentials, submit=status != "d", today=timezone.localdate(ctx.now),
        work_location=f"{employer.city}, {employer.state}".strip(", "), min_education=profile.education,
        experience_months=profile.experience_months, wage_min=wage_min, wage_max=wage_max, shift=profile.shift,
        requires_background_check=True, requires_drug_test=rng.random() < 0.7,
        requires_drivers_license=profile.drivers_license, notes=f"Job title: {profile.label}.", **wbl,
    )
    if status == "c":
        employer_services.skill_need_confirm(convener=convener, actor=ctx.admin, need=need)
    existing.add((employer.pk, occupation.pk))
    ctx.changes["skill need created"] += 1
    return True


def seed_demand(ctx: SeedContext) -> None:
    """A closed cycle two quarters back (all confirmed) and the open cycle, with needs, drafts and silences."""
    today = timezone.localdate(ctx.now)
    for spec in DEMAND:
        convener = ctx.conveners[spec.convener_slug]
        past_opens = today - timedelta(days=200)
        past_quarters = quarters_from(_next_quarter(past_opens), 4)
        past = _ensure_survey(ctx, spec, f"Demand plan {past_quarters[0]}–{past_quarters[-1]}", past_opens,
                              past_opens + timedelta(days=28), past_quarters)
        current_quarters = quarters_from(_next_quarter(today), 6)
        current = _ensure_survey(ctx, spec, f"Demand plan {current_quarters[0]}–{current_quarters[-1]}",
                                 today - timedelta(days=21), today + timedelta(days=24), current_quarters)
        created = False
        for survey, plan in ((past, {name: tuple((k, "c") for k in keys) for name, keys in spec.past.items()}),
                             (current, spec.answers)):
            existing = set(SkillNeed.objects.for_convener(convener).filter(survey=survey)
                           .values_list("employer_id", "occupation_id"))
            for name, answers in plan.items():
                employer = ctx.organizations.get((spec.convener_slug, name)) or Organization.objects.for_convener(
                    convener).get(name=name)
                for key, status in answers:
                    created |= _ensure_need(ctx, spec, survey, employer, key, status, existing,
                                            scale=0.8 if survey is past else 1.0)
        ctx.demand_changed[spec.convener_slug] = created


def seed_demand_snapshots(ctx: SeedContext) -> None:
    """Aggregate each partnership now (one run each), so the dashboard has figures on `make run`."""
    for spec in DEMAND:
        convener = ctx.conveners[spec.convener_slug]
        partnership = ctx.partnerships[spec.convener_slug, spec.partnership]
        has_snapshot = DemandSnapshot.objects.for_convener(convener).filter(partnership=partnership).exists()
        if has_snapshot and not ctx.demand_changed.get(spec.convener_slug):
            continue
        # Reuses the run the new needs queued (the debounce), so exactly one run executes; the queued task
        # that fires when the seed commits finds it done and does nothing.
        run = employer_services.demand_aggregate_request(convener=convener, partnership=partnership,
                                                         trigger="seed", countdown=0)
        if demand_run_execute(convener=convener, run=run) is not None:
            ctx.changes["demand snapshot created"] += 1


def demand_summary() -> list[tuple[str, str, str, str, str]]:
    """(partnership, survey, openings, employers, top occupation) of each seeded partnership's latest snapshot."""
    rows = []
    for spec in DEMAND:
        convener = Convener.objects.filter(slug=spec.convener_slug).first()
        if convener is None:
            continue
        snapshot = (DemandSnapshot.objects.for_convener(convener).filter(partnership__name=spec.partnership)
                    .order_by("-version").first())
        if snapshot is None:
            continue
        data = snapshot.data
        occupations = data.get("occupations") or []
        top = f"{occupations[0]['title']} ({occupations[0]['openings']})" if occupations else "-"
        rows.append((spec.partnership, (data.get("survey") or {}).get("title", "-"),
                     str(data["totals"]["openings"]), str(data["totals"]["employers"]), top))
    return rows


Step = Callable[[SeedContext], None]

# In order. A later issue adds its demo rows by appending a step (e.g. councils, demand surveys, cohorts).
STEPS: list[Step] = [
    seed_conveners,
    seed_organizations,
    seed_partnerships,
    seed_users,
    seed_memberships,
    seed_authenticators,
    seed_invitations,
    seed_council_organizations,
    seed_council_seats,
    seed_meetings,
    seed_goals,
    seed_engagement,
    seed_oews,
    seed_labor_market_areas,
    seed_competencies,
    seed_demand,
    seed_programs,  # cohorts are pipeline supply, so they come before the demand snapshots
    seed_participants,
    seed_demand_snapshots,
    seed_reports,  # last: reports read everything above (and the demand snapshots' openings)
]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
def demo_logins() -> list[tuple[str, str, str, str]]:
    """(email, role, workspace, password) for every demo user, as printed after seeding."""
    names = {c.slug: c.name for c in CONVENERS}
    rows = []
    for spec in DEMO_USERS:
        if spec.operator:
            rows.append((spec.email, "Platform operator (superuser)", "Django admin at /admin/", DEMO_PASSWORD))
            continue
        roles = {Role(g.role).label for g in spec.grants}
        if len(spec.grants) > 1:
            workspace = f"all {len(spec.grants)} workspaces (picker)"
        else:
            grant = spec.grants[0]
            workspace = names[grant.convener_slug] + (f" · {grant.organization}" if grant.organization else "")
        rows.append((spec.email, ", ".join(sorted(roles)), workspace, DEMO_PASSWORD))
    return rows


class Command(BaseCommand):
    help = "Create or refresh the demo data (four partnerships) and a demo login for every role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing (errors still go to stderr).")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
            help="Seed as if today were this date (meetings, due dates, engagement); for tests and screenshots.",
        )

    def handle(self, *args: Any, quiet: bool = False, as_of: date | None = None, **options: Any) -> None:
        ctx = SeedContext()
        if as_of is not None:
            ctx.now = datetime.combine(as_of, time(12, 0), tzinfo=timezone.get_current_timezone())
        # Recording attendance queues an engagement refresh per meeting (run in-process without Redis);
        # seed_engagement does the same work, so their per-task log lines are only noise here.
        task_log = logging.getLogger("celery.app.trace")
        task_log_level = task_log.level
        task_log.setLevel(logging.WARNING)
        try:
            # Invitation emails would print through the console backend; the demo keeps them in memory.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                for step in STEPS:
                    step(ctx)
        finally:
            task_log.setLevel(task_log_level)
        if quiet:
            return
        self._print_summary(ctx)
        self._print_demand()
        self._print_reports()
        self._print_logins()

    def _print_demand(self) -> None:
        rows = demand_summary()
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write("Employer demand (open survey cycle; Demand dashboard of each partnership)")
        self._print_table(("partnership", "survey", "openings", "employers", "top occupation"), rows)

    def _print_reports(self) -> None:
        rows = report_summary()
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write("Outcome reports (from the start through the last closed program year; Outcomes dashboard, "
                          "internal figures)")
        self._print_table(("partnership", "period", "enrolled", "completed", "hired in industry", "median wage"),
                          rows)

    def _print_summary(self, ctx: SeedContext) -> None:
        if ctx.changes:
            done = ", ".join(f"{what}: {count}" for what, count in sorted(ctx.changes.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data seeded: {done}."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))
        if ctx.drifting:
            self.stdout.write(
                f"Engagement recomputed for {len(ctx.councils)} councils; drifting: {', '.join(sorted(ctx.drifting))}."
            )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins")
        self._print_table(("email", "role", "workspace", "password"), demo_logins())
        two_factor = [spec.local_part for spec in DEMO_USERS if needs_mfa(spec)]
        self.stdout.write(
            f"Two-factor sign-in: {', '.join(two_factor[:-1])} and {two_factor[-1]} also enter a code after the "
            f"password.\nAdd the demo key {DEMO_TOTP_SECRET} to an authenticator app, or print the current code: "
            f".venv/bin/python manage.py demo_totp admin@{DEMO_DOMAIN}"
        )
        self.stdout.write("")
        self.stdout.write("Pending invitations (People page; resending one prints its email in the server console)")
        self._print_table(("email", "role", "workspace"), pending_demo_invitations())

    def _print_table(self, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))


def pending_demo_invitations() -> list[tuple[str, str, str]]:
    """(email, role label, workspace name) of the demo invitations still pending."""
    rows = []
    for convener in Convener.objects.filter(slug__in=[c.slug for c in CONVENERS]).order_by("name"):
        pending = Invitation.objects.for_convener(convener).filter(
            email__endswith=f"@{DEMO_DOMAIN}",
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        rows += [(invitation.email, invitation.get_role_display(), convener.name) for invitation in pending]
    return rows

"""From a demand gap to a running cohort, in a real browser: convener staff start a cohort from the largest unmet
gap on the demand dashboard (creating the program it needs on the way); the college's staff then fill the roster,
take one day's attendance with the single form, and record a completion and a credential. The cohort page's
figures follow. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from employers import services as demand_services
from employers.models import DemandSnapshot, LaborMarketArea
from partnerships import services
from partnerships.models import Council, Membership, User
from partnerships.roles import OrganizationType, Role
from programs.models import (
    FUNDING_STREAMS,
    AttendanceRecord,
    Cohort,
    CohortEnrollment,
    CredentialAward,
    FundingStream,
    Program,
)
from tests.e2e.conftest import complete_sign_in
from tests.factories import aggregate
from tests.oews import load_oews_extract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
SLUG = "wabash"
WELDERS = "Welders, Cutters, Solderers, and Brazers"


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def wabash():
    """A partnership whose 3 employers need welders (36 openings, no pipeline seats), a college and its staff."""
    load_oews_extract()
    # Transactional tests flush the tables between tests, funding streams (seeded by a migration) included.
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                 "sort_order": order})
    convener = services.convener_create(name="Wabash Valley Workforce Board", slug=SLUG, region="Lafayette, IN")
    admin = _user("admin@wabash.example", "Morgan Admin")
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    staff = _user("casey@wabash.example", "Casey Convener")
    services.membership_grant(convener=convener, actor=admin, user=staff, role=Role.CONVENER_STAFF)
    partnership = services.partnership_create(
        convener=convener, actor=admin, name="Wabash Advanced Manufacturing", industry_naics="33",
        industry_label="Advanced manufacturing", region="Greater Lafayette", state="IN",
        labor_market_area=LaborMarketArea.objects.get(code="0029200"))
    council = partnership.councils.get(kind=Council.Kind.INDUSTRY)
    employers = []
    for name, size in (("Wabash Fabrication", "mid"), ("Prairie Axle", "large"), ("Tippe Tool & Die", "small")):
        org = services.organization_create(convener=convener, actor=admin, name=name,
                                           org_type=OrganizationType.EMPLOYER, size_band=size, naics_code="332312")
        services.council_seat_add(convener=convener, actor=admin, council=council, organization=org,
                                  joined_on=date(2025, 1, 6))
        employers.append(org)
    college = services.organization_create(convener=convener, actor=admin, name="Ivy Tech Lafayette",
                                           org_type=OrganizationType.COLLEGE)
    provider = _user("pat@ivytech.example", "Pat Provider")
    services.membership_grant(convener=convener, actor=admin, user=provider, role=Role.PROVIDER_STAFF,
                              organization=college)
    today = timezone.localdate()
    survey = demand_services.survey_open(
        convener=convener, actor=admin, partnership=partnership, title="2027 hiring outlook",
        opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=10), quarters=QUARTERS)
    admin_membership = Membership.objects.for_convener(convener).get(user=admin)
    for org, openings in zip(employers, (4, 3, 2), strict=True):
        demand_services.skill_need_save(
            convener=convener, actor=admin, membership=admin_membership, survey=survey, employer=org,
            occupation="51-4121", quarters=dict.fromkeys(QUARTERS, (openings - 1, 1)), wage_min=Decimal("19.50"),
            wage_max=Decimal("24.00"), submit=True)
    aggregate(partnership)  # the needs' own requests may already have run it (Celery runs eagerly in tests)
    snapshot = DemandSnapshot.objects.for_convener(convener).filter(partnership=partnership).latest("version")
    return convener, staff, provider, partnership, snapshot


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-programs-{name}.png"), full_page=True)


def sign_in(browser, live_server, user: User):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    complete_sign_in(page, live_server.url, user.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(rf"/c/{SLUG}/$"))
    return context, page


def test_a_demand_gap_becomes_a_cohort_whose_roster_attendance_and_credentials_show_in_its_figures(
    browser, live_server, wabash, screenshot_dir
):
    convener, staff, provider, partnership, snapshot = wabash
    today = timezone.localdate()
    start, end = today - timedelta(days=14), today + timedelta(days=42)
    assert [o["gap"] for o in snapshot.data["occupations"] if o["soc_code"] == "51-4121"] == [36]

    # --- Convener staff: from the largest gap to a new program and a cohort ------------------------
    context, page = sign_in(browser, live_server, staff)
    page.goto(f"{live_server.url}/c/{SLUG}/partnerships/{partnership.pk}/demand/")
    gaps = page.locator("#unmet-gaps")
    gaps.get_by_role("heading", name="Largest unmet gaps").wait_for()
    assert "36" in gaps.get_by_role("row", name=re.compile(WELDERS)).inner_text()
    shot(page, screenshot_dir, "01-dashboard-gaps")
    gaps.get_by_role("link", name=f"Start a cohort for {WELDERS}").click()
    page.get_by_role("heading", name="New cohort").wait_for()
    banner = page.get_by_role("region", name=re.compile("Starting from a demand gap"))
    assert "a gap of 36" in banner.inner_text()
    shot(page, screenshot_dir, "02-cohort-from-gap")
    banner.get_by_role("link", name="Create a program for this occupation").click()

    page.get_by_role("heading", name="New program").wait_for()
    assert page.get_by_label("Target occupation 1").input_value() == f"51-4121 {WELDERS}"
    page.get_by_label("Name", exact=True).fill("Wabash Welding Pre-apprenticeship")
    page.get_by_label("Type", exact=True).select_option(label="Pre-apprenticeship")
    page.get_by_label("Lead training provider").select_option(label="Ivy Tech Lafayette")
    page.get_by_label("Length (weeks)").fill("8")
    page.get_by_label("Contact hours").fill("240")
    page.get_by_label("Cost per participant ($)").fill("4500")
    # A second target occupation, through the SOC picker the need form uses (htmx).
    second = page.get_by_label("Target occupation 2")
    second.fill("machinists")
    pick = page.locator("#id_occ_1_soc-results [data-naics-pick='51-4041']")
    pick.wait_for()
    pick.click()
    assert second.input_value() == "51-4041"
    page.get_by_label("Credential 1 name").fill("AWS D1.1 Structural Welding")
    page.get_by_label("Credential 1 type (CTDL)").select_option(label="Certification")
    page.get_by_label("Credential 1 issuer").fill("American Welding Society")
    page.get_by_label("WIOA Adult").check()
    # The apprenticeship fields show only for registered apprenticeships (progressive enhancement).
    assert not page.get_by_label("RAPIDS or registration number").is_visible()
    shot(page, screenshot_dir, "03-program-form")
    page.get_by_role("button", name="Save program").click()

    page.get_by_role("heading", name="New cohort").wait_for()
    page.get_by_text("Saved “Wabash Welding Pre-apprenticeship”.").wait_for()
    program = Program.objects.for_convener(convener).get(name="Wabash Welding Pre-apprenticeship")
    assert sorted(o.soc_code for o in program.target_occupations.all()) == ["51-4041", "51-4121"]
    assert page.get_by_label("Program", exact=True).input_value() == str(program.pk)
    assert page.get_by_label("Partnership").input_value() == str(partnership.pk)
    page.get_by_label("Cohort name").fill("Welding Fall cohort")
    page.get_by_label("Starts on").fill(start.isoformat())
    page.get_by_label("Ends on").fill(end.isoformat())
    page.get_by_label("Seats").fill("12")
    page.get_by_label("Location").fill("Ivy Tech Lafayette, Shop 2")
    page.get_by_label("Friday").select_option(label="Worksite")
    page.get_by_label("Employer 1", exact=True).select_option(label="Wabash Fabrication")
    page.get_by_label("Employer 1: guaranteed interviews").fill("4")
    page.get_by_label("Employer 1: planned hires").fill("2")
    shot(page, screenshot_dir, "04-cohort-form")
    page.get_by_role("button", name="Create cohort").click()

    page.get_by_text(re.compile(r"Created “Welding Fall cohort” with \d+ session days")).wait_for()
    cohort = Cohort.objects.for_convener(convener).get(name="Welding Fall cohort")
    assert cohort.demand_snapshot_id == snapshot.pk and cohort.target_occupation.soc_code == "51-4121"
    assert page.locator("#fig-seats").inner_text() == "12"
    page.get_by_role("button", name="Start the cohort").click()
    page.get_by_text("“Welding Fall cohort” is now in progress.").wait_for()
    shot(page, screenshot_dir, "05-cohort-page-convener")
    page.get_by_role("link", name="Wabash Welding Pre-apprenticeship").click()
    page.get_by_role("heading", name="Wabash Welding Pre-apprenticeship").wait_for()
    assert page.locator("#cohorts").get_by_role("link", name="Welding Fall cohort").is_visible()
    shot(page, screenshot_dir, "05b-program-detail")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Programs").click()
    nav.get_by_role("link", name="Program catalogue").click()
    card = page.get_by_role("article", name="Wabash Welding Pre-apprenticeship")
    assert "1 open cohort" in card.inner_text() and "AWS D1.1 Structural Welding" in card.inner_text()
    shot(page, screenshot_dir, "05c-catalogue")
    context.close()

    # --- The college's staff: roster, one day of attendance, a completion and a credential ---------
    context, page = sign_in(browser, live_server, provider)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Programs").click()
    nav.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Welding Fall cohort").click()
    page.get_by_role("link", name=re.compile(r"^Roster")).click()
    walk_in = page.locator("#walk-in")
    for first, last in (("Jordan", "Rivera"), ("Sam", "Okafor"), ("Lee", "Nguyen")):
        walk_in.get_by_label("First name").fill(first)
        walk_in.get_by_label("Last name").fill(last)
        walk_in.get_by_label("Enrolled (takes a seat)").check()
        walk_in.get_by_role("button", name="Add walk-in applicant").click()
        page.get_by_text(re.compile(rf"Added {first} {last} \(P-\w+\) as enrolled\.")).wait_for()
    roster = page.locator("#roster")
    assert roster.get_by_role("row").count() == 1 + 3
    shot(page, screenshot_dir, "06-roster")

    page.get_by_role("link", name=re.compile(r"^Take attendance for")).click()
    page.get_by_role("heading", name=re.compile(r"^Attendance: ")).wait_for()
    page.get_by_role("button", name="Mark everyone present").click()
    page.get_by_text("3 people marked present. Change anyone who was not, then save.").wait_for()
    sam = page.get_by_role("group", name=re.compile(r"^Sam Okafor, "))
    sam.locator("label", has_text="Absent").click()
    assert sam.get_by_label("Absent").is_checked()
    shot(page, screenshot_dir, "07-attendance-sheet")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text(re.compile(r"Attendance saved for .+: 2 present, 1 absent\.")).wait_for()
    assert page.locator("#tally-present").inner_text() == "2"
    assert AttendanceRecord.objects.for_convener(convener).filter(session__cohort=cohort).count() == 3

    page.get_by_role("link", name="Welding Fall cohort").first.click()
    page.get_by_role("link", name=re.compile(r"^Roster")).click()
    page.get_by_role("link", name="Update Jordan Rivera").click()
    page.get_by_role("heading", name="Jordan Rivera").wait_for()
    status = page.locator("#change-status")
    status.get_by_label("New status").select_option(label="Completed")
    status.get_by_label("Date").fill(today.isoformat())
    status.get_by_role("button", name="Save status").click()
    page.get_by_text(re.compile(r"Jordan Rivera is now completed")).wait_for()
    credential = page.locator("#record-credential")
    credential.get_by_label("Credential", exact=True).select_option(
        label="AWS D1.1 Structural Welding (Certification, American Welding Society)")
    credential.get_by_label("Awarded on").fill(today.isoformat())
    credential.get_by_role("button", name="Record credential").click()
    page.get_by_text("Recorded AWS D1.1 Structural Welding for Jordan Rivera.").wait_for()
    shot(page, screenshot_dir, "08-enrollment-completed")
    jordan = CohortEnrollment.objects.for_convener(convener).get(participant__last_name="Rivera")
    assert jordan.status == CohortEnrollment.Status.COMPLETED and jordan.completed_on == today
    assert CredentialAward.objects.for_convener(convener).filter(enrollment=jordan).count() == 1

    # --- The cohort page's figures ---------------------------------------------------------------
    page.get_by_role("link", name="Welding Fall cohort").first.click()
    figures = page.locator("#cohort-figures")
    figures.wait_for()
    assert page.locator("#fig-seats").inner_text() == "12"
    assert page.locator("#fig-seated").inner_text() == "3"
    assert page.locator("#fig-completed").inner_text() == "1"
    assert page.locator("#fig-withdrawn").inner_text() == "0"
    # Completed over everyone who started (DOMAIN.md §4): 1 of the 3 seated so far.
    assert page.locator("#fig-completion").inner_text() == "33%"
    assert page.locator("#fig-attendance").inner_text() == "67%"
    assert page.locator("#fig-credentials").inner_text() == "1"
    assert page.locator("#schedule").get_by_text("2/3 present").is_visible()
    shot(page, screenshot_dir, "09-cohort-page-figures")
    context.close()

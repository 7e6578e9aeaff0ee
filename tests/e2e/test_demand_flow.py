"""An employer representative answers a demand survey in a real browser; the convener recomputes and sees the
aggregate. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from employers import services as demand_services
from employers.models import LaborMarketArea, SkillNeed
from partnerships import services
from partnerships.models import Council, Membership, User
from partnerships.roles import OrganizationType, Role
from tests.e2e.conftest import complete_sign_in
from tests.oews import load_oews_extract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def tippecanoe():
    load_oews_extract()
    convener = services.convener_create(name="Tippecanoe Workforce Partners", slug="tippe", region="Lafayette, IN")
    admin = _user("admin@tippe.example", "Morgan Admin")
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
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
    wendy = _user("wendy@wabashfab.example", "Wendy Welder")
    services.membership_grant(convener=convener, actor=admin, user=wendy, role=Role.EMPLOYER_REP,
                              organization=employers[0])
    today = timezone.localdate()
    survey = demand_services.survey_open(
        convener=convener, actor=admin, partnership=partnership, title="2027 hiring outlook",
        opens_on=today - timedelta(days=2), closes_on=today + timedelta(days=28), quarters=QUARTERS)
    admin_membership = Membership.objects.for_convener(convener).get(user=admin)
    for org, openings, wage in ((employers[1], 3, ("19.50", "23.00")), (employers[2], 2, ("21.00", "25.00"))):
        demand_services.skill_need_save(
            convener=convener, actor=admin, membership=admin_membership, survey=survey, employer=org,
            occupation="51-4121", quarters=dict.fromkeys(QUARTERS, (openings, 1)), wage_min=Decimal(wage[0]),
            wage_max=Decimal(wage[1]), submit=True)
    return convener, admin, wendy, partnership, survey


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-demand-{name}.png"), full_page=True)


def sign_in(browser, live_server, user: User):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    complete_sign_in(page, live_server.url, user.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(r"/c/tippe/$"))
    return context, page


def test_an_employer_answers_and_the_convener_sees_the_aggregate(
    browser, live_server, tippecanoe, screenshot_dir
):
    convener, admin, wendy, partnership, _survey = tippecanoe

    # --- The employer representative answers the survey --------------------------------------------
    context, page = sign_in(browser, live_server, wendy)
    shot(page, screenshot_dir, "01-employer-home")
    page.get_by_role("link", name="Your surveys").first.click()
    page.get_by_role("heading", name="Your surveys").wait_for()
    page.get_by_role("link", name="2027 hiring outlook").click()
    page.get_by_role("link", name="Add a need").first.click()
    page.get_by_role("heading", name="Add a skill need").wait_for()

    occupation = page.get_by_label("Occupation")
    occupation.fill("welders")
    pick = page.locator("[data-naics-pick='51-4121']")
    pick.wait_for()
    shot(page, screenshot_dir, "02-occupation-search")
    pick.click()
    assert occupation.input_value() == "51-4121"
    for quarter, new, repl in (("2027Q1", "2", "1"), ("2027Q2", "2", "0"), ("2027Q3", "1", "1"), ("2027Q4", "1", "0")):
        page.get_by_label(f"New positions, {quarter}").fill(new)
        page.get_by_label(f"Replacements, {quarter}").fill(repl)
    page.get_by_label("Work location").fill("Lafayette plant, Building 2")
    page.get_by_label("Starting wage from ($/hour)").fill("20.00")
    market = page.locator("#market-position")
    market.get_by_text(re.compile(r"Your \$20\.00 is at the \d+(st|nd|rd|th) percentile of Welders")).wait_for()
    assert "Lafayette-West Lafayette, IN metro" in market.inner_text()
    page.get_by_label("Starting wage to ($/hour)").fill("24.00")
    page.get_by_label("Mathematics").check()
    page.get_by_label("Operation and Control").check()
    page.get_by_label("Credential 1", exact=True).fill("AWS D1.1 Structural Welding")
    page.get_by_label("Credential 1 type (CTDL)").select_option(label="Certification")
    page.get_by_label("Drug test").check()
    page.get_by_label("Apprenticeship slots").fill("2")
    page.get_by_label("Guaranteed interviews").fill("4")
    shot(page, screenshot_dir, "03-need-form-market-position")
    page.get_by_role("button", name="Submit need").click()
    page.get_by_text("Submitted Welders, Cutters, Solderers, and Brazers").wait_for()
    shot(page, screenshot_dir, "04-employer-survey-submitted")
    need = SkillNeed.objects.for_convener(convener).get(employer__name="Wabash Fabrication")
    assert need.status == SkillNeed.Status.SUBMITTED
    assert sum(q.new_positions + q.replacements for q in need.quarters.all()) == 8
    assert need.wage_min == Decimal("20.00") and need.wage_max == Decimal("24.00")
    context.close()

    # --- The convener confirms, recomputes and reads the dashboard ----------------------------------
    context, page = sign_in(browser, live_server, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Surveys").click()
    page.get_by_role("link", name="2027 hiring outlook").click()
    page.get_by_role("heading", name="Who answered").wait_for()
    assert page.get_by_label("Employers who answered").get_by_text("Wabash Fabrication").is_visible()
    page.get_by_role("button", name=re.compile(r"Confirm Wabash Fabrication")).click()
    page.get_by_text("Confirmed Wabash Fabrication").wait_for()
    shot(page, screenshot_dir, "05-convener-survey")
    page.get_by_role("link", name="Aggregated demand").click()
    page.get_by_role("heading", name="Employer demand").wait_for()
    page.get_by_role("button", name="Recompute now").click()
    page.get_by_text("Recomputing the partnership's demand").wait_for()
    page.locator("#run-status").get_by_text(re.compile(r"Last run succeeded")).wait_for()
    figures = page.locator("#demand-figures")
    # 3 employers of welders: (3+1)x4 + (2+1)x4 + 8 = 36 openings.
    row = figures.get_by_role("row", name=re.compile(r"Welders, Cutters, Solderers, and Brazers 51-4121")).first
    assert "36" in row.inner_text()
    assert "Suppressed" not in row.inner_text()
    assert figures.get_by_text("AWS D1.1 Structural Welding").first.is_visible()
    assert figures.locator("svg.demand-chart").count() == 2
    shot(page, screenshot_dir, "06-convener-dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    context.close()

    # --- The employer sees the aggregate, with small cells suppressed -------------------------------
    context, page = sign_in(browser, live_server, wendy)
    page.goto(f"{live_server.url}/c/tippe/partnerships/{partnership.pk}/demand/")
    figures = page.locator("#demand-figures")
    figures.get_by_text("Welders, Cutters, Solderers, and Brazers").first.wait_for()
    # The credential only Wabash named is a cell of 1 employer: suppressed, its name not shown.
    assert figures.get_by_text("AWS D1.1 Structural Welding").count() == 0
    assert figures.get_by_text("Suppressed (fewer than 3 employers)").first.is_visible()
    shot(page, screenshot_dir, "07-employer-dashboard-suppressed")
    context.close()

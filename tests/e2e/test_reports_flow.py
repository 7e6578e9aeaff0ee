"""Outcome reports in a real browser: a convener admin asks for a partnership's program-year report on the page,
follows its progress to the result and reads the internal figures; the funder then opens the outcomes dashboard,
sees the same report with small cells suppressed, and downloads the PDF. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from partnerships import services
from partnerships.models import Membership, User
from partnerships.roles import OrganizationType, Role
from programs.models import FUNDING_STREAMS, FundingStream
from tests.e2e.conftest import complete_sign_in
from tests.factories import (
    CohortFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    ProgramFactory,
    enroll,
    enrollment_status,
    intake_details,
    record_placement,
)
from tests.oews import load_oews_extract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
SLUG = "tippecanoe"


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def tippecanoe():
    """A partnership with one cohort of 14 people in program year 2024: 12 completed (11 women, so the 3 men are a
    small cell), 2 withdrew, 11 hired as welders at $18.00 to $20.00 an hour."""
    load_oews_extract()
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                 "sort_order": order})
    convener = services.convener_create(name="Tippecanoe Workforce Board", slug=SLUG, region="Lafayette, IN")
    admin = _user("admin@tippecanoe.example", "Robin Admin")
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    college = OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, name="Ivy Tech (test)",
                                  actor=admin)
    goodwill = OrganizationFactory(convener=convener, org_type=OrganizationType.COMMUNITY_ORG,
                                   name="Goodwill (test)", actor=admin)
    funder_org = OrganizationFactory(convener=convener, org_type=OrganizationType.PHILANTHROPY,
                                     name="Lafayette Community Foundation (test)", actor=admin)
    partnership = PartnershipFactory(convener=convener, name="Wabash Manufacturing Partnership", actor=admin)
    funder = _user("funder@tippecanoe.example", "Avery Funder")
    services.membership_grant(convener=convener, actor=admin, user=funder, role=Role.FUNDER,
                              organization=funder_org, partnerships=[partnership])
    cm_user = _user("cm@tippecanoe.example", "Casey Manager")
    case_manager = services.membership_grant(convener=convener, actor=admin, user=cm_user, role=Role.CASE_MANAGER,
                                             organization=goodwill)
    admin_membership = Membership.objects.for_convener(convener).get(user=admin)
    program = ProgramFactory(provider=college, actor=admin, name="Welding Fundamentals", target_occupations=["51-4121"],
                             cost_per_participant="3000.00")
    cohort = CohortFactory(program=program, partnership=partnership, actor=admin, name="Welding Fall 2024",
                           target_occupation="51-4121", start_date=date(2024, 9, 9), end_date=date(2024, 12, 13),
                           seats=16)
    for i in range(14):
        person = ParticipantFactory(membership=case_manager, first_name="Quinlan", last_name=f"Zyxwelder{i}")
        intake_details(person, membership=case_manager, sex="male" if i < 3 else "female")
        enrollment = enroll(cohort, person, membership=admin_membership, on=date(2024, 9, 9))
        if i >= 12:
            enrollment_status(enrollment, "withdrawn", membership=admin_membership, on=date(2024, 10, 1),
                              reason="Moved away")
            continue
        enrollment_status(enrollment, "completed", membership=admin_membership, on=date(2024, 12, 13))
        if i < 11:
            record_placement(person, membership=case_manager, occupation="51-4121", start_date=date(2025, 1, 6),
                             hourly_wage=f"{18 + (i % 3):.2f}", cohort_enrollment=enrollment,
                             employer_name="Wabash Fabrication (test)")
    return admin, funder, partnership


def sign_in(browser, live_server, user: User):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    page = context.new_page()
    complete_sign_in(page, live_server.url, user.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(rf"/c/{SLUG}/$"))
    return context, page


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-reports-{name}.png"), full_page=True)


def test_a_report_asked_for_on_the_page_reaches_the_funder_dashboard_suppressed(
    browser, live_server, tippecanoe, screenshot_dir
):
    admin, funder, partnership = tippecanoe

    # The convener admin asks for the program-year 2024-25 report from the Outcomes menu.
    context, page = sign_in(browser, live_server, admin)
    page.get_by_role("link", name="Outcomes").first.click()
    page.get_by_role("link", name=re.compile("All reports")).click()
    form = page.locator("form[aria-labelledby=request-h]")
    form.get_by_label("Report on").select_option("partnership")
    form.get_by_label("Partnership").select_option(label=partnership.name)
    form.get_by_label("Period", exact=True).select_option("program_year")
    form.get_by_label("Program year").select_option("2024")
    form.get_by_role("button", name="Run the report").click()

    # Tasks run in-process here, so the run page already says it is ready; a worker would show the bar first.
    page.wait_for_url(re.compile(r"/reports/runs/\d+/$"))
    page.get_by_role("link", name="Open the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert page.get_by_text("Internal figures").is_visible()
    tiles = page.get_by_role("list", name="Headline figures")
    assert "14" in tiles.inner_text() and "12" in tiles.inner_text() and "11" in tiles.inner_text()
    shot(page, screenshot_dir, "1-internal-report")
    context.close()

    # The funder sees the same snapshot on the dashboard, suppressed below 10 people.
    context, page = sign_in(browser, live_server, funder)
    page.get_by_role("link", name="Outcomes").first.click()
    page.wait_for_url(re.compile(r"/outcomes/$"))
    section = page.get_by_role("region", name=partnership.name)
    tiles = section.get_by_role("list", name="Headline figures").inner_text()
    assert "14" in tiles and "Enrolled" in tiles
    assert "$19.00/h" in tiles  # median starting wage over 11 placements: shown (11 >= 10)
    assert page.get_by_text("Internal figures").count() == 0
    page.get_by_role("link", name=re.compile("Full report")).first.click()
    sex = page.get_by_role("region", name="Sex")
    assert "Suppressed" in sex.inner_text()  # 3 men: hidden, and the women's count with them (complementary)
    assert "Quinlan" not in page.content() and "Zyxwelder" not in page.content()
    shot(page, screenshot_dir, "2-funder-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF report").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    context.close()

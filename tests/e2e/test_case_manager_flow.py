"""A case manager's whole path, in a real browser, as a new user would take it (issue 6, "Done means"): enroll a
SNAP participant, co-enroll them in WIOA Adult, record their consent, pay a transportation service from SNAP E&T
and child care from WIOA Adult, place them in a cohort, record the completion, a credential and a placement, and
see the day 90 retention check appear. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from employers.models import CredentialType
from participants.models import Consent, Participant, Placement, StreamEnrollment, SupportiveService
from partnerships import services
from partnerships.models import Membership, User
from partnerships.roles import OrganizationType, Role
from programs import services as program_services
from programs.models import FUNDING_STREAMS, Cohort, CohortEnrollment, CredentialAward, FundingStream, Program
from tests.e2e.conftest import complete_sign_in
from tests.oews import load_oews_extract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
SLUG = "metro-atl"


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def atlanta():
    """A workforce board with a healthcare partnership, Goodwill's case manager, DHS, a hospital, and the college's
    environmental services technician program with a cohort running this month."""
    load_oews_extract()
    # Transactional tests flush the tables between tests, funding streams (seeded by a migration) included.
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                 "sort_order": order})
    convener = services.convener_create(name="Metro Atlanta Workforce Board", slug=SLUG, region="Atlanta, GA")
    admin = _user("admin@metro-atl.example", "Morgan Admin")
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    partnership = services.partnership_create(
        convener=convener, actor=admin, name="Metro Atlanta Healthcare", industry_naics="62",
        industry_label="Healthcare", region="Metro Atlanta", state="GA")

    def org(name: str, kind: str):
        return services.organization_create(convener=convener, actor=admin, name=name, org_type=kind)

    goodwill = org("Goodwill of North Georgia", OrganizationType.COMMUNITY_ORG)
    org("Georgia DHS, Fulton County", OrganizationType.HUMAN_SERVICES)
    hospital = services.organization_create(convener=convener, actor=admin, name="Grady Health System",
                                            org_type=OrganizationType.EMPLOYER, size_band="large", naics_code="622110")
    college = org("Atlanta Technical College", OrganizationType.COLLEGE)
    case_manager = _user("casey@goodwill.example", "Casey Navigator")
    services.membership_grant(convener=convener, actor=admin, user=case_manager, role=Role.CASE_MANAGER,
                              organization=goodwill)
    today = timezone.localdate()
    program = program_services.program_save(
        convener=convener, actor=admin, provider=college, name="Environmental Services Technician",
        program_type=Program.ProgramType.PRE_EMPLOYMENT, length_weeks=8, target_occupations=["31-1131"],
        funding_streams=["snap_et_50", "wioa_adult"],
        credentials=[{"name": "CHEST certificate", "issuer": "AHE", "ctdl_type": CredentialType.CERTIFICATE}])
    cohort = program_services.cohort_save(
        convener=convener, actor=admin, program=program, partnership=partnership, name="EVS Technician, Spring",
        target_occupation="31-1131", start_date=today - timedelta(days=14), end_date=today + timedelta(days=42),
        seats=12, location="Grady Memorial, Training Center",
        weekly_pattern={"0": "classroom", "1": "classroom", "2": "classroom", "3": "classroom", "4": "worksite"},
        employers=[{"employer": hospital, "kind": "host", "guaranteed_interviews": 10, "planned_hires": 6}])
    program_services.cohort_set_status(convener=convener, actor=admin, cohort=cohort, status=Cohort.Status.IN_PROGRESS)
    return convener, case_manager, cohort


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-case-manager-{name}.png"), full_page=True)


def test_a_case_manager_enrolls_a_snap_participant_and_follows_them_into_a_job(
    browser, live_server, atlanta, screenshot_dir
):
    convener, case_manager, cohort = atlanta
    today = timezone.localdate()
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    complete_sign_in(page, live_server.url, case_manager.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(rf"/c/{SLUG}/$"))

    # --- 1. Intake: a SNAP recipient, SNAP E&T (voluntary) at entry -------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    page.get_by_role("heading", name="Caseload").wait_for()
    shot(page, screenshot_dir, "01-empty-caseload")
    page.get_by_role("link", name="New participant").click()
    page.get_by_role("heading", name="New participant").wait_for()
    page.get_by_label("First name", exact=True).fill("Keisha")
    page.get_by_label("Last name", exact=True).fill("Thompson")
    page.get_by_label("Social Security number").fill("231-45-6789")
    page.get_by_label("Date of birth", exact=True).fill("1991-07-23")
    page.get_by_label("Phone", exact=True).fill("404-555-0173")
    page.get_by_label("City", exact=True).fill("Atlanta")
    page.get_by_label("State", exact=True).fill("GA")
    page.get_by_label("Sex", exact=True).select_option(label="Female")
    page.get_by_label("Employment status at entry").select_option(label="Not employed")
    page.get_by_label("Single parent").check()
    page.get_by_label("Lacks transportation").check()
    page.get_by_label("Needs child care").check()
    page.locator("#group-benefits").get_by_label("SNAP", exact=True).check()
    page.get_by_label("SNAP E&T participation").select_option(label="Voluntary")
    page.locator("#group-streams").get_by_label("SNAP E&T (50/50 match)").check()
    shot(page, screenshot_dir, "02-intake")
    page.get_by_role("button", name="Create the record").click()
    page.get_by_text(re.compile(r"Created the record of Keisha Thompson \(P-\w+\), enrolled in SNAP E&T")).wait_for()
    person = Participant.objects.for_convener(convener).get(last_name="Thompson")
    assert person.ssn == "231456789" and person.benefit_snap and person.snap_participation == "voluntary"
    assert page.locator("#ssn-masked").text_content().startswith("•••-••-6789")

    # --- 2. Co-enrollment in WIOA Adult ---------------------------------------------------------
    page.get_by_text("Co-enroll in another stream").click()
    page.get_by_label("Funding stream", exact=True).select_option(label="WIOA Adult")
    page.get_by_role("button", name="Enroll", exact=True).click()
    page.get_by_text(re.compile(r"Keisha Thompson is now enrolled in WIOA Adult")).wait_for()
    streams = page.locator("#streams")
    assert streams.get_by_role("row").count() == 1 + 2
    shot(page, screenshot_dir, "03-co-enrolled")
    assert sorted(StreamEnrollment.objects.for_convener(convener).filter(participant=person)
                  .values_list("stream__code", flat=True)) == ["snap_et_50", "wioa_adult"]

    # --- 3. Consent: DHS may read identity, enrollment and services, for coordination -------------
    tabs = page.get_by_role("list", name="Sections of the record")
    tabs.get_by_role("link", name="Consent").click()
    form = page.locator("#record-consent")
    form.get_by_label(re.compile(r"^Georgia DHS, Fulton County · Human")).check()
    form.get_by_label("Enrollment and attendance").check()
    form.get_by_label("Services and costs").check()
    shot(page, screenshot_dir, "04-consent-form")
    form.get_by_role("button", name="Record the consent").click()
    page.get_by_text(re.compile(r"Recorded the consent signed on .+: Georgia DHS, Fulton County may now")).wait_for()
    assert page.locator("#consents").get_by_text("Current", exact=True).is_visible()
    consent = Consent.objects.for_convener(convener).get(participant=person)
    assert consent.categories() == ["identity", "enrollment", "services"] and consent.for_coordination

    # --- 4. Supportive services from the right streams --------------------------------------------
    tabs.get_by_role("link", name="Services").click()
    form = page.locator("#record-service")
    form.get_by_label("Service").select_option(label="Transportation")
    form.get_by_label("Paid from").select_option(label="SNAP E&T (50/50 match)")
    form.get_by_label("Amount ($)").fill("95.00")
    form.get_by_label("Vendor").fill("MARTA Breeze card")
    form.get_by_label("Status").select_option(label="Paid")
    form.get_by_role("button", name="Record the service").click()
    page.get_by_text("Recorded transportation of $95.00 from SNAP E&T (50/50 match) (paid).").wait_for()
    form = page.locator("#record-service")
    form.get_by_label("Service").select_option(label="Child care")
    form.get_by_label("Paid from").select_option(label="WIOA Adult")
    form.get_by_label("Amount ($)").fill("640")
    form.get_by_label("Vendor").fill("Little Steps Learning Center")
    form.get_by_label("Status").select_option(label="Approved")
    form.get_by_role("button", name="Record the service").click()
    page.get_by_text("Recorded child care of $640.00 from WIOA Adult (approved).").wait_for()
    page.get_by_role("button", name=re.compile(r"^Mark paid child care")).click()
    page.get_by_text("The child care of $640.00 is now paid.").wait_for()
    assert "$95.00" in page.locator("#total-snap_et_50").inner_text()
    assert "$640.00" in page.locator("#total-wioa_adult").inner_text()
    assert "$735.00" in page.locator("#total-all").inner_text()
    shot(page, screenshot_dir, "05-services-by-stream")
    paid = dict(SupportiveService.objects.for_convener(convener).filter(participant=person)
                .values_list("stream_enrollment__stream__code", "amount"))
    assert paid == {"snap_et_50": Decimal("95.00"), "wioa_adult": Decimal("640.00")}

    # --- 5. A seat in the cohort ----------------------------------------------------------------
    tabs.get_by_role("link", name="Training").click()
    place = page.locator("#place")
    place.get_by_label("Cohort").select_option(value=str(cohort.pk))
    assert place.get_by_label("Cohort").evaluate("s => s.selectedOptions[0].text").startswith("EVS Technician, Spring")
    place.get_by_label("Enrolled (takes a seat)").check()
    place.get_by_role("button", name="Place in the cohort").click()
    page.get_by_text("Keisha Thompson is enrolled in EVS Technician, Spring.").wait_for()

    # --- 6. Completion, a credential, and a placement ----------------------------------------------
    seat = CohortEnrollment.objects.for_convener(convener).get(participant=person, cohort=cohort)
    card = page.locator(f"#cohort-{seat.pk}")
    card.get_by_text("Change status").click()
    card.get_by_label("New status").select_option(label="Completed")
    card.get_by_role("button", name="Save status").click()
    page.get_by_text(re.compile(r"Keisha Thompson is now completed in EVS Technician, Spring")).wait_for()
    card = page.locator(f"#cohort-{seat.pk}")
    card.get_by_text("Record a credential").click()
    card.get_by_label("Credential", exact=True).select_option(label="CHEST certificate (Certificate, AHE)")
    card.get_by_role("button", name="Record credential").click()
    page.get_by_text("Recorded CHEST certificate for Keisha Thompson.").wait_for()
    assert page.locator(f"#cohort-{seat.pk}-status").inner_text() == "Completed"
    shot(page, screenshot_dir, "06-training-completed")
    assert CredentialAward.objects.for_convener(convener).filter(participant=person).count() == 1

    tabs.get_by_role("link", name="Employment").click()
    form = page.locator("#record-placement")
    form.get_by_label("Partner employer").select_option(label="Grady Health System")
    occupation = form.get_by_label("Occupation")
    occupation.fill("nursing assis")
    pick = page.locator("#occupation-results [data-naics-pick='31-1131']")
    pick.wait_for()
    pick.click()
    assert occupation.input_value() == "31-1131"
    form.get_by_label("Start date").fill(today.isoformat())
    form.get_by_label("Hourly wage ($)").fill("16.75")
    form.get_by_label("Hours per week").fill("40")
    assert form.get_by_label("After the cohort").input_value() == str(seat.pk)
    shot(page, screenshot_dir, "07-placement-form")
    form.get_by_role("button", name="Record the placement").click()

    # --- 7. The day 90 check is scheduled and shows --------------------------------------------
    due = today + timedelta(days=90)
    page.get_by_text(re.compile(r"Recorded the placement at Grady Health System\. The day 90 check is due")).wait_for()
    placement = Placement.objects.for_convener(convener).get(participant=person)
    assert placement.cohort_enrollment == seat and placement.hourly_wage == Decimal("16.75")
    checks = page.locator(f"#placement-{placement.pk}")
    assert checks.get_by_role("row", name=re.compile(r"^Day 90")).is_visible()
    assert f"{due:%b} {due.day}, {due.year}" in checks.get_by_role("row", name=re.compile(r"^Day 90")).inner_text()
    shot(page, screenshot_dir, "08-day-90-check")
    tabs.get_by_role("link", name="Overview").click()
    next_check = page.locator("#next-check")
    assert "Day 90" in next_check.inner_text() and f"{due:%b} {due.day}, {due.year}" in next_check.inner_text()
    timeline = page.locator("#timeline").inner_text()
    for event in ("Placed at Grady Health System", "Earned CHEST certificate", "Completed EVS Technician, Spring",
                  "Child care $640.00", "Transportation $95.00", "Consent signed", "Enrolled in WIOA Adult"):
        assert event in timeline, event
    shot(page, screenshot_dir, "09-overview-timeline")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    row = page.get_by_role("row", name=re.compile("Keisha Thompson"))
    assert "SNAP E&T (50/50 match)" in row.inner_text() and "WIOA Adult" in row.inner_text()
    assert "EVS Technician, Spring" in row.inner_text() and "Completed" in row.inner_text()
    shot(page, screenshot_dir, "10-caseload")
    context.close()

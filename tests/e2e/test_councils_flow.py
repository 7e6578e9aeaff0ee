"""A convener runs a partnership's councils in a real browser: organizations, partnership, seats, a meeting
with attendance and an action item, and the meeting's calendar file. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from partnerships import services
from partnerships.models import ActionItem, CouncilSeat, Meeting, MeetingAttendance, Membership, Partnership, User
from partnerships.roles import OrganizationType, Role
from tests.e2e.conftest import complete_sign_in, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
TITLE = "Healthcare council kickoff"


@pytest.fixture
def gorge():
    convener = services.convener_create(name="Columbia Gorge Workforce", slug="gorge", region="Columbia Gorge, OR")
    admin = User.objects.create_user("admin@gorge.example", PASSWORD, full_name="Morgan Admin")
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    hospital = services.organization_create(convener=convener, actor=admin, name="Riverbend Hospital",
                                            org_type=OrganizationType.EMPLOYER, size_band="large",
                                            naics_code="622110", city="Hood River", state="OR")
    rita = User.objects.create_user("rita@riverbend.example", PASSWORD, full_name="Rita Nurse")
    EmailAddress.objects.create(user=rita, email=rita.email, verified=True, primary=True)
    services.membership_grant(convener=convener, actor=admin, user=rita, role=Role.EMPLOYER_REP, organization=hospital)
    services.representative_create(convener=convener, actor=admin, organization=hospital, full_name="Rita Nurse",
                                   title="Chief Nursing Officer", email=rita.email, user=rita)
    goodwill = services.organization_create(convener=convener, actor=admin, name="Gorge Goodwill",
                                            org_type=OrganizationType.COMMUNITY_ORG)
    services.representative_create(convener=convener, actor=admin, organization=goodwill, full_name="Gabe Goodwin",
                                   title="Career Services Manager")
    services.organization_create(convener=convener, actor=admin, name="Columbia Gorge Community College",
                                 org_type=OrganizationType.COLLEGE)
    return convener, admin


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-councils-{name}.png"), full_page=True)


def seat(page, council: str, organization: str, role: str, person: str | None) -> None:
    """Use the "Seat an organization" form of one council on the partnership page."""
    section = page.locator(f"#council-{council}")
    details = section.locator("details.seat-add")
    if details.get_attribute("open") is None:
        section.locator("summary").click()
    section.get_by_label("Organization").select_option(label=organization)
    section.get_by_label("Seat role").select_option(label=role)
    section.get_by_label("Joined on").fill("2025-01-20")
    if person:
        box = section.get_by_label(person)
        box.wait_for(state="visible")  # only the chosen organization's people are shown
        box.check()
    section.get_by_role("button", name="Seat organization").click()
    page.wait_for_load_state()
    assert page.get_by_text("now has a seat on the").first.is_visible()


def test_a_convener_sets_up_councils_schedules_a_meeting_and_downloads_it(
    browser, live_server, gorge, screenshot_dir, tmp_path
):
    convener, admin = gorge
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    complete_sign_in(page, live_server.url, admin.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(r"/c/gorge/$"))
    assert page.get_by_role("heading", name="Welcome, Morgan").is_visible()
    shot(page, screenshot_dir, "01-home-empty")

    # An employer, with the duplicate warning and the NAICS picker on the way.
    menu(page, "Workspace", "Organizations")
    page.get_by_role("link", name="Add organization").click()
    page.get_by_label("Name", exact=True).fill("Riverbend Hospital, Inc.")
    warning = page.get_by_text("Looks like an existing organization")
    warning.wait_for()
    assert page.locator("#duplicate-check").get_by_role("link", name="Riverbend Hospital").is_visible()
    shot(page, screenshot_dir, "02-organization-duplicate-warning")
    page.get_by_label("Name", exact=True).fill("Cascade Family Clinics")
    page.get_by_text("No organization with this name").wait_for()
    page.get_by_label("Type").select_option(label="Employer")
    page.get_by_label("Size").select_option(label="Mid-size (50–499)")
    naics = page.get_by_label("NAICS 2022 industry")
    naics.fill("offices of physicians")
    pick = page.locator("[data-naics-pick='621111']")
    pick.wait_for()
    shot(page, screenshot_dir, "03-organization-naics-picker")
    pick.click()
    assert naics.input_value() == "621111"
    page.get_by_label("City").fill("The Dalles")
    page.get_by_label("State").fill("OR")
    page.get_by_role("button", name="Add organization").click()
    page.get_by_role("heading", name="Cascade Family Clinics").wait_for()
    page.get_by_label("Full name").fill("Carla Clinician")
    page.get_by_label("Title").fill("Practice Manager")
    page.get_by_label("Email").fill("carla@cascade.example")
    page.get_by_role("button", name="Add representative").click()
    page.get_by_text("Carla Clinician now represents Cascade Family Clinics.").wait_for()
    shot(page, screenshot_dir, "04-organization-with-representative")

    # The partnership, with its industry picked from NAICS sectors and subsectors.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partnerships").click()
    page.get_by_role("link", name="New partnership").click()
    page.get_by_label("Name", exact=True).fill("Gorge Healthcare Partnership")
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_label("Start date").fill("2025-01-15")
    page.get_by_label("Summary").fill("Hospitals and clinics of the Gorge train nurses and medical assistants "
                                      "together with the college and Goodwill.")
    industry = page.get_by_label("Industry (NAICS sector or subsector)")
    industry.fill("hospitals")
    page.locator("[data-naics-pick='622']").click()
    assert industry.input_value() == "622"
    page.get_by_label("Region").fill("Columbia Gorge")
    page.get_by_label("State").fill("OR")
    page.get_by_label("Counties").fill("Hood River, Wasco, Sherman")
    shot(page, screenshot_dir, "05-partnership-form")
    page.get_by_role("button", name="Create partnership").click()
    page.get_by_role("heading", name="Gorge Healthcare Partnership").wait_for()
    partnership = Partnership.objects.for_convener(convener).get(name="Gorge Healthcare Partnership")
    assert partnership.counties == ["Hood River", "Wasco", "Sherman"]
    assert partnership.industry_label == "Hospitals"

    # Employers on the industry council, partners on the workforce-partners council.
    seat(page, "industry", "Riverbend Hospital — Employer", "Chair", "Rita Nurse (Riverbend Hospital)")
    seat(page, "industry", "Cascade Family Clinics — Employer", "Member",
         "Carla Clinician (Cascade Family Clinics)")
    seat(page, "workforce", "Gorge Goodwill — Community-based organization", "Lead partner",
         "Gabe Goodwin (Gorge Goodwill)")
    seat(page, "workforce", "Columbia Gorge Community College — Community or technical college", "Member", None)
    seats = CouncilSeat.objects.for_convener(convener).filter(council__partnership=partnership)
    assert sorted((s.council.kind, s.organization.name, s.seat_role) for s in seats) == [
        ("industry", "Cascade Family Clinics", "member"), ("industry", "Riverbend Hospital", "chair"),
        ("workforce", "Columbia Gorge Community College", "member"), ("workforce", "Gorge Goodwill", "lead_partner"),
    ]
    page.locator("#council-industry").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "06-partnership-councils")

    # A meeting of the industry council.
    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.get_by_label("Council", exact=True).select_option(label="Industry council")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Starts").fill("2025-03-11T10:00")
    page.get_by_label("Ends").fill("2025-03-11T11:30")
    page.get_by_label("Place").fill("Riverbend Hospital, Conference Room B")
    page.get_by_label("Agenda").fill("1. Nursing openings for the next four quarters\n2. Clinical placements\n"
                                     "3. Medical assistant cohort with the college")
    shot(page, screenshot_dir, "07-meeting-form")
    page.get_by_role("button", name="Schedule meeting").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    meeting = Meeting.objects.for_convener(convener).get(title=TITLE)

    # Attendance: Rita came; Cascade sent someone who is not on file.
    page.get_by_label("Rita Nurse").check()
    cascade = page.get_by_role("group", name=re.compile("^Cascade Family Clinics"))
    cascade.get_by_label("Present, person not named").check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved: 2 organizations and 1 person present.").wait_for()
    present = MeetingAttendance.objects.for_convener(convener).filter(meeting=meeting)
    assert {(a.organization.name, a.representative.full_name if a.representative else None) for a in present} == {
        ("Riverbend Hospital", "Rita Nurse"), ("Cascade Family Clinics", None)}
    shot(page, screenshot_dir, "08-meeting-attendance")

    # An action item: a due date before the meeting is refused on the form, then corrected.
    page.get_by_label("Action", exact=True).fill("Share the RN demand survey with every employer")
    page.get_by_label("Owner").select_option(label="Rita Nurse (Riverbend Hospital)")
    page.get_by_label("Due").fill("2025-03-01")
    page.get_by_role("button", name="Add action item").click()
    error = page.get_by_text("The due date is before the meeting it came from (Mar 11, 2025).")
    error.wait_for()
    assert not ActionItem.objects.for_convener(convener).exists()
    error.scroll_into_view_if_needed()
    shot(page, screenshot_dir, "09-action-item-refused")
    page.get_by_label("Due").fill("2025-03-25")
    page.get_by_role("button", name="Add action item").click()
    page.get_by_text("Action item added: Share the RN demand survey").wait_for()
    item = ActionItem.objects.for_convener(convener).get()
    assert (item.meeting, item.owner_representative.full_name) == (meeting, "Rita Nurse")

    # Its status changes in place (htmx), without leaving the page.
    page.get_by_label("Status of “Share the RN demand survey with every employer”").select_option("in_progress")
    page.locator(".status-form").get_by_text("Saved").wait_for()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS
    page.locator("#action-items").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "10-meeting-action-items")

    # The calendar file.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "healthcare-council-kickoff-2025-03-11.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    ics = saved.read_text()
    assert ics.startswith("BEGIN:VCALENDAR")
    assert TITLE in ics and "Riverbend Hospital\\, Conference Room B" in ics

    # The dashboard now shows the partnership with its councils.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    row = page.locator("section[aria-labelledby='home-partnerships'] tbody tr", has_text="Gorge Healthcare")
    assert row.locator("td").nth(0).inner_text() == "2"  # employers
    assert row.locator("td").nth(1).inner_text() == "2"  # partners
    shot(page, screenshot_dir, "11-home-dashboard")

    menu(page, "Councils", "Action items")
    page.get_by_role("heading", name="Action items").wait_for()
    shot(page, screenshot_dir, "12-action-items")
    context.close()

    # Rita, the hospital's representative, sees the meeting and that she is recorded present.
    rita = browser.new_context(viewport={"width": 1280, "height": 900})
    page = rita.new_page()
    complete_sign_in(page, live_server.url, "rita@riverbend.example", PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(r"/c/gorge/$"))
    menu(page, "Councils", "Meetings")
    page.get_by_role("link", name=TITLE).click()
    mine = page.locator("form.attendance-mine")
    assert mine.get_by_text("Recorded: you attended").is_visible()
    assert not page.get_by_role("button", name="Save attendance").is_visible()  # the sheet is the convener's
    mine.get_by_role("button", name=re.compile("I did not attend")).click()
    mine = page.locator("form.attendance-mine")
    mine.get_by_text("You are not recorded as present.").wait_for()
    assert not MeetingAttendance.objects.for_convener(convener).filter(representative__full_name="Rita Nurse").exists()
    mine.get_by_role("button", name=re.compile("I attended")).click()
    page.locator("form.attendance-mine").get_by_text("Recorded: you attended").wait_for()
    shot(page, screenshot_dir, "13-employer-rep-meeting")
    rita.close()

"""Pages of councils: organizations, partnerships, seats, meetings, attendance, action items, dashboards.

The data is built through the services, in one tenant ("Harbor") with a user for every role, plus a
second tenant ("Inland") whose rows must never be usable from Harbor's pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partnerships import services
from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    Meeting,
    MeetingAttendance,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
    User,
)
from partnerships.roles import OrganizationType, Role
from partnerships.security.policy import mfa_required_for
from partnerships.security.totp import totp_enroll
from tests.factories import PASSWORD

EASTERN = ZoneInfo("America/New_York")
# Fixed dates, never the machine's clock: a past quarter of council meetings.
MEETING_START = datetime(2025, 3, 11, 10, 0, tzinfo=EASTERN)


# "Now", for every test here: after the spring meetings, before the far-future ones.
NOW = datetime(2025, 6, 2, 12, 0, tzinfo=EASTERN)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """Upcoming, past and overdue are decided against a fixed moment, never the machine's clock."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def at(days: int) -> datetime:
    return MEETING_START + timedelta(days=days)


@dataclass
class Tenant:
    convener: Convener
    users: dict[str, User]
    orgs: dict[str, Organization] = field(default_factory=dict)
    partnership: Partnership | None = None
    councils: dict[str, Council] = field(default_factory=dict)
    reps: dict[str, Representative] = field(default_factory=dict)
    meeting: Meeting | None = None
    item: ActionItem | None = None

    @property
    def admin(self) -> User:
        return self.users[Role.CONVENER_ADMIN]

    def url(self, path: str = "") -> str:
        return f"/c/{self.convener.slug}/{path}"


def build_tenant(name: str, slug: str, *, domain: str) -> Tenant:
    convener = services.convener_create(name=name, slug=slug, region="Harbor County, OR")
    users = {
        role: User.objects.create_user(f"{role.replace('_', '.')}@{domain}", PASSWORD, full_name=f"{role.label} Person")
        for role in Role
    }
    return Tenant(convener=convener, users=users)


def org(t: Tenant, key: str, name: str, org_type: str, **fields: object) -> Organization:
    t.orgs[key] = services.organization_create(convener=t.convener, actor=t.admin, name=name, org_type=org_type,
                                               **fields)
    return t.orgs[key]


@pytest.fixture
def harbor(db) -> Tenant:
    """One partnership with both councils seated, a meeting with attendance, an action item and a goal."""
    t = build_tenant("Harbor Workforce Board", "harbor", domain="harbor.example")
    c, admin = t.convener, t.admin
    org(t, "shipyard", "Harbor Shipyards Inc.", OrganizationType.EMPLOYER, size_band="large", naics_code="336611",
        ein="12-3456789")
    org(t, "welding", "Coastal Welding LLC", OrganizationType.EMPLOYER, size_band="small", naics_code="332312")
    org(t, "goodwill", "Harbor Goodwill", OrganizationType.COMMUNITY_ORG)
    org(t, "college", "Harbor Community College", OrganizationType.COLLEGE)
    org(t, "foundation", "Harbor Foundation", OrganizationType.PHILANTHROPY)
    t.partnership = services.partnership_create(
        convener=c, actor=admin, name="Harbor Maritime Partnership", industry_naics="3366", region="Harbor County",
        state="OR", counties=["Harbor", "Bay"], status=Partnership.Status.ACTIVE, summary="Welders for the yards.",
    )
    grants = {
        Role.CONVENER_ADMIN: (None, ()), Role.CONVENER_STAFF: (None, ()),
        Role.EMPLOYER_REP: (t.orgs["shipyard"], ()), Role.CASE_MANAGER: (t.orgs["goodwill"], ()),
        Role.PROVIDER_STAFF: (t.orgs["college"], ()), Role.FUNDER: (t.orgs["foundation"], (t.partnership,)),
    }
    for role, (organization, partnerships) in grants.items():
        services.membership_grant(convener=c, actor=None, user=t.users[role], role=role, organization=organization,
                                  partnerships=partnerships)
    t.councils = {k.kind: k for k in Council.objects.for_convener(c).filter(partnership=t.partnership)}
    t.reps["dana"] = services.representative_create(
        convener=c, actor=admin, organization=t.orgs["shipyard"], full_name="Dana Shipwright",
        email="dana@shipyards.example", user=t.users[Role.EMPLOYER_REP])
    t.reps["wes"] = services.representative_create(
        convener=c, actor=admin, organization=t.orgs["welding"], full_name="Wes Torchman", email="wes@coastal.example")
    t.reps["gia"] = services.representative_create(
        convener=c, actor=admin, organization=t.orgs["goodwill"], full_name="Gia Goodman",
        email="gia@goodwill.example", user=t.users[Role.CASE_MANAGER])
    joined = date(2025, 1, 6)
    services.council_seat_add(convener=c, actor=admin, council=t.councils["industry"], organization=t.orgs["shipyard"],
                              joined_on=joined, seat_role="chair", representatives=[t.reps["dana"]])
    services.council_seat_add(convener=c, actor=admin, council=t.councils["industry"], organization=t.orgs["welding"],
                              joined_on=joined, representatives=[t.reps["wes"]])
    services.council_seat_add(convener=c, actor=admin, council=t.councils["workforce"],
                              organization=t.orgs["goodwill"], joined_on=joined, seat_role="lead_partner",
                              representatives=[t.reps["gia"]])
    t.meeting = services.meeting_schedule(convener=c, actor=admin, council=t.councils["industry"],
                                          title="Spring industry council", starts_at=MEETING_START,
                                          location="Harbor Hall", agenda="1. Welding demand\n2. Cohort seats")
    t.item = services.action_item_create(convener=c, actor=admin, partnership=t.partnership, meeting=t.meeting,
                                         title="Send the welding survey", due_on=date(2025, 3, 25),
                                         owner_representative=t.reps["dana"])
    services.partnership_goal_add(convener=c, actor=admin, partnership=t.partnership, description="Hires",
                                  target_value=150, unit="hires", target_date=date(2027, 6, 30))
    return t


@pytest.fixture
def inland(db) -> Tenant:
    """Another tenant, with an employer of its own."""
    t = build_tenant("Inland Sector Partners", "inland", domain="inland.example")
    services.membership_grant(convener=t.convener, actor=None, user=t.admin, role=Role.CONVENER_ADMIN)
    org(t, "mill", "Inland Steel Mill", OrganizationType.EMPLOYER, size_band="mid")
    return t


def client_as(user: User) -> Client:
    if mfa_required_for(user):  # roles that reach participant records must have set up two-factor authentication
        totp_enroll(user, recovery_codes=False)
    client = Client()
    client.force_login(user)
    return client


def page_urls(t: Tenant) -> dict[str, str]:
    p, m = t.partnership, t.meeting
    assert p is not None and m is not None and t.item is not None
    seat = CouncilSeat.objects.for_convener(t.convener).filter(organization=t.orgs["shipyard"]).get()
    return {
        "home": t.url(),
        "partnership": t.url(f"partnerships/{p.pk}/"),
        "partnership-edit": t.url(f"partnerships/{p.pk}/edit/"),
        "partnership-new": t.url("partnerships/new/"),
        "goal-new": t.url(f"partnerships/{p.pk}/goals/new/"),
        "organization-new": t.url("organizations/new/"),
        "organization": t.url(f"organizations/{t.orgs['shipyard'].pk}/"),
        "organization-edit": t.url(f"organizations/{t.orgs['shipyard'].pk}/edit/"),
        "representative-new": t.url(f"organizations/{t.orgs['shipyard'].pk}/representatives/new/"),
        "representative-edit": t.url(f"representatives/{t.reps['dana'].pk}/edit/"),
        "naics": t.url("naics/?q=hospital"),
        "duplicates": t.url("organizations/duplicates/?name=harbor+shipyards"),
        "seat-new": t.url(f"councils/{t.councils['industry'].pk}/seats/new/"),
        "seat-edit": t.url(f"seats/{seat.pk}/edit/"),
        "meetings": t.url("meetings/"),
        "meeting-new": t.url(f"partnerships/{p.pk}/meetings/new/"),
        "meeting": t.url(f"meetings/{m.pk}/"),
        "meeting-edit": t.url(f"meetings/{m.pk}/edit/"),
        "attendance": t.url(f"meetings/{m.pk}/attendance/"),
        "ics": t.url(f"meetings/{m.pk}/calendar.ics"),
        "action-items": t.url("action-items/"),
        "partnership-action-items": t.url(f"partnerships/{p.pk}/action-items/"),
        "action-item-new": t.url(f"partnerships/{p.pk}/action-items/new/"),
    }


COUNCIL_PAGES = {"home", "partnership", "meetings", "meeting", "ics", "action-items", "partnership-action-items"}
MANAGE_PAGES = {
    "partnership-edit", "partnership-new", "goal-new", "organization-new", "organization", "organization-edit",
    "representative-new", "representative-edit", "naics", "duplicates", "seat-new", "seat-edit", "meeting-new",
    "meeting-edit", "attendance", "action-item-new",
}


# ---------------------------------------------------------------------------------------------------
# Who sees which page
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.CONVENER_ADMIN, Role.CONVENER_STAFF])
def test_convener_roles_open_every_council_page(harbor, role):
    client = client_as(harbor.users[role])
    for name, url in page_urls(harbor).items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF])
def test_council_members_see_their_partnership_and_meetings_but_not_the_management_pages(harbor, role):
    client = client_as(harbor.users[role])
    urls = page_urls(harbor)
    seated = role != Role.PROVIDER_STAFF  # the college holds no seat in this world
    for name in COUNCIL_PAGES:
        response = client.get(urls[name])
        if name == "home" or name in {"meetings", "action-items"}:
            assert response.status_code == 200, f"{name}: {response.status_code}"
        elif name in {"meeting", "ics"}:
            # Meetings of the industry council: the shipyard sits there; Goodwill and the college do not.
            expected = 200 if role == Role.EMPLOYER_REP else 404
            assert response.status_code == expected, f"{name}: {response.status_code}"
        else:
            assert response.status_code == (200 if seated else 404), f"{name}: {response.status_code}"
    for name in MANAGE_PAGES:
        response = client.get(urls[name])
        assert response.status_code in (403, 404), f"{name} as {role}: {response.status_code}"


def test_an_employer_representative_sees_only_the_council_their_company_sits_on(harbor):
    text = client_as(harbor.users[Role.EMPLOYER_REP]).get(page_urls(harbor)["partnership"]).content.decode()
    assert "Industry council" in text
    assert "Harbor Goodwill" not in text  # the workforce-partners council is not theirs
    assert "Spring industry council" in text
    assert "Seat an organization" not in text
    assert "Employer engagement" not in text


def test_the_funder_sees_profile_and_council_mix_but_no_names_or_contact_details(harbor):
    client = client_as(harbor.users[Role.FUNDER])
    response = client.get(page_urls(harbor)["partnership"])
    assert response.status_code == 200
    text = response.content.decode()
    assert "Harbor Maritime Partnership" in text
    assert "Council mix" in text
    assert "Large (500+)" in text and "Small (under 50)" in text
    for secret in ("Dana Shipwright", "dana@shipyards.example", "Wes Torchman", "wes@coastal.example",
                   "Gia Goodman", "gia@goodwill.example", "Harbor Shipyards", "Coastal Welding",
                   "Spring industry council", "Send the welding survey"):
        assert secret not in text, f"the funder sees {secret!r}"


def test_the_funder_is_refused_meetings_and_action_items(harbor):
    client = client_as(harbor.users[Role.FUNDER])
    urls = page_urls(harbor)
    for name in ("meetings", "meeting", "ics", "action-items", "partnership-action-items"):
        assert client.get(urls[name]).status_code == 403, name


def test_council_members_may_not_change_anything(harbor):
    client = client_as(harbor.users[Role.EMPLOYER_REP])
    m, item = harbor.meeting, harbor.item
    posts = {
        harbor.url(f"councils/{harbor.councils['industry'].pk}/seats/new/"): {},
        harbor.url(f"meetings/{m.pk}/attendance/"): {"representatives": [harbor.reps["dana"].pk]},
        harbor.url(f"meetings/{m.pk}/action-items/new/"): {"title": "x", "due_on": "2025-04-01"},
        harbor.url(f"action-items/{item.pk}/status/"): {"status": "done"},
        harbor.url("organizations/new/"): {"name": "Sneaky Co", "org_type": "employer"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


# ---------------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------------
def test_a_convener_adds_an_employer_with_its_naics_code_and_size(harbor):
    response = client_as(harbor.admin).post(harbor.url("organizations/new/"), {
        "name": "Bayview Marine Electric", "org_type": "employer", "size_band": "mid", "naics_code": "238210",
        "ein": "98 7654321", "state": "or", "city": "Bayview",
    })
    assert response.status_code == 302
    created = Organization.objects.for_convener(harbor.convener).get(name="Bayview Marine Electric")
    assert (created.size_band, created.naics_code, created.ein, created.state) == ("mid", "238210", "98-7654321", "OR")
    assert response["Location"] == created.get_absolute_url()


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "harbor shipyards", "org_type": "employer"}, "Harbor Shipyards Inc. is already in your directory"),
    ({"name": "Harbour Yards", "org_type": "employer", "ein": "123456789"},
     "EIN 12-3456789 already belongs to Harbor Shipyards Inc."),
    ({"name": "Bayview Marine", "org_type": "employer", "naics_code": "999999"}, "999999 is not a NAICS 2022 code"),
    ({"name": "Bayview Marine", "org_type": "employer", "naics_code": "welding"}, "“welding” is not a NAICS code"),
])
def test_a_duplicate_or_a_bad_naics_code_is_refused_with_a_clear_message_and_nothing_saved(harbor, data, message):
    before = Organization.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url("organizations/new/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Organization.objects.for_convener(harbor.convener).count() == before


def test_editing_an_organization_into_a_duplicate_is_refused(harbor):
    welding = harbor.orgs["welding"]
    response = client_as(harbor.admin).post(harbor.url(f"organizations/{welding.pk}/edit/"), {
        "name": "HARBOR SHIPYARDS, LLC", "org_type": "employer", "size_band": "small", "naics_code": "332312",
    })
    assert response.status_code == 400
    assert "is already in your directory" in response.content.decode()
    welding.refresh_from_db()
    assert welding.name == "Coastal Welding LLC"


def test_the_duplicate_check_says_which_organization_a_typed_name_looks_like(harbor):
    client = client_as(harbor.admin)
    hit = client.get(harbor.url("organizations/duplicates/"), {"name": "The Harbor Shipyards", "ein": ""},
                     headers={"HX-Request": "true"})
    assert hit.status_code == 200
    text = hit.content.decode()
    assert "Looks like an existing organization" in text and "Harbor Shipyards Inc." in text
    assert "<html" not in text  # a fragment for htmx
    by_ein = client.get(harbor.url("organizations/duplicates/"), {"name": "Someone", "ein": "12-3456789"},
                        headers={"HX-Request": "true"})
    assert "Harbor Shipyards Inc." in by_ein.content.decode()
    miss = client.get(harbor.url("organizations/duplicates/"), {"name": "Brand New Yard"},
                      headers={"HX-Request": "true"})
    assert "Looks like" not in miss.content.decode()
    # The organization being edited is not its own duplicate.
    own = client.get(harbor.url("organizations/duplicates/"),
                     {"name": "Harbor Shipyards", "exclude": harbor.orgs["shipyard"].pk},
                     headers={"HX-Request": "true"})
    assert "Looks like" not in own.content.decode()


def test_the_naics_picker_finds_codes_by_words_and_digits(harbor):
    client = client_as(harbor.admin)
    words = client.get(harbor.url("naics/"), {"naics_code": "general medical"}, headers={"HX-Request": "true"})
    assert 'data-naics-pick="622110"' in words.content.decode()
    digits = client.get(harbor.url("naics/"), {"industry_naics": "336", "digits": "4"}, headers={"HX-Request": "true"})
    text = digits.content.decode()
    assert 'data-naics-pick="3366"' in text and 'data-naics-pick="336611"' not in text
    whole_page = client.get(harbor.url("naics/"), {"q": "hospital"})
    assert "<html" in whole_page.content.decode() and "622110" in whole_page.content.decode()


def test_the_organization_page_shows_representatives_seats_and_the_add_form(harbor):
    text = client_as(harbor.admin).get(page_urls(harbor)["organization"]).content.decode()
    assert "Dana Shipwright" in text and "dana@shipyards.example" in text
    assert "Harbor Maritime Partnership" in text and "Chair" in text
    assert "Add a representative" in text
    assert "Ship Building and Repairing" in text  # the NAICS title of 336611


def test_a_representative_can_be_linked_to_a_portal_user_of_the_workspace(harbor):
    staff = harbor.users[Role.CONVENER_STAFF]
    url = harbor.url(f"organizations/{harbor.orgs['welding'].pk}/representatives/new/")
    response = client_as(harbor.admin).post(url,
                                            {"full_name": "Stacy Staff", "email": "stacy@coastal.example",
                                             "user": staff.pk})
    assert response.status_code == 302
    rep = Representative.objects.for_convener(harbor.convener).get(full_name="Stacy Staff")
    assert rep.user == staff and rep.organization == harbor.orgs["welding"]


def test_a_representative_cannot_be_linked_to_a_user_of_another_workspace(harbor, inland):
    before = Representative.objects.for_convener(harbor.convener).count()
    url = harbor.url(f"organizations/{harbor.orgs['welding'].pk}/representatives/new/")
    response = client_as(harbor.admin).post(url,
                                            {"full_name": "Stranger", "user": inland.admin.pk})
    assert response.status_code == 400
    assert Representative.objects.for_convener(harbor.convener).count() == before


# ---------------------------------------------------------------------------------------------------
# Partnerships, goals and seats
# ---------------------------------------------------------------------------------------------------
def test_creating_a_partnership_gives_it_both_councils_and_reads_counties_from_a_comma_list(harbor):
    response = client_as(harbor.admin).post(harbor.url("partnerships/new/"), {
        "name": "Harbor Healthcare Partnership", "industry_naics": "622", "region": "Harbor County", "state": "or",
        "counties": "Harbor, Bay ,  Inlet", "metro_area": "", "status": "forming", "start_date": "2025-01-15",
        "summary": "", "engagement_window": "6",
    })
    assert response.status_code == 302
    created = Partnership.objects.for_convener(harbor.convener).get(name="Harbor Healthcare Partnership")
    assert created.counties == ["Harbor", "Bay", "Inlet"]
    assert created.state == "OR" and created.industry_label == "Hospitals"
    assert sorted(Council.objects.for_convener(harbor.convener).filter(partnership=created)
                  .values_list("kind", flat=True)) == ["industry", "workforce"]


def test_a_partnership_industry_must_be_a_sector_or_subsector(harbor):
    before = Partnership.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url("partnerships/new/"), {
        "name": "Too Specific", "industry_naics": "622110", "status": "active", "engagement_window": "6"})
    assert response.status_code == 400
    assert "sector or subsector" in response.content.decode()
    assert Partnership.objects.for_convener(harbor.convener).count() == before


def test_goals_are_added_and_removed(harbor):
    client = client_as(harbor.admin)
    p = harbor.partnership
    response = client.post(harbor.url(f"partnerships/{p.pk}/goals/new/"),
                           {"description": "Completion rate", "target_value": "80", "unit": "%"})
    assert response.status_code == 302
    goal = PartnershipGoal.objects.for_convener(harbor.convener).get(description="Completion rate")
    page = client.get(harbor.url(f"partnerships/{p.pk}/")).content.decode()
    assert "Completion rate" in page and "80 %" in page and "150 hires" in page
    assert client.post(harbor.url(f"goals/{goal.pk}/remove/")).status_code == 302
    assert not PartnershipGoal.objects.for_convener(harbor.convener).filter(pk=goal.pk).exists()


def test_the_partnership_page_shows_councils_seats_meetings_items_and_the_seat_forms(harbor):
    text = client_as(harbor.admin).get(page_urls(harbor)["partnership"]).content.decode()
    for expected in ("Industry council", "Workforce-partners council", "Harbor Shipyards Inc.", "Dana Shipwright",
                     "dana@shipyards.example", "Lead partner", "Spring industry council", "Send the welding survey",
                     "Seat an organization", "Employer engagement", "Council mix"):
        assert expected in text, expected
    # Each council's form offers only organizations that may sit there and are not seated yet.
    workforce = harbor.councils["workforce"]
    form = text.split(f'name="council{workforce.pk}-organization"')[1].split("</select>")[0]
    assert "Harbor Community College" in form
    assert "Harbor Goodwill" not in form and "Coastal Welding" not in form
    industry_council = text.split('id="council-industry"')[1].split('id="council-workforce"')[0]
    assert "Every organization that can sit on this council already has a seat" in industry_council


def seat_post(t: Tenant, council: Council, organization_id: int, **extra: object) -> dict[str, object]:
    prefix = f"council{council.pk}"
    data = {f"{prefix}-organization": organization_id, f"{prefix}-seat_role": "member",
            f"{prefix}-joined_on": "2025-02-01"}
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


def test_a_convener_seats_an_organization_with_its_representatives(harbor):
    college = harbor.orgs["college"]
    person = services.representative_create(convener=harbor.convener, actor=harbor.admin, organization=college,
                                            full_name="Cal Dean")
    council = harbor.councils["workforce"]
    response = client_as(harbor.admin).post(harbor.url(f"councils/{council.pk}/seats/new/"),
                                            seat_post(harbor, council, college.pk, representatives=[person.pk]))
    assert response.status_code == 302
    seat = CouncilSeat.objects.for_convener(harbor.convener).get(council=council, organization=college)
    assert list(seat.representatives.all()) == [person]


def test_seating_another_tenants_organization_is_refused_and_changes_nothing(harbor, inland):
    council = harbor.councils["industry"]
    before = CouncilSeat.unscoped.count()
    response = client_as(harbor.admin).post(harbor.url(f"councils/{council.pk}/seats/new/"),
                                            seat_post(harbor, council, inland.orgs["mill"].pk))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose an organization of this workspace" in text
    assert "Inland Steel Mill" not in text
    assert CouncilSeat.unscoped.count() == before


def test_seating_an_employer_on_the_workforce_council_is_refused_with_the_reason(harbor):
    council = harbor.councils["workforce"]
    before = CouncilSeat.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url(f"councils/{council.pk}/seats/new/"),
                                            seat_post(harbor, council, harbor.orgs["welding"].pk))
    assert response.status_code == 400
    assert "not employers" in response.content.decode()
    assert CouncilSeat.objects.for_convener(harbor.convener).count() == before


def test_ending_a_seat_keeps_it_in_history_and_takes_it_off_the_council(harbor):
    seat = CouncilSeat.objects.for_convener(harbor.convener).get(organization=harbor.orgs["welding"])
    client = client_as(harbor.admin)
    early = client.post(harbor.url(f"seats/{seat.pk}/edit/"), {"seat_role": "member", "left_on": "2024-01-01"})
    assert early.status_code == 400 and "cannot end before that" in early.content.decode()
    response = client.post(harbor.url(f"seats/{seat.pk}/edit/"), {"seat_role": "member", "left_on": "2025-06-30",
                                                                  "representatives": [harbor.reps["wes"].pk]})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.left_on == date(2025, 6, 30)
    industry_section = client.get(page_urls(harbor)["partnership"]).content.decode().split("Workforce-partners")[0]
    assert "Coastal Welding LLC" not in industry_section.split("Council mix")[-1].split("Seat an organization")[0]


# ---------------------------------------------------------------------------------------------------
# Meetings, attendance, action items, calendar file
# ---------------------------------------------------------------------------------------------------
def test_a_convener_schedules_a_meeting_on_a_council(harbor):
    council = harbor.councils["workforce"]
    response = client_as(harbor.admin).post(harbor.url(f"partnerships/{harbor.partnership.pk}/meetings/new/"), {
        "council": council.pk, "title": "Partners' planning", "starts_at": "2025-04-02T14:00",
        "ends_at": "2025-04-02T15:30", "location": "Goodwill training room", "online_link": "", "agenda": "Seats",
    })
    assert response.status_code == 302
    meeting = Meeting.objects.for_convener(harbor.convener).get(title="Partners' planning")
    assert meeting.council == council
    assert meeting.starts_at == datetime(2025, 4, 2, 14, 0, tzinfo=EASTERN)


def test_a_meeting_that_ends_before_it_starts_is_refused(harbor):
    before = Meeting.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url(f"partnerships/{harbor.partnership.pk}/meetings/new/"), {
        "council": harbor.councils["industry"].pk, "title": "Backwards", "starts_at": "2025-04-02T14:00",
        "ends_at": "2025-04-02T13:00"})
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert Meeting.objects.for_convener(harbor.convener).count() == before


def test_attendance_is_recorded_by_person_and_by_organization(harbor):
    m = harbor.meeting
    response = client_as(harbor.admin).post(harbor.url(f"meetings/{m.pk}/attendance/"), {
        "representatives": [harbor.reps["dana"].pk], "organizations": [harbor.orgs["welding"].pk]})
    assert response.status_code == 302
    rows = MeetingAttendance.objects.for_convener(harbor.convener).filter(meeting=m)
    assert {(r.organization_id, r.representative_id) for r in rows} == {
        (harbor.orgs["shipyard"].pk, harbor.reps["dana"].pk), (harbor.orgs["welding"].pk, None)}
    m.refresh_from_db()
    assert m.status == Meeting.Status.HELD
    page = client_as(harbor.admin).get(harbor.url(f"meetings/{m.pk}/")).content.decode()
    assert "2 organizations recorded present" in page


def test_attendance_of_someone_not_on_the_council_is_refused(harbor, inland):
    m = harbor.meeting
    for data in ({"representatives": [harbor.reps["gia"].pk]},  # Goodwill sits on the other council
                 {"organizations": [inland.orgs["mill"].pk]},  # another tenant's
                 {"organizations": ["not-a-number"]}):
        response = client_as(harbor.admin).post(harbor.url(f"meetings/{m.pk}/attendance/"), data)
        assert response.status_code == 400, data
        assert not MeetingAttendance.objects.for_convener(harbor.convener).filter(meeting=m).exists()
    assert "Inland Steel Mill" not in response.content.decode()


def test_an_employer_representative_marks_their_own_attendance(harbor):
    m = harbor.meeting
    client = client_as(harbor.users[Role.EMPLOYER_REP])
    response = client.post(harbor.url(f"meetings/{m.pk}/attendance/mine/"), {"present": "yes"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Recorded: you attended" in response.content.decode()
    assert MeetingAttendance.objects.for_convener(harbor.convener).filter(
        meeting=m, representative=harbor.reps["dana"], present=True).exists()
    response = client.post(harbor.url(f"meetings/{m.pk}/attendance/mine/"), {"present": "no"})
    assert response.status_code == 302
    assert not MeetingAttendance.objects.for_convener(harbor.convener).filter(meeting=m).exists()


def test_a_case_manager_whose_organization_is_not_on_the_council_cannot_mark_attendance(harbor):
    # Goodwill sits on the workforce council; the meeting is the industry council's, so it is not even visible.
    response = client_as(harbor.users[Role.CASE_MANAGER]).post(
        harbor.url(f"meetings/{harbor.meeting.pk}/attendance/mine/"), {"present": "yes"})
    assert response.status_code == 404
    assert not MeetingAttendance.objects.for_convener(harbor.convener).exists()


def test_an_action_item_due_before_its_meeting_is_refused_on_the_form(harbor):
    m = harbor.meeting
    before = ActionItem.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url(f"meetings/{m.pk}/action-items/new/"), {
        "title": "Book the hall", "due_on": "2025-03-01", "owner": f"rep:{harbor.reps['wes'].pk}"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "The due date is before the meeting it came from (Mar 11, 2025)." in text
    assert 'value="Book the hall"' in text  # the form keeps what was typed
    assert ActionItem.objects.for_convener(harbor.convener).count() == before


def test_an_action_item_is_added_to_a_meeting_with_an_owner(harbor):
    m = harbor.meeting
    staff = harbor.users[Role.CONVENER_STAFF]
    response = client_as(harbor.admin).post(harbor.url(f"meetings/{m.pk}/action-items/new/"), {
        "title": "Book the hall", "due_on": "2025-04-01", "owner": f"user:{staff.pk}"})
    assert response.status_code == 302
    item = ActionItem.objects.for_convener(harbor.convener).get(title="Book the hall")
    assert (item.meeting, item.owner_user, item.partnership) == (m, staff, harbor.partnership)


def test_an_action_item_owner_from_another_workspace_is_refused(harbor, inland):
    before = ActionItem.objects.for_convener(harbor.convener).count()
    response = client_as(harbor.admin).post(harbor.url(f"meetings/{harbor.meeting.pk}/action-items/new/"), {
        "title": "Sneak", "due_on": "2025-04-01", "owner": f"user:{inland.admin.pk}"})
    assert response.status_code == 400
    assert ActionItem.objects.for_convener(harbor.convener).count() == before


def test_the_meeting_downloads_as_an_ics_file(harbor):
    response = client_as(harbor.users[Role.EMPLOYER_REP]).get(harbor.url(f"meetings/{harbor.meeting.pk}/calendar.ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="spring-industry-council-2025-03-11.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and "Spring industry council" in body


def test_an_action_items_status_changes_inline_with_htmx_and_without(harbor):
    client = client_as(harbor.admin)
    item = harbor.item
    url = harbor.url(f"action-items/{item.pk}/status/")
    response = client.post(url, {"status": "in_progress"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Saved" in response.content.decode() and "<html" not in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS
    response = client.post(url, {"status": "done", "next": harbor.url("action-items/")})
    assert response.status_code == 302 and response["Location"] == harbor.url("action-items/")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.completed_on is not None
    bad = client.post(url, {"status": "exploded"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "Choose a status" in bad.content.decode()
    offsite = client.post(url, {"status": "open", "next": "https://evil.example/"})
    assert offsite["Location"] == harbor.url("action-items/")


def test_action_items_are_filtered_by_status_overdue_and_owner(harbor):
    c, admin = harbor.convener, harbor.admin
    services.action_item_create(convener=c, actor=admin, partnership=harbor.partnership, title="Call the college",
                                due_on=date(2099, 1, 1), owner_user=admin)
    client = client_as(admin)
    base = harbor.url(f"partnerships/{harbor.partnership.pk}/action-items/")
    overdue = client.get(base, {"overdue": "on"}).content.decode()
    assert "Send the welding survey" in overdue and "Call the college" not in overdue
    mine = client.get(base, {"owner": "me"}).content.decode()
    assert "Call the college" in mine and "Send the welding survey" not in mine
    by_rep = client.get(base, {"owner": f"rep:{harbor.reps['dana'].pk}"}).content.decode()
    assert "Send the welding survey" in by_rep and "Call the college" not in by_rep
    done = client.get(base, {"status": "done"}).content.decode()
    assert "No action items match." in done
    nonsense = client.get(base, {"status": "nonsense", "owner": "rep:abc"})
    assert nonsense.status_code == 200


# ---------------------------------------------------------------------------------------------------
# Engagement: a disengaged employer is flagged where the convener looks
# ---------------------------------------------------------------------------------------------------
def test_an_employer_that_skipped_the_last_meetings_is_flagged_on_the_partnership_page_and_home(harbor):
    c, admin, council = harbor.convener, harbor.admin, harbor.councils["industry"]
    meetings = [harbor.meeting] + [
        services.meeting_schedule(convener=c, actor=admin, council=council, title=f"Council {n}", starts_at=at(30 * n))
        for n in (1, 2)
    ]
    for meeting in meetings:  # the shipyard came every time; Coastal Welding never did
        services.meeting_record_attendance(convener=c, actor=admin, meeting=meeting,
                                           present_representatives=[harbor.reps["dana"]])
    services.engagement_refresh(convener=c, council=council, today=date(2025, 6, 1))
    client = client_as(admin)
    page = client.get(page_urls(harbor)["partnership"]).content.decode()
    engagement = page.split("Employer engagement")[1]
    coastal = engagement.split("Coastal Welding LLC")[1].split("</tr>")[0]
    assert "Drifting" in coastal and "attended 0 of the last 3 meetings" in coastal
    shipyard = engagement.split("Harbor Shipyards Inc.")[1].split("</tr>")[0]
    assert "Engaged" in shipyard and "3 of 3" in shipyard
    home = client.get(harbor.url()).content.decode()
    assert "Drifting employers" in home and "Coastal Welding LLC" in home.split("Drifting employers")[1]


# ---------------------------------------------------------------------------------------------------
# Homes
# ---------------------------------------------------------------------------------------------------
def test_the_convener_home_lists_upcoming_meetings_overdue_items_and_partnership_counts(harbor):
    future = datetime(2099, 5, 1, 9, 0, tzinfo=EASTERN)
    services.meeting_schedule(convener=harbor.convener, actor=harbor.admin, council=harbor.councils["workforce"],
                              title="Far-future partners meeting", starts_at=future)
    text = client_as(harbor.admin).get(harbor.url()).content.decode()
    assert "Far-future partners meeting" in text.split("Upcoming meetings")[1]
    assert "Send the welding survey" in text.split("Overdue action items")[1]
    row = text.split('id="home-partnerships"')[1].split("Harbor Maritime Partnership")[1].split("</tr>")[0]
    # 2 employers, 1 partner, 1 upcoming meeting, 1 overdue item, no drifting employer yet
    assert [cell.split("<")[0].strip() for cell in row.split('<td class="text-end">')[1:]][:3] == ["2", "1", "1"]
    # Every tile leads to a page that exists: nothing is announced as "coming" any more.
    assert "Coming to your workspace" not in text and "Councils and meetings" not in text
    assert "Programs and cohorts" in text and f"/c/{harbor.convener.slug}/participants/" in text


def test_an_employer_representative_marks_attendance_from_their_home_page(harbor):
    recent = services.meeting_schedule(convener=harbor.convener, actor=harbor.admin,
                                       council=harbor.councils["industry"], title="Far-future council",
                                       starts_at=datetime(2099, 5, 1, 9, 0, tzinfo=EASTERN))
    text = client_as(harbor.users[Role.EMPLOYER_REP]).get(harbor.url()).content.decode()
    mine = text.split("Your council meetings")[1]
    assert "Far-future council" in mine
    assert f"/meetings/{recent.pk}/calendar.ics" in mine


# ---------------------------------------------------------------------------------------------------
# Query counts: the convener's dashboard and the partnership page do not grow with the tenant
# ---------------------------------------------------------------------------------------------------
HOME_QUERIES = 10  # the four headline counts are one query (selectors.tenant_counts)
PARTNERSHIP_QUERIES = 13  # the council mix is one grouped query


def grow(t: Tenant, *, partnerships: int, organizations: int, meetings: int) -> Partnership:
    """More of everything: partnerships with seated councils, employers with people, meetings with attendance,
    action items and stored engagement. Returns the partnership whose page is measured."""
    c, admin = t.convener, t.admin
    made = []
    for n in range(partnerships):
        made.append(services.partnership_create(convener=c, actor=admin, name=f"Grown Partnership {n}",
                                                industry_naics="31-33"))
    target = made[0] if made else t.partnership
    councils = {k.kind: k for k in Council.objects.for_convener(c).filter(partnership=target)}
    for n in range(organizations):
        employer = n % 2 == 0
        o = services.organization_create(convener=c, actor=admin, name=f"Grown Org {n}",
                                         org_type="employer" if employer else "college",
                                         size_band=["small", "mid", "large"][n % 3] if employer else "")
        person = services.representative_create(convener=c, actor=admin, organization=o, full_name=f"Person {n}",
                                                 email=f"p{n}@grown.example")
        services.council_seat_add(convener=c, actor=admin, council=councils["industry" if employer else "workforce"],
                                  organization=o, joined_on=date(2025, 1, 1), representatives=[person])
    for n in range(meetings):
        kind = "industry" if n % 2 == 0 else "workforce"
        starts = at(7 * n) if n % 3 else datetime(2099, 1, 1 + n, 9, 0, tzinfo=EASTERN)
        meeting = services.meeting_schedule(convener=c, actor=admin, council=councils[kind], title=f"Grown {n}",
                                            starts_at=starts)
        services.action_item_create(convener=c, actor=admin, partnership=target, meeting=meeting,
                                    title=f"Grown item {n}", due_on=starts.date() + timedelta(days=3))
        if n % 3:
            seated = list(CouncilSeat.objects.for_convener(c).filter(council=councils[kind])
                          .prefetch_related("representatives")[:3])
            services.meeting_record_attendance(
                convener=c, actor=admin, meeting=meeting,
                present_representatives=[r for s in seated for r in s.representatives.all()])
    for council in councils.values():
        services.engagement_refresh(convener=c, council=council, today=date(2025, 9, 1))
    for council in Council.objects.for_convener(c).filter(partnership=t.partnership):
        services.engagement_refresh(convener=c, council=council, today=date(2025, 9, 1))
    return target


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, sites)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("role", [Role.CONVENER_ADMIN, Role.CONVENER_STAFF])
def test_the_convener_home_costs_the_same_queries_for_a_small_and_a_large_workspace(harbor, role,
                                                                                     django_assert_num_queries):
    client = client_as(harbor.users[role])
    small = count_queries(client, harbor.url())
    grow(harbor, partnerships=5, organizations=20, meetings=12)
    client.get(harbor.url())
    expected = HOME_QUERIES if role == Role.CONVENER_ADMIN else HOME_QUERIES - 1  # staff: no audit feed
    with django_assert_num_queries(expected):
        response = client.get(harbor.url())
    assert response.status_code == 200
    assert small == expected
    table = response.content.decode().split('id="home-partnerships"')[1]
    assert all(f"Grown Partnership {n}" in table for n in range(5))


def test_the_partnership_page_costs_the_same_queries_for_a_small_and_a_large_partnership(harbor,
                                                                                         django_assert_num_queries):
    client = client_as(harbor.admin)
    small = count_queries(client, page_urls(harbor)["partnership"])
    grown = grow(harbor, partnerships=5, organizations=20, meetings=12)
    url = harbor.url(f"partnerships/{grown.pk}/")
    client.get(url)
    with django_assert_num_queries(PARTNERSHIP_QUERIES):
        response = client.get(url)
    text = response.content.decode()
    assert small == PARTNERSHIP_QUERIES
    assert "Grown Org 18" in text and "Person 19" in text and "Grown 11" in text


@pytest.mark.parametrize(("role", "expected"), [(Role.EMPLOYER_REP, 11), (Role.FUNDER, 5)])
def test_the_partnership_page_of_a_council_member_and_of_a_funder_costs_the_same_queries_too(
    harbor, role, expected, django_assert_num_queries
):
    url = page_urls(harbor)["partnership"]
    client = client_as(harbor.users[role])
    small = count_queries(client, url)
    grow(harbor, partnerships=0, organizations=20, meetings=12)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert small == expected

"""The foundation's main path in a real browser: an admin invites a case manager, who joins and lands home."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from partnerships import services
from partnerships.models import Membership, User
from partnerships.roles import OrganizationType, Role
from tests.e2e.conftest import complete_sign_in, set_up_authenticator_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def atlanta():
    convener = services.convener_create(
        name="WorkSource Metro Atlanta", slug="metro-atlanta", region="Metro Atlanta, GA"
    )
    admin = User.objects.create_user("admin@atlanta.example", PASSWORD, full_name="Avery Admin")
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    goodwill = services.organization_create(
        convener=convener, actor=admin, name="Goodwill of North Georgia", org_type=OrganizationType.COMMUNITY_ORG
    )
    return convener, admin, goodwill


def test_admin_invites_a_case_manager_who_accepts_and_sees_their_home_page(
    browser, live_server, mailoutbox, atlanta, screenshot_dir
):
    convener, admin, goodwill = atlanta

    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin_context.new_page()
    complete_sign_in(page, live_server.url, admin.email, PASSWORD)  # and the second factor
    page.wait_for_url(re.compile(r"/c/metro-atlanta/$"))
    assert page.get_by_role("heading", name="Welcome, Avery").is_visible()

    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("Email address").fill("casey@goodwill.example")
    page.get_by_label("Role").select_option(Role.CASE_MANAGER)
    # The organization field appears once a role that needs one is chosen (progressive enhancement).
    organization = page.get_by_label("Organization")
    organization.wait_for(state="visible")
    organization.select_option(label=f"{goodwill.name} — Community-based organization")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(re.compile(r"/c/metro-atlanta/people/$"))
    assert page.get_by_text("Invitation sent to casey@goodwill.example").is_visible()
    page.screenshot(path=str(screenshot_dir / "e2e-people-after-invite.png"), full_page=True)

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", mailoutbox[0].body).group(0)

    invitee_context = browser.new_context(viewport={"width": 1280, "height": 900})
    invitee = invitee_context.new_page()
    invitee.goto(link)
    assert invitee.get_by_role("heading", name="Join WorkSource Metro Atlanta").is_visible()
    invitee.get_by_label("Your full name").fill("Casey Manager")
    invitee.get_by_label("Choose a password").fill(PASSWORD)
    invitee.get_by_label("Repeat the password").fill(PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    # A case manager can reach participant records, so the portal holds her at two-factor setup first.
    invitee.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    set_up_authenticator_app(invitee)
    invitee.wait_for_url(re.compile(r"/c/metro-atlanta/$"))
    assert invitee.get_by_role("heading", name="Welcome, Casey").is_visible()
    intro = invitee.locator(".page-header .lead")
    assert "case manager" in intro.inner_text()
    assert "Goodwill of North Georgia" in intro.inner_text()
    invitee.screenshot(path=str(screenshot_dir / "e2e-case-manager-home.png"), full_page=True)

    membership = Membership.objects.for_convener(convener).get(user__email="casey@goodwill.example")
    assert membership.role == Role.CASE_MANAGER
    assert membership.organization == goodwill

    # The link was single-use: opening it again explains why it no longer works.
    invitee.goto(link)
    assert invitee.get_by_text("already been used").is_visible()

    admin_context.close()
    invitee_context.close()

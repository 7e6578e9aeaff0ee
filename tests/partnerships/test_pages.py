"""Pages of the tenant core: invitation links, sign-in, the workspace picker, role checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from partnerships import services
from partnerships.models import Membership
from partnerships.roles import Role
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory
from tests.tenancy.harness import tenant_routes


# ---------------------------------------------------------------------------------------------------
# Invitation links
# ---------------------------------------------------------------------------------------------------
def test_a_forged_invitation_link_says_it_is_not_valid_with_404(world, client):
    response = client.get("/invitations/forged-token-123/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_expired_invitation_link_says_so_with_410(world, client):
    invitation = InvitationFactory(convener=world.a.convener, expires_at=timezone.now() - timedelta(days=1))
    response = client.get(f"/invitations/{invitation.token}/")
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_a_used_invitation_link_says_so_with_410(world, client):
    services.invitation_accept(invitation=world.a.invitation, user=UserFactory(email=world.a.invitation.email))
    response = client.get(f"/invitations/{world.a.invitation_token}/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_a_revoked_invitation_link_says_so_with_410(world, client):
    services.invitation_revoke(convener=world.a.convener, actor=world.a.admin, invitation=world.a.invitation)
    response = client.post(f"/invitations/{world.a.invitation_token}/", {})
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_valid_invitation_link_shows_the_password_form(world, client):
    response = client.get(f"/invitations/{world.a.invitation_token}/")
    assert response.status_code == 200
    assert "Alpha Workforce Board" in response.content.decode()
    assert 'name="password1"' in response.content.decode()


def test_a_newcomer_accepts_by_choosing_a_password_and_lands_in_the_workspace(world, client):
    response = client.post(f"/invitations/{world.a.invitation_token}/", {
        "full_name": "Alpha New Hire", "password1": "a-long-new-passphrase-7", "password2": "a-long-new-passphrase-7",
    })
    assert response.status_code == 302
    assert response["Location"] == "/c/alpha/"
    membership = Membership.unscoped.get(user__email=world.a.invitation.email)
    assert membership.role == Role.EMPLOYER_REP
    assert client.get("/c/alpha/").status_code == 200


def test_mismatched_passwords_on_the_invitation_form_are_a_400_with_a_message(world, client):
    response = client.post(f"/invitations/{world.a.invitation_token}/", {
        "full_name": "Alpha New Hire", "password1": "a-long-new-passphrase-7", "password2": "something-else-entirely",
    })
    assert response.status_code == 400
    assert "The two passwords do not match." in response.content.decode()
    assert not Membership.unscoped.filter(user__email=world.a.invitation.email).exists()


# ---------------------------------------------------------------------------------------------------
# Signing in (allauth)
# ---------------------------------------------------------------------------------------------------
def test_signing_in_with_a_wrong_password_shows_an_error(world, client):
    response = client.post("/accounts/login/", {"login": world.a.admin.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "password you specified are not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_invited_user_signs_in_with_email_and_password(world, client):
    services.invitation_accept_new_user(invitation=world.a.invitation, full_name="Alpha New Hire", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": world.a.invitation.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # one workspace: straight to it


def test_sign_up_is_closed(world, client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign-up is by invitation" in response.content.decode()
    client.post("/accounts/signup/", {"email": "walk.in@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert not UserFactory._meta.model.objects.filter(email="walk.in@example.org").exists()


# ---------------------------------------------------------------------------------------------------
# Entry and the workspace picker
# ---------------------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_user_with_one_workspace_goes_straight_to_it(world, client_for):
    response = client_for(world.a.admin).get("/")
    assert response.status_code == 302 and response["Location"] == "/c/alpha/"


def test_a_user_with_two_workspaces_is_shown_the_picker(world, client_for):
    user = UserFactory(email="both@example.org", full_name="Pat Both")
    MembershipFactory(convener=world.a.convener, user=user, role=Role.CONVENER_STAFF)
    MembershipFactory(convener=world.b.convener, user=user, role=Role.CONVENER_ADMIN)
    response = client_for(user).get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose a workspace" in text
    assert "/c/alpha/" in text and "/c/beta/" in text


def test_the_picker_leaves_out_workspaces_where_the_membership_is_inactive(world, client_for):
    user = UserFactory(email="both@example.org", full_name="Pat Both")
    MembershipFactory(convener=world.a.convener, user=user, role=Role.CONVENER_STAFF, is_active=False)
    MembershipFactory(convener=world.b.convener, user=user, role=Role.CONVENER_ADMIN)
    response = client_for(user).get("/workspaces/")
    assert "/c/beta/" in response.content.decode() and "/c/alpha/" not in response.content.decode()
    assert client_for(user).get("/c/alpha/").status_code == 404


def test_a_stranger_is_told_to_ask_for_an_invitation(world, client_for):
    response = client_for(world.stranger).get("/")
    assert response.status_code == 200
    assert "not part of any workspace" in response.content.decode()


# ---------------------------------------------------------------------------------------------------
# Role checks: members of the tenant get 403, never a leak
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "path"), [
    (Role.FUNDER, "people/"),
    (Role.EMPLOYER_REP, "organizations/"),
    (Role.CASE_MANAGER, "audit/"),
    (Role.CONVENER_STAFF, "audit/"),
    (Role.CONVENER_STAFF, "people/invite/"),
    (Role.PROVIDER_STAFF, "people/invite/"),
])
def test_a_role_without_the_permission_gets_403(world, client_for, role, path):
    response = client_for(world.a.users[role]).get(f"/c/alpha/{path}")
    assert response.status_code == 403
    assert "not available for your role" in response.content.decode()


def test_every_role_has_a_home_page(world, client_for):
    for role in Role:
        response = client_for(world.a.users[role]).get("/c/alpha/")
        assert response.status_code == 200, role


def test_a_funder_sees_only_the_partnerships_it_was_granted(world, client_for):
    client = client_for(world.a.users[Role.FUNDER])
    text = client.get("/c/alpha/partnerships/").content.decode()
    assert world.a.granted_partnership.name in text
    assert world.a.other_partnership.name not in text
    assert client.get(f"/c/alpha/partnerships/{world.a.other_partnership.pk}/").status_code == 404


def test_the_last_admin_cannot_demote_themselves_from_the_page(world, client_for):
    admin = world.a.memberships[Role.CONVENER_ADMIN]
    response = client_for(world.a.admin).post(
        f"/c/alpha/people/{admin.pk}/edit/", {"role": Role.CONVENER_STAFF, "is_active": "on"})
    assert response.status_code == 400
    assert "at least one active convener admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.CONVENER_ADMIN


def test_inviting_from_the_page_with_a_wrong_organization_shows_the_error(world, client_for):
    college = world.a.orgs["college"]
    response = client_for(world.a.admin).post("/c/alpha/people/invite/", {
        "email": "rep@alpha.example", "role": Role.EMPLOYER_REP, "organization": college.pk})
    assert response.status_code == 400
    assert "Alpha Community College" in response.content.decode()


# ---------------------------------------------------------------------------------------------------
# Odd input never makes a tenant page fail with a 500
# ---------------------------------------------------------------------------------------------------
ODD_QUERY = {"page": "zz", "role": "king", "type": "zz", "q": "a\x00b", "search": "a\x00b", "action": "\x00",
             "status": "zz", "organization": "zz", "is_active": "maybe", "occurred_after": "yesterday",
             "ordering": "password", "email": "\x00"}
LIST_GETS = [r for r in tenant_routes() if r.is_list and "GET" in r.methods]
FORM_POSTS = [r for r in tenant_routes() if not r.is_api and "POST" in r.methods]


@pytest.mark.parametrize("route", LIST_GETS, ids=[r.name for r in LIST_GETS])
def test_odd_query_strings_on_lists_are_answered_without_a_server_error(world, client_for, api_client_for, route):
    client = api_client_for(world.a.admin) if route.is_api else client_for(world.a.admin)
    response = client.get(route.url(convener_slug="alpha"), ODD_QUERY)
    assert response.status_code < 500


@pytest.mark.parametrize("route", FORM_POSTS, ids=[r.name for r in FORM_POSTS])
def test_odd_form_posts_are_answered_without_a_server_error(world, client_for, route):
    url = route.url(convener_slug="alpha", objects=route.objects_of(world.a))
    response = client_for(world.a.admin).post(url, {
        "email": "x\x00@alpha.example", "role": "king", "organization": "abc", "partnerships": ["zz", "-1"],
        "is_active": "maybe", "full_name": "\x00",
    })
    assert response.status_code < 500

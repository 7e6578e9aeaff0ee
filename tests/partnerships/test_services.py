"""Services of the tenant core with real rows: invitations, acceptance, membership changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from partnerships import selectors, services
from partnerships.models import AuditEvent, Invitation, Membership, User
from partnerships.roles import OrganizationType, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, invite


def snapshot() -> dict[str, int]:
    """Everything an invitation could leave behind."""
    return {
        "invitations": Invitation.unscoped.count(),
        "audit_events": AuditEvent.unscoped.count(),
        "memberships": Membership.unscoped.count(),
        "users": User.objects.count(),
        "emails": len(mail.outbox),
    }


def create_invitation_refused(**kwargs) -> ValidationError:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo, TestCase.captureOnCommitCallbacks(execute=True):
        services.invitation_create(**kwargs)
    assert snapshot() == before, "a refused invitation must save and send nothing"
    return excinfo.value


# ---------------------------------------------------------------------------------------------------
# invitation_create refuses bad input, clearly, and saves nothing
# ---------------------------------------------------------------------------------------------------
def test_inviting_a_malformed_email_address_is_refused(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="not-an-email",
                                      role=Role.CONVENER_STAFF)
    assert error.message_dict == {"email": ["Enter a valid email address."]}


def test_an_employer_rep_cannot_be_bound_to_a_college(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="rep@alpha.example",
                                      role=Role.EMPLOYER_REP, organization=world.a.orgs[OrganizationType.COLLEGE])
    [message] = error.message_dict["organization"]
    assert "Alpha Community College" in message and "employer" in message


def test_a_role_needing_an_organization_is_refused_without_one(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="cm@alpha.example",
                                      role=Role.CASE_MANAGER)
    assert "must be bound to an organization" in error.message_dict["organization"][0]


def test_an_organization_of_another_tenant_is_refused_without_confirming_it_exists(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="rep@alpha.example",
                                      role=Role.EMPLOYER_REP, organization=world.b.orgs[OrganizationType.EMPLOYER])
    assert error.message_dict["organization"] == ["Choose an organization of this workspace."]
    assert "Beta" not in str(error)


def test_partnerships_of_another_tenant_are_refused(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="f@alpha.example",
                                      role=Role.FUNDER, organization=world.a.orgs[OrganizationType.PHILANTHROPY],
                                      partnerships=[world.b.granted_partnership])
    assert error.message_dict["partnerships"] == ["Choose partnerships of this workspace."]


def test_a_funder_must_be_granted_at_least_one_partnership(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="f@alpha.example",
                                      role=Role.FUNDER, organization=world.a.orgs[OrganizationType.PHILANTHROPY])
    assert error.message_dict["partnerships"] == ["A funder must be granted at least one partnership."]


def test_convener_staff_are_not_bound_to_an_organization(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email="s@alpha.example",
                                      role=Role.CONVENER_STAFF, organization=world.a.orgs[OrganizationType.EMPLOYER])
    assert "belongs to the convener" in error.message_dict["organization"][0]


def test_a_second_pending_invitation_for_the_same_address_is_refused(world):
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin,
                                      email=world.a.invitation.email.upper(), role=Role.CONVENER_STAFF)
    assert "already has a pending invitation" in error.message_dict["email"][0]


def test_someone_who_is_already_a_member_cannot_be_invited_again(world):
    member = world.a.users[Role.CONVENER_STAFF]
    error = create_invitation_refused(convener=world.a.convener, actor=world.a.admin, email=member.email,
                                      role=Role.CONVENER_STAFF)
    assert f"{member.email} is already a member of Alpha Workforce Board." in error.message_dict["email"]


def test_a_member_of_another_tenant_can_be_invited(world):
    beta_staff = world.b.users[Role.CONVENER_STAFF]
    invitation, _token = invite(convener=world.a.convener, actor=world.a.admin, email=beta_staff.email,
                                role=Role.CONVENER_STAFF)
    assert invitation.convener == world.a.convener


def test_an_invitation_is_audited_and_emails_a_link_but_stores_only_the_hash(world):
    invitation, token = invite(
        convener=world.a.convener, actor=world.a.admin, email="  Funder.Two@Alpha.Example ",
        role=Role.FUNDER, organization=world.a.orgs[OrganizationType.PHILANTHROPY],
        partnerships=[world.a.granted_partnership],
    )
    assert invitation.email == "funder.two@alpha.example"
    assert list(invitation.partnerships.all()) == [world.a.granted_partnership]
    assert token not in invitation.token_hash
    assert mail.outbox[-1].to == ["funder.two@alpha.example"]
    assert "Alpha Workforce Board" in mail.outbox[-1].subject
    event = AuditEvent.objects.for_convener(world.a.convener).filter(action="invitation.create").first()
    assert event.target_id == str(invitation.pk) and event.actor == world.a.admin


# ---------------------------------------------------------------------------------------------------
# Accepting an invitation
# ---------------------------------------------------------------------------------------------------
def test_accepting_creates_the_membership_and_a_verified_primary_email_address(world):
    invitation, token = invite(
        convener=world.a.convener, actor=world.a.admin, email="grantee@alpha.example", role=Role.FUNDER,
        organization=world.a.orgs[OrganizationType.PHILANTHROPY], partnerships=[world.a.other_partnership],
    )
    user = UserFactory(email="grantee@alpha.example")
    found = services.invitation_check(invitation=selectors.invitation_by_token(token=token))

    membership = services.invitation_accept(invitation=found, user=user)

    assert (membership.convener, membership.role, membership.organization) == (
        world.a.convener, Role.FUNDER, world.a.orgs[OrganizationType.PHILANTHROPY])
    assert list(membership.partnerships.all()) == [world.a.other_partnership]
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("grantee@alpha.example", True, True)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_by == user
    assert AuditEvent.objects.for_convener(world.a.convener).filter(action="invitation.accept").exists()


def test_a_new_user_accepting_gets_an_account_with_the_chosen_password(world):
    membership = services.invitation_accept_new_user(
        invitation=world.a.invitation, full_name=" Alpha New Hire ", password="a-long-new-passphrase-7")
    user = membership.user
    assert user.email == world.a.invitation.email and user.full_name == "Alpha New Hire"
    assert user.check_password("a-long-new-passphrase-7")
    assert membership.organization == world.a.orgs[OrganizationType.EMPLOYER]


def test_a_new_user_cannot_take_over_an_existing_account_through_an_invitation(world):
    UserFactory(email=world.a.invitation.email)
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept_new_user(invitation=world.a.invitation, full_name="X", password="whatever-long-1")
    assert excinfo.value.code == "account_exists"


def test_an_expired_invitation_cannot_be_accepted(world):
    invitation = InvitationFactory(convener=world.a.convener, expires_at=timezone.now() - timedelta(minutes=1))
    user = UserFactory(email=invitation.email)
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=user)
    assert excinfo.value.code == "expired"
    assert "expired" in excinfo.value.message
    assert not Membership.unscoped.filter(user=user).exists()


def test_an_invitation_link_works_only_once(world):
    user = UserFactory(email=world.a.invitation.email)
    services.invitation_accept(invitation=world.a.invitation, user=user)
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(invitation=world.a.invitation, user=user)
    assert excinfo.value.code == "used"
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_check(invitation=selectors.invitation_by_token(token=world.a.invitation_token))
    assert excinfo.value.code == "used"


def test_a_revoked_invitation_cannot_be_accepted(world):
    services.invitation_revoke(convener=world.a.convener, actor=world.a.admin, invitation=world.a.invitation)
    user = UserFactory(email=world.a.invitation.email)
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(invitation=world.a.invitation, user=user)
    assert excinfo.value.code == "revoked"


@pytest.mark.parametrize("token", ["forged-token", "", "x" * 500])
def test_a_forged_token_matches_no_invitation(world, token):
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_check(invitation=selectors.invitation_by_token(token=token))
    assert excinfo.value.code == "invalid"


def test_an_invitation_is_accepted_only_by_the_address_it_was_sent_to(world):
    with pytest.raises(services.InvitationError) as excinfo:
        services.invitation_accept(invitation=world.a.invitation, user=world.b.admin)
    assert excinfo.value.code == "wrong_user"
    assert not Membership.objects.for_convener(world.a.convener).filter(user=world.b.admin).exists()


def test_resending_an_invitation_retires_the_old_link(world):
    sent_before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invitation_resend(convener=world.a.convener, actor=world.a.admin, invitation=world.a.invitation)
    assert len(mail.outbox) == sent_before + 1
    assert selectors.invitation_by_token(token=world.a.invitation_token) is None
    [new_token] = [line.rstrip("/").rsplit("/", 1)[-1] for line in mail.outbox[-1].body.splitlines()
                   if "/invitations/" in line]
    assert selectors.invitation_by_token(token=new_token) == world.a.invitation


def test_another_tenants_invitation_cannot_be_revoked_or_resent(world):
    with pytest.raises(ValidationError):
        services.invitation_revoke(convener=world.b.convener, actor=world.b.admin, invitation=world.a.invitation)
    with pytest.raises(ValidationError):
        services.invitation_resend(convener=world.b.convener, actor=world.b.admin, invitation=world.a.invitation)
    world.a.invitation.refresh_from_db()
    assert world.a.invitation.status == Invitation.Status.PENDING


# ---------------------------------------------------------------------------------------------------
# membership_update
# ---------------------------------------------------------------------------------------------------
def test_the_last_admin_cannot_be_demoted(world):
    admin = world.a.memberships[Role.CONVENER_ADMIN]
    with pytest.raises(ValidationError, match="at least one active convener admin"):
        services.membership_update(convener=world.a.convener, actor=world.a.admin, membership=admin,
                                   role=Role.CONVENER_STAFF)
    admin.refresh_from_db()
    assert admin.role == Role.CONVENER_ADMIN


def test_the_last_admin_cannot_be_deactivated(world):
    admin = world.a.memberships[Role.CONVENER_ADMIN]
    with pytest.raises(ValidationError, match="at least one active convener admin"):
        services.membership_update(convener=world.a.convener, actor=world.a.admin, membership=admin,
                                   role=Role.CONVENER_ADMIN, is_active=False)
    admin.refresh_from_db()
    assert admin.is_active


def test_an_admin_can_step_down_once_someone_else_is_admin(world):
    services.membership_update(convener=world.a.convener, actor=world.a.admin,
                               membership=world.a.memberships[Role.CONVENER_STAFF], role=Role.CONVENER_ADMIN)
    admin = services.membership_update(convener=world.a.convener, actor=world.a.admin,
                                       membership=world.a.memberships[Role.CONVENER_ADMIN], role=Role.CONVENER_STAFF)
    assert admin.role == Role.CONVENER_STAFF
    event = AuditEvent.objects.for_convener(world.a.convener).filter(action="membership.update").first()
    assert event.metadata["before"]["role"] == Role.CONVENER_ADMIN


def test_a_membership_of_another_tenant_cannot_be_changed(world):
    with pytest.raises(ValidationError):
        services.membership_update(convener=world.b.convener, actor=world.b.admin,
                                   membership=world.a.memberships[Role.EMPLOYER_REP], role=Role.CONVENER_ADMIN)
    world.a.memberships[Role.EMPLOYER_REP].refresh_from_db()
    assert world.a.memberships[Role.EMPLOYER_REP].role == Role.EMPLOYER_REP


def test_changing_a_role_rechecks_its_organization(world):
    rep = world.a.memberships[Role.EMPLOYER_REP]
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(convener=world.a.convener, actor=world.a.admin, membership=rep,
                                   role=Role.CASE_MANAGER, organization=rep.organization)
    assert "organization" in excinfo.value.message_dict


def test_a_second_active_admin_in_another_tenant_does_not_count(world):
    MembershipFactory(convener=world.b.convener, role=Role.CONVENER_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_update(convener=world.a.convener, actor=world.a.admin,
                                   membership=world.a.memberships[Role.CONVENER_ADMIN], role=Role.CONVENER_STAFF)

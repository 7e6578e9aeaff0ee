"""Writes for the tenant core. Keyword-only, tenant first, atomic, audited; side effects after commit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import (
    Convener,
    Invitation,
    Membership,
    Organization,
    Partnership,
    User,
    default_invitation_expiry,
    hash_invitation_token,
)
from partnerships.roles import (
    ROLE_ORGANIZATION_TYPES,
    OrganizationType,
    Role,
    role_needs_organization,
    role_needs_partnerships,
)

if TYPE_CHECKING:
    from django.http import HttpRequest


class InvitationError(ValidationError):
    """An invitation link that cannot be used; ``code`` says why (invalid, expired, used, revoked)."""


# ---------------------------------------------------------------------------
# Role bindings
# ---------------------------------------------------------------------------
def _validate_role_binding(
    *, convener: Convener, role: str, organization: Organization | None, partnerships: Iterable[Partnership]
) -> list[Partnership]:
    errors: dict[str, list[str]] = {}
    partnerships = list(partnerships)
    if role not in Role.values:
        errors["role"] = ["Choose a role from the list."]
    if organization is not None and organization.convener_id != convener.pk:
        # Same message as "missing": never confirm another tenant's organization exists.
        errors["organization"] = ["Choose an organization of this workspace."]
    elif role_needs_organization(role):
        allowed = ROLE_ORGANIZATION_TYPES[role]
        if organization is None:
            errors["organization"] = [f"A {Role(role).label.lower()} must be bound to an organization."]
        elif organization.org_type not in allowed:
            errors["organization"] = [
                f"{organization.name} is a {organization.get_org_type_display().lower()}; "
                f"a {Role(role).label.lower()} needs one of: "
                + ", ".join(sorted(OrganizationType(value).label for value in allowed))
                + "."
            ]
    elif role in Role.values and organization is not None:
        errors["organization"] = [f"A {Role(role).label.lower()} belongs to the convener, not an organization."]
    if any(p.convener_id != convener.pk for p in partnerships):
        errors["partnerships"] = ["Choose partnerships of this workspace."]
    elif role_needs_partnerships(role) and not partnerships:
        errors["partnerships"] = ["A funder must be granted at least one partnership."]
    elif role in Role.values and not role_needs_partnerships(role) and partnerships:
        errors["partnerships"] = ["Only funders are granted specific partnerships."]
    if errors:
        raise ValidationError(errors)
    return partnerships


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------
def _invitation_url(*, token: str, request: HttpRequest | None) -> str:
    path = reverse("invitation-accept", kwargs={"token": token})
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation_email(*, invitation: Invitation, token: str, request: HttpRequest | None) -> None:
    context = {
        "invitation": invitation,
        "convener": invitation.convener,
        "accept_url": _invitation_url(token=token, request=request),
        "inviter": invitation.invited_by,
    }
    subject = render_to_string("emails/invitation_subject.txt", context).strip()
    body = render_to_string("emails/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_create(
    *,
    convener: Convener,
    actor: User,
    email: str,
    role: str,
    organization: Organization | None = None,
    partnerships: Iterable[Partnership] = (),
    request: HttpRequest | None = None,
) -> Invitation:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid email address."]}) from None
    partnership_list = _validate_role_binding(
        convener=convener, role=role, organization=organization, partnerships=partnerships
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _lock_tenant(convener)  # two admins inviting the same address at once: one wins, one gets the error
        if Membership.objects.for_convener(convener).filter(user__email__iexact=email, is_active=True).exists():
            raise ValidationError({"email": [f"{email} is already a member of {convener.name}."]})
        pending = Invitation.objects.for_convener(convener).filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if pending.exists():
            raise ValidationError(
                {"email": [f"{email} already has a pending invitation. Resend or revoke it instead."]}
            )
        invitation = Invitation.objects.create(
            convener=convener,
            email=email,
            role=role,
            organization=organization,
            token_hash=hash_invitation_token(token),
            invited_by=actor,
        )
        invitation.partnerships.set(partnership_list)
        audit_record(
            convener=convener,
            actor=actor,
            action="invitation.create",
            target=invitation,
            metadata={"role": role, "organization_id": organization.pk if organization else None},
        )
        transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, token=token, request=request))
    return invitation


def invitation_resend(
    *, convener: Convener, actor: User, invitation: Invitation, request: HttpRequest | None = None
) -> Invitation:
    """A fresh link and a fresh expiry; the old link stops working."""
    if invitation.convener_id != convener.pk:
        raise ValidationError("No such invitation.")
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise ValidationError(f"This invitation was {invitation.get_status_display().lower()} and cannot be resent.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation.token_hash = hash_invitation_token(token)
        invitation.expires_at = default_invitation_expiry()
        invitation.save(update_fields=["token_hash", "expires_at"])
        audit_record(convener=convener, actor=actor, action="invitation.resend", target=invitation)
        transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, token=token, request=request))
    return invitation


def invitation_revoke(*, convener: Convener, actor: User, invitation: Invitation) -> Invitation:
    if invitation.convener_id != convener.pk:
        raise ValidationError("No such invitation.")
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ValidationError("This invitation was already accepted; deactivate the member instead.")
    with transaction.atomic():
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            audit_record(convener=convener, actor=actor, action="invitation.revoke", target=invitation)
    return invitation


_INVITATION_PROBLEMS = {
    Invitation.Status.ACCEPTED: ("used", "This invitation has already been used. Sign in instead."),
    Invitation.Status.REVOKED: ("revoked", "This invitation was withdrawn. Ask your convener for a new one."),
    Invitation.Status.EXPIRED: ("expired", "This invitation has expired. Ask your convener to send a new one."),
}


def invitation_check(*, invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted; otherwise an InvitationError with a clear message."""
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check that you copied the whole link from the email.",
            code="invalid",
        )
    problem = _INVITATION_PROBLEMS.get(invitation.status)  # type: ignore[call-overload]
    if problem:
        code, message = problem
        raise InvitationError(message, code=code)
    return invitation


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's convener. The link was sent to the address, so it also verifies the address."""
    # Outside a workspace URL: the tenant for row-level security (the audit event) is the invitation's.
    with transaction.atomic(), rls.tenant_context(invitation.convener_id, user_id=user.pk):
        locked = Invitation.unscoped.select_for_update().get(pk=invitation.pk)
        invitation_check(invitation=locked)
        if locked.email.lower() != user.email.lower():
            raise InvitationError(
                f"This invitation was sent to {locked.email}; you are signed in as {user.email}.",
                code="wrong_user",
            )
        convener = locked.convener
        membership, _created = Membership.objects.for_convener(convener).update_or_create(
            convener=convener,
            user=user,
            defaults={"role": locked.role, "organization": locked.organization, "is_active": True},
        )
        membership.partnerships.set(locked.partnerships.all())
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        _mark_email_verified(user)
        audit_record(
            convener=convener, actor=user, action="invitation.accept", target=locked,
            metadata={"membership_id": membership.pk, "role": locked.role},
        )
    return membership


def invitation_accept_new_user(*, invitation: Invitation, full_name: str, password: str) -> Membership:
    """Create the invitee's account and accept, as one step. Password rules are checked by the form."""
    invitation_check(invitation=invitation)
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                "An account already exists for this email address. Sign in to accept the invitation.",
                code="account_exists",
            )
        user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name.strip())
        return invitation_accept(invitation=invitation, user=user)


# ---------------------------------------------------------------------------
# Memberships
# ---------------------------------------------------------------------------
def _lock_tenant(convener: Convener) -> None:
    """Serialize membership changes within one convener (row lock on PostgreSQL; SQLite locks the file)."""
    Convener.objects.select_for_update().get(pk=convener.pk)


def _active_admin_count(convener: Convener) -> int:
    return Membership.objects.for_convener(convener).filter(role=Role.CONVENER_ADMIN, is_active=True).count()


def membership_grant(
    *,
    convener: Convener,
    actor: User | None,
    user: User,
    role: str,
    organization: Organization | None = None,
    partnerships: Iterable[Partnership] = (),
) -> Membership:
    """Give ``user`` a role in ``convener`` without an invitation (demo seeding, operator support).

    Granting exactly what the user already holds changes nothing and writes no audit row, so callers
    such as ``seed_demo`` can run it again and again.
    """
    partnership_list = _validate_role_binding(
        convener=convener, role=role, organization=organization, partnerships=partnerships
    )
    organization_id = organization.pk if organization else None
    wanted_partnership_ids = {p.pk for p in partnership_list}
    with transaction.atomic():
        _lock_tenant(convener)
        membership = Membership.objects.for_convener(convener).select_for_update().filter(user=user).first()
        if membership is not None:
            unchanged = (
                membership.role == role
                and membership.organization_id == organization_id
                and membership.is_active
                and set(membership.partnerships.values_list("pk", flat=True)) == wanted_partnership_ids
            )
            if unchanged:
                return membership
            if (
                membership.role == Role.CONVENER_ADMIN
                and membership.is_active
                and role != Role.CONVENER_ADMIN
                and _active_admin_count(convener) <= 1
            ):
                raise ValidationError(
                    "A workspace needs at least one active convener admin. Promote someone else first."
                )
            membership.role = role
            membership.organization = organization
            membership.is_active = True
            membership.save(update_fields=["role", "organization", "is_active"])
            created = False
        else:
            membership = Membership.objects.create(
                convener=convener, user=user, role=role, organization=organization
            )
            created = True
        membership.partnerships.set(partnership_list)
        audit_record(
            convener=convener,
            actor=actor,
            action="membership.grant",
            target=membership,
            metadata={"role": role, "organization_id": organization_id, "created": created},
        )
    return membership


def membership_update(
    *,
    convener: Convener,
    actor: User,
    membership: Membership,
    role: str,
    organization: Organization | None = None,
    partnerships: Iterable[Partnership] = (),
    is_active: bool = True,
) -> Membership:
    if membership.convener_id != convener.pk:
        raise ValidationError("No such member.")
    partnership_list = _validate_role_binding(
        convener=convener, role=role, organization=organization, partnerships=partnerships
    )
    losing_admin = membership.role == Role.CONVENER_ADMIN and membership.is_active and (
        role != Role.CONVENER_ADMIN or not is_active
    )
    with transaction.atomic():
        # Under the tenant lock, so two admins demoting each other cannot leave the workspace with none.
        _lock_tenant(convener)
        if losing_admin and _active_admin_count(convener) <= 1:
            raise ValidationError(
                "A workspace needs at least one active convener admin. Promote someone else first."
            )
        before = {
            "role": membership.role,
            "organization_id": membership.organization_id,
            "is_active": membership.is_active,
        }
        membership.role = role
        membership.organization = organization
        membership.is_active = is_active
        membership.save(update_fields=["role", "organization", "is_active"])
        membership.partnerships.set(partnership_list)
        audit_record(
            convener=convener, actor=actor, action="membership.update", target=membership,
            metadata={
                "before": before,
                "after": {
                    "role": role,
                    "organization_id": organization.pk if organization else None,
                    "is_active": is_active,
                },
            },
        )
    return membership


# ---------------------------------------------------------------------------
# Conveners (platform operators create them)
# ---------------------------------------------------------------------------
def convener_create(*, name: str, slug: str, region: str = "") -> Convener:
    convener = Convener(name=name, slug=slug, region=region)
    convener.full_clean()
    convener.save()
    return convener

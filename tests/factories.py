"""factory-boy factories for the tenant core, built through the services wherever a service exists.

Tenant-owned rows go through the ``unscoped`` manager only where no service creates them (the default
manager fails closed on anything but ``create``). ``invite`` creates an invitation exactly as a convener
admin does and returns the one-time token read back from the email it sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import factory
from django.core import mail
from django.test import TestCase

from partnerships import services
from partnerships.audit import audit_record
from partnerships.models import (
    AuditEvent,
    Convener,
    Invitation,
    Membership,
    Organization,
    Partnership,
    User,
    hash_invitation_token,
)
from partnerships.roles import OrganizationType, Role

PASSWORD = "a-long-test-passphrase-42"


def marker_of(convener: Convener) -> str:
    """The word every row of a convener carries in its str(): "Alpha", "Beta"."""
    return convener.name.split()[0]


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Base for tenant-owned models: reads and writes through ``unscoped`` (``objects`` fails closed)."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class: type) -> Any:
        return model_class.unscoped  # type: ignore[attr-defined]


class ConvenerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convener

    name = factory.Sequence(lambda n: f"Convener{n} Workforce Board")
    slug = factory.LazyAttribute(lambda o: o.name.split()[0].lower())
    region = "Metro Test, OR"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Convener:
        convener = services.convener_create(name=kwargs.pop("name"), slug=kwargs.pop("slug"),
                                            region=kwargs.pop("region", ""))
        if kwargs:
            for field, value in kwargs.items():
                setattr(convener, field, value)
            convener.save(update_fields=list(kwargs))
        return convener


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> User:
        return User.objects.create_user(*args, **kwargs)


class OrganizationFactory(TenantOwnedFactory):
    """Through ``services.organization_create``, so each organization also leaves its audit event."""

    class Meta:
        model = Organization

    convener = factory.SubFactory(ConvenerFactory)
    org_type = OrganizationType.EMPLOYER
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Organization {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Organization:
        actor = kwargs.pop("actor", None)
        return services.organization_create(actor=actor, **kwargs)


class PartnershipFactory(TenantOwnedFactory):
    """Through ``services.partnership_create``."""

    class Meta:
        model = Partnership

    convener = factory.SubFactory(ConvenerFactory)
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Partnership {n}")
    industry_label = "Healthcare"
    status = Partnership.Status.ACTIVE

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Partnership:
        actor = kwargs.pop("actor", None)
        return services.partnership_create(actor=actor, **kwargs)


class MembershipFactory(TenantOwnedFactory):
    """A membership as an accepted invitation leaves it. Pass ``partnerships=[...]`` for funders."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    convener = factory.SubFactory(ConvenerFactory)
    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttributeSequence(
            lambda o, n: f"member{n}@{marker_of(o.factory_parent.convener).lower()}.example"
        ),
        full_name=factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.factory_parent.convener)} Member {n}"),
    )
    role = Role.CONVENER_ADMIN
    organization = None
    is_active = True

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Iterable[Partnership] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.set(extracted)


class InvitationFactory(TenantOwnedFactory):
    """An invitation row written directly, for states no service produces on demand (expired, old).

    ``invitation.token`` holds the raw token of the link. Prefer ``invite(...)`` for ordinary invitations.
    """

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    convener = factory.SubFactory(ConvenerFactory)
    email = factory.LazyAttributeSequence(lambda o, n: f"invitee{n}@{marker_of(o.convener).lower()}.example")
    role = Role.CONVENER_STAFF
    organization = None
    token = factory.Sequence(lambda n: f"factory-token-{n:06d}")
    token_hash = factory.LazyAttribute(lambda o: hash_invitation_token(o.token))

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Invitation:
        token = kwargs.pop("token")
        invitation = super()._create(model_class, *args, **kwargs)
        invitation.token = token  # type: ignore[attr-defined]
        return invitation

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Iterable[Partnership] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.set(extracted)


class AuditEventFactory(TenantOwnedFactory):
    """Through ``audit.audit_record``, the one function services call."""

    class Meta:
        model = AuditEvent

    convener = factory.SubFactory(ConvenerFactory)
    actor = None
    action = "test.event"
    target = None
    source = "app"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> AuditEvent:
        return audit_record(**kwargs)


_TOKEN_IN_LINK = re.compile(r"/invitations/(?P<token>[^/\s]+)/")


def invite(
    *,
    convener: Convener,
    actor: User,
    email: str,
    role: str,
    organization: Organization | None = None,
    partnerships: Iterable[Partnership] = (),
) -> tuple[Invitation, str]:
    """Invite someone as a convener admin would, and return the invitation and the token from its email."""
    sent_before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invitation_create(
            convener=convener, actor=actor, email=email, role=role,
            organization=organization, partnerships=partnerships,
        )
    new_mail = mail.outbox[sent_before:]
    assert len(new_mail) == 1, f"invitation_create sent {len(new_mail)} emails, expected 1"
    match = _TOKEN_IN_LINK.search(new_mail[0].body)
    assert match, f"no invitation link in the email body:\n{new_mail[0].body}"
    return invitation, match.group("token")

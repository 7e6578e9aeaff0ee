"""Reads for the tenant core. Every function takes the tenant; "missing" and "someone else's" are one 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from partnerships import page_cache, rls
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
from partnerships.roles import Role


def _clean_text(value: str | None) -> str | None:
    """Free text from a URL, minus NUL characters: PostgreSQL refuses them (a 500 instead of no match)."""
    return value.replace("\x00", "") if value else value


def tenant_resolve(*, user: User | AnonymousUser, convener_slug: str) -> tuple[Convener, Membership]:
    """The convener named in the URL and the caller's active membership in it, or 404 for both cases."""
    if not isinstance(user, User):
        raise Http404("No such workspace")
    read = False

    def load() -> Membership | None:
        nonlocal read
        read = True
        # On PostgreSQL the same query also sets app.convener_id and app.user_id for row-level security (rls.py).
        found = (
            Membership.unscoped.select_related("convener", "organization", "user")
            .filter(user=user, is_active=True, convener__slug=convener_slug, convener__is_active=True)
            .annotate(**rls.scope_columns())
            .first()
        )
        rls.scoped()
        return found

    # Kept until the next database write, like the signed-in user (partnerships/security/backends.py): a membership
    # ended, a role changed or a workspace closed is a write, so the next request reads the row again. Building and
    # compiling this query was the largest cost of a stored page (README, Performance).
    membership = page_cache.remembered(f"membership:{user.pk}:{convener_slug}", load,
                                       timeout=settings.AUTH_USER_CACHE_SECONDS)
    if membership is None:
        raise Http404("No such workspace")
    if not read:  # the row came from the cache: row-level security still needs this request's tenant
        rls.set_tenant(membership.convener_id, user_id=user.pk)
    return membership.convener, membership


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """The user's own active memberships across conveners (the workspace picker). Cross-tenant by design:
    it only ever returns rows that belong to ``user``."""
    return (
        Membership.unscoped.select_related("convener", "organization")
        .filter(user=user, is_active=True, convener__is_active=True)
        .order_by("convener__name")
    )


def membership_list(
    *, convener: Convener, role: str | None = None, search: str | None = None, include_inactive: bool = True
) -> QuerySet[Membership]:
    qs = (
        Membership.objects.for_convener(convener)
        .select_related("user", "organization")
        .prefetch_related("partnerships")
        .order_by("-is_active", "user__email")
    )
    if role:
        qs = qs.filter(role=role)
    search = _clean_text(search)
    if search:
        qs = qs.filter(Q(user__email__icontains=search) | Q(user__full_name__icontains=search))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def membership_get(*, convener: Convener, membership_id: int) -> Membership:
    membership = membership_list(convener=convener).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such member")
    return membership


def invitation_list(*, convener: Convener, status: str | None = None) -> QuerySet[Invitation]:
    from django.utils import timezone

    qs = (
        Invitation.objects.for_convener(convener)
        .select_related("organization", "invited_by", "accepted_by")
        .prefetch_related("partnerships")
    )
    now = timezone.now()
    if status == Invitation.Status.PENDING:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    elif status == Invitation.Status.ACCEPTED:
        qs = qs.filter(accepted_at__isnull=False)
    elif status == Invitation.Status.REVOKED:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=False)
    elif status == Invitation.Status.EXPIRED:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    return qs


def invitation_get(*, convener: Convener, invitation_id: int) -> Invitation:
    invitation = invitation_list(convener=convener).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points at. The token is the tenant key here, so this is the one unscoped read
    of invitations; it matches on the token's hash only."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.unscoped.select_related("convener", "organization")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def organization_list(
    *, convener: Convener, org_type: str | None = None, search: str | None = None
) -> QuerySet[Organization]:
    qs = Organization.objects.for_convener(convener).annotate(member_count=Count("memberships", distinct=True))
    if org_type:
        qs = qs.filter(org_type=org_type)
    search = _clean_text(search)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name")


def organization_get(*, convener: Convener, organization_id: int) -> Organization:
    organization = organization_list(convener=convener).filter(pk=organization_id).first()
    if organization is None:
        raise Http404("No such organization")
    return organization


def partnership_list(*, convener: Convener, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the membership may see: all of them for convener staff, granted ones for funders."""
    qs = Partnership.objects.for_convener(convener)
    if membership.role == Role.FUNDER:
        qs = qs.filter(funder_memberships=membership)
    elif membership.role not in (Role.CONVENER_ADMIN, Role.CONVENER_STAFF):
        # Employer representatives, case managers and trainers: where their organization holds a current seat.
        qs = qs.filter(
            councils__seats__organization_id=membership.organization_id, councils__seats__left_on__isnull=True
        ).distinct()
    return qs.order_by("name")


def partnership_get(*, convener: Convener, membership: Membership, partnership_id: int) -> Partnership:
    partnership = partnership_list(convener=convener, membership=membership).filter(pk=partnership_id).first()
    if partnership is None:
        raise Http404("No such partnership")
    return partnership


def audit_event_list(*, convener: Convener, action: str | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.for_convener(convener).select_related("actor")
    action = _clean_text(action)
    if action:
        qs = qs.filter(action__startswith=action)
    return qs


def _count_of(qs: QuerySet[Any]) -> Coalesce:
    """``qs.count()`` as a scalar subquery (0 when no row matches)."""
    counted = qs.order_by().values("convener").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def tenant_counts(*, convener: Convener) -> dict[str, int]:
    """Headline counts for a convener's home page, all in one query."""
    counts = {
        "members": _count_of(Membership.objects.for_convener(convener).filter(is_active=True)),
        "partnerships": _count_of(Partnership.objects.for_convener(convener)),
        "organizations": _count_of(Organization.objects.for_convener(convener)),
        "pending_invitations": _count_of(invitation_list(convener=convener, status=Invitation.Status.PENDING)),
    }
    row = Convener.objects.filter(pk=convener.pk).annotate(**counts).values(*counts).first()
    return {name: int(row[name]) if row else 0 for name in counts}

"""Who must use two-factor authentication, whose sessions are short, and the per-session marks that say so.

The marks are computed once, when a session signs in (one query), and kept in the session, so enforcing the
rules costs no query per request. ``mark_*`` functions keep them current when the user's authenticators change.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Exists, OuterRef

from partnerships.models import Membership, User
from partnerships.roles import Role

# Roles that handle participant records or run a workspace: an account takeover there exposes PII.
MFA_REQUIRED_ROLES = frozenset({Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.CASE_MANAGER})
# Roles that can see participant PII (DOMAIN.md §2, §6): their sessions are short.
PII_ROLES = frozenset({Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.CASE_MANAGER, Role.PROVIDER_STAFF})
# Authenticators that count as a second factor at sign-in (recovery codes are a fallback, not a setup).
PRIMARY_AUTHENTICATORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

SESSION_KEY = "auth_security"
MFA_REQUIRED_MESSAGE = "Set up two-factor authentication before using the API"


def now() -> float:
    """The clock of the session rules (tests replace it; no test sleeps)."""
    return time.time()


def holds_role(roles: frozenset[str], user_ref: str = "pk") -> Exists:
    """Whether the user (``OuterRef(user_ref)``) holds one of ``roles`` in an active workspace."""
    return Exists(Membership.unscoped.filter(
        user=OuterRef(user_ref), is_active=True, convener__is_active=True, role__in=roles))


def has_second_factor(user_ref: str = "pk") -> Exists:
    return Exists(Authenticator.objects.filter(user=OuterRef(user_ref), type__in=PRIMARY_AUTHENTICATORS))


def security_facts(user_id: Any) -> dict[str, bool]:
    """Whether the user must use MFA, has set it up, and can see PII: one query.

    Platform operators (staff) count as both: the Django admin reaches every workspace's records.
    """
    row = (
        User.objects.filter(pk=user_id)
        .annotate(mfa_role=holds_role(MFA_REQUIRED_ROLES), pii=holds_role(PII_ROLES), mfa=has_second_factor())
        .values("mfa_role", "pii", "mfa", "is_staff")
        .first()
    )
    if row is None:
        return {"mfa_required": False, "mfa": False, "pii": False}
    staff = row["is_staff"]
    return {"mfa_required": row["mfa_role"] or staff, "mfa": row["mfa"], "pii": row["pii"] or staff}


def has_primary_authenticator(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_AUTHENTICATORS).exists()


def mfa_required_for(user: AbstractBaseUser) -> bool:
    """Whether this user may not work without a second factor (queries; not for the per-request path)."""
    if getattr(user, "is_staff", False):
        return True
    return Membership.unscoped.filter(
        user_id=user.pk, is_active=True, convener__is_active=True, role__in=MFA_REQUIRED_ROLES
    ).exists()


# ---------------------------------------------------------------------------------------------------
# Session marks: {"mfa_required", "mfa", "pii", "auth_at", "seen_at"}
# ---------------------------------------------------------------------------------------------------
def session_marks(session: SessionBase) -> dict[str, Any] | None:
    marks = session.get(SESSION_KEY)
    return marks if isinstance(marks, dict) else None


def stamp_session(session: SessionBase, user: AbstractBaseUser) -> dict[str, Any]:
    """Record, at sign-in, what the rules need to know about this session's user."""
    at = int(now())
    marks: dict[str, Any] = {**security_facts(user.pk), "auth_at": at, "seen_at": at}
    session[SESSION_KEY] = marks
    return marks


def update_marks(session: SessionBase, **changes: Any) -> None:
    marks = session_marks(session)
    if marks is None:
        return
    session[SESSION_KEY] = {**marks, **changes}  # a new dict, so the session knows it changed

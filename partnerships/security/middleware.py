"""The two per-request rules: PII roles' sessions expire, and MFA-required users set up MFA before anything else.

Both read the marks ``policy.stamp_session`` left in the session at sign-in, so a request costs no extra query;
a token-authenticated API request costs one (there is no session to remember the answer in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.authtoken.models import Token

from partnerships.models import Membership
from partnerships.security import policy
from partnerships.security.policy import (
    MFA_REQUIRED_MESSAGE,
    MFA_REQUIRED_ROLES,
    PII_ROLES,
    has_primary_authenticator,
    has_second_factor,
    holds_role,
    session_marks,
    stamp_session,
    update_marks,
)

# The last-seen time is written back at most this often, so an active session is not saved on every request;
# the idle limit is therefore exact to within this many seconds.
TOUCH_SECONDS = 60
# What a user who still has to set up MFA may reach: allauth (sign-out, the 2FA pages, password), static files.
MFA_SETUP_ALLOWED_PREFIXES = ("/accounts/", "/healthz/", "/favicon.ico")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)  # htmx would swap the page into a fragment; navigate instead
    return redirect(url)


def marks_for(request: HttpRequest) -> dict[str, Any]:
    """This signed-in session's marks; sessions that predate them are stamped now (once, one query)."""
    marks = session_marks(request.session)
    if marks is None:
        marks = stamp_session(request.session, request.user)  # type: ignore[arg-type]
    return marks


def mfa_setup_response(request: HttpRequest) -> HttpResponse:
    """Where a user who must use MFA but has none is sent: a 403 for the API, the setup page for pages."""
    if is_api(request):
        return JsonResponse({"detail": MFA_REQUIRED_MESSAGE + ".", "code": "mfa_required"}, status=403)
    messages.warning(
        request,
        "Your account can reach participant records, so it needs two-factor authentication. "
        "Set up an authenticator app (or a security key) to continue.",
    )
    return _redirect(request, reverse("mfa_activate_totp"))


def tenant_gate(request: HttpRequest, membership: Membership) -> bool:
    """Whether this request must stop for MFA setup, given the workspace role the view just resolved (no query).

    The session's marks were taken at sign-in; a role granted since (a promotion, an invitation accepted while
    signed in) is caught here, and the marks are updated so every later request of the session is held too.
    """
    marks = session_marks(request.session) if hasattr(request, "session") else None
    if marks is not None and membership.role in PII_ROLES and not marks["pii"]:
        update_marks(request.session, pii=True)
    if membership.role not in MFA_REQUIRED_ROLES or getattr(request, "mfa_enrolled", None) is not False:
        return False
    if marks is not None and not marks["mfa_required"]:
        update_marks(request.session, mfa_required=True)
    return True


class PIISessionTimeoutMiddleware:
    """Sign out sessions of PII roles after PII_SESSION_IDLE_SECONDS idle or PII_SESSION_MAX_SECONDS in total."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            marks = marks_for(request)
            if marks["pii"]:
                at = policy.now()  # looked up on each call, so tests can set the clock
                if at - marks["auth_at"] > settings.PII_SESSION_MAX_SECONDS:
                    return self.expired(request, self.max_message())
                if at - marks["seen_at"] > settings.PII_SESSION_IDLE_SECONDS:
                    return self.expired(request, self.idle_message())
                if at - marks["seen_at"] >= TOUCH_SECONDS:
                    update_marks(request.session, seen_at=int(at))
        return self.get_response(request)

    @staticmethod
    def idle_message() -> str:
        minutes = settings.PII_SESSION_IDLE_SECONDS // 60
        return (f"You were signed out after {minutes} minutes without activity, to protect participant records. "
                "Sign in again to continue.")

    @staticmethod
    def max_message() -> str:
        hours = settings.PII_SESSION_MAX_SECONDS // 3600
        return (f"You were signed out because you signed in more than {hours} hours ago; sessions that can reach "
                "participant records last at most that long. Sign in again to continue.")

    def expired(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if is_api(request):
            return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
        messages.info(request, message)
        target = request.get_full_path() if request.method == "GET" else request.path
        login_url = redirect_to_login(target, reverse(settings.LOGIN_URL))["Location"]
        return _redirect(request, login_url)


class MFARequiredMiddleware:
    """Hold users who must use MFA at the setup page (pages) or refuse them with a 403 (API) until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed = (*MFA_SETUP_ALLOWED_PREFIXES, settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            marks = marks_for(request)
            if marks["mfa_required"] and not marks["mfa"] and has_primary_authenticator(request.user):
                # Set up since this session signed in (in another browser, say): one query, only while held.
                update_marks(request.session, mfa=True)
                marks = session_marks(request.session) or marks
            request.mfa_enrolled = bool(marks["mfa"])  # type: ignore[attr-defined]  # read by tenant_gate
            if marks["mfa_required"] and not marks["mfa"] and not request.path.startswith(self.allowed):
                return mfa_setup_response(request)
        elif is_api(request) and (key := self.token_key(request)):
            facts = self.token_facts(key)
            if facts is not None:
                request.mfa_enrolled = facts["mfa"]  # type: ignore[attr-defined]
                if facts["mfa_required"] and not facts["mfa"]:
                    return mfa_setup_response(request)
        return self.get_response(request)

    @staticmethod
    def token_key(request: HttpRequest) -> str | None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "token":
            return None
        return key.strip() or None

    @staticmethod
    def token_facts(key: str) -> dict[str, bool] | None:
        """The MFA facts of a token's user, in one query (None for an unknown token: DRF answers 401 then)."""
        row = (
            Token.objects.filter(key=key)
            .annotate(mfa_role=holds_role(MFA_REQUIRED_ROLES, "user_id"), mfa=has_second_factor("user_id"))
            .values("mfa_role", "mfa", "user__is_staff")
            .first()
        )
        if row is None:
            return None
        return {"mfa_required": row["mfa_role"] or row["user__is_staff"], "mfa": row["mfa"]}

"""Authentication hardening: MFA for the roles that need it, failed-login limits, Argon2id, PII session limits.

Each test builds only the few rows it needs (a workspace and a member or two), not the two-tenant world. Codes are
computed from the secret as an authenticator app would. The session clock is ``partnerships.security.policy.now``,
replaced by a fixed clock here: no test sleeps. Rate-limit tests use a fresh address and a fresh client IP, so a
cache shared with other test processes (Redis on CI) never carries a count from one test into another.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.settings import base as base_settings
from partnerships.models import Convener, Membership, User
from partnerships.roles import Role
from partnerships.security import policy
from partnerships.security.adapters import PREFIX, PortalMFAAdapter
from partnerships.security.totp import totp_code, totp_enroll, totp_secret
from tests.factories import PASSWORD, ConvenerFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = [Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.CASE_MANAGER]
NOT_REQUIRED = [Role.EMPLOYER_REP, Role.PROVIDER_STAFF, Role.FUNDER]
ORG_TYPE = {Role.EMPLOYER_REP: "employer", Role.CASE_MANAGER: "community_org", Role.PROVIDER_STAFF: "college",
            Role.FUNDER: "philanthropy"}
SETUP_URL = "/accounts/2fa/totp/activate/"
ENABLED_RATE_LIMITS = override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS)


@pytest.fixture
def convener(db: None) -> Convener:
    return ConvenerFactory(name="Gamma Workforce Board", slug="gamma")


@pytest.fixture
def member(convener: Convener) -> Callable[..., User]:
    """A verified user of ``role`` in the workspace; ``mfa`` gives them an authenticator app (a random secret)."""

    def make(role: str, *, mfa: bool = False, email: str | None = None) -> User:
        user = UserFactory(email=email or f"{role}.{uuid.uuid4().hex[:8]}@gamma.example", full_name=f"Gamma {role}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        org = OrganizationFactory(convener=convener, org_type=ORG_TYPE[role]) if role in ORG_TYPE else None
        MembershipFactory(convener=convener, user=user, role=role, organization=org, mfa=False)
        if mfa:
            totp_enroll(user)
        return user

    return make


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Set the session rules' clock: ``clock(seconds_after_start)``."""
    start = 1_800_000_000.0
    moment = [start]
    monkeypatch.setattr(policy, "now", lambda: moment[0])

    def set_to(offset: float) -> None:
        moment[0] = start + offset

    return set_to


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def secret_of(user: User) -> str:
    return totp_secret(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))


# ---------------------------------------------------------------------------------------------------
# MFA is required for the roles that reach participant records, on every request
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", REQUIRED)
def test_a_role_that_needs_mfa_is_held_at_the_setup_page_and_refused_by_the_api_until_it_has_one(member, role):
    user = member(role)
    client = signed_in(user)

    for path in ("/", "/c/gamma/", "/workspaces/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == SETUP_URL, path
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["detail"] == "Set up two-factor authentication before using the API."
    hx = client.get("/c/gamma/", HTTP_HX_REQUEST="true")
    assert hx["HX-Redirect"] == SETUP_URL  # htmx navigates instead of swapping the setup page into a fragment
    # What they may still reach: the 2FA pages, their password, signing out.
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/password/change/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302

    totp_enroll(user)
    after = signed_in(user)
    assert after.get("/c/gamma/").status_code == 200
    assert after.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("role", NOT_REQUIRED)
def test_roles_without_access_to_participant_records_are_not_asked_for_mfa(member, role):
    client = signed_in(member(role))
    assert client.get("/c/gamma/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_platform_operator_must_set_up_mfa_before_the_admin(db):
    operator = User.objects.create_superuser("operator@ops.example", PASSWORD)
    client = signed_in(operator)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == SETUP_URL
    assert client.session["auth_security"]["pii"]  # and the short sessions: the admin reaches every workspace


def test_an_api_token_of_a_user_without_mfa_is_refused_with_one_query(member, django_assert_num_queries):
    user = member(Role.CONVENER_ADMIN)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    with django_assert_num_queries(1):
        response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Set up two-factor authentication before using the API.",
                               "code": "mfa_required"}
    totp_enroll(user)
    assert client.get("/api/v1/me/").status_code == 200


def test_a_role_granted_during_a_session_is_held_at_setup_from_its_next_request(member, convener):
    user = member(Role.EMPLOYER_REP)
    client = signed_in(user)
    assert client.get("/c/gamma/").status_code == 200
    Membership.objects.for_convener(convener).filter(user=user).update(role=Role.CONVENER_ADMIN, organization=None)

    response = client.get("/c/gamma/")
    assert response.status_code == 302 and response["Location"] == SETUP_URL
    assert client.get("/").status_code == 302  # the session now knows: every page, not only the workspace's
    assert client.get("/api/v1/c/gamma/organizations/").status_code == 403


def test_enforcement_costs_no_query_per_request(member):
    client = signed_in(member(Role.CASE_MANAGER, mfa=True))
    client.get("/c/gamma/")  # the first request after sign-in may save the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/c/gamma/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    assert "mfa_authenticator" not in sql  # "has MFA" comes from the session, not the database
    assert 'update "django_session"' not in sql  # the last-seen time is written at most once a minute


# ---------------------------------------------------------------------------------------------------
# Signing in with a second factor
# ---------------------------------------------------------------------------------------------------
def test_setting_up_an_authenticator_app_with_a_computed_code_lets_the_user_in(member):
    user = member(Role.CONVENER_STAFF)
    client = Client()
    assert password_step(client, user.email)["Location"] == "/"
    assert client.get("/")["Location"] == SETUP_URL

    body = client.get(SETUP_URL).content.decode()
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]{32})</code>', body).group(1)  # the key, as shown
    assert 'src="data:image/svg+xml;base64,' in body and "QR code that adds" in body
    assert client.post(SETUP_URL, {"code": "000000" if totp_code(secret) != "000000" else "111111"}).status_code == 200
    response = client.post(SETUP_URL, {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert len(re.findall(r'<li class="col py-1">\d{8}</li>', codes)) == 10 and "Continue to the portal" in codes
    assert client.get("/c/gamma/").status_code == 200
    assert secret_of(user) == secret


def test_signing_in_asks_for_the_code_after_the_password(member):
    user = member(Role.CONVENER_ADMIN, mfa=True)
    client = Client()
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/c/gamma/").status_code == 302  # not signed in yet: the password alone is not enough
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret_of(user))})
    assert response.status_code == 302
    assert client.get("/c/gamma/").status_code == 200


def test_a_recovery_code_signs_in_once(member):
    user = member(Role.CASE_MANAGER, mfa=True)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(recovery).generate_codes()[0]

    client = Client()
    password_step(client, user.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/c/gamma/").status_code == 200

    again = Client()
    password_step(again, user.email)
    response = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert len(RecoveryCodes(Authenticator.objects.get(pk=recovery.pk)).get_unused_codes()) == 9


def test_mfa_secrets_are_encrypted_at_rest(member):
    user = member(Role.CONVENER_ADMIN, mfa=True)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    seed = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).data["seed"]
    secret = secret_of(user)
    assert stored.startswith(PREFIX) and secret not in stored
    assert seed.startswith(PREFIX)
    assert len(secret) == 32 and PortalMFAAdapter().decrypt(stored) == secret


def test_the_last_authenticator_of_a_role_that_needs_mfa_cannot_be_removed(member):
    adapter = PortalMFAAdapter()
    admin_app = Authenticator.objects.get(user=member(Role.CONVENER_ADMIN, mfa=True), type=Authenticator.Type.TOTP)
    employer_app = Authenticator.objects.get(user=member(Role.EMPLOYER_REP, mfa=True), type=Authenticator.Type.TOTP)
    assert not adapter.can_delete_authenticator(admin_app)
    assert adapter.can_delete_authenticator(employer_app)
    Authenticator.objects.create(user=admin_app.user, type=Authenticator.Type.WEBAUTHN, data={"name": "Key"})
    assert adapter.can_delete_authenticator(admin_app)  # a security key remains


# ---------------------------------------------------------------------------------------------------
# API tokens: the same password limits and second factor as the sign-in page
# ---------------------------------------------------------------------------------------------------
def test_the_token_endpoint_asks_two_factor_accounts_for_their_code(member):
    admin = member(Role.CONVENER_ADMIN, mfa=True)
    url = "/api/v1/auth/token/"
    without = APIClient().post(url, {"username": admin.email, "password": PASSWORD}, format="json")
    assert without.status_code == 400 and "code" in without.json()
    wrong = APIClient().post(url, {"username": admin.email, "password": PASSWORD, "code": "000001"}, format="json")
    assert wrong.status_code == 400
    right = APIClient().post(url, {"username": admin.email, "password": PASSWORD,
                                   "code": totp_code(secret_of(admin))}, format="json")
    assert right.status_code == 200 and right.json()["token"]

    unenrolled = member(Role.CASE_MANAGER)
    refused = APIClient().post(url, {"username": unenrolled.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 403
    employer = member(Role.EMPLOYER_REP)
    assert APIClient().post(url, {"username": employer.email, "password": PASSWORD}, format="json").status_code == 200


# ---------------------------------------------------------------------------------------------------
# Failed-login limits: the sign-in page, the token endpoint and the admin share them
# ---------------------------------------------------------------------------------------------------
@ENABLED_RATE_LIMITS
def test_after_five_wrong_passwords_even_the_right_one_is_refused(member):
    user = member(Role.EMPLOYER_REP, email=f"locked.{uuid.uuid4().hex}@gamma.example")
    client = Client(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7")
    for _ in range(3):
        response = password_step(client, user.email, "not-the-password")
        assert "password you specified are not correct" in response.content.decode()
    for _ in range(2):  # the token endpoint counts against the same account
        assert APIClient(REMOTE_ADDR=client.defaults["REMOTE_ADDR"]).post(
            "/api/v1/auth/token/", {"username": user.email, "password": "nope"}, format="json").status_code == 400

    sixth = password_step(client, user.email, PASSWORD)
    assert sixth.status_code == 200
    assert "Too many failed login attempts" in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    token = APIClient().post("/api/v1/auth/token/", {"username": user.email, "password": PASSWORD}, format="json")
    assert token.status_code == 429


def test_the_admin_login_goes_through_allauth(db):
    operator = User.objects.create_superuser("operator@ops.example", PASSWORD)
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    totp_enroll(operator)
    client = Client()

    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # The admin's own form is gone: posting the right password to it signs nobody in.
    client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    # Through allauth: password, then the second factor.
    assert password_step(client, operator.email)["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret_of(operator))})
    assert client.get("/admin/").status_code == 200


# ---------------------------------------------------------------------------------------------------
# Argon2id
# ---------------------------------------------------------------------------------------------------
def test_passwords_are_hashed_with_argon2id(db):
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        user = User.objects.create_user("argon@example.org", "a-long-test-passphrase-42")
        assert user.password.startswith("argon2$argon2id$")
        assert check_password("a-long-test-passphrase-42", user.password)


# ---------------------------------------------------------------------------------------------------
# Sessions of PII roles: 30 minutes idle, 12 hours in all
# ---------------------------------------------------------------------------------------------------
def test_a_pii_session_ends_after_thirty_idle_minutes_and_the_clock_slides_with_activity(member, clock):
    clock(0)
    client = signed_in(member(Role.CASE_MANAGER, mfa=True))
    for minute in (20, 40, 69):  # each request within 30 minutes of the one before
        clock(minute * 60)
        assert client.get("/c/gamma/").status_code == 200, minute

    clock(69 * 60 + 1801)
    response = client.get("/c/gamma/participants/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/c/gamma/participants/%3Fq%3Dx"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()


def test_a_pii_session_ends_twelve_hours_after_sign_in_whatever_the_activity(member, clock):
    clock(0)
    client = signed_in(member(Role.PROVIDER_STAFF))
    with override_settings(PII_SESSION_IDLE_SECONDS=24 * 3600):  # isolate the absolute limit
        clock(12 * 3600 - 1)
        assert client.get("/c/gamma/").status_code == 200
        clock(12 * 3600 + 1)
        api = client.get("/api/v1/me/")
    assert api.status_code == 401 and api.json()["code"] == "session_expired"
    assert "_auth_user_id" not in client.session


def test_other_roles_keep_the_normal_session_age(member, clock):
    clock(0)
    client = signed_in(member(Role.FUNDER))
    clock(13 * 3600)
    assert client.get("/c/gamma/").status_code == 200


def test_setup_right_after_signing_in_needs_no_second_password_prompt_but_later_it_does(member, clock):
    clock(0)
    client = signed_in(member(Role.CASE_MANAGER))
    assert client.get(SETUP_URL).status_code == 200
    clock(301)  # allauth's REAUTHENTICATION_TIMEOUT is 300 seconds
    response = client.get(SETUP_URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")


def test_the_security_pages_render_in_the_portal_layout(member):
    user = member(Role.CONVENER_ADMIN, mfa=True)
    client = signed_in(user)  # signed in just now: no second password prompt
    home = client.get("/c/gamma/").content.decode()
    assert 'href="/accounts/2fa/">Security</a>' in home  # in the account menu
    pages = {
        "/accounts/2fa/": ["Authenticator app", "Security keys", "Recovery codes", "On"],
        "/accounts/2fa/webauthn/add/": ["Add a security key", 'id="mfa_webauthn_add"', "mfa/js/webauthn.js"],
        "/accounts/2fa/webauthn/": ["No security keys yet"],
        "/accounts/2fa/recovery-codes/": ["10 of 10 are left"],
        "/accounts/2fa/recovery-codes/generate/": ["will stop working"],
        "/accounts/2fa/totp/deactivate/": ["cannot remove your only authenticator"],
    }
    for path, texts in pages.items():
        response = client.get(path)
        body = response.content.decode()
        assert response.status_code == 200, path
        assert 'class="navbar-brand' in body, path  # extends templates/base.html
        for text in texts:
            assert text in body, (path, text)
        assert " style=" not in body, path  # the Content-Security-Policy allows no style attributes

"""A security key in a real browser: Chromium's virtual authenticator (the DevTools WebAuthn domain) stands in for
the key. A convener admin who has an authenticator app adds a key on the Security pages, signs out, and signs in
again with the password and the key instead of a code. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from partnerships.security.totp import totp_enroll
from tests.e2e.conftest import complete_sign_in, workspace_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
SLUG = "porter-county"


@pytest.fixture
def admin():
    user = workspace_admin(workspace="Porter County Workforce Board", slug=SLUG, region="Porter County, IN",
                           email="ines@portercounty.example", full_name="Ines Admin", password=PASSWORD)
    totp_enroll(user)  # an authenticator app already: a key is a second way in
    return user


def virtual_key(context, page) -> str:
    """A platform authenticator with user verification, as a laptop's fingerprint reader presents itself."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return str(answer["authenticatorId"])


def test_an_admin_adds_a_security_key_and_signs_in_with_it(browser, live_server, admin, screenshot_dir):
    base = live_server.url.replace("127.0.0.1", "localhost")  # WebAuthn needs a secure context: localhost is one
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    virtual_key(context, page)
    complete_sign_in(page, base, admin.email, PASSWORD)  # password, then the app's code
    page.wait_for_url(f"{base}/c/{SLUG}/")

    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    page.get_by_label("Key name").fill("Work laptop")
    page.get_by_role("button", name="Add key").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.screenshot(path=str(screenshot_dir / "e2e-webauthn-01-key-added.png"), full_page=True)
    keys = Authenticator.objects.filter(user=admin, type=Authenticator.Type.WEBAUTHN)
    assert [key.wrap().name for key in keys] == ["Work laptop"]

    # Sign out, and back in with the password and the key (no code typed).
    page.goto(f"{base}/c/{SLUG}/")
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.screenshot(path=str(screenshot_dir / "e2e-webauthn-02-second-factor.png"), full_page=True)
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{base}/c/{SLUG}/")
    assert page.get_by_role("heading", name="Welcome, Ines").is_visible()
    assert keys.get().last_used_at is not None  # the key, not the app, was used
    context.close()

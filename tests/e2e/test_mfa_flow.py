"""Two-factor authentication in a real browser: a convener admin without it is held at the setup page after the
password, sets up an authenticator app from the key shown on the page, reaches the workspace, signs out, and signs in
again with the password and the app's code. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from partnerships.security.totp import totp_code, totp_secret
from tests.e2e.conftest import workspace_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
SLUG = "lake-county"


@pytest.fixture
def admin():
    return workspace_admin(workspace="Lake County Workforce Board", slug=SLUG, region="Lake County, IN",
                           email="rosa@lakecounty.example", full_name="Rosa Admin", password=PASSWORD)


def shot(page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"e2e-mfa-{name}.png"), full_page=True)


def sign_in_with_password(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_sets_up_an_authenticator_app_then_signs_in_with_its_code(browser, live_server, admin, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # The password is right, but the role reaches participant records: held at the setup page.
    sign_in_with_password(page, live_server.url, admin.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert page.get_by_role("alert").filter(has_text="needs two-factor authentication").is_visible()
    page.goto(f"{live_server.url}/c/{SLUG}/")  # trying to go around it lands back on it
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    qr = page.get_by_role("img", name=re.compile("QR code that adds rosa@lakecounty.example"))
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 0
    shot(page, screenshot_dir, "01-setup")

    # The key as a person would type it into their phone's app; the app's code.
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("6-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    shot(page, screenshot_dir, "02-recovery-codes")
    page.get_by_role("link", name="Continue to the portal").click()
    page.wait_for_url(re.compile(rf"/c/{SLUG}/$"))
    assert page.get_by_role("heading", name="Welcome, Rosa").is_visible()
    stored = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    assert totp_secret(stored) == secret and secret not in str(stored.data)  # encrypted at rest

    # The Security page, from the account menu, shows the app turned on.
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Security").click()
    page.get_by_role("heading", name="Security", exact=True).wait_for()
    app = page.locator("section", has=page.get_by_role("heading", name="Authenticator app"))
    assert app.get_by_text("On", exact=True).is_visible()

    # Sign out, and back in: the password, then the code.
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    sign_in_with_password(page, live_server.url, admin.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    code = page.get_by_label("Authentication code")
    code.fill("12345")
    page.get_by_role("button", name="Verify and sign in").click()
    assert page.get_by_text("Incorrect code.").is_visible()
    assert page.get_by_label("Authentication code").get_attribute("aria-invalid") == "true"
    shot(page, screenshot_dir, "03-code-step")
    page.get_by_label("Authentication code").fill(totp_code(secret))
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url(re.compile(rf"/c/{SLUG}/$"))
    assert page.get_by_role("heading", name="Welcome, Rosa").is_visible()
    context.close()

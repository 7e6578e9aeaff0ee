"""Real headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerships.security.totp import totp_code

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
# synchronous and safe, so tell Django not to refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium: make browser)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# ---------------------------------------------------------------------------------------------------
# Signing in, second factor included
# ---------------------------------------------------------------------------------------------------
def complete_sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real pages: the password, then the second factor the account calls for.

    An account with an authenticator app gets its current code (computed from the app's secret); a role that must
    use two-factor authentication and has none yet is held at the setup page, where this sets up an app the way a
    person would, with the key shown on the page. Returns once the portal has the user past those steps.
    """
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        page.get_by_label("Authentication code").fill(current_code_of(email))
        page.get_by_role("button", name="Verify and sign in").click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    elif "/accounts/2fa/totp/activate/" in page.url:
        set_up_authenticator_app(page)


def set_up_authenticator_app(page) -> str:
    """On the setup page: read the key as a person would type it into their app, enter the app's code, go on to
    the portal from the recovery codes page. Returns the key."""
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("6-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    page.get_by_role("link", name="Continue to the portal").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    return secret


def current_code_of(email: str) -> str:
    from allauth.mfa.models import Authenticator

    from partnerships.security.totp import totp_secret

    return totp_code(totp_secret(Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)))


def menu(page, name: str, item: str) -> None:
    """Open a menu of the main navigation bar and follow one of its items, as a user with a mouse does."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name=name).click()
    nav.get_by_role("link", name=item).click()


def workspace_admin(*, workspace: str, slug: str, region: str, email: str, full_name: str, password: str) -> object:
    """A new workspace and its convener admin, whose email address is verified (no second factor yet)."""
    from allauth.account.models import EmailAddress

    from partnerships import services
    from partnerships.models import Membership, User
    from partnerships.roles import Role

    convener = services.convener_create(name=workspace, slug=slug, region=region)
    user = User.objects.create_user(email, password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.for_convener(convener).create(convener=convener, user=user, role=Role.CONVENER_ADMIN)
    return user

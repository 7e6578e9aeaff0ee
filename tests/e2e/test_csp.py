"""The Content-Security-Policy in a real browser: the main pages of every role, a report run's progress bar, the API
docs (Swagger UI and ReDoc) and the Django admin load without one CSP violation, and htmx (a report run's polling)
and Bootstrap's JavaScript (the account dropdown) still work under the policy.

Chromium reports every refused script, style element, style attribute, image or connection as a
``securitypolicyviolation`` event; an init script (run by Playwright outside the page's CSP) forwards each one to the
console, where the test collects them, together with Chromium's own "Refused to ..." console errors."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from partnerships.models import User
from partnerships.roles import Role
from partnerships.security.totp import totp_enroll
from programs.models import FUNDING_STREAMS, FundingStream
from reports.services import report_run_execute, report_run_request
from tests.conftest import TenantSide, build_tenant
from tests.oews import load_oews_extract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP-VIOLATION " + JSON.stringify({directive: e.violatedDirective, blocked: e.blockedURI,
    sample: e.sample, source: e.sourceFile, line: e.lineNumber, page: document.location.pathname}));
});
"""


@pytest.fixture
def alpha(transactional_db) -> TenantSide:
    """One tenant of the shared world (tests/conftest.py), committed so that the live server sees it. Built in one
    transaction, as in the other tests: its services' on-commit work (demand aggregation) runs once, at the end."""
    load_oews_extract()
    # Reference rows a data migration wrote, which an earlier transactional test's flush may have removed.
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                 "sort_order": order})
    with transaction.atomic():
        return build_tenant(name="Alpha Workforce Board", slug="alpha")


SMALL_SCHEMA = {
    "openapi": "3.0.3",
    "info": {"title": "Partnership Portal API", "version": "1.0.0"},
    "paths": {"/api/v1/auth/token/": {"post": {
        "operationId": "auth_token_create", "summary": "Exchange a password for an API token", "tags": ["auth"],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Login"}}}},
        "responses": {"200": {"description": "", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"token": {"type": "string"}}}}}}},
    }}},
    "components": {"schemas": {"Login": {"type": "object", "required": ["username", "password"], "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}}}}},
}


class Browser:
    """One signed-in browser context that records every CSP violation of the pages it opens."""

    def __init__(self, browser, live_server, user: User) -> None:
        client = Client()
        client.force_login(user)
        self.live_server = live_server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.violations: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if text.startswith("CSP-VIOLATION ") or "Content Security Policy" in text:
            self.violations.append(text)

    def visit(self, path: str, *, ready: str = "main h1", nonce: bool = True) -> None:
        response = self.page.goto(f"{self.live_server.url}{path}")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert self.page.url == f"{self.live_server.url}{path}", f"{path} went to {self.page.url}"
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert bool(re.search(r"'nonce-[A-Za-z0-9+/=]{20,}'", policy)) is nonce, (path, policy)
        self.page.locator(ready).first.wait_for()
        # goto() returned at the load event, after the deferred scripts and htmx's start-up ran; a violation is
        # reported as a queued task, so let the page's task queue run once more before moving on.
        self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")

    def take(self) -> list[str]:
        """The violations recorded so far, forgotten once read."""
        taken, self.violations = self.violations, []
        return taken

    def close(self) -> None:
        self.context.close()


def test_every_main_page_loads_without_a_csp_violation_and_htmx_and_bootstrap_still_work(browser, live_server, alpha):
    a = alpha
    slug = a.convener.slug
    partnership = a.granted_partnership

    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs={"convener_slug": slug, **kwargs})

    # A report asked for but not computed yet (another year than the world's report, which is computed): its page
    # shows the striped progress bar and polls with htmx.
    run = report_run_request(convener=a.convener, actor=a.admin, scope="partnership", scope_id=partnership.pk,
                             period_kind="program_year", program_year=2025, as_of=date(2026, 1, 15), enqueue=False)
    # The main pages of each role. The convener admin's session goes on below (the docs, the run page).
    pages = {
        Role.EMPLOYER_REP: [url("employers:demand-dashboard", partnership_id=partnership.pk)],
        Role.CASE_MANAGER: [url("participants:caseload")],
        Role.PROVIDER_STAFF: [url("partnerships:home")],
        Role.FUNDER: [url("reports:dashboard")],
        Role.CONVENER_ADMIN: [
            url("partnerships:home"),
            url("partnerships:partnership-detail", partnership_id=partnership.pk),  # council mix and engagement bars
            url("participants:caseload"),
            url("participants:record", participant_id=a.participants[0].pk),
            url("employers:demand-dashboard", partnership_id=partnership.pk),  # demand and supply bars
            url("reports:dashboard"),
            url("reports:snapshot-detail", reportsnapshot_id=a.report.pk),
        ],
    }
    for role, paths in pages.items():
        session = Browser(browser, live_server, a.users[role])
        for path in paths:
            session.visit(path)
        assert session.take() == [], role
        if role != Role.CONVENER_ADMIN:
            session.close()
    page = session.page

    # The API docs, on a small schema of their own (what Swagger UI and ReDoc load and run is the same whatever the
    # schema; generating the portal's takes seconds). Swagger UI renders it, and an operation opened shows its
    # highlighted example.
    page.route("**/api/schema/*", lambda route: route.fulfill(json=SMALL_SCHEMA))
    session.visit(reverse("api-docs"), ready=".swagger-ui .info .title")
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body .highlight-code").first.wait_for()
    assert session.take() == []
    # ReDoc injects its styles with the nonce; its one extra <style> and its search worker are allowed on that page
    # alone (config/api_docs.py). Its Redocly logo from cdn.redoc.ly stays refused, the one violation expected there.
    session.visit(reverse("api-redoc"), ready="#redoc-container h1")
    page.get_by_placeholder("Search...").fill("token")
    page.locator("[data-role='search:results'] li").first.wait_for()  # the search worker answered
    unexpected = [v for v in session.take() if "cdn.redoc.ly/redoc/logo-mini.svg" not in v]
    assert unexpected == []

    # Bootstrap's JavaScript: the account menu opens.
    session.visit(url("reports:run-detail", reportrun_id=run.pk))
    bar = page.locator("#run-progress .progress-bar")
    assert "pct-5" in (bar.get_attribute("class") or "")
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0  # the class gives the bar its width
    menu = page.locator("#account-menu + .dropdown-menu")
    assert not menu.is_visible()
    page.locator("#account-menu").click()
    menu.get_by_role("link", name="API documentation").wait_for(state="visible")
    page.keyboard.press("Escape")

    # htmx: the run page polls its status every 2 s; once the run is computed the poll swaps in the result.
    report_run_execute(convener=a.convener, run=run)
    page.get_by_text("The report is ready").wait_for(timeout=10_000)
    page.get_by_role("link", name="Open the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    session.close()
    assert session.violations == [], json.dumps(session.violations, indent=1)

    # The Django admin of the platform operators.
    operator = User.objects.create_superuser("operator@csp.example", "operator-password-2026", full_name="Ops")
    totp_enroll(operator, recovery_codes=False)  # platform operators must use two-factor authentication
    session = Browser(browser, live_server, operator)
    # Django's admin loads only files of this origin: no nonce needed, none asked for.
    session.visit("/admin/", ready="#content h1", nonce=False)
    session.visit(f"/admin/partnerships/partnership/{partnership.pk}/change/", ready="#content h1", nonce=False)
    session.close()
    assert session.violations == [], json.dumps(session.violations, indent=1)

"""Security headers: the Content-Security-Policy (django-csp) on every page, its nonce on every script, no inline
style or script in any template, and the HTTPS headers and cookies of the production settings.

The browser's side of the policy (nothing the pages need is refused, htmx and Bootstrap still work) is
tests/e2e/test_csp.py; ``check --deploy`` under production settings is tests/test_production_settings.py."""

from __future__ import annotations

import os
import re
import runpy
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from config.api_docs import REDOC_CSP_UPDATE
from partnerships.models import User
from partnerships.roles import Role
from partnerships.security.totp import totp_enroll
from partnerships.templatetags.bars import pct
from reports.services import report_run_request

BASE_DIR = Path(settings.BASE_DIR)
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/]{22}==)'")


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy header"
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each <script> and <style> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.bodies: dict[int, str] = {}
        self._open: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = len(self.tags) - 1
            self.bodies[self._open] = ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.bodies[self._open] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None


def assert_page_complies(response) -> str:
    """The response's policy is strict and carries a nonce, and the page only runs what that policy allows:
    every script carries that nonce, and no element has a style attribute or an inline event handler. The nonce."""
    path = response.request["PATH_INFO"]
    assert response.status_code == 200, path
    policy = directives(response)
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
    assert policy["default-src"] == ["'self'"], path
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], path
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"], path
    assert policy["connect-src"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"], path
    nonces = {directive: NONCE.findall(" ".join(policy[directive])) for directive in ("script-src", "style-src")}
    assert len(nonces["script-src"]) == 1 and nonces["script-src"] == nonces["style-src"], (path, header)
    nonce = nonces["script-src"][0]

    parser = Tags()
    parser.feed(response.content.decode())
    scripts = [(i, attrs) for i, (tag, attrs) in enumerate(parser.tags)
               if tag == "script" and attrs.get("type") != "application/json"]  # json_script data: never run
    # The layout's scripts carry the nonce (a file of this origin would run without it; an inline script would not).
    assert [attrs for _, attrs in scripts if attrs.get("nonce")], f"{path}: no script with the nonce"
    for index, attrs in scripts:
        if attrs.get("nonce") or not attrs.get("src"):
            assert attrs.get("nonce") == nonce, f"{path}: <script {attrs}> {parser.bodies[index][:60]!r} lacks " \
                                                f"the header's nonce"
    for tag, attrs in parser.tags:
        assert "style" not in attrs, f"{path}: <{tag} style={attrs['style']!r}>"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{path}: <{tag}> has inline event handlers {handlers}"
        assert not any((value or "").strip().lower().startswith("javascript:") for value in attrs.values()), path
        if tag == "style":
            assert attrs.get("nonce") == nonce, f"{path}: <style> without the nonce"
    return nonce


def test_every_page_of_every_role_has_a_strict_policy_whose_nonce_is_on_each_script(world, client_for):
    a = world.a
    slug = a.convener.slug
    partnership = a.granted_partnership

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"convener_slug": slug, **kwargs})

    queued = report_run_request(convener=a.convener, actor=a.admin, scope="partnership", scope_id=partnership.pk,
                                period_kind="program_year", program_year=2025, as_of=date(2026, 1, 15),
                                enqueue=False)  # not computed: its page shows the progress bar
    pages = {
        Role.CONVENER_ADMIN: [
            url("partnerships:home"),
            url("partnerships:partnership-detail", partnership_id=partnership.pk),
            url("partnerships:organization-create"),  # the state field (a class, not a style attribute)
            url("participants:caseload"),
            url("participants:record", participant_id=a.participants[0].pk),
            url("participants:record-edit", participant_id=a.participants[0].pk),  # the state field again
            url("participants:import-detail", importjob_id=a.import_job.pk),
            url("employers:demand-dashboard", partnership_id=partnership.pk),
            url("reports:dashboard"),
            url("reports:run-detail", reportrun_id=queued.pk),
            url("reports:snapshot-detail", reportsnapshot_id=a.report.pk),
            url("programs:program-edit", program_id=a.program.pk),
            url("programs:session-attendance", cohortsession_id=a.session.pk),
            reverse("workspace-picker"),
            "/no-such-page/",
        ],
        Role.EMPLOYER_REP: [url("partnerships:home"), url("employers:demand-dashboard", partnership_id=partnership.pk)],
        Role.CASE_MANAGER: [url("participants:caseload")],
        Role.FUNDER: [url("reports:dashboard"), url("partnerships:partnership-detail", partnership_id=partnership.pk)],
    }
    nonces: set[str] = set()
    for role, paths in pages.items():
        client = client_for(a.users[role])
        for path in paths:
            response = client.get(path)
            if path == "/no-such-page/":
                assert response.status_code == 404
                response.status_code = 200  # the 404 page is a page of the site like any other
            nonces.add(assert_page_complies(response))
    anonymous = client_for(None)
    nonces.add(assert_page_complies(anonymous.get(reverse("account_login"))))
    # A fresh nonce per response: one that repeats could be copied into an injected <script>.
    assert len(nonces) == sum(len(paths) for paths in pages.values()) + 1

    # The progress bars have their width as a class (pct-N), which the policy lets the stylesheet apply.
    page = client_for(a.admin).get(url("reports:run-detail", reportrun_id=queued.pk)).content.decode()
    assert 'class="progress-bar progress-bar-striped progress-bar-animated pct-5"' in page


def test_the_django_admin_and_the_api_docs_keep_the_policy(db, client_for):
    operator = User.objects.create_superuser("operator@headers.example", "operator-password-2026", full_name="Ops")
    totp_enroll(operator, recovery_codes=False)  # platform operators must use two-factor authentication
    client = client_for(operator)
    for path in ("/admin/", "/admin/partnerships/user/", f"/admin/partnerships/user/{operator.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        parser = Tags()
        parser.feed(response.content.decode())
        for index, (tag, attrs) in enumerate(parser.tags):
            # Django's admin has no nonce on its scripts: each one is a file of this origin ('self').
            if tag == "script" and attrs.get("type") != "application/json":
                assert attrs.get("src") and not parser.bodies[index].strip(), (path, attrs)
            assert tag != "style" and "style" not in attrs, (path, tag, attrs)

    # Swagger UI: its init script carries the nonce, and the page keeps the same-origin opener policy.
    docs = client.get(reverse("api-docs"))
    assert_page_complies(docs)
    assert docs.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # ReDoc: the same policy plus exactly its perfect-scrollbar <style> (by hash) and a blob: worker for its search.
    redoc = client_for(None).get(reverse("api-redoc"))
    assert_page_complies(redoc)
    policy = directives(redoc)
    assert set(REDOC_CSP_UPDATE["style-src"]) <= set(policy["style-src"])
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert "worker-src" not in directives(docs) and not set(REDOC_CSP_UPDATE["style-src"]) & set(
        directives(docs)["style-src"])


@pytest.mark.parametrize(("value", "minimum", "expected"), [
    (0, 0, "pct-0"), (42, 0, "pct-42"), (41.6, 0, "pct-42"), (250, 0, "pct-100"), (-3, 0, "pct-0"),
    (None, 0, "pct-0"), ("", 0, "pct-0"), ("17", 0, "pct-17"), (float("nan"), 0, "pct-0"), (2, 5, "pct-5"),
    (80, 5, "pct-80"),
])
def test_a_bar_width_is_a_class_from_0_to_100(value, minimum, expected):
    assert pct(value, minimum) == expected
    assert f".{expected} {{ width: {expected[4:]}%; }}" in (BASE_DIR / "static/css/portal.css").read_text()


# ---------------------------------------------------------------------------------------------------------------
# Templates: no inline style, no script the policy would refuse
# ---------------------------------------------------------------------------------------------------------------
TEMPLATE_DIRS = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\sstyle\s*=", re.S)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.S)
NONCE_ATTRIBUTE = 'nonce="{{ request.csp_nonce }}"'


def template_files() -> list[Path]:
    files = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    return [path for path in files if ".venv" not in path.parts]


COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)


def csp_problems(path: Path) -> list[str]:
    text = COMMENTS.sub("", path.read_text())  # what a comment says about <style> is not markup
    problems = [f"style attribute: {m.group(0)[:80]!r}" for m in STYLE_ATTRIBUTE.finditer(text)]
    problems += [f"inline event handler: {m.group(0)[:80]!r}" for m in EVENT_HANDLER.finditer(text)]
    problems += ["javascript: URL"] if "javascript:" in text.lower() else []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        if 'type="application/json"' in attrs or re.search(r"\ssrc=", attrs):  # data, or a file of this origin
            continue
        if NONCE_ATTRIBUTE not in attrs:
            problems.append(f"inline script without the nonce: {match.group(0)!r}")
    problems += [f"<style> without the nonce: {m.group(0)!r}" for m in STYLE_TAG.finditer(text)
                 if NONCE_ATTRIBUTE not in m.group(1)]
    return problems


def test_no_template_has_an_inline_style_or_a_script_without_the_nonce():
    files = template_files()
    assert len(files) > 100 and BASE_DIR / "templates/base.html" in files
    problems = {str(path.relative_to(BASE_DIR)): found for path in files if (found := csp_problems(path))}
    assert problems == {}


def test_the_template_scan_finds_what_the_policy_would_refuse(tmp_path):
    cases = {
        '<div class="progress-bar" style="width: 40%">': "style attribute",
        '<span\n  class="x"\n  style="color: red">': "style attribute",
        '<button onclick="go()">Go</button>': "inline event handler",
        '<a href="javascript:void(0)">x</a>': "javascript: URL",
        "<script>alert(1)</script>": "inline script without the nonce",
        '<script type="module">import "x";</script>': "inline script without the nonce",
        '<script nonce="abc">alert(1)</script>': "inline script without the nonce",
        "<style>body { color: red }</style>": "<style> without the nonce",
    }
    for markup, problem in cases.items():
        template = tmp_path / "t.html"
        template.write_text(markup)
        assert any(found.startswith(problem) for found in csp_problems(template)), markup
    template = tmp_path / "ok.html"
    template.write_text("{# no <style> here #}<!-- nor <script> -->"
                        '<script src="/static/js/x.js"></script>'
                        '<script nonce="{{ request.csp_nonce }}">start();</script>'
                        '<script type="application/json" id="data">{}</script><p class="pct-40">styled</p>'
                        '<style nonce="{{ request.csp_nonce }}">p { color: red }</style>')
    assert csp_problems(template) == []


# ---------------------------------------------------------------------------------------------------------------
# Production: HTTPS only, HSTS, secure cookies
# ---------------------------------------------------------------------------------------------------------------
PRODUCTION_ENV = {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "portal.example.org,testserver",
                  "FIELD_ENCRYPTION_SALTS": "salt-2026", "PII_HASH_KEY": "h" * 40}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_HTTPONLY", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
]


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    """config/settings/production.py's security settings, as it computes them from a complete environment."""
    saved = dict(os.environ)
    os.environ.update(PRODUCTION_ENV)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        os.environ.pop(name, None)
    try:
        module = runpy.run_module("config.settings.production")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: module[name] for name in SECURITY_SETTINGS}


def test_production_settings_require_https_hsts_and_secure_cookies(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600  # the preload list's minimum
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and production["SECURE_HSTS_PRELOAD"] is True
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-") and production["CSRF_COOKIE_NAME"].startswith(
        "__Host-")
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax" and production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_production_headers_and_cookies_on_the_wire(production, db, client, rf):
    """The production values through the real middleware: http is redirected to https, https answers with HSTS
    and the other headers, and the CSRF and session cookies are Secure, SameSite=Lax and __Host- (no Domain, Path
    /), the session cookie HttpOnly too."""
    with override_settings(**production):
        insecure = client.get("/accounts/login/")
        assert insecure.status_code == 301 and insecure["Location"] == "https://testserver/accounts/login/"

        page = client.get("/accounts/login/", secure=True)
        assert page.status_code == 200
        assert page["Strict-Transport-Security"] == (
            f"max-age={production['SECURE_HSTS_SECONDS']}; includeSubDomains; preload")
        assert page["X-Frame-Options"] == "DENY" and page["X-Content-Type-Options"] == "nosniff"
        assert page["Referrer-Policy"] == "same-origin" and page["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "'nonce-" in page["Content-Security-Policy"]
        csrf = page.cookies[production["CSRF_COOKIE_NAME"]]
        assert csrf["secure"] and csrf["samesite"] == "Lax" and csrf["path"] == "/" and not csrf["domain"]

        def signs_in(request):
            request.session["_auth_user_id"] = "1"
            return HttpResponse()

        request = rf.get("/", secure=True)
        response = SessionMiddleware(signs_in)(request)
        session = response.cookies[production["SESSION_COOKIE_NAME"]]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
        assert session["path"] == "/" and not session["domain"]

"""Web benchmark (not a test): the portal's pages and API under gunicorn, at 25 concurrent clients, with wrk.

Called by bench/suite.py (``make bench``) on the large tenant of bench/report_scale.py; it can also run alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/web.py [--duration 10]

What it does:
- gives the tenant four bench logins (a convener admin, a case manager of one partner organization, a funder of two
  partnerships, all with an authenticator app; passwords and TOTP key below), its demand snapshots and two
  published partnership reports for the funder, if it has none yet;
- starts gunicorn with ``config.settings.production`` (DEBUG off, HTTPS-only cookies: wrk sends the
  ``X-Forwarded-Proto: https`` a TLS proxy would), persistent database connections (CONN_MAX_AGE), the Redis
  cache, connecting as a login role that is a member of the row-level-security role ``portal_app``, as production
  does;
- signs each login in through the real forms (password, then the TOTP code) and keeps its session cookie; the
  API calls use a token from ``/api/v1/auth/token/``;
- checks every URL answers 200 once, then runs wrk (2 threads, 25 connections, ``--duration`` seconds after a
  2-second warm-up) on each, with bench/wrk_report.lua printing requests/s and the latency percentiles as JSON;
- measures ``/healthz/`` (a trivial Django view with no database) the same way, first and last, and reports
  each URL's throughput as a ratio to it.

wrk comes from Debian (``apt-get install wrk``; ``make bench`` installs it when missing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-password-Correct-Horse-9"  # noqa: S105 (bench logins on a bench database)
TOTP_SECRET = "PARTNERSHIPPORTALBENCHTOTPKEY234"  # noqa: S105
# The settings gunicorn and this process share (the TOTP secrets are encrypted with a key derived from SECRET_KEY).
SERVER_ENV = {
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "FIELD_ENCRYPTION_SALTS": "bench-field-encryption-salt",
    "PII_HASH_KEY": "bench-pii-hash-key",
    "CONN_MAX_AGE": "600",
    "EMAIL_URL": "consolemail://",
    "LOG_LEVEL": "WARNING",
}
WEB_ROLE = "portal_bench_web"  # LOGIN, member of DATABASE_APP_ROLE: bound by the row-level-security policies
CONNECTIONS, THREADS = 25, 2
LUA = ROOT / "bench" / "wrk_report.lua"


def need(condition: object, message: str) -> None:
    if not condition:
        raise SystemExit(message)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@dataclass
class Target:
    name: str
    kind: str  # "page", "api" or "trivial"
    path: str
    who: str  # "admin", "case_manager", "funder", "token" or ""


def web_role_url(url: str) -> str:
    """Create the bench's login role (a member of portal_app) if missing; DATABASE_URL for it."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [WEB_ROLE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE {WEB_ROLE} LOGIN IN ROLE "{settings.DATABASE_APP_ROLE}"')
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{WEB_ROLE}@{host}"))


def prepare(convener_id: int) -> dict[str, Any]:
    """Bench logins, demand snapshots and funder reports for the tenant (created once, reused); the ids to visit."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from employers.aggregation import demand_runs_execute_batch
    from employers.models import DemandSnapshot
    from participants.models import Participant
    from partnerships.models import Convener, Membership, Organization, Partnership
    from partnerships.roles import Role
    from partnerships.security.totp import totp_enroll
    from reports.models import ReportSnapshot
    from reports.services import report_run_execute, report_run_request

    convener = Convener.objects.get(pk=convener_id)
    partnerships = list(Partnership.objects.for_convener(convener).order_by("pk"))
    participant = Participant.objects.for_convener(convener).filter(organization__isnull=False).order_by("pk").first()
    if participant is None:
        raise SystemExit("the bench tenant has no participants")
    org = Organization.objects.for_convener(convener).get(pk=participant.organization_id)
    user_model = get_user_model()
    logins = {}
    for who, role in (("admin", Role.CONVENER_ADMIN), ("case_manager", Role.CASE_MANAGER), ("funder", Role.FUNDER)):
        email = f"bench-{who.replace('_', '-')}-{convener.slug}@bench.example"
        with transaction.atomic():
            user = user_model.objects.filter(email=email).first()
            if user is None:
                user = user_model.objects.create_user(email=email, password=PASSWORD, full_name=f"Bench {who}")
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            membership, _ = Membership.objects.get_or_create(
                convener=convener, user=user,
                defaults={"role": role, "organization": org if role == Role.CASE_MANAGER else None})
            if role == Role.FUNDER:
                membership.partnerships.set(partnerships[:2])
            if role != Role.FUNDER:
                totp_enroll(user, TOTP_SECRET, recovery_codes=False)
        logins[who] = email
    if not DemandSnapshot.objects.for_convener(convener).exists():
        t0 = time.perf_counter()
        demand_runs_execute_batch(convener=convener, partnerships=partnerships, trigger="bench")
        say(f"  demand snapshots for {len(partnerships)} partnerships: {time.perf_counter() - t0:.1f} s")
    for partnership in partnerships[:2]:
        if not ReportSnapshot.objects.for_convener(convener).filter(partnership=partnership).exists():
            t0 = time.perf_counter()
            run = report_run_request(convener=convener, actor=None, scope="partnership", scope_id=partnership.pk,
                                     period_kind="program_year", program_year=2024, enqueue=False,
                                     trigger="schedule")
            report_run_execute(convener=convener, run=run)
            say(f"  partnership report for the funder ({partnership.name}): {time.perf_counter() - t0:.1f} s")
    from employers.models import SkillNeed
    from programs.models import Cohort

    skill_need = SkillNeed.objects.for_convener(convener).order_by("pk").first()
    cohort = Cohort.objects.for_convener(convener).order_by("pk").first()
    return {"slug": convener.slug, "partnership": partnerships[0].pk, "participant": participant.pk,
            "need": skill_need.pk if skill_need else None, "cohort": cohort.pk if cohort else None, "logins": logins,
            "participants": Participant.objects.for_convener(convener).count()}


def targets(ids: dict[str, Any]) -> list[Target]:
    c, p, person = ids["slug"], ids["partnership"], ids["participant"]
    api = f"/api/v1/c/{c}"
    return [
        Target("convener dashboard", "page", f"/c/{c}/", "admin"),
        Target("partnership page", "page", f"/c/{c}/partnerships/{p}/", "admin"),
        Target("caseload list (50 rows)", "page", f"/c/{c}/participants/", "case_manager"),
        Target("caseload list, page 200", "page", f"/c/{c}/participants/?page=200", "case_manager"),
        Target("participant page", "page", f"/c/{c}/participants/{person}/", "case_manager"),
        Target("demand dashboard", "page", f"/c/{c}/partnerships/{p}/demand/", "admin"),
        Target("funder dashboard", "page", f"/c/{c}/outcomes/", "funder"),
        Target("API participants list", "api", f"{api}/participants/", "token"),
        Target("API participant detail", "api", f"{api}/participants/{person}/", "token"),
        Target("API partnerships list", "api", f"{api}/partnerships/", "token"),
        Target("API partnership detail", "api", f"{api}/partnerships/{p}/", "token"),
        Target("API skill needs list", "api", f"{api}/skill-needs/", "token"),
        Target("API skill need detail", "api", f"{api}/skill-needs/{ids['need']}/", "token"),
        Target("API cohorts list", "api", f"{api}/cohorts/", "token"),
        Target("API cohort detail", "api", f"{api}/cohorts/{ids['cohort']}/", "token"),
        Target("API placements list", "api", f"{api}/placements/", "token"),
        Target("API report snapshots list", "api", f"{api}/report-snapshots/", "token"),
    ]


class Server:
    """gunicorn on a free loopback port, production settings; stopped with the context."""

    def __init__(self, database_url: str, workers: int, extra_env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url,
               "DJANGO_SETTINGS_MODULE": "config.settings.production", **(extra_env or {})}
        env.pop("MIGRATION_DATABASE_URL", None)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.args = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                     "--workers", str(workers), "--worker-class", "sync", "--backlog", "256",
                     "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                     "--error-logfile", "-"]
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=env,  # noqa: S603 (our own gunicorn)
                                        stdout=subprocess.DEVNULL if not os.environ.get("BENCH_ACCESS_LOG") else None)

    def __enter__(self) -> Server:
        import requests

        for _ in range(120):
            try:
                answer = requests.get(self.base + "/healthz/", headers={"X-Forwarded-Proto": "https"}, timeout=1,
                                      allow_redirects=False)
                if answer.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}")
            time.sleep(0.25)
        raise SystemExit("gunicorn did not answer /healthz/ within 30 s")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _headers(base: str, cookies: dict[str, str] | None = None) -> dict[str, str]:
    # What the TLS proxy in front of gunicorn adds; the Origin satisfies Django's CSRF check on HTTPS.
    headers = {"X-Forwarded-Proto": "https", "Origin": "https://" + urlsplit(base).netloc,
               "Referer": "https://" + urlsplit(base).netloc + "/accounts/login/"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return headers


def sign_in(base: str, email: str) -> str:
    """Sign in through the login form and the TOTP form; the Cookie header of the signed-in session."""
    import requests

    from partnerships.security.totp import totp_code

    cookies: dict[str, str] = {}

    def call(method: str, path: str, data: dict[str, str] | None = None) -> requests.Response:
        response = requests.request(method, base + path, data=data, headers=_headers(base, cookies),
                                    allow_redirects=False, timeout=30)
        for cookie in response.cookies:
            cookies[cookie.name] = cookie.value or ""
        # A deleted cookie (the messages cookie, once its message is shown) never reaches response.cookies: the
        # cookie jar drops expired ones on the way in. Drop it here too, as a browser does.
        for name in re.findall(r'(?:^|, )([^=,; ]+)=(?:""|); expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
                               response.headers.get("Set-Cookie", "")):
            cookies.pop(name, None)
        return response

    page = call("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    need(token, f"no CSRF token on the login page ({page.status_code})")
    answer = call("POST", "/accounts/login/", {"csrfmiddlewaretoken": token.group(1), "login": email,  # type: ignore[union-attr]
                                              "password": PASSWORD})
    if answer.status_code == 302 and "2fa" in answer.headers.get("Location", ""):
        page = call("GET", answer.headers["Location"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        need(token, "no CSRF token on the two-factor page")
        answer = call("POST", answer.headers["Location"], {"csrfmiddlewaretoken": token.group(1),  # type: ignore[union-attr]
                                                           "code": totp_code(TOTP_SECRET)})
    need(answer.status_code == 302, f"sign-in of {email} failed: {answer.status_code}")
    # The page the sign-in leads to shows its "signed in" message once (and deletes the message cookie), as in a
    # browser; without this, every benchmarked request would carry that message again.
    landing = answer
    for _ in range(5):
        if landing.status_code not in (301, 302, 303) or "Location" not in landing.headers:
            break
        landing = call("GET", urlsplit(landing.headers["Location"]).path)
    session = [k for k in cookies if k.endswith("sessionid")]
    need(session, f"no session cookie after signing {email} in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def api_token(base: str, email: str) -> str:
    import requests

    from partnerships.security.totp import totp_code

    # The sign-in just used this period's code, and a code counts once: the next period's (MFA_TOTP_TOLERANCE).
    answer = requests.post(base + "/api/v1/auth/token/", headers=_headers(base), timeout=30,
                           json={"username": email, "password": PASSWORD,
                                 "code": totp_code(TOTP_SECRET, at=time.time() + 30)})
    need(answer.status_code == 200, f"token for {email}: {answer.status_code} {answer.text[:200]}")
    return str(answer.json()["token"])


def wrk(base: str, path: str, headers: dict[str, str], duration: int) -> dict[str, Any]:
    """One wrk run: requests/s, latency percentiles in ms, and the count of non-2xx/3xx answers and errors."""
    args = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "10s",
            "-s", str(LUA)]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, base + path], check=True, capture_output=True, text=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("{"))
    return dict(json.loads(line))


def run_plan(base: str, ids: dict[str, Any], plan: list[Target], duration: int, server: str
             ) -> list[dict[str, Any]]:
    """Sign the logins in on this server, then wrk each target in turn."""
    import requests

    auth = {who: sign_in(base, email) for who, email in ids["logins"].items() if who != "funder"}
    auth["funder"] = sign_in(base, ids["logins"]["funder"])
    token = api_token(base, ids["logins"]["admin"])
    rows = []
    for target in plan:
        headers = _headers(base)
        headers.pop("Origin")
        headers.pop("Referer")
        if target.who == "token":
            headers["Authorization"] = f"Token {token}"
        elif target.who:
            headers["Cookie"] = auth[target.who]
        check = requests.get(base + target.path, headers=headers, allow_redirects=False, timeout=60)
        if check.status_code != 200:
            raise SystemExit(f"{target.name}: {target.path} answered {check.status_code}, not 200")
        wrk(base, target.path, headers, 2)  # warm-up: connections, caches
        result = wrk(base, target.path, headers, duration)
        row = {"name": target.name, "kind": target.kind, "server": server, "path": target.path,
               "bytes": len(check.content),
               "page_cache": check.headers.get("X-Page-Cache", ""), **result}
        rows.append(row)
        say(f"    {target.name:<40} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>7.1f}  p95 "
            f"{row['p95_ms']:>7.1f}  p99 {row['p99_ms']:>7.1f} ms  errors {row['errors']}")
    return rows


def measure(*, convener_id: int, database_url: str, duration: int = 10, workers: int | None = None
            ) -> list[dict[str, Any]]:
    """Every target under gunicorn with the page cache on, then the pages again with it off; rows with rps,
    p50/p95/p99 (ms), errors and the ratio to /healthz/ under the same server."""

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does this)")
    ids = prepare(convener_id)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # whitenoise serves var/static in production
    workers = workers or (os.cpu_count() or 2) * 2 + 1
    rows: list[dict[str, Any]] = []
    say(f"  gunicorn: {workers} sync workers, production settings, CONN_MAX_AGE={SERVER_ENV['CONN_MAX_AGE']}; "
        f"wrk: {THREADS} threads, {CONNECTIONS} connections, {duration} s per URL after a 2 s warm-up")
    trivial_first = Target("trivial view /healthz/ (no database)", "trivial", "/healthz/", "")
    trivial_last = Target("trivial view /healthz/ again", "trivial", "/healthz/", "")
    with Server(web_role_url(database_url), workers) as server:
        rows += run_plan(server.base, ids, [trivial_first, *targets(ids), trivial_last], duration, "page cache on")
    # The same pages with the page cache off (PAGE_CACHE_SECONDS=0): what a first visit, or the first visit after
    # a write, costs. Reported beside the steady-state figures, never instead of them.
    say("  the pages again, rendered on every request (page cache off):")
    with Server(web_role_url(database_url), workers, {"PAGE_CACHE_SECONDS": "0"}) as server:
        rendered = [Target(f"{t.name}, rendered every time", "page-render", t.path, t.who)
                    for t in targets(ids) if t.kind == "page"]
        rows += run_plan(server.base, ids, [*rendered, trivial_last], duration, "page cache off")
    for row in rows:  # each URL against the trivial view measured under the same server
        trivial = max(r["rps"] for r in rows if r["kind"] == "trivial" and r["server"] == row["server"])
        row["ratio_to_trivial"] = row["rps"] / trivial if trivial else None
        row["meets_p95"] = row["p95_ms"] <= 100
        row["meets_ratio"] = row["ratio_to_trivial"] is not None and row["ratio_to_trivial"] >= 0.3
    return rows


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--slug", default="report-bench-1-00")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or \
        "postgres://postgres@127.0.0.1:5432/portal_bench"
    os.environ["DATABASE_URL"] = url
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import logging

    import django

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    from partnerships.models import Convener

    convener_id = Convener.objects.get(slug=args.slug).pk
    rows = measure(convener_id=convener_id, database_url=url, duration=args.duration, workers=args.workers)
    out = ROOT / "var" / "bench" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": rows}, indent=2) + "\n")
    say(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

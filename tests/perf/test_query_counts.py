"""Every page and API endpoint costs an exact number of queries, the same for the world as for a world with many more
rows, and no more than 12 for a page or 8 for an API call (issue 9).

The routes are read from the URLconf (tests/tenancy/harness.py), so a route added later is measured here without
anyone remembering to add it: it fails until its count is recorded in ``tests/perf/query_counts.json``. Each route
is requested as a role allowed to see it (the convener admin where the admin may, plus the roles in
``EXTRA_ROLES``), once against the standard two-tenant world and once after ``grow()`` has added ``GROW`` more rows
of every kind the pages list to tenant A. Both counts must equal the recorded one.

To record the counts after a deliberate change (review the diff of the JSON like code):

    QUERY_COUNTS_RECORD=1 DATABASE_URL=postgres://... python -m pytest tests/perf/test_query_counts.py -n 0

The grown rows are built once per test process and copied into each later test, as tests/world_cache.py does for
the world itself.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partnerships import page_cache, rls
from partnerships.models import Council, Meeting
from partnerships.permissions import POLICY
from partnerships.roles import OrganizationType, Role
from reports.services import report_run_execute, report_run_request
from tests import world_cache
from tests.factories import (
    ActionItemFactory,
    AuditEventFactory,
    CohortFactory,
    CouncilSeatFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    PartnershipGoalFactory,
    ProgramFactory,
    RepresentativeFactory,
    UserFactory,
    add_note,
    aggregate,
    award_credential,
    enroll,
    enroll_stream,
    enter_need,
    intake_details,
    invite,
    local_time,
    record_attendance,
    record_consent,
    record_placement,
    record_service,
    record_skill_gain,
    record_wage,
    refresh_engagement,
)
from tests.tenancy.harness import Route, all_routes, tenant_routes

pytestmark = pytest.mark.django_db

COUNTS_FILE = Path(__file__).with_name("query_counts.json")
RECORD = os.environ.get("QUERY_COUNTS_RECORD") == "1"
PAGE_LIMIT = 12
API_LIMIT = 8
GROW = 6  # more rows of every kind: enough for any per-row query to show

# The role a route is measured as: the convener admin where the admin may, else the first of these the policy allows.
ROLE_ORDER = (Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.FUNDER, Role.EMPLOYER_REP, Role.CASE_MANAGER,
              Role.PROVIDER_STAFF)
# Routes whose view narrows what it reads by role: measured as these roles too.
EXTRA_ROLES: dict[str, tuple[str, ...]] = {
    "partnerships:home": (Role.FUNDER, Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF),
    "partnerships:partnership-list": (Role.FUNDER, Role.EMPLOYER_REP),
    "partnerships:partnership-detail": (Role.FUNDER, Role.EMPLOYER_REP),
    "employers:survey-list": (Role.EMPLOYER_REP,),
    "employers:survey-detail": (Role.EMPLOYER_REP,),
    "employers:demand-dashboard": (Role.FUNDER, Role.EMPLOYER_REP),
    "programs:program-list": (Role.FUNDER,),
    "programs:cohort-list": (Role.PROVIDER_STAFF,),
    "programs:cohort-roster": (Role.PROVIDER_STAFF,),
    "participants:caseload": (Role.CASE_MANAGER,),
    "participants:record": (Role.CASE_MANAGER,),
    "reports:dashboard": (Role.FUNDER,),
    "reports:report-list": (Role.FUNDER,),
    "participants-api:participant-list": (Role.CASE_MANAGER,),
    "reports-api:report-run-list": (Role.FUNDER,),
}

# Signed-in pages and API calls outside a workspace: the URL to ask for (None: not measured, with the reason).
NON_TENANT: dict[str, str | None] = {
    "workspace-picker": "/workspaces/",
    "account_email": "/accounts/email/",
    "account_change_password": "/accounts/password/change/",
    "mfa_index": "/accounts/2fa/",
    "mfa_view_recovery_codes": None,
    "api-me": "/api/v1/me/",
    "api-naics": "/api/v1/naics/?q=hospital",
    "api-occupations": "/api/v1/occupations/?q=nurse",
    "api-skills": "/api/v1/skills/",
    "api-funding-streams": "/api/v1/funding-streams/",
}
# Non-tenant routes not measured, and why (a new non-tenant route must be added here or to NON_TENANT).
NOT_MEASURED_PREFIXES = {
    "admin": "the Django admin: platform operators only, not a product page",
}
NOT_MEASURED = {
    "home": "redirect only: sends a signed-in user to their workspace or the picker (302)",
    "healthz": "no database query by design (tested in tests/test_production_settings.py)",
    "api-schema": "the OpenAPI document: generated from code, reads no rows",
    "api-docs": "static Swagger UI shell",
    "api-redoc": "static ReDoc shell",
    "api-token": "POST only (the token login)",
    "invitation-accept": "a public page for an invitation token (anonymous visitors)",
    "mfa_view_recovery_codes": "needs a recent reauthentication; allauth's own view",
    **dict.fromkeys((
        "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
        "account_email_verification_sent", "account_set_password", "account_reset_password",
        "account_confirm_login_code", "account_confirm_email", "account_reset_password_from_key_done",
        "account_reset_password_from_key", "account_reset_password_done", "mfa_authenticate", "mfa_reauthenticate",
        "mfa_activate_totp", "mfa_deactivate_totp", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
        "mfa_list_webauthn", "mfa_add_webauthn", "mfa_reauthenticate_webauthn", "mfa_remove_webauthn",
        "mfa_edit_webauthn",
    ), "allauth's anonymous, POST-only or token-link flow"),
}

# Tenant routes that only redirect on GET (measured nowhere), with the reason.
REDIRECT_ONLY: dict[str, str] = {
    "partnerships:meeting-action-item-create": "the form lives on the meeting page: GET redirects to its "
                                               "#action-items (302); measured as partnerships:meeting-detail",
}

# The query string a route needs to answer 200 with real work (a search term, a snapshot to compare with).
QUERY: dict[str, Callable[[Any], str]] = {
    "partnerships:naics-search": lambda world: "?q=hospital",
    "employers:occupation-search": lambda world: "?q=nurse",
    "participants:occupation-search": lambda world: "?q=nurse",
    "employers-api:market-wage-list": lambda world: "?soc=31-1131&wage=17.50",
    "reports:snapshot-compare": lambda world: f"?with={world.a.report.pk}",
    "reports-api:report-snapshot-compare": lambda world: f"?with={world.a.report.pk}",
}


def prepare(case: Case, world: Any) -> None:
    """Rows the standard world builds only on first use, or lacks, that a list needs to show at least one of: an
    empty list skips the queries that fill its rows, so the small size would not be comparable."""
    if case.route is None:
        return
    if case.route.name.split(":")[0] in ("reports", "reports-api"):
        world.a.report  # noqa: B018 (computes the world's outcome report)
    if case.route.name == "programs-api:cohort-enrollment-candidates":  # everyone of the world is on the roster
        rls.set_tenant(world.a.convener, user_id=world.a.admin.pk)
        ParticipantFactory(membership=world.a.memberships[Role.CASE_MANAGER], first_name="Robin",
                           last_name="Alpha-Candidate")
        rls.reset()

# Routes over the limit that could not be brought under it yet: route key -> reason (also in the JSON). Each is still
# held to its exact recorded count and to the same count with more rows; none grows with the rows.
_RECORD_WALK = ("a data-rights request reads (or erases) every table of the person's record once: one query per "
                "table, constant in rows; rare, admin-only and audited")
OVER_LIMIT: dict[str, str] = {
    "participants:record-export as convener_admin": _RECORD_WALK,
    "participants:record-erase as convener_admin": _RECORD_WALK,
    "participants-api:participant-export-record as convener_admin": _RECORD_WALK,
}


# -----------------------------------------------------------------------------------------------------------------
# What is measured
# -----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    key: str  # "<route name> as <role>": the key in query_counts.json
    route: Route | None  # None for a non-tenant route
    role: str
    is_api: bool
    path: str | None = None  # for a non-tenant route

    def __str__(self) -> str:
        return self.key


def role_for(route: Route) -> str:
    action = route.action_for("GET")
    allowed = POLICY[action] if action is not None else frozenset(Role)
    return next(role for role in ROLE_ORDER if role in allowed)


def tenant_cases() -> list[Case]:
    cases = []
    for route in tenant_routes():
        if "GET" not in route.methods or route.name in REDIRECT_ONLY:
            continue
        roles = [role_for(route), *EXTRA_ROLES.get(route.name, ())]
        cases += [Case(f"{route.name} as {role}", route, role, route.is_api) for role in roles]
    return cases


def non_tenant_routes() -> list[Route]:
    return [r for r in all_routes() if "convener_slug" not in r.kwargs]


def non_tenant_cases() -> list[Case]:
    cases = []
    for route in non_tenant_routes():
        path = NON_TENANT.get(route.name)
        if path:
            cases.append(Case(f"{route.name} as {Role.CONVENER_ADMIN}", None, Role.CONVENER_ADMIN,
                              path.startswith("/api/"), path))
    return cases


CASES = tenant_cases() + non_tenant_cases()


def recorded() -> dict[str, dict[str, Any]]:
    return json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.exists() else {}


def record(case: Case, queries: int) -> None:
    """Write one count into the JSON (several xdist workers may record at once: a lock around read-modify-write)."""
    with open(COUNTS_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counts = recorded()
        entry: dict[str, Any] = {"queries": queries, "kind": "api" if case.is_api else "page"}
        if case.key in OVER_LIMIT:
            entry["over_limit_reason"] = OVER_LIMIT[case.key]
        counts[case.key] = entry
        COUNTS_FILE.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")


# -----------------------------------------------------------------------------------------------------------------
# More rows: GROW more of every kind a page lists, on tenant A
# -----------------------------------------------------------------------------------------------------------------
def grow(side: Any, n: int = GROW) -> None:
    """``n`` more organizations (seated, represented, with a member and an invitation), partnerships, goals, held
    meetings with attendance and action items, audit events, skill needs, programs, cohorts, participants (on the
    cohort's roster, co-enrolled, with credentials and skill gains), services, notes, consents, placements, wages,
    demand runs and report runs, all through the services the pages use."""
    m = side.marker
    admin, convener, partnership = side.admin, side.convener, side.granted_partnership
    cm, provider = side.memberships[Role.CASE_MANAGER], side.memberships[Role.PROVIDER_STAFF]
    industry = side.councils[Council.Kind.INDUSTRY]
    college = side.orgs[OrganizationType.COLLEGE]
    person = side.participants[0]
    rls.set_tenant(convener, user_id=admin.pk)
    try:
        for i in range(n):
            employer: Any = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER,
                                           name=f"{m} Extra Employer {i}", actor=admin)
            rep: Any = RepresentativeFactory(organization=employer, full_name=f"{m} Extra Rep {i}", actor=admin)
            CouncilSeatFactory(council=industry, organization=employer, representatives=[rep],
                               joined_on=date(2024, 2, 1), actor=admin)
            member = MembershipFactory(
                convener=convener, role=Role.EMPLOYER_REP, organization=employer,
                user=UserFactory(email=f"extra.rep{i}@{m.lower()}.example", full_name=f"{m} Extra Rep {i}"))
            invite(convener=convener, actor=admin, email=f"extra.invite{i}@{m.lower()}.example",
                   role=Role.EMPLOYER_REP, organization=employer)
            PartnershipFactory(convener=convener, name=f"{m} Extra Partnership {i}", actor=admin)
            PartnershipGoalFactory(partnership=partnership, description=f"{m}: extra goal {i}", target_value=10 + i,
                                   unit="%", target_date=date(2027, 6, 30), actor=admin)
            meeting: Any = MeetingFactory(council=industry, title=f"{m} extra meeting {i}",
                                     starts_at=local_time(date(2025, 4, 2) + timedelta(days=7 * i)),
                                     status=Meeting.Status.HELD, actor=admin)
            record_attendance(meeting, actor=admin, representatives=[rep])
            ActionItemFactory(partnership=partnership, meeting=meeting, title=f"{m}: extra action {i}",
                              due_on=date(2025, 6, 1) + timedelta(days=i), owner_representative=rep, actor=admin)
            AuditEventFactory(convener=convener, actor=admin, action="membership.update", target=member)
            enter_need(survey=side.survey, membership=side.memberships[Role.CONVENER_ADMIN], employer=employer,
                       occupation="31-1131",
                       quarters={"2027Q1": (2 + i, 1)}, wage_min="17.00", wage_max="20.00")
            ProgramFactory(provider=college, actor=admin, name=f"{m} Extra Program {i}", target_occupations=["31-1131"],
                           funding_streams=["wioa_adult"])
            CohortFactory(program=side.program, partnership=partnership, actor=admin, name=f"{m} Extra Cohort {i}",
                          target_occupation="31-1131", seats=10, weekly_pattern={"1": "classroom"})
            extra = ParticipantFactory(membership=cm, first_name="Robin", last_name=f"{m}-Extra{i}")
            extra = intake_details(extra, membership=cm, intake_date=date(2025, 1, 2), benefit_snap=True,
                                   snap_participation="voluntary")
            for code, day in (("snap_et_50", date(2025, 1, 2)), ("wioa_adult", date(2025, 1, 6))):
                enroll_stream(extra, code, membership=cm, entry_date=day)
            if i < 4:  # the cohort has 12 seats, the world holds two
                seat = enroll(side.cohort, extra, membership=provider, on=date(2025, 1, 3))
                award_credential(seat, membership=provider, awarded_on=date(2025, 3, 28),
                                 program_credential=side.program_credential)
                record_skill_gain(seat, membership=provider, achieved_on=date(2025, 2, 14), note=f"{m}: gain {i}")
            record_placement(extra, membership=cm, employer=employer, occupation="31-1131",
                             start_date=date(2025, 4, 14), hourly_wage="17.25")
            day = date(2025, 2, 3) + timedelta(days=i)
            record_service(person, membership=cm, stream="snap_et_50", service_type="transportation",
                           amount=f"{20 + i}.00", provided_on=day, vendor=f"{m} Transit")
            add_note(person, membership=cm, text=f"{m}: follow-up call {i}.", noted_on=day, confidential=i % 2 == 1)
            record_consent(person, membership=cm, recipients=[employer], categories=["identity"],
                           purposes=["employer_interview"], signed_on=day)
            record_placement(person, membership=cm, employer=employer, occupation="31-1131",
                             start_date=date(2025, 6, 2) + timedelta(days=i), hourly_wage="18.00")
            record_wage(person, membership=cm, year=2024 + i // 4, quarter=i % 4 + 1, wages="3000.00",
                        employer_fein=f"35-12345{i:02d}")
            run = report_run_request(convener=convener, actor=admin, scope="partnership", scope_id=partnership.pk,
                                     period_kind="program_year", program_year=2024,
                                     as_of=date(2025, 7, 1) + timedelta(days=i), enqueue=False)
            report_run_execute(convener=convener, run=run)
        refresh_engagement(industry, today=date(2025, 8, 1))
        for _ in range(2):
            aggregate(partnership)
    finally:
        rls.reset()


# Tables whose rows a test writes by itself while it signs in and measures: never part of the grown rows.
_PER_TEST_TABLES = frozenset({"django_session"})


@dataclass
class _Grown:
    dump: list[Any]


_grown: _Grown | None = None


def grown(side: Any) -> None:
    """``grow(side)``: the first time in this process for real, then by copying the rows it wrote (PostgreSQL)."""
    global _grown
    if connection.vendor == "postgresql" and _grown is not None and world_cache._restore(_grown.dump):
        return
    if connection.vendor != "postgresql":
        grow(side)
        return
    tables = [t for t in world_cache._tables() if t.name not in _PER_TEST_TABLES]
    world_cache._before(tables)
    grow(side)
    _grown = _Grown(dump=world_cache._dump(tables))


# -----------------------------------------------------------------------------------------------------------------
# Measuring
# -----------------------------------------------------------------------------------------------------------------
def signed_in(user: Any, api: bool) -> Client:
    """A client with a real session (the session and user queries are part of every count), MFA marked done as the
    sign-in of a user with an authenticator app leaves it."""
    from rest_framework.test import APIClient

    client: Client = APIClient() if api else Client()
    client.force_login(user)
    return client


def fresh_cache() -> None:
    cache = caches["default"]
    cache.version = int(cache.version or 1) + 1


def measure(client: Client, url: str) -> tuple[int, Any, list[str]]:
    """Queries of one steady-state request: the first (warm) request fills per-process and per-request caches.

    The writes that built the rows count as an earlier request that has ended (``settle``): their end moves the
    write generation, which would otherwise happen at the end of the warm request and retire what it cached. A
    first visit may write once too (allauth records the user's email address on the first email page): then a
    second warm request sees the steady state."""
    page_cache.settle()
    before = page_cache.generation()
    client.get(url)
    if page_cache.generation() != before:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response, [q["sql"] for q in captured.captured_queries]


def url_of(case: Case, world: Any) -> str:
    if case.route is None:
        assert case.path is not None
        return case.path
    query = QUERY[case.route.name](world) if case.route.name in QUERY else ""
    return case.route.url(convener_slug=world.a.convener.slug, objects=case.route.objects_of(world.a)) + query


def _sql(queries: list[str]) -> str:
    return "\n".join(f"  {i + 1}. {sql[:300]}" for i, sql in enumerate(queries))


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_the_query_count_is_exact_and_does_not_grow_with_the_rows(case: Case, world: Any, settings: Any) -> None:
    # The rendering's queries: with the page cache on, the steady-state request below would be a stored page
    # (tests/partnerships/test_page_cache.py counts that path).
    settings.PAGE_CACHE_SECONDS = 0
    user = world.a.users[case.role]
    prepare(case, world)
    url = url_of(case, world)
    fresh_cache()
    client = signed_in(user, case.is_api)
    small, response, small_sql = measure(client, url)
    assert response.status_code == 200, (
        f"GET {url} as A's {case.role}: {response.status_code} {response.get('Location', '')}; a route that only "
        f"redirects goes in REDIRECT_ONLY with the reason")

    grown(world.a)
    fresh_cache()
    large, response, large_sql = measure(client, url)
    assert response.status_code == 200, f"GET {url} as A's {case.role} with more rows: {response.status_code}"

    if RECORD:
        record(case, large)
    expected = recorded().get(case.key)
    assert expected is not None, (
        f"{case.key} ({url}) has no recorded query count (it took {small} queries, {large} with more rows). Record "
        f"it with QUERY_COUNTS_RECORD=1 python -m pytest {__file__.split('/work/qc/')[-1]} -n 0 -k '{case.key}' "
        f"and commit tests/perf/query_counts.json.")
    assert large == small, (
        f"{case.key} ({url}): {small} queries for the world, {large} with {GROW} more rows of each kind: a query per "
        f"row.\nSmall:\n{_sql(small_sql)}\nLarge:\n{_sql(large_sql)}")
    assert large == expected["queries"], (
        f"{case.key} ({url}): {large} queries, {expected['queries']} recorded in {COUNTS_FILE.name}. If the change "
        f"is deliberate, record it (QUERY_COUNTS_RECORD=1).\n{_sql(large_sql)}")
    limit = API_LIMIT if case.is_api else PAGE_LIMIT
    if case.key in OVER_LIMIT:
        assert expected.get("over_limit_reason"), f"{case.key} is in OVER_LIMIT: give the reason in the JSON too"
        assert large > limit, f"{case.key} is back under the limit ({large} <= {limit}): take it out of OVER_LIMIT"
    else:
        assert large <= limit, (
            f"{case.key} ({url}): {large} queries, over the limit of {limit} for "
            f"{'an API call' if case.is_api else 'a page'}.\n{_sql(large_sql)}")


# -----------------------------------------------------------------------------------------------------------------
# The bookkeeping is complete
# -----------------------------------------------------------------------------------------------------------------
def test_every_non_tenant_route_is_measured_or_has_a_reason_not_to_be() -> None:
    unknown = []
    for route in non_tenant_routes():
        if route.name.split(":")[0] in NOT_MEASURED_PREFIXES or route.route.startswith("admin/"):
            continue
        if NON_TENANT.get(route.name) or route.name in NOT_MEASURED:
            continue
        unknown.append(f"{route.name} ({route.route})")
    assert not unknown, (
        "Non-tenant routes neither measured nor excused: add each to NON_TENANT (the URL to GET signed in) or to "
        "NOT_MEASURED (why not) in tests/perf/test_query_counts.py:\n  " + "\n  ".join(unknown))


def test_the_recorded_counts_name_only_routes_that_exist() -> None:
    """A renamed or removed route leaves its count behind: the JSON must not grow stale."""
    stale = sorted(set(recorded()) - {c.key for c in CASES})
    assert not stale, f"Counts for routes that no longer exist: {stale}; remove them from {COUNTS_FILE.name}"


def test_the_over_limit_routes_say_why_in_the_json_too() -> None:
    counts = recorded()
    for key, reason in OVER_LIMIT.items():
        assert counts.get(key, {}).get("over_limit_reason") == reason, key

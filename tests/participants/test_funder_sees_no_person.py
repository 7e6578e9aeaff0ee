"""No person for the funder (DOMAIN.md §2, §6; issue 6 "Funders see no participant rows, anywhere"), nor for the
employer representative or the training provider beyond what their role is given.

Every page and API route of the tenant (enumerated from the URLconf by the isolation harness, so a route added later
is walked too), and the demand CSV and XLSX exports, are fetched with the world's ids, and no response may carry a
participant's name, public id, SSN digits, date of birth, contact details or case-note text.

Two exceptions are deliberate and kept as narrow as the product allows; anything else fails:
- the employer representative sees, on the page of a cohort it hosts, the *name* of a graduate whose current consent
  shares their identity with that employer for an employer interview (DOMAIN.md §2: "sees a graduate's name only if
  that person consented to share with this employer"). The world's first participant completed the cohort and gave
  that consent, so the name must show there, and only there, and nothing else of them;
- provider staff keep the rosters of their own programs' cohorts (DOMAIN.md §2, the programs issue), so the roster
  routes show the name and public id of the people on them; never their SSN, birth date, contact details or notes,
  and no participant route of this issue answers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from partnerships.roles import Role
from tests.conftest import TenantSide, World
from tests.tenancy.harness import UncoveredRoute, response_text, tenant_routes

ROLES = (Role.FUNDER, Role.EMPLOYER_REP, Role.PROVIDER_STAFF)
# Where the employer may see an interview candidate's name (and nothing else of them).
EMPLOYER_INTERVIEW_ROUTES = frozenset({"programs:cohort-detail"})
# The roster routes of the programs issue, where provider staff read the name and public id of people on the rosters
# of their own programs' cohorts.
PROVIDER_ROSTER_ROUTES = frozenset({
    "programs:cohort-roster", "programs:enrollment-detail", "programs:session-attendance",
    "programs-api:cohort-enrollment-list", "programs-api:cohort-enrollment-detail",
    "programs-api:cohort-session-attendance", "programs-api:credential-award-list",
    "programs-api:credential-award-detail", "programs-api:skill-gain-list", "programs-api:skill-gain-detail",
})
EXTRA_URLS = ("/", "/workspaces/", "/api/v1/me/")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@dataclass
class Secrets:
    """What of a tenant's people must not show: identity (names, public ids) and the rest (PII and notes)."""

    identity: dict[str, list[str]] = field(default_factory=dict)  # public id -> its name strings
    public_ids: list[str] = field(default_factory=list)
    pii: list[str] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)


def secrets_of(side: TenantSide) -> Secrets:
    found = Secrets()
    for person in side.participants:
        found.identity[person.public_id] = [person.display_name, person.last_name]
        found.public_ids.append(person.public_id)
    first = side.participants[0]
    dob = side.date_of_birth
    assert dob is not None and side.ssn
    digits = side.ssn.replace("-", "")
    found.pii += [side.ssn, digits, f"{digits[3:5]}-{digits[5:]}", f"••-{digits[5:]}", dob.isoformat(),
                  dob.strftime("%m/%d/%Y"), f"{dob:%B} {dob.day}, {dob.year}", f"{dob:%b} {dob.day}, {dob.year}",
                  first.email, first.phone, *side.note_texts]
    found.patterns.append(re.compile(rf"\bssn_last4\b.{{0,6}}{digits[5:]}"))
    return found


def body_text(response: Any) -> str:
    """The text a response carries; a workbook or a PDF is unpacked into its text."""
    return response_text(response)


def urls_of(side: TenantSide) -> list[tuple[str, str, bool]]:
    """(route name, URL, is_api) for every tenant route with the side's ids, plus a few outside the tenant."""
    out = []
    for route in tenant_routes():
        try:
            objects = route.objects_of(side)
        except UncoveredRoute:  # test_every_tenant_route_is_covered_by_the_isolation_harness reports it
            continue
        out.append((route.name, route.url(convener_slug=side.convener.slug, objects=objects), route.is_api))
    out += [(url, url, url.startswith("/api/")) for url in EXTRA_URLS]
    return out


@dataclass
class Walk:
    statuses: dict[str, int]
    leaks: list[str]
    shown: dict[str, set[str]]  # route -> public ids whose identity showed there (allowed or not)


def walk(side: TenantSide, role: Role, client_for: Any, api_client_for: Any) -> Walk:
    user = side.users[role]
    page, api = client_for(user), api_client_for(user)
    secret = secrets_of(side)
    statuses: dict[str, int] = {}
    leaks: list[str] = []
    shown: dict[str, set[str]] = {}
    for name, url, is_api in urls_of(side):
        response = (api if is_api else page).get(url)
        statuses[name] = response.status_code
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        text = body_text(response)
        for value in secret.pii:
            if value and value in text:
                leaks.append(f"GET {url} ({name}) as {role} shows {value!r}")
        for pattern in secret.patterns:
            if pattern.search(text):
                leaks.append(f"GET {url} ({name}) as {role} shows the SSN's last four digits")
        for public_id, names in secret.identity.items():
            if public_id in text or any(n in text for n in names):
                shown.setdefault(name, set()).add(public_id)
    return Walk(statuses, leaks, shown)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_api_call_or_export_shows_a_person_to_the_funder_employer_or_provider(
    world: World, role: Role, client_for: Any, api_client_for: Any
) -> None:
    side = world.a
    result = walk(side, role, client_for, api_client_for)
    assert not result.leaks, "\n".join(result.leaks)
    consented = side.participants[0].public_id
    allowed: dict[str, set[str]] = {}
    if role == Role.EMPLOYER_REP:
        allowed = {name: {consented} for name in EMPLOYER_INTERVIEW_ROUTES}
    elif role == Role.PROVIDER_STAFF:
        allowed = {name: {p.public_id for p in side.participants} for name in PROVIDER_ROSTER_ROUTES}
    wrong = {name: ids - allowed.get(name, set()) for name, ids in result.shown.items()}
    wrong = {name: ids for name, ids in wrong.items() if ids}
    assert not wrong, f"{role} sees people on {sorted(wrong)}"


@pytest.mark.parametrize("role", ROLES)
def test_the_walk_reaches_the_roles_own_pages_and_every_participant_endpoint_refuses_it(
    world: World, role: Role, client_for: Any, api_client_for: Any
) -> None:
    """Not vacuous: the role does get 200 on its own pages and on the demand exports, while every page and API
    route of this issue refuses it."""
    result = walk(world.a, role, client_for, api_client_for)
    reached = [name for name, code in result.statuses.items() if code == 200]
    assert len(reached) >= 10, reached
    for export in ("employers:demand-export-csv", "employers:demand-export-xlsx"):
        assert result.statuses[export] == 200, (export, result.statuses[export])
    participant_routes = {name: code for name, code in result.statuses.items()
                          if name.startswith(("participants:", "participants-api:"))}
    # 405: a route that only takes POST (its GET is refused before anything is read)
    refused = {name: code for name, code in participant_routes.items() if code not in (403, 404, 405)}
    assert participant_routes and not refused, refused


def test_the_employer_sees_only_the_consented_graduates_name_and_only_on_its_cohorts_page(
    world: World, client_for: Any, api_client_for: Any
) -> None:
    """The exception above is real (the name shows) and narrow (one person, one page, the name alone)."""
    side = world.a
    result = walk(side, Role.EMPLOYER_REP, client_for, api_client_for)
    assert result.shown == {"programs:cohort-detail": {side.participants[0].public_id}}
    page = client_for(side.users[Role.EMPLOYER_REP]).get(f"/c/alpha/cohorts/{side.cohort.pk}/")  # type: ignore[union-attr]
    text = page.content.decode()
    assert side.participants[0].display_name in text
    assert side.participants[0].public_id not in text and side.participants[1].last_name not in text


def test_revoking_the_interview_consent_takes_the_name_off_the_employers_page(
    world: World, client_for: Any, api_client_for: Any
) -> None:
    from participants import services

    side = world.a
    owner = side.memberships[Role.CASE_MANAGER]
    assert side.employer_consent is not None
    services.consent_revoke(convener=side.convener, actor=owner.user, membership=owner, consent=side.employer_consent)
    result = walk(side, Role.EMPLOYER_REP, client_for, api_client_for)
    assert result.shown == {} and not result.leaks


def test_the_check_can_fail_the_owning_case_manager_does_see_the_person(world: World, client_for: Any,
                                                                       api_client_for: Any) -> None:
    """The same walk as the owning case manager finds the name, the public id, the last four SSN digits and a note:
    the strings the tests above look for are the ones the product shows to those allowed to see them."""
    side = world.a
    result = walk(side, Role.CASE_MANAGER, client_for, api_client_for)
    assert "participants-api:participant-detail" in result.shown
    assert "participants:record" in result.shown
    assert any("ssn_last4" in leak or "SSN" in leak for leak in result.leaks)
    assert any(side.note_texts[0] in leak for leak in result.leaks)


def test_the_ssn_and_case_notes_are_never_stored_in_clear(world: World) -> None:
    from django.db import connection

    for side in world.sides():
        person = side.participants[0]
        digits = side.ssn.replace("-", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT ssn, date_of_birth, ssn_hash FROM participants_participant WHERE id = %s",
                           [person.pk])
            ssn, dob, ssn_hash = cursor.fetchone()
            cursor.execute("SELECT text FROM participants_casenote WHERE participant_id = %s", [person.pk])
            notes = [row[0] for row in cursor.fetchall()]
        raw = " ".join(str(v) for v in (ssn, dob, ssn_hash))
        assert digits not in raw and side.ssn not in raw and digits[5:] not in raw
        assert side.date_of_birth is not None and str(side.date_of_birth.year) not in str(dob)
        assert len(notes) == 2
        for text in side.note_texts:
            assert all(text not in str(n) and side.marker not in str(n) for n in notes)


"""The participant pages cost the same number of queries for a short history as for a long one, and for 3 people
as for 30 (STYLE.md); no page costs more than 12.

The caseload is measured with 3 and with 30 people (each co-enrolled in two streams, on a cohort's roster, with a
placement and its checks); a person's record, tab by tab, with a short history and with one six times as long
(services, notes, placements with their checks, wages, cohorts with credentials and skill gains, consents).
Every count is exact: when a page legitimately changes, update the number here in the same commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from employers.models import CredentialType
from participants import services
from participants.models import Participant
from programs import services as program_services
from tests.participants.conftest import Agency, intake
from tests.participants.test_pages import NOW, Case, build_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("user_read_every_request")]

# Every page pays 1 query for the user (read again here: the test's own writes moved the write generation; the
# session comes from the cache) and 1 to resolve the tenant; the rest is its own.
# + cohort choices, the count, the page, 2 prefetches (streams, cohorts), the checks due; a case manager also the
# people consented to share with their organization (access.caseload_q)
CASELOAD_QUERIES = {"cm": 9, "admin": 8}
# A person's record: + the person, their funding streams (header, with the totals per stream); convener staff's
# views add the audit row.
RECORD_QUERIES = {
    # + the timeline (one UNION ALL over every table), the next check
    "record": 6,
    # + cohorts, credentials, skill gains, the cohorts open for placing, their programs' credentials
    "record-training": 9,
    # + the services
    "record-services": 5,
    # + placements and their checks, wages, employer choices, the person's cohorts
    "record-employment": 9,
    # + the notes
    "record-notes": 5,
    # + consents and their organizations, the organizations to choose from
    "record-consent": 7,
    # + nothing: the profile form
    "record-edit": 4,
}
AUDITED = 1  # convener staff: each view writes one audit row


def grow(case: Case, times: int) -> None:
    """``times`` more of everything in the person's record (as Goodwill's case manager)."""
    a, person = case.agency, case.person
    act = case.act()
    for n in range(times):
        day = date(2026, 2, 3) + timedelta(days=n)
        services.service_record(**act, participant=person, stream="wioa_adult" if n % 2 else "snap_et_50",
                                service_type="child_care" if n % 2 else "transportation", amount=f"{20 + n}.00",
                                provided_on=day, status="paid" if n % 3 else "requested")
        services.note_add(**act, participant=person, text=f"Follow-up call {n}.", noted_on=day, confidential=n % 2 == 1)
        placement = services.placement_record(**act, participant=person, occupation="31-1131",
                                              start_date=date(2025, 6, 2) + timedelta(days=n), hourly_wage="17.00",
                                              hours_per_week="30", employer_name=f"Golf Clinic {n}")
        services.retention_check_record(**act, check=placement.checks.get(milestone_days=90), employed=True,
                                        same_employer=True, current_wage="17.25",
                                        checked_on=date(2025, 9, 1) + timedelta(days=n))
        services.wage_record(**act, participant=person, year=2024 + n // 4, quarter=n % 4 + 1, wages="3000.00",
                             employer_fein=f"58-12345{n:02d}")
        services.consent_record(**act, participant=person, recipients=[a.dhs, a.employer], categories=["identity"],
                                purposes=["coordination"], signed_on=day)
        cohort = program_services.cohort_save(
            convener=a.convener, actor=a.admin, program=case.program, partnership=case.cohort.partnership,
            name=f"Golf Nurse Aide Extra {n}", start_date=date(2026, 1, 5), end_date=date(2026, 3, 27), seats=5,
            weekly_pattern={"0": "classroom"})
        seat = program_services.enrollment_add(**act, cohort=cohort, participant=person, on=date(2026, 1, 5))
        program_services.credential_award_record(**act, enrollment=seat, name=f"First Aid {n}", issuer="Red Cross",
                                                 ctdl_type=CredentialType.CERTIFICATION, awarded_on=date(2026, 2, 1))
        program_services.skill_gain_record(**act, enrollment=seat, gain_type="training_milestone",
                                           achieved_on=date(2026, 2, 2))


@pytest.fixture(params=[1, 6], ids=["short-history", "long-history"])
def history(request: pytest.FixtureRequest, agency: Agency, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    case = build_case(agency)
    grow(case, request.param)
    return case


def count(client: Any, page: str, django_assert_num_queries: Any, expected: int) -> str:
    client.get(page)  # warm per-process caches (content types, site)
    with django_assert_num_queries(expected):
        response = client.get(page)
    assert response.status_code == 200, page
    return response.content.decode()


@pytest.mark.parametrize("name", list(RECORD_QUERIES))
def test_each_tab_of_a_record_costs_the_same_for_a_short_and_a_long_history(
    history: Case, name: str, client_for: Any, django_assert_num_queries: Any
) -> None:
    case = history
    owner = count(client_for(case.agency.cm.user), case.record(name), django_assert_num_queries,
                  RECORD_QUERIES[name])
    assert "Dana Whitfield" in owner
    count(client_for(case.agency.admin), case.record(name), django_assert_num_queries,
          RECORD_QUERIES[name] + AUDITED)
    assert RECORD_QUERIES[name] + AUDITED <= 12


def test_the_timeline_holds_the_whole_history_in_one_query(history: Case, client_for: Any,
                                                             django_assert_num_queries: Any) -> None:
    page = count(client_for(history.agency.cm.user), history.record(), django_assert_num_queries,
                 RECORD_QUERIES["record"])
    placements = Participant.objects.for_convener(history.agency.convener).get(pk=history.person.pk).placements
    assert page.count('class="timeline-item timeline-placement"') == placements.count()
    assert page.count("timeline-credential") == page.count("timeline-gain") > 0


# ---------------------------------------------------------------------------
# The caseload
# ---------------------------------------------------------------------------
def populate(case: Case, people: int) -> None:
    """``people`` more people of Goodwill: two streams, a seat in the cohort (the first 8), a placement with its
    checks (their day 90 check is overdue)."""
    a = case.agency
    act = case.act()
    for n in range(people):
        person = intake(a, first_name=f"Robin{n}", last_name=f"Caseload{n:02d}", ssn=f"321-54-{1000 + n:04d}",
                        date_of_birth=date(1980, 1, 1) + timedelta(days=n),
                        streams=[{"stream": "snap_et_50", "entry_date": date(2026, 1, 5)},
                                 {"stream": "wioa_adult", "entry_date": date(2026, 1, 6)}])
        if n < 8:  # the cohort has 10 seats
            program_services.enrollment_add(**act, cohort=case.cohort, participant=person, on=date(2026, 1, 26))
        services.placement_record(**act, participant=person, occupation="31-1131", start_date=date(2025, 12, 1),
                                  hourly_wage="16.00", hours_per_week="40", employer=a.employer)


@pytest.fixture(params=[2, 29], ids=["3-people", "30-people"])
def caseload(request: pytest.FixtureRequest, agency: Agency, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    case = build_case(agency)
    populate(case, request.param)
    return case


@pytest.mark.parametrize("who", ["cm", "admin"])
def test_the_caseload_costs_the_same_for_3_and_30_people(caseload: Case, who: str, client_for: Any,
                                                          django_assert_num_queries: Any) -> None:
    a = caseload.agency
    user = a.cm.user if who == "cm" else a.admin
    people = Participant.objects.for_convener(a.convener).count()
    page = count(client_for(user), caseload.url("caseload"), django_assert_num_queries, CASELOAD_QUERIES[who])
    shown = min(people, 50)
    assert page.count('class="fw-semibold" href="/c/golf/participants/') >= shown
    assert page.count("stream-badge") >= 2 * shown - 1
    filtered = count(client_for(user), caseload.url("caseload", "stream=wioa_adult&overdue=on&q=caseload"),
                     django_assert_num_queries, CASELOAD_QUERIES[who])
    assert "Robin0 Caseload00" in filtered

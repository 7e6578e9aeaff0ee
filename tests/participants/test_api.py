"""The participants API: the caseload and a person's record as far as the caller may see it (the SSN is write-only,
its last four digits and the birth date go to the record's owners only, every retrieve is audited), writes through
the services with their rules, bad input and other tenants' ids are 400s that save nothing, a possible duplicate is a
409 until confirmed, imports run from an upload, and every list costs a fixed number of queries."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants import services
from participants.models import (
    CaseNote,
    Consent,
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
)
from partnerships.models import AuditEvent, Convener, Membership, Organization
from partnerships.roles import OrganizationType, Role
from tests.conftest import World
from tests.factories import (
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    add_note,
    enroll_stream,
    record_consent,
    record_placement,
    record_service,
    record_wage,
    run_import,
)

API = "/api/v1/c/alpha"
TODAY = date(2026, 1, 15)
NO_PARTICIPANT_DATA = (Role.FUNDER, Role.EMPLOYER_REP, Role.PROVIDER_STAFF)
LISTS = ("participants/", "stream-enrollments/", "consents/", "services/", "notes/", "placements/",
         "retention-checks/", "wages/", "imports/")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Every test runs on Jan 15, 2026 (the world's placement started Apr 14, 2025: its day-180 check is overdue,
    its day-365 check is still to come)."""
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return TODAY


@pytest.fixture
def cm(world: World, api_client_for: Callable[[Any], Any]) -> Any:
    """Alpha's case manager (the community organization, which owns the world's participants)."""
    return api_client_for(world.a.users[Role.CASE_MANAGER])


@pytest.fixture
def admin(world: World, api_client_for: Callable[[Any], Any]) -> Any:
    return api_client_for(world.a.admin)


def rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]  # type: ignore[no-any-return]


def counts(*models: type) -> tuple[int, ...]:
    return tuple(m.unscoped.count() for m in models)  # type: ignore[attr-defined]


EVERYTHING = (Participant, StreamEnrollment, Consent, SupportiveService, CaseNote, Placement, RetentionCheck,
              QuarterlyWage, ImportJob)


# ---------------------------------------------------------------------------------------------------
# The caseload and the record
# ---------------------------------------------------------------------------------------------------
def test_the_caseload_lists_the_case_managers_people_with_co_enrollment_cohort_and_next_check(world: World,
                                                                                             cm: Any) -> None:
    people = {p["public_id"]: p for p in rows(cm.get(f"{API}/participants/"))}
    first, second = world.a.participants
    assert set(people) == {first.public_id, second.public_id}
    row = people[first.public_id]
    assert row["display_name"] == "Jordan Alpha-Rivera" and row["owner"] is True
    assert [s["stream"]["code"] for s in row["streams"]] == ["snap_et_50", "wioa_adult"]
    assert row["current_cohort"]["cohort"] == "Alpha Nurse Aide Winter 2025"
    assert row["current_cohort"]["status"] == "completed"
    assert row["next_check_due"] == "2025-10-11"  # day 180 after Apr 14, 2025: the day-90 check was recorded
    assert "ssn" not in json.dumps(row) and "date_of_birth" not in row


def test_the_caseload_filters_by_status_stream_cohort_overdue_follow_up_and_search(world: World, cm: Any) -> None:
    first, second = world.a.participants

    def ids(query: str) -> set[str]:
        return {p["public_id"] for p in rows(cm.get(f"{API}/participants/?{query}"))}

    assert ids("stream=wioa_adult") == {first.public_id}
    assert ids("stream=tanf") == set()
    assert ids(f"cohort={world.a.cohort.pk}") == {first.public_id, second.public_id}  # type: ignore[union-attr]
    assert ids(f"cohort={world.b.cohort.pk}") == set()  # type: ignore[union-attr]
    assert ids("overdue=true") == {first.public_id}
    assert ids("status=active") == {first.public_id, second.public_id}
    assert ids("status=exited") == set()
    assert ids("search=okafor") == {second.public_id}
    assert ids(f"search={first.public_id}") == {first.public_id}
    bad = cm.get(f"{API}/participants/?status=sleeping&cohort=x")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "cohort"}


def test_the_record_shows_the_last_four_ssn_digits_and_birth_date_to_its_owners_never_the_ssn(
    world: World, cm: Any, admin: Any
) -> None:
    person = world.a.participants[0]
    for client in (cm, admin):
        response = client.get(f"{API}/participants/{person.pk}/")
        assert response.status_code == 200
        record = response.json()
        assert record["ssn_last4"] == "6701" and record["date_of_birth"] == "1990-05-14"
        assert "ssn" not in record
        body = response.content.decode()
        assert "123-45-6701" not in body and "123456701" not in body and "12345" not in body
        assert record["benefits"] == ["snap"] and record["snap_participation"] == "voluntary"
        assert record["barriers"] == ["low_income", "single_parent", "child_care"]
        assert {t["code"]: t["amount"] for t in record["service_totals"]} == {"snap_et_50": "45.00",
                                                                              "wioa_adult": "320.00"}
        assert record["credentials"][0]["name"] == "Alpha state nurse aide certification"
        assert record["next_check"]["milestone_days"] == 180
        assert set(record["sees"]) == set(Consent.CATEGORIES)


def test_every_retrieve_of_a_person_is_audited_as_an_api_view(world: World, admin: Any) -> None:
    person = world.a.participants[0]
    before = AuditEvent.unscoped.filter(target_id=str(person.pk), action="participant.view").count()
    assert admin.get(f"{API}/participants/{person.pk}/").status_code == 200
    events = AuditEvent.unscoped.filter(target_id=str(person.pk), action="participant.view")
    assert events.count() == before + 1
    event = events.order_by("-pk").first()
    assert event is not None and event.source == "api" and event.actor == world.a.admin


@pytest.mark.parametrize("role", NO_PARTICIPANT_DATA)
def test_funders_employers_and_providers_are_refused_every_participant_endpoint(world: World, role: Role,
                                                                              api_client_for: Any) -> None:
    client = api_client_for(world.a.users[role])
    for path in LISTS:
        assert client.get(f"{API}/{path}").status_code == 403, path
    assert client.get(f"{API}/participants/{world.a.participants[0].pk}/").status_code == 403
    assert client.post(f"{API}/participants/", {"first_name": "A", "last_name": "B"}).status_code == 403
    assert client.get(f"{API}/imports/template/?kind=participants").status_code == 403


def test_strangers_get_404_and_another_tenants_people_are_not_found(world: World, api_client_for: Any,
                                                                    cm: Any) -> None:
    assert api_client_for(world.stranger).get(f"{API}/participants/").status_code == 404
    assert cm.get(f"{API}/participants/{world.b.participants[0].pk}/").status_code == 404
    assert cm.get(f"{API}/placements/{world.b.placement.pk}/").status_code == 404  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------------
# Intake and profile changes
# ---------------------------------------------------------------------------------------------------
INTAKE = {
    "first_name": "Avery", "last_name": "Alpha-Mendez", "ssn": "234-56-7890", "date_of_birth": "1996-02-29",
    "email": "avery@alpha-mail.example", "sex": "female", "race": "black", "education_at_entry": "hse",
    "employment_status_at_entry": "not_employed", "barriers": ["low_income", "no_transportation"],
    "benefits": ["snap"], "snap_participation": "mandatory", "abawd": True,
    "streams": [{"stream": "snap_et_50", "entry_date": "2026-01-05"}, {"stream": "wioa_adult"}],
}


def test_intake_creates_a_co_enrolled_person_and_never_returns_or_stores_the_ssn(world: World, cm: Any) -> None:
    response = cm.post(f"{API}/participants/", INTAKE)
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["ssn_last4"] == "7890" and "ssn" not in record and "234-56" not in response.content.decode()
    assert record["organization"]["id"] == world.a.orgs[OrganizationType.COMMUNITY_ORG].pk
    assert record["case_manager"] == "Alpha Case manager"
    assert [(s["stream"]["code"], s["entry_date"]) for s in record["streams"]] == [
        ("snap_et_50", "2026-01-05"), ("wioa_adult", "2026-01-15")]
    assert record["barriers"] == ["low_income", "no_transportation"] and record["abawd"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, date_of_birth, ssn_hash FROM participants_participant WHERE id = %s",
                       [record["id"]])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "7890" not in raw and "234567890" not in raw and "1996" not in raw


def test_a_possible_duplicate_is_a_409_with_the_candidates_until_confirmed(world: World, cm: Any) -> None:
    person = world.a.participants[0]
    same = {"first_name": "JORDAN", "last_name": "Alpha-Rivera", "date_of_birth": "1990-05-14"}
    before = counts(*EVERYTHING)
    response = cm.post(f"{API}/participants/", same)
    assert response.status_code == 409
    body = response.json()
    assert body["candidates"] == [{"public_id": person.public_id, "readable": True}]
    assert body["confirm_duplicate"] is True and person.public_id in body["detail"]
    assert counts(*EVERYTHING) == before
    retry = cm.post(f"{API}/participants/", {**same, "confirm_duplicate": True})
    assert retry.status_code == 201 and retry.json()["public_id"] != person.public_id


def test_a_candidate_the_caller_cannot_read_is_named_by_public_id_only(world: World, api_client_for: Any) -> None:
    other = other_case_manager(world)
    response = api_client_for(other.user).post(f"{API}/participants/", {
        "first_name": "Jordan", "last_name": "Alpha-Rivera", "date_of_birth": "1990-05-14"})
    assert response.status_code == 409
    assert response.json()["candidates"] == [{"public_id": world.a.participants[0].public_id, "readable": False}]
    assert "Alpha Goodwill" not in response.content.decode()


@pytest.mark.parametrize(("body", "field"), [
    ({"ssn": "123-45-678"}, "ssn"),  # eight digits
    ({"ssn": "666-12-3456"}, "ssn"),  # never issued
    ({"ssn": "123-45-6701"}, "ssn"),  # already on file: the world's first participant
    ({"date_of_birth": "2020-01-01"}, "date_of_birth"),
    ({"snap_participation": "voluntary"}, "snap_participation"),  # not a SNAP recipient
    ({"streams": [{"stream": "snap_et_50"}]}, "stream"),  # SNAP E&T without SNAP at entry: the intake rolls back
    ({"streams": [{"stream": "lottery"}]}, "streams"),
    ({"barriers": ["unlucky"]}, "barriers"),
    ({"organization": "not-a-number"}, "organization"),
    ({"first_name": ""}, "first_name"),
])
def test_bad_intake_is_a_400_naming_the_field_and_saves_nothing(world: World, cm: Any, body: dict[str, Any],
                                                               field: str) -> None:
    before = counts(*EVERYTHING)
    response = cm.post(f"{API}/participants/", {"first_name": "Quinn", "last_name": "Alpha-Lee", **body})
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts(*EVERYTHING) == before


def test_the_owner_updates_the_profile_and_an_ssn_of_another_record_is_refused(world: World, cm: Any) -> None:
    second = world.a.participants[1]
    response = cm.patch(f"{API}/participants/{second.pk}/", {"phone": "765-555-0199", "benefits": ["tanf"]})
    assert response.status_code == 200, response.content
    assert response.json()["benefits"] == ["tanf"] and response.json()["phone"] == "765-555-0199"
    refused = cm.patch(f"{API}/participants/{second.pk}/", {"ssn": "123-45-6701"})
    assert refused.status_code == 400 and "ssn" in refused.json()
    assert Participant.objects.for_convener(world.a.convener).get(pk=second.pk).ssn is None


def test_a_reader_under_consent_cannot_change_the_record(world: World, api_client_for: Any) -> None:
    college_cm = case_manager_at(world, world.a.orgs[OrganizationType.COLLEGE])
    client = api_client_for(college_cm.user)
    person = world.a.participants[0]
    assert client.get(f"{API}/participants/{person.pk}/").status_code == 200
    assert client.patch(f"{API}/participants/{person.pk}/", {"phone": "1"}).status_code == 403
    assert client.post(f"{API}/stream-enrollments/", {"participant": person.pk, "stream": "tanf"}).status_code == 403


# ---------------------------------------------------------------------------------------------------
# Funding streams, services, consents, notes
# ---------------------------------------------------------------------------------------------------
def test_co_enrollment_and_a_recorded_exit(world: World, cm: Any) -> None:
    second = world.a.participants[1]
    cm.patch(f"{API}/participants/{second.pk}/", {"benefits": ["tanf"]})
    created = cm.post(f"{API}/stream-enrollments/", {"participant": second.pk, "stream": "tanf",
                                                     "entry_date": "2025-12-01"})
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["stream"]["code"] == "tanf" and row["is_open"] is True
    before = cm.post(f"{API}/stream-enrollments/{row['id']}/exit/", {"exit_date": "2025-11-30", "reason": "moved"})
    assert before.status_code == 400 and "exit_date" in before.json()
    exited = cm.post(f"{API}/stream-enrollments/{row['id']}/exit/", {"exit_date": "2026-01-10", "reason": "moved"})
    assert exited.status_code == 200 and exited.json()["exit_source"] == "recorded"
    again = cm.post(f"{API}/stream-enrollments/{row['id']}/exit/", {"exit_date": "2026-01-12", "reason": "moved"})
    assert again.status_code == 400
    assert cm.get(f"{API}/participants/{second.pk}/").json()["status"] == "exited"
    listed = rows(cm.get(f"{API}/stream-enrollments/?participant={world.a.participants[0].pk}&open=true"))
    assert [r["stream"]["code"] for r in listed] == ["snap_et_50", "wioa_adult"]


def test_a_service_is_paid_from_a_stream_the_person_is_in_and_the_totals_follow(world: World, cm: Any) -> None:
    person = world.a.participants[0]
    before = counts(SupportiveService)
    wrong = cm.post(f"{API}/services/", {"participant": person.pk, "stream": "tanf", "service_type": "tools",
                                         "amount": "80.00", "provided_on": "2026-01-12"})
    assert wrong.status_code == 400 and "stream" in wrong.json()
    assert "not enrolled" in wrong.json()["stream"][0]
    negative = cm.post(f"{API}/services/", {"participant": person.pk, "stream": "wioa_adult", "service_type": "tools",
                                            "amount": "-5", "provided_on": "2026-01-12"})
    assert negative.status_code == 400 and "amount" in negative.json()
    assert counts(SupportiveService) == before
    made = cm.post(f"{API}/services/", {"participant": person.pk, "stream": "wioa_adult", "service_type": "tools",
                                        "amount": "80.00", "provided_on": "2026-01-12", "vendor": "Alpha Hardware"})
    assert made.status_code == 201 and made.json()["status"] == "requested"
    service = made.json()["id"]
    assert cm.post(f"{API}/services/{service}/status/", {"status": "paid"}).status_code == 400
    assert cm.post(f"{API}/services/{service}/status/", {"status": "approved"}).json()["status"] == "approved"
    totals = cm.get(f"{API}/participants/{person.pk}/").json()["service_totals"]
    assert {t["code"]: t["amount"] for t in totals} == {"snap_et_50": "45.00", "wioa_adult": "400.00"}
    listed = rows(cm.get(f"{API}/services/?participant={person.pk}&stream=snap_et_50"))
    assert [r["service_type"] for r in listed] == ["transportation"]


def test_consents_are_recorded_refused_without_recipients_and_revoked(world: World, cm: Any) -> None:
    person = world.a.participants[1]
    before = counts(Consent)
    empty = cm.post(f"{API}/consents/", {"participant": person.pk, "recipients": [], "categories": ["identity"],
                                         "purposes": ["coordination"], "signed_on": "2026-01-10"})
    assert empty.status_code == 400 and "recipients" in empty.json()
    assert counts(Consent) == before
    made = cm.post(f"{API}/consents/", {"participant": person.pk,
                                        "recipients": [world.a.orgs[OrganizationType.COLLEGE].pk],
                                        "categories": ["identity", "credentials"], "purposes": ["coordination"],
                                        "signed_on": "2026-01-10", "expires_on": "2026-12-31"})
    assert made.status_code == 201, made.content
    assert made.json()["current"] is True and made.json()["categories"] == ["identity", "credentials"]
    revoked = cm.post(f"{API}/consents/{made.json()['id']}/revoke/", {"note": "asked by phone"})
    assert revoked.status_code == 200 and revoked.json()["current"] is False and revoked.json()["revoked_at"]
    assert cm.post(f"{API}/consents/{made.json()['id']}/revoke/", {}).status_code == 400


def test_a_confidential_note_stays_inside_its_authors_organization(world: World, cm: Any, admin: Any) -> None:
    note, secret = world.a.note, world.a.confidential_note
    assert note is not None and secret is not None
    assert {r["id"] for r in rows(cm.get(f"{API}/notes/"))} == {note.pk, secret.pk}
    assert {r["id"] for r in rows(admin.get(f"{API}/notes/"))} == {note.pk}
    assert admin.get(f"{API}/notes/{secret.pk}/").status_code == 404
    made = cm.post(f"{API}/notes/", {"participant": world.a.participants[1].pk, "text": "Alpha: called about shifts",
                                     "confidential": True})
    assert made.status_code == 201 and made.json()["author"] == "Alpha Case manager"
    assert cm.post(f"{API}/notes/", {"participant": world.a.participants[1].pk, "text": " "}).status_code == 400


# ---------------------------------------------------------------------------------------------------
# Placements, checks, wages
# ---------------------------------------------------------------------------------------------------
def test_a_placement_schedules_three_checks_and_a_check_is_recorded(world: World, cm: Any) -> None:
    second = world.a.participants[1]
    made = cm.post(f"{API}/placements/", {"participant": second.pk, "employer": world.a.orgs["employer"].pk,
                                          "occupation": "31-1131", "start_date": "2025-12-01", "hourly_wage": "16.75",
                                          "hours_per_week": "32", "placement_type": "ojt"})
    assert made.status_code == 201, made.content
    placement = made.json()
    assert placement["employer_name"] == "Alpha Regional Hospital"
    assert [(c["milestone_days"], c["due_on"]) for c in placement["checks"]] == [
        (90, "2026-03-01"), (180, "2026-05-30"), (365, "2026-12-01")]
    check = placement["checks"][0]["id"]
    early = cm.post(f"{API}/retention-checks/{check}/record/", {"employed": True, "same_employer": True,
                                                               "current_wage": "17.00", "checked_on": "2025-11-01"})
    assert early.status_code == 400 and "checked_on" in early.json()
    done = cm.post(f"{API}/retention-checks/{check}/record/", {"employed": True, "same_employer": False,
                                                              "current_wage": "18.00", "checked_on": "2026-01-14"})
    assert done.status_code == 200 and done.json()["checked_on"] == "2026-01-14"
    overdue = rows(cm.get(f"{API}/retention-checks/?overdue=true"))
    assert [(r["participant"]["public_id"], r["milestone_days"]) for r in overdue] == [
        (world.a.participants[0].public_id, 180)]


def test_a_placement_with_an_unknown_soc_code_is_refused_and_schedules_nothing(world: World, cm: Any) -> None:
    before = counts(Placement, RetentionCheck)
    response = cm.post(f"{API}/placements/", {"participant": world.a.participants[1].pk, "employer_name": "Alpha Diner",
                                              "occupation": "99-9999", "start_date": "2025-12-01",
                                              "hourly_wage": "15.00", "hours_per_week": "30"})
    assert response.status_code == 400 and "occupation" in response.json()
    assert counts(Placement, RetentionCheck) == before


def test_wages_are_recorded_once_per_quarter_and_employer(world: World, cm: Any) -> None:
    person = world.a.participants[0]
    again = cm.post(f"{API}/wages/", {"participant": person.pk, "year": 2025, "quarter": 3, "wages": "100.00",
                                      "employer_fein": "351234567"})
    assert again.status_code == 400 and "quarter" in again.json()
    future = cm.post(f"{API}/wages/", {"participant": person.pk, "year": 2026, "quarter": 3, "wages": "100.00"})
    assert future.status_code == 400 and "year" in future.json()
    made = cm.post(f"{API}/wages/", {"participant": person.pk, "year": 2025, "quarter": 4, "wages": "9100.00",
                                     "employer_fein": "351234567"})
    assert made.status_code == 201 and made.json()["employer_fein"] == "35-1234567"


# ---------------------------------------------------------------------------------------------------
# Another tenant's ids in a body are "no such object", and nothing is saved
# ---------------------------------------------------------------------------------------------------
def foreign_bodies(world: World) -> list[tuple[str, dict[str, Any], str]]:
    a, b = world.a, world.b
    mine = a.participants[1].pk
    return [
        ("stream-enrollments/", {"participant": b.participants[1].pk, "stream": "wioa_adult"}, "participant"),
        ("services/", {"participant": b.participants[0].pk, "stream": "snap_et_50", "service_type": "books",
                       "amount": "10", "provided_on": "2025-12-01"}, "participant"),
        ("consents/", {"participant": mine, "recipients": [b.orgs[OrganizationType.COLLEGE].pk],
                       "categories": ["identity"], "purposes": ["coordination"], "signed_on": "2026-01-01"},
         "recipients"),
        ("notes/", {"participant": b.participants[0].pk, "text": "Alpha: hello"}, "participant"),
        ("placements/", {"participant": mine, "employer": b.orgs["employer"].pk, "occupation": "31-1131",
                         "start_date": "2025-12-01", "hourly_wage": "16", "hours_per_week": "40"}, "employer"),
        ("placements/", {"participant": mine, "employer_name": "Alpha Diner", "occupation": "31-1131",
                         "cohort_enrollment": b.enrollments[1].pk, "start_date": "2025-12-01", "hourly_wage": "16",
                         "hours_per_week": "40"}, "cohort_enrollment"),
        ("wages/", {"participant": b.participants[0].pk, "year": 2025, "quarter": 1, "wages": "10"}, "participant"),
        ("participants/", {"first_name": "Noa", "last_name": "Alpha-Park",
                           "organization": b.orgs[OrganizationType.COMMUNITY_ORG].pk}, "organization"),
    ]


def test_another_tenants_ids_in_a_body_are_a_400_naming_the_field_and_nothing_is_saved(world: World,
                                                                                     admin: Any) -> None:
    before = counts(*EVERYTHING)
    for path, body, field in foreign_bodies(world):
        response = admin.post(f"{API}/{path}", body)
        assert response.status_code == 400, (path, response.content)
        assert field in response.json(), (path, response.json())
        assert "Beta" not in response.content.decode(), path
    assert counts(*EVERYTHING) == before


def test_a_person_the_caller_may_not_read_is_no_such_object_in_a_body(world: World, api_client_for: Any) -> None:
    other = other_case_manager(world)
    response = api_client_for(other.user).post(f"{API}/notes/", {"participant": world.a.participants[0].pk,
                                                                  "text": "Alpha: hi"})
    assert response.status_code == 400 and "participant" in response.json()


# ---------------------------------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------------------------------
def upload(rows_: list[list[str]], kind: str, name: str = "alpha-upload.csv") -> SimpleUploadedFile:
    from participants.imports import TEMPLATES

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATES[kind])
    writer.writerows(rows_)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def test_an_uploaded_file_is_queued_imported_and_its_job_shows_status_and_progress(
    world: World, cm: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = world.a.participants[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = cm.post(f"{API}/imports/", {"kind": "wages", "file": upload(
            [[person.public_id, "2025", "4", "2100.00", "", "ui_match"]], "wages")}, format="multipart")
    assert response.status_code == 202, response.content
    job = cm.get(f"{API}/imports/{response.json()['id']}/").json()
    assert (job["status"], job["progress"], job["imported_rows"], job["errors"]) == ("succeeded", 100, 1, [])
    assert "payload" not in job
    assert QuarterlyWage.objects.for_convener(world.a.convener).filter(participant=person, quarter=4).exists()


def test_a_file_with_one_bad_row_imports_nothing_and_reports_the_row_and_column(
    world: World, cm: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = world.a.participants[1]
    before = counts(QuarterlyWage)
    with django_capture_on_commit_callbacks(execute=True):
        response = cm.post(f"{API}/imports/", {"kind": "wages", "file": upload(
            [[person.public_id, "2025", "4", "2100.00", "", "ui_match"],
             [person.public_id, "2025", "9", "2100.00", "", "ui_match"]], "wages")}, format="multipart")
    job = cm.get(f"{API}/imports/{response.json()['id']}/").json()
    assert job["status"] == "failed" and job["imported_rows"] == 0
    assert job["errors"] == [{"row": 3, "column": "quarter", "message": "A quarter is 1, 2, 3 or 4."}]
    assert counts(QuarterlyWage) == before


def test_an_upload_that_is_not_a_csv_or_xlsx_is_refused(world: World, cm: Any) -> None:
    before = counts(ImportJob)
    text = SimpleUploadedFile("alpha.txt", b"first_name\nAna\n", content_type="text/plain")
    response = cm.post(f"{API}/imports/", {"kind": "participants", "file": text}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    missing = cm.post(f"{API}/imports/", {"kind": "participants"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    assert counts(ImportJob) == before


def test_the_import_templates_are_listed_and_downloaded_as_csv(world: World, cm: Any) -> None:
    index = cm.get(f"{API}/imports/template/")
    assert index.status_code == 200
    assert [t["kind"] for t in index.json()] == ["participants", "enrollments", "placements", "wages"]
    assert index.json()[3]["url"].endswith("/api/v1/c/alpha/imports/template/?kind=wages")
    response = cm.get(f"{API}/imports/template/?kind=wages")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0]
    assert header == "public_id,year,quarter,wages,employer_fein,source"
    assert cm.get(f"{API}/imports/template/?kind=pets").status_code == 400


def test_case_managers_see_their_own_imports_and_convener_staff_all(world: World, api_client_for: Any,
                                                                    admin: Any) -> None:
    other = other_case_manager(world)
    mine = run_import(membership=other, kind="wages", filename="alpha-mine.csv",
                      rows=[["P-NOSUCH22", "2025", "1", "10", "", "ui_match"]])
    assert {j["id"] for j in rows(api_client_for(other.user).get(f"{API}/imports/"))} == {mine.pk}
    assert {j["id"] for j in rows(admin.get(f"{API}/imports/"))} == {mine.pk, world.a.import_job.pk}  # type: ignore[union-attr]
    assert api_client_for(other.user).get(f"{API}/imports/{world.a.import_job.pk}/").status_code == 404  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------------
# Every list costs a fixed number of queries
# ---------------------------------------------------------------------------------------------------
def case_manager_at(world: World, organization: Organization) -> Membership:
    user = UserFactory(email=f"cm.{organization.pk}@alpha.example", full_name=f"Alpha CM {organization.pk}")
    return MembershipFactory(convener=world.a.convener, user=user, role=Role.CASE_MANAGER, organization=organization)


def other_case_manager(world: World) -> Membership:
    """A case manager of a human-services agency of Alpha that no consent of the world names."""
    dhs = OrganizationFactory(convener=world.a.convener, org_type=OrganizationType.HUMAN_SERVICES,
                              name="Alpha County DHS", actor=world.a.admin)
    return case_manager_at(world, dhs)


# (path, queries as convener staff, queries as a case manager reading other organizations' people under consent)
EXPECTED_QUERIES = {
    # the membership, the count, the page (+ its prefetches); for the reader, the people consented to share with
    # its organization (access.caseload_q), its consents and one audit insert
    "participants/": (5, 8),
    "stream-enrollments/": (3, 4),
    "consents/": (4, 2),  # the reader owns none: nothing to page
    "services/": (3, 4),
    "notes/": (3, 4),
    "placements/": (4, 5),
    "retention-checks/": (3, 4),
    "wages/": (3, 4),
    "imports/": (3, 3),
}
MANY = 6


@pytest.fixture
def gamma(db: None, frozen_today: date) -> dict[str, Any]:
    """A third tenant: a community organization's case manager keeps people with every kind of row; each consents
    to share everything with a college whose case manager reads them."""
    from tests.oews import load_oews_extract

    load_oews_extract()
    convener: Convener = ConvenerFactory(name="Gamma Workforce Board", slug="gamma")
    admin = UserFactory(email="admin@gamma.example", full_name="Gamma Admin")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    goodwill = OrganizationFactory(convener=convener, org_type=OrganizationType.COMMUNITY_ORG, actor=admin)
    college = OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, actor=admin)
    employer = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, actor=admin)
    cm = MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=goodwill)
    reader = MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=college)
    state: dict[str, Any] = {"admin": admin, "cm": cm, "reader": reader, "n": 0}

    def grow(count: int) -> None:
        for _ in range(count):
            n = state["n"] = state["n"] + 1
            person = services.participant_intake(
                convener=convener, actor=cm.user, membership=cm, first_name="Kai", last_name=f"Gamma-{n}",
                ssn=f"345-67-{1000 + n}", date_of_birth=date(1990, 1, n), benefit_snap=True)
            for code in ("snap_et_50", "wioa_adult"):
                enroll_stream(person, code, membership=cm, entry_date=date(2025, 6, 2))
            record_consent(person, membership=cm, recipients=[college], categories=list(Consent.CATEGORIES),
                           purposes=["coordination"], signed_on=date(2025, 6, 2))
            record_service(person, membership=cm, stream="snap_et_50", service_type="books", amount="20",
                           provided_on=date(2025, 6, 9))
            add_note(person, membership=cm, text=f"Gamma note {n}", noted_on=date(2025, 6, 9))
            record_placement(person, membership=cm, employer=employer, occupation="31-1131",
                             start_date=date(2025, 7, 1), hourly_wage="17.00")
            record_wage(person, membership=cm, year=2025, quarter=3, wages="5000")
            for who in (cm, reader):
                run_import(membership=who, kind="wages", filename=f"gamma-{n}.csv",
                           rows=[[person.public_id, "2025", "2", "10", f"12-345{n:04d}", "supplemental"]])

    state["grow"] = grow
    return state


def _count(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries), response.json()["count"]


def test_every_list_costs_the_same_few_queries_for_one_row_as_for_many(gamma: dict[str, Any],
                                                                       api_client_for: Any) -> None:
    clients = (api_client_for(gamma["admin"]), api_client_for(gamma["reader"].user))

    def measure() -> dict[str, tuple[int, int]]:
        return {path: tuple(_count(client, f"/api/v1/c/gamma/{path}")[0] for client in clients)  # type: ignore[misc]
                for path in EXPECTED_QUERIES}

    gamma["grow"](1)
    few = measure()
    gamma["grow"](MANY)
    many = measure()
    assert few == EXPECTED_QUERIES
    assert many == EXPECTED_QUERIES
    assert max(n for pair in EXPECTED_QUERIES.values() for n in pair) <= 8
    assert _count(clients[1], "/api/v1/c/gamma/participants/")[1] == 1 + MANY
    assert _count(clients[1], "/api/v1/c/gamma/retention-checks/")[1] == 3 * (1 + MANY)


def test_a_cross_organization_list_writes_one_audit_event_per_person_read(gamma: dict[str, Any],
                                                                          api_client_for: Any) -> None:
    gamma["grow"](3)
    before = AuditEvent.unscoped.filter(action="participant.view_cross_org").count()
    assert len(rows(api_client_for(gamma["reader"].user).get("/api/v1/c/gamma/services/"))) == 3
    assert AuditEvent.unscoped.filter(action="participant.view_cross_org").count() == before + 3
    owner_before = AuditEvent.unscoped.count()
    rows(api_client_for(gamma["cm"].user).get("/api/v1/c/gamma/services/"))
    assert AuditEvent.unscoped.count() == owner_before  # the owner's own people: no cross-organization read


def test_list_rows_carry_money_as_decimal_strings(world: World, cm: Any) -> None:
    service = rows(cm.get(f"{API}/services/?stream=snap_et_50"))[0]
    assert Decimal(service["amount"]) == Decimal("45.00") and service["vendor"] == "Alpha Transit Authority"

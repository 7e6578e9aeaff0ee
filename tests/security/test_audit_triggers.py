"""The audit floor in PostgreSQL (partnerships/rls.py, dbsecurity migration): every write to a table of participant
data leaves one "db.*" audit event per row, bulk writes and imports included, naming the acting user and, for an
update, the changed columns, never a value. And every view of a person's record and every PII export is audited by
the application (the routes are walked, so a new one is checked without anyone remembering it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.models import Max

from participants import selectors, services
from participants.imports import TEMPLATES
from participants.models import ImportJob, Participant
from partnerships import rls
from partnerships.models import AuditEvent
from partnerships.permissions import Action
from partnerships.roles import Role
from tests.conftest import World
from tests.factories import run_import
from tests.tenancy.harness import response_text, tenant_routes

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the audit triggers are PostgreSQL's; SQLite has none (the app audits)")

# Values that must never reach the audit log: names, an SSN, a birth date, an email address, a phone number.
FIRST, LAST, SSN, DOB = "Zephyrine", "Quillfeather", "219-55-0142", date(1987, 11, 23)
EMAIL, PHONE = "zephyrine.q@example.org", "404-555-0199"


class Trail:
    """The audit events written since it was opened."""

    def __init__(self) -> None:
        self.since = AuditEvent.unscoped.aggregate(top=Max("pk"))["top"] or 0

    def events(self, **filters: Any) -> list[AuditEvent]:
        return list(AuditEvent.unscoped.filter(pk__gt=self.since, **filters).order_by("pk"))

    def db(self, table: str, operation: str, ids: list[int] | None = None) -> list[AuditEvent]:
        found = self.events(source="db", action=f"db.{table}.{operation}")
        return [e for e in found if ids is None or int(e.target_id) in ids]


@pytest.fixture
def acting(world: World) -> Iterator[Any]:
    """A's convener admin acting in A, as a request would set it."""
    admin = world.a.admin
    rls.set_tenant(world.a.convener, user_id=admin.pk)
    yield admin
    rls.reset()


def people(world: World, n: int) -> list[Participant]:
    a = world.a
    org = a.memberships[Role.CASE_MANAGER].organization
    made = []
    for i in range(n):
        person = Participant(convener=a.convener, organization=org, first_name=f"{FIRST}{i}", last_name=LAST,
                             email=EMAIL, phone=PHONE, date_of_birth=DOB, intake_date=date(2026, 1, 5))
        person.ssn = SSN
        person.save()
        made.append(person)
    return made


def assert_no_pii(events: list[AuditEvent]) -> None:
    for event in events:
        text = " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields)
        for value in (FIRST, LAST, SSN, SSN.replace("-", ""), DOB.isoformat(), EMAIL, PHONE):
            assert value not in text, f"{value!r} copied into the audit log: {event.action} {text}"


@postgres_only
def test_every_kind_of_write_leaves_one_event_per_row_naming_columns_never_values(world: World, acting: Any) -> None:
    trail = Trail()
    table = "participants_participant"
    n = 3
    made = people(world, n)
    ids = [p.pk for p in made]
    inserts = trail.db(table, "insert", ids)
    assert len(inserts) == n
    assert [(e.convener_id, e.actor_id, e.actor_email, e.target_type, e.metadata) for e in inserts] == [
        (world.a.convener.pk, acting.pk, acting.email, "participants.participant", {})] * n

    for person in made:
        person.city, person.phone = "Decatur", "404-555-0123"
    Participant.objects.for_convener(world.a.convener).bulk_update(made, ["city", "phone"])
    updates = trail.db(table, "update", ids)
    assert len(updates) == n
    assert all(e.metadata == {"columns": ["city", "phone"]} for e in updates), [e.metadata for e in updates]

    Participant.objects.for_convener(world.a.convener).filter(pk__in=ids).update(status=Participant.Status.EXITED)
    updates = trail.db(table, "update", ids)
    assert len(updates) == 2 * n
    assert [e.metadata for e in updates[n:]] == [{"columns": ["status"]}] * n

    Participant.objects.for_convener(world.a.convener).filter(pk__in=ids).delete()
    deletes = trail.db(table, "delete", ids)
    assert len(deletes) == n and {e.target_id for e in deletes} == {str(i) for i in ids}

    # Nothing but these rows' 4n events: no other table was written, no event went to B.
    assert len(trail.events(source="db")) == 4 * n
    assert {e.convener_id for e in trail.events()} == {world.a.convener.pk}
    assert_no_pii(trail.events())


@postgres_only
def test_an_import_leaves_one_event_per_imported_row_and_per_write_of_its_job(world: World, acting: Any) -> None:
    trail = Trail()
    m = 4
    header = TEMPLATES[ImportJob.Kind.PARTICIPANTS]
    values = {"first_name": FIRST, "last_name": LAST, "ssn": "", "date_of_birth": DOB.isoformat(), "email": EMAIL,
              "phone": PHONE, "streams": "snap_et_50"}
    rows = [[values.get(c, "") if c != "ssn" else f"219-55-{142 + i:04d}" for c in header] for i in range(m)]
    job = run_import(membership=world.a.memberships[Role.CASE_MANAGER], kind=ImportJob.Kind.PARTICIPANTS,
                     filename="people.csv", rows=rows)
    assert job.status == ImportJob.Status.SUCCEEDED and job.imported_rows == m
    imported = list(Participant.objects.for_convener(world.a.convener).filter(last_name=LAST))
    assert len(imported) == m
    assert len(trail.db("participants_participant", "insert", [p.pk for p in imported])) == m
    assert len(trail.db("participants_streamenrollment", "insert")) == m  # one stream each
    # The job: created by the upload, then running, its row count, and its outcome (three updates).
    assert len(trail.db("participants_importjob", "insert", [job.pk])) == 1
    assert len(trail.db("participants_importjob", "update", [job.pk])) == 3
    assert len(trail.events(source="db")) == 2 * m + 4
    assert_no_pii(trail.events())


@postgres_only
def test_erasing_a_person_audits_the_deletion_of_each_of_their_rows(world: World, acting: Any) -> None:
    """Erasure (participants.services.participant_erase) deletes the person and every person-level row: each
    deletion leaves its event, with no value of what was deleted."""
    person = world.a.participants[0]
    rows = selectors.person_row_ids(convener=world.a.convener, participant=person)
    assert sum(map(len, rows.values())) >= 10, rows
    trail = Trail()
    services.participant_erase(convener=world.a.convener, actor=acting, participant=person,
                               reason="The participant asked for their data to be deleted.")
    assert len(trail.db("participants_participant", "delete", [person.pk])) == 1
    for model, ids in rows.items():
        deleted = trail.db(model._meta.db_table, "delete")
        assert sorted(int(e.target_id) for e in deleted) == sorted(ids), model
        assert all(e.actor_id == acting.pk and e.metadata == {} for e in deleted)
    assert_no_pii(trail.events(source="db"))


@postgres_only
def test_a_column_added_by_a_later_migration_is_compared_once_migrate_has_run(world: World, acting: Any) -> None:
    placement = world.a.placement
    assert placement is not None
    with connection.cursor() as cursor:  # DDL is transactional: the test's rollback takes the column away again
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the world's deferred key checks, so ALTER may proceed
        cursor.execute("ALTER TABLE participants_placement ADD COLUMN later_note text")
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what the end of migrate sends
        trail = Trail()
        cursor.execute("UPDATE participants_placement SET later_note = 'x', hours_per_week = hours_per_week "
                       "WHERE id = %s", [placement.pk])
    assert [e.metadata for e in trail.db("participants_placement", "update", [placement.pk])] == [
        {"columns": ["later_note"]}]


# ---------------------------------------------------------------------------------------------------------------
# Every view of a person's record and every PII export is audited by the application
# ---------------------------------------------------------------------------------------------------------------
# What a route's GET must hold to count as a view of a person's PII: a record page or a person-level row of the API,
# a data-rights page or export, the PIRL file. Rosters (roster.view) and an import's status page are not a person's
# record; they are listed here so that a new kind of route is a decision, not an accident.
PII_READS = {Action.PARTICIPANT_VIEW, Action.PARTICIPANT_MANAGE, Action.PARTICIPANT_DATA_RIGHTS,
             Action.REPORT_PIRL_EXPORT}
VIEW_ACTIONS = {"participant.view", "participant.export_record", "report.pii_export"}


def pii_routes() -> list[Any]:
    found = []
    for route in tenant_routes():
        if "GET" not in route.methods or route.action_for("GET") not in PII_READS or route.is_list:
            continue
        if any(route.model_for(k) is ImportJob for k in route.object_kwargs):
            continue
        found.append(route)
    return found


def test_the_walk_finds_the_record_pages_the_api_rows_the_exports_and_the_pirl() -> None:
    names = {route.name for route in pii_routes()}
    assert {"participants:record", "participants:record-notes", "participants:record-edit",
            "participants-api:participant-detail", "participants-api:note-detail", "participants-api:wage-detail",
            "reports:snapshot-pirl"} <= names, sorted(names)


def test_every_view_of_a_record_and_every_pii_export_writes_one_audit_event(world: World, client_for: Any,
                                                                            api_client_for: Any) -> None:
    admin = world.a.admin
    page, api = client_for(admin), api_client_for(admin)
    missing = []
    for route in pii_routes():
        url = route.url(convener_slug=world.a.convener.slug, objects=route.objects_of(world.a))
        trail = Trail()
        response = (api if route.is_api else page).get(url)
        if response.status_code != 200:
            missing.append(f"{route.name}: {response.status_code} {response_text(response)[:200]}")
            continue
        logged = [e.action for e in trail.events(actor=admin) if e.source != "db"]
        if len([a for a in logged if a in VIEW_ACTIONS]) != 1:
            missing.append(f"{route.name} ({url}): audited {logged}")
    assert not missing, "PII read without exactly one audit event:\n" + "\n".join(missing)

"""PostgreSQL row-level security, the second wall behind the scoped managers (partnerships/rls.py).

The application connects as a role that is neither the tables' owner nor a superuser; these tests take that role
with ``SET ROLE`` (the test database's owner counts first, so that a test can fail) and check that:
- with no convener set, every table of participant data and the audit log shows no row at all;
- with convener A set, A's rows only, and no write can put a row in B (WITH CHECK);
- pages and the API still work under the role, and the request leaves no tenant on a connection Django keeps;
- a Celery task sees its convener's rows, and a cross-tenant job sets each convener as it goes;
- every table of participant data has the policy and the audit triggers, so a new one without them fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.db.models import Model

from participants import tasks as participant_tasks
from participants.imports import TEMPLATES
from participants.models import ImportJob, Participant, RetentionCheck
from participants.services import import_start
from partnerships import rls
from partnerships.models import AuditEvent, User
from partnerships.roles import OrganizationType, Role
from partnerships.security.totp import totp_enroll
from partnerships.services import invitation_accept_new_user
from tests.conftest import World

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-level security is PostgreSQL's; SQLite has neither roles nor policies"),
]


def sql(query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchall() if cursor.description else []


def count(table: str, convener_id: int | None = None) -> int:
    where, params = ("WHERE convener_id = %s", [convener_id]) if convener_id is not None else ("", [])
    return sql(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} {where}", params)[0][0]  # noqa: S608


def tables() -> list[str]:
    return [m._meta.db_table for m in rls.rls_models()]


@pytest.fixture
def app_role(world: World) -> Iterator[str]:
    """The connection as the application's role, with no tenant set (as at the start of a request)."""
    role = rls.app_role()
    rls.reset()
    sql(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield role
    finally:
        sql("RESET ROLE")


# ---------------------------------------------------------------------------------------------------------------
# The policies
# ---------------------------------------------------------------------------------------------------------------
def test_with_no_convener_set_the_application_role_sees_no_row_of_any_protected_table(world: World) -> None:
    owner_counts = {table: count(table) for table in tables()}
    assert all(owner_counts.values()), f"the world must have rows in every protected table: {owner_counts}"
    role = rls.app_role()
    sql(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        assert sql("SELECT current_user")[0][0] == role
        assert {table: count(table) for table in tables()} == dict.fromkeys(tables(), 0)
        rls.set_tenant(world.a.convener.pk)
        rls.reset()  # an emptied setting is "no convener" too, not a cast error or every row
        assert {table: count(table) for table in tables()} == dict.fromkeys(tables(), 0)
    finally:
        sql("RESET ROLE")


def test_with_convener_a_set_the_role_sees_a_rows_only_and_cannot_write_into_b(world: World, app_role: str) -> None:
    a, b = world.a.convener.pk, world.b.convener.pk
    sql("RESET ROLE")
    expected = {table: count(table, a) for table in tables()}
    b_counts = {table: count(table, b) for table in tables()}
    b_rows = {table: sql(f"SELECT MIN(id) FROM {table} WHERE convener_id = %s", [b])[0][0]  # noqa: S608
              for table in tables()}
    a_rows = {table: sql(f"SELECT MIN(id) FROM {table} WHERE convener_id = %s", [a])[0][0]  # noqa: S608
              for table in tables()}
    sql(f"SET ROLE {app_role}")
    rls.set_tenant(a)
    assert {table: count(table) for table in tables()} == expected
    assert {table: count(table, b) for table in tables()} == dict.fromkeys(tables(), 0)

    refused = []
    for table in tables():
        # B's row is invisible: an UPDATE or DELETE aimed at it touches nothing (the audit log's one updatable
        # column is the actor, and it cannot be deleted from at all: see below).
        column = "actor_id" if table == "partnerships_auditevent" else "convener_id"
        assert sql(f"UPDATE {table} SET {column} = {column} WHERE id = %s RETURNING id",  # noqa: S608
                   [b_rows[table]]) == []
        if table != "partnerships_auditevent":
            assert sql(f"DELETE FROM {table} WHERE id = %s RETURNING id", [b_rows[table]]) == []  # noqa: S608
        # Moving one of A's rows into B is refused by the policy's WITH CHECK (the audit log: by its grants).
        try:
            with transaction.atomic():
                sql(f"UPDATE {table} SET convener_id = %s WHERE id = %s", [b, a_rows[table]])  # noqa: S608
        except DatabaseError as error:
            refused.append(table)
            reason = "permission denied" if table == "partnerships_auditevent" else "row-level security"
            assert reason in str(error), str(error)
    assert refused == tables()
    sql("RESET ROLE")
    assert {table: count(table, b) for table in tables()} == b_counts, "B's rows were touched"
    sql(f"SET ROLE {app_role}")

    # A new row for B, through the ORM as a service would write it, is refused too.
    person_b = world.b.participants[0]
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Participant.unscoped.create(convener_id=b, organization_id=person_b.organization_id, first_name="Mallory",
                                    last_name="Crosswrite")
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        AuditEvent.unscoped.create(convener_id=b, action="forged.event")


def test_the_audit_log_is_append_only_for_the_application_role(world: World, app_role: str) -> None:
    rls.set_tenant(world.a.convener)
    assert count("partnerships_auditevent") > 0
    for statement in ("DELETE FROM partnerships_auditevent", "UPDATE partnerships_auditevent SET action = 'x'"):
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            sql(statement)


def test_the_application_role_is_no_superuser_owns_no_table_and_may_use_every_table() -> None:
    role = rls.app_role()
    assert sql("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]) == [(False, False)]
    owners = sql("SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relname = ANY(%s)", [tables()])
    assert role not in {owner for (owner,) in owners}
    # Granted on every table, including those that migrations after dbsecurity's created (default privileges).
    without = sql("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
                  " AND NOT has_table_privilege(%s, oid, 'SELECT, INSERT') ORDER BY relname", [role])
    assert without == [], f"tables the application role cannot use: {without}"


# ---------------------------------------------------------------------------------------------------------------
# Requests and tasks under the application role
# ---------------------------------------------------------------------------------------------------------------
def test_pages_and_the_api_work_under_the_role_and_a_kept_connection_is_reset_after_the_request(
        world: World, client_for: Any, api_client_for: Any, app_role: str) -> None:
    cm = world.a.memberships[Role.CASE_MANAGER].user
    mine, theirs = world.a.participants, world.b.participants
    page_client, api_client = client_for(cm), api_client_for(cm)
    kept = connection.close_at
    connection.close_at = None  # as with CONN_MAX_AGE=None: Django keeps the connection for the next request
    try:
        page = page_client.get("/c/alpha/participants/")
        assert page.status_code == 200
        text = page.content.decode()
        assert all(p.last_name in text for p in mine) and not any(p.last_name in text for p in theirs)
        assert sql("SELECT current_setting('app.convener_id', true), current_setting('app.user_id', true)") == [
            ("", "")], "the request left its tenant on a connection that the next request would reuse"

        listed = api_client.get("/api/v1/c/alpha/participants/")
        assert listed.status_code == 200
        assert sorted(row["id"] for row in listed.json()["results"]) == sorted(p.pk for p in mine)
        assert sql("SELECT current_setting('app.convener_id', true)") == [("",)]

        # Another tenant's member on the same connection right after: B's rows, none of A's.
        b_page = client_for(world.b.memberships[Role.CASE_MANAGER].user).get("/c/beta/participants/")
        assert all(p.last_name in b_page.content.decode() for p in theirs)
        assert not any(p.last_name in b_page.content.decode() for p in mine)
    finally:
        connection.close_at = kept
    assert sql("SELECT current_user")[0][0] == app_role


def test_the_django_admin_audits_its_views_and_lists_one_workspaces_audit_log_under_the_role(
        world: World, client_for: Any, app_role: str) -> None:
    sql("RESET ROLE")
    operator = User.objects.create_superuser("operator@platform.example", "a-long-operator-passphrase-42")
    totp_enroll(operator)  # operators must use two-factor authentication before the admin
    a = world.a.convener.pk
    organization = world.a.orgs[OrganizationType.EMPLOYER]
    client = client_for(operator)
    sql(f"SET ROLE {app_role}")

    # A view of a tenant row writes an audit event into that row's workspace (refused without it being set).
    assert client.get(f"/admin/partnerships/organization/{organization.pk}/change/").status_code == 200
    sql("RESET ROLE")
    assert AuditEvent.unscoped.filter(convener_id=a, actor=operator, action="admin.view.organization",
                                      target_id=str(organization.pk)).count() == 1
    in_a = AuditEvent.unscoped.filter(convener_id=a).count()
    sql(f"SET ROLE {app_role}")

    # The audit log lists the workspace chosen in the Convener filter, and nothing before one is chosen.
    listed = client.get(f"/admin/partnerships/auditevent/?convener__id__exact={a}")
    assert listed.status_code == 200 and listed.context["cl"].result_count == in_a
    assert client.get("/admin/partnerships/auditevent/").context["cl"].result_count == 0
    assert sql("SELECT current_setting('app.convener_id', true)") == [("",)]


def test_accepting_an_invitation_outside_a_workspace_url_is_audited_in_its_workspace(world: World,
                                                                                   app_role: str) -> None:
    membership = invitation_accept_new_user(invitation=world.a.invitation, full_name="Alpha New Hire",
                                            password="a-long-new-hire-passphrase-42")
    assert sql("SELECT current_setting('app.convener_id', true)") == [("",)]
    sql("RESET ROLE")
    assert AuditEvent.unscoped.filter(convener=world.a.convener, action="invitation.accept",
                                      actor=membership.user).count() == 1


def queued_import(world: World, people: list[str]) -> ImportJob:
    """A participants file uploaded by A's case manager, queued (the test transaction never commits, so the task
    is not run by on_commit)."""
    header = TEMPLATES[ImportJob.Kind.PARTICIPANTS]
    lines = [",".join(header)] + [",".join({"first_name": "Kim", "last_name": last}.get(c, "") for c in header)
                                  for last in people]
    cm = world.a.memberships[Role.CASE_MANAGER]
    return import_start(convener=world.a.convener, actor=cm.user, membership=cm, kind=ImportJob.Kind.PARTICIPANTS,
                        filename="people.csv", payload="\n".join(lines).encode())


def test_a_task_runs_as_the_convener_it_was_given_and_puts_the_connection_back(world: World, app_role: str) -> None:
    sql("RESET ROLE")
    job = queued_import(world, ["Taskrunner", "Workerbee"])
    sql(f"SET ROLE {app_role}")
    # Called as a plain function (no Celery signals), with no tenant: the job is invisible to the role.
    assert participant_tasks.import_run(world.a.convener.pk, job.pk) == "missing"
    # Through Celery (task_prerun sets the convener it was given): the job runs, as the uploading user.
    assert participant_tasks.import_run.apply(args=[world.a.convener.pk, job.pk]).get() == "succeeded"
    assert sql("SELECT current_setting('app.convener_id', true)") == [("",)]
    sql("RESET ROLE")
    imported = Participant.unscoped.filter(convener=world.a.convener, last_name__in=["Taskrunner", "Workerbee"])
    assert imported.count() == 2
    inserts = AuditEvent.unscoped.filter(action="db.participants_participant.insert",
                                         target_id__in=[str(p.pk) for p in imported])
    assert {(e.convener_id, e.actor_id) for e in inserts} == {(world.a.convener.pk, job.created_by_id)}


def test_a_cross_tenant_job_sets_each_convener_while_it_works_on_it(world: World, app_role: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sql("RESET ROLE")
    today = RetentionCheck.unscoped.order_by("-due_on").values_list("due_on", flat=True).first()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today)
    due = {side.convener.pk: RetentionCheck.unscoped.filter(convener=side.convener, checked_on=None,
                                                             due_on__lte=today).count() for side in world.sides()}
    assert all(due.values()), due
    sql(f"SET ROLE {app_role}")
    sent_before = len(mail.outbox)
    assert participant_tasks.retention_reminders_send.apply().get() == 2  # one case manager in each workspace
    recipients = {to for message in mail.outbox[sent_before:] for to in message.to}
    assert recipients == {side.memberships[Role.CASE_MANAGER].user.email for side in world.sides()}
    assert sql("SELECT current_setting('app.convener_id', true)") == [("",)]


# ---------------------------------------------------------------------------------------------------------------
# Coverage: no table of participant data without the policy and the audit triggers
# ---------------------------------------------------------------------------------------------------------------
# Tables that reference participant data through a foreign key, found in the database itself (not from the models):
# the participants app's tables with a convener, and every table with a convener that points at one of them,
# directly or through another (attendance -> cohort enrollment -> participant).
REFERENCING_CLOSURE = """
WITH RECURSIVE tenant_tables AS (
    SELECT c.oid, c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
      AND a.attname = 'convener_id' AND NOT a.attisdropped
), pii(oid) AS (
    SELECT oid FROM tenant_tables WHERE relname LIKE 'participants\\_%%'
    UNION
    SELECT f.conrelid FROM pg_constraint f JOIN pii ON f.confrelid = pii.oid
    WHERE f.contype = 'f' AND f.conrelid IN (SELECT oid FROM tenant_tables)
)
SELECT relname FROM pii JOIN pg_class USING (oid) ORDER BY relname
"""


def test_every_table_of_participant_data_has_row_level_security_its_policy_and_the_audit_triggers() -> None:
    in_database = [name for (name,) in sql(REFERENCING_CLOSURE)]
    from_models = [m._meta.db_table for m in rls.participant_data_models()]
    assert in_database == from_models, "rls.participant_data_models() and the database disagree"
    assert "participants_participant" in in_database and "programs_attendancerecord" in in_database

    protected: list[type[Model]] = rls.rls_models()
    missing = []
    for model in protected:
        table = model._meta.db_table
        state = sql("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table])
        if state != [(True, False)]:
            missing.append(f"{table}: ALTER TABLE {table} ENABLE ROW LEVEL SECURITY (and not FORCE)")
        policies = sql("SELECT cmd, qual, with_check FROM pg_policies WHERE tablename = %s", [table])
        if len(policies) != 1 or policies[0][0] != "ALL" or not all(
                "current_setting('app.convener_id'" in (clause or "") for clause in policies[0][1:]):
            missing.append(f"{table}: one policy FOR ALL USING and WITH CHECK the app.convener_id setting, "
                           f"found {policies}")
        if model is not AuditEvent:
            triggers = {name for (name,) in sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])}
            wanted = {f"{rls.AUDIT_TRIGGER_PREFIX}{event}" for event in ("insert", "update", "delete")}
            if not wanted <= triggers:
                missing.append(f"{table}: audit triggers {sorted(wanted - triggers)}")
    assert not missing, ("Participant data without its protections; in the migration that adds the table, run "
                         "rls.rls_enable(schema_editor, [table]) and rls.audit_triggers_install(schema_editor, "
                         "{table: label}):\n" + "\n".join(missing))

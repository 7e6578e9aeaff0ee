"""Row-level security and the database audit floor (PostgreSQL only; every function is a no-op on SQLite).

The scoped managers (``tenancy.py``) are the first wall. The second is in PostgreSQL itself: every table that holds
participant data, and the audit log, has a policy that shows and accepts only the rows of the convener named in the
session setting ``app.convener_id``. The application connects as a role that is neither the tables' owner nor a
superuser (``settings.DATABASE_APP_ROLE``), so the policies bind it; the owner (migrations, seeding, maintenance)
bypasses them (ENABLE, not FORCE, row level security).

The setting is written:
- per request, by ``selectors.tenant_resolve``, as two extra columns of the membership query it already runs
  (``scope_columns``), so resolving the tenant costs no extra round trip; ``app.user_id`` goes with it, for the
  audit triggers;
- per Celery task that takes a ``convener_id`` (``task_prerun``), and restored after it (``task_postrun``);
- per convener by cross-tenant jobs while they iterate (``each_convener``), and around the few writes that happen
  outside a workspace URL (``tenant_context``: accepting an invitation, the Django admin).

It never outlives its request or task on a reused connection: a connection that Django keeps (CONN_MAX_AGE) is
reset when the request finishes (and, should that have failed, when the next one starts); a connection that Django
closes takes the setting with it. A policy reads an unset or empty setting as "no convener": no rows.

The audit floor: a statement-level trigger on each of those tables writes one ``AuditEvent`` per row inserted,
updated or deleted (bulk updates and imports included), with source "db", the acting user from ``app.user_id``
and, for updates, the names of the changed columns, never a value.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, connections
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Cast

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.models import Model

    from partnerships.models import Convener

CONVENER_SETTING = "app.convener_id"
USER_SETTING = "app.user_id"
POLICY_NAME = "tenant_isolation"
AUDIT_FUNCTION_PREFIX = "portal_audit_"
AUDIT_TRIGGER_PREFIX = "portal_audit_"
# The attribute of Django's connection wrapper that remembers which raw connection may carry a tenant setting.
_MARK = "_rls_scoped_raw_connection"


def active(conn: BaseDatabaseWrapper | None = None) -> bool:
    return (conn or connection).vendor == "postgresql"


# ---------------------------------------------------------------------------------------------------------------
# Which tables hold participant data
# ---------------------------------------------------------------------------------------------------------------
def participant_data_models() -> list[type[Model]]:
    """Every tenant-owned model of the participants app, and every tenant-owned model that points at one of them
    (directly or through another: attendance -> cohort enrollment -> participant). These carry RLS and the audit
    triggers; a new model that lands here without them fails tests/security/test_rls.py."""
    from partnerships.tenancy import TenantOwnedModel

    tenant_models = [m for m in apps.get_models()
                     if issubclass(m, TenantOwnedModel) and m._meta.managed and not m._meta.proxy]
    found = {m for m in tenant_models if m._meta.app_label == "participants"}
    grew = True
    while grew:
        grew = False
        for model in tenant_models:
            if model not in found and any(
                    f.is_relation and f.many_to_one and f.related_model in found for f in model._meta.concrete_fields):
                found.add(model)
                grew = True
    return sorted(found, key=lambda m: m._meta.db_table)


def rls_models() -> list[type[Model]]:
    """The tables under row-level security: participant data and the audit log."""
    from partnerships.models import AuditEvent

    return sorted({*participant_data_models(), AuditEvent}, key=lambda m: m._meta.db_table)


# ---------------------------------------------------------------------------------------------------------------
# Setting the tenant of a connection
# ---------------------------------------------------------------------------------------------------------------
def scope_columns() -> dict[str, Func]:
    """Extra select columns for the membership query of ``tenant_resolve``: they set the request's convener and user
    for row-level security as a side effect of the query it already runs (no extra round trip). Empty on SQLite.
    Call ``scoped()`` once the query has run."""
    if not active():
        return {}
    return {
        "_rls_convener": _set_config(CONVENER_SETTING, Cast(F("convener_id"), TextField())),
        "_rls_user": _set_config(USER_SETTING, Cast(F("user_id"), TextField())),
    }


def _set_config(name: str, value: Any) -> Func:
    return Func(Value(name), value, Value(False), function="set_config", output_field=TextField())


def scoped() -> None:
    """Remember that this connection now carries a tenant (so that the end of the request resets it)."""
    if active():
        _mark(connection)


def _mark(conn: BaseDatabaseWrapper) -> None:
    setattr(conn, _MARK, id(conn.connection) if conn.connection is not None else None)


def _is_marked(conn: BaseDatabaseWrapper) -> bool:
    """Whether the open raw connection may carry a tenant: one that replaced it since starts clean."""
    mark = getattr(conn, _MARK, None)
    return mark is not None and conn.connection is not None and mark == id(conn.connection)


def _swap(conn: BaseDatabaseWrapper, convener_id: int | None, user_id: int | None) -> tuple[str, str]:
    """Set both values in one statement and return the previous ones (select-list items run left to right)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(current_setting(%s, true), ''), COALESCE(current_setting(%s, true), ''),"
            " set_config(%s, %s, false), set_config(%s, %s, false)",
            [CONVENER_SETTING, USER_SETTING, CONVENER_SETTING, _text(convener_id), USER_SETTING, _text(user_id)])
        previous = cursor.fetchone()
    _mark(conn)
    return previous[0], previous[1]


def _restore(conn: BaseDatabaseWrapper, previous: tuple[str, str]) -> None:
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
                       [CONVENER_SETTING, previous[0], USER_SETTING, previous[1]])
    if previous == ("", ""):
        setattr(conn, _MARK, None)


def _text(value: int | str | None) -> str:
    return "" if value in (None, "") else str(int(value))  # type: ignore[arg-type]  # an id, never free text


def reset(conn: BaseDatabaseWrapper | None = None) -> None:
    """Clear the tenant of a connection (both settings) if anything set it."""
    conn = conn or connection
    if active(conn) and _is_marked(conn):
        _restore(conn, ("", ""))


@contextmanager
def tenant_context(convener: Convener | int | None, *, user_id: int | None = None) -> Iterator[None]:
    """Run a block as ``convener`` (and ``user_id``, for the audit triggers), then put back what was set before.
    For work outside a workspace URL; requests and tasks with a ``convener_id`` get theirs automatically."""
    if not active():
        yield
        return
    convener_id = convener if convener is None or isinstance(convener, int) else convener.pk
    previous = _swap(connection, convener_id, user_id)
    try:
        yield
    except BaseException:
        with suppress(DatabaseError):  # a failed transaction: its rollback puts the previous values back anyway
            _restore(connection, previous)
        raise
    _restore(connection, previous)


def set_tenant(convener: Convener | int | None, *, user_id: int | None = None) -> None:
    """Set the tenant of the connection until it is changed or reset (for tests and shells: code uses
    ``tenant_context``, requests and tasks are set automatically)."""
    if active():
        convener_id = convener if convener is None or isinstance(convener, int) else convener.pk
        _swap(connection, convener_id, user_id)


def each_convener(conveners: Iterable[Convener]) -> Iterator[Convener]:
    """Iterate a cross-tenant job's conveners with each one set as the tenant while the job works on it."""
    for convener in conveners:
        with tenant_context(convener):
            yield convener


# ---------------------------------------------------------------------------------------------------------------
# Requests and tasks
# ---------------------------------------------------------------------------------------------------------------
def _kept(conn: BaseDatabaseWrapper) -> bool:
    """Whether Django keeps this connection for the next request (CONN_MAX_AGE): the only case with anything to
    reset, since a closed connection takes its settings with it."""
    return conn.close_at is None or time.monotonic() < conn.close_at


def _reset_kept_connections(**kwargs: Any) -> None:
    for conn in connections.all(initialized_only=True):
        if active(conn) and _is_marked(conn) and _kept(conn):
            try:
                reset(conn)
            except DatabaseError:
                conn.close()  # a connection that cannot be reset is not reused


def _task_convener_id(task: Any, args: Any, kwargs: Any) -> int | None:
    """The ``convener_id`` argument of a task's call, by name or by position."""
    try:
        value = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {})).arguments.get("convener_id")
    except (TypeError, ValueError):
        value = (kwargs or {}).get("convener_id")
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


_task_previous: dict[str, tuple[str, str]] = {}


def _task_prerun(sender: Any = None, task_id: str = "", task: Any = None, args: Any = None, kwargs: Any = None,
                 **extra: Any) -> None:
    if not active():
        return
    convener_id = _task_convener_id(task or sender, args, kwargs)
    if convener_id is None and not _is_marked(connection):
        return  # a cross-tenant job on a clean connection: it sets each convener as it goes
    _task_previous[task_id] = _swap(connection, convener_id, None)


def _task_postrun(sender: Any = None, task_id: str = "", **extra: Any) -> None:
    previous = _task_previous.pop(task_id, None)
    if previous is None:
        previous = ("", "")
    if active() and connection.connection is not None and (_is_marked(connection) or previous != ("", "")):
        try:
            _restore(connection, previous)
        except DatabaseError:
            connection.close()


def connect_signals() -> None:
    """Called once from PartnershipsConfig.ready()."""
    from celery.signals import task_postrun, task_prerun

    request_started.connect(_reset_kept_connections, dispatch_uid="rls.request_started")
    request_finished.connect(_reset_kept_connections, dispatch_uid="rls.request_finished")
    task_prerun.connect(_task_prerun, dispatch_uid="rls.task_prerun", weak=False)
    task_postrun.connect(_task_postrun, dispatch_uid="rls.task_postrun", weak=False)


# ---------------------------------------------------------------------------------------------------------------
# DDL for migrations (RunPython; nothing happens on SQLite)
# ---------------------------------------------------------------------------------------------------------------
def app_role() -> str:
    role = getattr(settings, "DATABASE_APP_ROLE", "portal_app")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ImproperlyConfigured(f"DATABASE_APP_ROLE must be a plain lower-case role name, not {role!r}")
    return role


def role_install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the application role if missing (NOLOGIN: the operator gives it a password, or grants it to a login
    role), and grant it data access to every table and sequence, now and created later by this owner."""
    if not active(schema_editor.connection):
        return
    role = app_role()
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute("SELECT rolsuper OR rolcreaterole, current_user FROM pg_roles WHERE rolname = current_user")
            may_create, me = cursor.fetchone()
            if not may_create:
                raise ImproperlyConfigured(
                    f"The application database role {role!r} does not exist and {me!r} may not create roles. "
                    f"As a superuser, run once:  CREATE ROLE {role} NOLOGIN;  GRANT {role} TO {me} WITH ADMIN OPTION;"
                    f"  then migrate again (DATABASE_APP_ROLE names the role).")
            # Two test databases migrating at once may both try: the loser finds it made.
            cursor.execute(f"DO $$ BEGIN CREATE ROLE {quote(role)} NOLOGIN; "
                           f"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
        schema = schema_editor.connection.ops.quote_name(_schema(cursor))
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quote(role)}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quote(role)}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quote(role)}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
                       f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quote(role)}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {quote(role)}")
        # The audit log is append-only for the application too: no DELETE; UPDATE only of the actor column, which
        # deleting a user sets to NULL (on_delete=SET_NULL).
        cursor.execute(f"REVOKE UPDATE, DELETE ON partnerships_auditevent FROM {quote(role)}")
        cursor.execute(f"GRANT UPDATE (actor_id) ON partnerships_auditevent TO {quote(role)}")


def _schema(cursor: Any) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def rls_enable(schema_editor: BaseDatabaseSchemaEditor, tables: Iterable[str]) -> None:
    """ENABLE (not FORCE) row level security and the one tenant policy on each table."""
    if not active(schema_editor.connection):
        return
    quote = schema_editor.quote_name
    predicate = f"convener_id = NULLIF(current_setting('{CONVENER_SETTING}', true), '')::bigint"
    for table in tables:
        schema_editor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quote(table)}")
        schema_editor.execute(f"CREATE POLICY {POLICY_NAME} ON {quote(table)} FOR ALL "
                              f"USING ({predicate}) WITH CHECK ({predicate})")


def rls_disable(schema_editor: BaseDatabaseSchemaEditor, tables: Iterable[str]) -> None:
    if not active(schema_editor.connection):
        return
    quote = schema_editor.quote_name
    for table in tables:
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quote(table)}")
        schema_editor.execute(f"ALTER TABLE {quote(table)} DISABLE ROW LEVEL SECURITY")


# The audit floor. Statement-level triggers with transition tables: a bulk write of 10,000 rows costs one
# INSERT ... SELECT into the audit log, not 10,000 trigger calls. Each audited table has its own function, generated
# from the table's columns: an update compares every column natively (no JSON of the row, so a large file in a
# column costs a memcmp, not an encoding) and records the names of those whose stored value changed, never a value
# (encrypted columns change on every save that writes them: a fresh ciphertext). ``audit_functions_refresh`` rebuilds
# the functions after every ``migrate``, so a column added later is compared too.
_AUDIT_FUNCTION_TEMPLATE = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    acting bigint := NULLIF(current_setting('{user_setting}', true), '')::bigint;
    acting_email text := COALESCE((SELECT u.email FROM partnerships_user u WHERE u.id = acting), '');
    what text := 'db.' || TG_TABLE_NAME || '.' || lower(TG_OP);
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO partnerships_auditevent (convener_id, occurred_at, actor_id, actor_email, action, target_type,
                                             target_id, target_label, source, ip_address, metadata)
        SELECT n.convener_id, now(), acting, acting_email, what, {label}, n.id::text, '', 'db', NULL, '{{}}'::jsonb
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO partnerships_auditevent (convener_id, occurred_at, actor_id, actor_email, action, target_type,
                                             target_id, target_label, source, ip_address, metadata)
        SELECT n.convener_id, now(), acting, acting_email, what, {label}, n.id::text, '', 'db', NULL,
               jsonb_build_object('columns', to_jsonb(array_remove(ARRAY[{changed}]::text[], NULL)))
        FROM new_rows n JOIN old_rows o ON o.id = n.id;
    ELSE
        INSERT INTO partnerships_auditevent (convener_id, occurred_at, actor_id, actor_email, action, target_type,
                                             target_id, target_label, source, ip_address, metadata)
        SELECT o.convener_id, now(), acting, acting_email, what, {label}, o.id::text, '', 'db', NULL, '{{}}'::jsonb
        FROM old_rows o;
    END IF;
    RETURN NULL;
END
$body$
"""
# Types without an equality operator are compared as text.
_COMPARED_AS_TEXT = {"json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle"}
_TRIGGER_EVENTS = (("insert", "INSERT", "NEW TABLE AS new_rows"), ("update", "UPDATE",
                   "OLD TABLE AS old_rows NEW TABLE AS new_rows"), ("delete", "DELETE", "OLD TABLE AS old_rows"))


def _audit_function(table: str) -> str:
    return f"{AUDIT_FUNCTION_PREFIX}{table}"[:63]


def _audit_function_sql(cursor: Any, quote: Any, table: str, label: str) -> str:
    cursor.execute("SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                   "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname",
                   [quote(table)])
    changed = []
    for column, type_name in cursor.fetchall():
        new, old = f"n.{quote(column)}", f"o.{quote(column)}"
        if type_name in _COMPARED_AS_TEXT:
            new, old = f"{new}::text", f"{old}::text"
        changed.append(f"CASE WHEN {new} IS DISTINCT FROM {old} THEN {_literal(column)} END")
    return _AUDIT_FUNCTION_TEMPLATE.format(function=quote(_audit_function(table)), user_setting=USER_SETTING,
                                           label=_literal(label), changed=", ".join(changed))


def audit_triggers_install(schema_editor: BaseDatabaseSchemaEditor, tables: dict[str, str]) -> None:
    """The audit function of each table (``{db_table: model label}``) and its three statement triggers."""
    if not active(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor:
        for table, label in tables.items():
            _audit_install(cursor, schema_editor.quote_name, table, label)


def _audit_install(cursor: Any, quote: Any, table: str, label: str) -> None:
    cursor.execute(_audit_function_sql(cursor, quote, table, label))
    for suffix, event, referencing in _TRIGGER_EVENTS:
        name = quote(f"{AUDIT_TRIGGER_PREFIX}{suffix}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {quote(_audit_function(table))}()")


def audit_triggers_drop(schema_editor: BaseDatabaseSchemaEditor, tables: Iterable[str]) -> None:
    if not active(schema_editor.connection):
        return
    quote = schema_editor.quote_name
    for table in tables:
        for suffix, _, _ in _TRIGGER_EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(AUDIT_TRIGGER_PREFIX + suffix)} ON {quote(table)}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {quote(_audit_function(table))}()")


def audit_functions_refresh(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (post_migrate): rebuild the audit function of every table that has the audit triggers, from
    its columns as they are now (and point a table's triggers at its own function if they call another)."""
    conn = connections[using]
    if not active(conn):
        return
    quote = conn.ops.quote_name
    labels = {m._meta.db_table: m._meta.label_lower for m in apps.get_models()}
    with conn.cursor() as cursor:
        cursor.execute("SELECT c.relname, bool_and(p.proname = %s || c.relname) FROM pg_trigger t "
                       "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                       "WHERE t.tgname LIKE %s AND c.relnamespace = current_schema()::regnamespace GROUP BY c.relname",
                       [AUDIT_FUNCTION_PREFIX, f"{AUDIT_TRIGGER_PREFIX}%"])
        for table, own_function in cursor.fetchall():
            if table not in labels:
                continue
            if own_function:
                cursor.execute(_audit_function_sql(cursor, quote, table, labels[table]))
            else:
                _audit_install(cursor, quote, table, labels[table])


def _literal(text: str) -> str:
    if not text.replace(".", "").replace("_", "").isalnum():
        raise ValueError(f"Not a plain name: {text!r}")
    return f"'{text}'"

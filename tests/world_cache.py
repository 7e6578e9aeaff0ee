"""The two-tenant test world, built once per test process and copied into each test that asks for it.

Building the world is about 850 statements through the ORM (two tenants with every role, councils, demand,
programs, participants...). Over the ~1,500 tests that use it, that was most of the suite's time. On PostgreSQL
(what CI runs) the first test of a process builds it as before; the rows it wrote are then read out with
``COPY ... TO STDOUT`` (binary), and every later test gets them back with ``COPY ... FROM STDIN`` inside its own
transaction (about 60 statements, no ORM), plus a deep copy of the Python objects. Each test still rolls back on
its own, so a test sees exactly the rows a fresh build would give, with the same primary keys every time.

The rows copied are those the build inserted: per table, the rows whose primary key was not there before it
began (reference data from migrations stays out). Loading turns triggers and foreign-key checks off for the copy
(``session_replication_role = replica``: the rows were valid when built, and the audit triggers already recorded
their writes in the audit rows that are copied too). If a test has already written rows that the copy would
collide with (another fixture loaded the same reference data, say), the copy is rolled back to a savepoint and the
world is built the slow way for that test. SQLite always builds.
"""

# ruff: noqa: S608  (table and column names come from the models' _meta, never from input)
from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg2
from django.apps import apps
from django.core import mail
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction

T = TypeVar("T")


@dataclass
class _Table:
    name: str
    pk: str
    integer_pk: bool
    before_max: int | None = None
    before_keys: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _Rows:
    table: str
    data: bytes  # COPY ... WITH (FORMAT binary)
    sequence: str | None  # of an integer primary key
    max_pk: int | None


@dataclass
class _Snapshot:
    pristine: Any
    dump: list[_Rows]
    mail: list[Any]


_snapshot: _Snapshot | None = None


def _tables() -> list[_Table]:
    tables = []
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        pk = meta.pk
        integer = pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                                              "BigIntegerField")
        tables.append(_Table(meta.db_table, pk.column, integer))
    return tables


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _before(tables: list[_Table]) -> None:
    with connection.cursor() as cursor:
        integer = [t for t in tables if t.integer_pk]
        cursor.execute("SELECT " + ", ".join(f"(SELECT MAX({_q(t.pk)}) FROM {_q(t.name)})" for t in integer))
        for table, value in zip(integer, cursor.fetchone(), strict=True):
            table.before_max = value or 0
        for table in tables:
            if not table.integer_pk:
                cursor.execute(f"SELECT {_q(table.pk)} FROM {_q(table.name)}")
                table.before_keys = [row[0] for row in cursor.fetchall()]


def _dump(tables: list[_Table]) -> list[_Rows]:
    out = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: copy_expert and mogrify
        for table in tables:
            if table.integer_pk:
                where = f"{_q(table.pk)} > {int(table.before_max or 0)}"
            else:
                where = raw.mogrify(f"NOT ({_q(table.pk)} = ANY(%s))", [list(table.before_keys)]).decode()
            cursor.execute(f"SELECT COUNT(*), MAX({_q(table.pk)}) FROM {_q(table.name)} WHERE {where}")
            count, high = cursor.fetchone()
            if not count:
                continue
            buffer = io.BytesIO()
            raw.copy_expert(f"COPY (SELECT * FROM {_q(table.name)} WHERE {where}) TO STDOUT WITH (FORMAT binary)",
                            buffer)
            sequence = None
            if table.integer_pk:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table.name, table.pk])
                sequence = cursor.fetchone()[0]
            out.append(_Rows(table.name, buffer.getvalue(), sequence, high if sequence else None))
    return out


def _restore(dump: list[_Rows]) -> bool:
    """Copy the rows back in; False, with nothing written, if they collide with rows the test already has."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        try:
            with transaction.atomic():  # a savepoint inside the test's transaction
                cursor.execute("SET LOCAL session_replication_role = replica")
                for rows in dump:
                    raw.copy_expert(f"COPY {_q(rows.table)} FROM STDIN WITH (FORMAT binary)", io.BytesIO(rows.data))
                cursor.execute("SET LOCAL session_replication_role = origin")
        except (IntegrityError, psycopg2.IntegrityError):  # copy_expert raises psycopg2's own errors
            return False
        # Sequences stay ahead of the copied ids, even after a test that reset them. Not transactional: one
        # statement, whatever the test does next.
        bumps = [f"setval('{rows.sequence}', GREATEST({int(rows.max_pk)}, (SELECT last_value FROM {rows.sequence})))"
                 for rows in dump if rows.sequence and rows.max_pk is not None]
        if bumps:
            cursor.execute("SELECT " + ", ".join(bumps))
    return True


def cached_world(build: Callable[[], T]) -> T:
    """The world for this test: built (and remembered) the first time, copied in after that."""
    global _snapshot
    if connection.vendor != "postgresql":
        return build()
    if _snapshot is not None:
        if _restore(_snapshot.dump):
            # The copied rows have the same ids in every test: a value cached by an earlier test under such an id
            # must not be read as this test's. A new cache version hides every earlier key.
            cache = caches["default"]
            cache.version = int(cache.version or 1) + 1
            mail.outbox.extend(copy.deepcopy(_snapshot.mail))
            return copy.deepcopy(_snapshot.pristine)
        return build()
    tables = _tables()
    _before(tables)
    sent = len(getattr(mail, "outbox", []))
    world = build()
    dump = _dump(tables)
    _snapshot = _Snapshot(pristine=copy.deepcopy(world), dump=dump,
                          mail=copy.deepcopy(list(getattr(mail, "outbox", []))[sent:]))
    return world

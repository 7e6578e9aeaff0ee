"""A large workspace's report in parts, side by side (reports/engine.py, ``_compute_in_parts``; PostgreSQL).

Above ``PARTS_ABOVE_PEOPLE`` participants the engine splits the report by participant into REPORT_WORKERS ranges,
each computed on a connection of its own; the medians and the extras then read every part's facts through a view,
on connections of their own too. Here the hand-computed fixture of test_engine_fixture.py (about forty people) is
pushed through that path by lowering the threshold, and must give the very same figures as one session does.

The other connections must see the fixture's rows, so these tests commit them (``transaction=True``). The flush
after a transactional test empties every table, the reference data the migrations wrote included: the fixture
writes the funding streams again with the migration's own function. (``serialized_rollback`` would reload the whole
database, and fails once another transactional test has flushed it: the content types are back twice.)
"""

from __future__ import annotations

import itertools
import time
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection

from partnerships import rls
from reports import engine
from reports.engine import ReportInputs, compute_figures
from tests.oews import load_oews_extract
from tests.reports.test_engine_fixture import AS_OF, EXPECTED_PY2024, NOW, PY2024, Gamma, build_gamma, report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the parts run on several PostgreSQL connections; SQLite reports run in one"),
]


@pytest.fixture
def gamma(monkeypatch: pytest.MonkeyPatch) -> Gamma:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    import_module("programs.migrations.0002_funding_streams").seed(django_apps, None)
    load_oews_extract()
    return build_gamma()


@pytest.fixture
def in_parts(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[list[tuple[int, int]]]:
    """Every report of the test runs in three parts; returns the parts of each run (to check the path was taken)."""
    settings.REPORT_WORKERS = 3
    monkeypatch.setattr(engine, "PARTS_ABOVE_PEOPLE", 0)
    runs: list[list[tuple[int, int]]] = []
    original = engine._compute_in_parts

    def spy(*args: Any, **kwargs: Any) -> Any:
        runs.append(args[4])
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_compute_in_parts", spy)
    return runs


def work_relations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s ORDER BY 1", [engine.WORK_SCHEMA])
        return [name for (name,) in cursor.fetchall()]


def one_session(gamma: Gamma, settings: Any) -> dict[str, Any]:
    settings.REPORT_WORKERS = 1
    figures = report(gamma)
    settings.REPORT_WORKERS = 3
    return figures


@pytest.mark.parametrize("analyze_above", [engine.ANALYZE_ABOVE_ROWS, 0], ids=["small-steps", "large-steps"])
def test_the_report_in_three_parts_gives_every_figure_of_the_report_in_one_session(
        gamma: Gamma, in_parts: list[list[tuple[int, int]]], settings: Any, monkeypatch: pytest.MonkeyPatch,
        analyze_above: int) -> None:
    # "large-steps": every step counts as large, so each part indexes its steps and merge-joins its facts.
    monkeypatch.setattr(engine, "ANALYZE_ABOVE_ROWS", analyze_above)
    expected = one_session(gamma, settings)
    assert in_parts == []
    figures = report(gamma)
    assert len(in_parts) == 1 and len(in_parts[0]) == 3, in_parts
    assert figures["overall"] == EXPECTED_PY2024
    # Every breakdown (medians included), the SNAP E&T tables, services, work-based learning, employer side.
    assert figures == expected
    assert work_relations() == []  # the parts' tables and views are dropped


@pytest.mark.parametrize("scope", ["partnership", "program", "cohort", "stream"])
def test_every_scope_in_parts_gives_the_figures_of_one_session(
        gamma: Gamma, in_parts: list[list[tuple[int, int]]], settings: Any, scope: str) -> None:
    """Each scope adds its own filter beside the parts' range (a partnership's cohorts, a stream's enrollments)."""
    from programs.models import FundingStream

    scope_id = {"partnership": gamma.cohorts["C1"].partnership_id, "program": gamma.nurse_aide.pk,
                "cohort": gamma.cohorts["C1"].pk, "stream": FundingStream.objects.get(code="wioa_adult").pk}[scope]
    inputs = ReportInputs(scope=scope, scope_id=scope_id, period_start=PY2024[0], period_end=PY2024[1], as_of=AS_OF)
    settings.REPORT_WORKERS = 1
    expected = compute_figures(convener=gamma.convener, inputs=inputs)
    settings.REPORT_WORKERS = 3
    assert compute_figures(convener=gamma.convener, inputs=inputs) == expected
    assert len(in_parts) == 1
    assert expected["overall"]["enrolled"] > 0


def test_each_part_reads_only_its_own_people(gamma: Gamma, in_parts: list[list[tuple[int, int]]]) -> None:
    """The parts cover every participant once: consecutive ranges, the first from 0, the last to the end."""
    report(gamma)
    (parts,) = in_parts
    assert parts[0][0] == 0 and parts[-1][1] == 2**63 - 1
    assert all(last + 1 == next_first for (_f, last), (next_first, _l) in itertools.pairwise(parts))
    # About as many people in each part.
    people = sorted(gamma.people[name].pk for name in gamma.people)
    counts = [sum(1 for pk in people if first <= pk <= last) for first, last in parts]
    assert max(counts) - min(counts) <= 1, counts


def test_the_parts_run_as_the_application_role_under_row_level_security(
        gamma: Gamma, in_parts: list[list[tuple[int, int]]], settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """In production every connection is the application role, whom the tenant policies bind: each part's
    connection must set the convener (or it would read no rows) and may create its tables in the work schema."""
    expected = one_session(gamma, settings)
    original = rls.set_tenant
    roles: list[str] = []

    def as_app_role(convener: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {rls.app_role()}")
            cursor.execute("SELECT current_user")
            roles.append(cursor.fetchone()[0])
        original(convener, **kwargs)

    monkeypatch.setattr(rls, "set_tenant", as_app_role)
    # The report's own connection too (it counts the people, makes the views over the parts, drops the tables).
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {rls.app_role()}")
    try:
        with rls.tenant_context(gamma.convener):
            assert report(gamma) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert in_parts and len(roles) == 3 + 3 + 1  # three parts, then three median batches (at most) and the extras
    assert set(roles) == {rls.app_role()}
    assert work_relations() == []


def test_a_part_that_fails_fails_the_report_and_leaves_no_table_behind(
        gamma: Gamma, in_parts: list[list[tuple[int, int]]], monkeypatch: pytest.MonkeyPatch) -> None:
    original = engine._cells_step

    def broken(d: Any, facts: str, cells: str, persistence: str = "TEMPORARY") -> tuple[str, str]:
        name, sql = original(d, facts, cells, persistence)
        return name, (sql.replace("SUM(f_people)", "SUM(no_such_column)") if cells.endswith("_1_cells") else sql)

    monkeypatch.setattr(engine, "_cells_step", broken)
    with pytest.raises(Exception, match="no_such_column"):
        report(gamma)
    assert in_parts
    assert work_relations() == []


def test_tables_a_killed_report_left_behind_are_dropped_by_the_next_large_report(
        gamma: Gamma, in_parts: list[list[tuple[int, int]]]) -> None:
    """A worker killed between the parts and the end leaves unlogged tables; they carry the time they were made,
    and a large report drops those older than STALE_WORK_SECONDS (never one of a report still running)."""
    old = f"{engine.WORK_PREFIX}{int(time.time()) - engine.STALE_WORK_SECONDS - 60}_dead"
    recent = f"{engine.WORK_PREFIX}{int(time.time()) - 60}_running"
    with connection.cursor() as cursor:
        for name in (old, recent):
            table, view = f"{engine.WORK_SCHEMA}.{name}_0_facts", f"{engine.WORK_SCHEMA}.{name}_facts"
            cursor.execute(f"CREATE UNLOGGED TABLE {table} (pid bigint)")
            cursor.execute(f"CREATE VIEW {view} AS SELECT * FROM {table}")  # noqa: S608 (names made above)
    try:
        assert report(gamma)["overall"] == EXPECTED_PY2024
        assert work_relations() == [f"{recent}_0_facts", f"{recent}_facts"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {engine.WORK_SCHEMA}.{recent}_0_facts CASCADE")
            cursor.execute(f"DROP TABLE IF EXISTS {engine.WORK_SCHEMA}.{old}_0_facts CASCADE")


def test_progress_shows_the_parts(gamma: Gamma, in_parts: list[list[tuple[int, int]]]) -> None:
    steps: list[tuple[int, str]] = []
    inputs = ReportInputs(scope="convener", period_start=PY2024[0], period_end=PY2024[1], as_of=AS_OF)
    compute_figures(convener=gamma.convener, inputs=inputs, progress=lambda pct, step: steps.append((pct, step)))
    assert steps[0] == (5, "Outcomes per person, in 3 parts side by side")
    assert [pct for pct, _step in steps] == sorted(pct for pct, _step in steps)
    assert steps[-1] == (95, "Storing the snapshot")


def test_a_report_inside_a_transaction_runs_in_one_session(gamma: Gamma,
                                                            in_parts: list[list[tuple[int, int]]]) -> None:
    """The other connections could not see what an open transaction wrote: one session does it all."""
    from django.db import transaction

    with transaction.atomic():
        assert report(gamma)["overall"] == EXPECTED_PY2024
    assert in_parts == []

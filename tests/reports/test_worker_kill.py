"""Killing the worker in the middle of a run, with a real worker and Redis, still gives exactly one complete snapshot.

The run is made to stop half-way without any hook in the production code: the test holds an ACCESS EXCLUSIVE
lock on ``participants_quarterlywage`` from a connection of its own, so the engine's ``CREATE TEMPORARY TABLE``
(which reads the wage rows) waits on it. Worker #1 is then SIGKILLed; the task was acknowledged late, so its
message stays in kombu's ``unacked`` hash, and Redis hands it to worker #2 once the visibility timeout
(CELERY_VISIBILITY_TIMEOUT, 5 s here) has passed. Worker #2 computes the run again and stores the one snapshot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from config.celery import app
from partnerships.roles import OrganizationType, Role
from reports import tasks
from reports.models import PeriodKind, ReportRun, ReportSnapshot, Scope
from reports.services import report_run_execute, report_run_request
from tests.conftest import require_service
from tests.factories import (
    CohortFactory,
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PartnershipFactory,
    ProgramFactory,
    cohort_status,
    enroll,
    enrollment_status,
)
from tests.test_celery_worker import redis_reachable, test_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCKED_TABLE = "participants_quarterlywage"  # read by the engine's first statement (wage_by_fein)
VISIBILITY_TIMEOUT = 5  # seconds an unacknowledged message stays with a dead worker before Redis hands it on
# Worker env: the short visibility timeout, and kombu's sweep for expired unacked messages every second (its
# defaults, a sweep every 10 s that scans Redis only on every 10th call, would redeliver after ~100 s).
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "CELERY_UNACKED_RESTORE_INTERVAL": "1",
              "CELERY_UNACKED_RESTORE_THROTTLE": "1"}
DEADLINE = 60
ENROLLED = 3
COMPLETED = 1
INPUTS: dict[str, Any] = {"period_kind": PeriodKind.CUSTOM, "period_start": date(2025, 1, 1),
                          "period_end": date(2025, 12, 31), "as_of": date(2026, 1, 15)}


@dataclass
class Small:
    """A convener with one partnership running one cohort of one program, and people on its roster."""

    convener: Any
    admin: Any
    partnership: Any


def build_small() -> Small:
    convener = ConvenerFactory(name="Kappa Workforce Board", slug="kappa")
    membership = MembershipFactory(convener=convener, role=Role.CONVENER_ADMIN)
    admin = membership.user
    college = OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, actor=admin,
                                  name="Kappa Community College")
    community = OrganizationFactory(convener=convener, org_type=OrganizationType.COMMUNITY_ORG, actor=admin,
                                    name="Kappa Goodwill Industries")
    partnership = PartnershipFactory(convener=convener, name="Kappa Healthcare Partnership", actor=admin)
    program = ProgramFactory(provider=college, actor=admin, name="Kappa Nurse Aide Training")
    cohort = CohortFactory(program=program, partnership=partnership, actor=admin, name="Kappa Nurse Aide 2025",
                           start_date=date(2025, 1, 6), end_date=date(2025, 3, 28), seats=12)
    cohort = cohort_status(cohort, "in_progress", actor=admin)
    people = [ParticipantFactory(membership=membership, organization=community) for _ in range(ENROLLED)]
    enrollments = [enroll(cohort, person, membership=membership, on=date(2025, 1, 6)) for person in people]
    for enrollment in enrollments[:COMPLETED]:
        enrollment_status(enrollment, "completed", membership=membership, on=date(2025, 3, 28))
    return Small(convener=convener, admin=admin, partnership=partnership)


def request_run(small: Small) -> ReportRun:
    return report_run_request(convener=small.convener, actor=small.admin, scope=Scope.PARTNERSHIP,
                              scope_id=small.partnership.pk, **INPUTS)


def snapshots_of(small: Small) -> list[ReportSnapshot]:
    return list(ReportSnapshot.unscoped.filter(convener=small.convener))


# ---------------------------------------------------------------------------------------------------------------
# The harness: worker subprocesses, the table lock, polling with a deadline
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Harness:
    tmp_path: Path
    queue: str = field(default_factory=lambda: f"test-kill-{uuid.uuid4().hex[:12]}")
    workers: list[Worker] = field(default_factory=list)
    lock_conn: Any = None

    def start_worker(self, name: str) -> Worker:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": test_database_url(),
               **WORKER_ENV}
        log_path = self.tmp_path / f"{name}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 (a fixed argv: this interpreter running celery)
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", self.queue,
                 "-n", f"{name}-{self.queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-l", "INFO"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        worker = Worker(name=name, process=process, log_path=log_path)
        self.workers.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join(f"----- {w.name} (exit {w.process.poll()}) -----\n{w.log()}" for w in self.workers)

    def wait_until(self, what: str, check: Callable[[], Any], *, alive: tuple[Worker, ...] = (),
                   timeout: float = DEADLINE) -> Any:
        """Poll ``check`` until it returns something truthy; fail at the deadline or as soon as a worker that
        should be alive has exited."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            for worker in alive:
                if worker.process.poll() is not None:
                    pytest.fail(f"{worker.name} exited with {worker.process.returncode} while waiting for "
                                f"{what}:\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout}s\n{self.logs()}")
            time.sleep(0.1)

    def lock_wage_table(self) -> None:
        """ACCESS EXCLUSIVE on the wage table, held by a connection of the test's own in an open transaction."""
        import psycopg2

        s = connection.settings_dict
        self.lock_conn = psycopg2.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                                          host=s["HOST"] or None, port=s["PORT"] or None)
        with self.lock_conn.cursor() as cursor:  # psycopg2 opens the transaction on the first statement
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute(f"LOCK TABLE {LOCKED_TABLE} IN ACCESS EXCLUSIVE MODE")

    def unlock_wage_table(self) -> None:
        if self.lock_conn is not None:
            self.lock_conn.rollback()
            self.lock_conn.close()
            self.lock_conn = None

    def stop(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait(timeout=15)


@pytest.fixture
def harness(transactional_db: None, tmp_path: Path) -> Iterator[Harness]:
    """Workers and the table lock of one test; the lock is released and every worker stopped before the
    transactional flush (which would otherwise wait on the lock forever)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the run is held mid-way by a table lock taken from a second connection, "
                    "which SQLite (one writer, file locks) cannot hold across processes the same way")
    require_service("Redis (REDIS_URL)", redis_reachable(os.environ.get("REDIS_URL", "")))
    harness = Harness(tmp_path=tmp_path)
    try:
        yield harness
    finally:
        harness.unlock_wage_table()
        harness.stop()
        forget_queue(harness.queue)


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def unacked_deliveries(task_id: str) -> list[str]:
    """kombu's ``unacked`` hash: delivery tags of the task's message delivered to a consumer and not yet acked."""
    found = []
    for tag, payload in redis_client().hgetall("unacked").items():
        message, _exchange, _routing_key = json.loads(payload)
        if message.get("headers", {}).get("id") == task_id:
            found.append(tag.decode())
    return found


def forget_queue(queue: str) -> None:
    """Leave nothing of this test's queue in Redis, even after a failure (a message still unacked, a binding)."""
    client = redis_client()
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[2] == queue:
            client.pipeline().zrem("unacked_index", tag).hdel("unacked", tag).execute()
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def waiting_on_lock() -> list[int]:
    """Backends of the test database waiting for a lock on the wage table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                       "WHERE d.datname = current_database() AND l.relation = %s::regclass AND NOT l.granted",
                       [LOCKED_TABLE])
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def report_temp_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT relname FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'report\_facts\_%%'")
        return [name for (name,) in cursor.fetchall()]


def run_status(run: ReportRun) -> str:
    run.refresh_from_db()
    return run.status


# ---------------------------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.redis
def test_killing_the_worker_mid_run_still_gives_exactly_one_complete_snapshot(harness, monkeypatch):
    small = build_small()
    # report_run_request enqueues on commit with .delay (eager in test settings, and to the default queue):
    # suppressed here, and the same task is sent below to this test's own queue instead.
    monkeypatch.setattr(tasks.report_run, "delay", lambda *args, **kwargs: None)
    run = request_run(small)
    assert run.status == ReportRun.Status.QUEUED

    harness.lock_wage_table()
    first = harness.start_worker("worker1")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # test settings run tasks in-process; this one goes through Redis
    try:
        result = tasks.report_run.apply_async(args=[small.convener.pk, run.pk], queue=harness.queue)
    finally:
        app.conf.task_always_eager = eager
    sent = time.monotonic()

    # Worker #1 took the message, marked the run running and is stuck in the engine's first statement.
    harness.wait_until("the run to be running", lambda: run_status(run) == ReportRun.Status.RUNNING, alive=(first,))
    blocked = harness.wait_until("worker #1 to wait on the wage table lock", waiting_on_lock, alive=(first,))
    assert len(blocked) == 1, blocked
    assert unacked_deliveries(result.id), "late ack: the message is delivered but not acknowledged"
    running_at = time.monotonic()

    first.process.kill()  # --pool=solo: the worker is this process, and SIGKILL gives it no chance to clean up
    assert first.process.wait(timeout=15) == -9
    killed_at = time.monotonic()

    # Nothing half-written: no snapshot, the run left running, the message parked in ``unacked`` (not queued).
    assert snapshots_of(small) == []
    run.refresh_from_db()
    assert (run.status, run.snapshot_id, run.attempts) == (ReportRun.Status.RUNNING, None, 1)
    assert unacked_deliveries(result.id)
    assert redis_client().llen(harness.queue) == 0

    # The dead worker's backend goes once the lock is released (it finds its client gone), and its temporary
    # table with it.
    harness.unlock_wage_table()
    harness.wait_until("the killed worker's backend to exit", lambda: not backend_alive(blocked[0]), timeout=30)
    assert report_temp_tables() == []
    assert snapshots_of(small) == []

    second = harness.start_worker("worker2")
    started_second = time.monotonic()
    harness.wait_until("the run to succeed on worker #2", lambda: run_status(run) == ReportRun.Status.SUCCEEDED,
                       alive=(second,))
    succeeded_at = time.monotonic()
    harness.wait_until("worker #2 to acknowledge the message", lambda: not unacked_deliveries(result.id),
                       alive=(second,), timeout=15)

    assert f"reports.report_run[{result.id}] received" in second.log()  # the same message, delivered again
    snapshots = snapshots_of(small)
    assert len(snapshots) == 1
    snapshot = snapshots[0]
    run.refresh_from_db()
    assert run.snapshot_id == snapshot.pk and snapshot.run_id == run.pk
    assert run.attempts >= 2 and run.progress == 100 and run.error == ""
    assert snapshot.inputs_key == run.inputs_key and snapshot.version == 1
    overall = snapshot.figures["overall"]
    assert (overall["people"], overall["enrolled"], overall["completed"]) == (ENROLLED, ENROLLED, COMPLETED)
    assert {"breakdowns", "snap_breakdowns", "services", "work_based_learning", "employer_side"} <= set(
        snapshot.figures)
    assert report_temp_tables() == []
    print(  # noqa: T201 (timings, shown with -s)
        f"\nsent->running {running_at - sent:.1f}s; killed {killed_at - sent:.1f}s after sending; worker #2 "
        f"started {started_second - sent:.1f}s after sending, run succeeded {succeeded_at - started_second:.1f}s "
        f"later; attempts={run.attempts}")


def test_running_the_same_inputs_twice_gives_one_result(db, monkeypatch):
    small = build_small()
    monkeypatch.setattr(tasks.report_run, "delay", lambda *args, **kwargs: None)  # executed in-process below

    first = request_run(small)
    assert request_run(small).pk == first.pk  # asked again while queued: the same run, no duplicate work
    snapshot = report_run_execute(convener=small.convener, run=first)
    assert snapshot is not None and snapshot.figures["overall"]["enrolled"] == ENROLLED

    second = request_run(small)  # the first has finished: a new run of the same inputs
    assert second.pk != first.pk
    assert report_run_execute(convener=small.convener, run=second) == snapshot
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.snapshot_id == second.snapshot_id == snapshot.pk
    assert snapshots_of(small) == [snapshot]

    # Redelivery after success (the worker died between commit and ack): the task writes nothing new.
    finished = (second.finished_at, second.attempts)
    assert tasks.report_run.apply(args=[small.convener.pk, second.pk]).get() == snapshot.pk
    second.refresh_from_db()
    assert (second.finished_at, second.attempts) == finished
    assert snapshots_of(small) == [snapshot]
    assert ReportRun.unscoped.filter(convener=small.convener).count() == 2

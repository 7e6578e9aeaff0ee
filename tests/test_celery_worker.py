"""A real Celery worker, through the real Redis broker, reads the test database and answers a task."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.db import connection

from config.celery import app
from partnerships import tasks
from partnerships.roles import OrganizationType, Role
from tests.conftest import require_service
from tests.factories import ConvenerFactory, MembershipFactory, OrganizationFactory, PartnershipFactory, invite

pytestmark = pytest.mark.redis

BASE_DIR = Path(__file__).resolve().parent.parent
TASK_TIMEOUT = 60


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def test_database_url() -> str:
    """DATABASE_URL of the database this test session is using (the test database, not the real one)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


test_database_url.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture
def worker(tmp_path):
    """A worker subprocess consuming a queue of its own; always stopped."""
    require_service("Redis (REDIS_URL)", redis_reachable(os.environ.get("REDIS_URL", "")))
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": test_database_url()}
    log = (tmp_path / "worker.log").open("w+")
    process = subprocess.Popen(  # noqa: S603 (a fixed argv: this interpreter running celery)
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield process, queue, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


def wait_for(result, process, log) -> dict:
    """The task's result; polls in short steps so a worker that died is reported at once."""
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"the worker exited with {process.returncode}:\n{log.read()}")
        try:
            return result.get(timeout=1)
        except CeleryTimeoutError:
            continue
    log.seek(0)
    pytest.fail(f"no result within {TASK_TIMEOUT}s; worker log:\n{log.read()}")


def test_a_real_worker_counts_a_conveners_rows_from_the_test_database(transactional_db, worker):
    process, queue, log = worker
    convener = ConvenerFactory(name="Delta Workforce Board", slug="delta")
    admin = MembershipFactory(convener=convener, role=Role.CONVENER_ADMIN).user
    employer = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, actor=admin)
    OrganizationFactory(convener=convener, org_type=OrganizationType.COLLEGE, actor=admin)
    PartnershipFactory(convener=convener, actor=admin)
    MembershipFactory(convener=convener, role=Role.EMPLOYER_REP, organization=employer)
    invite(convener=convener, actor=admin, email="pending@delta.example", role=Role.CONVENER_STAFF)

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = tasks.tenant_summary.apply_async(args=[convener.pk], queue=queue)
        summary = wait_for(result, process, log)
    finally:
        app.conf.task_always_eager = eager

    assert summary == {"members": 2, "partnerships": 1, "organizations": 2, "pending_invitations": 1}


def test_the_cache_never_shares_the_brokers_redis_database():
    """Django's cache.clear() on Redis is FLUSHDB: in the broker's database it would drop queued tasks and the
    messages a late-acking worker holds (seen: a worker-kill test lost its redelivery to another test's clear)."""
    from django.core.cache import cache

    from config.settings.base import next_redis_database
    from tests.conftest import clear_cache

    assert next_redis_database("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    assert next_redis_database("redis://:secret@cache.internal:6380") == "redis://:secret@cache.internal:6380/1"
    url = os.environ.get("REDIS_URL", "")
    require_service("Redis (REDIS_URL)", redis_reachable(url))
    assert url == settings.CELERY_BROKER_URL
    assert settings.CACHES["default"]["LOCATION"] == next_redis_database(url) != url

    import redis

    cache_db = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    other = f"other-worker-{uuid.uuid4().hex}:1:key"  # another xdist worker's entry, under its own prefix
    cache_db.set(other, "kept", ex=60)
    cache.set("mine", 1)
    clear_cache()  # what the tests use instead of cache.clear(), which would flush the other worker's entries too
    try:
        assert cache.get("mine") is None
        assert cache_db.get(other) == b"kept"
    finally:
        cache_db.delete(other)

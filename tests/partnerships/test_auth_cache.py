"""The two lookups every signed-in request makes before its page: the session comes from the shared cache, and the
user's row is kept (encrypted) until the next database write (partnerships/security/backends.py). A change to the
user is seen by the very next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships import page_cache
from partnerships.models import User
from tests.conftest import World, clear_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    clear_cache()
    page_cache.settle()  # the world was written in the test's transaction: settled now, not at the first request
    yield
    clear_cache()


def user_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "partnerships_user"' in q["sql"] and q["sql"].startswith("SELECT") for q in captured)


def test_a_second_request_reads_neither_the_session_nor_the_user_from_the_database(
        world: World, client_for: Any) -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client = client_for(world.a.admin)
    page_cache.settle()  # signing in wrote last_login in the test's transaction: that request is over
    client.get("/workspaces/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/workspaces/").status_code == 200
    assert user_queries(captured) == 0
    assert not any("django_session" in q["sql"] for q in captured)


@pytest.mark.parametrize("change", ["deactivate", "password"])
def test_a_change_to_the_user_is_seen_by_the_next_request(world: World, client_for: Any, change: str) -> None:
    """Deactivated: signed out. A new password (set elsewhere): this session's hash no longer matches, signed out."""
    client = client_for(world.a.admin)
    assert client.get("/workspaces/").status_code == 200  # the user is now kept in the cache
    user = User.objects.get(pk=world.a.admin.pk)
    if change == "deactivate":
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user.set_password("a-new-password-2026")
        user.save(update_fields=["password"])
    response = client.get("/workspaces/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_kept_user_is_encrypted_in_the_cache(world: World, client_for: Any) -> None:
    client = client_for(world.a.admin)
    client.get("/workspaces/")
    client.get("/workspaces/")
    key = f"remembered:{page_cache.generation()}:auth-user:{world.a.admin.pk}"
    token = cache.get(key)
    assert token is not None, "the user was not kept"
    assert world.a.admin.email.encode() not in token and world.a.admin.password.encode() not in token


def test_without_a_timeout_the_user_is_read_every_time(world: World, client_for: Any, settings: Any) -> None:
    settings.AUTH_USER_CACHE_SECONDS = 0
    client = client_for(world.a.admin)
    client.get("/workspaces/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/workspaces/")
    assert user_queries(captured) == 1


def test_the_membership_is_kept_too_and_an_ended_membership_is_seen_by_the_next_request(
        world: World, client_for: Any) -> None:
    from partnerships.models import Membership
    from partnerships.roles import Role

    side = world.a
    client = client_for(side.users[Role.CONVENER_STAFF])
    page_cache.settle()
    path = f"/c/{side.convener.slug}/"
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert not any('"partnerships_membership"."user_id" =' in q["sql"] for q in captured), "the membership was read"
    Membership.objects.for_convener(side.convener).filter(pk=side.memberships[Role.CONVENER_STAFF].pk).update(
        is_active=False)
    assert client.get(path).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is PostgreSQL's")
def test_a_kept_membership_still_sets_the_tenant_for_row_level_security(
        world: World, client_for: Any, settings: Any) -> None:
    """The tenant of the connection is set by the membership query; when the membership comes from the cache it is
    set by its own statement, before the page reads a row, and the person's record still shows."""
    settings.PAGE_CACHE_SECONDS = 0  # render every time: the rows are read on each request
    side = world.a
    person = side.participants[0]
    client = client_for(side.admin)
    page_cache.settle()
    path = f"/c/{side.convener.slug}/participants/{person.pk}/"
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        second = client.get(path)
    assert second.status_code == 200 and person.last_name in second.content.decode()
    statements = [q["sql"] for q in captured]
    assert not any('"partnerships_membership"."user_id" =' in sql for sql in statements)
    first = statements[0]
    assert "set_config" in first and "app.convener_id" in first and f"'{side.convener.pk}'" in first, first

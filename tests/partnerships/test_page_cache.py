"""partnerships.page_cache: a busy page is served again to the same reader until anything is written, and never to
anyone else; a fresh CSP nonce each time, PII encrypted in the cache, the PII-view audit recorded on every serving."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from partnerships import page_cache
from partnerships.models import AuditEvent, Partnership
from partnerships.roles import Role
from tests.conftest import World, clear_cache

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    clear_cache()
    yield
    clear_cache()


def reader(client_for: Any, user: Any) -> Client:
    """A signed-in client that already holds its CSRF cookie, as a browser does after its first page (a page is
    stored only for a reader whose CSRF secret is settled)."""
    client = client_for(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    page_cache.settle()  # the world was written in the test's transaction: settled now, not at the first request
    return client


def fetch(client: Client, path: str) -> tuple[str, str, str]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode(), response.get("X-Page-Cache", ""), response["Content-Security-Policy"]


def without_nonces(html: str) -> str:
    return NONCE.sub('nonce=""', html)


def test_the_same_reader_gets_the_stored_page_with_a_fresh_nonce_each_time(world: World, client_for: Any) -> None:
    side = world.a
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/partnerships/{side.partnerships[0].pk}/"
    first, first_state, _ = fetch(client, path)
    second, second_state, policy = fetch(client, path)
    assert (first_state, second_state) == ("miss", "hit")
    assert without_nonces(first) == without_nonces(second)
    nonces = set(NONCE.findall(second))
    assert len(nonces) == 1 and nonces != set(NONCE.findall(first))  # a new nonce, in the page ...
    assert f"'nonce-{nonces.pop()}'" in policy  # ... and in the policy that allows it
    assert page_cache.nonce_placeholder() not in second


def test_another_reader_never_gets_someone_elses_page(world: World, client_for: Any) -> None:
    side = world.a
    path = f"/c/{side.convener.slug}/"
    admin = reader(client_for, side.admin)
    fetch(admin, path)
    assert fetch(admin, path)[1] == "hit"
    # Another role, and the same person in another session: each starts with its own rendering.
    assert fetch(reader(client_for, side.users[Role.CASE_MANAGER]), path)[1] == "miss"
    assert fetch(reader(client_for, side.admin), path)[1] == "miss"
    # Another workspace's member cannot even reach the page: membership is checked before the cache.
    assert reader(client_for, world.b.admin).get(path).status_code == 404


def test_any_write_is_seen_on_the_next_request(world: World, client_for: Any) -> None:
    side = world.a
    partnership = side.partnerships[0]
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/partnerships/{partnership.pk}/"
    fetch(client, path)
    assert fetch(client, path)[1] == "hit"
    # A bulk UPDATE, which no model signal would report, written straight through the ORM.
    Partnership.objects.for_convener(side.convener).filter(pk=partnership.pk).update(name="Renamed Partnership")
    body, state, _ = fetch(client, path)
    assert state == "miss" and "Renamed Partnership" in body


def test_a_transaction_moves_the_generation_again_at_the_end_of_the_request(world: World) -> None:
    before = page_cache.generation()
    partnerships = Partnership.objects.for_convener(world.a.convener).filter(pk=world.a.partnerships[0].pk)
    with transaction.atomic():
        partnerships.update(name="Inside a transaction")
        partnerships.update(name="Twice inside it")
    during = page_cache.generation()
    assert before is not None and during is not None and during >= before + 2  # at once, for each statement
    request_finished.send(sender=None)  # and once more after the commit, however many statements
    assert page_cache.generation() == during + 1
    request_finished.send(sender=None)  # a request that wrote nothing moves nothing
    assert page_cache.generation() == during + 1


def test_what_counts_as_a_write() -> None:
    write = page_cache.is_content_write
    assert write('UPDATE "partnerships_partnership" SET "name" = %s')
    assert write('INSERT INTO "participants_participant" ("convener_id") VALUES (%s)')
    assert write('DELETE FROM "participants_casenote" WHERE "id" = %s')
    assert write("WITH gone AS (DELETE FROM participants_casenote RETURNING id) SELECT count(*) FROM gone")
    assert write("TRUNCATE participants_quarterlywage")
    # A page view's own bookkeeping (its session, the audit of what it showed) and reads do not.
    assert not write('UPDATE "django_session" SET "session_data" = %s')
    assert not write('INSERT INTO "partnerships_auditevent" ("convener_id") VALUES (%s)')
    assert not write('SELECT "partnerships_partnership"."id" FROM "partnerships_partnership" FOR UPDATE')
    assert not write("SELECT set_config('app.current_convener', '1', false)")
    assert page_cache.note_write in connection.execute_wrappers


def test_every_serving_of_a_record_is_audited_and_the_stored_copy_is_encrypted(world: World,
                                                                                 client_for: Any) -> None:
    side = world.a
    person = side.participants[0]
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/participants/{person.pk}/"
    views = AuditEvent.objects.for_convener(side.convener).filter(action="participant.view", target_id=str(person.pk))
    before = views.count()
    body, state, _ = fetch(client, path)
    assert state == "miss" and person.last_name in body
    assert fetch(client, path)[1] == "hit"
    assert fetch(client, path)[1] == "hit"
    assert views.count() == before + 3  # one per page served, stored or not
    generation = page_cache.generation()
    assert generation is not None
    request = client.get(path).wsgi_request
    stored = cache.get(page_cache.cache_key(request, generation=generation))
    assert stored is not None and person.last_name.encode() not in stored


def test_a_flash_message_is_shown_once_and_never_from_the_cache(world: World, client_for: Any) -> None:
    side = world.a
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/"
    fetch(client, path)
    assert fetch(client, path)[1] == "hit"
    # A message left by the previous request, as the message middleware leaves it (a cookie, here).
    request = RequestFactory().get(path)
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(message_levels.SUCCESS, "Saved the council roster.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies.update(carrier.cookies)
    body, state, _ = fetch(client, path)
    assert state == "" and "Saved the council roster." in body
    body, state, _ = fetch(client, path)
    assert state == "hit" and "Saved the council roster." not in body


def test_switched_off_with_zero_seconds(world: World, client_for: Any, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    side = world.a
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/"
    assert fetch(client, path)[1] == fetch(client, path)[1] == ""


@pytest.mark.parametrize(("role", "page", "queries"), [
    (Role.CONVENER_ADMIN, "home", 1),
    (Role.CONVENER_ADMIN, "partnership", 1),
    (Role.CASE_MANAGER, "caseload", 1),
    (Role.CONVENER_ADMIN, "record", 2),  # and the audit of the view, recorded again
    (Role.FUNDER, "outcomes", 1),
])
def test_a_stored_page_costs_a_fixed_few_queries(world: World, client_for: Any, role: str, page: str,
                                                 queries: int) -> None:
    """The membership (the check every request makes before the cache is asked; it also sets the row-level-security
    tenant), nothing else: the session and the user come from the cache too (tests/partnerships/test_auth_cache.py)."""
    side = world.a
    slug = side.convener.slug
    path = {"home": f"/c/{slug}/", "partnership": f"/c/{slug}/partnerships/{side.partnerships[0].pk}/",
            "caseload": f"/c/{slug}/participants/", "record": f"/c/{slug}/participants/{side.participants[0].pk}/",
            "outcomes": f"/c/{slug}/outcomes/"}[page]
    client = reader(client_for, side.users[role])
    assert fetch(client, path)[1] == "miss"
    with CaptureQueriesContext(connection) as captured:
        assert fetch(client, path)[1] == "hit"
    assert len(captured) == queries, "\n".join(q["sql"][:200] for q in captured.captured_queries)


def test_a_page_the_view_marks_no_store_is_never_kept(world: World, client_for: Any) -> None:
    """The data-rights copy of a record (a page about one person) says Cache-Control: no-store: never stored."""
    side = world.a
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/participants/{side.participants[0].pk}/data-rights/record/"
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_the_views_own_headers_come_back_with_a_stored_page(world: World, client_for: Any) -> None:
    side = world.a
    client = reader(client_for, side.admin)
    path = f"/c/{side.convener.slug}/"
    first = client.get(path)
    second = client.get(path)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):  # middleware's, as always
        assert second.get(header) == first.get(header)

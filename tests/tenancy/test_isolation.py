"""Tenant isolation, walked over every tenant route and every tenant-owned model.

Routes and models are enumerated from the URLconf and the app registry, so a route or model added by a
later issue is covered here without anyone remembering to add it. The rule (DOMAIN.md §2): anyone who is
not a member of a tenant gets 404 for everything in it; members never see another tenant's rows.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.db.models import Count, F

from partnerships.permissions import POLICY
from partnerships.roles import Role
from partnerships.tenancy import TenantScopeError
from tests.tenancy.harness import (
    Route,
    UncoveredRoute,
    response_text,
    tenant_owned_models,
    tenant_routes,
    uncovered_routes,
)

EVERY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _resolvable(route: Route) -> bool:
    """Routes whose kwargs the harness can fill. Those it cannot fail test_every_tenant_route_is_covered."""
    try:
        for kwarg in route.object_kwargs:
            route.model_for(kwarg)
    except UncoveredRoute:
        return False
    return bool(route.methods)


ROUTES = tenant_routes()
# A route without the tenant mixin is still walked (and fails here too) as long as its kwargs resolve.
COVERED = [r for r in ROUTES if _resolvable(r)]
OBJECT_ROUTES = [r for r in COVERED if not r.is_list]
LIST_ROUTES = [r for r in COVERED if r.is_list and "GET" in r.methods]
MODELS = tenant_owned_models()


def allowed_roles(route: Route, method: str) -> frozenset[str]:
    action = route.action_for(method)
    return POLICY[action] if action is not None else frozenset(Role)


def _ids(routes: list[Route]) -> list[str]:
    return [r.name for r in routes]


def send(route: Route, method: str, url: str, *, client_for: Any, api_client_for: Any, user: Any) -> Any:
    """One request of ``method`` to ``url`` as ``user``, with an empty body where the method has one."""
    if route.is_api:
        client = api_client_for(user)
        if method in ("POST", "PUT", "PATCH"):
            return getattr(client, method.lower())(url, {}, format="json")
        return getattr(client, method.lower())(url)
    client = client_for(user)
    if method in ("POST", "PUT", "PATCH"):
        return getattr(client, method.lower())(url, {})
    return getattr(client, method.lower())(url)


def row_labels(side: Any) -> list[tuple[str, str]]:
    """(description, str()) of every row of ``side``: read once per test, since building them walks every model
    (and each str() may follow a foreign key); the requests a test sends as another tenant's users write nothing."""
    return [(f"{row._meta.label} {row.pk}", str(row)) for row in side.all_rows()]


def leaks_of(text: str, side: Any, labels: list[tuple[str, str]] | None = None) -> list[str]:
    """What of ``side`` shows in ``text``: its marker word, or the str() of any of its rows."""
    found = []
    if re.search(rf"(?i)\b{re.escape(side.marker)}\b", text):
        found.append(f"the marker {side.marker!r}")
    for description, label in row_labels(side) if labels is None else labels:
        if label in text or html.escape(label) in text:
            found.append(f"{description} ({label!r})")
    return found


def members_of(side: Any) -> list[tuple[str, Any]]:
    return [(str(role), side.users[role]) for role in Role]


# ---------------------------------------------------------------------------------------------------
# a) Members of B and strangers get 404 for everything in A, with any method
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route", COVERED, ids=_ids(COVERED))
def test_members_of_another_tenant_and_strangers_get_404_for_every_method(route, world, client_for, api_client_for):
    """Every method, not only the route's own: a 405 would already confirm that the workspace exists."""
    url = route.url(convener_slug=world.a.convener.slug, objects=route.objects_of(world.a))
    users = [*members_of(world.b), ("stranger", world.stranger)]
    a_labels = row_labels(world.a)
    wrong = []
    for method in EVERY_METHOD:
        for who, user in users:
            response = send(route, method, url, client_for=client_for, api_client_for=api_client_for, user=user)
            if response.status_code != 404:
                wrong.append(f"{method} {url} as B's {who}: {response.status_code}")
            elif leaks := leaks_of(response_text(response), world.a, a_labels):
                wrong.append(f"{method} {url} as B's {who}: the 404 page shows {leaks}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("route", COVERED, ids=_ids(COVERED))
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(route, world, client_for, api_client_for):
    url = route.url(convener_slug=world.a.convener.slug, objects=route.objects_of(world.a))
    for method in route.methods:
        response = send(route, method, url, client_for=client_for, api_client_for=api_client_for, user=None)
        if route.is_api:
            assert response.status_code in (401, 403), f"{method} {url}: {response.status_code}"
        else:
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response["Location"].startswith("/accounts/login/"), response["Location"]


# ---------------------------------------------------------------------------------------------------
# b) Members of B asking in their own workspace for A's objects get 404
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=_ids(OBJECT_ROUTES))
def test_another_tenants_object_ids_are_not_found_in_your_own_workspace(route, world, client_for, api_client_for):
    url = route.url(convener_slug=world.b.convener.slug, objects=route.objects_of(world.a))
    wrong = []
    for method in route.methods:
        allowed = allowed_roles(route, method)
        for who, user in members_of(world.b):
            response = send(route, method, url, client_for=client_for, api_client_for=api_client_for, user=user)
            # A role refused the action may be told so (it is a member of B); everyone else sees 404.
            expected = {404} if who in allowed else {403, 404}
            if response.status_code not in expected:
                wrong.append(f"{method} {url} as B's {who}: {response.status_code}, expected {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("route", COVERED, ids=_ids(COVERED))
def test_the_owners_admin_reaches_the_same_urls_so_the_404s_above_are_not_vacuous(
    route, world, client_for, api_client_for
):
    url = route.url(convener_slug=world.a.convener.slug, objects=route.objects_of(world.a))
    for method in route.methods:
        response = send(route, method, url, client_for=client_for, api_client_for=api_client_for,
                        user=world.a.admin)
        assert response.status_code != 404, f"{method} {url} as A's own admin: 404"
        assert response.status_code < 500, f"{method} {url} as A's own admin: {response.status_code}"


# ---------------------------------------------------------------------------------------------------
# c) List pages and list endpoints of B show nothing of A
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route", LIST_ROUTES, ids=_ids(LIST_ROUTES))
def test_lists_show_no_row_of_another_tenant_to_any_role(route, world, client_for, api_client_for):
    url = route.url(convener_slug=world.b.convener.slug)
    allowed = allowed_roles(route, "GET")
    model = getattr(route.view_class, "tenant_model", None)
    if model is not None:  # rows the world builds on first use must exist on both sides before the list is read
        world.a.primary(model), world.b.primary(model)
    a_ids = {row.pk for row in world.a.rows(model)} if model else set()
    a_labels = row_labels(world.a)
    wrong = []
    for who, user in members_of(world.b):
        response = send(route, "GET", url, client_for=client_for, api_client_for=api_client_for, user=user)
        expected = 200 if who in allowed else 403
        if response.status_code != expected:
            wrong.append(f"GET {url} as B's {who}: {response.status_code}, expected {expected}")
        text = response_text(response)
        if leaks := leaks_of(text, world.a, a_labels):
            wrong.append(f"GET {url} as B's {who} shows A's data: {', '.join(leaks)}")
        if route.is_api and response.status_code == 200 and a_ids:
            body = json.loads(text)
            rows = body["results"] if isinstance(body, dict) and "results" in body else body
            if shown := a_ids & {row.get("id") for row in rows if isinstance(row, dict)}:
                wrong.append(f"GET {url} as B's {who} lists A's {model._meta.label} ids {sorted(shown)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_ids(LIST_ROUTES))
def test_lists_of_your_own_tenant_do_show_its_rows_so_the_check_above_can_fail(
    route, world, client_for, api_client_for
):
    """The leak check looks for a marker word; prove the word does reach pages built from tenant rows."""
    if (model := getattr(route.view_class, "tenant_model", None)) is not None:
        world.b.primary(model)
    response = send(route, "GET", route.url(convener_slug=world.b.convener.slug),
                    client_for=client_for, api_client_for=api_client_for, user=world.b.admin)
    assert response.status_code == 200
    assert leaks_of(response_text(response), world.b), f"{route.name} shows nothing of B to B's admin"


# ---------------------------------------------------------------------------------------------------
# d) Every tenant-owned model: owned, fail-closed, scoped
# ---------------------------------------------------------------------------------------------------
def _model_id(model: type) -> str:
    return model._meta.label


EVALUATIONS = {
    "list": lambda qs: list(qs),
    "len": lambda qs: len(qs),
    "bool": lambda qs: bool(qs),
    "iteration": lambda qs: next(iter(qs), None),
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "update": lambda qs: qs.update(convener_id=F("convener_id")),
    "delete": lambda qs: qs.delete(),
    "iterator": lambda qs: list(qs.iterator()),
    "get": lambda qs: qs.get(pk=0),
    "first": lambda qs: qs.first(),
    "last": lambda qs: qs.last(),
    "in_bulk": lambda qs: qs.in_bulk([0]),
    "values_list": lambda qs: list(qs.values_list("pk", flat=True)),
    "filter_then_list": lambda qs: list(qs.filter(pk__gt=0)),
    "slice": lambda qs: list(qs[:1]),
}


@pytest.mark.parametrize("model", MODELS, ids=_model_id)
def test_every_tenant_owned_row_has_a_convener(model, world):
    field = model._meta.get_field("convener")
    assert not field.null, f"{model._meta.label}.convener must not be nullable"
    assert not model.unscoped.filter(convener__isnull=True).exists()


@pytest.mark.parametrize("model", MODELS, ids=_model_id)
def test_the_default_manager_refuses_to_run_a_query_without_a_tenant(model, world):
    """Every way of evaluating a queryset, for every model, against the world's rows. One test per model
    (each evaluation checked in turn, and named when it fails) so the world is built once per model."""
    rows_before = model.unscoped.count()
    allowed = []
    for how in sorted(EVALUATIONS):
        try:
            EVALUATIONS[how](model.objects.all())
        except TenantScopeError:
            continue
        allowed.append(how)
    assert not allowed, f"{model._meta.label}: {', '.join(allowed)} ran without a tenant"
    assert model.unscoped.count() == rows_before


@pytest.mark.parametrize("model", MODELS, ids=_model_id)
def test_scoping_to_one_tenant_returns_its_rows_and_none_of_the_others(model, world):
    world.a.primary(model), world.b.primary(model)  # rows the world builds on first use
    b_rows = set(model.objects.for_convener(world.b.convener))
    assert b_rows == set(world.b.rows(model))
    assert not b_rows & set(world.a.rows(model))
    assert not model.objects.for_convener(world.b.convener).filter(pk__in=[r.pk for r in world.a.rows(model)]).exists()


@pytest.mark.parametrize("model", MODELS, ids=_model_id)
def test_the_world_has_a_row_of_every_tenant_owned_model_in_both_tenants(model, world):
    for side in world.sides():
        side.primary(model)  # builds the rows the world makes on first use; LookupError when it has none at all
        assert side.rows(model), (
            f"The test world has no {model._meta.label} row in {side.convener}, so the isolation harness cannot "
            f"prove it is isolated. Add it to build_tenant() in tests/conftest.py through a factory in "
            f"tests/factories.py."
        )


# ---------------------------------------------------------------------------------------------------
# e) Every tenant route is covered by this harness
# ---------------------------------------------------------------------------------------------------
def test_every_tenant_route_is_covered_by_the_isolation_harness():
    problems = uncovered_routes()
    assert not problems, "Tenant routes the isolation harness cannot cover:\n" + "\n".join(problems.values())


def test_the_harness_finds_both_tenant_pages_and_tenant_api_routes():
    assert any(not r.is_api for r in ROUTES), "no tenant HTML route found under /c/<convener_slug>/"
    assert any(r.is_api for r in ROUTES), "no tenant API route found under /api/v1/c/<convener_slug>/"
    assert OBJECT_ROUTES and LIST_ROUTES


# ---------------------------------------------------------------------------------------------------
# f) The harness fails loudly on a route it cannot cover
# ---------------------------------------------------------------------------------------------------
def test_the_harness_reports_unknown_kwargs_and_views_without_the_tenant_mixin():
    problems = uncovered_routes("tests.tenancy.urls_with_unknown_route")
    assert set(problems) == {"gadget-detail", "plain-tenant-page"}, problems
    assert "<gadget_id>" in problems["gadget-detail"]
    assert "TenantViewMixin" in problems["plain-tenant-page"]

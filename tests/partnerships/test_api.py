"""The tenant core API: input errors are 400s with field errors, token auth, schema, pagination."""

from __future__ import annotations

import json
import re

import pytest
from rest_framework.test import APIClient

from partnerships.models import Invitation
from partnerships.roles import OrganizationType, Role
from tests.factories import PASSWORD, totp_code_of
from tests.tenancy.harness import tenant_routes

INVITATIONS = "/api/v1/c/alpha/invitations/"


def test_a_malformed_json_body_is_a_400_not_a_500(world, api_client_for):
    before = Invitation.unscoped.count()
    response = api_client_for(world.a.admin).post(INVITATIONS, '{"email": "x@alpha.example", "role": ',
                                                  content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert Invitation.unscoped.count() == before


@pytest.mark.parametrize("payload", [[], "just a string", 42, None])
def test_a_json_body_that_is_not_an_object_is_a_400(world, api_client_for, payload):
    response = api_client_for(world.a.admin).post(INVITATIONS, json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content


def test_invalid_fields_are_a_400_naming_each_field(world, api_client_for):
    response = api_client_for(world.a.admin).post(
        INVITATIONS, {"email": "not-an-email", "role": "king", "organization": "abc", "partnerships": "x"},
        format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "role", "organization", "partnerships"}


def test_an_organization_id_of_another_tenant_is_not_found_in_this_workspace(world, api_client_for):
    beta_employer = world.b.orgs[OrganizationType.EMPLOYER]
    response = api_client_for(world.a.admin).post(
        INVITATIONS, {"email": "rep@alpha.example", "role": Role.EMPLOYER_REP, "organization": beta_employer.pk},
        format="json")
    assert response.status_code == 400
    assert response.json() == {"organization": [f"No such object in this workspace: {beta_employer.pk}."]}


def test_a_rule_broken_in_the_service_is_a_400_on_the_field(world, api_client_for):
    response = api_client_for(world.a.admin).post(
        INVITATIONS, {"email": "rep@alpha.example", "role": Role.EMPLOYER_REP,
                      "organization": world.a.orgs[OrganizationType.COLLEGE].pk}, format="json")
    assert response.status_code == 400
    assert "Alpha Community College" in response.json()["organization"][0]


def test_an_admin_creates_an_invitation_through_the_api(world, api_client_for, mailoutbox):
    response = api_client_for(world.a.admin).post(
        INVITATIONS, {"email": "funder2@alpha.example", "role": Role.FUNDER,
                      "organization": world.a.orgs[OrganizationType.PHILANTHROPY].pk,
                      "partnerships": [world.a.granted_partnership.pk]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["partnerships"][0]["id"] == world.a.granted_partnership.pk
    assert "token" not in json.dumps(body)


def test_the_last_admin_cannot_be_demoted_through_the_api(world, api_client_for):
    admin = world.a.memberships[Role.CONVENER_ADMIN]
    response = api_client_for(world.a.admin).patch(f"/api/v1/c/alpha/memberships/{admin.pk}/",
                                                   {"role": Role.CONVENER_STAFF}, format="json")
    assert response.status_code == 400
    assert "at least one active convener admin" in json.dumps(response.json())


def test_revoking_through_the_api_keeps_the_record(world, api_client_for):
    client = api_client_for(world.a.admin)
    assert client.delete(f"{INVITATIONS}{world.a.invitation.pk}/").status_code == 204
    assert client.get(f"{INVITATIONS}{world.a.invitation.pk}/").json()["status"] == "revoked"


def test_a_role_without_the_permission_gets_403_from_the_api(world, api_client_for):
    response = api_client_for(world.a.users[Role.CONVENER_STAFF]).post(
        INVITATIONS, {"email": "x@alpha.example", "role": Role.CONVENER_STAFF}, format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------
# Token authentication
# ---------------------------------------------------------------------------------------------------
def test_a_token_from_the_token_endpoint_authenticates_api_calls(world):
    client = APIClient()
    # The admin has two-factor authentication: the token needs the app's current code too (tests/security).
    response = client.post("/api/v1/auth/token/", {"username": world.a.admin.email, "password": PASSWORD,
                                                   "code": totp_code_of(world.a.admin)}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert [m["convener_slug"] for m in me.json()["memberships"]] == ["alpha"]
    assert client.get("/api/v1/c/alpha/organizations/").status_code == 200
    assert client.get("/api/v1/c/beta/organizations/").status_code == 404


def test_the_token_endpoint_refuses_a_wrong_password(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": world.a.admin.email, "password": "nope"},
                                format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me/").status_code in (401, 403)


# ---------------------------------------------------------------------------------------------------
# Schema and pagination
# ---------------------------------------------------------------------------------------------------
def _schema_path(route: str) -> str:
    """"c/<slug:convener_slug>/partnerships/<int:pk>/goals/<int:partnershipgoal_id>/" as the schema spells it."""
    def param(match: re.Match[str]) -> str:
        return "{id}" if match.group(1) == "pk" else "{" + match.group(1) + "}"

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", param, route)


def test_the_schema_renders_and_lists_every_tenant_api_path(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for route in tenant_routes():
        if route.is_api:
            expected = _schema_path(route.route)
            assert expected in paths, f"{route.name}: {expected} missing from the schema"
            documented = {m.upper() for m in paths[expected]}
            assert set(route.methods) <= documented, f"{route.name}: {route.methods} vs {documented}"
    assert "/api/v1/naics/" in paths


def test_the_schema_generates_without_warnings_or_errors(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    validate_schema(schema)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("resource", ["memberships", "invitations", "organizations", "partnerships", "audit-events"])
def test_api_lists_are_paginated(world, api_client_for, resource):
    response = api_client_for(world.a.admin).get(f"/api/v1/c/alpha/{resource}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    page_size = 50  # settings.REST_FRAMEWORK["PAGE_SIZE"]; the world's audit trail is longer than a page
    assert len(body["results"]) == min(body["count"], page_size) > 0
    assert (body["next"] is not None) == (body["count"] > page_size)


# ---------------------------------------------------------------------------------------------------
# No body makes any tenant API write endpoint fail with a 500
# ---------------------------------------------------------------------------------------------------
WRITES = [(r, m) for r in tenant_routes() if r.is_api for m in r.methods if m in ("POST", "PUT", "PATCH")]
BAD_BODIES = {"malformed": '{"role": ', "array": "[]", "string": '"role"', "number": "7", "null": "null",
              "nested": '{"role": {"a": [1]}, "organization": [], "partnerships": {"x": 1}, "is_active": "maybe"}'}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=list(BAD_BODIES))
@pytest.mark.parametrize(("route", "method"), WRITES, ids=[f"{m} {r.name}" for r, m in WRITES])
def test_a_bad_json_body_is_answered_with_a_4xx_or_ignored_never_a_500(world, api_client_for, route, method, body):
    url = route.url(convener_slug="alpha", objects=route.objects_of(world.a))
    response = getattr(api_client_for(world.a.admin), method.lower())(url, body, content_type="application/json")
    assert response.status_code < 500, response.content
    if 400 <= response.status_code < 500:
        assert response.json(), "a 4xx answer must say what was wrong"


def test_a_funder_lists_and_reads_only_the_partnerships_it_was_granted(world, api_client_for):
    client = api_client_for(world.a.users[Role.FUNDER])
    listed = [p["id"] for p in client.get("/api/v1/c/alpha/partnerships/").json()["results"]]
    assert listed == [world.a.granted_partnership.pk]
    assert client.get(f"/api/v1/c/alpha/partnerships/{world.a.other_partnership.pk}/").status_code == 404

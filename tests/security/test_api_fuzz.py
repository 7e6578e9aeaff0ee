"""Schemathesis fuzzes every operation of the OpenAPI schema, in-process, as every role of a real tenant.

One test item per role (xdist spreads them), each on the world built once: the role's DRF token goes in the
``Authorization`` header, ``{convener_slug}`` is the tenant's slug, every object id in a path is a real row of the
world (found as the isolation harness finds them), and id fields of bodies and filters often name real rows too,
so the fuzzer reaches the handlers and services, not only the 404s. Every request runs in a savepoint that is
rolled back, so what one example writes never changes the next. Operations the role may not perform get one
example (their 403 is checked like any response); the others get positive examples (valid per the schema) and
negative ones (breaking it), which must be refused with a 4xx.

No response may be a server error (5xx), and each must match the schema: a documented status code, a documented
content type and a body that validates. The counts go to stdout and to var/security/schemathesis.json.
"""

from __future__ import annotations

import fcntl
import json
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partnerships.models import Organization, User
from partnerships.permissions import POLICY
from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantOwnedModel
from tests.tenancy.harness import TENANT_KWARG, Route, all_routes, tenant_owned_models

# Examples per operation. Positive ones follow the schema; negative ones break it and must get a 4xx.
POSITIVE_EXAMPLES = 3
NEGATIVE_EXAMPLES = 2
DENIED_EXAMPLES = 1  # the role may not perform the operation: the 403 comes before anything reads the request
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
REPORT = settings.VAR_DIR / "security" / "schemathesis.json"
COUNTS = ("operations", "cases", "server_errors", "schema_violations")
_ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?(\w+)>")
# Id fields whose organization has a type: the world's organization of that type is the one that can be valid.
ORGANIZATION_FIELDS = {"employer": OrganizationType.EMPLOYER, "provider": OrganizationType.COLLEGE,
                       "recipients": OrganizationType.COLLEGE, "organization": OrganizationType.COMMUNITY_ORG}


@cache
def api_schema() -> Any:
    """The schema the app serves at /api/schema/ (loaded once per process), for token authentication.

    The fuzzer authenticates with the role's token; left in, the session cookie the schema also accepts would be
    filled with random session keys on every request, which exercises nothing but a failed session lookup.
    """
    raw = json.loads(Client().get("/api/schema/", {"format": "json"}).content)
    for item in raw["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = [s for s in operation["security"] if "cookieAuth" not in s]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = WSGIHandler()
    return schema


@cache
def api_routes() -> dict[str, Route]:
    """OpenAPI path template (``{id}`` for ``<pk>``, as drf-spectacular writes it) to the URL route."""
    return {"/" + _ROUTE_PARAM.sub(lambda m: "{" + ("id" if m.group(1) == "pk" else m.group(1)) + "}", r.route): r
            for r in all_routes() if r.route.startswith("api/")}


def route_of(operation: Any) -> Route:
    route = api_routes().get(operation.path)
    assert route is not None, f"{operation.label}: no URL route matches {operation.path}"
    return route


def path_values(operation: Any, side: Any) -> dict[str, Any]:
    """The tenant's slug and, for each object id in the path, the world's row of the model it names."""
    route = route_of(operation)
    values: dict[str, Any] = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name == TENANT_KWARG:
            values[name] = side.convener.slug
        else:
            values[name] = side.primary(route.model_for("pk" if name == "id" else name)).pk
    return values


def world_ids(side: Any) -> dict[str, int]:
    """Body or query field name to the id of a real row of ``side`` that such a field may name."""
    ids: dict[str, int] = {}
    for model in tenant_owned_models():
        for field in model._meta.get_fields():
            target = field.related_model
            if not (field.is_relation and field.concrete and isinstance(target, type)) or field.name == "convener":
                continue
            if target is User:
                ids.setdefault(field.name, side.admin.pk)
            if not issubclass(target, TenantOwnedModel):  # public reference data (occupations...) or a user
                continue
            try:
                pk = side.primary(target).pk
            except LookupError:  # the world has no row of that model
                continue
            ids.setdefault(field.name, pk)
            ids.setdefault(target._meta.model_name or field.name, pk)
    ids.update({name: side.orgs[org_type].pk for name, org_type in ORGANIZATION_FIELDS.items()})
    ids.update({f"{name}s": pk for name, pk in list(ids.items()) if not name.endswith("s")})
    assert Organization._meta.model_name in ids
    return ids


@st.composite
def with_world_ids(draw: st.DrawFn, cases: st.SearchStrategy, ids: dict[str, int]) -> Any:
    """A generated case whose id fields (of a JSON or form body, and filters) now and then name a real row, and
    whose list page now and then is the first (a random page number is past the last one, which is a 404)."""
    case = draw(cases)
    containers = [c for c in (case.body, case.query) if isinstance(c, dict)]
    for container in containers:
        for key, value in list(container.items()):
            if key in ids and draw(st.booleans()):
                container[key] = [ids[key]] if isinstance(value, list) else ids[key]
    if isinstance(case.query, dict) and "page" in case.query and draw(st.booleans()):
        case.query["page"] = 1
    return case


@contextmanager
def serving(capture: Callable[..., None]) -> Iterator[None]:
    """Serve WSGI requests inside the test's transaction, as Django's test client does.

    The WSGI handler closes "old" database connections when a request starts and ends; inside the test's
    transaction that would close the test's own connection. Exceptions that became a 500 go to ``capture``.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(capture)
    try:
        yield
    finally:
        got_request_exception.disconnect(capture)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class ServerErrorCapture:
    """The traceback of the last exception the WSGI handler turned into a 500 (its body hides it, rightly)."""

    def __init__(self) -> None:
        self.last: str | None = None

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        self.last = "".join(traceback.format_exception(*sys.exc_info()))


def fuzz_operation(strategy: st.SearchStrategy, *, examples: int, record: Callable[[Any], None]) -> bool:
    """Send ``examples`` cases of ``strategy`` through ``record``; False when no case can be generated."""

    @hypothesis_settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                         phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        record(case)

    try:
        run()
    except Unsatisfiable:
        return False
    return True


def allowed(role: str, route: Route, method: str) -> bool:
    action = route.action_for(method)
    return action is None or role in POLICY[action]  # None: not a tenant route (public or per-user)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_api_operation_survives_fuzzing_as(role: str, world: Any) -> None:
    side = world.a
    headers = {"Authorization": f"Token {Token.objects.create(user=side.users[role]).key}"}
    ids = world_ids(side)
    capture = ServerErrorCapture()
    failures: dict[tuple[str, int, str], list[str]] = {}  # (operation, status, failure) -> examples
    statuses: Counter[int] = Counter()
    counts = dict.fromkeys(COUNTS, 0)

    def record(case: Any) -> None:
        capture.last = None
        with transaction.atomic():  # a savepoint: whatever the request wrote is undone before the next one
            response = case.call()
            transaction.set_rollback(True)
        counts["cases"] += 1
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                server = response.status_code >= 500
                counts["server_errors" if server else "schema_violations"] += 1
                detail = capture.last if server and capture.last else failure.message
                key = (case.operation.label, response.status_code, failure.title)
                failures.setdefault(key, []).append(f"{case.as_curl_command()}\n{detail}\n{response.text[:300]}")

    started = time.monotonic()
    schema = api_schema()  # before serving(): Django's test client reconnects close_old_connections when done
    with serving(capture):
        for result in schema.get_all_operations():
            operation = result.ok()
            counts["operations"] += 1
            values = path_values(operation, side)
            plans = [(GenerationMode.POSITIVE, DENIED_EXAMPLES)]
            if allowed(role, route_of(operation), operation.method.upper()):
                plans = [(GenerationMode.POSITIVE, POSITIVE_EXAMPLES)]
                if len(operation.query) or operation.body:  # something left to break once the path is fixed
                    plans.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
            for mode, examples in plans:
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=values, headers=headers)
                generated = fuzz_operation(with_world_ids(strategy, ids), examples=examples, record=record)
                assert generated or mode is GenerationMode.NEGATIVE, f"{operation.label}: no case can be generated"
    seconds = round(time.monotonic() - started, 1)
    write_report(role, {**counts, "seconds": seconds, "statuses": {str(k): v for k, v in sorted(statuses.items())},
                        "finished_at": datetime.now(UTC).isoformat(timespec="seconds")})
    sys.stdout.write(f"schemathesis as {role}: {counts['operations']} operations, {counts['cases']} cases, "
                     f"{counts['server_errors']} server errors, {counts['schema_violations']} schema violations, "
                     f"{seconds}s\n")
    assert counts["cases"] >= counts["operations"]
    assert not failures, f"{len(failures)} kinds of failure as {role}:\n\n" + "\n\n".join(
        f"{label} [{status}] {title} ({len(examples)}x), e.g.\n{examples[0]}"
        for (label, status, title), examples in sorted(failures.items()))


# Requests that broke the API before (found by this fuzzer or next to what it found), replayed as convener admin:
# (operation, path parameters other than the slug, query, body (or a function of the tenant giving it), the status
# that is right). Each response is checked like a fuzzed one.
TENANT = "/api/v1/c/{convener_slug}/"
REGRESSIONS = [
    # A UTC offset PostgreSQL cannot parse (it allows ±15:59): was a 500 from the database.
    ("GET", "meetings/", {}, {"starts_after": "0544-12-10T03:24:04+17:21"}, None, 200),
    ("GET", "audit-events/", {}, {"occurred_before": "2030-01-01T00:00:00-23:59"}, None, 200),
    # ... and one that leaves the calendar once converted to UTC.
    ("GET", "meetings/", {}, {"starts_before": "0001-01-01T00:00:00+10:00"}, None, 400),
    # An id filter read as a decimal: 1.28e+20 reached SQLite, which cannot hold it (a 500); now a 400.
    ("GET", "report-runs/", {}, {"partnership": "1.2801324035474268e+20"}, None, 400),
    # DRF's search refuses NUL characters with a bare list: now an object of field errors, like every 400.
    ("GET", "credential-awards/", {}, {"search": "a\x00b"}, None, 400),
    # A meeting in the year 94 came back with the offset -04:56:02 (local mean time), no RFC 3339 date-time.
    ("PATCH", "meetings/{id}/", {"id": "meeting"}, {}, {"starts_at": "0094-01-28T05:57:13Z"}, 400),
    # A blank employment status was stored, then returned outside the documented choices.
    ("PATCH", "participants/{id}/", {"id": "participant"}, {}, {"employment_status_at_entry": ""}, 200),
    # A cohort ending on the last day of the calendar: laying out its sessions stepped past 9999-12-31 (a 500).
    ("POST", "cohorts/", {}, {}, lambda side: {
        "program": side.program.pk, "partnership": side.granted_partnership.pk, "name": "Edge of the calendar",
        "start_date": "9999-12-01", "end_date": "9999-12-31", "seats": 5, "weekly_pattern": {"0": "classroom"}}, 400),
    # A CSV export's errors came back as text/csv.
    ("GET", "partnerships/{partnership_id}/demand-snapshots/current/export/", {"partnership_id": "partnership"},
     {"format": "zzz"}, None, 404),
]


@pytest.mark.parametrize(("method", "path", "objects", "query", "body", "expected"), REGRESSIONS,
                         ids=[f"{r[0]} {r[1]} {r[5]}" for r in REGRESSIONS])
def test_requests_that_broke_the_api_get_a_documented_answer(world: Any, method: str, path: str,
                                                            objects: dict[str, str], query: dict[str, Any],
                                                            body: Any, expected: int) -> None:
    side = world.a
    operation = api_schema()[TENANT + path][method]
    rows = {m._meta.model_name: m for m in tenant_owned_models()}
    values = {name: side.primary(rows[model]).pk for name, model in objects.items()}
    body = body(side) if callable(body) else body
    token = Token.objects.create(user=side.admin)
    case = operation.Case(path_parameters={TENANT_KWARG: side.convener.slug, **values}, query=query,
                          headers={"Authorization": f"Token {token.key}"},
                          **({"body": body, "media_type": "application/json"} if body is not None else {}))
    with serving(ServerErrorCapture()):
        response = case.call()
    assert response.status_code == expected, response.text
    case.validate_response(response, checks=CHECKS)


def write_report(role: str, entry: dict[str, Any]) -> None:
    """Merge this role's counts into the report (xdist workers write it concurrently, hence the lock). A role's
    entry is replaced whenever that role runs; the totals add up the entries present."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with open(REPORT.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            report = json.loads(REPORT.read_text())
        except (OSError, ValueError):
            report = {}
        roles = {**report.get("roles", {}), role: entry}
        totals = {key: sum(r[key] for r in roles.values()) for key in COUNTS}
        REPORT.write_text(json.dumps({"roles": roles, "totals": totals}, indent=2) + "\n")

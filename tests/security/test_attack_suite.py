"""The cross-tenant attack suite: each tenant's members attack the other tenant, on every route, with every role.

The isolation harness (tests/tenancy) proves the rule route by route; this suite attacks it the way a curious or
hostile member of one workspace would, in both directions (Beta's people attack Alpha, then Alpha's attack Beta):

- **route walk**: every tenant route, every role, every method the route answers, at the victim's workspace URL
  (404 for a non-member) and at the attacker's own workspace with the victim's object ids (404, or 403/405 for a
  role the action is refused to), mixed parent/child ids too;
- **guessed ids**: ids drawn by Hypothesis (derandomized, bounded) near the victim's real ids, exactly them, 0,
  negative and huge, on every object route;
- **smuggled filters**: every id-valued query parameter of the API (from the OpenAPI schema and the FilterSets
  behind it) and of the pages' filter forms, set to a victim row's id;
- **smuggled bodies and forms**: every id field of every API request body (serializer relation fields) and of every
  HTML form a page posts, set to a victim row's id, the rest of the body valid;
- **imports**: participant, enrollment, placement and wage files naming the victim's people, organization or SSN.

One request is one attempt. Each attempt is checked three ways: the status (a 5xx is always wrong); the response
(HTML, JSON, CSV, XLSX, PDF, and the Location and Content-Disposition headers) shows no marker of the victim (its
name word, which every row's str() carries, its participants' SSN, birth date, public ids and notes, its users'
emails, its invitation token), leaving out what the attacker sent itself; and the database (a spy on the connection
notes every write to a tenant table; each write is followed by a fingerprint of the victim's rows in those tables
and a search for rows that point across tenants). An SSN on file in the victim's workspace must import and save
exactly as a fresh one does (no oracle). Every item counts its attempts and leaks into var/security/attack_suite/
and asserts its own floor; the session sums them into var/security/attack_suite.json (tests/security/attack_report.py).

The 404s are not vacuous: test_isolation.py proves the owner's admin reaches every one of these URLs, and the self
tests at the end prove each detector fires on a planted leak.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import inspect
import io
import json
import logging
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.db.models import Exists, F, Model, OuterRef
from django.test import TestCase
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from participants.models import ImportJob
from partnerships.models import AuditEvent, Membership, Organization, User
from partnerships.permissions import POLICY
from partnerships.roles import OrganizationType, Role
from partnerships.tenancy import TenantOwnedModel
from tests.security.attack_report import MINIMUM_ATTEMPTS, record_item
from tests.tenancy.harness import Route, response_text, tenant_owned_models, tenant_routes

ROLES = tuple(Role)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ROUTES = tenant_routes()
ROUTES_BY_NAME = {r.name: r for r in ROUTES}
OBJECT_ROUTES = [r for r in ROUTES if not r.is_list]
# Minimum attempts per item (each item asserts its own); their sum is the suite's floor, MINIMUM_ATTEMPTS or more.
FLOORS = {
    "route_walk": 900,  # per role item: both directions, every route and method (1,144 today)
    "guessed_ids": 220,  # 240 examples
    "api_smuggling": 350,  # filters and bodies (468 today)
    "html_smuggling": 150,  # query parameters, filter forms and posted forms (190 today)
    "imports": 60,  # (74 today)
}
GUESSES = 240  # Hypothesis examples (one request each), half per direction


def allowed(route: Route, method: str, role: str) -> bool:
    action = route.action_for(method)
    return action is not None and role in POLICY[action]


def attackers_of(route: Route, method: str) -> list[str]:
    """The roles that may take the route's action, convener staff left out where the admin may (the same selectors
    and services serve both; the route walk sends every role everywhere)."""
    roles = [r for r in ROLES if allowed(route, method, r)]
    return [r for r in roles if not (r == Role.CONVENER_STAFF and Role.CONVENER_ADMIN in roles)]


# -----------------------------------------------------------------------------------------------------------------
# What a victim row is called: by id field name, which models an id may name
# -----------------------------------------------------------------------------------------------------------------
# Names the relation fields of the models do not give (query parameters and plain integer fields that hold an id).
ID_ALIASES: dict[str, tuple[str, ...]] = {
    "with": ("reports.ReportSnapshot",),  # compare a snapshot ?with=<another snapshot>
    "exclude": ("partnerships.Organization",),  # possible duplicates of an organization, but for itself
    "enrollment": ("programs.CohortEnrollment",),
    "session": ("programs.CohortSession",),
    "scope_id": ("partnerships.Partnership", "programs.Program", "programs.Cohort"),
}


@functools.cache
def id_names() -> dict[str, tuple[type[Model], ...]]:
    """Field or parameter name -> the tenant-owned models (or User) an id under that name may refer to."""
    from django.apps import apps

    found: dict[str, set[type[Model]]] = {}
    for model in tenant_owned_models():
        found.setdefault(model._meta.model_name or "", set()).add(model)
        for f in model._meta.get_fields():
            if not (f.is_relation and f.concrete) or f.name == "convener":
                continue
            target = f.related_model
            if isinstance(target, type) and (issubclass(target, TenantOwnedModel) or target is User):
                for name in {f.name, getattr(f, "attname", f.name), f.name.removesuffix("s")}:
                    found.setdefault(name, set()).add(target)
    for name, labels in ID_ALIASES.items():
        found.setdefault(name, set()).update(apps.get_model(label) for label in labels)
    return {name: tuple(sorted(models, key=lambda m: m._meta.label)) for name, models in found.items()}


def models_for_name(name: str) -> tuple[type[Model], ...]:
    name = re.sub(r"^.*?[-_]\d+[-_]", "", name.rsplit("-", 1)[-1])  # form prefixes: "need-employer", "emp_0_employer"
    names = id_names()
    return names.get(name) or names.get(name.removesuffix("_id")) or names.get(name.removesuffix("s")) or ()


def related_model_at(model: type[Model], path: str) -> type[Model] | None:
    """The model a lookup path ends at: ``council__partnership_id`` on Meeting -> Partnership."""
    current: type[Model] | None = model
    target = None
    for part in path.split("__"):
        if current is None:
            return None
        names = {f.name: f for f in current._meta.get_fields()}
        f = names.get(part) or names.get(part.removesuffix("_id"))
        if f is None or not f.is_relation:
            return None
        target = f.related_model if isinstance(f.related_model, type) else None
        current = target
    return target


def victim_id(victim: Any, model: type[Model]) -> int:
    if model is User:
        return victim.admin.pk
    if model is Organization:
        return victim.orgs[OrganizationType.COMMUNITY_ORG].pk
    return victim.primary(model).pk


OWN_ORGANIZATION = (("employer", OrganizationType.EMPLOYER), ("host", OrganizationType.EMPLOYER),
                    ("provider", OrganizationType.COLLEGE), ("recipient", OrganizationType.COLLEGE))


def own_id(attacker: Any, model: type[Model], name: str = "") -> int:
    """The attacker's own row an id field would name: the organization of the kind the field's name says."""
    if model is User:
        return attacker.admin.pk
    if model is Organization:
        kind = next((k for fragment, k in OWN_ORGANIZATION if fragment in name), OrganizationType.COMMUNITY_ORG)
        return attacker.orgs[kind].pk
    return attacker.primary(model).pk


# -----------------------------------------------------------------------------------------------------------------
# The leak detector: what of the victim may never show in an attacker's response
# -----------------------------------------------------------------------------------------------------------------
def row_labels(side: Any) -> list[tuple[str, str]]:
    return [(f"{row._meta.label} {row.pk}", str(row)) for row in side.all_rows()]


class Markers:
    """The victim's marker word and its people's secrets. Every row of the world has the tenant's marker word in its
    str() (test_every_row_of_the_world_names_its_tenant holds the world to that), so the word finds any row; the
    rows themselves are named only when a response does show the word."""

    def __init__(self, victim: Any, attacker: Any):
        self.victim, self.attacker = victim, attacker
        self.marker = victim.marker
        self.word = re.compile(rf"(?i)\b{re.escape(victim.marker)}\b")
        secrets = [victim.ssn, victim.ssn.replace("-", ""), victim.invitation_token,
                   victim.date_of_birth.isoformat() if victim.date_of_birth else "",
                   *(p.public_id for p in victim.participants), *victim.note_texts,
                   *(u.email for u in victim.users.values())]
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        own = {label for _, label in row_labels(self.attacker)}
        return {label: what for what, label in row_labels(self.victim) if label not in own and len(label) >= 6}

    def find(self, text: str) -> list[str]:
        found = []
        if match := self.word.search(text):
            start = max(match.start() - 60, 0)
            found.append(f"the marker {self.marker!r}: …{text[start:match.end() + 60]!r}…")
        found += [f"a secret {s!r}" for s in self.secrets if s in text or html.escape(s) in text]
        if found:  # name the rows too, for the report
            found += [f"{what} ({label!r})" for label, what in self.labels.items()
                      if label in text or html.escape(label) in text][:5]
        return found


def scrub(text: str, supplied: list[str]) -> str:
    """The text without what the attacker sent (an id or a name echoed back is no leak)."""
    for value in sorted({s for s in supplied if s and len(s) >= 4}, key=len, reverse=True):
        for form in {value, html.escape(value), urllib.parse.quote(value), urllib.parse.quote_plus(value),
                     json.dumps(value)[1:-1]}:
            text = text.replace(form, "")
    return text


# -----------------------------------------------------------------------------------------------------------------
# The write detector: a spy on the connection, a fingerprint of the victim's rows, rows that point across tenants
# -----------------------------------------------------------------------------------------------------------------
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)


class WriteSpy:
    """Notes the tables every INSERT, UPDATE and DELETE touches (bulk ones and raw SQL included)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.seen: set[str] = set()  # since the phase began

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if match := WRITE_SQL.match(sql):
            self.tables.add(match.group(1).lower())
            self.seen.add(match.group(1).lower())
        return execute(sql, params, many, context)

    def take(self) -> set[str]:
        tables, self.tables = self.tables, set()
        return tables


def _m2m(model: type[Model]) -> list[Any]:
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


class Guard:
    """Fingerprints of one tenant's rows, and the set of rows of any tenant that point into another."""

    def __init__(self) -> None:
        self.models = tenant_owned_models()
        self.tables: dict[str, type[Model]] = {}
        for model in self.models:
            self.tables[model._meta.db_table.lower()] = model
            for f in _m2m(model):
                self.tables[f.remote_field.through._meta.db_table.lower()] = model
        self.tables[User._meta.db_table.lower()] = User

    def models_of(self, tables: set[str]) -> list[type[Model]]:
        return sorted({self.tables[t] for t in tables if t in self.tables}, key=lambda m: m._meta.label)

    def fingerprint(self, side: Any, models: list[type[Model]]) -> dict[str, tuple[Any, ...]]:
        out: dict[str, tuple[Any, ...]] = {}
        for model in models:
            if model is User:  # the victim's people, who belong to no other workspace
                ids = [u.pk for u in side.users.values()]
                out["User"] = tuple(User.objects.filter(pk__in=ids).order_by("pk").values_list())
                continue
            out[model._meta.label] = tuple(model.unscoped.filter(convener_id=side.convener.pk)  # type: ignore[attr-defined]
                                           .order_by("pk").values_list())
            for f in _m2m(model):
                through = f.remote_field.through
                src, dst = f.m2m_field_name(), f.m2m_reverse_field_name()
                out[f"{model._meta.label}.{f.name}"] = tuple(
                    through.objects.filter(**{f"{src}__convener_id": side.convener.pk})
                    .order_by(f"{src}_id", f"{dst}_id").values_list(f"{src}_id", f"{dst}_id"))
        return out

    def cross_references(self, models: list[type[Model]]) -> set[str]:
        """Rows that name a row of another tenant, or a user who is no member of the row's tenant."""
        found: set[str] = set()
        for model in models:
            if model is User:
                continue
            label = model._meta.label
            manager = model.unscoped  # type: ignore[attr-defined]
            for f in model._meta.concrete_fields:
                if not f.is_relation or f.name == "convener":
                    continue
                target = f.related_model
                if isinstance(target, type) and issubclass(target, TenantOwnedModel):
                    rows = (manager.filter(**{f"{f.name}__isnull": False})
                            .exclude(**{f"{f.name}__convener_id": F("convener_id")}).values_list("pk", f.attname)[:5])
                    found |= {f"{label} {pk}: {f.name} -> {target._meta.label} {v} of another workspace"
                              for pk, v in rows}
                elif target is User:
                    members = Membership.unscoped.filter(convener_id=OuterRef("convener_id"),
                                                         user_id=OuterRef(f.attname))
                    rows = (manager.filter(**{f"{f.attname}__isnull": False}).exclude(Exists(members))
                            .values_list("pk", f.attname)[:5])
                    found |= {f"{label} {pk}: {f.name} -> user {v}, no member of the workspace" for pk, v in rows}
            for f in _m2m(model):
                through = f.remote_field.through
                src, dst = f.m2m_field_name(), f.m2m_reverse_field_name()
                if issubclass(f.related_model, TenantOwnedModel):
                    rows = (through.objects.exclude(**{f"{src}__convener_id": F(f"{dst}__convener_id")})
                            .values_list(f"{src}_id", f"{dst}_id")[:5])
                    found |= {f"{label} {a}: {f.name} -> {f.related_model._meta.label} {b} of another workspace"
                              for a, b in rows}
        return found


# -----------------------------------------------------------------------------------------------------------------
# A campaign: one test item's attacks, both directions, every attempt checked and counted
# -----------------------------------------------------------------------------------------------------------------
@dataclass
class Round:
    attacker: Any
    victim: Any
    markers: Markers
    fingerprint: dict[str, tuple[Any, ...]]


@dataclass
class Campaign:
    world: Any
    client_for: Callable[[Any], Any]
    api_client_for: Callable[[Any], Any]
    nodeid: str
    record: bool = True
    attempts: Counter[str] = field(default_factory=Counter)
    leaks: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    guard: Guard = field(default_factory=Guard)
    spy: WriteSpy = field(default_factory=WriteSpy)
    phase: Round | None = None
    _clients: dict[tuple[int, bool], Any] = field(default_factory=dict)
    _stack: ExitStack = field(default_factory=ExitStack)
    _started: float = 0.0
    _cpu: float = 0.0

    # -- the item's frame -----------------------------------------------------------------------------------
    def __enter__(self) -> Campaign:
        self._started, self._cpu = time.perf_counter(), time.process_time()
        for side in self.world.sides():  # rows the world builds on first use must exist before any fingerprint
            for model in self.guard.models:
                with contextlib.suppress(LookupError):
                    side.primary(model)
        self.baseline_references: set[str] = set()  # the world crosses no tenant (the self test proves it)
        request_logger = logging.getLogger("django.request")  # thousands of expected 404s: keep the log quiet
        level = request_logger.level
        request_logger.setLevel(logging.CRITICAL)
        self._stack.callback(request_logger.setLevel, level)
        self._stack.enter_context(connection.execute_wrapper(self.spy))
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()
        seconds = round(time.perf_counter() - self._started, 2)
        cpu = round(time.process_time() - self._cpu, 2)
        if self.record:
            record_item(self.nodeid, {"attempts": dict(self.attempts), "leaks": self.leaks, "seconds": seconds,
                                      "cpu_seconds": cpu, "notes": self.notes})

    def directions(self) -> Iterator[tuple[Any, Any]]:
        """Beta attacks Alpha, then Alpha attacks Beta; the victim is checked in full after each."""
        for attacker, victim in ((self.world.b, self.world.a), (self.world.a, self.world.b)):
            self.spy.take()
            self.spy.seen = set()
            self.phase = Round(
                attacker=attacker, victim=victim,
                markers=Markers(victim, attacker),
                fingerprint=self.guard.fingerprint(victim, [*self.guard.models, User]))
            yield attacker, victim
            self.spy.take()
            # What the spy saw written, and the audit log (database triggers write to it unseen).
            for problem in self.integrity(self.guard.models_of(self.spy.seen | {AuditEvent._meta.db_table})):
                self.leaks.append(f"after {attacker.marker}'s attacks on {victim.marker}: {problem}")
        self.phase = None

    # -- one attempt ---------------------------------------------------------------------------------------
    def client(self, user: Any, api: bool) -> Any:
        key = (user.pk, api)
        if key not in self._clients:
            self._clients[key] = self.api_client_for(user) if api else self.client_for(user)
        return self._clients[key]

    def send(self, kind: str, user: Any, method: str, url: str, *, api: bool, data: Any = None, fmt: str = "json",
             expect: frozenset[int] | set[int] | None = None, supplied: list[str] | tuple[str, ...] = (),
             count: bool = True, role: str = "") -> Any:
        """One request as ``user``; every check on its answer; a leak is recorded, never raised."""
        assert self.phase is not None
        client = self.client(user, api)
        kwargs: dict[str, Any] = {}
        if method in BODY_METHODS:
            kwargs = {"data": {} if data is None else data}
            if api:
                kwargs["format"] = fmt
        elif data:
            kwargs = {"data": data}
        with TestCase.captureOnCommitCallbacks(execute=True):  # what a request queues runs, so its writes are seen
            response = getattr(client, method.lower())(url, **kwargs)
        if count:
            self.attempts[kind] += 1
        problems = []
        status = response.status_code
        if status >= 500:
            problems.append(f"server error {status}")
        elif expect is not None and status not in expect:
            problems.append(f"status {status}, expected {sorted(expect)}")
        text = "\n".join([response_text(response), response.get("Location", ""),
                          response.get("Content-Disposition", "")])
        sent = [url, urllib.parse.unquote(url), *supplied, *_strings(data)]
        if found := self.phase.markers.find(scrub(text, sent)):
            problems.append("the response shows the victim's data: " + "; ".join(found))
        if written := self.spy.take():
            problems += self.integrity(self.guard.models_of(written))
        who = f"{self.phase.attacker.marker}'s {role or _role_of(self.phase.attacker, user)}"
        for problem in problems:
            self.leaks.append(f"[{kind}] {method} {url} as {who}: {problem}"
                              + (f" (body {_short(data)})" if data else ""))
        return response

    def integrity(self, models: list[type[Model]]) -> list[str]:
        assert self.phase is not None
        if not models:
            return []
        problems = []
        now = self.guard.fingerprint(self.phase.victim, models)
        for key, rows in now.items():
            before = self.phase.fingerprint.get(key, ())
            if rows != before:
                changed = ({r[0] for r in rows} ^ {r[0] for r in before}
                           or {a[0] for a, b in zip(rows, before, strict=False) if a != b})
                problems.append(f"the victim's {key} rows changed ({len(before)} -> {len(rows)} rows; "
                                f"ids {sorted(changed)[:5]})")
                self.phase.fingerprint[key] = rows  # report each change once
        for reference in sorted(self.guard.cross_references(models) - self.baseline_references):
            problems.append(f"a row now points across tenants: {reference}")
            self.baseline_references.add(reference)
        return problems

    # -- the item's verdict --------------------------------------------------------------------------------
    def verdict(self, kind: str) -> None:
        shown = "\n".join(self.leaks[:40])
        assert not self.leaks, f"{len(self.leaks)} leaks in {sum(self.attempts.values())} attempts:\n{shown}"
        made = sum(self.attempts.values())
        assert made >= FLOORS[kind], f"only {made} attempts ({dict(self.attempts)}); the floor is {FLOORS[kind]}"


def _role_of(side: Any, user: Any) -> str:
    return next((str(role) for role, u in side.users.items() if u.pk == user.pk), "user")


def _strings(data: Any) -> list[str]:
    """Every string and number in a request body (echoed back, they are no leak)."""
    if data is None:
        return []
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, (list, tuple)):
        return [s for v in data for s in _strings(v)]
    if isinstance(data, (str, int, float)):
        return [str(data)]
    if hasattr(data, "getvalue"):  # an uploaded file: its cells are the attacker's own words
        content = data.getvalue()
        if content[:2] == b"PK":  # a workbook: the names in it are not echoed as such
            return []
        return [c for c in re.split(r"[,\n\r]+", content.decode("utf-8", "replace")) if c]
    return []


def _short(data: Any) -> str:
    text = repr({k: v for k, v in data.items() if not hasattr(v, "read")} if isinstance(data, dict) else data)
    return text if len(text) <= 200 else text[:200] + "…"


def attack_item(function: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a test as part of the suite (its item files make up the totals, see attack_report.py)."""
    function.attack_item = True  # type: ignore[attr-defined]
    return function


@pytest.fixture
def campaign(request: pytest.FixtureRequest, world: Any, client_for: Any, api_client_for: Any) -> Iterator[Campaign]:
    with Campaign(world=world, client_for=client_for, api_client_for=api_client_for, nodeid=request.node.nodeid,
                  record=getattr(request.function, "attack_item", False)) as running:
        yield running


# =================================================================================================================
# 1. The route walk: every route, every role, every method, both directions
# =================================================================================================================
def _mixed_objects(route: Route, attacker: Any, victim: Any) -> Iterator[dict[str, Any]]:
    """For a route with several object kwargs: each one the victim's, the others the attacker's."""
    kwargs = route.object_kwargs
    if len(kwargs) < 2:
        return
    own, theirs = route.objects_of(attacker), route.objects_of(victim)
    for foreign in kwargs:
        yield {k: (theirs[k] if k == foreign else own[k]) for k in kwargs}


@attack_item
@pytest.mark.parametrize("role", ROLES, ids=[str(r) for r in ROLES])
def test_route_walk_every_route_and_method_against_the_other_tenant(role: str, campaign: Campaign) -> None:
    for attacker, victim in campaign.directions():
        user = attacker.users[role]
        for route in ROUTES:
            theirs = route.objects_of(victim)
            for method in route.methods:
                # The victim's workspace: not a member, so nothing there exists, whatever the method.
                campaign.send("route_walk", user, method, route.url(convener_slug=victim.convener.slug, objects=theirs),
                              api=route.is_api, expect={404})
                # The attacker's own workspace, with the victim's ids (or the attacker's own list).
                may = allowed(route, method, role)
                if route.is_list:
                    expect = ({200} if may else {403}) if method == "GET" else (None if may else {403, 405})
                    campaign.send("route_walk", user, method, route.url(convener_slug=attacker.convener.slug),
                                  api=route.is_api, expect=expect)
                    continue
                foreign = {404} if may else {403, 404, 405}
                for objects in (theirs, *_mixed_objects(route, attacker, victim)):
                    campaign.send("route_walk", user, method,
                                  route.url(convener_slug=attacker.convener.slug, objects=objects),
                                  api=route.is_api, expect=foreign)
    campaign.verdict("route_walk")


# =================================================================================================================
# 2. Guessed ids: Hypothesis draws ids near the victim's, exactly them, zero, negative and huge
# =================================================================================================================
def _id_strategy(victim_ids: list[int]) -> st.SearchStrategy[int]:
    near = st.sampled_from(victim_ids).flatmap(lambda v: st.integers(v - 3, v + 3)) if victim_ids else st.just(1)
    exact = st.sampled_from(victim_ids) if victim_ids else st.just(1)
    return st.one_of(exact, near, st.just(0), st.integers(-(2**31), -1), st.integers(2**31, 2**70))


def guess_ids(campaign: Campaign, attacker: Any, victim: Any, examples: int) -> None:
    """``examples`` requests, each to an object route with ids drawn near the victim's, as a role drawn too."""
    victim_rows = {m: [r.pk for r in victim.rows(m)] for m in campaign.guard.models}
    own_rows = {m: {r.pk for r in attacker.rows(m)} for m in campaign.guard.models}

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def guess(data: st.DataObject) -> None:
        route = data.draw(st.sampled_from(OBJECT_ROUTES), label="route")
        method = data.draw(st.sampled_from(route.methods), label="method")
        role = data.draw(st.sampled_from(ROLES), label="role")
        in_victim_workspace = data.draw(st.integers(0, 4), label="workspace") == 0
        ids = {k: data.draw(_id_strategy(victim_rows[route.model_for(k)]), label=k) for k in route.object_kwargs}
        slug = (victim if in_victim_workspace else attacker).convener.slug
        url = route.url(convener_slug=slug, objects=ids)
        if in_victim_workspace:
            expect: set[int] | None = {404}
        elif all(v in own_rows[route.model_for(k)] for k, v in ids.items()):
            expect = None  # the attacker's own rows: anything but a leak or a server error
        else:
            expect = {404} if allowed(route, method, role) else {403, 404, 405}
        campaign.send("guessed_ids", attacker.users[role], method, url, api=route.is_api, expect=expect, role=role)

    guess()


@attack_item
def test_guessed_ids_never_reach_the_other_tenants_rows(campaign: Campaign) -> None:
    for attacker, victim in campaign.directions():
        guess_ids(campaign, attacker, victim, GUESSES // 2)
    campaign.verdict("guessed_ids")


# =================================================================================================================
# 3. The API: victim ids in every id-valued query parameter and every id field of every request body
# =================================================================================================================
_PATH_PARAM = re.compile(r"<(?:[^>:]+:)?(\w+)>")
# Integer query parameters that are no ids.
NON_ID_PARAMS = frozenset({"page", "page_size", "year", "quarter", "program_year", "digits"})
# String query parameters that search by name: a victim's name must find nothing.
SEARCH_PARAMS = frozenset({"search", "name", "q", "email", "actor_email"})


@functools.cache
def openapi() -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI schema, and each request component's serializer (to tell an id field's model exactly)."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    serializers = {name: c.object for (name, kind), c in generator.registry._components.items() if kind == "schemas"}
    return schema, serializers


def api_operations() -> Iterator[tuple[Route, str, dict[str, Any]]]:
    """(route, method, operation) for every tenant API operation of the schema."""
    schema, _ = openapi()
    by_template = {"/" + _PATH_PARAM.sub(lambda m: "{" + ("id" if m.group(1) == "pk" else m.group(1)) + "}", r.route): r
                   for r in ROUTES if r.is_api}
    for path, operations in sorted(schema["paths"].items()):
        route = by_template.get(path)
        if route is None:
            continue
        for method, operation in sorted(operations.items()):
            if method.upper() in route.methods:
                yield route, method.upper(), operation


def param_models(route: Route, name: str) -> tuple[type[Model], ...]:
    filterset = getattr(route.view_class, "filterset_class", None)
    if filterset is not None and name in filterset.base_filters:
        flt = filterset.base_filters[name]
        target = related_model_at(filterset._meta.model, name if flt.method else flt.field_name)
        if target is not None:
            return (target,)
    return models_for_name(name)


def resolve_schema(spec: dict[str, Any]) -> dict[str, Any]:
    schema, _ = openapi()
    for _ in range(5):
        if "$ref" in spec:
            spec = schema["components"]["schemas"][spec["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in spec:
            spec = spec["allOf"][0]
        elif "oneOf" in spec or "anyOf" in spec:
            options = [resolve_schema(o) for o in spec.get("oneOf") or spec["anyOf"]]
            spec = next((o for o in options if o.get("enum") not in ([None], [""]) and o.get("type") != "null"),
                        options[0])
        else:
            return spec
    return spec


def is_tenant_model(model: Any) -> bool:
    return isinstance(model, type) and (issubclass(model, TenantOwnedModel) or model is User)


def relation_models(field_: Any, name: str) -> tuple[tuple[type[Model], ...], bool]:
    """(the tenant models an id field names, whether it takes a list), from the serializer field, else its name.
    Relations to reference data (occupations, funding streams) are no tenant's: they are left alone."""
    from rest_framework import relations

    many = isinstance(field_, relations.ManyRelatedField)
    relation = field_.child_relation if many else field_
    if isinstance(relation, relations.RelatedField):
        model = getattr(relation, "model", None)
        if model is None and getattr(relation, "queryset", None) is not None:
            model = relation.queryset.model
        if model is None and type(relation).__name__ == "MemberUserField":
            model = User
        if isinstance(model, type):
            return ((model,) if is_tenant_model(model) else ()), many
        return models_for_name(name), many
    if name.endswith(("_id", "_ids")) or name in ID_ALIASES:
        return models_for_name(name.removesuffix("s")), name.endswith("_ids")
    return (), False


def reference_value(field_: Any) -> Any:
    """A valid value of a relation to reference data: its first row's pk (or slug)."""
    from rest_framework import relations

    many = isinstance(field_, relations.ManyRelatedField)
    relation = field_.child_relation if many else field_
    queryset = getattr(relation, "queryset", None)
    if queryset is None:
        return None
    row = queryset.model._default_manager.order_by("pk").first()
    if row is None:
        return None
    value = getattr(row, relation.slug_field) if isinstance(relation, relations.SlugRelatedField) else row.pk
    return [value] if many else value


SAMPLE_STRINGS = (  # (name fragment, value): plausible values, so that a body is valid but for the smuggled id
    ("soc", "31-1131"), ("occupation", "31-1131"), ("naics", "622110"), ("fein", "35-1234567"), ("ein", "35-1234567"),
    ("ssn", "123-45-{n:04d}"), ("phone", "765-555-0199"), ("postal", "47901"), ("zip", "47901"), ("state", "IN"),
    ("stream", "wioa_adult"), ("cip", "51.3902"), ("quarter", "2027Q{q}"), ("wage", "18.50"), ("amount", "45.00"),
    ("hours", "36.0"), ("rapids", "2025-IN-{n:04d}"), ("url", "https://example.org/probe"),
    ("link", "https://example.org/probe"), ("reason", "Probe reason {n}"),
)
LATE = ("end", "close", "due", "exit", "until", "expires")


@dataclass
class BodyMaker:
    """Bodies a serializer accepts: required fields sampled (each body's strings and dates its own, so that no two
    collide), every id field the attacker's own row. ``ids`` collects the path of each id field and its models."""

    attacker: Any
    n: int = 0

    def sample(self, name: str, spec: dict[str, Any], field_: Any, ids: list[tuple[list[Any], tuple[type, ...]]],
               path: list[Any]) -> Any:
        spec = resolve_schema(spec)
        if (reference := reference_value(field_)) is not None:
            return reference
        if spec.get("enum"):
            return next((v for v in spec["enum"] if v not in (None, "")), spec["enum"][0])
        kind = spec.get("type")
        if kind == "object" and "properties" in spec:
            return self.body(spec, getattr(field_, "child", field_), ids, path)
        if kind == "array":
            child = getattr(field_, "child", None)
            return [self.sample(name, spec.get("items", {}), child, ids, [*path, i])
                    for i in range(max(spec.get("minItems", 1), 1))]
        if kind == "boolean":
            return False
        if kind in ("integer", "number"):
            for fragment, value in (("program_year", 2024), ("year", 2025), ("quarter", 3), ("hire_window", 90)):
                if fragment in name:
                    return value
            return max(spec.get("minimum", 1), 1)
        self.n += 1
        day = date(2025, 3, 17) + timedelta(days=self.n + (200 if any(w in name for w in LATE) else 0))
        if name == "day":  # a cohort session: a Saturday inside the world's cohort (Jan 6 to Mar 28, 2025)
            day = date(2025, 1, 11) + timedelta(weeks=self.n % 11)
        fmt = spec.get("format", "")
        by_format = {"date": day.isoformat(), "date-time": f"{day.isoformat()}T15:00:00Z", "time": "10:00:00",
                     "email": f"probe{self.n}@{self.attacker.convener.slug}.example", "uri": "https://example.org/p",
                     "decimal": "18"}
        if fmt in by_format:
            return by_format[fmt]
        for fragment, value in SAMPLE_STRINGS:
            if fragment in name:
                return value.format(n=self.n, q=self.n % 4 + 1)
        return f"Probe {name} {self.n}"

    def body(self, spec: dict[str, Any], serializer: Any, ids: list[tuple[list[Any], tuple[type, ...]]],
             path: list[Any], *, only_id: str | None = None) -> dict[str, Any]:
        """Required fields, and the id fields (only ``only_id`` among the optional ones, when given)."""
        spec = resolve_schema(spec)
        fields = getattr(serializer, "fields", {}) if serializer is not None else {}
        required = set(spec.get("required", []))
        out: dict[str, Any] = {}
        for name, prop in spec.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            field_ = fields.get(name)
            models, many = relation_models(field_, name) if field_ is not None else (models_for_name(name), False)
            resolved = resolve_schema(prop)
            if models and resolved.get("type") in ("integer", "number", "array", None):
                if name not in required and only_id is not None and name != only_id:
                    continue
                own = own_id(self.attacker, models[0], name)
                out[name] = [own] if (many or resolved.get("type") == "array") else own
                ids.append(([*path, name], models))
            elif name in required:
                out[name] = self.sample(name, prop, field_, ids, [*path, name])
        return out


def discriminators(serializer: Any, model: type[Model]) -> dict[str, str]:
    """Choice fields that say what an id names (a report's ``scope`` for its ``scope_id``), set to the model's kind."""
    from rest_framework import serializers as drf

    name = model._meta.model_name
    return {key: name for key, f in getattr(serializer, "fields", {}).items()
            if isinstance(f, drf.ChoiceField) and name in f.choices}


def with_value(body: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = [value] if isinstance(target[path[-1]], list) else value
    return changed


def refused_on(response: Any, path: list[Any]) -> str:
    """How a smuggled id fared: "not found" (404), "refused" (a 400 naming the field, or the list it is in), "other"
    (a 400 about something else: the body was wrong anyway) or "accepted" (then the integrity check proves nothing was
    attached)."""
    if response.status_code == 404:
        return "not found"
    if response.status_code < 300:
        return "accepted"
    try:
        errors = json.loads(response.content)
    except ValueError:
        return "other"
    return "refused" if isinstance(errors, dict) and str(path[0]) in errors else "other"


def unmapped_api_ids() -> list[str]:
    """Integer query parameters and body fields the suite cannot tell the model of (it would not smuggle them)."""
    _, serializers = openapi()
    problems = []
    for route, method, operation in api_operations():
        for p in operation.get("parameters", []):
            if p["in"] == "query" and p["schema"].get("type") in ("integer", "number") \
                    and p["name"] not in NON_ID_PARAMS and not param_models(route, p["name"]):
                problems.append(f"{method} {route.name} ?{p['name']}")
        for content in operation.get("requestBody", {}).get("content", {}).values():
            ref = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
            serializer = serializers.get(ref)
            fields = getattr(serializer() if isinstance(serializer, type) else serializer, "fields", {})
            for name, field_ in fields.items():
                if reference_value(field_) is not None:
                    continue  # reference data (occupations, funding streams, skills): no tenant's rows
                if (name.endswith(("_id", "_ids")) or "Related" in type(field_).__name__) \
                        and not relation_models(field_, name)[0]:
                    problems.append(f"{method} {route.name} body field {name}")
    return sorted(set(problems))


def _json_rows(response: Any) -> tuple[list[dict[str, Any]], int | None]:
    if "json" not in response.get("Content-Type", ""):
        return [], None
    try:
        body = json.loads(response.content)
    except ValueError:
        return [], None
    if isinstance(body, dict) and "results" in body:
        return [r for r in body["results"] if isinstance(r, dict)], body.get("count")
    return ([r for r in body if isinstance(r, dict)] if isinstance(body, list) else []), None


@attack_item
def test_api_filters_and_bodies_never_reach_the_other_tenants_rows(campaign: Campaign) -> None:
    _, serializers = openapi()
    operations = list(api_operations())
    validity: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for attacker, victim in campaign.directions():
        for route, method, operation in operations:
            roles = attackers_of(route, method)
            if not roles:
                continue
            url = route.url(convener_slug=attacker.convener.slug, objects=route.objects_of(attacker))
            filterset = getattr(route.view_class, "filterset_class", None)
            searchable = {"search"} if getattr(route.view_class, "search_fields", None) else set()
            searchable |= {n for n in SEARCH_PARAMS if filterset is not None and n in filterset.base_filters}
            model = getattr(route.view_class, "tenant_model", None)
            victim_rows = {r.pk for r in victim.rows(model)} if model is not None else set()
            # -- query parameters --------------------------------------------------------------------------
            for p in operation.get("parameters", []):
                if p["in"] != "query":
                    continue
                name, kind = p["name"], p["schema"].get("type")
                values: list[str] = []
                if kind in ("integer", "number"):
                    values = [str(victim_id(victim, m)) for m in param_models(route, name)]
                elif name in searchable and model is not None:
                    values = [victim.admin.email if "email" in name else str(victim.primary(model))]
                for value in values:
                    for role in roles:
                        query = f"{url}?{urllib.parse.urlencode({name: value})}"
                        response = campaign.send("api_filters", attacker.users[role], method, query, api=True,
                                                 expect={200, 400, 404} if method == "GET" else None, role=role,
                                                 supplied=[value])
                        rows, _ = _json_rows(response)
                        if shown := victim_rows & {r.get("id") for r in rows}:
                            campaign.leaks.append(f"[api_filters] GET {query} as {role}: lists the victim's rows "
                                                  f"{sorted(shown)}")
            # -- request bodies ----------------------------------------------------------------------------
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                if "json" not in content_type:
                    continue  # multipart bodies are files: the import attacks below
                ref = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                serializer = serializers.get(ref)
                serializer = serializer() if isinstance(serializer, type) else serializer
                maker = BodyMaker(attacker)
                ids: list[tuple[list[Any], tuple[type, ...]]] = []
                maker.body(content["schema"], serializer, ids, [])
                for path, models in ids:  # one id field at a time: the body holds it and the required fields only
                    for model in models:
                        body = maker.body(content["schema"], serializer, [], [], only_id=str(path[0]))
                        data = with_value(body, path, victim_id(victim, model))
                        data.update(discriminators(serializer, model))
                        for role in roles:
                            response = campaign.send("api_bodies", attacker.users[role], method, url, api=True,
                                                     data=data, role=role)
                            outcome = refused_on(response, path)
                            outcomes[outcome] += 1
                            if outcome in ("accepted", "other"):  # listed in the report: ignored, or refused anyway
                                campaign.notes.setdefault(f"api_smuggled_{outcome}", []).append(
                                    f"{method} {route.name} {'.'.join(map(str, path))}={model.__name__} as {role}: "
                                    f"{response.status_code}")
                body = maker.body(content["schema"], serializer, [], [])
                if "ssn" in getattr(serializer, "fields", {}) and method == "POST":
                    # An SSN on file in the other workspace must make no difference here (once: then it is on file
                    # here too).
                    theirs = campaign.send("api_bodies", attacker.users[roles[0]], method, url, api=True,
                                           data={**body, "ssn": victim.ssn}, role=roles[0])
                    fresh = campaign.send("api_bodies", attacker.users[roles[0]], method, url, api=True,
                                          data={**maker.body(content["schema"], serializer, [], []),
                                                "ssn": f"123-45-{8000 + maker.n:04d}"}, role=roles[0], count=False)
                    outcomes[f"victim SSN: {theirs.status_code}, fresh SSN: {fresh.status_code}"] += 1
                    if (theirs.status_code < 300) != (fresh.status_code < 300):
                        campaign.leaks.append(
                            f"[api_bodies] {method} {url} as {roles[0]}: the other workspace's SSN gets "
                            f"{theirs.status_code}, a fresh one {fresh.status_code}: an oracle across tenants")
                if attacker is not campaign.world.b:
                    continue  # the two workspaces have the same operations: one proof of the bodies is enough
                # The body with the attacker's own ids: proves the smuggled ones met a body valid but for them.
                baseline = campaign.send("api_bodies", attacker.users[roles[0]], method, url, api=True, data=body,
                                         count=False, role=roles[0])
                validity["valid" if baseline.status_code < 300 else "invalid"] += 1
                if baseline.status_code >= 300:
                    campaign.notes.setdefault("invalid_api_bodies", []).append(
                        f"{method} {route.name}: {baseline.status_code} {baseline.content[:160]!r}")
    campaign.notes["api_body_validity"] = dict(validity)
    campaign.notes["api_smuggled_id_outcomes"] = dict(outcomes)
    campaign.attempts["smuggled_filters"] += campaign.attempts.pop("api_filters", 0)
    campaign.attempts["smuggled_bodies"] += campaign.attempts.pop("api_bodies", 0)
    campaign.verdict("api_smuggling")
    # An id field the suite cannot map to a model would go unattacked: teach ID_ALIASES (or the field) its model.
    unmapped = unmapped_api_ids()
    assert not unmapped, "id parameters and fields the suite cannot map:\n" + "\n".join(unmapped)


# =================================================================================================================
# 4. The pages: victim ids in every filter form and every posted form (found by crawling the attacker's own pages)
# =================================================================================================================
@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    values: list[str] = field(default_factory=list)  # a select's selected options
    options: list[str] = field(default_factory=list)
    required: bool = False
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: list[FormField] = field(default_factory=list)


class FormParser(HTMLParser):
    """Every <form> of a page, with its fields as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(method=a.get("method", "get").upper(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            self._form.fields.append(FormField(name=a["name"], kind=a.get("type", "text").lower(),
                                               value=a.get("value", ""), required="required" in a,
                                               checked="checked" in a))
        elif tag == "select" and a.get("name"):
            self._select = FormField(name=a["name"], kind="select", required="required" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if value is not None:
                self._select.options.append(value)
                if "selected" in a:
                    self._select.values.append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField(name=a["name"], kind="textarea", required="required" in a)
            self._form.fields.append(self._textarea)
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form.fields.append(FormField(name=a["name"], kind="submit", value=a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(response: Any) -> list[Form]:
    if "html" not in response.get("Content-Type", "") or response.status_code != 200:
        return []
    parser = FormParser()
    parser.feed(response.content.decode("utf-8", "replace"))
    return parser.forms


def route_of(path: str) -> tuple[Route, dict[str, Any]] | None:
    try:
        match = resolve(urllib.parse.urlsplit(path).path)
    except Resolver404:
        return None
    name = ":".join(filter(None, [match.namespace, match.url_name]))
    route = ROUTES_BY_NAME.get(name)
    return (route, match.kwargs) if route is not None else None


def form_data(form: Form, *, n: int) -> dict[str, list[str]]:
    """What submitting the form unchanged sends, with each empty required field filled in plausibly."""
    data: dict[str, list[str]] = {}
    submit_seen = False
    for f in form.fields:
        if f.kind == "submit":
            if not submit_seen:
                data.setdefault(f.name, []).append(f.value)
                submit_seen = True
            continue
        if f.kind in ("checkbox", "radio"):
            if f.checked or (f.required and f.kind == "radio" and f.name not in data):
                data.setdefault(f.name, []).append(f.value or "on")
            continue
        if f.kind == "select":
            chosen = f.values or ([next((o for o in f.options if o), "")] if f.required else [""])
            data.setdefault(f.name, []).extend(chosen[:1] if chosen else [""])
            continue
        if f.kind == "file":
            continue
        value = f.value
        if not value and f.required:
            by_kind = {"date": "2025-03-20", "email": f"probe{n}@example.org", "number": "1", "time": "10:00",
                       "datetime-local": "2025-03-20T10:00", "url": "https://example.org/probe", "tel": "765-555-0199"}
            value = by_kind.get(f.kind, f"Probe {f.name} {n}")
        data.setdefault(f.name, []).append(value)
    return data


def id_fields(form: Form) -> list[tuple[str, tuple[type[Model], ...]]]:
    """The form's fields that hold a tenant row's id: by name (relation fields and model names of the app)."""
    found = []
    for f in form.fields:
        if f.kind in ("submit", "file", "checkbox") and not f.value.isdigit():
            continue
        numeric = f.value.isdigit() or any(o.isdigit() for o in f.options)
        if numeric and (models := models_for_name(f.name)):
            found.append((f.name, tuple(m for m in models if is_tenant_model(m))))
    return [(name, models) for name, models in dict(found).items() if models]


def unmapped_form_ids(form: Form) -> list[str]:
    """Numeric selects and hidden ids the suite cannot tell the model of."""
    mapped = {name for name, _ in id_fields(form)}
    return sorted({f.name for f in form.fields
                   if f.name not in mapped and f.kind in ("select", "hidden") and f.name not in ("csrfmiddlewaretoken",)
                   and (f.value.isdigit() or (f.options and all(o.isdigit() for o in f.options if o)))
                   and not f.name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))})


_GET_PARAMETER = re.compile(r"""GET\.get\(\s*["'](\w+)["']""")
SEARCH_WORDS = frozenset({"q", "name"})


def page_parameters(route: Route) -> list[str]:
    """The query parameters a page's view reads (from its source) that hold an id or search by name."""
    try:
        source = inspect.getsource(route.view_class) if route.view_class is not None else ""
    except (OSError, TypeError):
        return []
    names = sorted(set(_GET_PARAMETER.findall(source)))
    return [n for n in names if n in SEARCH_WORDS or any(is_tenant_model(m) for m in models_for_name(n))]


# Numeric form fields that name no tenant row (counts, years, choices with numeric codes).
NON_ID_FORM_FIELDS = frozenset({"page", "year", "quarter", "program_year", "digits", "seats", "weekday", "step",
                                "milestone_days", "hire_window_days", "threshold", "min_cell", "quarter_count",
                                "labor_market_area",  # an OEWS area code: public reference data
                                "stream"})  # a funding stream: public reference data


@attack_item
def test_pages_filter_and_form_posts_never_reach_the_other_tenants_rows(campaign: Campaign) -> None:
    # Pages a person fills in: downloads (CSV, XLSX, PDF, calendar files) carry no forms.
    page_routes = [r for r in ROUTES if not r.is_api and "GET" in r.methods
                   and not re.search(r"(export|\.csv|\.xlsx|\.ics|\.pdf)", r.route)]
    validity: Counter[str] = Counter()
    unmapped: set[str] = set()
    with_forms: set[str] = set()
    outcomes: Counter[str] = Counter()
    for attacker, victim in campaign.directions():
        admin = attacker.admin
        # Reconnaissance: the attacker's admin opens every page of their own workspace and notes its forms (the
        # second attacker only the pages where the first found some: the two workspaces have the same pages).
        posted: dict[str, tuple[Route, str, Form]] = {}
        filters: dict[str, tuple[str, Form]] = {}
        for route in [r for r in page_routes if r.name in with_forms] if with_forms else page_routes:
            url = route.url(convener_slug=attacker.convener.slug, objects=route.objects_of(attacker))
            response = campaign.send("recon", admin, "GET", url, api=False, role="convener_admin", count=False)
            for form in forms_of(response):
                with_forms.add(route.name)
                action = urllib.parse.urljoin(url, form.action or url)
                if form.method == "POST" and (target := route_of(action)) is not None:
                    posted.setdefault(target[0].name, (target[0], action, form))
                elif form.method == "GET":
                    filters.setdefault(f"{route.name} {sorted(f.name for f in form.fields)}", (action, form))
                unmapped |= {f"{route.name}: {name}" for name in unmapped_form_ids(form)
                             if name.rsplit("-", 1)[-1] not in NON_ID_FORM_FIELDS}
        # Query parameters a page reads without a form (?partnership= on the meetings, ?exclude= on duplicates...):
        # an id the victim's row, a name the victim's.
        for route in page_routes:
            url = route.url(convener_slug=attacker.convener.slug, objects=route.objects_of(attacker))
            for name in page_parameters(route):
                models = models_for_name(name)
                values = ([str(victim_id(victim, m)) for m in models if is_tenant_model(m)] if models
                          else [victim.orgs[OrganizationType.EMPLOYER].name])
                for value in values:
                    for role in attackers_of(route, "GET"):
                        campaign.send("page_filters", attacker.users[role], "GET",
                                      f"{url}?{urllib.parse.urlencode({name: value})}", api=False,
                                      expect={200, 400, 404}, role=role, supplied=[value])
        # Filter forms (GET): each id field the victim's row, as every role that may read the page.
        for action, form in filters.values():
            target = route_of(action)
            if target is None:
                continue
            route = target[0]
            base = form_data(form, n=0)
            for name, models in id_fields(form):
                for model in models:
                    query = urllib.parse.urlencode({**base, name: [victim_id(victim, model)]}, doseq=True)
                    for role in attackers_of(route, "GET"):
                        campaign.send("page_filters", attacker.users[role], "GET", f"{action.split('?')[0]}?{query}",
                                      api=False, expect={200, 400, 404}, role=role)
        # Posted forms: each id field the victim's row, the rest as the page filled it in.
        baselines = []
        for n, (route, action, form) in enumerate(sorted(posted.values(), key=lambda t: t[0].name)):
            roles = attackers_of(route, "POST")
            base = form_data(form, n=n)
            for name, models in id_fields(form):
                for model in models:
                    data = {**base, name: [str(victim_id(victim, model))]}
                    for role in roles:
                        response = campaign.send("page_forms", attacker.users[role], "POST", action, api=False,
                                                 data=data, expect=None, role=role)
                        # 302: the form went through (and the integrity check proves the id was not attached).
                        outcomes[{302: "accepted (id ignored)", 404: "not found"}.get(
                            response.status_code, "refused")] += 1
                        if response.status_code == 302:
                            campaign.notes.setdefault("page_forms_accepted", []).append(
                                f"{route.name} {name}={model.__name__} as {role}")
            if roles and attacker is campaign.world.b:  # once: the two workspaces have the same forms
                baselines.append((route, action, base, roles[0]))
        # The same forms with the attacker's own ids, last (some delete or close what they post to): were they valid?
        for _, action, base, role in baselines:
            response = campaign.send("page_forms", attacker.users[role], "POST", action, api=False, data=base,
                                     count=False, role=role)
            validity["valid" if response.status_code in (200, 302) and not _has_form_errors(response)
                     else "invalid"] += 1
    campaign.notes["page_form_validity"] = dict(validity)
    campaign.notes["page_smuggled_id_outcomes"] = dict(outcomes)
    campaign.notes["unmapped_form_ids"] = sorted(unmapped)
    campaign.attempts["smuggled_filters"] += campaign.attempts.pop("page_filters", 0)
    campaign.attempts["smuggled_bodies"] += campaign.attempts.pop("page_forms", 0)
    assert not unmapped, "numeric form fields the suite cannot map to a model (teach ID_ALIASES):\n" + \
        "\n".join(sorted(unmapped))
    campaign.verdict("html_smuggling")


def _has_form_errors(response: Any) -> bool:
    return response.status_code == 200 and b"is-invalid" in response.content


# =================================================================================================================
# 5. Imports: files that name the victim's people, organization or SSN
# =================================================================================================================
def import_file(kind: str, rows: list[dict[str, str]], *, xlsx: bool = False, name: str = "probe") -> io.BytesIO:
    header = list(rows[0])
    if xlsx:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append([row[h] for h in header])
        payload = io.BytesIO()
        book.save(payload)
        payload.seek(0)
        payload.name = f"{name}-{kind}.xlsx"
        return payload
    text = ",".join(header) + "\n" + "\n".join(",".join(row[h] for h in header) for row in rows) + "\n"
    payload = io.BytesIO(text.encode())
    payload.name = f"{name}-{kind}.csv"
    return payload


def import_rows(kind: str, public_id: str, n: int) -> list[dict[str, str]]:
    if kind == ImportJob.Kind.PARTICIPANTS:
        return [{"first_name": "Probe", "last_name": f"Import{n}", "ssn": f"123-45-{7000 + n:04d}",
                 "date_of_birth": "1991-02-03", "streams": "wioa_adult"}]
    return [{
        ImportJob.Kind.ENROLLMENTS: {"public_id": public_id, "stream": "wioa_youth", "entry_date": "2025-03-03"},
        ImportJob.Kind.PLACEMENTS: {"public_id": public_id, "employer_name": f"Probe Employer {n}",
                                    "soc_code": "31-1131", "start_date": "2025-05-01", "hourly_wage": "17.00",
                                    "hours_per_week": "36"},
        ImportJob.Kind.WAGES: {"public_id": public_id, "year": "2025", "quarter": "4", "wages": f"{5000 + n}.00"},
    }[kind]]


def upload(campaign: Campaign, attacker: Any, role: str, kind: str, rows: list[dict[str, str]], *,
           organization: int | None, api: bool, xlsx: bool = False, control: bool = False) -> ImportJob | None:
    """Upload a file as the attacker's ``role``, run the job it queues, open the job's page. The job, or None when the
    upload itself was refused. A control (``control``) is sent and checked like an attempt, but not counted."""
    user = attacker.users[role]
    data: dict[str, Any] = {"kind": kind, "file": import_file(kind, rows, xlsx=xlsx)}
    if organization is not None:
        data["organization"] = organization
    jobs = ImportJob.unscoped.filter(convener=attacker.convener).order_by("-pk")
    latest = jobs.first()
    slug = attacker.convener.slug
    if api:
        campaign.send("imports", user, "POST", f"/api/v1/c/{slug}/imports/", api=True, data=data, fmt="multipart",
                      role=role, count=not control)
    else:
        campaign.send("imports", user, "POST", f"/c/{slug}/participants/imports/", api=False, data=data, role=role,
                      count=not control)
    job = jobs.first()
    if job is None or (latest is not None and job.pk == latest.pk):
        return None
    detail = f"/api/v1/c/{slug}/imports/{job.pk}/" if api else f"/c/{slug}/participants/imports/{job.pk}/"
    campaign.send("imports", user, "GET", detail, api=api, expect={200}, role=role,
                  supplied=[value for row in rows for value in row.values()], count=not control)
    job.refresh_from_db()
    return job


@attack_item
def test_imports_naming_the_other_tenants_rows_are_refused(campaign: Campaign) -> None:
    counter = iter(range(1, 10_000))
    outcomes: Counter[str] = Counter()
    kinds = (ImportJob.Kind.ENROLLMENTS, ImportJob.Kind.PLACEMENTS, ImportJob.Kind.WAGES)
    for attacker, victim in campaign.directions():
        theirs, own = victim.participants[0], attacker.participants[1]
        for api in (False, True):
            for role in attackers_of(ROUTES_BY_NAME["participants:import-list"], "POST"):
                # The victim's organization as the owner of imported people: refused (or, for a case manager, whose
                # people are always their organization's, ignored); never a job owned by the victim's organization.
                job = upload(campaign, attacker, role, ImportJob.Kind.PARTICIPANTS,
                             import_rows("participants", "", next(counter)),
                             organization=victim.orgs[OrganizationType.COMMUNITY_ORG].pk, api=api)
                outcomes[f"victim organization: {job.status if job else 'refused'}"] += 1
                # The victim's people named in enrollment, placement and wage files (wages as a workbook).
                for kind in kinds:
                    job = upload(campaign, attacker, role, kind, import_rows(kind, theirs.public_id, next(counter)),
                                 organization=None, api=api, xlsx=kind == ImportJob.Kind.WAGES)
                    outcomes[f"victim person: {job.status if job else 'refused'}"] += 1
                    if job is not None and job.status != ImportJob.Status.FAILED:
                        campaign.leaks.append(f"[imports] {kind} naming {victim.marker}'s {theirs.public_id} as "
                                              f"{role}: job {job.status}, {job.imported_rows} rows imported")
        # A file mixing the attacker's own person and the victim's: all or nothing, so nothing.
        for kind in kinds:
            n = next(counter)
            mixed = [*import_rows(kind, own.public_id, n + 5000), *import_rows(kind, theirs.public_id, n)]
            job = upload(campaign, attacker, Role.CONVENER_ADMIN, kind, mixed, organization=None, api=False)
            outcomes[f"mixed: {job.status if job else 'refused'}"] += 1
            if job is not None and job.status != ImportJob.Status.FAILED:
                campaign.leaks.append(f"[imports] a {kind} file naming {victim.marker}'s {theirs.public_id}: "
                                      f"{job.status}")
        # The victim's SSN: on file over there, unknown here. It must import exactly as a fresh SSN does (a refusal
        # would tell the attacker that the person is known to another workspace). Once: then it is on file here.
        rows = import_rows("participants", "", next(counter))
        rows[0]["ssn"] = victim.ssn
        job = upload(campaign, attacker, Role.CASE_MANAGER, ImportJob.Kind.PARTICIPANTS, rows, organization=None,
                     api=True)
        fresh = upload(campaign, attacker, Role.CASE_MANAGER, ImportJob.Kind.PARTICIPANTS,
                       import_rows("participants", "", next(counter)), organization=None, api=True, control=True)
        assert job is not None and fresh is not None
        outcomes[f"victim SSN: {job.status}"] += 1
        if job.status != fresh.status or job.errors != fresh.errors:
            campaign.leaks.append(f"[imports] the victim's SSN: {job.status} {job.errors}, a fresh SSN {fresh.status} "
                                  f"{fresh.errors}: an oracle across tenants")
        # Controls: the same files naming the attacker's own person import, so the refusals above are about whose
        # person it is, not a broken file.
        for kind in kinds:
            job = upload(campaign, attacker, Role.CONVENER_ADMIN, kind, import_rows(kind, own.public_id, next(counter)),
                         organization=None, api=False, xlsx=kind == ImportJob.Kind.WAGES, control=True)
            assert job is not None and job.status == ImportJob.Status.SUCCEEDED, (kind, job and job.errors)
    campaign.notes["import_outcomes"] = dict(outcomes)
    campaign.verdict("imports")


# =================================================================================================================
# 6. The suite's own tests: every detector fires on a planted leak, and the floors add up
# =================================================================================================================
def test_the_floors_add_up_to_the_suites_minimum() -> None:
    """Every item asserts its own floor, so when they all pass the suite made at least this many attempts."""
    items = {"route_walk": len(ROLES), "guessed_ids": 1, "api_smuggling": 1, "html_smuggling": 1, "imports": 1}
    assert sum(FLOORS[kind] * n for kind, n in items.items()) >= MINIMUM_ATTEMPTS


def test_the_leak_detector_catches_a_planted_leak(campaign: Campaign) -> None:
    """A response that shows the victim, a wrong status, a write to the victim and a row pointing across tenants are
    each recorded as a leak (the "attacker" here is the victim's own admin, so the pages do show the victim)."""
    from programs.models import Cohort

    for attacker, victim in campaign.directions():
        markers = campaign.phase.markers  # type: ignore[union-attr]
        assert markers.find(f"<td>{victim.granted_partnership.name}</td>"), "a row's name"
        assert markers.find(f"SSN {victim.ssn}"), "a secret"
        assert markers.find(html.escape(str(victim.participants[0]))), "an escaped label"
        assert not markers.find(f"<td>{attacker.granted_partnership.name}</td>"), "the attacker's own rows"
        assert not markers.find(scrub(f"No participant {victim.participants[0].public_id} here",
                                      [victim.participants[0].public_id])), "what the attacker sent is no leak"
        before = len(campaign.leaks)
        page = f"/c/{victim.convener.slug}/partnerships/{victim.granted_partnership.pk}/"
        campaign.send("self_test", victim.admin, "GET", page, api=False, expect={404})
        assert any("status 200" in leak for leak in campaign.leaks[before:]), campaign.leaks[before:]
        assert any("shows the victim's data" in leak for leak in campaign.leaks[before:]), campaign.leaks[before:]
        before = len(campaign.leaks)
        api = f"/api/v1/c/{victim.convener.slug}/organizations/{victim.orgs[OrganizationType.EMPLOYER].pk}/"
        campaign.send("self_test", victim.admin, "PATCH", api, api=True, data={"city": "Elsewhere"})
        assert any("rows changed" in leak for leak in campaign.leaks[before:]), campaign.leaks[before:]
        before = len(campaign.leaks)
        Cohort.unscoped.filter(pk=attacker.cohort.pk).update(program_id=victim.program.pk)
        problems = campaign.integrity(campaign.guard.models_of(campaign.spy.take()))
        assert any("points across tenants" in p and "Cohort" in p for p in problems), problems
        break  # one direction proves it
    campaign.leaks.clear()  # planted on purpose: this item's file must not count them


def test_every_row_of_the_world_names_its_tenant_and_none_crosses_tenants(world: Any) -> None:
    """The detector's premise: the marker word finds any of the victim's rows in a response. A row whose str() lacks
    its tenant's word (and is not the other tenant's too) would go unseen: name it after the tenant in conftest."""
    labels = {side.marker: row_labels(side) for side in world.sides()}
    for side, other in ((world.a, world.b), (world.b, world.a)):
        theirs = {label for _, label in labels[other.marker]}
        unnamed = [f"{what}: {label!r}" for what, label in labels[side.marker]
                   if not re.search(rf"(?i)\b{side.marker}\b", label) and label not in theirs and len(label) >= 6]
        assert not unnamed, f"rows of {side.marker} without its word: {unnamed}"
    assert not Guard().cross_references(tenant_owned_models()), "the world itself points across tenants"


def test_the_session_summary_fails_the_run_on_a_leak(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.security import attack_report

    monkeypatch.setattr(attack_report, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(attack_report, "SUMMARY", tmp_path / "attack_suite.json")
    monkeypatch.setenv(attack_report.RUN_VARIABLE, "run1")
    attack_report.record_expected_items(["a", "b"])
    attack_report.record_item("a", {"attempts": {"route_walk": 1500}, "leaks": [], "seconds": 1.0})
    attack_report.record_item("b", {"attempts": {"imports": 600}, "leaks": ["[imports] planted"], "seconds": 1.0})

    class Session:
        exitstatus = 0
        config = type("Config", (), {"pluginmanager": type("PM", (), {"get_plugin": staticmethod(lambda n: None)})})

    session = Session()
    attack_report.finish_run(session)
    summary = json.loads((tmp_path / "attack_suite.json").read_text())
    assert summary["attempts_total"] == 2100 and summary["leaks"] == 1 and summary["complete"]
    assert session.exitstatus == 1
    attack_report.record_item("b", {"attempts": {"imports": 100}, "leaks": [], "seconds": 1.0})
    session.exitstatus = 0
    attack_report.finish_run(session)
    assert session.exitstatus == 1, "1,600 attempts by the whole suite are too few"

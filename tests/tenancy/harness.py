"""The isolation harness: every tenant route of the URLconf, and the tenant-owned rows its kwargs name.

A route is a tenant route when its pattern carries ``convener_slug``. Each other kwarg must name a
tenant-owned object: ``<model_name>_id`` names the TenantOwnedModel with that ``_meta.model_name``, and
``pk`` names the view's ``tenant_model``. Anything else is an ``UncoveredRoute``: the harness cannot prove
the route isolates tenants, so the coverage test fails until the route (or this file) says how.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.views import APIView

from partnerships.api.base import TenantAPIMixin
from partnerships.permissions import Action
from partnerships.tenancy import TenantOwnedModel
from partnerships.tenant_views import TenantViewMixin

TENANT_KWARG = "convener_slug"
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS", "TRACE"})
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


class UncoveredRoute(Exception):
    """The harness cannot resolve a tenant route to tenant-owned objects, or its view skips the mixin."""


def tenant_owned_models() -> list[type[TenantOwnedModel]]:
    """Every concrete tenant-owned model of every installed app."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, TenantOwnedModel) and not m._meta.proxy),
        key=lambda m: m._meta.label,
    )


def model_named(model_name: str) -> type[TenantOwnedModel] | None:
    matches = [m for m in tenant_owned_models() if m._meta.model_name == model_name]
    if len(matches) > 1:
        labels = ", ".join(m._meta.label for m in matches)
        raise UncoveredRoute(f"<{model_name}_id> is ambiguous: {labels} share the model name.")
    return matches[0] if matches else None


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the full route string, e.g. "c/<slug:convener_slug>/organizations/<int:organization_id>/"
    kwargs: tuple[str, ...]
    callback: Any = field(compare=False, repr=False)
    urlconf: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.name

    # -- the view ----------------------------------------------------------------------------------
    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_api(self) -> bool:
        return isinstance(self.view_class, type) and issubclass(self.view_class, APIView)

    @property
    def drf_actions(self) -> dict[str, str]:
        """HTTP method (upper case) to viewset action, for DRF viewset routes."""
        return {m.upper(): a for m, a in (getattr(self.callback, "actions", None) or {}).items()}

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods the route answers: viewset actions, else the view's ``permissions`` map."""
        view = self.view_class
        if self.drf_actions:
            found = set(self.drf_actions)
        elif view is not None and getattr(view, "permissions", None):
            found = {m.upper() for m in view.permissions}
        elif view is not None:
            found = {m.upper() for m in getattr(view, "http_method_names", ()) if hasattr(view, m)}
        else:
            found = {"GET", "POST"}
        order = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return tuple(sorted(found - IGNORED_METHODS, key=lambda m: order.index(m) if m in order else 99))

    def action_for(self, method: str) -> Action | None:
        """The permission Action the view checks for ``method`` (None: not declared)."""
        permissions = getattr(self.view_class, "permissions", None) or {}
        key = self.drf_actions.get(method.upper())
        return permissions.get(key) if key else permissions.get(method.upper())

    # -- the kwargs --------------------------------------------------------------------------------
    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k != TENANT_KWARG)

    @property
    def is_list(self) -> bool:
        return not self.object_kwargs

    def model_for(self, kwarg: str) -> type[TenantOwnedModel]:
        """The tenant-owned model an object kwarg refers to, or UncoveredRoute."""
        if kwarg == "pk":
            model = getattr(self.view_class, "tenant_model", None)
            if isinstance(model, type) and issubclass(model, TenantOwnedModel):
                return model
            raise UncoveredRoute(
                f"{self.name} ({self.route}): the view has a <pk> kwarg but no tenant_model; set "
                f"`tenant_model = <TenantOwnedModel subclass>` on {self._view_label()}."
            )
        if kwarg.endswith("_id"):
            model = model_named(kwarg.removesuffix("_id"))
            if model is not None:
                return model
        raise UncoveredRoute(
            f"{self.name} ({self.route}): cannot resolve the kwarg <{kwarg}> to a tenant-owned model. Name it "
            f"<model_name_id> after a TenantOwnedModel, or use <pk> with tenant_model on the view, or teach "
            f"tests/tenancy/harness.py about it."
        )

    def check_covered(self) -> None:
        """Raise UncoveredRoute unless the harness can exercise this route fully."""
        view = self.view_class
        if not (isinstance(view, type) and issubclass(view, (TenantViewMixin, TenantAPIMixin))):
            raise UncoveredRoute(
                f"{self.name} ({self.route}): view {self._view_label()} does not use "
                f"partnerships.tenant_views.TenantViewMixin or partnerships.api.base.TenantAPIMixin, so nothing "
                f"resolves the tenant and checks membership."
            )
        if not self.methods:
            raise UncoveredRoute(f"{self.name} ({self.route}): {self._view_label()} declares no permitted methods.")
        for method in self.methods:
            if self.action_for(method) is None:
                raise UncoveredRoute(
                    f"{self.name} ({self.route}): {self._view_label()} has no permission for {method}."
                )
        for kwarg in self.object_kwargs:
            self.model_for(kwarg)

    def _view_label(self) -> str:
        view = self.view_class
        if view is None:
            return getattr(self.callback, "__qualname__", repr(self.callback))
        return f"{view.__module__}.{view.__qualname__}"

    # -- building a URL ----------------------------------------------------------------------------
    def objects_of(self, side: Any) -> dict[str, TenantOwnedModel]:
        """For each object kwarg, a row of ``side`` (a tests.conftest.TenantSide) of the right model."""
        return {kwarg: side.primary(self.model_for(kwarg)) for kwarg in self.object_kwargs}

    def url(self, *, convener_slug: str, objects: dict[str, Any] | None = None) -> str:
        values: dict[str, Any] = {TENANT_KWARG: convener_slug}
        values.update({k: getattr(v, "pk", v) for k, v in (objects or {}).items()})
        if self.route is not None and "(?P<" not in self.route:
            return "/" + _ROUTE_PARAM.sub(lambda m: str(values[m.group("name")]), self.route)
        return reverse(self.name, kwargs=values, urlconf=self.urlconf)


def _walk(patterns: list[Any], prefix: str, namespace: str, kwargs: tuple[str, ...],
          urlconf: str | None) -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            piece = str(pattern)
            # Parsed from the route string, not pattern.converters: Django caches that dict per route
            # string and URLResolver._populate() updates it in place, so an include("") inside the
            # tenant prefix lends "convener_slug" to every other include("") once URLs are resolved.
            names = tuple(m.group("name") for m in _ROUTE_PARAM.finditer(piece))
        elif isinstance(pattern, RegexPattern):
            piece = pattern._regex
            names = tuple(pattern.regex.groupindex)
        else:  # LocalePrefixPattern and friends
            piece, names = str(pattern), ()
        route = prefix + piece
        all_kwargs = kwargs + tuple(n for n in names if n not in kwargs)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _walk(entry.url_patterns, route, ns or "", all_kwargs, urlconf)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            yield Route(name=name, route=route, kwargs=all_kwargs, callback=entry.callback, urlconf=urlconf)


def all_routes(urlconf: str | None = None) -> list[Route]:
    return list(_walk(get_resolver(urlconf).url_patterns, "", "", (), urlconf))


def tenant_routes(urlconf: str | None = None) -> list[Route]:
    """Every route whose URL carries the convener slug: tenant pages and tenant API alike."""
    return [r for r in all_routes(urlconf) if TENANT_KWARG in r.kwargs]


def uncovered_routes(urlconf: str | None = None) -> dict[str, str]:
    """Route name to the reason the harness cannot cover it; empty when every tenant route is covered."""
    problems: dict[str, str] = {}
    for route in tenant_routes(urlconf):
        try:
            route.check_covered()
        except UncoveredRoute as exc:
            problems[route.name] = str(exc)
    return problems


# -- what a response says, whatever its format ---------------------------------------------------------------------
def pdf_content(data: bytes) -> bytes:
    """The PDF with its page streams decoded (reportlab writes ASCII85 + Flate), so its text can be searched."""
    import base64
    import zlib

    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        body = match.group(1)
        for decode in (lambda b: zlib.decompress(base64.a85decode(b.removeprefix(b"<~").removesuffix(b"~>"))),
                       zlib.decompress):
            try:
                parts.append(decode(body.strip()))
                break
            except (ValueError, zlib.error):
                continue
    return b"\n".join(parts)


def response_text(response: Any) -> str:
    """The text a response carries: a workbook is unpacked into its cell values, a PDF into its page text."""
    import io

    content = getattr(response, "content", b"") or b"".join(getattr(response, "streaming_content", []))
    kind = response.get("Content-Type", "") if hasattr(response, "get") else ""
    if "spreadsheetml" in kind or content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if "pdf" in kind or content[:5] == b"%PDF-":
        # reportlab writes text as (escaped) strings inside the page streams: keep what is between the brackets.
        decoded = pdf_content(content).decode("latin-1")
        return "\n".join(m.replace("\\(", "(").replace("\\)", ")")
                         for m in re.findall(r"\(((?:\\.|[^\\)])*)\)", decoded))
    return content.decode("utf-8", "replace")

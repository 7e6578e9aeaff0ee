"""The API side of tenancy: one base resolves the convener and membership and checks the role per action.

Handlers receive ``self.convener`` and ``self.membership``, never a slug. Non-members get 404.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from partnerships.models import Convener, Membership
from partnerships.permissions import Action, can
from partnerships.security.middleware import tenant_gate
from partnerships.security.policy import MFA_REQUIRED_MESSAGE
from partnerships.selectors import tenant_resolve


class TenantAPIMixin:
    """Mix into any DRF view. ``permissions`` maps a viewset action (or HTTP method) to an Action."""

    permissions: ClassVar[dict[str, Action]] = {}
    # The tenant-owned model the ``pk`` URL kwarg refers to (read by the isolation harness).
    tenant_model: ClassVar[type | None] = None
    convener: Convener
    membership: Membership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authentication happens here
        convener_slug = kwargs.get("convener_slug") or self.kwargs.get("convener_slug")  # type: ignore[attr-defined]
        self.convener, self.membership = tenant_resolve(user=request.user, convener_slug=convener_slug)
        if tenant_gate(request._request, self.membership):  # a role that needs MFA, granted since sign-in
            raise exceptions.PermissionDenied(MFA_REQUIRED_MESSAGE + ".")
        key: str = getattr(self, "action", None) or request.method or ""
        action = self.permissions.get(key) or self.permissions.get(request.method or "")
        if action is None:
            raise exceptions.MethodNotAllowed(request.method or "")
        if not can(self.membership, action):
            raise exceptions.PermissionDenied("Your role in this workspace cannot do that.")

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)  # type: ignore[misc]
        # Errors are JSON (as the schema documents them), whatever the operation's own media type: the 404 of a
        # CSV export is not a CSV file. finalize_response hands this renderer to the response.
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
        return response

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        if hasattr(self, "convener"):
            context.update(convener=self.convener, membership=self.membership)
        return context


class TenantViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    """A viewset whose queryset always comes from a selector that takes the tenant."""

    lookup_value_converter = "int"

    @property
    def queryset(self) -> Any:  # type: ignore[override]
        """An empty queryset of ``tenant_model``, for the OpenAPI generator only (it runs with no tenant).

        Rows always come from ``get_queryset``, which calls a selector with the convener and membership.
        """
        model = self.tenant_model
        return model.unscoped.none() if model is not None else None  # type: ignore[attr-defined]

    def get_queryset(self) -> Any:
        raise NotImplementedError("Tenant viewsets build their queryset from a selector")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError from services as a 400 with field errors.

    A 400 is always an object of field errors: a bare list of messages (DRF's own, e.g. a search term with a NUL
    character) goes under ``non_field_errors``, as the schema's ValidationError documents.
    """
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        if NON_FIELD_ERRORS in detail:  # model-level errors: named as DRF names its own
            detail = {"non_field_errors": detail.pop(NON_FIELD_ERRORS), **detail}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        exc = exceptions.ValidationError(detail={"non_field_errors": exc.detail})
    return drf_exception_handler(exc, context)

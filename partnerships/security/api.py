"""The API token endpoint, held to the sign-in page's rules: failed-login limits and the second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from partnerships.security.policy import MFA_REQUIRED_MESSAGE, has_primary_authenticator, mfa_required_for


class TokenRequestSerializer(AuthTokenSerializer):
    code = serializers.CharField(
        label="Two-factor code", required=False, allow_blank=True, trim_whitespace=True,
        help_text="The current code of the account's authenticator app, or one of its recovery codes. "
                  "Required when the account has two-factor authentication.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]._request
        with context.request_context(request):
            adapter = get_account_adapter(request)
            try:
                # allauth's own check: the same failed-login counter (per address and per IP) as the sign-in page.
                user = adapter.authenticate(request, email=attrs["username"], password=attrs["password"])
            except DjangoValidationError as exc:
                raise exceptions.Throttled(detail=" ".join(exc.messages)) from exc
            if user is None:
                raise serializers.ValidationError("Unable to log in with provided credentials.", code="authorization")
            if has_primary_authenticator(user):
                form = AuthenticateForm(user=user, data={"code": attrs.get("code", "")})
                if not form.is_valid():
                    raise serializers.ValidationError({"code": form.errors.get("code", ["Incorrect code."])})
                form.authenticator.record_usage()
            elif mfa_required_for(user):
                raise exceptions.PermissionDenied(MFA_REQUIRED_MESSAGE + " (sign in on the web to set it up).")
        attrs["user"] = user
        return attrs


class TokenLoginView(ObtainAuthToken):
    """POST ``username`` (the email address), ``password`` and, for two-factor accounts, ``code``: an API token."""

    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong email or password, or a missing or wrong two-factor code"),
            403: OpenApiResponse(description="The account's role requires two-factor authentication, not set up yet"),
            429: OpenApiResponse(description="Too many failed attempts for this account or address; try later"),
        },
        summary="Exchange a password (and two-factor code) for an API token",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().post(request, *args, **kwargs)

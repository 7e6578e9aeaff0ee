"""Tenant core API: memberships, invitations, audit events, and /me. See also directory.py and councils.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships import selectors, services
from partnerships.api import filters
from partnerships.api import serializers as s
from partnerships.api.base import TenantViewSet
from partnerships.models import AuditEvent, Invitation, Membership
from partnerships.permissions import Action


class MeView(RetrieveAPIView):
    """The signed-in user and the workspaces (conveners) they belong to."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(s.serializers.Serializer):
        email = s.serializers.EmailField()
        full_name = s.serializers.CharField()
        memberships = s.MeMembershipSerializer(many=True)

    serializer_class = OutputSerializer

    def get_object(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "email": user.email,  # type: ignore[union-attr]
            "full_name": user.full_name,  # type: ignore[union-attr]
            "memberships": selectors.memberships_of_user(user=user),  # type: ignore[arg-type]
        }


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Members of the workspace. Convener admins change roles and deactivate members."""

    serializer_class = s.MembershipSerializer
    filterset_class = filters.MembershipFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["created_at", "role"]
    tenant_model = Membership
    permissions = {
        "list": Action.MEMBER_VIEW,
        "retrieve": Action.MEMBER_VIEW,
        "partial_update": Action.MEMBER_MANAGE,
    }

    def get_queryset(self) -> Any:
        return selectors.membership_list(convener=self.convener)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        if not isinstance(request.data, Mapping):
            # A JSON array, string or null body: a 400 like any serializer gives, not a TypeError (500).
            raise ValidationError({"non_field_errors": ["Invalid data. Expected an object."]})
        data = {"role": membership.role, "organization": membership.organization_id,
                "partnerships": [p.pk for p in membership.partnerships.all()],
                "is_active": membership.is_active, **request.data}
        serializer = s.MembershipUpdateSerializer(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        membership = services.membership_update(
            convener=self.convener, actor=self.membership.user, membership=membership, **serializer.validated_data
        )
        return Response(s.MembershipSerializer(membership).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Invitations to join the workspace. Creating one emails a single-use link to the invitee."""

    serializer_class = s.InvitationSerializer
    filterset_class = filters.InvitationFilter
    ordering_fields = ["created_at", "expires_at"]
    tenant_model = Invitation
    permissions = {
        "list": Action.INVITATION_VIEW,
        "retrieve": Action.INVITATION_VIEW,
        "create": Action.INVITATION_MANAGE,
        "destroy": Action.INVITATION_MANAGE,
        "resend": Action.INVITATION_MANAGE,
    }

    def get_queryset(self) -> Any:
        status_filter = self.request.query_params.get("status")
        return selectors.invitation_list(convener=self.convener, status=status_filter)

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.InvitationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.InvitationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            convener=self.convener, actor=self.membership.user, request=request, **serializer.validated_data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revoke the invitation; its link stops working. The record is kept for the audit trail."""
        services.invitation_revoke(convener=self.convener, actor=self.membership.user, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = services.invitation_resend(
            convener=self.convener, actor=self.membership.user, invitation=self.get_object(), request=request
        )
        return Response(s.InvitationSerializer(invitation).data)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    serializer_class = s.AuditEventSerializer
    filterset_class = filters.AuditEventFilter
    ordering_fields = ["occurred_at"]
    tenant_model = AuditEvent
    permissions = {"list": Action.AUDIT_VIEW, "retrieve": Action.AUDIT_VIEW}

    def get_queryset(self) -> Any:
        return selectors.audit_event_list(convener=self.convener)

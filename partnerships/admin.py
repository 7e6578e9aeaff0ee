"""Django admin for platform operators: tenant rows through the ``unscoped`` manager, every touch audited.

Superusers see every tenant. Other staff see only conveners where they hold an active convener-admin
membership. Viewing, adding, changing and deleting a tenant row each write an AuditEvent (source=admin).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict

from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import AuditEvent, Convener, Invitation, Membership, Organization, Partnership, User
from partnerships.roles import Role
from partnerships.tenancy import TenantOwnedModel


def operator_convener_ids(request: HttpRequest) -> QuerySet[Any] | None:
    """None means all conveners (superuser)."""
    user = request.user
    if user.is_superuser:
        return None
    if not isinstance(user, User):
        return Membership.unscoped.none().values("convener_id")
    return Membership.unscoped.filter(user=user, role=Role.CONVENER_ADMIN, is_active=True).values("convener_id")


class TenantScopedAdmin(admin.ModelAdmin):
    list_filter: ClassVar[Any] = ("convener",)
    list_select_related: ClassVar[Any] = ("convener",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = self.model.unscoped.select_related("convener")  # type: ignore[attr-defined]
        allowed = operator_convener_ids(request)
        return qs if allowed is None else qs.filter(convener_id__in=allowed)

    def _related_queryset(self, request: HttpRequest, model: type[Model]) -> QuerySet[Any] | None:
        if issubclass(model, TenantOwnedModel):
            qs = model.unscoped.all()  # type: ignore[attr-defined]
            allowed = operator_convener_ids(request)
            return qs if allowed is None else qs.filter(convener_id__in=allowed)
        if model is Convener:
            allowed = operator_convener_ids(request)
            return Convener.objects.all() if allowed is None else Convener.objects.filter(pk__in=allowed)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        qs = self._related_queryset(request, db_field.remote_field.model)
        if qs is not None:
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        qs = self._related_queryset(request, db_field.remote_field.model)
        if qs is not None:
            kwargs["queryset"] = qs
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # -- audit ---------------------------------------------------------------
    def _audit(self, request: HttpRequest, obj: Any, action: str) -> None:
        if isinstance(obj, TenantOwnedModel) and obj.convener_id:
            # The admin works across tenants: the audit log's row-level security takes the row's own tenant.
            with rls.tenant_context(obj.convener_id, user_id=request.user.pk):
                audit_record(convener=obj.convener, actor=request.user, action=action,  # type: ignore[arg-type]
                             target=obj, source="admin", ip_address=request.META.get("REMOTE_ADDR"))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._audit(request, obj, f"admin.view.{self.model._meta.model_name}")
        return super().change_view(request, object_id, form_url, extra_context)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, f"admin.add.{self.model._meta.model_name}")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, f"admin.change.{self.model._meta.model_name}")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, f"admin.delete.{self.model._meta.model_name}")
        return super().log_deletions(request, queryset)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    list_filter = ["is_active", "is_staff"]


@admin.register(Convener)
class ConvenerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region", "suppression_threshold", "is_active"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Convener]:
        allowed = operator_convener_ids(request)
        qs = super().get_queryset(request)
        return qs if allowed is None else qs.filter(pk__in=allowed)


@admin.register(Organization)
class OrganizationAdmin(TenantScopedAdmin):
    list_display = ["name", "org_type", "size_band", "naics_code", "convener"]
    list_filter = ["convener", "org_type", "size_band"]
    search_fields = ["name"]


@admin.register(Partnership)
class PartnershipAdmin(TenantScopedAdmin):
    list_display = ["name", "status", "region", "start_date", "convener"]
    list_filter = ["convener", "status"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "role", "organization", "is_active", "convener"]
    list_filter = ["convener", "role", "is_active"]
    search_fields = ["user__email"]
    list_select_related = ("convener", "user", "organization")
    filter_horizontal = ["partnerships"]


@admin.register(Invitation)
class InvitationAdmin(TenantScopedAdmin):
    list_display = [
        "email", "role", "organization", "created_at", "expires_at", "accepted_at", "revoked_at", "convener",
    ]
    list_filter = ["convener", "role"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by"]
    search_fields = ["email"]


@admin.register(AuditEvent)
class AuditEventAdmin(TenantScopedAdmin):
    """Read-only: the trail cannot be edited, even by operators."""

    list_display = ["occurred_at", "actor_email", "action", "target_label", "source", "convener"]
    list_filter = ["convener", "source"]
    search_fields = ["actor_email", "action", "target_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Under PostgreSQL row-level security the audit log shows one workspace at a time: the one chosen in the
        Convener filter (none chosen: no rows, for the application's database role)."""
        with rls.tenant_context(self._chosen_convener(request), user_id=request.user.pk):
            return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        with rls.tenant_context(self._chosen_convener(request), user_id=request.user.pk):
            return super().change_view(request, object_id, form_url, extra_context)

    def _chosen_convener(self, request: HttpRequest) -> int | None:
        """The convener of the changelist filter, also carried to an event's page in ``_changelist_filters``, if
        this operator may see it."""
        chosen = request.GET.get("convener__id__exact") or QueryDict(
            request.GET.get("_changelist_filters", "")).get("convener__id__exact")
        if not chosen or not chosen.isdigit():
            return None
        allowed = operator_convener_ids(request)
        if allowed is not None and not allowed.filter(convener_id=int(chosen)).exists():
            return None
        return int(chosen)

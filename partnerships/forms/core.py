"""Forms of the tenant core: invitations, memberships, accepting an invitation."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth import password_validation

from partnerships.models import Convener, Membership, Organization, Partnership
from partnerships.roles import ROLE_ORGANIZATION_TYPES, Role


class OrganizationSelect(forms.Select):
    """Marks each option with its organization type, so the page can offer only the ones a role allows."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-type"] = instance.org_type
        return option


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return f"{obj.name} — {obj.get_org_type_display()}"


class _TenantBindingForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Choose a role…"), *Role.choices])
    organization = OrganizationChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        widget=OrganizationSelect,
        empty_label="Choose an organization…",
        help_text="Required for employer representatives, case managers, training provider staff and funders.",
    )
    partnerships = forms.ModelMultipleChoiceField(
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Funders only: the partnerships whose outcome dashboards they may see.",
    )

    def __init__(self, *args: Any, convener: Convener, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.convener = convener
        org_field: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
        org_field.queryset = Organization.objects.for_convener(convener).order_by("name")
        partnership_field: forms.ModelMultipleChoiceField = self.fields["partnerships"]  # type: ignore[assignment]
        partnership_field.queryset = Partnership.objects.for_convener(convener).order_by("name")
        # The browser script shows only the organizations a chosen role can be bound to.
        self.fields["role"].widget.attrs["data-role-select"] = "true"
        self.role_org_types_json = json.dumps(
            {str(role): sorted(types) for role, types in ROLE_ORGANIZATION_TYPES.items()}
        )


class InvitationForm(_TenantBindingForm):
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation link is sent here and can be used once.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "role", "organization", "partnerships"]


class MembershipForm(_TenantBindingForm):
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Inactive members cannot sign in to this workspace."
    )

    @classmethod
    def for_membership(cls, membership: Membership, data: Any = None) -> MembershipForm:
        initial = {
            "role": membership.role,
            "organization": membership.organization_id,
            "partnerships": list(membership.partnerships.all()),
            "is_active": membership.is_active,
        }
        return cls(data=data, initial=initial, convener=membership.convener)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(label="Choose a password", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label="Repeat the password", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        if p1:
            from partnerships.models import User

            try:
                candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

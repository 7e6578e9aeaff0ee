"""Forms for a convener's directory: organizations, representatives, partnerships and their goals.

Forms check the shape of the input; the services check the rules (duplicates, NAICS codes, tenancy) and
their ValidationErrors are put back on the form by ``apply_service_errors``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers.models import LaborMarketArea
from partnerships.forms.fields import CalendarDateField
from partnerships.models import Convener, Organization, Partnership, PartnershipGoal, Representative, User
from partnerships.roles import OrganizationType


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field they name when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def clean_typed_naics(value: str, *, example: str) -> str:
    """The code of a typed or picked NAICS value; words left in the box (a search never picked) are refused
    here with a hint, and the code itself is checked against the NAICS list by the service."""
    value = value.strip()
    code = value.split(" ")[0]  # "622110 General Medical..." pasted from the list keeps its code
    if value and not re.fullmatch(r"[\d-]+", code):
        raise ValidationError(
            f"“{value}” is not a NAICS code. Pick one of the matches that appear as you type, or type the "
            f"digits, e.g. {example}."
        )
    return code


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def naics_picker_attrs(*, convener: Convener, target: str, max_digits: int = 6) -> dict[str, str]:
    """htmx attributes that turn a NAICS code input into a search-as-you-type picker (results below it)."""
    url = reverse("partnerships:naics-search", kwargs={"convener_slug": convener.slug})
    return {
        "hx-get": f"{url}?digits={max_digits}",
        "hx-trigger": "input changed delay:250ms, search",
        "hx-target": f"#{target}",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
        "autocomplete": "off",
        "spellcheck": "false",
        "data-naics-input": target,
        "aria-controls": target,
        "inputmode": "search",
    }


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    org_type = forms.ChoiceField(label="Type", choices=[("", "Choose a type…"), *OrganizationType.choices])
    size_band = forms.ChoiceField(
        label="Size", required=False, choices=[("", "Not recorded"), *Organization.SizeBand.choices],
        help_text="Employers only: by number of employees.",
    )
    naics_code = forms.CharField(
        label="NAICS 2022 industry", required=False, max_length=120,
        help_text="Employers only. Type a code or words from the industry name, then pick a match.",
    )
    ein = forms.CharField(label="EIN", required=False, max_length=12, help_text="Optional, e.g. 12-3456789.")
    website = forms.URLField(required=False, assume_scheme="https")
    city = forms.CharField(required=False, max_length=100)
    state = forms.CharField(required=False, max_length=2, help_text="Two letters, e.g. GA.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, convener: Convener, organization: Organization | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.convener = convener
        self.organization = organization
        self.fields["naics_code"].widget.attrs.update(naics_picker_attrs(convener=convener, target="naics-results"))
        check_url = reverse("partnerships:organization-duplicates", kwargs={"convener_slug": convener.slug})
        if organization is not None:
            check_url += f"?exclude={organization.pk}"
        duplicate_check = {
            "hx-get": check_url,
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#duplicate-check",
            "hx-include": "[name='name'], [name='ein']",
            "hx-sync": "closest form:abort",
            "aria-describedby": "duplicate-check",
        }
        self.fields["name"].widget.attrs.update(duplicate_check, autocomplete="organization")
        self.fields["ein"].widget.attrs.update(duplicate_check, autocomplete="off")
        self.fields["state"].widget.attrs.update({"autocomplete": "address-level1", "class": "input-state"})
        self.fields["org_type"].widget.attrs["data-org-type-select"] = "true"

    def clean_naics_code(self) -> str:
        return clean_typed_naics(self.cleaned_data["naics_code"], example="622110")

    def clean_state(self) -> str:
        return self.cleaned_data["state"].strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("org_type") and cleaned["org_type"] != OrganizationType.EMPLOYER:
            # Size and industry describe employers; the fields are hidden for other types, so drop leftovers.
            cleaned["size_band"] = ""
            cleaned["naics_code"] = ""
            self.errors.pop("naics_code", None)
        return cleaned

    @classmethod
    def for_organization(cls, organization: Organization, data: Any = None) -> OrganizationForm:
        initial = {f: getattr(organization, f) for f in
                   ("name", "org_type", "size_band", "naics_code", "ein", "website", "city", "state", "notes")}
        return cls(data=data, initial=initial, convener=organization.convener, organization=organization)


def tenant_users(convener: Convener) -> Any:
    """Users with an active membership in the convener: the people a representative can be linked to."""
    return (
        User.objects.filter(memberships__convener=convener, memberships__is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.get_full_name()} <{obj.email}>" if obj.full_name else obj.email


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    title = forms.CharField(required=False, max_length=150, help_text="e.g. HR Director")
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=40)
    user = UserChoiceField(
        label="Portal user", queryset=User.objects.none(), required=False, empty_label="Not linked",
        help_text="Optional: the workspace member who is this person, so they can mark their own attendance.",
    )

    def __init__(self, *args: Any, convener: Convener, with_active: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = tenant_users(convener)  # type: ignore[attr-defined]
        if with_active:
            self.fields["is_active"] = forms.BooleanField(
                label="Active", required=False, help_text="Inactive people are kept for history only."
            )

    @classmethod
    def for_representative(cls, representative: Representative, data: Any = None) -> RepresentativeForm:
        initial = {f: getattr(representative, f) for f in ("full_name", "title", "email", "phone", "is_active")}
        initial["user"] = representative.user_id
        return cls(data=data, initial=initial, convener=representative.convener, with_active=True)


class CountiesField(forms.CharField):
    """Comma-separated county names in, a list out."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _area_label(area: LaborMarketArea) -> str:
    return f"{area.name} ({'metro' if area.area_type == LaborMarketArea.AreaType.METRO else 'state'})"


class PartnershipForm(forms.Form):
    name = forms.CharField(max_length=200)
    industry_naics = forms.CharField(
        label="Industry (NAICS sector or subsector)", required=False, max_length=120,
        help_text="Type a 2- to 4-digit code or words from the industry name, then pick a match.",
    )
    industry_label = forms.CharField(
        label="Industry name on pages", required=False, max_length=120,
        help_text="Optional, e.g. Healthcare. Left blank, the NAICS title is used.",
    )
    region = forms.CharField(required=False, max_length=200, help_text="e.g. Metro Atlanta")
    state = forms.CharField(required=False, max_length=2, help_text="Two letters, e.g. GA.")
    counties = CountiesField(required=False, help_text="Comma-separated, e.g. Fulton, DeKalb, Cobb.")
    metro_area = forms.CharField(required=False, max_length=120, help_text="e.g. Atlanta-Sandy Springs-Roswell, GA")
    status = forms.ChoiceField(choices=Partnership.Status.choices, initial=Partnership.Status.FORMING)
    start_date = CalendarDateField(required=False, widget=DATE_INPUT)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    labor_market_area = forms.ModelChoiceField(
        label="Labor-market area", required=False, queryset=LaborMarketArea.objects.none(),
        empty_label="Not set",
        help_text="The OEWS metro or state area used for every market-wage comparison of this partnership.",
    )
    engagement_window = forms.IntegerField(
        label="Engagement window (meetings)", min_value=1, max_value=24, initial=6,
        help_text="An employer's attendance rate is measured over its council's last N meetings.",
    )

    def __init__(self, *args: Any, convener: Convener, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry_naics"].widget.attrs.update(
            naics_picker_attrs(convener=convener, target="naics-results", max_digits=4)
        )
        self.fields["state"].widget.attrs["class"] = "input-state"
        area_field: forms.ModelChoiceField = self.fields["labor_market_area"]  # type: ignore[assignment]
        area_field.queryset = LaborMarketArea.objects.filter(
            area_type__in=[LaborMarketArea.AreaType.METRO, LaborMarketArea.AreaType.STATE],
        ).order_by("area_type", "name")
        area_field.label_from_instance = _area_label  # type: ignore[method-assign,assignment]

    def clean_industry_naics(self) -> str:
        return clean_typed_naics(self.cleaned_data["industry_naics"], example="622")

    def clean_state(self) -> str:
        return self.cleaned_data["state"].strip().upper()

    @classmethod
    def for_partnership(cls, partnership: Partnership, data: Any = None) -> PartnershipForm:
        initial = {f: getattr(partnership, f) for f in (
            "name", "industry_naics", "industry_label", "region", "state", "counties", "metro_area", "status",
            "start_date", "summary", "engagement_window")}
        initial["labor_market_area"] = partnership.labor_market_area_id
        return cls(data=data, initial=initial, convener=partnership.convener)


class PartnershipGoalForm(forms.ModelForm):
    class Meta:
        model = PartnershipGoal
        fields = ["description", "target_value", "unit", "target_date"]
        labels = {"description": "Goal", "target_value": "Target", "target_date": "By"}
        widgets = {"target_date": DATE_INPUT,
                   "description": forms.TextInput(attrs={"placeholder": "e.g. Hires from the cohorts"})}

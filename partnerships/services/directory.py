"""Writes for a convener's directory: organizations, representatives, partnerships and their goals."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.audit import audit_record
from partnerships.industry import validate_naics
from partnerships.models import (
    Convener,
    Council,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
    User,
)
from partnerships.roles import OrganizationType

_LEGAL_SUFFIXES = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|plc|lp|llp|the)\b\.?", re.I
)

ORGANIZATION_FIELDS = ("name", "org_type", "size_band", "naics_code", "ein", "website", "city", "state", "notes")
PARTNERSHIP_FIELDS = (
    "name", "industry_naics", "industry_label", "region", "state", "counties", "metro_area", "status",
    "start_date", "summary", "engagement_window", "labor_market_area",
)


def normalize_organization_name(name: str) -> str:
    """"The Boeing Company, Inc." and "boeing" share one key."""
    text = _LEGAL_SUFFIXES.sub(" ", (name or "").lower().replace("&", " and "))
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


def normalize_ein(ein: str) -> str:
    digits = re.sub(r"\D", "", ein or "")
    return f"{digits[:2]}-{digits[2:]}" if len(digits) == 9 else (ein or "").strip()


def _check_organization(convener: Convener, organization: Organization) -> None:
    errors: dict[str, list[str]] = {}
    if organization.org_type == OrganizationType.EMPLOYER:
        problem = validate_naics(organization.naics_code)
        if problem:
            errors["naics_code"] = [problem]
    else:
        # Size band and NAICS describe employers only; keep other types clean rather than half-filled.
        organization.size_band = ""
    if organization.ein and not re.fullmatch(r"\d{2}-\d{7}", organization.ein):
        errors["ein"] = ["An EIN has 9 digits, written 12-3456789."]
    if organization.state and not re.fullmatch(r"[A-Z]{2}", organization.state):
        errors["state"] = ["Use the two-letter state code, e.g. GA."]
    duplicates = Organization.objects.for_convener(convener).exclude(pk=organization.pk)
    same_name = duplicates.filter(normalized_name=organization.normalized_name).first()
    if same_name:
        errors["name"] = [f"{same_name.name} is already in your directory. Open it instead of adding it twice."]
    if organization.ein:
        same_ein = duplicates.filter(ein=organization.ein).first()
        if same_ein:
            errors["ein"] = [f"EIN {organization.ein} already belongs to {same_ein.name}."]
    if errors:
        raise ValidationError(errors)


def _organization_save(
    *, convener: Convener, actor: User | None, organization: Organization, action: str, fields: list[str]
) -> Organization:
    """Normalize, validate (model rules, NAICS, EIN, duplicates), save and audit: shared by create and update."""
    organization.name = (organization.name or "").strip()
    organization.ein = normalize_ein(organization.ein)
    organization.state = (organization.state or "").strip().upper()
    organization.normalized_name = normalize_organization_name(organization.name)
    # The unique-name constraint is left to _check_organization, which words it on the name field.
    organization.full_clean(exclude=["normalized_name"], validate_constraints=False)
    _check_organization(convener, organization)
    with transaction.atomic():
        organization.save()
        audit_record(convener=convener, actor=actor, action=action, target=organization,
                     metadata={"fields": sorted(fields)})
    return organization


def _assign(instance: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(f"{key} cannot be changed here.")
        setattr(instance, key, value.strip() if isinstance(value, str) else value)


def organization_create(
    *, convener: Convener, actor: User | None, name: str, org_type: str, **fields: Any
) -> Organization:
    organization = Organization(convener=convener, name=name, org_type=org_type)
    _assign(organization, fields, ORGANIZATION_FIELDS)
    return _organization_save(convener=convener, actor=actor, organization=organization,
                              action="organization.create", fields=["name", "org_type", *fields])


def organization_update(
    *, convener: Convener, actor: User | None, organization: Organization, **fields: Any
) -> Organization:
    if organization.convener_id != convener.pk:
        raise ValidationError("No such organization.")
    _assign(organization, fields, ORGANIZATION_FIELDS)
    return _organization_save(convener=convener, actor=actor, organization=organization,
                              action="organization.update", fields=list(fields))


def representative_create(
    *, convener: Convener, actor: User | None, organization: Organization, full_name: str,
    user: User | None = None, **fields: Any,
) -> Representative:
    if organization.convener_id != convener.pk:
        raise ValidationError({"organization": ["Choose an organization of this workspace."]})
    representative = Representative(
        convener=convener, organization=organization, full_name=(full_name or "").strip(), user=user, **fields
    )
    representative.full_clean()
    with transaction.atomic():
        representative.save()
        audit_record(convener=convener, actor=actor, action="representative.create", target=representative)
    return representative


def representative_update(
    *, convener: Convener, actor: User | None, representative: Representative, **fields: Any
) -> Representative:
    if representative.convener_id != convener.pk:
        raise ValidationError("No such representative.")
    _assign(representative, fields, ("full_name", "title", "email", "phone", "user", "is_active"))
    representative.full_clean()
    with transaction.atomic():
        representative.save()
        audit_record(convener=convener, actor=actor, action="representative.update", target=representative)
    return representative


def _check_partnership(partnership: Partnership) -> None:
    errors: dict[str, list[str]] = {}
    if Partnership.objects.for_convener(partnership.convener_id).filter(name__iexact=partnership.name).exclude(
        pk=partnership.pk
    ).exists():
        errors["name"] = [f"{partnership.name} already exists in this workspace."]
    problem = validate_naics(partnership.industry_naics, max_digits=4)
    if problem:
        errors["industry_naics"] = [problem.replace("at most 4 digits", "a sector or subsector (2 to 4 digits)")]
    if partnership.state and not re.fullmatch(r"[A-Z]{2}", partnership.state):
        errors["state"] = ["Use the two-letter state code, e.g. GA."]
    if not isinstance(partnership.counties, list) or not all(isinstance(c, str) for c in partnership.counties):
        errors["counties"] = ["Counties are a list of names."]
    if not partnership.engagement_window or partnership.engagement_window > 24:
        errors["engagement_window"] = ["Measure engagement over 1 to 24 meetings."]
    if errors:
        raise ValidationError(errors)


def partnership_create(*, convener: Convener, actor: User | None, name: str, **fields: Any) -> Partnership:
    """A partnership and its two councils, which every partnership has."""
    partnership = Partnership(convener=convener, name=(name or "").strip(), **fields)
    partnership.state = (partnership.state or "").strip().upper()
    if not partnership.industry_label and partnership.industry_naics:
        from partnerships.industry import naics_title

        partnership.industry_label = naics_title(partnership.industry_naics) or ""
    partnership.full_clean(validate_constraints=False)  # the unique name: _check_partnership
    _check_partnership(partnership)
    with transaction.atomic():
        partnership.save()
        for kind in Council.Kind.values:
            Council.objects.create(convener=convener, partnership=partnership, kind=kind)
        audit_record(convener=convener, actor=actor, action="partnership.create", target=partnership)
    return partnership


def partnership_update(
    *, convener: Convener, actor: User | None, partnership: Partnership, **fields: Any
) -> Partnership:
    if partnership.convener_id != convener.pk:
        raise ValidationError("No such partnership.")
    _assign(partnership, fields, PARTNERSHIP_FIELDS)
    partnership.state = (partnership.state or "").strip().upper()
    partnership.full_clean(validate_constraints=False)  # the unique name: _check_partnership
    _check_partnership(partnership)
    with transaction.atomic():
        partnership.save()
        audit_record(convener=convener, actor=actor, action="partnership.update", target=partnership,
                     metadata={"fields": sorted(fields)})
    return partnership


def partnership_goal_add(
    *, convener: Convener, actor: User | None, partnership: Partnership, description: str, **fields: Any
) -> PartnershipGoal:
    if partnership.convener_id != convener.pk:
        raise ValidationError("No such partnership.")
    goal = PartnershipGoal(convener=convener, partnership=partnership, description=(description or "").strip(),
                           **fields)
    goal.full_clean()
    with transaction.atomic():
        goal.save()
        audit_record(convener=convener, actor=actor, action="partnership.goal_add", target=goal)
    return goal


def partnership_goal_remove(*, convener: Convener, actor: User | None, goal: PartnershipGoal) -> None:
    if goal.convener_id != convener.pk:
        raise ValidationError("No such goal.")
    with transaction.atomic():
        audit_record(convener=convener, actor=actor, action="partnership.goal_remove", target=goal)
        goal.delete()

"""Roles a membership can hold, and which organization types each role is bound to (DOMAIN.md §2)."""

from django.db import models


class OrganizationType(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    WORKFORCE_BOARD = "workforce_board", "Workforce development board"
    COLLEGE = "college", "Community or technical college"
    UNIVERSITY = "university", "University"
    K12 = "k12", "K-12 district"
    COMMUNITY_ORG = "community_org", "Community-based organization"
    HUMAN_SERVICES = "human_services", "Human-services agency (TANF/SNAP administrator)"
    LABOR = "labor", "Labor organization or JATC"
    ECONOMIC_DEVELOPMENT = "economic_development", "Economic development organization"
    INDUSTRY_ASSOCIATION = "industry_association", "Industry or trade association"
    PHILANTHROPY = "philanthropy", "Philanthropy"
    GOVERNMENT = "government", "Government"


class Role(models.TextChoices):
    CONVENER_ADMIN = "convener_admin", "Convener admin"
    CONVENER_STAFF = "convener_staff", "Convener staff"
    EMPLOYER_REP = "employer_rep", "Employer representative"
    CASE_MANAGER = "case_manager", "Case manager"
    PROVIDER_STAFF = "provider_staff", "Training provider staff"
    FUNDER = "funder", "Funder"


_PARTNER_TYPES = frozenset(
    {
        OrganizationType.WORKFORCE_BOARD,
        OrganizationType.COLLEGE,
        OrganizationType.UNIVERSITY,
        OrganizationType.K12,
        OrganizationType.COMMUNITY_ORG,
        OrganizationType.HUMAN_SERVICES,
        OrganizationType.LABOR,
        OrganizationType.INDUSTRY_ASSOCIATION,
    }
)

# Which organization a role is bound to. Roles absent here belong to the convener itself.
ROLE_ORGANIZATION_TYPES: dict[str, frozenset[str]] = {
    Role.EMPLOYER_REP: frozenset({OrganizationType.EMPLOYER}),
    Role.CASE_MANAGER: _PARTNER_TYPES,
    # Employers run OJT and apprenticeship training, so they can be providers too.
    Role.PROVIDER_STAFF: _PARTNER_TYPES | {OrganizationType.EMPLOYER},
    Role.FUNDER: frozenset(
        {
            OrganizationType.PHILANTHROPY,
            OrganizationType.GOVERNMENT,
            OrganizationType.WORKFORCE_BOARD,
            OrganizationType.HUMAN_SERVICES,
            OrganizationType.ECONOMIC_DEVELOPMENT,
        }
    ),
}

CONVENER_ROLES = frozenset({Role.CONVENER_ADMIN, Role.CONVENER_STAFF})


def role_needs_organization(role: str) -> bool:
    return role in ROLE_ORGANIZATION_TYPES


def role_needs_partnerships(role: str) -> bool:
    return role == Role.FUNDER

"""Demo data: the four partnerships of the case studies, their organizations, and a login for every role.

Idempotent: every row is looked up by its natural key (convener slug, organization or partnership name
within a convener, user email) and only written when it is missing or differs, so a second run changes
nothing. Later issues extend the demo by appending a step function to ``STEPS``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from partnerships import services
from partnerships.audit import audit_record
from partnerships.models import Convener, Invitation, Membership, Organization, Partnership, User
from partnerships.roles import OrganizationType, Role

# A published demo password; the demo accounts exist only in the seeded local database.
DEMO_PASSWORD = "partnership-demo-2026"  # noqa: S105
DEMO_DOMAIN = "demo.partnershipportal.org"

ORG = OrganizationType
SIZE = Organization.SizeBand


# ---------------------------------------------------------------------------
# The data (from seeds/001_8b7bad9cc855a5ab.txt; "(demo)" marks organizations we made up)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    org_type: str
    city: str = ""
    state: str = ""
    size_band: str = ""
    naics_code: str = ""
    website: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "org_type": self.org_type,
            "city": self.city,
            "state": self.state,
            "size_band": self.size_band,
            "naics_code": self.naics_code,
            "website": self.website,
        }


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    industry_naics: str
    industry_label: str
    region: str
    state: str
    start_date: date
    summary: str
    status: str = Partnership.Status.ACTIVE

    def fields(self) -> dict[str, Any]:
        return {
            "industry_naics": self.industry_naics,
            "industry_label": self.industry_label,
            "region": self.region,
            "state": self.state,
            "start_date": self.start_date,
            "summary": self.summary,
            "status": self.status,
        }


@dataclass(frozen=True)
class ConvenerSpec:
    slug: str
    name: str
    region: str
    organizations: tuple[OrganizationSpec, ...]
    partnerships: tuple[PartnershipSpec, ...]


METRO_ATLANTA = ConvenerSpec(
    slug="metro-atlanta",
    name="WorkSource Metro Atlanta",
    region="Metro Atlanta, GA",
    organizations=(
        # The case study names no hospital: these employers are fictional.
        OrganizationSpec(
            "Peachtree Regional Medical Center (demo)", ORG.EMPLOYER, "Atlanta", "GA", SIZE.LARGE, "622110"
        ),
        OrganizationSpec("Chattahoochee Community Hospital (demo)", ORG.EMPLOYER, "Marietta", "GA", SIZE.MID, "622110"),
        OrganizationSpec(
            "Sweet Auburn Rehabilitation Hospital (demo)", ORG.EMPLOYER, "Atlanta", "GA", SIZE.MID, "622310"
        ),
        OrganizationSpec("Decatur Skilled Nursing Center (demo)", ORG.EMPLOYER, "Decatur", "GA", SIZE.SMALL, "623110"),
        OrganizationSpec("Metro Atlanta Healthcare Association (demo)", ORG.INDUSTRY_ASSOCIATION, "Atlanta", "GA"),
        OrganizationSpec(
            "Goodwill of North Georgia", ORG.COMMUNITY_ORG, "Decatur", "GA", website="https://goodwillng.org"
        ),
        OrganizationSpec(
            "Atlanta CareerRise", ORG.PHILANTHROPY, "Atlanta", "GA", website="https://atlantacareerrise.org"
        ),
        OrganizationSpec("Atlanta Technical College", ORG.COLLEGE, "Atlanta", "GA", website="https://atlantatech.edu"),
        OrganizationSpec("Georgia Department of Human Services", ORG.HUMAN_SERVICES, "Atlanta", "GA"),
    ),
    partnerships=(
        PartnershipSpec(
            name="Metro Atlanta Healthcare Industry Partnership",
            industry_naics="62",
            industry_label="Health care and social assistance",
            region="Metro Atlanta (five local workforce areas)",
            state="GA",
            start_date=date(2016, 1, 1),
            summary=(
                "Convened by WorkSource Metro Atlanta, a coalition of five workforce boards, with Atlanta "
                "CareerRise, a regional funders' collaborative. An industry council of health care employers "
                "and a workforce partners council of colleges, community organizations and more than eighteen "
                "state agencies, including the TANF and SNAP administrators. With Goodwill of North Georgia as "
                "lead partner, the Environmental Services Technician pre-employment program runs 8 weeks: four "
                "classroom days and one hospital day a week, paid by SNAP E&T or WIOA. Graduates get guaranteed "
                "interviews, 10 months of counseling after the program, and can sit for the CHEST certificate "
                "after 6 months of employment."
            ),
        ),
    ),
)

PCC_OMIC = ConvenerSpec(
    slug="pcc-omic",
    name="Portland Community College",
    region="Portland metro and Columbia County, OR",
    organizations=(
        OrganizationSpec("Vigor", ORG.EMPLOYER, "Portland", "OR", SIZE.LARGE, "336611", "https://vigor.net"),
        OrganizationSpec("Boeing", ORG.EMPLOYER, "Gresham", "OR", SIZE.LARGE, "336411", "https://www.boeing.com"),
        OrganizationSpec("Scappoose Precision Machining (demo)", ORG.EMPLOYER, "Scappoose", "OR", SIZE.SMALL, "332710"),
        OrganizationSpec("Portland Community College", ORG.COLLEGE, "Portland", "OR", website="https://www.pcc.edu"),
        OrganizationSpec("Oregon Department of Human Services", ORG.HUMAN_SERVICES, "Salem", "OR"),
    ),
    partnerships=(
        PartnershipSpec(
            name="OMIC Training",
            industry_naics="336",
            industry_label="Advanced manufacturing (transportation equipment)",
            region="Oregon Manufacturing Innovation Center, Scappoose (Portland metro)",
            state="OR",
            start_date=date(2017, 1, 1),
            summary=(
                "An industry partnership training center led by Portland Community College and modeled on "
                "Boeing's training center in the United Kingdom, with Boeing, Vigor and small and mid-sized "
                "manufacturers. Recruits SNAP recipients through the Oregon Community College SNAP 50/50 "
                "Consortium (fourteen colleges and the state Department of Human Services). The Maritime "
                "Welding pathway, taught in Vigor's shipyards: 80% completion rate, 78% of completers hired "
                "in the industry, $19 an hour starting wage."
            ),
        ),
    ),
)

UPSKILL_HOUSTON = ConvenerSpec(
    slug="upskill-houston",
    name="Greater Houston Partnership",
    region="Greater Houston, TX",
    organizations=(
        OrganizationSpec(
            "S&B Engineers and Constructors",
            ORG.EMPLOYER,
            "Houston",
            "TX",
            SIZE.LARGE,
            "236210",
            "https://www.sbec.com",
        ),
        OrganizationSpec(
            "TDIndustries", ORG.EMPLOYER, "Houston", "TX", SIZE.LARGE, "238220", "https://www.tdindustries.com"
        ),
        OrganizationSpec("Bayou City Mechanical (demo)", ORG.EMPLOYER, "Pasadena", "TX", SIZE.SMALL, "238220"),
        OrganizationSpec(
            "United Way of Greater Houston",
            ORG.COMMUNITY_ORG,
            "Houston",
            "TX",
            website="https://www.unitedwayhouston.org",
        ),
        OrganizationSpec("Workforce Solutions Gulf Coast", ORG.WORKFORCE_BOARD, "Houston", "TX"),
    ),
    partnerships=(
        PartnershipSpec(
            name="UpSkill Houston",
            industry_naics="23",
            industry_label="Construction",
            region="Greater Houston",
            state="TX",
            start_date=date(2014, 1, 1),
            summary=(
                "Launched in 2014 by the Greater Houston Partnership with the support of its 1,200 business "
                "members, as the backbone of industry councils in the region's in-demand industries. Women in "
                "construction: S&B Engineers and Constructors' twelve-week hire-then-learn program (2017) for "
                "pipefitting and welding; United Way THRIVE partners teach financial literacy and employability "
                "skills and recruit with the local workforce board; replicated with TDIndustries."
            ),
        ),
    ),
)

REGION_4_INDIANA = ConvenerSpec(
    slug="region-4-indiana",
    name="Region 4 Workforce Board",
    region="North Central Indiana (Lafayette, Kokomo, Monticello)",
    organizations=(
        OrganizationSpec("Subaru of Indiana Automotive", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "336111"),
        OrganizationSpec(
            "Kirby Risk", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "423610", "https://www.kirbyrisk.com"
        ),
        OrganizationSpec("AdKev", ORG.EMPLOYER, "Lafayette", "IN", SIZE.MID, "332710"),
        OrganizationSpec("Ball Corporation", ORG.EMPLOYER, "", "IN", SIZE.LARGE, "332431", "https://www.ball.com"),
        OrganizationSpec(
            "Caterpillar", ORG.EMPLOYER, "Lafayette", "IN", SIZE.LARGE, "333120", "https://www.caterpillar.com"
        ),
        OrganizationSpec("Purdue Polytechnic", ORG.UNIVERSITY, "West Lafayette", "IN"),
        OrganizationSpec("Ivy Tech Community College Lafayette", ORG.COLLEGE, "Lafayette", "IN"),
        OrganizationSpec("Ivy Tech Community College Kokomo", ORG.COLLEGE, "Kokomo", "IN"),
        OrganizationSpec("WorkOne West Central Indiana", ORG.WORKFORCE_BOARD, "Lafayette", "IN"),
        # Funder of Ready to Work (the partnership's DOL grant).
        OrganizationSpec("US Department of Labor", ORG.GOVERNMENT, "Washington", "DC", website="https://www.dol.gov"),
    ),
    partnerships=(
        PartnershipSpec(
            name="Advancing Manufacturing Partnership",
            industry_naics="31",
            industry_label="Advanced manufacturing",
            region="Indiana Region 4 (Lafayette, Kokomo, Monticello)",
            state="IN",
            start_date=date(2012, 1, 1),
            summary=(
                "Launched in 2012 by Indiana's Region 4 Workforce Board with more than twenty advanced "
                "manufacturers, among them Subaru of Indiana Automotive, Kirby Risk, AdKev, Ball Corporation "
                "and Caterpillar; Purdue Polytechnic and Ivy Tech Lafayette and Kokomo teach. Ready to Work "
                "(DOL): since 2014, 723 participants completed pre-employment training, 686 were hired and 125 "
                "received structured on-the-job training. Paid internships of 4 to 12 weeks start at $14 an "
                "hour on average."
            ),
        ),
    ),
)

CONVENERS: tuple[ConvenerSpec, ...] = (METRO_ATLANTA, PCC_OMIC, UPSKILL_HOUSTON, REGION_4_INDIANA)


@dataclass(frozen=True)
class GrantSpec:
    convener_slug: str
    role: str
    organization: str = ""
    partnerships: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoUserSpec:
    local_part: str
    full_name: str
    grants: tuple[GrantSpec, ...]
    operator: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


ATLANTA_PARTNERSHIP = METRO_ATLANTA.partnerships[0].name

DEMO_USERS: tuple[DemoUserSpec, ...] = (
    # In every workspace, so signing in shows the workspace picker.
    DemoUserSpec("admin", "Dana Whitfield", tuple(GrantSpec(c.slug, Role.CONVENER_ADMIN) for c in CONVENERS)),
    DemoUserSpec("staff", "Marcus Bell", (GrantSpec("metro-atlanta", Role.CONVENER_STAFF),)),
    DemoUserSpec(
        "employer",
        "Priya Raman",
        (GrantSpec("metro-atlanta", Role.EMPLOYER_REP, "Peachtree Regional Medical Center (demo)"),),
    ),
    DemoUserSpec(
        "casemanager", "Keisha Moore", (GrantSpec("metro-atlanta", Role.CASE_MANAGER, "Goodwill of North Georgia"),)
    ),
    DemoUserSpec(
        "trainer", "Luis Ortega", (GrantSpec("metro-atlanta", Role.PROVIDER_STAFF, "Atlanta Technical College"),)
    ),
    DemoUserSpec(
        "funder",
        "Evelyn Park",
        (GrantSpec("metro-atlanta", Role.FUNDER, "Atlanta CareerRise", (ATLANTA_PARTNERSHIP,)),),
    ),
    # Platform operator: Django admin only, no membership in any workspace.
    DemoUserSpec("operator", "Jordan Lee", (), operator=True),
)


@dataclass(frozen=True)
class InvitationSpec:
    convener_slug: str
    local_part: str
    role: str
    organization: str = ""

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


DEMO_INVITATIONS: tuple[InvitationSpec, ...] = (
    InvitationSpec("metro-atlanta", "new.casemanager", Role.CASE_MANAGER, "Goodwill of North Georgia"),
    InvitationSpec(
        "region-4-indiana", "ivytech.instructor", Role.PROVIDER_STAFF, "Ivy Tech Community College Lafayette"
    ),
)


# ---------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------
@dataclass
class SeedContext:
    """What the steps have built so far, by natural key, and what they changed."""

    conveners: dict[str, Convener] = field(default_factory=dict)
    organizations: dict[tuple[str, str], Organization] = field(default_factory=dict)
    partnerships: dict[tuple[str, str], Partnership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)

    @property
    def admin(self) -> User:
        return self.users[f"admin@{DEMO_DOMAIN}"]


def _sync(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the fields that differ and save only those; the names of the changed fields."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return changed


def _audit_sync(ctx: SeedContext, convener: Convener, instance: models.Model, changed: list[str]) -> None:
    if changed:
        audit_record(
            convener=convener,
            actor=None,
            action=f"{instance._meta.model_name}.update",
            target=instance,
            source="seed",
            metadata={"fields": changed},
        )
        ctx.changes[f"{instance._meta.model_name} updated"] += 1


def seed_conveners(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        convener = Convener.objects.filter(slug=spec.slug).first()
        if convener is None:
            convener = services.convener_create(name=spec.name, slug=spec.slug, region=spec.region)
            ctx.changes["convener created"] += 1
        elif _sync(convener, {"name": spec.name, "region": spec.region, "is_active": True}):
            ctx.changes["convener updated"] += 1
        ctx.conveners[spec.slug] = convener


def seed_organizations(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        convener = ctx.conveners[spec.slug]
        for org in spec.organizations:
            organization = Organization.objects.for_convener(convener).filter(name=org.name).first()
            if organization is None:
                organization = services.organization_create(
                    convener=convener, actor=None, name=org.name, **org.fields()
                )
                ctx.changes["organization created"] += 1
            else:
                _audit_sync(ctx, convener, organization, _sync(organization, org.fields()))
            ctx.organizations[spec.slug, org.name] = organization


def seed_partnerships(ctx: SeedContext) -> None:
    for spec in CONVENERS:
        convener = ctx.conveners[spec.slug]
        for item in spec.partnerships:
            partnership = Partnership.objects.for_convener(convener).filter(name=item.name).first()
            if partnership is None:
                partnership = services.partnership_create(
                    convener=convener, actor=None, name=item.name, **item.fields()
                )
                ctx.changes["partnership created"] += 1
            else:
                _audit_sync(ctx, convener, partnership, _sync(partnership, item.fields()))
            ctx.partnerships[spec.slug, item.name] = partnership


def _verify_email(user: User) -> bool:
    """Mark the address verified and primary, so allauth's mandatory verification lets the user in."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return True
    return bool(_sync(address, {"verified": True, "primary": True}))


def seed_users(ctx: SeedContext) -> None:
    for spec in DEMO_USERS:
        wanted = {
            "full_name": spec.full_name,
            "is_active": True,
            "is_staff": spec.operator,
            "is_superuser": spec.operator,
        }
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            user = User.objects.create_user(email=spec.email, password=DEMO_PASSWORD, **wanted)
            ctx.changes["user created"] += 1
        else:
            changed = _sync(user, wanted)
            # Put the documented password back if someone changed it while trying the demo.
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                changed.append("password")
            if changed:
                ctx.changes["user updated"] += 1
        if _verify_email(user):
            ctx.changes["email address verified"] += 1
        ctx.users[spec.email] = user


def _membership_state(convener: Convener, user: User) -> tuple[Any, ...] | None:
    membership = Membership.objects.for_convener(convener).filter(user=user).first()
    if membership is None:
        return None
    partnership_ids = frozenset(membership.partnerships.values_list("pk", flat=True))
    return (membership.role, membership.organization_id, membership.is_active, partnership_ids)


def seed_memberships(ctx: SeedContext) -> None:
    for spec in DEMO_USERS:
        user = ctx.users[spec.email]
        for grant in spec.grants:
            convener = ctx.conveners[grant.convener_slug]
            before = _membership_state(convener, user)
            services.membership_grant(
                convener=convener,
                actor=None,
                user=user,
                role=grant.role,
                organization=ctx.organizations[grant.convener_slug, grant.organization] if grant.organization else None,
                partnerships=[ctx.partnerships[grant.convener_slug, name] for name in grant.partnerships],
            )
            if before is None:
                ctx.changes["membership created"] += 1
            elif before != _membership_state(convener, user):
                ctx.changes["membership updated"] += 1


def seed_invitations(ctx: SeedContext) -> None:
    """A pending invitation or two, so the People page shows one. Skipped while one is pending."""
    for spec in DEMO_INVITATIONS:
        convener = ctx.conveners[spec.convener_slug]
        pending = Invitation.objects.for_convener(convener).filter(
            email__iexact=spec.email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        member = Membership.objects.for_convener(convener).filter(user__email__iexact=spec.email).exists()
        if member or pending.exists():
            continue
        services.invitation_create(
            convener=convener,
            actor=ctx.admin,
            email=spec.email,
            role=spec.role,
            organization=ctx.organizations[spec.convener_slug, spec.organization] if spec.organization else None,
        )
        ctx.changes["invitation created"] += 1


Step = Callable[[SeedContext], None]

# In order. A later issue adds its demo rows by appending a step (e.g. councils, demand surveys, cohorts).
STEPS: list[Step] = [
    seed_conveners,
    seed_organizations,
    seed_partnerships,
    seed_users,
    seed_memberships,
    seed_invitations,
]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
def demo_logins() -> list[tuple[str, str, str, str]]:
    """(email, role, workspace, password) for every demo user, as printed after seeding."""
    names = {c.slug: c.name for c in CONVENERS}
    rows = []
    for spec in DEMO_USERS:
        if spec.operator:
            rows.append((spec.email, "Platform operator (superuser)", "Django admin at /admin/", DEMO_PASSWORD))
            continue
        roles = {Role(g.role).label for g in spec.grants}
        if len(spec.grants) > 1:
            workspace = f"all {len(spec.grants)} workspaces (picker)"
        else:
            grant = spec.grants[0]
            workspace = names[grant.convener_slug] + (f" · {grant.organization}" if grant.organization else "")
        rows.append((spec.email, ", ".join(sorted(roles)), workspace, DEMO_PASSWORD))
    return rows


class Command(BaseCommand):
    help = "Create or refresh the demo data (four partnerships) and a demo login for every role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing (errors still go to stderr).")

    def handle(self, *args: Any, quiet: bool = False, **options: Any) -> None:
        ctx = SeedContext()
        # Invitation emails would print through the console backend; the demo keeps them in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            for step in STEPS:
                step(ctx)
        if quiet:
            return
        self._print_summary(ctx)
        self._print_logins()

    def _print_summary(self, ctx: SeedContext) -> None:
        if ctx.changes:
            done = ", ".join(f"{what}: {count}" for what, count in sorted(ctx.changes.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data seeded: {done}."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins")
        self._print_table(("email", "role", "workspace", "password"), demo_logins())
        self.stdout.write("")
        self.stdout.write("Pending invitations (People page; resending one prints its email in the server console)")
        self._print_table(("email", "role", "workspace"), pending_demo_invitations())

    def _print_table(self, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))


def pending_demo_invitations() -> list[tuple[str, str, str]]:
    """(email, role label, workspace name) of the demo invitations still pending."""
    rows = []
    for convener in Convener.objects.filter(slug__in=[c.slug for c in CONVENERS]).order_by("name"):
        pending = Invitation.objects.for_convener(convener).filter(
            email__endswith=f"@{DEMO_DOMAIN}",
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        rows += [(invitation.email, invitation.get_role_display(), convener.name) for invitation in pending]
    return rows

"""Who may read or change which participant: the one place (DOMAIN.md §2, §6).

- Convener admins and staff: every participant of the tenant (each PII view audited).
- Case managers: the participants their organization owns, plus those with a *current* consent that names
  their organization; what they read of those is limited to the consented data categories. Revocation
  takes effect on the next request (consents are read per request, never cached).
- Training provider staff: the people on the rosters of their own programs' cohorts, through the roster only.
- Employer representatives: never a participant record; a graduate's name on a hosted cohort only with a
  current "employer interview" consent naming the employer (programs.selectors).
- Funders: no participant row, anywhere.

Role-level actions (PARTICIPANT_VIEW/MANAGE) are in partnerships.permissions; this module adds the
row-level rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from participants.models import Consent, Participant, current_consent_q
from partnerships.models import Convener, Membership
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES, Role

ALL_CATEGORIES = frozenset(Consent.CATEGORIES)


def visible_q(*, membership: Membership, today: date | None = None) -> Q:
    """Q over Participant for the rows the membership may list (readable_q on the Participant itself)."""
    return readable_q(membership=membership, path="", today=today)


@dataclass(frozen=True)
class Reading:
    """What one membership may read of one participant."""

    owner: bool  # convener staff, or the owning organization: everything, and may change the record
    categories: frozenset[str]
    consent_ids: tuple[int, ...] = ()

    def sees(self, category: str) -> bool:
        return self.owner or category in self.categories


def reading(*, convener: Convener, membership: Membership, participant: Participant,
            today: date | None = None) -> Reading | None:
    """None when the membership may not read this participant at all (``readings`` for one person)."""
    return readings(convener=convener, membership=membership, participants=[participant], today=today).get(
        participant.pk)


def readable_q(*, membership: Membership, category: str = "identity", path: str = "participant",
                today: date | None = None) -> Q:
    """Q over any model that reaches a participant through ``path`` (``participant``, ``placement__participant``):
    the rows of people the membership may read whose ``category`` it may see, exactly as ``reading`` decides one
    by one (the categories of all current consents naming the organization add up; identity is always needed)."""
    today = today or timezone.localdate()
    if membership.role in CONVENER_ROLES:
        return Q()
    if membership.role != Role.CASE_MANAGER or not membership.organization_id:
        return Q(pk__in=[])
    person = f"{path}__" if path else ""  # path "" means the Participant rows themselves
    within = f"{path}__in" if path else "pk__in"
    consents = Consent.objects.for_convener(membership.convener_id).filter(
        current_consent_q(today=today), recipients=membership.organization_id)
    consented = Q(**{within: consents.filter(share_identity=True).values("participant_id")})
    if category != "identity":
        consented &= Q(**{within: consents.filter(**{f"share_{category}": True}).values("participant_id")})
    return Q(**{f"{person}organization_id": membership.organization_id}) | consented


def caseload_q(*, membership: Membership, today: date | None = None) -> Q:
    """``visible_q`` with the consented people looked up now (one query, case managers only). When no one has
    consented to share with the organization, which is the common case, it is a plain ``organization_id = X``:
    PostgreSQL then reads the caseload in ``participant_by_org`` index order and counts it with an index-only
    scan, instead of testing every row of the workspace against the consent subquery (bench/suite.py: 150 ms
    for each count on a million-row tenant)."""
    if membership.role != Role.CASE_MANAGER or not membership.organization_id:
        return visible_q(membership=membership, today=today)
    today = today or timezone.localdate()
    consented = list(Consent.objects.for_convener(membership.convener_id)
                     .filter(current_consent_q(today=today), recipients=membership.organization_id, share_identity=True)
                     .exclude(participant__organization_id=membership.organization_id)
                     .values_list("participant_id", flat=True).distinct())
    own = Q(organization_id=membership.organization_id)
    return own | Q(pk__in=consented) if consented else own


def owned_q(*, membership: Membership, path: str = "participant") -> Q:
    """Q over rows of people whose record the membership keeps (convener staff, the owning organization): what
    only owners read, such as consents (naming one recipient to another would disclose who else is told)."""
    if membership.role in CONVENER_ROLES:
        return Q()
    if membership.role != Role.CASE_MANAGER or not membership.organization_id:
        return Q(pk__in=[])
    return Q(**{f"{path}__organization_id": membership.organization_id})


def readings(*, convener: Convener, membership: Membership, participants: list[Participant],
             today: date | None = None) -> dict[int, Reading]:
    """``reading`` for a page of people at once (one query for the consents, none for owners). People the
    membership may not read are left out."""
    if not can(membership, Action.PARTICIPANT_VIEW):
        return {}
    out: dict[int, Reading] = {}
    others: list[int] = []
    for person in participants:
        if person.convener_id != convener.pk:
            continue
        if membership.role in CONVENER_ROLES or (membership.role == Role.CASE_MANAGER
                                                 and membership.organization_id == person.organization_id):
            out[person.pk] = Reading(owner=True, categories=ALL_CATEGORIES)
        else:
            others.append(person.pk)
    if not others or membership.role != Role.CASE_MANAGER or not membership.organization_id:
        return out
    today = today or timezone.localdate()
    shared: dict[int, tuple[set[str], list[int]]] = {}
    rows = (Consent.objects.for_convener(convener)
            .filter(current_consent_q(today=today), participant__in=others, recipients=membership.organization_id)
            .values_list("participant_id", "pk", *(f"share_{c}" for c in Consent.CATEGORIES)).order_by("pk"))
    for participant_id, consent_id, *flags in rows:
        categories, ids = shared.setdefault(participant_id, (set(), []))
        categories.update(c for c, on in zip(Consent.CATEGORIES, flags, strict=True) if on)
        ids.append(consent_id)
    for participant_id, (categories, ids) in shared.items():
        if "identity" in categories:
            out[participant_id] = Reading(owner=False, categories=frozenset(categories), consent_ids=tuple(ids))
    return out


def require_manage(*, membership: Membership, convener: Convener) -> None:
    if membership.convener_id != convener.pk or not can(membership, Action.PARTICIPANT_MANAGE):
        raise PermissionDenied("Your role cannot create or change participant records.")


def require_owner(*, membership: Membership, participant: Participant, convener: Convener) -> None:
    """Changes to a record: convener staff, or the case managers of the owning organization."""
    require_manage(membership=membership, convener=convener)
    if participant.convener_id != convener.pk:
        raise PermissionDenied("No such participant.")
    if membership.role in CONVENER_ROLES:
        return
    if membership.organization_id != participant.organization_id:
        raise PermissionDenied("Only the organization that owns this record can change it.")


def require_note_writer(*, membership: Membership, participant: Participant, convener: Convener) -> None:
    """Notes: the owner, or a case manager whose organization a current coordination consent names."""
    try:
        require_owner(membership=membership, participant=participant, convener=convener)
    except PermissionDenied:
        read = reading(convener=convener, membership=membership, participant=participant)
        consents = Consent.objects.for_convener(convener).filter(pk__in=read.consent_ids if read else [],
                                                                 for_coordination=True)
        if read is None or not consents.exists():
            raise

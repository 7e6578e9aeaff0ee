"""Reads for councils, meetings, action items and engagement. Each takes the tenant and the caller's membership."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    Membership,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
    User,
)
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.selectors.core import partnership_list


def sees_contacts(membership: Membership) -> bool:
    """Funders see a partnership's profile and council mix, never names or contact details."""
    return membership.role != Role.FUNDER


def _seated_council_ids(*, convener: Convener, membership: Membership) -> QuerySet[CouncilSeat] | None:
    """None: every council (convener roles). Otherwise the councils where the member's organization sits."""
    if membership.role in CONVENER_ROLES:
        return None
    return (
        CouncilSeat.objects.for_convener(convener)
        .filter(organization_id=membership.organization_id, left_on__isnull=True)
        .values("council_id")
    )


# Chairs first, then co-chairs, lead partners, members.
SEAT_ROLE_ORDER = Case(
    *(When(seat_role=role, then=Value(rank)) for rank, role in enumerate(
        [CouncilSeat.SeatRole.CHAIR, CouncilSeat.SeatRole.CO_CHAIR, CouncilSeat.SeatRole.LEAD_PARTNER,
         CouncilSeat.SeatRole.MEMBER])),
    default=Value(9),
)


def council_list(
    *, convener: Convener, membership: Membership, partnership: Partnership | None = None
) -> QuerySet[Council]:
    """Councils the membership sees, with current seats, their organizations and representatives, in 3 queries.

    Convener roles: every council (of ``partnership`` when given). Partners: only the councils their organization
    holds a current seat on. Funders: none (they see the partnership profile and council mix only).
    """
    seats = (
        CouncilSeat.objects.for_convener(convener)
        .filter(left_on__isnull=True)
        .select_related("organization")
        .order_by(SEAT_ROLE_ORDER, "organization__name")
    )
    if sees_contacts(membership):
        seats = seats.prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.for_convener(convener).order_by("full_name"))
        )
    qs = (
        Council.objects.for_convener(convener)
        .select_related("partnership")
        .prefetch_related(Prefetch("seats", queryset=seats, to_attr="current_seats"))
        .order_by("partnership__name", "kind")
    )
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    seated = _seated_council_ids(convener=convener, membership=membership)
    if membership.role == Role.FUNDER:
        qs = qs.none()
    elif seated is not None:
        qs = qs.filter(pk__in=seated)
    return qs


def council_get(*, convener: Convener, membership: Membership, council_id: int) -> Council:
    council = council_list(convener=convener, membership=membership).filter(pk=council_id).first()
    if council is None:
        raise Http404("No such council")
    return council


def council_mix(*, convener: Convener, partnership: Partnership) -> dict[str, list[dict[str, object]]]:
    """At a glance: employers by size band, partners by type (current seats), one grouped query.

    Grouped by council kind, size band and type together: an organization has one size band and one type, so the
    distinct organizations of a (kind, band, type) group add up to the distinct organizations of each band or type.
    """
    size_labels = dict(Organization.SizeBand.choices)
    type_labels = dict(Organization._meta.get_field("org_type").choices)  # type: ignore[arg-type]
    groups = (
        CouncilSeat.objects.for_convener(convener)
        .filter(council__partnership=partnership, left_on__isnull=True,
                council__kind__in=[Council.Kind.INDUSTRY, Council.Kind.WORKFORCE])
        .values("council__kind", "organization__size_band", "organization__org_type")
        .annotate(count=Count("organization", distinct=True))
        .order_by()
    )
    by_size: dict[Any, int] = {}
    by_type: dict[Any, int] = {}
    for row in groups:
        if row["council__kind"] == Council.Kind.INDUSTRY:
            band = row["organization__size_band"]
            by_size[band] = by_size.get(band, 0) + row["count"]
        else:
            kind = row["organization__org_type"]
            by_type[kind] = by_type.get(kind, 0) + row["count"]
    return {
        "employers_by_size": [  # by band code, as the grouped query used to order them
            {"key": band or "unknown", "label": size_labels.get(band, "Size not recorded"), "count": n}
            for band, n in sorted(by_size.items(), key=lambda item: (item[0] is None, item[0] or ""))
        ],
        "partners_by_type": [
            {"key": kind, "label": type_labels.get(kind, ""), "count": n}
            for kind, n in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def goal_list(*, convener: Convener, partnership: Partnership) -> QuerySet[PartnershipGoal]:
    return PartnershipGoal.objects.for_convener(convener).filter(partnership=partnership)


def meeting_list(
    *, convener: Convener, membership: Membership, partnership: Partnership | None = None,
    council: Council | None = None, upcoming: bool | None = None,
) -> QuerySet[Meeting]:
    qs = (
        Meeting.objects.for_convener(convener)
        .select_related("council__partnership")
        .annotate(
            organizations_present=Count(
                "attendance__organization", filter=Q(attendance__present=True), distinct=True
            )
        )
        # Explicit: Meta.ordering is dropped from a GROUP BY query, which the annotation makes this one.
        .order_by("-starts_at", "-pk")
    )
    if partnership is not None:
        qs = qs.filter(council__partnership=partnership)
    if council is not None:
        qs = qs.filter(council=council)
    seated = _seated_council_ids(convener=convener, membership=membership)
    if seated is not None and membership.role != Role.FUNDER:
        qs = qs.filter(council_id__in=seated)
    elif membership.role == Role.FUNDER:
        qs = qs.none()
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(starts_at__gte=now, status=Meeting.Status.SCHEDULED).order_by("starts_at")
    elif upcoming is False:
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at")
    return qs


def meeting_get(*, convener: Convener, membership: Membership, meeting_id: int) -> Meeting:
    meeting = meeting_list(convener=convener, membership=membership).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_attendance(*, convener: Convener, meeting: Meeting) -> QuerySet[MeetingAttendance]:
    return (
        MeetingAttendance.objects.for_convener(convener)
        .filter(meeting=meeting)
        .select_related("organization", "representative")
        .order_by("organization__name", "representative__full_name")
    )


def meeting_seats(*, convener: Convener, meeting: Meeting) -> QuerySet[CouncilSeat]:
    """Seats on the meeting's council on the meeting date, with representatives: the attendance sheet."""
    day = timezone.localdate(meeting.starts_at)
    return (
        CouncilSeat.objects.for_convener(convener)
        .filter(council_id=meeting.council_id, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("organization")
        .prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.for_convener(convener).order_by("full_name"))
        )
        .order_by("organization__name")
    )


def action_item_list(
    *, convener: Convener, membership: Membership, partnership: Partnership | None = None,
    status: str | None = None, overdue: bool = False, meeting: Meeting | None = None, today: date | None = None,
) -> QuerySet[ActionItem]:
    qs = ActionItem.objects.for_convener(convener).select_related(
        "partnership", "meeting", "owner_representative__organization", "owner_user"
    )
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if membership.role == Role.FUNDER:
        qs = qs.none()
    elif membership.role not in CONVENER_ROLES:
        qs = qs.filter(partnership__in=_visible_partnership_ids(convener=convener, membership=membership))
    if status == "open":
        qs = qs.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
            due_on__lt=today or timezone.localdate(),
        )
    return qs.order_by("due_on", "id")


def _visible_partnership_ids(*, convener: Convener, membership: Membership) -> QuerySet[Partnership, Any]:
    return partnership_list(convener=convener, membership=membership).values("pk")


def action_item_get(*, convener: Convener, membership: Membership, action_item_id: int) -> ActionItem:
    item = action_item_list(convener=convener, membership=membership).filter(pk=action_item_id).first()
    if item is None:
        raise Http404("No such action item")
    return item


def representative_list(
    *, convener: Convener, organization: Organization | None = None, search: str | None = None
) -> QuerySet[Representative]:
    qs = Representative.objects.for_convener(convener).select_related("organization", "user")
    if organization is not None:
        qs = qs.filter(organization=organization)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return qs.order_by("full_name")


def representative_get(*, convener: Convener, representative_id: int) -> Representative:
    rep = representative_list(convener=convener).filter(pk=representative_id).first()
    if rep is None:
        raise Http404("No such representative")
    return rep


def seat_get(*, convener: Convener, seat_id: int) -> CouncilSeat:
    seat = (
        CouncilSeat.objects.for_convener(convener)
        .select_related("organization", "council__partnership")
        .prefetch_related("representatives")
        .filter(pk=seat_id)
        .first()
    )
    if seat is None:
        raise Http404("No such seat")
    return seat


def engagement_list(
    *, convener: Convener, partnership: Partnership | None = None, drifting: bool | None = None
) -> QuerySet[EmployerEngagement]:
    """Stored engagement of organizations on industry councils (recomputed by Celery, read here)."""
    qs = (
        EmployerEngagement.objects.for_convener(convener)
        .filter(council__kind=Council.Kind.INDUSTRY)
        .select_related("organization", "council__partnership")
    )
    if partnership is not None:
        qs = qs.filter(council__partnership=partnership)
    if drifting is not None:
        qs = qs.filter(is_drifting=drifting)
    return qs.order_by("-is_drifting", "attendance_rate", "organization__name")


def duplicate_candidates(*, convener: Convener, name: str, ein: str = "", exclude_id: int | None = None
                         ) -> QuerySet[Organization]:
    """Organizations that look like the one being typed: same normalized name, or same EIN."""
    from partnerships.services.directory import normalize_ein, normalize_organization_name

    key = normalize_organization_name(name)
    condition = Q(normalized_name=key) if key else Q(pk__in=[])
    if ein:
        condition |= Q(ein=normalize_ein(ein))
    qs = Organization.objects.for_convener(convener).filter(condition)
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def _count_per_partnership(qs: QuerySet[Any], partnership_path: str) -> Coalesce:
    """A correlated COUNT(*) of ``qs`` rows whose ``partnership_path`` is the outer partnership."""
    grouped = (
        qs.filter(**{partnership_path: OuterRef("pk")})
        .order_by()
        .values(partnership_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)


def partnerships_with_counts(*, convener: Convener, membership: Membership) -> QuerySet[Partnership]:
    """The partnerships of the dashboard, each with its council and follow-up counts: one query."""
    today = timezone.localdate()
    seats = CouncilSeat.objects.for_convener(convener).filter(left_on__isnull=True)
    open_items = ActionItem.objects.for_convener(convener).filter(
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
    return partnership_list(convener=convener, membership=membership).annotate(
        employer_count=_count_per_partnership(seats.filter(council__kind=Council.Kind.INDUSTRY),
                                              "council__partnership"),
        partner_count=_count_per_partnership(seats.filter(council__kind=Council.Kind.WORKFORCE),
                                             "council__partnership"),
        upcoming_count=_count_per_partnership(
            Meeting.objects.for_convener(convener).filter(starts_at__gte=timezone.now(),
                                                          status=Meeting.Status.SCHEDULED),
            "council__partnership"),
        overdue_count=_count_per_partnership(open_items.filter(due_on__lt=today), "partnership"),
        drifting_count=_count_per_partnership(
            EmployerEngagement.objects.for_convener(convener).filter(is_drifting=True,
                                                                     council__kind=Council.Kind.INDUSTRY),
            "council__partnership"),
    )




def own_attendance(*, convener: Convener, user: User, meeting_ids: list[int]) -> dict[int, bool]:
    """Whether ``user`` is recorded (as a representative) at each of the meetings."""
    return dict(
        MeetingAttendance.objects.for_convener(convener)
        .filter(meeting_id__in=meeting_ids, representative__user=user)
        .values_list("meeting_id", "present")
    )

"""Writes for councils: seats, meetings, attendance, action items, and the stored engagement figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from partnerships.audit import audit_record
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
    Representative,
    User,
)
from partnerships.roles import OrganizationType

# Which organization types may hold a seat on which council.
COUNCIL_ORGANIZATION_TYPES: dict[str, frozenset[str]] = {
    Council.Kind.INDUSTRY: frozenset({OrganizationType.EMPLOYER, OrganizationType.INDUSTRY_ASSOCIATION}),
    Council.Kind.WORKFORCE: frozenset(set(OrganizationType.values) - {OrganizationType.EMPLOYER}),
}

# Drift rules (DOMAIN.md: the convener's real worry). An employer is drifting when, over the window:
DRIFT_MIN_MEETINGS = 3  # ...at least this many meetings were held since it joined, and
DRIFT_ATTENDANCE_BELOW = Decimal("0.5")  # ...it attended fewer than half of them,
DRIFT_INACTIVE_DAYS = 120  # ...or nothing was heard from it for this long.


def _same_tenant(convener: Convener, *objects: Any) -> bool:
    return all(o is None or o.convener_id == convener.pk for o in objects)


# ---------------------------------------------------------------------------
# Seats
# ---------------------------------------------------------------------------
def council_seat_add(
    *,
    convener: Convener,
    actor: User | None,
    council: Council,
    organization: Organization,
    joined_on: date,
    seat_role: str = CouncilSeat.SeatRole.MEMBER,
    representatives: Iterable[Representative] = (),
) -> CouncilSeat:
    representatives = list(representatives)
    if not _same_tenant(convener, council):
        raise ValidationError("No such council.")
    errors: dict[str, list[str]] = {}
    if not _same_tenant(convener, organization):
        # The same words as for a missing organization: never confirm another tenant's row exists.
        errors["organization"] = ["Choose an organization of this workspace."]
    elif organization.org_type not in COUNCIL_ORGANIZATION_TYPES[council.kind]:
        errors["organization"] = [
            f"{organization.name} is a {organization.get_org_type_display().lower()}; the "
            f"{council.get_kind_display().lower()} seats "
            + ("employers and industry associations." if council.kind == Council.Kind.INDUSTRY
               else "workforce, education and human-services partners, not employers.")
        ]
    if seat_role not in CouncilSeat.SeatRole.values:
        errors["seat_role"] = ["Choose a seat role from the list."]
    if any(r.organization_id != organization.pk or not _same_tenant(convener, r) for r in representatives):
        errors["representatives"] = [f"Representatives must be people of {organization.name}."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if CouncilSeat.objects.for_convener(convener).filter(
            council=council, organization=organization, left_on__isnull=True
        ).exists():
            raise ValidationError({"organization": [f"{organization.name} already has a seat on this council."]})
        seat = CouncilSeat.objects.create(
            convener=convener, council=council, organization=organization, seat_role=seat_role, joined_on=joined_on
        )
        seat.representatives.set(representatives)
        audit_record(convener=convener, actor=actor, action="council.seat_add", target=seat,
                     metadata={"seat_role": seat_role})
        _refresh_engagement_after_commit(council)
    return seat


def council_seat_update(
    *,
    convener: Convener,
    actor: User | None,
    seat: CouncilSeat,
    seat_role: str,
    representatives: Iterable[Representative] = (),
    left_on: date | None = None,
) -> CouncilSeat:
    representatives = list(representatives)
    if not _same_tenant(convener, seat):
        raise ValidationError("No such seat.")
    errors: dict[str, list[str]] = {}
    if seat_role not in CouncilSeat.SeatRole.values:
        errors["seat_role"] = ["Choose a seat role from the list."]
    if any(r.organization_id != seat.organization_id for r in representatives):
        errors["representatives"] = [f"Representatives must be people of {seat.organization.name}."]
    if left_on is not None and left_on < seat.joined_on:
        errors["left_on"] = [f"The seat was taken on {seat.joined_on:%b %d, %Y}; it cannot end before that."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        seat.seat_role = seat_role
        seat.left_on = left_on
        seat.save(update_fields=["seat_role", "left_on"])
        seat.representatives.set(representatives)
        audit_record(convener=convener, actor=actor, action="council.seat_update", target=seat,
                     metadata={"seat_role": seat_role, "left_on": left_on.isoformat() if left_on else None})
        _refresh_engagement_after_commit(seat.council)
    return seat


# ---------------------------------------------------------------------------
# Meetings and attendance
# ---------------------------------------------------------------------------
MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_link", "agenda", "minutes", "decisions",
                  "status")


def _check_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = ["The meeting must end after it starts."]
    if meeting.starts_at and timezone.is_naive(meeting.starts_at):
        errors["starts_at"] = ["Give the start time with its time zone."]
    if errors:
        raise ValidationError(errors)


def meeting_schedule(
    *, convener: Convener, actor: User | None, council: Council, title: str, starts_at: datetime,
    ends_at: datetime | None = None, **fields: Any,
) -> Meeting:
    if not _same_tenant(convener, council):
        raise ValidationError("No such council.")
    meeting = Meeting(
        convener=convener, council=council, title=(title or "").strip(), starts_at=starts_at,
        ends_at=ends_at or (starts_at + timedelta(hours=1, minutes=30)), **fields,
    )
    _check_meeting(meeting)
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        audit_record(convener=convener, actor=actor, action="meeting.schedule", target=meeting)
    return meeting


def meeting_update(*, convener: Convener, actor: User | None, meeting: Meeting, **fields: Any) -> Meeting:
    if not _same_tenant(convener, meeting):
        raise ValidationError("No such meeting.")
    previous_start = meeting.starts_at
    for key, value in fields.items():
        if key not in MEETING_FIELDS:
            raise ValidationError(f"{key} cannot be changed here.")
        setattr(meeting, key, value)
    _check_meeting(meeting)
    meeting.full_clean()
    # Only the edited columns: a full save would write back a stale reminder_sent_at and undo the claim
    # of a reminder job running at the same moment (a double reminder). A rescheduled meeting is reminded
    # again, for its new time.
    update_fields = list(fields)
    if meeting.starts_at != previous_start:
        meeting.reminder_sent_at = None
        update_fields.append("reminder_sent_at")
    with transaction.atomic():
        meeting.save(update_fields=update_fields)
        audit_record(convener=convener, actor=actor, action="meeting.update", target=meeting,
                     metadata={"fields": sorted(fields)})
        _refresh_engagement_after_commit(meeting.council)
    return meeting


def _check_attendance_possible(meeting: Meeting) -> None:
    """Attendance exists only for meetings that took place: not before the start, never for a cancelled one."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"attendance": ["This meeting was cancelled; there is no attendance to record."]})
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            {"attendance": [f"This meeting starts {timezone.localtime(meeting.starts_at):%b %d, %Y at %H:%M}; "
                            "record attendance once it has begun."]}
        )


def meeting_record_attendance(
    *,
    convener: Convener,
    actor: User | None,
    meeting: Meeting,
    present_representatives: Iterable[Representative] = (),
    present_organizations: Iterable[Organization] = (),
) -> list[MeetingAttendance]:
    """Replace the meeting's attendance with who was there: people, and organizations with no named person.

    Only organizations seated on the meeting's council (on the meeting date) can be recorded. A meeting whose
    attendance is taken counts as held.
    """
    if not _same_tenant(convener, meeting):
        raise ValidationError("No such meeting.")
    _check_attendance_possible(meeting)
    representatives = list(present_representatives)
    organizations = list(present_organizations)
    day = timezone.localdate(meeting.starts_at)  # the meeting's local date, as on the attendance sheet
    seated_ids = set(
        CouncilSeat.objects.for_convener(convener)
        .filter(council=meeting.council_id, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("organization_id", flat=True)
    )
    strangers = [r.full_name for r in representatives if r.organization_id not in seated_ids
                 or not _same_tenant(convener, r)]
    strangers += [o.name for o in organizations if o.pk not in seated_ids or not _same_tenant(convener, o)]
    if strangers:
        raise ValidationError(
            {"attendance": ["Not seated on this council on the meeting date: " + ", ".join(sorted(strangers)) + "."]}
        )
    with transaction.atomic():
        MeetingAttendance.objects.for_convener(convener).filter(meeting=meeting).delete()
        rows = [
            MeetingAttendance(convener=convener, meeting=meeting, organization_id=r.organization_id,
                              representative=r, present=True, recorded_by=actor)
            for r in representatives
        ]
        with_person = {r.organization_id for r in representatives}
        rows += [
            MeetingAttendance(convener=convener, meeting=meeting, organization=o, present=True, recorded_by=actor)
            for o in organizations if o.pk not in with_person
        ]
        created = MeetingAttendance.objects.bulk_create(rows)
        if meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at <= timezone.now():
            meeting.status = Meeting.Status.HELD
            meeting.save(update_fields=["status"])
        organizations_present = len({r.organization_id for r in created})
        audit_record(convener=convener, actor=actor, action="meeting.attendance", target=meeting,
                     metadata={"people": len(representatives), "organizations": organizations_present})
        _refresh_engagement_after_commit(meeting.council)
    return created


def attendance_mark_own(
    *, convener: Convener, actor: User, membership: Membership, meeting: Meeting, present: bool
) -> MeetingAttendance | None:
    """An employer representative or case manager marks their own attendance."""
    if not _same_tenant(convener, meeting, membership):
        raise ValidationError("No such meeting.")
    _check_attendance_possible(meeting)
    organization = membership.organization
    if organization is None or not CouncilSeat.objects.for_convener(convener).filter(
        council=meeting.council_id, organization=organization, left_on__isnull=True
    ).exists():
        raise ValidationError("Your organization has no seat on this council.")
    representative = Representative.objects.for_convener(convener).filter(
        organization=organization, user=actor
    ).first()
    with transaction.atomic():
        if representative is None:
            representative = Representative.objects.create(
                convener=convener, organization=organization, full_name=actor.get_full_name(),
                email=actor.email, user=actor,
            )
        existing = MeetingAttendance.objects.for_convener(convener).filter(
            meeting=meeting, organization=organization, representative=representative
        )
        row = None
        if present:
            row, _ = existing.update_or_create(
                convener=convener, meeting=meeting, organization=organization, representative=representative,
                defaults={"present": True, "recorded_by": actor},
            )
        else:
            existing.delete()
        audit_record(convener=convener, actor=actor, action="meeting.attendance_self", target=meeting,
                     metadata={"present": present})
        _refresh_engagement_after_commit(meeting.council)
    return row


# ---------------------------------------------------------------------------
# Action items
# ---------------------------------------------------------------------------
def _check_action_item(convener: Convener, item: ActionItem) -> None:
    errors: dict[str, list[str]] = {}
    if item.meeting is not None:
        if not _same_tenant(convener, item.meeting) or item.meeting.council.partnership_id != item.partnership_id:
            errors["meeting"] = ["Choose a meeting of this partnership."]
        elif item.due_on and item.due_on < timezone.localdate(item.meeting.starts_at):
            errors["due_on"] = [
                f"The due date is before the meeting it came from ({item.meeting.starts_at:%b %d, %Y})."
            ]
    if item.owner_representative is not None and not _same_tenant(convener, item.owner_representative):
        errors["owner_representative"] = ["Choose a representative of this workspace."]
    if item.owner_user is not None and not Membership.objects.for_convener(convener).filter(
        user=item.owner_user, is_active=True
    ).exists():
        errors["owner_user"] = ["Choose a member of this workspace."]
    if item.status == ActionItem.Status.DONE and item.completed_on is None:
        item.completed_on = timezone.localdate()
    if item.status != ActionItem.Status.DONE:
        item.completed_on = None
    if errors:
        raise ValidationError(errors)


def action_item_create(
    *, convener: Convener, actor: User | None, partnership: Partnership, title: str, due_on: date,
    meeting: Meeting | None = None, owner_representative: Representative | None = None,
    owner_user: User | None = None, details: str = "",
) -> ActionItem:
    if not _same_tenant(convener, partnership):
        raise ValidationError("No such partnership.")
    item = ActionItem(
        convener=convener, partnership=partnership, meeting=meeting, title=(title or "").strip(), due_on=due_on,
        owner_representative=owner_representative, owner_user=owner_user, details=details,
    )
    item.full_clean(exclude=["meeting", "owner_representative", "owner_user"])
    _check_action_item(convener, item)
    with transaction.atomic():
        item.save()
        audit_record(convener=convener, actor=actor, action="action_item.create", target=item)
    return item


def action_item_update(*, convener: Convener, actor: User | None, item: ActionItem, **fields: Any) -> ActionItem:
    if not _same_tenant(convener, item):
        raise ValidationError("No such action item.")
    for key, value in fields.items():
        if key not in ("title", "details", "due_on", "status", "owner_representative", "owner_user"):
            raise ValidationError(f"{key} cannot be changed here.")
        setattr(item, key, value)
    item.full_clean(exclude=["meeting", "owner_representative", "owner_user"])
    _check_action_item(convener, item)
    with transaction.atomic():
        item.save()
        audit_record(convener=convener, actor=actor, action="action_item.update", target=item,
                     metadata={"fields": sorted(fields), "status": item.status})
    return item


# ---------------------------------------------------------------------------
# Engagement: computed in the database, stored, read by pages
# ---------------------------------------------------------------------------
def _refresh_engagement_after_commit(council: Council) -> None:
    from partnerships.tasks import engagement_refresh_council

    council_id, convener_id = council.pk, council.convener_id
    transaction.on_commit(lambda: engagement_refresh_council.delay(convener_id, council_id))


def engagement_refresh(*, convener: Convener, council: Council, today: date | None = None) -> list[EmployerEngagement]:
    """Recompute every currently seated organization's engagement on one council.

    Attendance rate = meetings attended / meetings held since the organization joined, over the council's last
    N held meetings (N = the partnership's engagement window). Last activity = the latest meeting it attended.
    """
    if not _same_tenant(convener, council):
        raise ValidationError("No such council.")
    today = today or timezone.localdate()
    window = council.partnership.engagement_window
    recent = list(
        Meeting.objects.for_convener(convener)
        .filter(council=council, status=Meeting.Status.HELD, starts_at__date__lte=today)
        .order_by("-starts_at")
        .values_list("pk", "starts_at")[:window]
    )
    recent_ids = [pk for pk, _ in recent]
    seats = (
        CouncilSeat.objects.for_convener(convener)
        .filter(council=council, left_on__isnull=True)
        .select_related("organization")
    )
    # One query: per seated organization, meetings attended in the window and the last meeting ever attended.
    attended = {
        row["organization_id"]: row
        for row in MeetingAttendance.objects.for_convener(convener)
        .filter(meeting__council=council, present=True)
        .values("organization_id")
        .annotate(
            in_window=Count("meeting", filter=Q(meeting_id__in=recent_ids), distinct=True),
            last_seen=Max("meeting__starts_at"),
        )
    }
    now = timezone.now()
    results = []
    with transaction.atomic():
        for seat in seats:
            considered = sum(1 for _, starts in recent if timezone.localdate(starts) >= seat.joined_on)
            row = attended.get(seat.organization_id, {})
            went = min(row.get("in_window", 0), considered)
            rate = (Decimal(went) / Decimal(considered)).quantize(Decimal("0.0001")) if considered else None
            last_seen = row.get("last_seen")
            last_activity = timezone.localdate(last_seen) if last_seen else None
            reasons = []
            if considered >= DRIFT_MIN_MEETINGS and rate is not None and rate < DRIFT_ATTENDANCE_BELOW:
                reasons.append(f"attended {went} of the last {considered} meetings")
            quiet_since = last_activity or seat.joined_on
            if considered >= DRIFT_MIN_MEETINGS and (today - quiet_since).days > DRIFT_INACTIVE_DAYS:
                reasons.append(f"no activity since {quiet_since:%b %d, %Y}")
            engagement, _ = EmployerEngagement.objects.for_convener(convener).update_or_create(
                convener=convener, council=council, organization=seat.organization,
                defaults={
                    "meetings_considered": considered, "meetings_attended": went, "attendance_rate": rate,
                    "last_activity_on": last_activity, "is_drifting": bool(reasons), "drift_reasons": reasons,
                    "computed_at": now,
                },
            )
            results.append(engagement)
        EmployerEngagement.objects.for_convener(convener).filter(council=council).exclude(
            organization_id__in=[s.organization_id for s in seats]
        ).delete()
    return results

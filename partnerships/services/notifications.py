"""Emails that Celery beat sends: meeting reminders (with the .ics attached) and the overdue action-item digest.

Both jobs are cross-tenant by design: they walk the conveners one by one and scope every query with
``.for_convener``. The emails carry council business only (meetings, agendas, action items), never
participant data.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships import rls
from partnerships.audit import audit_record
from partnerships.ics import meeting_ics
from partnerships.models import ActionItem, Convener, CouncilSeat, Meeting, Membership, Representative
from partnerships.roles import CONVENER_ROLES

logger = logging.getLogger(__name__)

OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


def reminder_lead() -> timedelta:
    """How long before a meeting its reminder goes out (setting MEETING_REMINDER_HOURS, default 24)."""
    return timedelta(hours=getattr(settings, "MEETING_REMINDER_HOURS", 24))


def _portal_url(name: str, **kwargs: Any) -> str:
    """An absolute link into the portal, for emails (sent by tasks, so there is no request to build it from)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _meeting_url(meeting: Meeting) -> str:
    return _portal_url("partnerships:meeting-detail", convener_slug=meeting.convener.slug, meeting_id=meeting.pk)


def _action_items_url(convener: Convener) -> str:
    return _portal_url("partnerships:action-item-list", convener_slug=convener.slug)


# ---------------------------------------------------------------------------
# Meeting reminders
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    email: str
    name: str


def _add(recipients: dict[str, Recipient], email: str, name: str) -> None:
    email = (email or "").strip()
    if email and email.lower() not in recipients:
        recipients[email.lower()] = Recipient(email=email, name=name)


def meeting_reminder_recipients(*, convener: Convener, meeting: Meeting) -> list[Recipient]:
    """Who is reminded: the people of the organizations currently seated on the meeting's council.

    That is the representatives named on each current seat (every active representative of the
    organization when the seat names nobody), plus the tenant's active members bound to those
    organizations. One entry per email address.
    """
    seats = list(
        CouncilSeat.objects.for_convener(convener)
        .filter(council_id=meeting.council_id, left_on__isnull=True)
        .prefetch_related("representatives")
        .order_by("organization__name")
    )
    seated_ids = [seat.organization_id for seat in seats]
    unnamed_ids = []
    recipients: dict[str, Recipient] = {}
    for seat in seats:
        named = [r for r in seat.representatives.all() if r.is_active]
        if not named:
            unnamed_ids.append(seat.organization_id)
        for representative in named:
            _add(recipients, representative.email, representative.full_name)
    for representative in (
        Representative.objects.for_convener(convener)
        .filter(organization_id__in=unnamed_ids, is_active=True)
        .exclude(email="")
        .order_by("full_name")
    ):
        _add(recipients, representative.email, representative.full_name)
    for membership in (
        Membership.objects.for_convener(convener)
        .filter(organization_id__in=seated_ids, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    ):
        _add(recipients, membership.user.email, membership.user.get_full_name())
    return list(recipients.values())


def _claim_reminder(*, convener: Convener, meeting_id: int, now: datetime) -> bool:
    """Mark the reminder as sent, if nobody has: a conditional UPDATE, so of two workers exactly one wins.

    On PostgreSQL the second worker's UPDATE waits on the first one's row lock, then re-checks the
    condition and matches nothing; SQLite serializes writers.
    """
    claimed = (
        Meeting.objects.for_convener(convener)
        .filter(pk=meeting_id, status=Meeting.Status.SCHEDULED, reminder_sent_at__isnull=True, starts_at__gt=now)
        .update(reminder_sent_at=now)
    )
    return claimed == 1


def _reminder_messages(*, meeting: Meeting, recipients: list[Recipient]) -> list[EmailMessage]:
    url = _meeting_url(meeting)
    ics = meeting_ics(meeting, url=url)
    filename = f"meeting-{meeting.starts_at:%Y-%m-%d}-{meeting.pk}.ics"
    messages = []
    for recipient in recipients:
        context = {
            "meeting": meeting,
            "council": meeting.council,
            "partnership": meeting.council.partnership,
            "convener": meeting.convener,
            "recipient": recipient,
            "meeting_url": url,
        }
        subject = " ".join(render_to_string("emails/meeting_reminder_subject.txt", context).split())
        body = render_to_string("emails/meeting_reminder_body.txt", context)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        message.attach(filename, ics, "text/calendar")
        messages.append(message)
    return messages


def meeting_reminder_send(*, convener: Convener, meeting_id: int, now: datetime) -> int:
    """Send one meeting's reminder if it is still due and unsent; the number of emails sent.

    Claim, render and send happen in one transaction: if sending fails, the claim is rolled back and the
    next run tries again; if another worker claimed first, nothing is sent.
    """
    with transaction.atomic():
        if not _claim_reminder(convener=convener, meeting_id=meeting_id, now=now):
            return 0
        meeting = (
            Meeting.objects.for_convener(convener)
            .select_related("convener", "council__partnership")
            .get(pk=meeting_id)
        )
        recipients = meeting_reminder_recipients(convener=convener, meeting=meeting)
        messages = _reminder_messages(meeting=meeting, recipients=recipients)
        sent = get_connection().send_messages(messages) if messages else 0
        audit_record(
            convener=convener, actor=None, action="meeting.reminder_sent", target=meeting, source="task",
            metadata={"recipients": len(recipients)},
        )
    return sent or 0


def meeting_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the council members of every scheduled meeting starting within the reminder lead (24 hours).

    Run every 15 minutes by Celery beat. Each reminder goes out once: a meeting is claimed by setting its
    ``reminder_sent_at``. Meetings that are cancelled, already started or further away are left alone.
    """
    now = now or timezone.now()
    until = now + reminder_lead()
    totals = {"meetings": 0, "emails": 0}
    for convener in rls.each_convener(Convener.objects.filter(is_active=True).order_by("pk")):
        due = list(
            Meeting.objects.for_convener(convener)
            .filter(status=Meeting.Status.SCHEDULED, reminder_sent_at__isnull=True, starts_at__gt=now,
                    starts_at__lte=until)
            .order_by("starts_at")
            .values_list("pk", flat=True)
        )
        for meeting_id in due:
            sent = meeting_reminder_send(convener=convener, meeting_id=meeting_id, now=now)
            if sent:
                totals["meetings"] += 1
                totals["emails"] += sent
    return totals


# ---------------------------------------------------------------------------
# Overdue action items
# ---------------------------------------------------------------------------
@dataclass
class OwnerDigest:
    email: str
    name: str
    items: list[ActionItem] = field(default_factory=list)


def _owner_address(item: ActionItem, active_member_ids: set[int]) -> tuple[str, str] | None:
    """Where an item's owner is reached: the owning user while still a member, else the representative."""
    user = item.owner_user
    if user is not None and user.is_active and user.email and user.pk in active_member_ids:
        return user.email, user.get_full_name()
    representative = item.owner_representative
    if representative is not None and representative.is_active and representative.email:
        return representative.email, representative.full_name
    return None


def overdue_action_items(*, convener: Convener, today: date) -> list[ActionItem]:
    """Open or in-progress action items of one convener whose due date has passed."""
    return list(
        ActionItem.objects.for_convener(convener)
        .filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .select_related("partnership", "meeting__council", "owner_user", "owner_representative__organization")
        .order_by("partnership__name", "due_on", "pk")
    )


def _digest_messages(
    *, convener: Convener, today: date, items: list[ActionItem]
) -> tuple[list[EmailMessage], int]:
    active_member_ids = set(
        Membership.objects.for_convener(convener).filter(is_active=True).values_list("user_id", flat=True)
    )
    owners: dict[str, OwnerDigest] = {}
    unreachable = []
    for item in items:
        item.days_overdue = (today - item.due_on).days  # type: ignore[attr-defined]
        address = _owner_address(item, active_member_ids)
        if address is None:
            unreachable.append(item)
            continue
        email, name = address
        owners.setdefault(email.lower(), OwnerDigest(email=email, name=name)).items.append(item)
    url = _action_items_url(convener)
    messages = []
    for owner in owners.values():
        context = {"convener": convener, "owner": owner, "items": owner.items, "today": today, "action_items_url": url}
        subject = " ".join(render_to_string("emails/action_items_digest_subject.txt", context).split())
        body = render_to_string("emails/action_items_digest_body.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email]))
    by_partnership: dict[str, list[ActionItem]] = defaultdict(list)
    for item in items:
        by_partnership[item.partnership.name].append(item)
    staff = (
        Membership.objects.for_convener(convener)
        .filter(role__in=CONVENER_ROLES, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in staff:
        context = {
            "convener": convener, "recipient": membership.user, "today": today, "items": items,
            "by_partnership": sorted(by_partnership.items()), "owner_count": len(owners),
            "unreachable": unreachable, "action_items_url": url,
        }
        subject = " ".join(render_to_string("emails/action_items_digest_summary_subject.txt", context).split())
        body = render_to_string("emails/action_items_digest_summary_body.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    return messages, len(owners)


def action_items_overdue_digest(*, today: date | None = None) -> dict[str, int]:
    """Daily: per convener, one email per owner listing their overdue open action items, and one summary
    to each convener admin and staff member. Nothing is sent to a convener with nothing overdue.

    A convener's digest goes out at most once per day (a cache key taken before sending, so a redelivered
    task or a second beat does not send it twice; it is released again if sending fails).
    """
    today = today or timezone.localdate()
    totals = {"conveners": 0, "owners": 0, "emails": 0, "items": 0}
    for convener in rls.each_convener(Convener.objects.filter(is_active=True).order_by("pk")):
        items = overdue_action_items(convener=convener, today=today)
        if not items:
            continue
        guard = f"action-items-digest:{convener.pk}:{today.isoformat()}"
        if not cache.add(guard, "sent", timeout=60 * 60 * 36):
            logger.info("Overdue digest of %s for %s already sent; skipped", convener.slug, today)
            continue
        try:
            messages, owners = _digest_messages(convener=convener, today=today, items=items)
            sent = get_connection().send_messages(messages) or 0
        except Exception:
            cache.delete(guard)
            raise
        audit_record(
            convener=convener, actor=None, action="action_item.digest_sent", source="task",
            metadata={"date": today.isoformat(), "items": len(items), "owners": owners, "emails": sent},
        )
        totals["conveners"] += 1
        totals["owners"] += owners
        totals["emails"] += sent
        totals["items"] += len(items)
    return totals


__all__ = [
    "Recipient",
    "action_items_overdue_digest",
    "meeting_reminder_recipients",
    "meeting_reminder_send",
    "meeting_reminders_send",
    "overdue_action_items",
    "reminder_lead",
]

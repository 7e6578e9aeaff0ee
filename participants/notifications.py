"""Retention-check reminders: each case manager gets one email a day listing the checks due or overdue on their
caseload. The email names people by their public id only (no names, no PII in the mailbox) and links to the
record; a check is reminded again at most once a week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from participants.models import RetentionCheck
from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import Convener, User

REMIND_AGAIN_AFTER_DAYS = 7


def retention_reminders_send(*, today: date) -> int:
    sent = 0
    connection = get_connection()
    for convener in rls.each_convener(Convener.objects.filter(is_active=True)):
        due = list(
            RetentionCheck.objects.for_convener(convener)
            .filter(checked_on__isnull=True, due_on__lte=today,
                    placement__participant__case_manager__isnull=False,
                    placement__participant__case_manager__is_active=True)
            .filter(Q(reminded_at__isnull=True)
                    | Q(reminded_at__lt=timezone.now() - timedelta(days=REMIND_AGAIN_AFTER_DAYS)))
            .select_related("placement__participant__case_manager").order_by("due_on")
        )
        by_manager: dict[User, list[RetentionCheck]] = defaultdict(list)
        for check in due:
            by_manager[check.placement.participant.case_manager].append(check)  # type: ignore[index]
        for manager, checks in by_manager.items():
            rows = [{"public_id": c.placement.participant.public_id, "day": c.milestone_days, "due_on": c.due_on,
                     "overdue_days": (today - c.due_on).days,
                     "url": settings.SITE_URL.rstrip("/") + reverse(
                         "participants:record",
                         kwargs={"convener_slug": convener.slug, "participant_id": c.placement.participant_id})}
                    for c in checks]
            context = {"convener": convener, "manager": manager, "rows": rows, "today": today}
            message = EmailMessage(
                subject=render_to_string("emails/retention_checks_subject.txt", context).strip(),
                body=render_to_string("emails/retention_checks_body.txt", context),
                to=[manager.email], connection=connection,
            )
            with transaction.atomic():
                message.send()
                RetentionCheck.objects.for_convener(convener).filter(pk__in=[c.pk for c in checks]).update(
                    reminded_at=timezone.now())
                audit_record(convener=convener, actor=None, action="retention.reminder", source="task",
                             metadata={"to": manager.email, "checks": [c.pk for c in checks]})
            sent += 1
    return sent

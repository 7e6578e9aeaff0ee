"""Retention-check reminders: one email per case manager listing their due checks by public id (no names),
not repeated within a week; and the nightly exit rule task."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from participants import services
from participants.models import RetentionCheck
from participants.notifications import retention_reminders_send
from participants.tasks import exits_derive_all
from tests.oews import load_oews_extract
from tests.participants.conftest import Agency, intake


def test_due_checks_are_reminded_once_by_public_id(agency: Agency) -> None:
    load_oews_extract()
    person = intake(agency)
    today = timezone.localdate()
    services.placement_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                              participant=person, employer=agency.employer, occupation="37-2011",
                              start_date=today - timedelta(days=95), hourly_wage="16.50", hours_per_week=40)
    assert retention_reminders_send(today=today) == 1
    message = mail.outbox[-1]
    assert message.to == [agency.cm.user.email]
    assert person.public_id in message.body and "day 90 check" in message.body
    assert "Dana" not in message.body and "Whitfield" not in message.body and "Dana" not in message.subject
    assert RetentionCheck.objects.for_convener(agency.convener).filter(reminded_at__isnull=False).count() == 1
    assert retention_reminders_send(today=today) == 0  # not again the same week


def test_the_nightly_task_applies_the_exit_rule(agency: Agency) -> None:
    person = intake(agency)
    services.stream_enroll(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                           stream="wioa_adult", entry_date=timezone.localdate() - timedelta(days=120))
    assert exits_derive_all.apply().get() == 1
    person.refresh_from_db()
    assert person.status == "exited"

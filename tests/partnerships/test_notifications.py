"""Meeting reminders and the overdue action-item digest: who gets what, once, and never across tenants.

Time is passed in (``now``, ``today``); nothing here reads the machine's clock or sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from partnerships import services, tasks
from partnerships.models import ActionItem, AuditEvent, Council, Meeting, Organization, Representative
from partnerships.roles import OrganizationType, Role
from partnerships.services.notifications import (
    action_items_overdue_digest,
    meeting_reminder_send,
    meeting_reminders_send,
)
from tests.conftest import TenantSide, clear_cache
from tests.factories import OrganizationFactory

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()
JOINED = date(2025, 1, 6)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The digest's once-a-day guard lives in the cache; each test starts without one."""
    clear_cache()
    yield
    clear_cache()


@dataclass
class Councils:
    side: TenantSide
    industry: Council
    workforce: Council
    employer: Organization
    rep: Representative
    rep_without_email: Representative
    outsider: Representative
    former: Representative


def build_councils(side: TenantSide) -> Councils:
    """The councils of the side's second partnership (the world leaves them empty): its employer seated on
    the industry council with two named reps (one without an email), an employer never seated and one
    whose seat ended, each with a rep who must not be emailed."""
    convener, admin, m = side.convener, side.admin, side.marker
    low = m.lower()
    councils = {
        c.kind: c
        for c in Council.objects.for_convener(convener).filter(partnership=side.other_partnership)
    }
    employer = side.orgs[OrganizationType.EMPLOYER]
    rep = services.representative_create(
        convener=convener, actor=admin, organization=employer, full_name=f"{m} Hospital Chair",
        email=f"chair@{low}-hospital.example",
    )
    rep_without_email = services.representative_create(
        convener=convener, actor=admin, organization=employer, full_name=f"{m} Phone Only", phone="555-0100"
    )
    services.council_seat_add(
        convener=convener, actor=admin, council=councils[Council.Kind.INDUSTRY], organization=employer,
        joined_on=JOINED, seat_role="chair", representatives=[rep, rep_without_email],
    )
    unseated = OrganizationFactory(convener=convener, name=f"{m} Unseated Foundry", actor=admin)
    outsider = services.representative_create(
        convener=convener, actor=admin, organization=unseated, full_name=f"{m} Outsider",
        email=f"outsider@{low}-foundry.example",
    )
    gone = OrganizationFactory(convener=convener, name=f"{m} Former Member Mill", actor=admin)
    former = services.representative_create(
        convener=convener, actor=admin, organization=gone, full_name=f"{m} Former", email=f"former@{low}-mill.example"
    )
    seat = services.council_seat_add(
        convener=convener, actor=admin, council=councils[Council.Kind.INDUSTRY], organization=gone,
        joined_on=JOINED, representatives=[former],
    )
    services.council_seat_update(
        convener=convener, actor=admin, seat=seat, seat_role=seat.seat_role, representatives=[former],
        left_on=date(2025, 12, 31),
    )
    return Councils(side, councils[Council.Kind.INDUSTRY], councils[Council.Kind.WORKFORCE], employer, rep,
                    rep_without_email, outsider, former)


def schedule(c: Councils, *, title: str, starts_at: datetime, council: Council | None = None, **fields) -> Meeting:
    return services.meeting_schedule(
        convener=c.side.convener, actor=c.side.admin, council=council or c.industry, title=title,
        starts_at=starts_at, agenda="1. Hiring outlook\n2. Cohort update", **fields,
    )


@pytest.fixture
def alpha(world) -> Councils:
    councils = build_councils(world.a)
    mail.outbox.clear()  # the world's invitation emails
    return councils


@pytest.fixture
def beta(world) -> Councils:
    councils = build_councils(world.b)
    mail.outbox.clear()
    return councils


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# ---------------------------------------------------------------------------------------------------
# Meeting reminders
# ---------------------------------------------------------------------------------------------------
def test_a_reminder_goes_once_to_each_person_of_the_seated_organizations_with_the_ics_attached(alpha):
    meeting = schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))

    result = meeting_reminders_send(now=NOW)

    employer_rep_user = alpha.side.users[Role.EMPLOYER_REP]  # a member bound to the seated employer
    assert recipients() == sorted([alpha.rep.email, employer_rep_user.email])
    assert result == {"meetings": 1, "emails": 2}
    for message in mail.outbox:
        assert len(message.to) == 1, "one email per recipient: nobody sees the others' addresses"
        assert "Alpha industry council" in message.subject
        assert "1. Hiring outlook" in message.body
        assert f"/c/alpha/meetings/{meeting.pk}/" in message.body
        [(filename, content, mimetype)] = message.attachments
        assert filename.endswith(".ics")
        assert mimetype == "text/calendar"
        assert "BEGIN:VCALENDAR" in content
        assert "SUMMARY:Alpha industry council" in content
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at == NOW
    assert AuditEvent.objects.for_convener(alpha.side.convener).filter(
        action="meeting.reminder_sent", target_id=str(meeting.pk)
    ).count() == 1

    mail.outbox.clear()
    assert meeting_reminders_send(now=NOW + timedelta(minutes=15)) == {"meetings": 0, "emails": 0}
    assert mail.outbox == []


def test_people_of_unseated_or_former_member_organizations_get_no_reminder(alpha):
    schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=3))

    meeting_reminders_send(now=NOW)

    sent_to = recipients()
    assert alpha.outsider.email not in sent_to
    assert alpha.former.email not in sent_to
    assert alpha.side.users[Role.CASE_MANAGER].email not in sent_to, "the case manager's organization has no seat"
    assert alpha.side.admin.email not in sent_to


def test_a_seat_that_names_nobody_reminds_every_active_contact_of_the_organization(alpha):
    convener, admin = alpha.side.convener, alpha.side.admin
    college = alpha.side.orgs[OrganizationType.COLLEGE]
    dean = services.representative_create(
        convener=convener, actor=admin, organization=college, full_name="Alpha Dean", email="dean@alpha-cc.example"
    )
    services.representative_create(
        convener=convener, actor=admin, organization=college, full_name="Alpha Retired", email="old@alpha-cc.example",
        is_active=False,
    )
    services.council_seat_add(
        convener=convener, actor=admin, council=alpha.workforce, organization=college, joined_on=JOINED
    )
    schedule(alpha, title="Alpha workforce council", starts_at=NOW + timedelta(hours=20), council=alpha.workforce)

    meeting_reminders_send(now=NOW)

    trainer = alpha.side.users[Role.PROVIDER_STAFF]  # bound to the college
    contacts = Representative.objects.for_convener(convener).filter(organization=college, is_active=True)
    assert dean.email in recipients()
    assert "old@alpha-cc.example" not in recipients()
    assert recipients() == sorted({*contacts.exclude(email="").values_list("email", flat=True), trainer.email})


def test_cancelled_started_and_far_off_meetings_get_no_reminder(alpha):
    cancelled = schedule(alpha, title="Alpha cancelled", starts_at=NOW + timedelta(hours=2))
    services.meeting_update(convener=alpha.side.convener, actor=alpha.side.admin, meeting=cancelled,
                            status=Meeting.Status.CANCELLED)
    started = schedule(alpha, title="Alpha started", starts_at=NOW - timedelta(minutes=10))
    far = schedule(alpha, title="Alpha next week", starts_at=NOW + timedelta(hours=24, minutes=1))
    edge = schedule(alpha, title="Alpha tomorrow", starts_at=NOW + timedelta(hours=24))

    result = meeting_reminders_send(now=NOW)

    assert result["meetings"] == 1
    assert {message.subject.split(" · ")[0] for message in mail.outbox} == {"Reminder: Alpha tomorrow"}
    for meeting in (cancelled, started, far):
        meeting.refresh_from_db()
        assert meeting.reminder_sent_at is None
    edge.refresh_from_db()
    assert edge.reminder_sent_at == NOW


def test_the_reminder_lead_comes_from_the_setting(alpha, settings):
    settings.MEETING_REMINDER_HOURS = 48
    schedule(alpha, title="Alpha in two days", starts_at=NOW + timedelta(hours=47))

    assert meeting_reminders_send(now=NOW)["meetings"] == 1


def test_a_meeting_another_worker_already_claimed_is_not_sent_again(alpha):
    meeting = schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))

    first = meeting_reminder_send(convener=alpha.side.convener, meeting_id=meeting.pk, now=NOW)
    second = meeting_reminder_send(convener=alpha.side.convener, meeting_id=meeting.pk, now=NOW)

    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2


def test_a_rescheduled_meeting_is_reminded_again_for_its_new_time(alpha):
    meeting = schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))
    meeting_reminders_send(now=NOW)
    mail.outbox.clear()

    services.meeting_update(convener=alpha.side.convener, actor=alpha.side.admin, meeting=meeting,
                            starts_at=NOW + timedelta(hours=8), ends_at=NOW + timedelta(hours=9))
    meeting_reminders_send(now=NOW + timedelta(minutes=15))

    assert len(mail.outbox) == 2
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at == NOW + timedelta(minutes=15)


def test_editing_the_agenda_does_not_send_the_reminder_again(alpha):
    meeting = schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))
    meeting_reminders_send(now=NOW)
    mail.outbox.clear()

    services.meeting_update(convener=alpha.side.convener, actor=alpha.side.admin, meeting=meeting,
                            agenda="1. Hiring outlook (moved up)")
    meeting_reminders_send(now=NOW + timedelta(minutes=15))

    assert mail.outbox == []


def test_reminders_stay_within_their_tenant(alpha, beta):
    schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))
    schedule(beta, title="Beta industry council", starts_at=NOW + timedelta(hours=7))

    assert meeting_reminders_send(now=NOW) == {"meetings": 2, "emails": 4}

    for message in mail.outbox:
        marker = "alpha" if "Alpha" in message.subject else "beta"
        other = "beta" if marker == "alpha" else "alpha"
        assert marker in message.to[0]
        assert other not in message.body.lower()
        assert other not in message.attachments[0][1].lower()


def test_the_reminder_task_takes_an_iso_moment_and_refuses_one_without_an_offset(alpha):
    schedule(alpha, title="Alpha industry council", starts_at=NOW + timedelta(hours=6))

    assert tasks.meeting_reminders_send.delay(NOW.isoformat()).get() == {"meetings": 1, "emails": 2}
    with pytest.raises(ValueError, match="UTC offset"):
        tasks.meeting_reminders_send("2026-03-09T12:00:00")


# ---------------------------------------------------------------------------------------------------
# Overdue action-item digest
# ---------------------------------------------------------------------------------------------------
def action_item(c: Councils, title: str, due_on: date, status: str = ActionItem.Status.OPEN, **owner) -> ActionItem:
    convener, admin = c.side.convener, c.side.admin
    item = services.action_item_create(convener=convener, actor=admin, partnership=c.side.other_partnership,
                                       title=title, due_on=due_on, **owner)
    if status != ActionItem.Status.OPEN:
        services.action_item_update(convener=convener, actor=admin, item=item, status=status)
    return item


def close_open_items(side: TenantSide) -> None:
    """The world's own follow-ups are long past due; close them so each test says exactly what is overdue."""
    for item in ActionItem.objects.for_convener(side.convener).exclude(status__in=["done", "cancelled"]):
        services.action_item_update(convener=side.convener, actor=side.admin, item=item, status="done")


@pytest.fixture
def overdue_world(alpha, beta) -> Councils:
    """Alpha: two overdue items of the hospital chair, one of the staff member, one unassigned, and items that
    are not overdue (done, cancelled, due today, due later). Beta: one overdue item of its own."""
    close_open_items(alpha.side)
    close_open_items(beta.side)
    staff = alpha.side.users[Role.CONVENER_STAFF]
    late = TODAY - timedelta(days=3)
    action_item(alpha, "Alpha share hiring projections", late, owner_representative=alpha.rep)
    action_item(alpha, "Alpha confirm hospital-day hosts", TODAY - timedelta(days=20), ActionItem.Status.IN_PROGRESS,
                owner_representative=alpha.rep)
    action_item(alpha, "Alpha send screening checklist", late, ActionItem.Status.DONE, owner_representative=alpha.rep)
    action_item(alpha, "Alpha dropped idea", late, ActionItem.Status.CANCELLED, owner_representative=alpha.rep)
    action_item(alpha, "Alpha due today", TODAY, owner_representative=alpha.rep)
    action_item(alpha, "Alpha due next month", TODAY + timedelta(days=30), owner_representative=alpha.rep)
    action_item(alpha, "Alpha book the room", late, owner_user=staff)
    action_item(alpha, "Alpha nobody's job", late)
    action_item(beta, "Beta overdue item", late, owner_representative=beta.rep)
    return alpha


def messages_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def test_each_owner_gets_one_digest_listing_only_their_overdue_open_items(overdue_world):
    alpha = overdue_world

    action_items_overdue_digest(today=TODAY)

    [digest] = messages_to(alpha.rep.email)
    assert "2 overdue action items" in digest.subject
    assert "Alpha share hiring projections" in digest.body
    assert "Alpha confirm hospital-day hosts" in digest.body
    for not_overdue in ("screening checklist", "dropped idea", "due today", "due next month", "book the room"):
        assert not_overdue not in digest.body
    assert "(20 days ago)" in digest.body


def test_an_owning_user_gets_their_list_and_admins_and_staff_get_the_summary(overdue_world):
    alpha = overdue_world
    staff, admin = alpha.side.users[Role.CONVENER_STAFF], alpha.side.admin

    result = action_items_overdue_digest(today=TODAY)

    to_staff = messages_to(staff.email)
    [summary] = [m for m in to_staff if m.subject.startswith("Overdue action items:")]
    [owner_list] = [m for m in to_staff if m is not summary]
    assert "Alpha book the room" in owner_list.body
    assert "Alpha share hiring projections" not in owner_list.body
    [admin_summary] = messages_to(admin.email)
    for message in (summary, admin_summary):
        assert message.subject.startswith("Overdue action items: 4 across 1 partnership")
        for title in ("share hiring projections", "confirm hospital-day hosts", "book the room", "nobody's job"):
            assert f"Alpha {title}" in message.body
        assert "no owner with an email address" in message.body
        assert "screening checklist" not in message.body
    # Alpha: 2 owners + admin and staff summaries; Beta: 1 owner + its admin and staff summaries.
    assert result == {"conveners": 2, "owners": 3, "emails": 7, "items": 5}


def test_the_digest_never_mixes_tenants(overdue_world):
    action_items_overdue_digest(today=TODAY)

    for message in mail.outbox:
        marker = "alpha" if "alpha" in message.to[0] else "beta"
        other = "Beta" if marker == "alpha" else "Alpha"
        assert other not in message.body, f"{message.to[0]} saw {other}'s action items"


def test_the_digest_goes_out_once_a_day(overdue_world):
    action_items_overdue_digest(today=TODAY)
    sent = len(mail.outbox)

    assert action_items_overdue_digest(today=TODAY)["emails"] == 0
    assert len(mail.outbox) == sent
    assert action_items_overdue_digest(today=TODAY + timedelta(days=1))["emails"] == sent


def test_nothing_is_sent_when_nothing_is_overdue(alpha, beta):
    close_open_items(alpha.side)
    close_open_items(beta.side)
    action_item(alpha, "Alpha due next week", TODAY + timedelta(days=7), owner_representative=alpha.rep)

    assert action_items_overdue_digest(today=TODAY) == {"conveners": 0, "owners": 0, "emails": 0, "items": 0}
    assert mail.outbox == []


def test_the_digest_task_takes_an_iso_date(overdue_world):
    assert tasks.action_items_overdue_digest.delay(TODAY.isoformat()).get()["items"] == 5


# ---------------------------------------------------------------------------------------------------
# Beat schedule
# ---------------------------------------------------------------------------------------------------
def test_beat_runs_reminders_every_quarter_hour_the_digest_at_seven_and_engagement_at_half_past_two():
    from config.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert schedule["partnerships.meeting_reminders_send"] == crontab(minute="*/15")
    assert schedule["partnerships.action_items_overdue_digest"] == crontab(hour=7, minute=0)
    assert schedule["partnerships.engagement_refresh_all"] == crontab(hour=2, minute=30)
    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks), "every scheduled task name must be a registered task"

"""Survey reminders (Celery beat, daily): only invited employers that have not answered an open survey,
once per ``reminder_every_days``. Every call passes ``today``; nothing reads the clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from employers.models import SurveyInvitation
from employers.notifications import survey_reminder_recipients, survey_reminder_send, survey_reminders_send
from employers.services import survey_open
from partnerships.models import Council, Organization
from partnerships.roles import OrganizationType, Role
from tests.factories import CouncilSeatFactory, OrganizationFactory, RepresentativeFactory, council_of

pytestmark = pytest.mark.django_db

OPENS = date(2027, 1, 4)
CLOSES = date(2027, 2, 12)
QUARTERS = ["2027Q2", "2027Q3", "2027Q4", "2028Q1"]


@pytest.fixture
def setup(world):
    """Side A's granted partnership: two seated employers; the hospital answered, the plant did not."""
    side = world.a
    admin = side.admin
    partnership = side.granted_partnership
    plant: Organization = OrganizationFactory(convener=side.convener, org_type=OrganizationType.EMPLOYER,
                                name="A Precision Plant", actor=admin)
    foreman = RepresentativeFactory(organization=plant, full_name="A Pat Foreman", email="pat@plant.example",
                                    actor=admin)
    RepresentativeFactory(organization=plant, full_name="A Former Contact", email="gone@plant.example",
                          is_active=False, actor=admin)
    CouncilSeatFactory(council=council_of(partnership, Council.Kind.INDUSTRY), organization=plant,
                       representatives=[foreman], actor=admin)
    survey = survey_open(convener=side.convener, actor=admin, partnership=partnership, title="Demand plan 2027",
                         opens_on=OPENS, closes_on=CLOSES, quarters=QUARTERS, reminder_every_days=7)
    hospital = side.orgs[OrganizationType.EMPLOYER]
    invitations = SurveyInvitation.objects.for_convener(side.convener).filter(survey=survey)
    assert {i.organization_id for i in invitations} == {hospital.pk, plant.pk}
    invitations.filter(organization=hospital).update(responded_at=timezone.now())
    mail.outbox.clear()
    return side, survey, plant, hospital


def invitation(side, survey, org) -> SurveyInvitation:
    return SurveyInvitation.objects.for_convener(side.convener).get(survey=survey, organization=org)


def test_a_non_responder_is_reminded_once_after_the_cadence_and_a_responder_never(setup):
    side, survey, plant, hospital = setup
    assert survey_reminders_send(today=OPENS + timedelta(days=6)) == {"employers": 0, "emails": 0}

    totals = survey_reminders_send(today=OPENS + timedelta(days=7))

    assert totals == {"employers": 1, "emails": 1}
    assert [m.to for m in mail.outbox] == [["pat@plant.example"]]
    message = mail.outbox[0]
    assert "Demand plan 2027" in message.body
    assert "A Precision Plant" in message.body
    assert "Feb 12" in message.subject
    reminded = invitation(side, survey, plant)
    assert reminded.reminders_sent == 1
    assert reminded.last_reminded_at is not None
    assert invitation(side, survey, hospital).reminders_sent == 0


def test_the_same_day_twice_sends_nothing_more_and_the_next_reminder_waits_for_the_cadence(setup):
    side, survey, plant, _ = setup
    first = OPENS + timedelta(days=7)
    survey_reminders_send(today=first)
    survey_reminders_send(today=first)
    survey_reminders_send(today=first + timedelta(days=6))
    assert len(mail.outbox) == 1

    survey_reminders_send(today=first + timedelta(days=7))
    assert len(mail.outbox) == 2
    assert invitation(side, survey, plant).reminders_sent == 2


def test_two_workers_claiming_the_same_invitation_send_once(setup):
    side, survey, plant, _ = setup
    today = OPENS + timedelta(days=7)
    now = timezone.make_aware(datetime.combine(today, time(8, 0)))
    pk = invitation(side, survey, plant).pk
    sent = [survey_reminder_send(convener=side.convener, invitation_id=pk, today=today, now=now) for _ in range(2)]
    assert sent == [1, 0]
    assert invitation(side, survey, plant).reminders_sent == 1


def test_no_reminder_for_a_closed_survey_or_after_the_employer_answers(setup):
    side, survey, plant, _ = setup
    assert survey_reminders_send(today=CLOSES + timedelta(days=1)) == {"employers": 0, "emails": 0}
    assert survey_reminders_send(today=OPENS - timedelta(days=1)) == {"employers": 0, "emails": 0}
    SurveyInvitation.objects.for_convener(side.convener).filter(survey=survey, organization=plant).update(
        responded_at=timezone.now())
    assert survey_reminders_send(today=OPENS + timedelta(days=14)) == {"employers": 0, "emails": 0}
    assert mail.outbox == []


def test_recipients_are_the_active_representatives_and_members_of_the_employer(setup):
    side, _, _, hospital = setup
    emails = {r.email for r in survey_reminder_recipients(convener=side.convener, organization=hospital)}
    rep_user = side.users[Role.EMPLOYER_REP]
    assert rep_user.email in emails
    assert all(not e.endswith("plant.example") for e in emails)


def test_beat_runs_reminders_each_morning_and_the_aggregation_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    reminders = schedule["survey-reminders"]
    assert reminders["task"] == "employers.survey_reminders_send"
    assert reminders["schedule"].hour == {8} and reminders["schedule"].minute == {0}
    nightly = schedule["demand-aggregate-all"]
    assert nightly["task"] == "employers.demand_aggregate_all"
    assert nightly["schedule"].hour == {3} and nightly["schedule"].minute == {0}

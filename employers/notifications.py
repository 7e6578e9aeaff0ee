"""Survey reminders that Celery beat sends: invited employers that have not answered an open demand survey.

Cross-tenant by design: the job walks the conveners one by one and scopes every query with
``.for_convener``. The emails carry the survey's title, dates and link only, never another employer's needs.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from employers.models import DemandSurvey, SurveyInvitation
from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import Convener, Membership, Organization, Representative
from partnerships.services.notifications import Recipient

logger = logging.getLogger(__name__)


def _survey_url(survey: DemandSurvey) -> str:
    try:
        path = reverse("employers:survey-detail",
                       kwargs={"convener_slug": survey.convener.slug, "demandsurvey_id": survey.pk})
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def survey_reminder_recipients(*, convener: Convener, organization: Organization) -> list[Recipient]:
    """The employer's active representatives and the tenant's active members bound to it; one per address."""
    recipients: dict[str, Recipient] = {}

    def add(email: str, name: str) -> None:
        email = (email or "").strip()
        if email and email.lower() not in recipients:
            recipients[email.lower()] = Recipient(email=email, name=name)

    for representative in (
        Representative.objects.for_convener(convener)
        .filter(organization=organization, is_active=True).exclude(email="").order_by("full_name")
    ):
        add(representative.email, representative.full_name)
    for membership in (
        Membership.objects.for_convener(convener)
        .filter(organization=organization, is_active=True, user__is_active=True)
        .select_related("user").order_by("user__email")
    ):
        add(membership.user.email, membership.user.get_full_name())
    return list(recipients.values())


def _due_filter(survey: DemandSurvey, today: date) -> Q:
    """Not answered, and not reminded (or, never reminded, not opened) within the last reminder_every_days."""
    every = max(1, survey.reminder_every_days)
    # Reminded on day D: due again on D + every. Compared on datetimes: anything before the start of
    # (today - every + 1) happened on day today - every or earlier.
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=every - 1), time.min))
    never = Q(last_reminded_at__isnull=True) if survey.opens_on + timedelta(days=every) <= today else Q(pk__in=[])
    return Q(responded_at__isnull=True) & (never | Q(last_reminded_at__lt=cutoff))


def survey_reminder_send(*, convener: Convener, invitation_id: int, today: date, now: datetime) -> int:
    """Remind one invited employer if still due; the number of emails sent.

    The claim is a conditional UPDATE (bump reminders_sent, set last_reminded_at) in the same transaction
    as the send: of two workers exactly one matches the row, and a failed send rolls the claim back.
    """
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.for_convener(convener)
            .select_related("survey__partnership", "survey__convener", "organization")
            .filter(pk=invitation_id).first()
        )
        if invitation is None or not invitation.survey.is_open_on(today):
            return 0
        survey = invitation.survey
        claimed = (
            SurveyInvitation.objects.for_convener(convener)
            .filter(_due_filter(survey, today), pk=invitation_id)
            .update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
        )
        if claimed != 1:
            return 0
        recipients = survey_reminder_recipients(convener=convener, organization=invitation.organization)
        url = _survey_url(survey)
        messages = []
        for recipient in recipients:
            context = {
                "survey": survey, "partnership": survey.partnership, "convener": convener,
                "employer": invitation.organization, "recipient": recipient, "survey_url": url,
                "days_left": (survey.closes_on - today).days, "reminder_number": invitation.reminders_sent + 1,
            }
            subject = " ".join(render_to_string("emails/survey_reminder_subject.txt", context).split())
            body = render_to_string("emails/survey_reminder_body.txt", context)
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]))
        sent = get_connection().send_messages(messages) if messages else 0
        if not recipients:
            logger.info("Survey %s: %s has nobody to remind", survey.pk, invitation.organization.name)
        audit_record(
            convener=convener, actor=None, action="survey.reminder_sent", target=invitation, source="task",
            metadata={"survey": survey.pk, "recipients": len(recipients)},
        )
    return sent or 0


def survey_reminders_send(*, today: date, now: datetime | None = None) -> dict[str, int]:
    """Daily: remind every invited employer that has not answered an open survey, once per reminder_every_days
    (the first reminder reminder_every_days after the survey opened). Closed surveys are left alone."""
    now = now or timezone.make_aware(datetime.combine(today, time(8, 0)))
    totals = {"employers": 0, "emails": 0}
    for convener in rls.each_convener(Convener.objects.filter(is_active=True).order_by("pk")):
        surveys = DemandSurvey.objects.for_convener(convener).filter(opens_on__lte=today, closes_on__gte=today)
        for survey in surveys.order_by("pk"):
            due = (
                SurveyInvitation.objects.for_convener(convener)
                .filter(_due_filter(survey, today), survey=survey)
                .order_by("pk").values_list("pk", flat=True)
            )
            for invitation_id in list(due):
                sent = survey_reminder_send(convener=convener, invitation_id=invitation_id, today=today, now=now)
                if sent:
                    totals["employers"] += 1
                    totals["emails"] += sent
    return totals


__all__ = ["survey_reminder_recipients", "survey_reminder_send", "survey_reminders_send"]

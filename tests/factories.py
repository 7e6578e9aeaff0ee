"""factory-boy factories for the tenant core, built through the services wherever a service exists.

Tenant-owned rows go through the ``unscoped`` manager only where no service creates them (the default
manager fails closed on anything but ``create``). ``invite`` creates an invitation exactly as a convener
admin does and returns the one-time token read back from the email it sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.core import mail
from django.test import TestCase

from partnerships import services
from partnerships.audit import audit_record
from partnerships.models import (
    ActionItem,
    AuditEvent,
    Convener,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Invitation,
    Meeting,
    MeetingAttendance,
    Membership,
    Organization,
    Partnership,
    PartnershipGoal,
    Representative,
    User,
    hash_invitation_token,
)
from partnerships.roles import OrganizationType, Role
from partnerships.security.policy import MFA_REQUIRED_ROLES
from partnerships.security.totp import totp_code, totp_enroll, totp_secret

PASSWORD = "a-long-test-passphrase-42"
# Meetings happen in the portal's time zone (settings.TIME_ZONE).
LOCAL = ZoneInfo("America/New_York")


def local_time(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime at ``hour:minute`` on ``day``, in the portal's time zone."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def marker_of(convener: Convener) -> str:
    """The word every row of a convener carries in its str(): "Alpha", "Beta"."""
    return convener.name.split()[0]


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Base for tenant-owned models: reads and writes through ``unscoped`` (``objects`` fails closed)."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class: type) -> Any:
        return model_class.unscoped  # type: ignore[attr-defined]


class ConvenerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convener

    name = factory.Sequence(lambda n: f"Convener{n} Workforce Board")
    slug = factory.LazyAttribute(lambda o: o.name.split()[0].lower())
    region = "Metro Test, OR"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Convener:
        convener = services.convener_create(name=kwargs.pop("name"), slug=kwargs.pop("slug"),
                                            region=kwargs.pop("region", ""))
        if kwargs:
            for field, value in kwargs.items():
                setattr(convener, field, value)
            convener.save(update_fields=list(kwargs))
        return convener


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> User:
        return User.objects.create_user(*args, **kwargs)


class OrganizationFactory(TenantOwnedFactory):
    """Through ``services.organization_create``, so each organization also leaves its audit event."""

    class Meta:
        model = Organization

    convener = factory.SubFactory(ConvenerFactory)
    org_type = OrganizationType.EMPLOYER
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Organization {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Organization:
        actor = kwargs.pop("actor", None)
        return services.organization_create(actor=actor, **kwargs)


class PartnershipFactory(TenantOwnedFactory):
    """Through ``services.partnership_create``."""

    class Meta:
        model = Partnership

    convener = factory.SubFactory(ConvenerFactory)
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Partnership {n}")
    industry_label = "Healthcare"
    status = Partnership.Status.ACTIVE

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Partnership:
        actor = kwargs.pop("actor", None)
        return services.partnership_create(actor=actor, **kwargs)


class MembershipFactory(TenantOwnedFactory):
    """A membership as an accepted invitation leaves it. Pass ``partnerships=[...]`` for funders."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    convener = factory.SubFactory(ConvenerFactory)
    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttributeSequence(
            lambda o, n: f"member{n}@{marker_of(o.factory_parent.convener).lower()}.example"
        ),
        full_name=factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.factory_parent.convener)} Member {n}"),
    )
    role = Role.CONVENER_ADMIN
    organization = None
    is_active = True

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Iterable[Partnership] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.set(extracted)

    @factory.post_generation
    def mfa(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        """A role that must use two-factor authentication gets an authenticator app, as its user set one up
        (a random secret: ``totp_secret_of(user)``); ``mfa=False`` leaves the user without one."""
        if create and extracted is not False and self.role in MFA_REQUIRED_ROLES:
            totp_enroll(self.user, recovery_codes=False)


class InvitationFactory(TenantOwnedFactory):
    """An invitation row written directly, for states no service produces on demand (expired, old).

    ``invitation.token`` holds the raw token of the link. Prefer ``invite(...)`` for ordinary invitations.
    """

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    convener = factory.SubFactory(ConvenerFactory)
    email = factory.LazyAttributeSequence(lambda o, n: f"invitee{n}@{marker_of(o.convener).lower()}.example")
    role = Role.CONVENER_STAFF
    organization = None
    token = factory.Sequence(lambda n: f"factory-token-{n:06d}")
    token_hash = factory.LazyAttribute(lambda o: hash_invitation_token(o.token))

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Invitation:
        token = kwargs.pop("token")
        invitation = super()._create(model_class, *args, **kwargs)
        invitation.token = token  # type: ignore[attr-defined]
        return invitation

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Iterable[Partnership] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.set(extracted)


class AuditEventFactory(TenantOwnedFactory):
    """Through ``audit.audit_record``, the one function services call."""

    class Meta:
        model = AuditEvent

    convener = factory.SubFactory(ConvenerFactory)
    actor = None
    action = "test.event"
    target = None
    source = "app"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> AuditEvent:
        return audit_record(**kwargs)


_TOKEN_IN_LINK = re.compile(r"/invitations/(?P<token>[^/\s]+)/")


def invite(
    *,
    convener: Convener,
    actor: User,
    email: str,
    role: str,
    organization: Organization | None = None,
    partnerships: Iterable[Partnership] = (),
) -> tuple[Invitation, str]:
    """Invite someone as a convener admin would, and return the invitation and the token from its email."""
    sent_before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invitation_create(
            convener=convener, actor=actor, email=email, role=role,
            organization=organization, partnerships=partnerships,
        )
    new_mail = mail.outbox[sent_before:]
    assert len(new_mail) == 1, f"invitation_create sent {len(new_mail)} emails, expected 1"
    match = _TOKEN_IN_LINK.search(new_mail[0].body)
    assert match, f"no invitation link in the email body:\n{new_mail[0].body}"
    return invitation, match.group("token")


# ---------------------------------------------------------------------------------------------------
# Councils: representatives, goals, seats, meetings, attendance, action items, engagement
# ---------------------------------------------------------------------------------------------------
def council_of(partnership: Partnership, kind: str = Council.Kind.INDUSTRY) -> Council:
    """One of the two councils ``services.partnership_create`` gave the partnership."""
    return Council.objects.for_convener(partnership.convener_id).get(partnership=partnership, kind=kind)


class RepresentativeFactory(TenantOwnedFactory):
    """Through ``services.representative_create``. The organization decides the tenant."""

    class Meta:
        model = Representative

    organization = factory.SubFactory(OrganizationFactory)
    convener = factory.LazyAttribute(lambda o: o.organization.convener)
    full_name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Contact {n}")
    email = factory.LazyAttributeSequence(lambda o, n: f"contact{n}@{marker_of(o.convener).lower()}.example")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Representative:
        actor = kwargs.pop("actor", None)
        return services.representative_create(actor=actor, **kwargs)


class PartnershipGoalFactory(TenantOwnedFactory):
    """Through ``services.partnership_goal_add``."""

    class Meta:
        model = PartnershipGoal

    partnership = factory.SubFactory(PartnershipFactory)
    convener = factory.LazyAttribute(lambda o: o.partnership.convener)
    description = factory.LazyAttribute(lambda o: f"{marker_of(o.convener)}: 80% of participants complete training")
    target_value = 80
    unit = "%"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> PartnershipGoal:
        actor = kwargs.pop("actor", None)
        return services.partnership_goal_add(actor=actor, **kwargs)


class CouncilSeatFactory(TenantOwnedFactory):
    """Through ``services.council_seat_add``; pass ``council`` and ``organization`` of one tenant."""

    class Meta:
        model = CouncilSeat

    convener = factory.LazyAttribute(lambda o: o.council.convener)
    seat_role = CouncilSeat.SeatRole.MEMBER
    joined_on = date(2024, 1, 8)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> CouncilSeat:
        actor = kwargs.pop("actor", None)
        return services.council_seat_add(actor=actor, **kwargs)


class MeetingFactory(TenantOwnedFactory):
    """Through ``services.meeting_schedule``; pass ``council``."""

    class Meta:
        model = Meeting

    convener = factory.LazyAttribute(lambda o: o.council.convener)
    title = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} council meeting {n}")
    starts_at = factory.LazyFunction(lambda: local_time(date(2025, 3, 12)))
    location = "Board room, 2nd floor"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Meeting:
        actor = kwargs.pop("actor", None)
        return services.meeting_schedule(actor=actor, **kwargs)


class ActionItemFactory(TenantOwnedFactory):
    """Through ``services.action_item_create``; pass ``partnership`` (and ``meeting`` if it came from one)."""

    class Meta:
        model = ActionItem

    convener = factory.LazyAttribute(lambda o: o.partnership.convener)
    title = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} follow-up {n}")
    due_on = date(2025, 4, 30)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> ActionItem:
        actor = kwargs.pop("actor", None)
        return services.action_item_create(actor=actor, **kwargs)


def held_meetings(
    council: Council, *, first: date, count: int, every: timedelta = timedelta(weeks=4), actor: User | None = None,
    title: str = "meeting",
) -> list[Meeting]:
    """``count`` held meetings of ``council``, the first on ``first``, oldest first."""
    marker = marker_of(council.convener)
    return [
        MeetingFactory(council=council, actor=actor, title=f"{marker} {title} {n + 1}",
                       starts_at=local_time(first + n * every), status=Meeting.Status.HELD)
        for n in range(count)
    ]


def record_attendance(
    meeting: Meeting, *, actor: User | None = None, representatives: Iterable[Representative] = (),
    organizations: Iterable[Organization] = (), run_tasks: bool = False,
) -> list[MeetingAttendance]:
    """Attendance as a convener records it. ``run_tasks``: also run the engagement refresh queued on commit."""
    def record() -> list[MeetingAttendance]:
        return services.meeting_record_attendance(
            convener=meeting.council.convener, actor=actor, meeting=meeting,
            present_representatives=representatives, present_organizations=organizations,
        )

    if run_tasks:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return record()
    return record()


def refresh_engagement(council: Council, *, today: date) -> list[EmployerEngagement]:
    return services.engagement_refresh(convener=council.convener, council=council, today=today)


# ---------------------------------------------------------------------------------------------------
# Employer demand (issue 4): through the employers services, exactly as conveners and employers act
# ---------------------------------------------------------------------------------------------------
QUARTERS_2027 = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]


def set_labor_market_area(partnership: Partnership, code: str) -> Partnership:
    """Point the partnership at an OEWS area (the OEWS extract must be loaded: tests.oews.load_oews_extract)."""
    from employers.models import LaborMarketArea

    area = LaborMarketArea.objects.get(code=code)
    Partnership.unscoped.filter(pk=partnership.pk).update(labor_market_area=area)
    partnership.labor_market_area = area
    return partnership


def open_survey(partnership: Partnership, *, actor: User | None, title: str | None = None,
                quarters: Iterable[str] = QUARTERS_2027, opens_on: date | None = None,
                closes_on: date | None = None) -> Any:
    """A survey cycle open today (by default), inviting the employers seated on the industry council."""
    from django.utils import timezone

    from employers.services import survey_open

    today = timezone.localdate()
    return survey_open(
        convener=partnership.convener, actor=actor, partnership=partnership,
        title=title or f"{partnership.name} hiring outlook", opens_on=opens_on or today - timedelta(days=7),
        closes_on=closes_on or today + timedelta(days=30), quarters=list(quarters),
    )


def enter_need(*, survey: Any, membership: Membership, employer: Organization | None = None,
               occupation: str = "51-4121", quarters: dict[str, tuple[int, int]] | None = None,
               wage_min: Any = "20.00", wage_max: Any = "24.00", submit: bool = True, **kwargs: Any) -> Any:
    """A need entered by ``membership`` (an employer representative for its own employer, or convener staff)."""
    from decimal import Decimal

    from employers.services import skill_need_save

    return skill_need_save(
        convener=survey.convener, actor=membership.user, membership=membership, survey=survey,
        employer=employer or membership.organization, occupation=occupation,
        quarters=quarters or {survey.quarters[0]: (2, 1)}, wage_min=Decimal(str(wage_min)),
        wage_max=Decimal(str(wage_max)), submit=submit, **kwargs,
    )


def aggregate(partnership: Partnership) -> Any:
    """Request a run and execute it now, as the Celery task would: the stored snapshot."""
    from employers.aggregation import demand_run_execute
    from employers.services import demand_aggregate_request

    run = demand_aggregate_request(convener=partnership.convener, partnership=partnership, trigger="test",
                                   countdown=0)
    return demand_run_execute(convener=partnership.convener, run=run)


# ---------------------------------------------------------------------------------------------------
# Programs and cohorts (issue 5): through programs.services, as conveners, providers and case managers act
# ---------------------------------------------------------------------------------------------------
class ProgramFactory(TenantOwnedFactory):
    """Through ``programs.services.program_save``. Pass ``provider`` (an organization of the convener) and any
    of its list arguments: ``target_occupations`` (SOC codes), ``funding_streams`` (codes), ``credentials``,
    ``requirements``, ``wage_steps``, ``other_providers``."""

    class Meta:
        model = "programs.Program"

    convener = factory.LazyAttribute(lambda o: o.provider.convener)
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Program {n}")
    program_type = "pre_employment"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        from programs.services import program_save

        actor = kwargs.pop("actor", None)
        return program_save(actor=actor, **kwargs)


class CohortFactory(TenantOwnedFactory):
    """Through ``programs.services.cohort_save`` (a planned cohort; sessions laid out from ``weekly_pattern``).
    Pass ``program`` and ``partnership`` of one tenant; ``target_occupation`` is a SOC code."""

    class Meta:
        model = "programs.Cohort"

    convener = factory.LazyAttribute(lambda o: o.program.convener)
    name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)} Cohort {n}")
    start_date = date(2025, 1, 6)
    end_date = date(2025, 3, 28)
    seats = 12

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        from programs.services import cohort_save

        actor = kwargs.pop("actor", None)
        return cohort_save(actor=actor, **kwargs)


class ParticipantFactory(TenantOwnedFactory):
    """Through ``programs.services.participant_create``, as ``membership`` creates it (a case manager's person
    is owned by the case manager's organization; convener staff pass ``organization``)."""

    class Meta:
        model = "participants.Participant"

    convener = factory.LazyAttribute(lambda o: o.membership.convener)
    first_name = "Jordan"
    last_name = factory.LazyAttributeSequence(lambda o, n: f"{marker_of(o.convener)}-Person{n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        from programs.services import participant_create

        membership = kwargs["membership"]
        return participant_create(actor=membership.user, **kwargs)


def cohort_status(cohort: Any, status: str, *, actor: User | None = None) -> Any:
    from programs.services import cohort_set_status

    return cohort_set_status(convener=cohort.convener, actor=actor, cohort=cohort, status=status)


def enroll(cohort: Any, participant: Any, *, membership: Membership, status: str = "enrolled",
           on: date | None = None, override_seats: bool = False) -> Any:
    """Put ``participant`` on the roster as ``membership`` does (convener staff or a provider that runs it)."""
    from programs.services import enrollment_add

    return enrollment_add(convener=cohort.convener, actor=membership.user, membership=membership, cohort=cohort,
                          participant=participant, status=status, on=on, override_seats=override_seats)


def enrollment_status(enrollment: Any, status: str, *, membership: Membership, on: date | None = None,
                      reason: str = "", override_seats: bool = False) -> Any:
    from programs.services import enrollment_set_status

    return enrollment_set_status(convener=enrollment.convener, actor=membership.user, membership=membership,
                                 enrollment=enrollment, status=status, on=on, reason=reason,
                                 override_seats=override_seats)


def mark_attendance(session: Any, marks: dict[Any, str], *, membership: Membership) -> int:
    """Attendance of one session day; ``marks`` maps an enrollment (or its id) to present/late/excused/absent."""
    from programs.services import attendance_record_day

    return attendance_record_day(convener=session.convener, actor=membership.user, membership=membership,
                                 session=session, marks={getattr(e, "pk", e): m for e, m in marks.items()})


def award_credential(enrollment: Any, *, membership: Membership, awarded_on: date, **kwargs: Any) -> Any:
    """A credential earned: ``program_credential=...`` or ``name``, ``issuer`` and ``ctdl_type``."""
    from programs.services import credential_award_record

    return credential_award_record(convener=enrollment.convener, actor=membership.user, membership=membership,
                                   enrollment=enrollment, awarded_on=awarded_on, **kwargs)


def record_skill_gain(enrollment: Any, *, membership: Membership, achieved_on: date,
                      gain_type: str = "training_milestone", note: str = "") -> Any:
    from programs.services import skill_gain_record

    return skill_gain_record(convener=enrollment.convener, actor=membership.user, membership=membership,
                             enrollment=enrollment, gain_type=gain_type, achieved_on=achieved_on, note=note)


# ---------------------------------------------------------------------------------------------------
# Participants (issue 6): each helper goes through participants.services as ``membership`` would
# ---------------------------------------------------------------------------------------------------
def intake_details(participant: Any, *, membership: Membership, **fields: Any) -> Any:
    """Complete a person's intake (SSN, date of birth, demographics, benefits...) through participant_update."""
    from participants.services import participant_update

    return participant_update(convener=participant.convener, actor=membership.user, membership=membership,
                              participant=participant, **fields)


def enroll_stream(participant: Any, stream: str, *, membership: Membership, entry_date: date) -> Any:
    from participants.services import stream_enroll

    return stream_enroll(convener=participant.convener, actor=membership.user, membership=membership,
                         participant=participant, stream=stream, entry_date=entry_date)


def record_consent(participant: Any, *, membership: Membership, recipients: Iterable[Organization],
                   categories: Iterable[str], purposes: Iterable[str], signed_on: date,
                   expires_on: date | None = None) -> Any:
    from participants.services import consent_record

    return consent_record(convener=participant.convener, actor=membership.user, membership=membership,
                          participant=participant, recipients=recipients, categories=categories, purposes=purposes,
                          signed_on=signed_on, expires_on=expires_on)


def record_service(participant: Any, *, membership: Membership, stream: str, service_type: str, amount: str,
                   provided_on: date, vendor: str = "", status: str = "paid") -> Any:
    from participants.services import service_record

    return service_record(convener=participant.convener, actor=membership.user, membership=membership,
                          participant=participant, stream=stream, service_type=service_type, amount=amount,
                          provided_on=provided_on, vendor=vendor, status=status)


def add_note(participant: Any, *, membership: Membership, text: str, noted_on: date,
             confidential: bool = False) -> Any:
    from participants.services import note_add

    return note_add(convener=participant.convener, actor=membership.user, membership=membership,
                    participant=participant, text=text, noted_on=noted_on, confidential=confidential)


def record_placement(participant: Any, *, membership: Membership, occupation: str, start_date: date,
                     hourly_wage: str, hours_per_week: str = "40", **kwargs: Any) -> Any:
    """A placement, with its 90/180/365-day retention checks scheduled by the service."""
    from participants.services import placement_record

    return placement_record(convener=participant.convener, actor=membership.user, membership=membership,
                            participant=participant, occupation=occupation, start_date=start_date,
                            hourly_wage=hourly_wage, hours_per_week=hours_per_week, **kwargs)


def record_check(check: Any, *, membership: Membership, employed: bool, checked_on: date,
                 same_employer: bool | None = None, current_wage: str | None = None, note: str = "") -> Any:
    from participants.services import retention_check_record

    return retention_check_record(convener=check.convener, actor=membership.user, membership=membership,
                                  check=check, employed=employed, same_employer=same_employer,
                                  current_wage=current_wage, checked_on=checked_on, note=note)


def record_wage(participant: Any, *, membership: Membership, year: int, quarter: int, wages: str,
                employer_fein: str = "", source: str = "ui_match") -> Any:
    from participants.services import wage_record

    return wage_record(convener=participant.convener, actor=membership.user, membership=membership,
                       participant=participant, year=year, quarter=quarter, wages=wages,
                       employer_fein=employer_fein, source=source)


def run_import(*, membership: Membership, kind: str, filename: str, rows: list[list[str]]) -> Any:
    """Queue an import as ``membership`` (import_start) and run it in-process, as the Celery job would (the test
    transaction never commits, so the on_commit enqueue never fires). Returns the finished ImportJob."""
    import csv
    import io

    from participants.imports import TEMPLATES, import_execute
    from participants.services import import_start

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATES[kind])
    writer.writerows(rows)
    job = import_start(convener=membership.convener, actor=membership.user, membership=membership, kind=kind,
                       filename=filename, payload=out.getvalue().encode())
    return import_execute(convener=membership.convener, job=job)


def totp_secret_of(user: User) -> str:
    """The secret of the user's authenticator app (decrypted), as the app on their phone holds it."""
    from allauth.mfa.models import Authenticator

    return totp_secret(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))


def totp_code_of(user: User, at: float | None = None) -> str:
    """The code the user's authenticator app shows now (or at ``at``)."""
    return totp_code(totp_secret_of(user), at)

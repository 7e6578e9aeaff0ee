"""Writes of the case manager's daily work (DOMAIN.md §3, §4, §6): intake with duplicate detection, funding-stream
enrollment and exit (co-enrollment), consent and its revocation, supportive services from the right stream,
case notes, placements with their retention checks, quarterly wages, PII-view audit, and a person's data rights
(export, correction, erasure: convener admins only).

Every function takes keyword-only arguments including the tenant (``convener``) and the caller's
``membership``; it validates everything first and writes in one transaction, so bad input raises a
ValidationError (field -> messages) and saves nothing. Who may touch a participant is decided in one place,
``participants.access``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from employers.models import Occupation
from employers.services import _occupation
from participants import access, selectors
from participants.models import (
    CaseNote,
    Consent,
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
)
from participants.pii import identity_hash, ssn_hash, ssn_normalize
from participants.tasks import import_run
from partnerships import rls
from partnerships.audit import audit_record
from partnerships.models import AuditEvent, Convener, Membership, Organization, User
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES, OrganizationType, Role
from programs.models import AttendanceRecord, CohortEnrollment, FundingStream

EXIT_AFTER_DAYS = 90


def _today() -> date:
    return timezone.localdate()


def _errors_or_raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _stream(value: FundingStream | str) -> FundingStream:
    if isinstance(value, FundingStream):
        return value
    stream = FundingStream.objects.filter(code=value).first()
    if stream is None:
        raise ValidationError({"stream": [f"{value or 'That'} is not a funding stream."]})
    return stream


def _date(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True,
          not_future: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            errors[field] = ["Give the date."]
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors[field] = ["Write the date as YYYY-MM-DD."]
            return None
    if not_future and value > _today():
        errors[field] = [f"{value:%b %-d, %Y} is in the future."]
    return value


def _money(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True,
           maximum: Decimal | None = None) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = ["Give the amount."]
        return None
    try:
        amount = Decimal(str(value).replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        errors[field] = ["Give the amount in dollars, e.g. 45.00."]
        return None
    if amount < 0:
        errors[field] = ["Cannot be negative."]
    elif maximum is not None and amount > maximum:
        errors[field] = [f"That is more than ${maximum:,}; check the figure."]
    return amount.quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------
PROFILE_FIELDS = (
    "first_name", "middle_name", "last_name", "preferred_name", "email", "phone", "address", "city", "state",
    "postal_code", "sex", "ethnicity", "race", "veteran", "education_at_entry", "employment_status_at_entry",
    "hourly_wage_at_entry", "prior_quarter_earnings", "abawd", "snap_participation", "intake_date",
    *Participant.BARRIERS, *Participant.BENEFITS,
)


class DuplicateParticipant(ValidationError):
    """Intake found people who may be the same person; ``candidates`` lists them. Confirm to create anyway."""

    def __init__(self, candidates: list[Participant]) -> None:
        self.candidates = candidates
        super().__init__({"duplicate": [
            f"This may be someone already on file ({', '.join(c.public_id for c in candidates)}). Open their "
            "record, or confirm that this is a different person."]}, code="duplicate")


def duplicate_candidates(*, convener: Convener, ssn_digits: str = "", first_name: str = "", last_name: str = "",
                         date_of_birth: date | None = None, exclude: int | None = None) -> list[Participant]:
    """People in the tenant with the same SSN (keyed hash) or the same name and date of birth."""
    match = Q(pk__in=[])
    if ssn_digits:
        match |= Q(ssn_hash=ssn_hash(convener_id=convener.pk, ssn_digits=ssn_digits))
    ident = identity_hash(convener_id=convener.pk, first_name=first_name, last_name=last_name,
                          date_of_birth=date_of_birth)
    if ident:
        match |= Q(identity_hash=ident)
    qs = Participant.objects.for_convener(convener).filter(match).select_related("organization")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("pk")[:5])


def _apply_profile(participant: Participant, fields: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    unknown = set(fields) - set(PROFILE_FIELDS) - {"ssn", "date_of_birth"}
    if unknown:
        raise ValidationError(f"{', '.join(sorted(unknown))} cannot be set here.")
    for key, value in fields.items():
        if key in ("ssn", "date_of_birth"):
            continue
        setattr(participant, key, value.strip() if isinstance(value, str) else value)
    try:
        participant.clean_fields(exclude=["convener", "organization", "case_manager", "created_by", "ssn",
                                          "date_of_birth", "public_id", "ssn_hash", "identity_hash"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if not participant.first_name:
        errors["first_name"] = ["Give the first name."]
    if not participant.last_name:
        errors["last_name"] = ["Give the last name."]
    if "ssn" in fields:
        raw = fields["ssn"] or ""
        if raw:
            try:
                participant.ssn = ssn_normalize(raw)
            except ValidationError as exc:
                errors["ssn"] = list(exc.messages)
        else:
            participant.ssn = None
    if "date_of_birth" in fields:
        dob = _date(fields["date_of_birth"], "date_of_birth", errors, required=False)
        if dob is not None and not errors.get("date_of_birth"):
            age = (_today() - dob).days // 365
            if age < 14 or age > 100:
                errors["date_of_birth"] = [f"That makes the person {age}; check the year."]
        participant.date_of_birth = dob
    if participant.snap_participation and not participant.benefit_snap:
        errors["snap_participation"] = ["Only SNAP recipients are SNAP E&T participants: tick SNAP at entry."]


def _rehash(participant: Participant) -> None:
    participant.ssn_hash = ssn_hash(convener_id=participant.convener_id, ssn_digits=participant.ssn) \
        if participant.ssn else ""
    participant.identity_hash = identity_hash(
        convener_id=participant.convener_id, first_name=participant.first_name, last_name=participant.last_name,
        date_of_birth=participant.date_of_birth)


def participant_intake(
    *, convener: Convener, actor: User | None, membership: Membership, organization: Organization | None = None,
    confirm_duplicate: bool = False, streams: Iterable[Mapping[str, Any]] = (), **fields: Any,
) -> Participant:
    """Create a participant, owned by the caller's organization (convener staff pick the partner). Warns with
    DuplicateParticipant when the SSN or name + date of birth match someone on file, unless confirmed. An SSN
    that matches is refused outright: one person has one record. ``streams`` enrolls them at once
    (``[{"stream": "snap_et_50", "entry_date": ...}]``)."""
    access.require_manage(membership=membership, convener=convener)
    if membership.role not in CONVENER_ROLES:
        organization = membership.organization
    errors: dict[str, list[str]] = {}
    if organization is None or organization.convener_id != convener.pk:
        errors["organization"] = ["Choose the partner organization that owns this record."]
    elif organization.org_type == OrganizationType.EMPLOYER:
        errors["organization"] = ["Participant records are owned by a partner organization, not an employer."]
    participant = Participant(convener=convener, organization=organization, created_by=actor,
                              case_manager=actor if membership.role == Role.CASE_MANAGER else None,
                              intake_date=_today())
    _apply_profile(participant, fields, errors)
    _errors_or_raise(errors)
    _rehash(participant)
    candidates = duplicate_candidates(convener=convener, ssn_digits=participant.ssn,
                                      first_name=participant.first_name, last_name=participant.last_name,
                                      date_of_birth=participant.date_of_birth)
    same_ssn = [c for c in candidates if participant.ssn and c.ssn_hash == participant.ssn_hash]
    if same_ssn:
        raise ValidationError({"ssn": [f"That SSN is already on file ({same_ssn[0].public_id}): one person has "
                                       "one record. Ask its organization to share it, or check the number."]})
    if candidates and not confirm_duplicate:
        raise DuplicateParticipant(candidates)
    with transaction.atomic():
        participant.save()
        for row in streams:
            stream_enroll(convener=convener, actor=actor, membership=membership, participant=participant, **row)
        audit_record(convener=convener, actor=actor, action="participant.create", target=participant,
                     metadata={"duplicate_confirmed": bool(candidates)})
    return participant


def participant_update(*, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
                       **fields: Any) -> Participant:
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    _apply_profile(participant, fields, errors)
    _errors_or_raise(errors)
    _rehash(participant)
    if participant.ssn and Participant.objects.for_convener(convener).filter(
            ssn_hash=participant.ssn_hash).exclude(pk=participant.pk).exists():
        raise ValidationError({"ssn": ["That SSN belongs to another record in this workspace."]})
    with transaction.atomic():
        participant.save()
        audit_record(convener=convener, actor=actor, action="participant.update", target=participant,
                     metadata={"fields": sorted(k for k in fields if k not in ("ssn", "date_of_birth"))
                               + (["ssn"] if "ssn" in fields else []) + (["date_of_birth"]
                                                                        if "date_of_birth" in fields else [])})
    return participant


# ---------------------------------------------------------------------------
# Funding streams: co-enrollment, exits
# ---------------------------------------------------------------------------
def stream_enroll(*, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
                  stream: FundingStream | str, entry_date: date | str | None = None) -> StreamEnrollment:
    """Enroll in one more funding stream (co-enrollment). One enrollment per stream per participant."""
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    found = _stream(stream)
    entry = _date(entry_date or _today(), "entry_date", errors)
    if StreamEnrollment.objects.for_convener(convener).filter(participant=participant, stream=found).exists():
        errors["stream"] = [f"{participant.display_name} is already enrolled in {found.name}."]
    if found.code.startswith("snap_et") and not participant.benefit_snap:
        errors["stream"] = ["SNAP E&T is for SNAP recipients: record SNAP at entry first."]
    if found.code == "tanf" and not participant.benefit_tanf:
        errors["stream"] = ["TANF-funded services are for TANF recipients: record TANF at entry first."]
    _errors_or_raise(errors)
    with transaction.atomic():
        enrollment = StreamEnrollment.objects.create(convener=convener, participant=participant, stream=found,
                                                     entry_date=entry, created_by=actor)
        if participant.status != Participant.Status.ACTIVE:
            participant.status = Participant.Status.ACTIVE
            participant.save(update_fields=["status", "updated_at"])
        audit_record(convener=convener, actor=actor, action="stream.enroll", target=participant,
                     metadata={"stream": found.code, "entry_date": str(entry)})
    return enrollment


def stream_exit_record(*, convener: Convener, actor: User | None, membership: Membership,
                       enrollment: StreamEnrollment, exit_date: date | str, reason: str = "",
                       exclusion_reason: str = "") -> StreamEnrollment:
    """Record an exit explicitly, with its reason (and a WIOA exclusion reason where one applies)."""
    access.require_owner(membership=membership, participant=enrollment.participant, convener=convener)
    errors: dict[str, list[str]] = {}
    day = _date(exit_date, "exit_date", errors)
    if day is not None and day < enrollment.entry_date:
        errors["exit_date"] = [f"The exit cannot come before the entry ({enrollment.entry_date:%b %-d, %Y})."]
    if exclusion_reason not in StreamEnrollment.Exclusion.values:
        errors["exclusion_reason"] = ["Choose an exclusion reason from the list, or none."]
    if not (reason or "").strip() and not exclusion_reason:
        errors["reason"] = ["Give the reason for the exit."]
    _errors_or_raise(errors)
    with transaction.atomic():
        enrollment.exit_date, enrollment.exit_reason = day, (reason or "").strip()[:200]
        enrollment.exclusion_reason, enrollment.exit_source = exclusion_reason, StreamEnrollment.ExitSource.RECORDED
        enrollment.save()
        _sync_status(convener, enrollment.participant)
        audit_record(convener=convener, actor=actor, action="stream.exit", target=enrollment.participant,
                     metadata={"stream": enrollment.stream.code, "exit_date": str(day),
                               "exclusion": exclusion_reason})
    return enrollment


def _sync_status(convener: Convener, participant: Participant) -> None:
    open_streams = StreamEnrollment.objects.for_convener(convener).filter(participant=participant,
                                                                         exit_date__isnull=True).exists()
    status = Participant.Status.ACTIVE if open_streams else Participant.Status.EXITED
    if participant.status != status:
        participant.status = status
        participant.save(update_fields=["status", "updated_at"])


def last_participation(*, convener: Convener, participant_ids: list[int]) -> dict[int, tuple[date | None, bool]]:
    """Per participant: the date of their last participation service (a training day attended, a completion or
    withdrawal), and whether any is still planned (a cohort they applied to, are enrolled in or active in).
    Three grouped queries, whatever the number of people."""
    attended = dict(
        AttendanceRecord.objects.for_convener(convener)
        .filter(enrollment__participant__in=participant_ids, status__in=["present", "late"])
        .values("enrollment__participant_id").annotate(last=Max("session__day"))
        .values_list("enrollment__participant_id", "last")
    )
    out: dict[int, tuple[date | None, bool]] = {pid: (attended.get(pid), False) for pid in participant_ids}
    rows = (CohortEnrollment.objects.for_convener(convener).filter(participant__in=participant_ids)
            .values_list("participant_id", "status", "completed_on", "withdrawn_on"))
    for pid, status, completed_on, withdrawn_on in rows:
        last, planned = out[pid]
        for day in (completed_on, withdrawn_on):
            if day is not None and (last is None or day > last):
                last = day
        out[pid] = (last, planned or status in ("applied", "enrolled", "active"))
    return out


def exits_derive(*, convener: Convener, today: date | None = None) -> int:
    """The DOMAIN.md §4 exit rule: an open stream enrollment exits on the date of the last participation
    service once 90 days have passed with no further service and none planned. Returns how many exited."""
    today = today or _today()
    open_rows = list(StreamEnrollment.objects.for_convener(convener).filter(exit_date__isnull=True)
                     .select_related("participant"))
    if not open_rows:
        return 0
    facts = last_participation(convener=convener, participant_ids=sorted({e.participant_id for e in open_rows}))
    exited = []
    for enrollment in open_rows:
        last, planned = facts[enrollment.participant_id]
        last = last or enrollment.entry_date
        if planned or (today - last).days < EXIT_AFTER_DAYS:
            continue
        enrollment.exit_date = max(last, enrollment.entry_date)
        enrollment.exit_source = StreamEnrollment.ExitSource.DERIVED
        enrollment.exit_reason = f"No participation service since {last:%b %-d, %Y} and none planned"
        exited.append(enrollment)
    with transaction.atomic():
        StreamEnrollment.objects.for_convener(convener).bulk_update(
            exited, ["exit_date", "exit_source", "exit_reason"])
        for participant in {e.participant_id: e.participant for e in exited}.values():
            _sync_status(convener, participant)
        if exited:
            audit_record(convener=convener, actor=None, action="stream.exit_derived", source="task",
                         metadata={"enrollments": [e.pk for e in exited]})
    return len(exited)


# ---------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------
def consent_record(
    *, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
    recipients: Iterable[Organization], categories: Iterable[str], purposes: Iterable[str],
    signed_on: date | str, expires_on: date | str | None = None,
) -> Consent:
    """Record a signed consent: which organizations may read which data categories, for which purposes."""
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    recipients = list(recipients)
    categories, purposes = set(categories), set(purposes)
    if not recipients:
        errors["recipients"] = ["Name at least one organization the person agrees to share with."]
    elif any(o.convener_id != convener.pk for o in recipients):
        errors["recipients"] = ["Choose organizations of this workspace."]
    if not categories or categories - set(Consent.CATEGORIES):
        errors["categories"] = ["Choose the data categories the person agrees to share."]
    if not purposes or purposes - set(Consent.PURPOSES):
        errors["purposes"] = ["Choose the purposes."]
    signed = _date(signed_on, "signed_on", errors)
    expires = _date(expires_on, "expires_on", errors, required=False, not_future=False)
    if signed and expires and expires < signed:
        errors["expires_on"] = ["The consent cannot expire before it is signed."]
    _errors_or_raise(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            convener=convener, participant=participant, signed_on=signed, expires_on=expires, recorded_by=actor,
            **{f"share_{c}": c in categories for c in Consent.CATEGORIES},
            **{f"for_{p}": p in purposes for p in Consent.PURPOSES},
        )
        consent.recipients.set(recipients)
        audit_record(convener=convener, actor=actor, action="consent.record", target=participant,
                     metadata={"consent": consent.pk, "recipients": [o.pk for o in recipients],
                               "categories": sorted(categories), "purposes": sorted(purposes)})
    return consent


def consent_revoke(*, convener: Convener, actor: User | None, membership: Membership, consent: Consent,
                   note: str = "") -> Consent:
    """Revocation takes effect at once: the next read by a named organization is refused."""
    access.require_owner(membership=membership, participant=consent.participant, convener=convener)
    if consent.revoked_at is not None:
        raise ValidationError({"consent": ["This consent was already revoked."]})
    with transaction.atomic():
        consent.revoked_at, consent.revoked_by = timezone.now(), actor
        consent.revocation_note = (note or "").strip()[:200]
        consent.save(update_fields=["revoked_at", "revoked_by", "revocation_note"])
        audit_record(convener=convener, actor=actor, action="consent.revoke", target=consent.participant,
                     metadata={"consent": consent.pk})
    return consent


# ---------------------------------------------------------------------------
# Supportive services
# ---------------------------------------------------------------------------
SERVICE_MAXIMUM = Decimal("25000")


def service_record(
    *, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
    stream: FundingStream | str, service_type: str, amount: Any, provided_on: date | str, vendor: str = "",
    status: str = SupportiveService.Status.REQUESTED, note: str = "",
) -> SupportiveService:
    """A supportive service, paid from a stream the participant is enrolled in on that date."""
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    if service_type not in SupportiveService.ServiceType.values:
        errors["service_type"] = ["Choose the type of service."]
    if status not in SupportiveService.Status.values:
        errors["status"] = ["Choose a status."]
    money = _money(amount, "amount", errors, maximum=SERVICE_MAXIMUM)
    day = _date(provided_on, "provided_on", errors, not_future=False)
    found = _stream(stream)
    enrollment = StreamEnrollment.objects.for_convener(convener).filter(participant=participant,
                                                                        stream=found).first()
    if enrollment is None:
        enrolled = ", ".join(StreamEnrollment.objects.for_convener(convener).filter(participant=participant)
                             .values_list("stream__name", flat=True)) or "no stream yet"
        errors["stream"] = [f"{participant.display_name} is not enrolled in {found.name} (enrolled in: {enrolled}). "
                            "Pay from one of those, or enroll them first."]
    elif day is not None and (day < enrollment.entry_date or (enrollment.exit_date and day > enrollment.exit_date)):
        errors["provided_on"] = [f"{found.name} covers {enrollment.entry_date:%b %-d, %Y} to "
                                 f"{enrollment.exit_date:%b %-d, %Y}." if enrollment.exit_date else
                                 f"{found.name} starts on {enrollment.entry_date:%b %-d, %Y}."]
    _errors_or_raise(errors)
    with transaction.atomic():
        service = SupportiveService.objects.create(
            convener=convener, participant=participant, stream_enrollment=enrollment, service_type=service_type,
            amount=money, provided_on=day, vendor=(vendor or "").strip()[:150], status=status,
            note=(note or "").strip()[:300], recorded_by=actor,
            decided_by=actor if status != SupportiveService.Status.REQUESTED else None,
        )
        audit_record(convener=convener, actor=actor, action="service.record", target=participant,
                     metadata={"service": service.pk, "amount": str(money), "stream": found.code})
    return service


SERVICE_TRANSITIONS = {"requested": ("approved", "denied"), "approved": ("paid", "denied"), "paid": (),
                       "denied": ("requested",)}


def service_set_status(*, convener: Convener, actor: User | None, membership: Membership,
                       service: SupportiveService, status: str) -> SupportiveService:
    access.require_owner(membership=membership, participant=service.participant, convener=convener)
    if status not in SERVICE_TRANSITIONS.get(service.status, ()):
        raise ValidationError({"status": [f"A {service.get_status_display().lower()} service cannot become "
                                          f"{status}."]})
    with transaction.atomic():
        previous = service.status
        service.status, service.decided_by = status, actor
        service.save(update_fields=["status", "decided_by", "updated_at"])
        audit_record(convener=convener, actor=actor, action="service.status", target=service.participant,
                     metadata={"service": service.pk, "from": previous, "to": status})
    return service


# ---------------------------------------------------------------------------
# Case notes
# ---------------------------------------------------------------------------
def note_add(*, convener: Convener, actor: User, membership: Membership, participant: Participant, text: str,
             noted_on: date | str | None = None, confidential: bool = False) -> CaseNote:
    access.require_note_writer(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    if not (text or "").strip():
        errors["text"] = ["Write the note."]
    elif len(text) > 10_000:
        errors["text"] = ["Keep a note under 10,000 characters."]
    day = _date(noted_on or _today(), "noted_on", errors)
    _errors_or_raise(errors)
    with transaction.atomic():
        note = CaseNote.objects.create(convener=convener, participant=participant, author=actor,
                                       organization=membership.organization, noted_on=day, text=text.strip(),
                                       confidential=confidential)
        audit_record(convener=convener, actor=actor, action="note.add", target=participant,
                     metadata={"note": note.pk, "confidential": confidential})
    return note


# ---------------------------------------------------------------------------
# Placements, retention checks, wages
# ---------------------------------------------------------------------------
def placement_record(
    *, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
    occupation: str | Occupation, start_date: date | str, hourly_wage: Any, hours_per_week: Any,
    employer: Organization | None = None, employer_name: str = "", related_to_training: bool = True,
    placement_type: str = Placement.PlacementType.UNSUBSIDIZED, cohort_enrollment: CohortEnrollment | None = None,
) -> Placement:
    """A job, with its 90-, 180- and 365-day retention checks scheduled at once."""
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    if employer is not None:
        if employer.convener_id != convener.pk or employer.org_type != OrganizationType.EMPLOYER:
            errors["employer"] = ["Choose an employer of this workspace, or type the employer's name."]
        else:
            employer_name = employer.name
    if not (employer_name or "").strip():
        errors["employer_name"] = ["Choose a partner employer or type the employer's name."]
    try:
        soc = _occupation(occupation)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        soc = None
    start = _date(start_date, "start_date", errors, not_future=False)
    if start is not None and start > _today() + timedelta(days=120):
        errors["start_date"] = ["Record placements that start within four months."]
    wage = _money(hourly_wage, "hourly_wage", errors, maximum=Decimal("300"))
    if wage is not None and not errors.get("hourly_wage") and wage < Decimal("2.13"):
        errors["hourly_wage"] = ["Give the hourly wage (at least $2.13, the federal tipped minimum)."]
    try:
        hours = Decimal(str(hours_per_week))
        if not Decimal("1") <= hours <= Decimal("80"):
            errors["hours_per_week"] = ["Between 1 and 80 hours a week."]
    except InvalidOperation:
        errors["hours_per_week"] = ["Give the hours per week as a number."]
        hours = Decimal("0")
    if placement_type not in Placement.PlacementType.values:
        errors["placement_type"] = ["Choose the type of placement."]
    if cohort_enrollment is not None and cohort_enrollment.participant_id != participant.pk:
        errors["cohort_enrollment"] = ["That cohort enrollment is someone else's."]
    _errors_or_raise(errors)
    assert soc is not None and start is not None  # noqa: S101 (narrowed by the checks above)
    with transaction.atomic():
        placement = Placement.objects.create(
            convener=convener, participant=participant, employer=employer, employer_name=employer_name.strip(),
            occupation=soc, start_date=start, hourly_wage=wage, hours_per_week=hours,
            related_to_training=related_to_training, placement_type=placement_type,
            cohort_enrollment=cohort_enrollment, recorded_by=actor,
        )
        RetentionCheck.objects.bulk_create([
            RetentionCheck(convener=convener, placement=placement, milestone_days=days,
                           due_on=start + timedelta(days=days))
            for days in RetentionCheck.MILESTONES
        ])
        audit_record(convener=convener, actor=actor, action="placement.record", target=participant,
                     metadata={"placement": placement.pk, "soc": soc.soc_code, "wage": str(wage)})
    return placement


def retention_check_record(
    *, convener: Convener, actor: User | None, membership: Membership, check: RetentionCheck, employed: bool,
    same_employer: bool | None = None, current_wage: Any = None, checked_on: date | str | None = None,
    note: str = "",
) -> RetentionCheck:
    participant = check.placement.participant
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors: dict[str, list[str]] = {}
    day = _date(checked_on or _today(), "checked_on", errors)
    if day is not None and day < check.placement.start_date:
        errors["checked_on"] = ["A follow-up comes after the placement started."]
    if employed:
        if same_employer is None:
            errors["same_employer"] = ["Still with the same employer?"]
        wage = _money(current_wage, "current_wage", errors, maximum=Decimal("300"))
    else:
        same_employer, wage = False, None
    _errors_or_raise(errors)
    with transaction.atomic():
        check.checked_on, check.employed, check.same_employer, check.current_wage = day, employed, same_employer, wage
        check.note, check.checked_by = (note or "").strip()[:300], actor
        check.save()
        audit_record(convener=convener, actor=actor, action="retention.check", target=participant,
                     metadata={"check": check.pk, "day": check.milestone_days, "employed": employed})
    return check


def wage_record(*, convener: Convener, actor: User | None, membership: Membership, participant: Participant,
                year: int, quarter: int, wages: Any, employer_fein: str = "",
                source: str = QuarterlyWage.Source.UI_MATCH) -> QuarterlyWage:
    access.require_owner(membership=membership, participant=participant, convener=convener)
    errors = wage_errors(year=year, quarter=quarter, wages=wages, employer_fein=employer_fein, source=source)
    if not errors and QuarterlyWage.objects.for_convener(convener).filter(
            participant=participant, year=year, quarter=quarter, employer_fein=_fein(employer_fein)).exists():
        errors["quarter"] = [f"{year} Q{quarter} from this employer is already recorded."]
    _errors_or_raise(errors)
    with transaction.atomic():
        row = QuarterlyWage.objects.create(convener=convener, participant=participant, year=int(year),
                                           quarter=int(quarter), wages=Decimal(str(wages)),
                                           employer_fein=_fein(employer_fein), source=source, recorded_by=actor)
        audit_record(convener=convener, actor=actor, action="wage.record", target=participant,
                     metadata={"wage": row.pk, "year": row.year, "quarter": row.quarter})
    return row


def _fein(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return f"{digits[:2]}-{digits[2:]}" if len(digits) == 9 else (value or "").strip()


def wage_errors(*, year: Any, quarter: Any, wages: Any, employer_fein: str, source: str) -> dict[str, list[str]]:
    """Checks shared by the form, the API and the importer."""
    errors: dict[str, list[str]] = {}
    today = _today()
    try:
        y, q = int(year), int(quarter)
        if not 1 <= q <= 4:
            errors["quarter"] = ["A quarter is 1, 2, 3 or 4."]
        elif not 2000 <= y <= today.year or (y == today.year and q > (today.month - 1) // 3 + 1):
            errors["year"] = ["Wages are recorded for quarters that have begun."]
    except (TypeError, ValueError):
        errors["year"] = ["Give the year and quarter as numbers."]
    _money(wages, "wages", errors, maximum=Decimal("500000"))
    digits = "".join(ch for ch in (employer_fein or "") if ch.isdigit())
    if employer_fein and len(digits) != 9:
        errors["employer_fein"] = ["An FEIN has nine digits, e.g. 12-3456789."]
    if source not in QuarterlyWage.Source.values:
        errors["source"] = ["UI wage match or supplemental?"]
    return errors


# ---------------------------------------------------------------------------
# PII views
# ---------------------------------------------------------------------------
def pii_view_record(*, convener: Convener, actor: User, membership: Membership, participant: Participant,
                    what: str = "record", via_consent: int | None = None, source: str = "app") -> None:
    """Every view of a participant's PII by convener staff, and every read across organizations, is logged."""
    cross_org = membership.role not in CONVENER_ROLES and membership.organization_id != participant.organization_id
    if membership.role in CONVENER_ROLES or cross_org:
        audit_record(convener=convener, actor=actor, action="participant.view_cross_org" if cross_org
                     else "participant.view", target=participant, source=source,
                     metadata={"what": what, "consent": via_consent, "role": membership.role})


# ---------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------
IMPORT_EXTENSIONS = (".csv", ".xlsx")
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def import_start(*, convener: Convener, actor: User | None, membership: Membership, kind: str, filename: str,
                 payload: bytes, organization: Organization | None = None) -> ImportJob:
    """Queue a bulk import of a CSV or XLSX file (10 MB at most): the job row carries the file, and the Celery job
    (participants.tasks.import_run) checks every row and writes all or nothing once this transaction commits.
    Participants imported by a case manager belong to their organization; convener staff choose it."""
    access.require_manage(membership=membership, convener=convener)
    errors: dict[str, list[str]] = {}
    if kind not in ImportJob.Kind.values:
        errors["kind"] = ["Choose what the file holds."]
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    if not name.lower().endswith(IMPORT_EXTENSIONS):
        errors["file"] = ["Upload a .csv or .xlsx file (download the template for the exact columns)."]
    elif not payload:
        errors["file"] = ["The file is empty."]
    elif len(payload) > IMPORT_MAX_BYTES:
        errors["file"] = [f"The file is {len(payload) / 1024 / 1024:.1f} MB; at most 10 MB per file. Split it."]
    if membership.role not in CONVENER_ROLES:
        organization = membership.organization
    if kind == ImportJob.Kind.PARTICIPANTS:
        if organization is None or organization.convener_id != convener.pk:
            errors["organization"] = ["Choose the partner organization that will own these records."]
        elif organization.org_type == OrganizationType.EMPLOYER:
            errors["organization"] = ["Participant records are owned by a partner organization, not an employer."]
    elif organization is not None and organization.convener_id != convener.pk:
        errors["organization"] = ["Choose an organization of this workspace."]
    _errors_or_raise(errors)
    with transaction.atomic():
        job = ImportJob.objects.create(convener=convener, kind=kind, filename=name, payload=payload,
                                       organization=organization, created_by=actor)
        audit_record(convener=convener, actor=actor, action="import.start", target=job,
                     metadata={"kind": kind, "filename": name, "bytes": len(payload),
                               "organization": organization.pk if organization else None})
        transaction.on_commit(lambda: import_run.delay(convener.pk, job.pk))
    return job


def participant_reads_record(*, convener: Convener, actor: User, membership: Membership,
                             participants: Iterable[Participant], what: str, source: str = "api") -> int:
    """Reads across organizations in a list (the API's rows of people another organization owns, read under their
    consent): one audit event per person, written in one insert. Returns how many."""
    if membership.role in CONVENER_ROLES:
        return 0
    people = {p.pk: p for p in participants if p.organization_id != membership.organization_id}
    if not people:
        return 0
    AuditEvent.objects.bulk_create([
        AuditEvent(convener=convener, actor=actor if actor.pk else None, actor_email=actor.email or "",
                   action="participant.view_cross_org", target_type=Participant._meta.label_lower,
                   target_id=str(p.pk), target_label=str(p)[:200], source=source,
                   metadata={"what": what, "role": membership.role})
        for p in people.values()
    ])
    return len(people)


# ---------------------------------------------------------------------------
# Data rights (DOMAIN.md §6): export, correction and erasure of one person's data, by convener admins only
# ---------------------------------------------------------------------------
REASON_MAX = 500
ERASED_LABEL = "erased participant"
_REDACTED = "[redacted]"


def _require_data_rights(*, convener: Convener, actor: User | None, participant: Participant) -> Membership:
    """The actor's active membership, when it is a convener admin of the participant's own workspace. Views check
    the same rule first; the services check it again so that no other caller can skip it."""
    membership = (Membership.objects.for_convener(convener).filter(user_id=getattr(actor, "pk", None),
                                                                   is_active=True)
                  .select_related("organization").first())
    if membership is None or not can(membership, Action.PARTICIPANT_DATA_RIGHTS):
        raise PermissionDenied("Only a convener admin exercises a participant's data rights.")
    if participant.convener_id != convener.pk:
        raise PermissionDenied("No such participant.")
    return membership


def _clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({"reason": ["Give the reason (for example, the person's request and its date)."]})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": [f"Keep the reason under {REASON_MAX} characters."]})
    return text


def _value_forms(value: Any) -> list[str]:
    """The ways a value may be typed into a sentence: a date in ISO and US forms, an SSN with and without dashes
    and its last four digits, text as it is. Short text (a two-letter state, a yes/no) is left: replacing it inside
    ordinary words would garble the reason more than it protects."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, date):
        return [value.isoformat(), value.strftime("%m/%d/%Y"), f"{value.month}/{value.day}/{value.year}",
                f"{value:%b} {value.day}, {value.year}", f"{value:%B} {value.day}, {value.year}"]
    text = str(value).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    forms = [text]
    if len(digits) == 9 and len(text) <= 11:  # an SSN however it was typed
        forms += [digits, f"{digits[:3]}-{digits[3:5]}-{digits[5:]}", digits[5:]]
    return [f for f in forms if len(f) >= 3]


def scrub_text(text: str, values: Iterable[Any]) -> str:
    """``text`` with every typed form of ``values`` replaced by [redacted] (whole words, any case): reasons go into
    the audit trail, which must not carry a person's data."""
    forms = sorted({f for v in values for f in _value_forms(v)}, key=len, reverse=True)
    for form in forms:
        text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", _REDACTED, text, flags=re.IGNORECASE)
    return text


def _identifying_values(participant: Participant) -> list[Any]:
    """What identifies the person in free text: names, ids, contact details, SSN and date of birth."""
    p = participant
    return [p.first_name, p.middle_name, p.last_name, p.preferred_name, p.public_id, p.email, p.phone, p.address,
            p.city, p.postal_code, p.ssn, p.date_of_birth]


def participant_export_record(*, convener: Convener, actor: User, participant: Participant,
                              file_format: str = "json", source: str = "app") -> dict[str, Any]:
    """The person's full record (selectors.participant_record_export), for a convener admin; each export is audited
    (``participant.export_record``, with its format) before it is built, so the trail it carries includes it."""
    _require_data_rights(convener=convener, actor=actor, participant=participant)
    if file_format not in ("json", "html"):
        raise ValidationError({"format": ["Export as json or html."]})
    audit_record(convener=convener, actor=actor, action="participant.export_record", target=participant,
                 source=source, metadata={"format": file_format})
    return selectors.participant_record_export(convener=convener, participant=participant, exported_by=actor)


def _differs(participant: Participant, name: str, value: Any) -> bool:
    current = getattr(participant, name)
    if name == "ssn":
        if not value:
            return bool(current)
        try:
            return ssn_normalize(value) != current
        except ValidationError:
            return True  # participant_update reports it next to the field
    if isinstance(value, str):
        value = value.strip()
    if name == "state" and isinstance(value, str):
        value = value.upper()
    if current is None and value == "":
        return False
    if isinstance(current, Decimal) and value not in (None, ""):
        try:
            return current != Decimal(str(value))
        except InvalidOperation:
            return True
    return bool(current != value)


def participant_correct(*, convener: Convener, actor: User, participant: Participant, reason: str,
                        **fields: Any) -> list[str]:
    """Correct the person's data on their request (DOMAIN.md §6), through ``participant_update`` with only the fields
    whose value changes. Audited as ``participant.correct`` with the reason and the changed field names, never
    their values (any old or new value typed into the reason is redacted). Returns the changed field names; nothing
    changed, or a missing reason, is a ValidationError and saves nothing."""
    membership = _require_data_rights(convener=convener, actor=actor, participant=participant)
    text = _clean_reason(reason)
    changed = {name: value for name, value in fields.items() if _differs(participant, name, value)}
    if not changed:
        raise ValidationError("Nothing to correct: every field already holds that value.")
    old_values = [getattr(participant, name) for name in changed]
    names = sorted(changed)
    with transaction.atomic():
        participant_update(convener=convener, actor=actor, membership=membership, participant=participant, **changed)
        audit_record(convener=convener, actor=actor, action="participant.correct", target=participant,
                     metadata={"reason": scrub_text(text, [*old_values, *changed.values(),
                                                           *_identifying_values(participant)]),
                               "fields": names})
    return names


def _blank_import_rows(payload: bytes, filename: str, positions: set[int]) -> bytes:
    """The uploaded file with the rows at ``positions`` (header = 1) emptied in place, so that the other rows keep
    their places and the job's error report still points at them."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(payload))
        sheet = book.active
        assert sheet is not None  # noqa: S101 (the selector found rows in it)
        for position, row in enumerate(sheet.iter_rows(), start=1):
            if position in positions:
                for cell in row:
                    cell.value = None
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    bom = payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    text = io.StringIO()
    writer = csv.writer(text)
    for position, row in enumerate(rows, start=1):
        writer.writerow([""] * len(row) if position in positions else row)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8")


def _audit_labels_redact(*, convener: Convener, participant: Participant, row_ids: dict[type[Any], list[int]],
                         audit_q: Q) -> int:
    """Replace the person's name in earlier audit events' labels. On PostgreSQL the application role may not update
    the audit log, so this goes through the one function that may (participants/migrations/0004), which writes only
    the constant label, only for person-level targets of the connection's convener."""
    if connection.vendor != "postgresql":
        return AuditEvent.objects.for_convener(convener).filter(audit_q).update(target_label=ERASED_LABEL)
    targets = {Participant._meta.label_lower: [str(participant.pk)]}
    targets.update({model._meta.label_lower: [str(i) for i in ids] for model, ids in row_ids.items() if ids})
    changed = 0
    with connection.cursor() as cursor:
        for target_type, ids in targets.items():
            cursor.execute("SELECT portal_audit_redact_labels(%s, %s)", [target_type, ids])
            changed += cursor.fetchone()[0]
    return changed


def participant_erase(*, convener: Convener, actor: User, participant: Participant, reason: str) -> dict[str, int]:
    """Delete the person's personal data (DOMAIN.md §6), in one transaction:

    - every person-level row (selectors.PERSON_ROWS: attendance, retention checks, credentials, skill gains,
      services, placements, notes, consents, wages, funding-stream and cohort enrollments) and the participant row
      itself. Nothing outside those rows references a participant, so no row has to be kept and anonymized;
    - their rows in uploaded import files, emptied in place, and the job's errors about those rows;
    - the names in earlier audit events (their ``target_label``, and the Django admin's log) are replaced by
      "erased participant": who did what, when, to which internal id stays, as the audit trail must;
    - published report snapshots are not touched: their figures are aggregates stored as JSON, and a later report
      simply no longer counts the person. Cohort seats are counted live, so the seat is free again.

    One ``participant.erase`` audit event remains, naming the internal id only, with the reason (anything in it
    that identifies the person is redacted) and the number of rows deleted per kind. Returns those counts."""
    _require_data_rights(convener=convener, actor=actor, participant=participant)
    text = _clean_reason(reason)
    # The convener and the actor on the connection (a request has set them already; a shell or a test may not have):
    # row-level security, the database's own audit of each deleted row, and the label redaction read them.
    with rls.tenant_context(convener, user_id=actor.pk):
        return _erase(convener=convener, actor=actor, participant=participant, text=text)


def _erase(*, convener: Convener, actor: User, participant: Participant, text: str) -> dict[str, int]:
    with transaction.atomic():
        person = (Participant.objects.for_convener(convener).select_for_update().filter(pk=participant.pk)
                  .first())
        if person is None:
            raise ValidationError("This participant's data was already erased.")
        pk = person.pk
        scrubbed = scrub_text(text, _identifying_values(person))
        row_ids = selectors.person_row_ids(convener=convener, participant=person)
        audit_q = selectors.person_audit_q(participant=person, row_ids=row_ids)

        files = selectors.participant_import_rows(convener=convener, participant=person)
        for found in files:
            job = found.job
            numbers = set(found.numbers)
            ImportJob.objects.for_convener(convener).filter(pk=job.pk).update(
                payload=_blank_import_rows(bytes(job.payload), job.filename, set(found.positions)),
                errors=[e for e in job.errors if not (isinstance(e, dict) and e.get("row") in numbers)])

        # Append-only except for this: the label that named the person. Actor, action, time and ids stay.
        redacted = _audit_labels_redact(convener=convener, participant=person, row_ids=row_ids, audit_q=audit_q)
        admin_log = Q(content_type=ContentType.objects.get_for_model(Participant), object_id=str(pk))
        for model, ids in row_ids.items():
            if ids:
                admin_log |= Q(content_type=ContentType.objects.get_for_model(model),
                               object_id__in=[str(i) for i in ids])
        redacted += LogEntry.objects.filter(admin_log).update(object_repr=ERASED_LABEL)

        counts: dict[str, int] = {}
        for model, _path in selectors.PERSON_ROWS:
            if row_ids[model]:
                model.objects.for_convener(convener).filter(pk__in=row_ids[model]).delete()
                counts[model._meta.label_lower] = len(row_ids[model])
        Participant.objects.for_convener(convener).filter(pk=pk).delete()
        counts[Participant._meta.label_lower] = 1
        AuditEvent.objects.create(
            convener=convener, actor=actor if actor.pk else None, actor_email=actor.email or "",
            action="participant.erase", target_type=Participant._meta.label_lower, target_id=str(pk),
            target_label="", source="app",
            metadata={"reason": scrubbed, "rows": counts,
                      "import_rows": sum(len(f.positions) for f in files),
                      "import_jobs": [f.job.pk for f in files], "audit_labels_redacted": redacted},
        )
    return counts

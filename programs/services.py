"""Writes for programs and cohorts: the catalogue, cohort runs and their schedule, host employers, rosters,
attendance, completions, credentials and measurable skill gains.

Every function takes keyword-only arguments, including the tenant (``convener``), validates everything before
it writes, and writes inside one transaction, so bad input gets a ValidationError (field -> messages) and
saves nothing. Roster writes also take the caller's ``membership``: provider staff may change only the rosters
of programs their organization runs, and only convener staff may enroll past the seat limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from employers.models import CredentialType, DemandSnapshot, Occupation
from employers.services import _occupation, demand_aggregate_request
from participants.models import Participant
from partnerships.audit import audit_record
from partnerships.models import Convener, Membership, Organization, Partnership, User
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES, OrganizationType, Role
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEmployer,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    FundingStream,
    Program,
    ProgramCredential,
    ProgramRequirement,
    SkillGain,
    WageStep,
)

PROVIDER_TYPES = frozenset(OrganizationType) - {OrganizationType.PHILANTHROPY, OrganizationType.GOVERNMENT,
                                                OrganizationType.ECONOMIC_DEVELOPMENT}
MAX_COHORT_DAYS = 3 * 366


def _today() -> date:
    return timezone.localdate()


def _same_tenant(convener: Convener, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.convener_id != convener.pk:
            raise ValidationError(f"No such {obj._meta.verbose_name}.")


# ---------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------
PROGRAM_FIELDS = ("name", "program_type", "description", "cip_code", "length_weeks", "contact_hours",
                  "cost_per_participant", "rapids_number", "status")


def _program_check(program: Program, *, convener: Convener, other_providers: list[Organization],
                   wage_steps: list[dict[str, Any]] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:  # types and field validators (CIP format, minimums); converts "12" and "4200.00" on the way
        program.clean_fields(exclude=["convener", "provider", "created_by", "name", "program_type"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
        for name in exc.message_dict:
            setattr(program, name, None)
    program.name = (program.name or "").strip()
    if not program.name:
        errors["name"] = ["Give the program a name."]
    elif Program.objects.for_convener(convener).filter(name__iexact=program.name).exclude(pk=program.pk).exists():
        errors["name"] = [f"There is already a program called “{program.name}”."]
    if program.program_type not in Program.ProgramType.values:
        errors["program_type"] = ["Choose a program type."]
    provider = program.provider if program.provider_id else None
    if provider is None or provider.convener_id != convener.pk:
        errors["provider"] = ["Choose the lead training provider."]
    elif provider.org_type not in PROVIDER_TYPES:
        errors["provider"] = [f"{provider.name} is a {provider.get_org_type_display().lower()}, not a provider."]
    for org in other_providers:
        if org.convener_id != convener.pk or org.org_type not in PROVIDER_TYPES:
            errors["other_providers"] = [f"{org.name} cannot be a provider."]
    if program.length_weeks is not None and program.length_weeks < 1:
        errors["length_weeks"] = ["A program lasts at least a week."]
    if program.cost_per_participant is not None and program.cost_per_participant < 0:
        errors["cost_per_participant"] = ["The cost cannot be negative."]
    friendlier = {"cost_per_participant": "The cost cannot be negative.",
                  "length_weeks": "A program lasts at least a week."}
    for name, message in friendlier.items():
        if any("greater than or equal" in m for m in errors.get(name, [])):
            errors[name] = [message]
    if wage_steps and not program.is_apprenticeship:
        errors["wage_steps"] = ["Wage progression steps belong to registered apprenticeships."]
    if wage_steps:
        numbers = [int(s["step"]) for s in wage_steps]
        if len(set(numbers)) != len(numbers):
            errors["wage_steps"] = ["Each step number appears once."]
        ordered = sorted(wage_steps, key=lambda s: int(s["step"]))
        wages = [Decimal(str(s["hourly_wage"])) for s in ordered]
        if any(w <= 0 for w in wages):
            errors["wage_steps"] = ["Each step has an hourly wage above $0."]
        elif wages != sorted(wages):
            errors["wage_steps"] = ["Wages rise (or stay level) from one step to the next."]
    if errors:
        raise ValidationError(errors)


def _clean_credentials(credentials: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for i, row in enumerate(credentials, start=1):
        name, issuer, ctdl = (str(row.get(k) or "").strip() for k in ("name", "issuer", "ctdl_type"))
        if not (name or issuer):
            continue
        if not name or not issuer:
            raise ValidationError({"credentials": [f"Credential {i}: give both its name and its issuer."]})
        if ctdl not in CredentialType.values:
            raise ValidationError({"credentials": [f"Credential {i}: choose its CTDL type."]})
        out.append({"name": name, "issuer": issuer, "ctdl_type": ctdl})
    return out


def _clean_requirements(convener: Convener, requirements: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(requirements, start=1):
        description = str(row.get("description") or "").strip()
        if not description:
            continue
        kind = row.get("kind") or ProgramRequirement.Kind.ENTRY
        if kind not in ProgramRequirement.Kind.values:
            raise ValidationError({"requirements": [f"Requirement {i}: entry requirement or screening criterion?"]})
        employers = list(row.get("employers") or [])
        if any(e.convener_id != convener.pk or e.org_type != OrganizationType.EMPLOYER for e in employers):
            raise ValidationError({"requirements": [f"Requirement {i}: choose employers of this workspace."]})
        out.append({"description": description[:200], "kind": kind, "employers": employers})
    return out


def _clean_wage_steps(steps: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    if steps is None:
        return None
    out: list[dict[str, Any]] = []
    for i, row in enumerate(steps, start=1):
        if row.get("hourly_wage") in (None, ""):
            continue
        try:
            step, after = int(row.get("step") or i), int(row.get("after_hours") or 0)
            wage = Decimal(str(row["hourly_wage"]))
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise ValidationError({"wage_steps": [f"Step {i}: give whole hours and a wage in dollars."]}) from exc
        if after < 0:
            raise ValidationError({"wage_steps": [f"Step {i}: hours cannot be negative."]})
        out.append({"step": step, "after_hours": after, "hourly_wage": wage})
    return out


def program_save(
    *, convener: Convener, actor: User | None, program: Program | None = None, provider: Organization,
    other_providers: Iterable[Organization] = (), target_occupations: Iterable[str | Occupation] = (),
    funding_streams: Iterable[FundingStream | str] = (), credentials: Iterable[Mapping[str, Any]] | None = None,
    requirements: Iterable[Mapping[str, Any]] | None = None, wage_steps: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Program:
    """Create (``program=None``) or update a program with its providers, SOC targets, credentials, funding
    streams, requirements and, for registered apprenticeships, wage steps. Lists given replace the old ones."""
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(f"{', '.join(sorted(unknown))} cannot be set here.")
    creating = program is None
    if program is None:
        program = Program(convener=convener, created_by=actor)
    _same_tenant(convener, program)
    for key, value in fields.items():
        setattr(program, key, value.strip() if isinstance(value, str) else value)
    program.provider = provider
    others = [o for o in other_providers if o.pk != provider.pk]
    occupations = [_occupation(o) for o in target_occupations]
    streams: list[FundingStream] = []
    for stream in funding_streams:
        found = stream if isinstance(stream, FundingStream) else FundingStream.objects.filter(code=stream).first()
        if found is None:
            raise ValidationError({"funding_streams": [f"{stream} is not a funding stream."]})
        streams.append(found)
    clean_credentials = _clean_credentials(credentials) if credentials is not None else None
    clean_requirements = _clean_requirements(convener, requirements) if requirements is not None else None
    steps = _clean_wage_steps(wage_steps)
    if steps is None and program.pk and not program.is_apprenticeship and program.wage_steps.exists():
        # A change of type away from registered apprenticeship would otherwise keep the old wage steps.
        raise ValidationError({"wage_steps": ["Wage progression steps belong to registered apprenticeships: remove "
                                              "them (an empty list) to change the type."]})
    _program_check(program, convener=convener, other_providers=others, wage_steps=steps)
    with transaction.atomic():
        program.save()
        program.other_providers.set(others)
        program.target_occupations.set(occupations)
        program.funding_streams.set(streams)
        if clean_credentials is not None:
            keep = []
            existing = {(c.name, c.issuer): c for c in program.credentials.all()}
            for row in clean_credentials:
                credential = existing.get((row["name"], row["issuer"]))
                if credential is None:
                    credential = ProgramCredential.objects.create(convener=convener, program=program, **row)
                elif credential.ctdl_type != row["ctdl_type"]:
                    credential.ctdl_type = row["ctdl_type"]
                    credential.save(update_fields=["ctdl_type"])
                keep.append(credential.pk)
            program.credentials.exclude(pk__in=keep).delete()
        if clean_requirements is not None:
            program.requirements.all().delete()
            for row in clean_requirements:
                employers = row.pop("employers")
                requirement = ProgramRequirement.objects.create(convener=convener, program=program, **row)
                requirement.employers.set(employers)
        if steps is not None:
            program.wage_steps.all().delete()
            WageStep.objects.bulk_create([WageStep(convener=convener, program=program, **s) for s in steps])
        audit_record(convener=convener, actor=actor, action="program.create" if creating else "program.update",
                     target=program)
    return program


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------
COHORT_FIELDS = ("name", "start_date", "end_date", "seats", "location", "schedule_note", "weekly_pattern")


def _clean_pattern(pattern: Mapping[Any, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for day, kind in (pattern or {}).items():
        if not kind:
            continue
        if str(day) not in {str(i) for i in range(7)} or kind not in CohortSession.Kind.values:
            raise ValidationError({"weekly_pattern": ["Give each weekday a kind of session (classroom, worksite…)."]})
        out[str(day)] = str(kind)
    return dict(sorted(out.items()))


def _cohort_check(cohort: Cohort, *, convener: Convener) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("start_date", "end_date", "seats"):  # types: "2027-01-04" and "14" arrive from forms and JSON
        value = getattr(cohort, name)
        try:
            field = Cohort._meta.get_field(name)
            setattr(cohort, name, None if value in (None, "") else field.to_python(value))  # type: ignore[union-attr]
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            setattr(cohort, name, None)
    if errors:
        raise ValidationError(errors)
    cohort.name = (cohort.name or "").strip()
    if not cohort.name:
        errors["name"] = ["Give the cohort a name, e.g. “Spring 2027 evening cohort”."]
    if cohort.program_id is None or cohort.program.convener_id != convener.pk:
        errors["program"] = ["Choose a program."]
    if cohort.partnership_id is None or cohort.partnership.convener_id != convener.pk:
        errors["partnership"] = ["Choose a partnership."]
    if not cohort.start_date or not cohort.end_date:
        errors["start_date"] = ["Give the start and end dates."]
    elif cohort.end_date < cohort.start_date:
        errors["end_date"] = ["The cohort must end on or after the day it starts."]
    elif (cohort.end_date - cohort.start_date).days > MAX_COHORT_DAYS:
        errors["end_date"] = ["A cohort runs for three years at most; split longer programs into cohorts."]
    if not cohort.seats or cohort.seats < 1:
        errors["seats"] = ["A cohort has at least one seat."]
    elif cohort.pk:
        seated = cohort.enrollments.filter(status__in=CohortEnrollment.SEATED).count()
        if seated > cohort.seats and not cohort.enrollments.filter(seat_override=True).exists():
            errors["seats"] = [f"{seated} people already hold seats; give at least {seated}."]
    if errors:
        raise ValidationError(errors)


def cohort_save(
    *, convener: Convener, actor: User | None, cohort: Cohort | None = None, program: Program,
    partnership: Partnership, target_occupation: str | Occupation | None = None,
    demand_snapshot: DemandSnapshot | None = None, employers: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Cohort:
    """Create (``cohort=None``, status planned) or update a cohort. Session days are laid out from the weekly
    pattern between the start and end dates; days that already have attendance are kept. A cohort's seats
    count as pipeline supply of its target occupation, so a change asks for a fresh demand aggregation."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise ValidationError(f"{', '.join(sorted(unknown))} cannot be set here.")
    _same_tenant(convener, program, partnership, cohort, demand_snapshot)
    creating = cohort is None
    if cohort is None:
        cohort = Cohort(convener=convener, created_by=actor, demand_snapshot=demand_snapshot)
    before = (cohort.partnership_id, cohort.target_occupation_id, cohort.seats) if not creating else None
    for key, value in fields.items():
        setattr(cohort, key, value.strip() if isinstance(value, str) else value)
    cohort.weekly_pattern = _clean_pattern(cohort.weekly_pattern)
    cohort.program, cohort.partnership = program, partnership
    cohort.target_occupation = _occupation(target_occupation) if target_occupation else None
    _cohort_check(cohort, convener=convener)
    with transaction.atomic():
        cohort.save()
        if employers is not None:
            for row in employers:
                cohort_employer_save(convener=convener, actor=actor, cohort=cohort, **row)
        cohort_sessions_layout(convener=convener, cohort=cohort)
        audit_record(convener=convener, actor=actor, action="cohort.create" if creating else "cohort.update",
                     target=cohort)
        after = (cohort.partnership_id, cohort.target_occupation_id, cohort.seats)
        if cohort.target_occupation_id and before != after:
            demand_aggregate_request(convener=convener, partnership=partnership, trigger="cohort")
    return cohort


def cohort_set_status(*, convener: Convener, actor: User | None, cohort: Cohort, status: str) -> Cohort:
    _same_tenant(convener, cohort)
    if status not in Cohort.Status.values:
        raise ValidationError({"status": ["Unknown status."]})
    if status != cohort.status and status not in Cohort.TRANSITIONS[cohort.status]:
        allowed = ", ".join(Cohort.Status(s).label.lower() for s in Cohort.TRANSITIONS[cohort.status]) or "nothing"
        raise ValidationError({"status": [f"A {cohort.get_status_display().lower()} cohort can move to {allowed}; "
                                          f"not to {Cohort.Status(status).label.lower()}."]})
    if status == Cohort.Status.COMPLETED:
        open_rows = cohort.enrollments.filter(status__in=[CohortEnrollment.Status.ENROLLED,
                                                          CohortEnrollment.Status.ACTIVE]).count()
        if open_rows:
            raise ValidationError({"status": [f"{open_rows} people are still enrolled or active: record each one's "
                                              "completion or withdrawal first."]})
    with transaction.atomic():
        previous = cohort.status
        cohort.status = status
        cohort.save(update_fields=["status", "updated_at"])
        audit_record(convener=convener, actor=actor, action="cohort.status", target=cohort,
                     metadata={"from": previous, "to": status})
        pipeline = (previous in Cohort.PIPELINE) != (status in Cohort.PIPELINE)
        if cohort.target_occupation_id and pipeline:
            demand_aggregate_request(convener=convener, partnership=cohort.partnership, trigger="cohort")
    return cohort


def cohort_employer_save(
    *, convener: Convener, actor: User | None, cohort: Cohort, employer: Organization, kind: str = "host",
    **commitments: int,
) -> CohortEmployer:
    """Record (or update) a host or partner employer and its commitments."""
    _same_tenant(convener, cohort, employer)
    allowed = {"guaranteed_interviews", "planned_hires", "internship_slots", "ojt_slots", "tours",
               "mock_interviews"}
    errors: dict[str, list[str]] = {}
    if employer.org_type != OrganizationType.EMPLOYER:
        errors["employer"] = [f"{employer.name} is not an employer."]
    if kind not in CohortEmployer.Kind.values:
        errors["kind"] = ["Host or partner employer?"]
    for key, value in commitments.items():
        if key not in allowed:
            errors[key] = ["Not a commitment."]
        elif value is None or int(value) < 0:
            errors[key] = ["Cannot be negative."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _ = CohortEmployer.objects.for_convener(convener).update_or_create(
            cohort=cohort, employer=employer, defaults={"convener": convener, "kind": kind, **commitments})
        audit_record(convener=convener, actor=actor, action="cohort.employer", target=cohort,
                     metadata={"employer": employer.pk, "kind": kind})
    return row


def cohort_employer_remove(*, convener: Convener, actor: User | None, cohort_employer: CohortEmployer) -> None:
    _same_tenant(convener, cohort_employer)
    with transaction.atomic():
        audit_record(convener=convener, actor=actor, action="cohort.employer_remove", target=cohort_employer.cohort,
                     metadata={"employer": cohort_employer.employer_id})
        cohort_employer.delete()


def cohort_sessions_layout(*, convener: Convener, cohort: Cohort) -> int:
    """Lay out session days from the weekly pattern between the cohort's dates: add the missing days, remove
    pattern days that no longer fit and have no attendance. Returns the number of sessions."""
    _same_tenant(convener, cohort)
    pattern = {int(k): v for k, v in (cohort.weekly_pattern or {}).items()}
    wanted: dict[date, str] = {}
    day = cohort.start_date
    while day <= cohort.end_date and pattern:
        if day.weekday() in pattern:
            wanted[day] = pattern[day.weekday()]
        day += timedelta(days=1)
    existing = {s.day: s for s in CohortSession.objects.for_convener(convener).filter(cohort=cohort)}
    with transaction.atomic():
        stale = [s.pk for d, s in existing.items() if d not in wanted and not s.note]
        if stale:
            kept = set(AttendanceRecord.objects.for_convener(convener).filter(session__in=stale)
                       .values_list("session_id", flat=True))
            CohortSession.objects.for_convener(convener).filter(pk__in=set(stale) - kept).delete()
        CohortSession.objects.bulk_create([
            CohortSession(convener=convener, cohort=cohort, day=d, kind=kind)
            for d, kind in wanted.items() if d not in existing
        ])
        for d, kind in wanted.items():
            session = existing.get(d)
            if session is not None and session.kind != kind:
                session.kind = kind
                session.save(update_fields=["kind"])
    return CohortSession.objects.for_convener(convener).filter(cohort=cohort).count()


def session_add(*, convener: Convener, actor: User | None, membership: Membership, cohort: Cohort, day: date,
                kind: str = CohortSession.Kind.CLASSROOM, hours: Decimal | str = "6", note: str = "") -> CohortSession:
    """Add one session day outside the weekly pattern (a make-up day, a worksite tour)."""
    _require_roster_access(convener=convener, membership=membership, cohort=cohort)
    errors: dict[str, list[str]] = {}
    if day is None or not cohort.start_date <= day <= cohort.end_date:
        errors["day"] = [f"Sessions fall within the cohort's dates ({cohort.start_date:%b %-d, %Y} to "
                         f"{cohort.end_date:%b %-d, %Y})."]
    elif CohortSession.objects.for_convener(convener).filter(cohort=cohort, day=day).exists():
        errors["day"] = ["There is already a session that day."]
    if kind not in CohortSession.Kind.values:
        errors["kind"] = ["Choose the kind of session."]
    try:
        hours = Decimal(str(hours))
        if not Decimal("0") < hours <= Decimal("24"):
            errors["hours"] = ["Between 0 and 24 hours."]
    except InvalidOperation:
        errors["hours"] = ["Give the hours as a number."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = CohortSession.objects.create(convener=convener, cohort=cohort, day=day, kind=kind, hours=hours,
                                               note=(note or "added")[:200])
        audit_record(convener=convener, actor=actor, action="cohort.session_add", target=cohort,
                     metadata={"day": day.isoformat()})
    return session


# ---------------------------------------------------------------------------
# Rosters
# ---------------------------------------------------------------------------
def runs_program(membership: Membership, program: Program) -> bool:
    """Convener staff run every program; provider staff the ones their organization provides."""
    if membership.role in CONVENER_ROLES:
        return True
    if membership.role != Role.PROVIDER_STAFF or membership.organization_id is None:
        return False
    if program.provider_id == membership.organization_id:
        return True
    return program.other_providers.filter(pk=membership.organization_id).exists()


def _require_roster_access(*, convener: Convener, membership: Membership, cohort: Cohort,
                           participant: Participant | None = None) -> None:
    """Convener staff and the providers that run the program keep the whole roster. A case manager may place
    the people their organization owns in a cohort and record their progress (their own rows only)."""
    _same_tenant(convener, cohort)
    if membership.convener_id != convener.pk:
        raise PermissionDenied("No such cohort.")
    if can(membership, Action.ROSTER_MANAGE) and runs_program(membership, cohort.program):
        return
    if (membership.role == Role.CASE_MANAGER and participant is not None and membership.organization_id
            and participant.organization_id == membership.organization_id):
        return
    raise PermissionDenied("Your organization does not run this program, so it cannot change this roster.")


def _check_date(value: date | None, *, field: str, label: str, not_before: date | None = None,
                before_label: str = "") -> dict[str, list[str]]:
    if value is None:
        return {field: [f"Give the {label} date."]}
    if value > _today():
        return {field: [f"The {label} date ({value:%b %-d, %Y}) is in the future."]}
    if not_before is not None and value < not_before:
        return {field: [f"The {label} date ({value:%b %-d, %Y}) is before {before_label} ({not_before:%b %-d, %Y})."]}
    return {}


def enrollment_add(
    *, convener: Convener, actor: User | None, membership: Membership, cohort: Cohort, participant: Participant,
    status: str = CohortEnrollment.Status.ENROLLED, on: date | None = None, override_seats: bool = False,
) -> CohortEnrollment:
    """Put a participant on a cohort's roster (applied or enrolled). Enrolling past the seat limit needs a
    convener's explicit override, which is recorded on the enrollment and in the audit log."""
    _same_tenant(convener, participant)
    _require_roster_access(convener=convener, membership=membership, cohort=cohort, participant=participant)
    on = on or _today()
    if status not in (CohortEnrollment.Status.APPLIED, CohortEnrollment.Status.ENROLLED):
        raise ValidationError({"status": ["Add people as applied or enrolled; record progress afterwards."]})
    if cohort.status in (Cohort.Status.COMPLETED, Cohort.Status.CANCELLED):
        raise ValidationError({"cohort": [f"This cohort is {cohort.get_status_display().lower()}."]})
    if override_seats and not can(membership, Action.SEAT_OVERRIDE):
        raise PermissionDenied("Only convener staff can enroll past the seat limit.")
    with transaction.atomic():
        # Lock the cohort so two people cannot take the last seat at once.
        locked = Cohort.objects.for_convener(convener).select_for_update().get(pk=cohort.pk)
        if CohortEnrollment.objects.for_convener(convener).filter(cohort=cohort, participant=participant).exists():
            raise ValidationError({"participant": [f"{participant.display_name} is already on this roster."]})
        seated = CohortEnrollment.objects.for_convener(convener).filter(
            cohort=cohort, status__in=CohortEnrollment.SEATED).count()
        over = status == CohortEnrollment.Status.ENROLLED and seated >= locked.seats
        if over and not override_seats:
            raise ValidationError({"participant": [
                f"All {locked.seats} seats are taken. Add {participant.display_name} as applied (waitlist), "
                "or ask convener staff to enroll past the limit."]})
        enrollment = CohortEnrollment.objects.create(
            convener=convener, cohort=cohort, participant=participant, status=status, created_by=actor,
            applied_on=on, enrolled_on=on if status == CohortEnrollment.Status.ENROLLED else None,
            seat_override=over,
        )
        audit_record(convener=convener, actor=actor, action="roster.add", target=enrollment,
                     metadata={"cohort": cohort.pk, "status": status, "seat_override": over})
    return enrollment


def enrollment_set_status(
    *, convener: Convener, actor: User | None, membership: Membership, enrollment: CohortEnrollment, status: str,
    on: date | None = None, reason: str = "", override_seats: bool = False,
) -> CohortEnrollment:
    """Move a roster row: enrolled, active, completed (dated, not before enrollment), or withdrawn (dated, with
    a reason)."""
    cohort = enrollment.cohort
    _require_roster_access(convener=convener, membership=membership, cohort=cohort,
                           participant=enrollment.participant)
    S = CohortEnrollment.Status
    if status not in S.values:
        raise ValidationError({"status": ["Unknown status."]})
    on = on or _today()
    errors: dict[str, list[str]] = {}
    started = enrollment.enrolled_on or enrollment.applied_on
    if status == S.COMPLETED:
        if enrollment.status not in (S.ENROLLED, S.ACTIVE):
            errors["status"] = [f"Only enrolled or active people complete; this person is "
                                f"{enrollment.get_status_display().lower()}."]
        errors.update(_check_date(on, field="on", label="completion", not_before=enrollment.enrolled_on,
                                  before_label="the enrollment"))
    elif status == S.WITHDRAWN:
        if not (reason or "").strip():
            errors["reason"] = ["Give the reason for withdrawing."]
        errors.update(_check_date(on, field="on", label="withdrawal", not_before=started,
                                  before_label="the application"))
    elif status in (S.ENROLLED, S.ACTIVE) and enrollment.status not in CohortEnrollment.SEATED:
        seated = CohortEnrollment.objects.for_convener(convener).filter(
            cohort=cohort, status__in=CohortEnrollment.SEATED).count()
        if seated >= cohort.seats:
            if not override_seats:
                errors["status"] = [f"All {cohort.seats} seats are taken."]
            elif not can(membership, Action.SEAT_OVERRIDE):
                raise PermissionDenied("Only convener staff can enroll past the seat limit.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = enrollment.status
        enrollment.status = status
        if status == S.COMPLETED:
            enrollment.completed_on, enrollment.withdrawn_on, enrollment.withdrawal_reason = on, None, ""
        elif status == S.WITHDRAWN:
            enrollment.withdrawn_on, enrollment.withdrawal_reason = on, reason.strip()[:200]
            enrollment.completed_on = None
        else:
            enrollment.completed_on, enrollment.withdrawn_on, enrollment.withdrawal_reason = None, None, ""
            if enrollment.enrolled_on is None:
                enrollment.enrolled_on = on
            if previous not in CohortEnrollment.SEATED and override_seats:
                enrollment.seat_override = True
        enrollment.save()
        audit_record(convener=convener, actor=actor, action="roster.status", target=enrollment,
                     metadata={"from": previous, "to": status, "on": on.isoformat()})
    return enrollment


def attendance_record_day(
    *, convener: Convener, actor: User | None, membership: Membership, session: CohortSession,
    marks: Mapping[int, str], hours: Mapping[int, Decimal | None] | None = None,
) -> int:
    """Bulk attendance for one session day: ``marks`` maps enrollment id -> present/late/excused/absent.
    One form, one transaction; returns how many rows were written."""
    cohort = session.cohort
    _require_roster_access(convener=convener, membership=membership, cohort=cohort)
    _same_tenant(convener, session)
    errors: dict[str, list[str]] = {}
    if not cohort.start_date <= session.day <= cohort.end_date:
        errors["session"] = [f"{session.day:%b %-d, %Y} is outside the cohort's dates ({cohort.start_date:%b %-d} to "
                             f"{cohort.end_date:%b %-d, %Y})."]
    elif session.day > _today():
        errors["session"] = [f"{session.day:%b %-d, %Y} has not happened yet."]
    roster = {e.pk: e for e in CohortEnrollment.objects.for_convener(convener).filter(cohort=cohort)
              .select_related("participant")}
    foreign = [pk for pk in marks if pk not in roster]
    # Only people who held a seat that day are on the day's sheet (selectors.attendance_sheet): not applicants,
    # not people who had withdrawn before it.
    unseated = [roster[pk].participant.display_name for pk in marks if pk in roster and (
        roster[pk].status == CohortEnrollment.Status.APPLIED
        or (roster[pk].status == CohortEnrollment.Status.WITHDRAWN and roster[pk].withdrawn_on is not None
            and roster[pk].withdrawn_on < session.day))]
    if foreign:
        errors["marks"] = ["Some people are not on this cohort's roster."]
    elif unseated:
        errors["marks"] = [f"{', '.join(sorted(unseated))} held no seat on {session.day:%b %-d, %Y} (applied only, "
                           "or withdrawn before it)."]
    bad = [pk for pk, mark in marks.items() if mark not in AttendanceRecord.Status.values]
    if bad:
        errors["marks"] = ["Mark each person present, late, excused or absent."]
    if errors:
        raise ValidationError(errors)
    hours = hours or {}
    with transaction.atomic():
        existing = {r.enrollment_id: r for r in AttendanceRecord.objects.for_convener(convener).filter(
            session=session, enrollment__in=list(marks))}
        new, changed = [], []
        for pk, mark in marks.items():
            record = existing.get(pk)
            if record is None:
                new.append(AttendanceRecord(convener=convener, session=session, enrollment_id=pk, status=mark,
                                            hours=hours.get(pk), recorded_by=actor))
            elif record.status != mark or record.hours != hours.get(pk):
                record.status, record.hours, record.recorded_by = mark, hours.get(pk), actor
                changed.append(record)
        AttendanceRecord.objects.bulk_create(new)
        AttendanceRecord.objects.for_convener(convener).bulk_update(changed, ["status", "hours", "recorded_by"])
        audit_record(convener=convener, actor=actor, action="attendance.record", target=cohort,
                     metadata={"day": session.day.isoformat(), "rows": len(new) + len(changed)})
    return len(new) + len(changed)


def credential_award_record(
    *, convener: Convener, actor: User | None, membership: Membership, enrollment: CohortEnrollment,
    awarded_on: date, name: str = "", issuer: str = "", ctdl_type: str = "",
    program_credential: ProgramCredential | None = None,
) -> CredentialAward:
    """Record a credential earned by a person on the roster: one of the program's credentials, or another
    typed by CTDL. It cannot be dated in the future or before the person applied."""
    _require_roster_access(convener=convener, membership=membership, cohort=enrollment.cohort,
                           participant=enrollment.participant)
    if program_credential is not None:
        _same_tenant(convener, program_credential)
        if program_credential.program_id != enrollment.cohort.program_id:
            raise ValidationError({"program_credential": ["That credential belongs to another program."]})
        name, issuer, ctdl_type = program_credential.name, program_credential.issuer, program_credential.ctdl_type
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["Give the credential's name."]
    if not (issuer or "").strip():
        errors["issuer"] = ["Give the issuer."]
    if ctdl_type not in CredentialType.values:
        errors["ctdl_type"] = ["Choose the CTDL type."]
    errors.update(_check_date(awarded_on, field="awarded_on", label="award",
                              not_before=enrollment.enrolled_on or enrollment.applied_on,
                              before_label="the enrollment"))
    if enrollment.status == CohortEnrollment.Status.APPLIED:
        errors["enrollment"] = ["This person has only applied; enroll them first."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        award = CredentialAward.objects.create(
            convener=convener, participant=enrollment.participant, enrollment=enrollment,
            program_credential=program_credential, name=name.strip(), issuer=issuer.strip(), ctdl_type=ctdl_type,
            awarded_on=awarded_on, recorded_by=actor,
        )
        audit_record(convener=convener, actor=actor, action="credential.award", target=award,
                     metadata={"enrollment": enrollment.pk})
    return award


def skill_gain_record(
    *, convener: Convener, actor: User | None, membership: Membership, enrollment: CohortEnrollment, gain_type: str,
    achieved_on: date, note: str = "",
) -> SkillGain:
    _require_roster_access(convener=convener, membership=membership, cohort=enrollment.cohort,
                           participant=enrollment.participant)
    errors: dict[str, list[str]] = {}
    if gain_type not in SkillGain.GainType.values:
        errors["gain_type"] = ["Choose the type of skill gain."]
    errors.update(_check_date(achieved_on, field="achieved_on", label="skill gain",
                              not_before=enrollment.enrolled_on or enrollment.applied_on,
                              before_label="the enrollment"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        gain = SkillGain.objects.create(convener=convener, participant=enrollment.participant, enrollment=enrollment,
                                        gain_type=gain_type, achieved_on=achieved_on, note=(note or "")[:200],
                                        recorded_by=actor)
        audit_record(convener=convener, actor=actor, action="skill_gain.record", target=gain,
                     metadata={"enrollment": enrollment.pk})
    return gain


# ---------------------------------------------------------------------------
# Participants (the minimal record the participants issue extends)
# ---------------------------------------------------------------------------
def participant_create(
    *, convener: Convener, actor: User | None, membership: Membership, first_name: str, last_name: str,
    organization: Organization | None = None, preferred_name: str = "",
) -> Participant:
    """Create a participant owned by the caller's organization (convener staff pick the owning partner)."""
    if membership.role not in CONVENER_ROLES:
        if membership.organization_id is None:
            raise PermissionDenied("Your membership has no organization to own this record.")
        organization = membership.organization
    errors: dict[str, list[str]] = {}
    if not (first_name or "").strip():
        errors["first_name"] = ["Give the first name."]
    if not (last_name or "").strip():
        errors["last_name"] = ["Give the last name."]
    if organization is None or organization.convener_id != convener.pk:
        errors["organization"] = ["Choose the partner organization that owns this record."]
    elif organization.org_type == OrganizationType.EMPLOYER and membership.role in CONVENER_ROLES:
        errors["organization"] = ["Participant records are owned by a partner organization, not an employer."]
    if errors or organization is None:
        raise ValidationError(errors)
    with transaction.atomic():
        participant = Participant.objects.create(
            convener=convener, first_name=first_name.strip(), last_name=last_name.strip(),
            preferred_name=(preferred_name or "").strip(), organization=organization, created_by=actor,
            case_manager=actor if membership.role == Role.CASE_MANAGER else None,
        )
        audit_record(convener=convener, actor=actor, action="participant.create", target=participant)
    return participant


def participant_create_for_roster(
    *, convener: Convener, actor: User | None, membership: Membership, cohort: Cohort, first_name: str,
    last_name: str, status: str = CohortEnrollment.Status.APPLIED, override_seats: bool = False,
) -> CohortEnrollment:
    """A walk-in applicant: create the person (owned by the program's provider when a provider adds them)
    and put them on the roster, in one transaction."""
    _require_roster_access(convener=convener, membership=membership, cohort=cohort)
    owner = membership.organization if membership.role == Role.PROVIDER_STAFF else cohort.program.provider
    with transaction.atomic():
        participant = participant_create(convener=convener, actor=actor, membership=membership,
                                         first_name=first_name, last_name=last_name, organization=owner)
        return enrollment_add(convener=convener, actor=actor, membership=membership, cohort=cohort,
                              participant=participant, status=status, override_seats=override_seats)


__all__ = [
    "attendance_record_day", "cohort_employer_remove", "cohort_employer_save", "cohort_save",
    "cohort_sessions_layout", "cohort_set_status", "credential_award_record", "enrollment_add",
    "enrollment_set_status", "participant_create", "participant_create_for_roster", "program_save",
    "runs_program", "session_add", "skill_gain_record",
]

"""Reads of participants: the caseload, one participant's record and timeline, totals of services, due checks.
Row-level access comes from participants.access; lists are built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from participants import access
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
    current_consent_q,
)
from partnerships.models import Convener, Membership
from partnerships.roles import CONVENER_ROLES, Role
from programs.models import Cohort, CohortEnrollment, CredentialAward, SkillGain


def participant_list(
    *, convener: Convener, membership: Membership, status: str | None = None, stream: str | None = None,
    cohort: int | None = None, overdue: bool = False, mine: bool = False, search: str | None = None,
    today: date | None = None,
) -> QuerySet[Participant]:
    """The caseload: people the membership may see, with their open streams, current cohort and next check
    (3 queries however many rows: the page, then two prefetches)."""
    today = today or timezone.localdate()
    qs = Participant.objects.for_convener(convener).filter(access.visible_q(membership=membership, today=today))
    if status:
        qs = qs.filter(status=status)
    if stream:
        qs = qs.filter(Exists(StreamEnrollment.objects.for_convener(convener).filter(
            participant=OuterRef("pk"), stream__code=stream)))
    if cohort:
        qs = qs.filter(Exists(CohortEnrollment.objects.for_convener(convener).filter(
            participant=OuterRef("pk"), cohort_id=cohort)))
    due = RetentionCheck.objects.for_convener(convener).filter(placement__participant=OuterRef("pk"),
                                                                checked_on__isnull=True)
    if overdue:
        qs = qs.filter(Exists(due.filter(due_on__lt=today)))
    if mine:
        qs = qs.filter(case_manager=membership.user_id)
    if search:
        term = search.strip()
        if term.upper().startswith("P-"):
            qs = qs.filter(public_id__iexact=term)
        else:
            for word in term.split():
                qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                               | Q(preferred_name__icontains=word))
    return (
        qs.select_related("organization", "case_manager")
        .annotate(next_check_due=Min("placements__checks__due_on",
                                     filter=Q(placements__checks__checked_on__isnull=True)))
        .prefetch_related(
            Prefetch("stream_enrollments", queryset=StreamEnrollment.objects.for_convener(convener)
                     .select_related("stream").order_by("entry_date")),
            Prefetch("cohort_enrollments", queryset=CohortEnrollment.objects.for_convener(convener)
                     .select_related("cohort").order_by("-cohort__start_date")),
        )
        .order_by("last_name", "first_name", "pk")
    )


def participant_get(*, convener: Convener, membership: Membership, participant_id: int
                    ) -> tuple[Participant, access.Reading]:
    """One participant and what the membership may read of them, or 404 (never 403: existence is private)."""
    participant = (Participant.objects.for_convener(convener).filter(pk=participant_id)
                   .select_related("organization", "case_manager").first())
    if participant is None:
        raise Http404("No such participant")
    read = access.reading(convener=convener, membership=membership, participant=participant)
    if read is None:
        raise Http404("No such participant")
    return participant, read


@dataclass
class StreamTotal:
    stream: str
    code: str
    amount: Decimal
    count: int


def service_totals(*, convener: Convener, participant: Participant) -> list[StreamTotal]:
    """Approved and paid supportive services of one person, per funding stream (one grouped query)."""
    rows = (SupportiveService.objects.for_convener(convener)
            .filter(participant=participant, status__in=SupportiveService.COUNTED)
            .values("stream_enrollment__stream__name", "stream_enrollment__stream__code")
            .annotate(amount=Sum("amount"), n=Count("pk")).order_by("stream_enrollment__stream__sort_order"))
    return [StreamTotal(r["stream_enrollment__stream__name"], r["stream_enrollment__stream__code"],
                        r["amount"] or Decimal("0"), r["n"]) for r in rows]


def notes_visible(*, convener: Convener, membership: Membership, participant: Participant) -> QuerySet[CaseNote]:
    """Confidential notes are read inside the author's organization only (convener staff's own notes: convener
    staff only)."""
    qs = CaseNote.objects.for_convener(convener).filter(participant=participant).select_related("author",
                                                                                               "organization")
    if membership.role in CONVENER_ROLES:
        return qs.filter(Q(confidential=False) | Q(organization__isnull=True))
    return qs.filter(Q(confidential=False) | Q(organization_id=membership.organization_id))


def checks_due(*, convener: Convener, membership: Membership, today: date | None = None,
               within_days: int = 14) -> QuerySet[RetentionCheck]:
    """Unchecked retention checks due within two weeks or overdue, for the people the membership may see."""
    today = today or timezone.localdate()
    visible = Participant.objects.for_convener(convener).filter(access.visible_q(membership=membership,
                                                                                 today=today))
    return (RetentionCheck.objects.for_convener(convener)
            .filter(checked_on__isnull=True, due_on__lte=today + timedelta(days=within_days),
                    placement__participant__in=visible.values("pk"))
            .select_related("placement", "placement__participant").order_by("due_on"))


def import_job_list(*, convener: Convener, membership: Membership) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.for_convener(convener)
    if membership.role not in CONVENER_ROLES:
        qs = qs.filter(created_by=membership.user_id)
    return qs.order_by("-created_at", "-pk")


# ---------------------------------------------------------------------------
# The participant pages (participants/views): one read per panel, so that every tab of a person's record costs a
# small, fixed number of queries however long their history is.
# ---------------------------------------------------------------------------
def stream_enrollments(*, convener: Convener, participant: Participant) -> list[StreamEnrollment]:
    """The person's funding streams (co-enrollment), each with the approved and paid services charged to it:
    ``spent`` and ``services_count`` (one grouped query)."""
    counted = Q(services__status__in=SupportiveService.COUNTED)
    return list(
        StreamEnrollment.objects.for_convener(convener).filter(participant=participant).select_related("stream")
        .annotate(spent=Coalesce(Sum("services__amount", filter=counted), Value(Decimal("0")),
                                 output_field=DecimalField(max_digits=12, decimal_places=2)),
                  services_count=Count("services", filter=counted))
        .order_by("entry_date", "stream__sort_order")
    )


def participant_services(*, convener: Convener, participant: Participant) -> QuerySet[SupportiveService]:
    return (SupportiveService.objects.for_convener(convener).filter(participant=participant)
            .select_related("stream_enrollment__stream", "recorded_by").order_by("-provided_on", "-pk"))


def participant_cohorts(*, convener: Convener, participant: Participant) -> QuerySet[CohortEnrollment]:
    return (CohortEnrollment.objects.for_convener(convener).filter(participant=participant)
            .select_related("cohort", "cohort__program", "cohort__partnership").order_by("-cohort__start_date", "-pk"))


def participant_credentials(*, convener: Convener, participant: Participant) -> QuerySet[CredentialAward]:
    return CredentialAward.objects.for_convener(convener).filter(participant=participant).order_by("-awarded_on", "-pk")


def participant_skill_gains(*, convener: Convener, participant: Participant) -> QuerySet[SkillGain]:
    return SkillGain.objects.for_convener(convener).filter(participant=participant).order_by("-achieved_on", "-pk")


def participant_placements(*, convener: Convener, participant: Participant) -> QuerySet[Placement]:
    """Placements with their 90/180/365-day checks (2 queries)."""
    return (Placement.objects.for_convener(convener).filter(participant=participant)
            .select_related("occupation", "employer", "cohort_enrollment__cohort")
            .prefetch_related(Prefetch("checks", queryset=RetentionCheck.objects.for_convener(convener)
                                       .order_by("milestone_days")))
            .order_by("-start_date", "-pk"))


def participant_wages(*, convener: Convener, participant: Participant) -> QuerySet[QuarterlyWage]:
    return QuarterlyWage.objects.for_convener(convener).filter(participant=participant).order_by("-year", "-quarter")


def participant_consents(*, convener: Convener, participant: Participant) -> QuerySet[Consent]:
    """Every consent the person signed, newest first, with the organizations it names (2 queries)."""
    return (Consent.objects.for_convener(convener).filter(participant=participant)
            .select_related("recorded_by", "revoked_by").prefetch_related("recipients").order_by("-signed_on", "-pk"))


def next_check(*, convener: Convener, participant: Participant) -> RetentionCheck | None:
    """The person's next retention check not yet recorded (overdue ones first)."""
    return (RetentionCheck.objects.for_convener(convener).filter(placement__participant=participant,
                                                                 checked_on__isnull=True)
            .select_related("placement").order_by("due_on").first())


def record_part_get(*, convener: Convener, membership: Membership, model: type[Any], pk: int,
                    participant_path: str = "participant") -> tuple[Any, Participant, access.Reading]:
    """A row of someone's record (a stream enrollment, a consent, a service, a check…) with its person and what
    the membership may read of them; 404 when either is missing or unreadable."""
    row = (model.objects.for_convener(convener).filter(pk=pk)
           .select_related(participant_path, f"{participant_path}__organization").first())
    if row is None:
        raise Http404("Not found")
    participant = row
    for part in participant_path.split("__"):
        participant = getattr(participant, part)
    read = access.reading(convener=convener, membership=membership, participant=participant)
    if read is None:
        raise Http404("Not found")
    return row, participant, read


_CHAR: CharField[Any, Any] = CharField()
_MONEY: DecimalField[Any, Any] = DecimalField(max_digits=12, decimal_places=2)


def _events(qs: QuerySet[Any], *, day: Any, kind: str, a: Any = None, b: Any = None, c: Any = None,
            amount: str | None = None) -> QuerySet[Any]:
    """One arm of the timeline's UNION ALL: the same six columns from any table."""
    def text(value: Any) -> Any:
        if value is None:
            return Cast(Value(""), output_field=_CHAR)
        return F(value) if isinstance(value, str) else value

    return qs.order_by().annotate(
        ev_day=F(day) if isinstance(day, str) else day, ev_kind=Value(kind, output_field=_CHAR), ev_a=text(a),
        ev_b=text(b), ev_c=text(c),
        ev_amount=F(amount) if amount else Cast(Value(None), output_field=_MONEY),
    ).values_list("ev_day", "ev_kind", "ev_a", "ev_b", "ev_c", "ev_amount")


TIMELINE_LIMIT = 300


def participant_timeline(*, convener: Convener, membership: Membership, participant: Participant,
                         reading: access.Reading, limit: int = TIMELINE_LIMIT) -> list[dict[str, Any]]:
    """Everything that happened to one person, newest first, limited to the data categories the reader may see:
    one UNION ALL query over every table of the record, however long the history."""
    sees = reading.sees
    c = convener
    mine = {"participant": participant}
    arms: list[QuerySet[Any]] = []
    if sees("enrollment"):
        streams = StreamEnrollment.objects.for_convener(c).filter(**mine)
        cohorts = CohortEnrollment.objects.for_convener(c).filter(**mine)
        arms += [
            _events(streams, day="entry_date", kind="stream", a="stream__name"),
            _events(streams.filter(exit_date__isnull=False), day="exit_date", kind="exit", a="stream__name",
                    b="exit_source", c="exit_reason"),
            _events(cohorts.filter(applied_on__isnull=False).exclude(enrolled_on=F("applied_on")),
                    day="applied_on", kind="cohort_applied", a="cohort__name"),
            _events(cohorts.filter(enrolled_on__isnull=False), day="enrolled_on", kind="cohort_enrolled",
                    a="cohort__name"),
            _events(cohorts.filter(completed_on__isnull=False), day="completed_on", kind="completion",
                    a="cohort__name"),
            _events(cohorts.filter(withdrawn_on__isnull=False), day="withdrawn_on", kind="withdrawal",
                    a="cohort__name", b="withdrawal_reason"),
        ]
    if sees("services"):
        arms.append(_events(SupportiveService.objects.for_convener(c).filter(**mine), day="provided_on",
                            kind="service", a="service_type", b="stream_enrollment__stream__name", c="status",
                            amount="amount"))
    notes = notes_visible(convener=c, membership=membership, participant=participant)
    arms.append(_events(notes, day="noted_on", kind="note", a="author__full_name",
                        b=Case(When(confidential=True, then=Value("confidential")), default=Value(""),
                               output_field=_CHAR)))
    if reading.owner:
        consents = Consent.objects.for_convener(c).filter(**mine)
        arms += [
            _events(consents, day="signed_on", kind="consent"),
            _events(consents.filter(revoked_at__isnull=False), day=TruncDate("revoked_at"), kind="consent_revoked"),
        ]
    if sees("employment"):
        arms += [
            _events(Placement.objects.for_convener(c).filter(**mine), day="start_date", kind="placement",
                    a="employer_name", b="occupation__title", amount="hourly_wage"),
            _events(RetentionCheck.objects.for_convener(c).filter(placement__participant=participant,
                                                                  checked_on__isnull=False),
                    day="checked_on", kind="check", a=Cast("milestone_days", output_field=_CHAR),
                    b=Case(When(employed=True, then=Value("employed")), default=Value("not employed"),
                           output_field=_CHAR),
                    c=Case(When(same_employer=True, then=Value("same")), default=Value(""), output_field=_CHAR),
                    amount="current_wage"),
        ]
    if sees("credentials"):
        arms += [
            _events(CredentialAward.objects.for_convener(c).filter(**mine), day="awarded_on", kind="credential",
                    a="name", b="issuer"),
            _events(SkillGain.objects.for_convener(c).filter(**mine), day="achieved_on", kind="gain",
                    a="gain_type", b="note"),
        ]
    first, *rest = arms
    rows = list(first.union(*rest, all=True).order_by("-ev_day")[:limit]) if rest else list(first[:limit])
    events = [_timeline_event(*row) for row in rows]
    if participant.intake_date and len(rows) < limit:
        events.append({"day": participant.intake_date, "kind": "intake", "text": "Intake",
                       "detail": f"by {participant.organization.name}"})
    # Newest first; on one day, the later step of the path first (a completion above the enrollment it ends).
    events.sort(key=lambda e: (e["day"], _STEP.get(e["kind"], 0)), reverse=True)
    return events


_STEP = {kind: n for n, kind in enumerate((
    "intake", "stream", "consent", "cohort_applied", "cohort_enrolled", "service", "note", "gain", "completion",
    "credential", "withdrawal", "placement", "check", "exit", "consent_revoked"))}


_SERVICE_TYPES = dict(SupportiveService.ServiceType.choices)
_SERVICE_STATUSES = dict(SupportiveService.Status.choices)
_GAIN_TYPES = dict(SkillGain.GainType.choices)


def _timeline_event(day: date, kind: str, a: str, b: str, c: str, amount: Decimal | None) -> dict[str, Any]:
    """The words of one timeline row (the query returns codes and names; labels come from the models' choices)."""
    text, detail = kind, ""
    if kind == "stream":
        text = f"Enrolled in {a}"
    elif kind == "exit":
        text = f"Exited {a}"
        detail = ("derived: 90 days with no participation service" if b == "derived" else "recorded by staff") + (
            f" · {c}" if c and b != "derived" else "")
    elif kind == "cohort_applied":
        text = f"Applied to {a}"
    elif kind == "cohort_enrolled":
        text = f"Enrolled in the cohort {a}"
    elif kind == "completion":
        text = f"Completed {a}"
    elif kind == "withdrawal":
        text, detail = f"Withdrew from {a}", b
    elif kind == "service":
        text = f"{_SERVICE_TYPES.get(a, a)} ${amount or 0:,.2f}"
        detail = f"from {b} · {_SERVICE_STATUSES.get(c, c).lower()}"
    elif kind == "note":
        text, detail = "Case note" + (" (confidential)" if b else ""), f"by {a}" if a else ""
    elif kind == "consent":
        text = "Consent signed"
    elif kind == "consent_revoked":
        text = "Consent revoked"
    elif kind == "placement":
        text, detail = f"Placed at {a}", f"{b} · ${amount or 0:,.2f}/hour"
    elif kind == "check":
        text = f"Day {a} retention check: {b}"
        detail = ("with the same employer" if c else "with another employer") if b == "employed" else ""
        if amount is not None:
            detail += f" · ${amount:,.2f}/hour"
    elif kind == "credential":
        text, detail = f"Earned {a}", b
    elif kind == "gain":
        text, detail = f"Skill gain: {_GAIN_TYPES.get(a, a).lower()}", b
    return {"day": day, "kind": kind, "text": text, "detail": detail}


# ---------------------------------------------------------------------------
# Employer interviews (DOMAIN.md §2: a graduate's name only with consent)
# ---------------------------------------------------------------------------
def interview_candidates(*, convener: Convener, membership: Membership, cohort: Cohort,
                         today: date | None = None) -> list[Participant]:
    """Completers of ``cohort`` whose current consent shares their identity with the employer representative's
    organization for the "employer interview" purpose. Anyone else, and every other role, gets nobody: the
    names shown must be audited by the caller (one view each)."""
    if membership.role != Role.EMPLOYER_REP or not membership.organization_id:
        return []
    today = today or timezone.localdate()
    consented = Consent.objects.for_convener(convener).filter(
        current_consent_q(today=today), share_identity=True, for_employer_interview=True,
        recipients=membership.organization_id,
    ).values("participant_id")
    completed = CohortEnrollment.objects.for_convener(convener).filter(
        cohort=cohort, status=CohortEnrollment.Status.COMPLETED).values("participant_id")
    return list(Participant.objects.for_convener(convener).filter(pk__in=consented).filter(pk__in=completed)
                .order_by("last_name", "first_name", "pk"))


# ---------------------------------------------------------------------------
# The participants API (participants/api): flat lists of each kind of row, limited like the pages to the people
# the membership may read and to the data categories it may see of each (access.readable_q), in a fixed number of
# queries. The person's own encrypted identity is never loaded for these rows.
# ---------------------------------------------------------------------------
_PERSON_PII = ("ssn", "date_of_birth")


def _without_pii(qs: QuerySet[Any], path: str) -> QuerySet[Any]:
    return qs.defer(*(f"{path}__{f}" for f in _PERSON_PII))


def readable_participants(*, convener: Convener, membership: Membership) -> QuerySet[Participant]:
    """People the membership may read (the ids an API body may name)."""
    return Participant.objects.for_convener(convener).filter(access.visible_q(membership=membership))


def stream_enrollment_list(*, convener: Convener, membership: Membership) -> QuerySet[StreamEnrollment]:
    qs = (StreamEnrollment.objects.for_convener(convener)
          .filter(access.readable_q(membership=membership, category="enrollment"))
          .select_related("participant", "stream").order_by("participant__last_name", "participant_id",
                                                             "entry_date", "pk"))
    return _without_pii(qs, "participant")


def consent_list(*, convener: Convener, membership: Membership) -> QuerySet[Consent]:
    """Consents are read by the record's owners only."""
    qs = (Consent.objects.for_convener(convener).filter(access.owned_q(membership=membership))
          .select_related("participant", "recorded_by").prefetch_related("recipients")
          .order_by("-signed_on", "-pk"))
    return _without_pii(qs, "participant")


def service_list(*, convener: Convener, membership: Membership) -> QuerySet[SupportiveService]:
    qs = (SupportiveService.objects.for_convener(convener)
          .filter(access.readable_q(membership=membership, category="services"))
          .select_related("participant", "stream_enrollment__stream", "recorded_by")
          .order_by("-provided_on", "-pk"))
    return _without_pii(qs, "participant")


def note_list(*, convener: Convener, membership: Membership) -> QuerySet[CaseNote]:
    """Notes of the people the membership may read; a confidential one only inside its author's organization
    (convener staff's own confidential notes: convener staff only), as ``notes_visible``."""
    if membership.role in CONVENER_ROLES:
        confidential = Q(confidential=False) | Q(organization__isnull=True)
    else:
        confidential = Q(confidential=False) | Q(organization_id=membership.organization_id)
    qs = (CaseNote.objects.for_convener(convener).filter(access.readable_q(membership=membership))
          .filter(confidential).select_related("participant", "author", "organization")
          .order_by("-noted_on", "-pk"))
    return _without_pii(qs, "participant")


def placement_list(*, convener: Convener, membership: Membership) -> QuerySet[Placement]:
    qs = (Placement.objects.for_convener(convener)
          .filter(access.readable_q(membership=membership, category="employment"))
          .select_related("participant", "occupation", "employer", "cohort_enrollment__cohort")
          .prefetch_related(Prefetch("checks", queryset=RetentionCheck.objects.for_convener(convener)
                                     .order_by("milestone_days")))
          .order_by("-start_date", "-pk"))
    return _without_pii(qs, "participant")


def retention_check_list(*, convener: Convener, membership: Membership) -> QuerySet[RetentionCheck]:
    qs = (RetentionCheck.objects.for_convener(convener)
          .filter(access.readable_q(membership=membership, category="employment", path="placement__participant"))
          .select_related("placement", "placement__participant").order_by("due_on", "pk"))
    return _without_pii(qs, "placement__participant")


def wage_list(*, convener: Convener, membership: Membership) -> QuerySet[QuarterlyWage]:
    qs = (QuarterlyWage.objects.for_convener(convener)
          .filter(access.readable_q(membership=membership, category="employment"))
          .select_related("participant").order_by("-year", "-quarter", "-pk"))
    return _without_pii(qs, "participant")

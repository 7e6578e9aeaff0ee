"""Reads of participants: the caseload, one participant's record and timeline, totals of services, due checks.
Row-level access comes from participants.access; lists are built in a fixed number of queries."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
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
    Subquery,
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
from participants.pii import ssn_normalize
from partnerships.models import AuditEvent, Convener, Membership
from partnerships.roles import CONVENER_ROLES, Role
from programs.models import AttendanceRecord, Cohort, CohortEnrollment, CredentialAward, SkillGain


def participant_list(
    *, convener: Convener, membership: Membership, status: str | None = None, stream: str | None = None,
    cohort: int | None = None, overdue: bool = False, mine: bool = False, search: str | None = None,
    today: date | None = None,
) -> QuerySet[Participant]:
    """The caseload: people the membership may see, with their open streams, current cohort and next check
    (3 queries however many rows: the page, then two prefetches)."""
    today = today or timezone.localdate()
    qs = Participant.objects.for_convener(convener).filter(access.caseload_q(membership=membership, today=today))
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
    # The next check as a correlated subquery, not a JOIN and GROUP BY: PostgreSQL then walks the
    # participant_caseload_order index in page order and computes it for the page's rows only (a million-row
    # tenant: 2.2 s -> a few ms), and the paginator's COUNT(*) drops it.
    next_due = (due.order_by().values("placement__participant").annotate(first=Min("due_on")).values("first"))
    return (
        qs.select_related("organization", "case_manager")
        .annotate(next_check_due=Subquery(next_due[:1]))
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


def service_totals(*, convener: Convener, participant: Participant,
                   streams: list[StreamEnrollment] | None = None) -> list[StreamTotal]:
    """Approved and paid supportive services of one person, per funding stream, in the streams' order.

    The sums are the database's, per stream enrollment (``stream_enrollments``); a person enrolled in a stream twice
    has their two sums added here. Pass the ``streams`` already read to spend no query."""
    if streams is None:
        streams = stream_enrollments(convener=convener, participant=participant)
    totals: dict[str, StreamTotal] = {}
    for row in sorted(streams, key=lambda e: (e.stream.sort_order, e.stream.name)):
        if row.services_count:  # type: ignore[attr-defined]  # annotated by stream_enrollments
            total = totals.setdefault(row.stream.code, StreamTotal(row.stream.name, row.stream.code, Decimal("0"), 0))
            total.amount += row.spent  # type: ignore[attr-defined]
            total.count += row.services_count  # type: ignore[attr-defined]
    return list(totals.values())


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


# ---------------------------------------------------------------------------
# Data rights (DOMAIN.md §6): one person's full record, as a machine-readable export with stable keys. The same
# dict is the JSON download, the API response and the readable page, so they cannot drift apart.
# ---------------------------------------------------------------------------
# Every model that holds rows about one person, with the path from it to the Participant, children before parents
# (the order erasure deletes them in). The export reads each, erasure deletes each; the data-rights tests walk the
# app registry and fail when a model that reaches a Participant through foreign keys is missing here.
PERSON_ROWS: tuple[tuple[type[Any], str], ...] = (
    (AttendanceRecord, "enrollment__participant"),
    (RetentionCheck, "placement__participant"),
    (CredentialAward, "participant"),
    (SkillGain, "participant"),
    (SupportiveService, "participant"),
    (Placement, "participant"),
    (CaseNote, "participant"),
    (Consent, "participant"),
    (QuarterlyWage, "participant"),
    (StreamEnrollment, "participant"),
    (CohortEnrollment, "participant"),
)
# The export's section of each model, in the order the export (and the page) lists them.
EXPORT_SECTIONS: dict[type[Any], str] = {
    StreamEnrollment: "stream_enrollments",
    CohortEnrollment: "cohort_enrollments",
    AttendanceRecord: "attendance",
    Consent: "consents",
    SupportiveService: "supportive_services",
    CaseNote: "case_notes",
    Placement: "placements",
    RetentionCheck: "retention_checks",
    QuarterlyWage: "quarterly_wages",
    CredentialAward: "credentials",
    SkillGain: "skill_gains",
}
# Fields of those models the export leaves out, and why: the workspace and the person are the export's own header;
# the SSN is given as its last four digits only (DOMAIN.md §3: never shown in clear); the keyed match hashes are
# derived, irreversible and mean nothing outside this database.
EXPORT_OMITTED_FIELDS = frozenset({"convener", "participant"})
EXPORT_OMITTED_PARTICIPANT_FIELDS = frozenset({"convener", "ssn", "ssn_hash", "identity_hash"})
EXPORT_FORMAT = "partnership-portal/participant-record"
EXPORT_FORMAT_VERSION = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    """Money and hours as exact decimal strings ("17.25"), never floats."""
    return str(value) if value is not None else None


def _user(user: Any) -> str | None:
    return (user.full_name or user.email) if user is not None else None


def _org(org: Any) -> dict[str, Any] | None:
    return {"id": org.pk, "name": org.name} if org is not None else None


def _participant_export(p: Participant) -> dict[str, Any]:
    return {
        "id": p.pk, "public_id": p.public_id, "status": p.status,
        "first_name": p.first_name, "middle_name": p.middle_name, "last_name": p.last_name,
        "preferred_name": p.preferred_name,
        "ssn_last4": p.ssn_last4 or None, "ssn_on_file": bool(p.ssn),
        "date_of_birth": _iso(p.date_of_birth), "age_at_entry": p.age_at_entry,
        "email": p.email, "phone": p.phone, "address": p.address, "city": p.city, "state": p.state,
        "postal_code": p.postal_code,
        "sex": p.sex, "ethnicity": p.ethnicity, "race": p.race, "veteran": p.veteran,
        "education_at_entry": p.education_at_entry,
        "employment_status_at_entry": p.employment_status_at_entry,
        "hourly_wage_at_entry": _amount(p.hourly_wage_at_entry),
        "prior_quarter_earnings": _amount(p.prior_quarter_earnings),
        **{name: getattr(p, name) for name in Participant.BARRIERS},
        **{name: getattr(p, name) for name in Participant.BENEFITS},
        "abawd": p.abawd, "snap_participation": p.snap_participation,
        "organization": _org(p.organization), "case_manager": _user(p.case_manager),
        "intake_date": _iso(p.intake_date), "created_by": _user(p.created_by),
        "created_at": _iso(p.created_at), "updated_at": _iso(p.updated_at),
    }


def _stream_enrollment_export(e: StreamEnrollment) -> dict[str, Any]:
    return {"id": e.pk, "stream": {"code": e.stream.code, "name": e.stream.name}, "entry_date": _iso(e.entry_date),
            "exit_date": _iso(e.exit_date), "exit_source": e.exit_source, "exit_reason": e.exit_reason,
            "exclusion_reason": e.exclusion_reason, "created_by": _user(e.created_by),
            "updated_at": _iso(e.updated_at)}


def _cohort_enrollment_export(e: CohortEnrollment) -> dict[str, Any]:
    cohort = e.cohort
    return {"id": e.pk, "cohort": {"id": cohort.pk, "name": cohort.name, "program": cohort.program.name,
                                   "partnership": cohort.partnership.name,
                                   "start_date": _iso(cohort.start_date), "end_date": _iso(cohort.end_date)},
            "status": e.status, "applied_on": _iso(e.applied_on), "enrolled_on": _iso(e.enrolled_on),
            "completed_on": _iso(e.completed_on), "withdrawn_on": _iso(e.withdrawn_on),
            "withdrawal_reason": e.withdrawal_reason, "seat_override": e.seat_override,
            "created_by": _user(e.created_by), "updated_at": _iso(e.updated_at)}


def _attendance_export(a: AttendanceRecord) -> dict[str, Any]:
    return {"id": a.pk, "enrollment": a.enrollment_id,
            "session": {"id": a.session_id, "cohort": a.session.cohort.name, "day": _iso(a.session.day),
                        "kind": a.session.kind},
            "status": a.status, "hours": _amount(a.hours), "recorded_by": _user(a.recorded_by),
            "recorded_at": _iso(a.recorded_at)}


def _consent_export(c: Consent) -> dict[str, Any]:
    return {"id": c.pk, "recipients": [_org(o) for o in c.recipients.all()],
            **{f"share_{k}": getattr(c, f"share_{k}") for k in Consent.CATEGORIES},
            **{f"for_{k}": getattr(c, f"for_{k}") for k in Consent.PURPOSES},
            "signed_on": _iso(c.signed_on), "expires_on": _iso(c.expires_on), "revoked_at": _iso(c.revoked_at),
            "revoked_by": _user(c.revoked_by), "revocation_note": c.revocation_note,
            "recorded_by": _user(c.recorded_by), "created_at": _iso(c.created_at)}


def _service_export(s: SupportiveService) -> dict[str, Any]:
    return {"id": s.pk, "stream_enrollment": s.stream_enrollment_id, "stream": s.stream_enrollment.stream.code,
            "service_type": s.service_type, "amount": _amount(s.amount), "provided_on": _iso(s.provided_on),
            "vendor": s.vendor, "status": s.status, "note": s.note, "recorded_by": _user(s.recorded_by),
            "decided_by": _user(s.decided_by), "updated_at": _iso(s.updated_at)}


def _note_export(n: CaseNote) -> dict[str, Any]:
    return {"id": n.pk, "noted_on": _iso(n.noted_on), "text": n.text, "confidential": n.confidential,
            "author": _user(n.author), "organization": _org(n.organization), "created_at": _iso(n.created_at)}


def _placement_export(p: Placement) -> dict[str, Any]:
    return {"id": p.pk, "employer": _org(p.employer), "employer_name": p.employer_name,
            "occupation": {"soc_code": p.occupation.soc_code, "title": p.occupation.title},
            "cohort_enrollment": p.cohort_enrollment_id, "start_date": _iso(p.start_date),
            "hourly_wage": _amount(p.hourly_wage), "hours_per_week": _amount(p.hours_per_week),
            "related_to_training": p.related_to_training, "placement_type": p.placement_type,
            "ended_on": _iso(p.ended_on), "recorded_by": _user(p.recorded_by), "created_at": _iso(p.created_at)}


def _check_export(c: RetentionCheck) -> dict[str, Any]:
    return {"id": c.pk, "placement": c.placement_id, "milestone_days": c.milestone_days, "due_on": _iso(c.due_on),
            "checked_on": _iso(c.checked_on), "employed": c.employed, "same_employer": c.same_employer,
            "current_wage": _amount(c.current_wage), "note": c.note, "reminded_at": _iso(c.reminded_at),
            "checked_by": _user(c.checked_by)}


def _wage_export(w: QuarterlyWage) -> dict[str, Any]:
    return {"id": w.pk, "year": w.year, "quarter": w.quarter, "wages": _amount(w.wages),
            "employer_fein": w.employer_fein, "source": w.source, "recorded_by": _user(w.recorded_by),
            "created_at": _iso(w.created_at)}


def _credential_export(c: CredentialAward) -> dict[str, Any]:
    return {"id": c.pk, "enrollment": c.enrollment_id, "program_credential": c.program_credential_id,
            "ctdl_type": c.ctdl_type, "name": c.name, "issuer": c.issuer, "awarded_on": _iso(c.awarded_on),
            "recorded_by": _user(c.recorded_by), "created_at": _iso(c.created_at)}


def _gain_export(g: SkillGain) -> dict[str, Any]:
    return {"id": g.pk, "enrollment": g.enrollment_id, "gain_type": g.gain_type, "achieved_on": _iso(g.achieved_on),
            "note": g.note, "recorded_by": _user(g.recorded_by), "created_at": _iso(g.created_at)}


def _person_rows(convener: Convener, participant: Participant) -> dict[type[Any], QuerySet[Any]]:
    """Each person-level model's rows of ``participant``, loaded with what the export shows of them."""
    c = convener
    related: dict[type[Any], tuple[str, ...]] = {
        StreamEnrollment: ("stream", "created_by"),
        CohortEnrollment: ("cohort__program", "cohort__partnership", "created_by"),
        AttendanceRecord: ("session__cohort", "recorded_by"),
        Consent: ("revoked_by", "recorded_by"),
        SupportiveService: ("stream_enrollment__stream", "recorded_by", "decided_by"),
        CaseNote: ("author", "organization"),
        Placement: ("employer", "occupation", "recorded_by"),
        RetentionCheck: ("checked_by",),
        QuarterlyWage: ("recorded_by",),
        CredentialAward: ("recorded_by",),
        SkillGain: ("recorded_by",),
    }
    out: dict[type[Any], QuerySet[Any]] = {}
    for model, path in PERSON_ROWS:
        qs = model.objects.for_convener(c).filter(**{path: participant}).select_related(*related[model])
        out[model] = qs.prefetch_related("recipients").order_by("pk") if model is Consent else qs.order_by("pk")
    return out


_EXPORTERS: dict[type[Any], Any] = {
    StreamEnrollment: _stream_enrollment_export, CohortEnrollment: _cohort_enrollment_export,
    AttendanceRecord: _attendance_export, Consent: _consent_export, SupportiveService: _service_export,
    CaseNote: _note_export, Placement: _placement_export, RetentionCheck: _check_export,
    QuarterlyWage: _wage_export, CredentialAward: _credential_export, SkillGain: _gain_export,
}


def person_row_ids(*, convener: Convener, participant: Participant) -> dict[type[Any], list[int]]:
    """The ids of every person-level row of ``participant``, per model (one query per model)."""
    return {model: list(model.objects.for_convener(convener).filter(**{path: participant})
                        .order_by("pk").values_list("pk", flat=True))
            for model, path in PERSON_ROWS}


def person_audit_q(*, participant: Participant, row_ids: dict[type[Any], list[int]]) -> Q:
    """Q over AuditEvent for the events about the person: their record, and any row of it."""
    q = Q(target_type=Participant._meta.label_lower, target_id=str(participant.pk))
    for model, ids in row_ids.items():
        if ids:
            q |= Q(target_type=model._meta.label_lower, target_id__in=[str(i) for i in ids])
    return q


# -- the person's rows inside uploaded import files ----------------------------------------------------------------
@dataclass(frozen=True)
class ImportFileRows:
    """The rows of one uploaded import file that are about the person. ``positions`` count every row of the file
    (the header is 1); ``numbers`` are the row numbers the job's error report uses (blank rows skipped, as the
    importer numbers them)."""

    job: ImportJob
    positions: tuple[int, ...]
    numbers: tuple[int, ...]
    cells: tuple[dict[str, str], ...]


def import_file_rows(payload: bytes, filename: str) -> list[list[str]]:
    """Every row of an uploaded file (header first) as stripped strings, read as the importer reads its cells;
    an unreadable file has none."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            # Read-only streams the sheet (an upload may be 10 MB); it yields empty rows for gaps, so positions
            # count the same as in the full workbook that erasure rewrites.
            sheet = load_workbook(io.BytesIO(payload), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises several kinds for a file that is not a workbook
            return []
        if sheet is None:
            return []
        return [["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)).strip()
                 for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _name_key(value: str) -> tuple[str, str]:
    """The name as typed (case-folded) and folded as the duplicate check folds it (accents, spaces, punctuation
    ignored); a name of non-Latin letters folds to nothing, so it matches as typed only."""
    text = unicodedata.normalize("NFKC", value or "").casefold().strip()
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text, "".join(ch for ch in folded if "a" <= ch <= "z")


def _same_name(a: str, b: str) -> bool:
    (exact_a, folded_a), (exact_b, folded_b) = _name_key(a), _name_key(b)
    return bool(exact_a) and (exact_a == exact_b or (bool(folded_a) and folded_a == folded_b))


def import_row_is_about(*, participant: Participant, kind: str, row: dict[str, str]) -> bool:
    """Whether one row of an import file is about ``participant``. Enrollment, placement and wage rows name the
    public id. A participant row is theirs when it carries their SSN, or their name with no SSN or date of birth
    that contradicts the record: a same-named person's row without either is taken too, since erasing a stray copy
    of someone's row from an archived upload is the safe side (the imported records themselves are untouched)."""
    if kind != ImportJob.Kind.PARTICIPANTS:
        return row.get("public_id", "").strip().upper() == participant.public_id.upper()
    try:
        row_ssn = ssn_normalize(row["ssn"]) if row.get("ssn") else ""
    except ValidationError:
        row_ssn = ""
    if row_ssn and participant.ssn and row_ssn == participant.ssn:
        return True
    if not (_same_name(row.get("first_name", ""), participant.first_name)
            and _same_name(row.get("last_name", ""), participant.last_name)):
        return False
    if row_ssn and participant.ssn and row_ssn != participant.ssn:
        return False
    try:
        row_dob = date.fromisoformat(row.get("date_of_birth", "")[:10]) if row.get("date_of_birth") else None
    except ValueError:
        row_dob = None
    return not (row_dob and participant.date_of_birth and row_dob != participant.date_of_birth)


def participant_import_rows(*, convener: Convener, participant: Participant) -> list[ImportFileRows]:
    """Every uploaded import file of the workspace that holds a row about the person (the files are kept on their
    job rows), with those rows. Reads each file: data-rights requests are rare, and a copy of someone's row must not
    be missed."""
    found: list[ImportFileRows] = []
    jobs = ImportJob.objects.for_convener(convener).select_related("created_by").order_by("pk")
    for job in jobs.iterator(chunk_size=20):
        rows = import_file_rows(bytes(job.payload), job.filename)
        if not rows:
            continue
        header = [h.lower() for h in rows[0]]
        positions, numbers, cells = [], [], []
        number = 1
        for position, raw in enumerate(rows[1:], start=2):
            if not any(raw):
                continue
            number += 1
            row = dict(zip(header, raw + [""] * (len(header) - len(raw)), strict=False))
            if import_row_is_about(participant=participant, kind=job.kind, row=row):
                positions.append(position)
                numbers.append(number)
                cells.append(row)
        if positions:
            found.append(ImportFileRows(job=job, positions=tuple(positions), numbers=tuple(numbers),
                                        cells=tuple(cells)))
    return found


def _import_export(found: ImportFileRows) -> dict[str, Any]:
    job = found.job
    rows = []
    for number, cells in zip(found.numbers, found.cells, strict=True):
        shown = dict(cells)
        if shown.get("ssn"):
            digits = "".join(ch for ch in shown["ssn"] if ch.isdigit())
            shown["ssn"] = f"•••-••-{digits[-4:]}" if len(digits) >= 4 else "•••"
        rows.append({"row": number, "cells": shown})
    return {"id": job.pk, "filename": job.filename, "kind": job.kind, "status": job.status,
            "uploaded_at": _iso(job.created_at), "uploaded_by": _user(job.created_by), "rows": rows}


def _audit_export(e: AuditEvent) -> dict[str, Any]:
    return {"id": e.pk, "occurred_at": _iso(e.occurred_at), "action": e.action,
            "actor": _user(e.actor) or e.actor_email or None, "source": e.source, "target_type": e.target_type,
            "target_id": e.target_id, "metadata": e.metadata}


def participant_record_export(*, convener: Convener, participant: Participant, exported_by: Any = None,
                              now: datetime | None = None) -> dict[str, Any]:
    """Everything the portal holds about one person (DOMAIN.md §6): the profile (SSN as its last four digits),
    every row of every person-level model across all organizations (confidential notes included), their rows in
    uploaded import files (SSN masked), and the audit trail of who viewed or changed the record. Keys are stable
    and always present (an empty section is an empty list); dates are ISO 8601, money exact decimal strings.
    The caller checks the data-rights permission and audits the export (services.participant_export_record)."""
    person = (Participant.objects.for_convener(convener).filter(pk=participant.pk)
              .select_related("organization", "case_manager", "created_by").get())
    rows = {model: list(qs) for model, qs in _person_rows(convener, person).items()}
    row_ids = {model: [r.pk for r in found] for model, found in rows.items()}
    trail = (AuditEvent.objects.for_convener(convener).filter(person_audit_q(participant=person, row_ids=row_ids))
             .select_related("actor").order_by("occurred_at", "pk"))
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(now or timezone.now()),
        "exported_by": _user(exported_by),
        "workspace": {"slug": convener.slug, "name": convener.name},
        "participant": _participant_export(person),
        **{section: [_EXPORTERS[model](r) for r in rows[model]] for model, section in EXPORT_SECTIONS.items()},
        "import_files": [_import_export(f) for f in participant_import_rows(convener=convener, participant=person)],
        "audit_trail": [_audit_export(e) for e in trail],
    }


def participant_erase_preview(*, convener: Convener, participant: Participant) -> list[tuple[str, int]]:
    """What erasing the person deletes: (what, how many) per kind of row that has any, and their import-file rows."""
    counts = [(str(model._meta.verbose_name if len(ids) == 1 else model._meta.verbose_name_plural), len(ids))
              for model, ids in person_row_ids(convener=convener, participant=participant).items() if ids]
    files = participant_import_rows(convener=convener, participant=participant)
    if files:
        rows = sum(len(f.positions) for f in files)
        counts.append((f"row{'s' if rows != 1 else ''} in uploaded import files ({len(files)} "
                       f"file{'s' if len(files) != 1 else ''})", rows))
    return counts
